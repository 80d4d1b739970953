/**
 * The script that runs inside every QuickJS context before the plugin (./session.ts evaluates
 * it). It builds the `ctx` a plugin's actions receive (ctx.fetch, ctx.log, wired to host
 * functions) and returns the helpers the host calls: call, encode, exports. It holds JSON and
 * the host functions in a closure, so the plugin sees only `ctx` and cannot swap JSON.parse
 * under the host.
 */

/** A ctx.log line is cut at this many characters (inside QuickJS, and again on the host). */
export const MAX_LOG_CHARS = 1000

/** The file name the bootstrap runs under: its frames are cut from the stacks plugin authors see. */
export const BOOTSTRAP_FILE = 'r3sn:bootstrap'

/** The helpers the bootstrap returns, called by the host. */
export type Helper = 'call' | 'encode' | 'exports'

/** `(hostFetch, hostLog) => helpers`: hostFetch takes `{url, init}` as JSON and returns a promise of the answer as JSON. */
export const BOOTSTRAP = `(hostFetch, hostLog) => {
  'use strict'
  const { parse, stringify } = JSON
  const { keys, freeze } = Object
  const text = v => {
    if (typeof v === 'string') return v
    try { const s = stringify(v); return s === undefined ? String(v) : s } catch { return String(v) }
  }
  const ctx = freeze({
    fetch: async (url, init) => {
      const res = parse(await hostFetch(stringify({ url: String(url), init: init ?? {} })))
      let json = null
      try { json = parse(res.body) } catch {}
      return { status: res.status, headers: res.headers, body: res.body, json }
    },
    log: (...args) => { hostLog(args.map(text).join(' ').slice(0, ${MAX_LOG_CHARS})) }
  })
  return freeze({
    call: async (fn, input) => fn(parse(input), ctx),
    encode: value => value === undefined ? 'null' : stringify(value),
    exports: ns => stringify(keys(ns).filter(k => typeof ns[k] === 'function'))
  })
}`
