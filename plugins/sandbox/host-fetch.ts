/**
 * ctx.fetch's host side, for one run: the plugin's egress allowlist, then the operator's
 * egress policy (lib/egress.ts, the same as http.request's), the step's credential added on
 * request, redirects not followed, at most MAX_FETCHES requests and answers of at most
 * MAX_RESPONSE_BYTES (and a quarter of the run's memory).
 */
import { checkEgress, credentialHeaders, egressDispatcher, HEADER_NAME, HEADER_VALUE, setHeader } from '../../lib/egress.js'
import { StepError } from '../../lib/step-error.js'
import { byteSize } from './types.js'

const MAX_FETCHES = 100
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024

/** A fetch that failed on the host side: it rejects inside the plugin with this name and message. */
export class FetchFailure extends Error {
  override name = 'FetchError'
}

export interface FetchScope {
  /** Hosts (or host:port) the plugin's manifest allows. */
  egress: string[]
  credential?: Record<string, string>
  /** R3SN_HTTP_ALLOWED_HOSTS. */
  allowedHosts: string[]
  /** The run's memory allowance: an answer may be at most a quarter of it. */
  memoryBytes: number
  /** The run's wall-clock deadline (performance.now() time). */
  deadline: number
}

export interface FetchAnswer { status: number, headers: Record<string, string>, body: string }

/** The fetches of one run. */
export class HostFetch {
  count = 0
  /** The first refused fetch; a run that then fails reports R3SN_EGRESS_DENIED with it. */
  denied: string | undefined
  private readonly controller = new AbortController()

  constructor (private readonly scope: FetchScope) {}

  /** Reads what the plugin asked for (`{url, init}` as JSON) and counts it against the run's fetches. */
  parse (spec: string): { url: URL, init: Record<string, unknown> } {
    const { url: text, init } = JSON.parse(spec) as { url: string, init: Record<string, unknown> }
    if (++this.count > MAX_FETCHES) throw new FetchFailure(`ctx.fetch: a run may make at most ${MAX_FETCHES} requests`)
    let url: URL
    try { url = new URL(text) } catch { throw new FetchFailure(`ctx.fetch: invalid URL ${JSON.stringify(text.slice(0, 200))}`) }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchFailure(`ctx.fetch: only http and https URLs can be fetched, not ${url.protocol}`)
    return { url, init }
  }

  /** Checks the host, then makes the request. */
  async send (url: URL, init: Record<string, unknown>): Promise<FetchAnswer> {
    await this.checkHost(url)
    return this.exchange(url, init)
  }

  /** Ends the requests still running (the run is over). */
  abort (): void {
    this.controller.abort()
  }

  /** The plugin's egress allowlist first, then the operator's policy (private addresses need R3SN_HTTP_ALLOWED_HOSTS). */
  private async checkHost (url: URL): Promise<void> {
    const hostname = url.hostname.toLowerCase()
    const bare = hostname.replace(/^\[|\]$/g, '')
    const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port
    const egress = this.scope.egress.map(h => h.trim().toLowerCase())
    const listed = [hostname, bare, `${hostname}:${port}`, `${bare}:${port}`].some(h => egress.includes(h))
    if (!listed) {
      this.denied ??= `ctx.fetch: ${bare} is not in the plugin's egress allowlist (${egress.length === 0 ? 'empty' : egress.join(', ')})`
      throw Object.assign(new FetchFailure(this.denied), { name: 'EgressDenied' })
    }
    try {
      await checkEgress(url, this.scope.allowedHosts)
    } catch (err) {
      if (!(err instanceof StepError) || err.code !== 'R3SN_EGRESS_DENIED') throw new FetchFailure(`ctx.fetch: ${(err as Error).message}`)
      this.denied ??= `ctx.fetch: ${bare} is refused by the server's egress policy: ${err.message}`
      throw Object.assign(new FetchFailure(this.denied), { name: 'EgressDenied' })
    }
  }

  private async exchange (url: URL, init: Record<string, unknown>): Promise<FetchAnswer> {
    const headers: Record<string, string> = {}
    if (init.headers !== undefined) {
      if (init.headers === null || typeof init.headers !== 'object' || Array.isArray(init.headers)) throw new FetchFailure('ctx.fetch: headers must be an object of strings')
      for (const [k, v] of Object.entries(init.headers)) {
        if (typeof v !== 'string' || !HEADER_NAME.test(k) || !HEADER_VALUE.test(v)) throw new FetchFailure(`ctx.fetch: header ${JSON.stringify(k.slice(0, 100))} must be a valid name with a string value`)
        setHeader(headers, k, v)
      }
    }
    let body: string | undefined
    if (init.body !== undefined && init.body !== null) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
      if (typeof init.body !== 'string' && !Object.keys(headers).some(h => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
    }
    if (init.credential === true) {
      if (this.scope.credential === undefined) throw new FetchFailure('ctx.fetch: credential: true, but this run has no credential')
      // The credential overrides headers of the same name the plugin set.
      for (const [k, v] of Object.entries(credentialHeaders(this.scope.credential, 'ctx.fetch'))) setHeader(headers, k, v)
    }
    const method = typeof init.method === 'string' ? init.method.toUpperCase() : 'GET'
    const remaining = Math.max(1, this.scope.deadline - performance.now())
    const own = typeof init.timeoutMs === 'number' && init.timeoutMs > 0 && init.timeoutMs < remaining ? init.timeoutMs : undefined
    // Past the run's own deadline the run fails with R3SN_SANDBOX_TIMEOUT; a shorter timeout the plugin asks for rejects inside it.
    const signal = own === undefined ? this.controller.signal : AbortSignal.any([this.controller.signal, AbortSignal.timeout(own)])
    let res: Response
    try {
      res = await fetch(url, { method, headers, body, signal, redirect: 'manual', dispatcher: egressDispatcher(this.scope.allowedHosts) } as RequestInit)
    } catch (err) {
      if (signal.aborted && !this.controller.signal.aborted) throw new FetchFailure(`ctx.fetch: ${url.host} did not answer within ${own} ms`)
      const cause = (err as Error).cause
      // Refused at connect time: the name now resolves to a private address (DNS rebinding).
      if (cause instanceof StepError && cause.code === 'R3SN_EGRESS_DENIED') {
        this.denied ??= `ctx.fetch: ${url.hostname} is refused by the server's egress policy: ${cause.message}`
        throw Object.assign(new FetchFailure(this.denied), { name: 'EgressDenied' })
      }
      throw new FetchFailure(`ctx.fetch: request to ${url.host} failed: ${cause instanceof Error ? cause.message : (err as Error).message}`)
    }
    const cap = Math.min(MAX_RESPONSE_BYTES, Math.floor(this.scope.memoryBytes / 4))
    const chunks: Uint8Array[] = []
    let size = 0
    if (res.body !== null) {
      const reader = res.body.getReader()
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          size += r.value.byteLength
          if (size > cap) {
            await reader.cancel().catch(() => {})
            throw new FetchFailure(`ctx.fetch: the answer from ${url.host} is larger than ${byteSize(cap)}`)
          }
          chunks.push(r.value)
        }
      } catch (err) {
        if (err instanceof FetchFailure) throw err
        throw new FetchFailure(`ctx.fetch: reading the answer from ${url.host} failed: ${(err as Error).message}`)
      }
    }
    return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.concat(chunks).toString('utf8') }
  }
}
