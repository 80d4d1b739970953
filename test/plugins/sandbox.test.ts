import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import engineStatusPlugin from '../../plugins/engine-status.js'
import metricsPlugin from '../../plugins/metrics.js'
import sandboxPlugin, { DEFAULT_LIMITS, RUNS_PER_WORKER, Sandbox, SandboxError, type SandboxLimits, type SandboxRun } from '../../plugins/sandbox.js'
import { testConfig } from '../helper.js'

const TOKEN = 'tok_s3cret_value_9f8e7d'

interface Seen { method: string, path: string, headers: IncomingHttpHeaders, body: string }

/**
 * A loopback server that records what reaches it: /slow?ms=N answers late, /text and /big (1.8 MB)
 * answer text, /auth says whether the Bearer token came, /redirect redirects, anything else answers JSON.
 */
async function startServer (t: Test) {
  const seen: Seen[] = []
  const timers = new Set<NodeJS.Timeout>()
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => { body += c.toString() })
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x')
      seen.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body })
      const json = (status: number, payload: unknown) => { if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload)) }
      if (url.pathname === '/slow') {
        const timer = setTimeout(() => { timers.delete(timer); json(200, { slow: true }) }, Number(url.searchParams.get('ms')))
        timers.add(timer)
      } else if (url.pathname === '/big') res.writeHead(200, { 'content-type': 'text/plain' }).end('z'.repeat(1800 * 1024))
      else if (url.pathname === '/text') res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words')
      else if (url.pathname === '/auth') json(200, { authorized: req.headers.authorization === `Bearer ${TOKEN}` })
      else if (url.pathname === '/redirect') res.writeHead(302, { location: 'http://example.com/' }).end()
      else json(200, { user: { id: url.searchParams.get('id') }, method: req.method, body })
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => {
    for (const timer of timers) clearTimeout(timer)
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  const port = (server.address() as AddressInfo).port
  return { seen, port, base: `http://127.0.0.1:${port}` }
}

const limits = (over: Partial<SandboxLimits> = {}): SandboxLimits => ({ ...DEFAULT_LIMITS, ...over })
const run = (over: Partial<SandboxRun> & { code: string }): SandboxRun => ({ action: 'main', input: null, limits: DEFAULT_LIMITS, egress: [], ...over })

/** After any failure the service must stay healthy: a trivial run still works. */
async function stillHealthy (t: Test, box: Sandbox) {
  const r = await box.run(run({ code: 'export function ping (input) { return input }', action: 'ping', input: { ok: 1 } }))
  t.same(r.output, { ok: 1 }, 'a trivial run still succeeds afterwards')
}

async function expectFailure (t: Test, box: Sandbox, req: SandboxRun, code: string, message?: RegExp): Promise<SandboxError> {
  const err = await box.run(req).then(() => undefined, (e: unknown) => e)
  t.type(err, SandboxError, `fails with a SandboxError (${code})`)
  t.match(err, { code, ...(message === undefined ? {} : { message }) })
  await stillHealthy(t, box)
  return err as SandboxError
}

const box = new Sandbox(testConfig({ httpAllowedHosts: ['127.0.0.1'] }))

t.before(() => box.init())

t.test('a trivial action returns its output with timings', async t => {
  const r = await box.run(run({ code: 'export function ping (input) { return { got: input, n: input.n + 1 } }', action: 'ping', input: { n: 41 } }))
  t.same(r.output, { got: { n: 41 }, n: 42 })
  t.equal(r.fetches, 0)
  t.same(r.logs, [])
  t.ok(r.durationMs >= r.cpuMs && r.cpuMs > 0, 'durationMs and cpuMs are measured')
  const undef = await box.run(run({ code: 'export function main () {}' }))
  t.equal(undef.output, null, 'undefined comes back as null')
})

t.test('an async action fetches JSON from an allowed host, with a body and logs', async t => {
  const srv = await startServer(t)
  const code = `export async function getUser (input, ctx) {
    ctx.log('fetching', input.id, { deep: [1] })
    const res = await ctx.fetch(input.base + '/users?id=' + input.id, { method: 'POST', body: { hello: 'world' }, headers: { 'X-Trace': 'abc' } })
    const text = await ctx.fetch(input.base + '/text')
    return { status: res.status, type: res.headers['content-type'], user: res.json.user, echoed: res.json.body, text: text.body, textJson: text.json }
  }`
  const r = await box.run(run({ code, action: 'getUser', input: { id: '7', base: srv.base }, egress: [`127.0.0.1:${srv.port}`] }))
  t.same(r.output, { status: 200, type: 'application/json', user: { id: '7' }, echoed: '{"hello":"world"}', text: 'plain words', textJson: null })
  t.equal(r.fetches, 2)
  t.same(r.logs, ['fetching 7 {"deep":[1]}'])
  t.equal(srv.seen[0]?.method, 'POST')
  t.equal(srv.seen[0]?.headers['content-type'], 'application/json', 'a JSON body gets its content type')
  t.equal(srv.seen[0]?.headers['x-trace'], 'abc')
  t.equal(srv.seen[0]?.headers.authorization, undefined, 'no credential unless asked for')

  const host = await box.run(run({ code: 'export const main = async (input, ctx) => (await ctx.fetch(input)).status', input: `${srv.base}/x`, egress: ['127.0.0.1'] }))
  t.equal(host.output, 200, 'a bare host in egress allows any port')
  const redirect = await box.run(run({ code: 'export const main = async (input, ctx) => { const r = await ctx.fetch(input); return [r.status, r.headers.location] }', input: `${srv.base}/redirect`, egress: ['127.0.0.1'] }))
  t.same(redirect.output, [302, 'http://example.com/'], 'redirects are returned, not followed')
})

t.test('credential: true makes the host add the header; the plugin cannot read the secret', async t => {
  const srv = await startServer(t)
  const code = `export async function main (input, ctx) {
    const withCred = await ctx.fetch(input + '/auth', { credential: true })
    const without = await ctx.fetch(input + '/auth')
    const found = []
    for (const k of Object.getOwnPropertyNames(globalThis)) found.push(k)
    return {
      withCred: withCred.json.authorized, without: without.json.authorized,
      ctx: JSON.stringify(ctx), keys: Reflect.ownKeys(ctx).map(String), fetchSource: String(ctx.fetch), logSource: String(ctx.log),
      globals: found, proto: Object.getOwnPropertyNames(Object.getPrototypeOf(ctx))
    }
  }`
  const r = await box.run(run({ code, input: srv.base, egress: ['127.0.0.1'], credential: { token: TOKEN } }))
  const out = r.output as { withCred: boolean, without: boolean, keys: string[] }
  t.equal(out.withCred, true, 'the server got Authorization: Bearer <token>')
  t.equal(out.without, false)
  t.same(out.keys, ['fetch', 'log'], 'ctx holds only fetch and log')
  t.equal(srv.seen[0]?.headers.authorization, `Bearer ${TOKEN}`)
  t.equal(srv.seen[1]?.headers.authorization, undefined)
  t.notOk(JSON.stringify(r).includes(TOKEN), 'nothing the plugin could reach contains the token')

  const basic = await box.run(run({ code: 'export const main = async (input, ctx) => (await ctx.fetch(input, { credential: true })).status', input: `${srv.base}/b`, egress: ['127.0.0.1'], credential: { username: 'u', password: 'p' } }))
  t.equal(basic.output, 200)
  t.equal(srv.seen.at(-1)?.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`, 'username and password become Basic auth')
  const header = await box.run(run({ code: 'export const main = async (input, ctx) => (await ctx.fetch(input, { credential: true, headers: { "x-api-key": "forged" } })).status', input: `${srv.base}/h`, egress: ['127.0.0.1'], credential: { headerName: 'X-Api-Key', headerValue: 'k3y' } }))
  t.equal(header.output, 200)
  t.equal(srv.seen.at(-1)?.headers['x-api-key'], 'k3y', 'the credential header wins over one the plugin set')

  const none = await box.run(run({ code: 'export const main = async (input, ctx) => { try { await ctx.fetch(input, { credential: true }) } catch (e) { return e.message } }', input: `${srv.base}/n`, egress: ['127.0.0.1'] }))
  t.match(none.output, /no credential/, 'asking for a credential the run does not have rejects inside the plugin')
})

t.test('a fetch to a host outside the egress allowlist is refused before any request', async t => {
  const srv = await startServer(t)
  const code = 'export async function main (input, ctx) { return (await ctx.fetch(input)).json }'
  const err = await expectFailure(t, box, run({ code, input: `${srv.base}/x`, egress: ['api.example.com'] }), 'R3SN_EGRESS_DENIED', /127\.0\.0\.1 is not in the plugin's egress allowlist \(api\.example\.com\)/)
  t.equal(err.retryable, false)
  await expectFailure(t, box, run({ code, input: `${srv.base}/x`, egress: ['127.0.0.1:1'] }), 'R3SN_EGRESS_DENIED', /egress allowlist/)
  t.equal(srv.seen.length, 0, 'the server saw no request')

  // Inside the plugin the refusal is an ordinary rejection it may handle.
  const caught = await box.run(run({ code: 'export async function main (input, ctx) { try { await ctx.fetch(input) } catch (e) { return [e.name, e.message] } }', input: `${srv.base}/x` }))
  t.same(caught.output, ['EgressDenied', 'ctx.fetch: 127.0.0.1 is not in the plugin\'s egress allowlist (empty)'])
  await expectFailure(t, box, run({ code: 'export async function main (input, ctx) { try { await ctx.fetch(input) } catch { throw new Error("could not load") } }', input: `${srv.base}/x` }), 'R3SN_EGRESS_DENIED', /egress allowlist \(empty\) \(the plugin then failed with Error: could not load\)/)
  await expectFailure(t, box, run({ code, input: 'file:///etc/passwd', egress: ['127.0.0.1'] }), 'R3SN_PLUGIN_ERROR', /only http and https/)
})

t.test('the operator policy still applies: a loopback host in egress needs R3SN_HTTP_ALLOWED_HOSTS', async t => {
  const srv = await startServer(t)
  const open = new Sandbox(testConfig({ httpAllowedHosts: ['*'] }))
  const code = 'export async function main (input, ctx) { return (await ctx.fetch(input)).json }'
  await expectFailure(t, open, run({ code, input: `${srv.base}/x`, egress: ['127.0.0.1', `127.0.0.1:${srv.port}`] }), 'R3SN_EGRESS_DENIED', /127\.0\.0\.1 is refused by the server's egress policy: .*private or loopback/)
  t.equal(srv.seen.length, 0, 'the server saw no request')
})

t.test('an endless loop stops at the CPU limit', async t => {
  // (Stopped by its CPU limit, not by the 10 s wall-clock limit, which would be R3SN_SANDBOX_TIMEOUT.)
  const err = await expectFailure(t, box, run({ code: 'export function main () { for (;;) {} }', limits: limits({ cpuMs: 200 }) }), 'R3SN_SANDBOX_CPU', /200 ms of CPU/)
  t.equal(err.retryable, false)
  await expectFailure(t, box, run({ code: 'export async function main () { await null; while (true) { await null } }', limits: limits({ cpuMs: 200 }) }), 'R3SN_SANDBOX_CPU')
  await expectFailure(t, box, run({ code: 'for (;;) {}\nexport function main () {}', limits: limits({ cpuMs: 200 }) }), 'R3SN_SANDBOX_CPU', undefined)
})

t.test('time spent waiting for a fetch is not CPU time', async t => {
  const srv = await startServer(t)
  const r = await box.run(run({ code: 'export async function main (input, ctx) { return (await ctx.fetch(input)).json }', input: `${srv.base}/slow?ms=400`, egress: ['127.0.0.1'], limits: limits({ cpuMs: 100 }) }))
  t.same(r.output, { slow: true })
  t.ok(r.durationMs >= 400 && r.cpuMs < 100, `waited ${r.durationMs} ms, used ${r.cpuMs} ms of CPU`)
})

t.test('a run may wait for a fetch far longer than its CPU budget: its worker is not taken for stuck', async t => {
  const srv = await startServer(t)
  const r = await box.run(run({ code: 'export async function main (input, ctx) { return (await ctx.fetch(input)).json }', input: `${srv.base}/slow?ms=6500`, egress: ['127.0.0.1'], limits: limits({ cpuMs: 100 }) }))
  t.same(r.output, { slow: true }, 'the worker stayed silent only between heartbeats')
  t.equal(box.status().restarts, 0)
})

t.test('memory bombs stop at the memory limit', async t => {
  // CPU and wall time to spare: on a busy machine filling the heap must not hit the CPU limit first.
  const spare = { cpuMs: 30_000, timeoutMs: 60_000 }
  const small = limits({ memoryBytes: 8 * 1024 * 1024, ...spare })
  await expectFailure(t, box, run({ code: 'export function main () { const a = []; for (;;) a.push(new Array(10000).fill(1.5)) }', limits: small }), 'R3SN_SANDBOX_MEMORY', /out of memory \(limit 8 MiB\)/)
  await expectFailure(t, box, run({ code: 'export function main () { const a = []; for (;;) a.push("y".repeat(1 << 20) + a.length) }', limits: small }), 'R3SN_SANDBOX_MEMORY')
  await expectFailure(t, box, run({ code: 'export function main () { return new Array(1e8).fill(0).length }', limits: small }), 'R3SN_SANDBOX_MEMORY')
  await expectFailure(t, box, run({ code: 'export function main () { const a = []; for (;;) a.push({ n: a.length }) }', limits: limits(spare) }), 'R3SN_SANDBOX_MEMORY')
  await expectFailure(t, box, run({ code: 'function f () { return f() + 1 }\nexport function main () { return f() }', limits: limits(spare) }), 'R3SN_SANDBOX_MEMORY', /call stack/)
})

t.test('a heap too full to take in a fetch answer ends the run cleanly', async t => {
  const srv = await startServer(t)
  // The plugin fills its heap, swallows QuickJS's out-of-memory, frees a little and then fetches 1.8 MB.
  const code = `export async function main (input, ctx) {
    const keep = []
    try { for (;;) keep.push(new Array(1000).fill(1.5)) } catch {}
    keep.length -= 3
    for (let i = 0; i < 20; i++) keep.push((await ctx.fetch(input)).body)
    return keep.length
  }`
  await expectFailure(t, box, run({ code, input: `${srv.base}/big`, egress: ['127.0.0.1'], limits: limits({ memoryBytes: 8 * 1024 * 1024 }) }), 'R3SN_SANDBOX_MEMORY', /out of memory \(limit 8 MiB\)/)
})

t.test('the output must be JSON and within maxOutputBytes', async t => {
  await expectFailure(t, box, run({ code: 'export function main () { return "x".repeat(2 * 1024 * 1024) }' }), 'R3SN_SANDBOX_OUTPUT', /2 MiB as JSON, more than the 1 MiB allowed/)
  await expectFailure(t, box, run({ code: 'export function main () { return "x".repeat(100) }', limits: limits({ maxOutputBytes: 50 }) }), 'R3SN_SANDBOX_OUTPUT', /102 bytes/)
  await expectFailure(t, box, run({ code: 'export function main () { const a = {}; a.a = a; return a }' }), 'R3SN_SANDBOX_OUTPUT', /not JSON: TypeError/)
  await expectFailure(t, box, run({ code: 'export function main () { return 1n }' }), 'R3SN_SANDBOX_OUTPUT', /not JSON/)
  await expectFailure(t, box, run({ code: 'export function main () { return () => 1 }' }), 'R3SN_SANDBOX_OUTPUT', /not JSON \(a function\)/)
})

t.test('plugin faults: a throw, a syntax error, a missing export, a promise that never settles', async t => {
  const thrown = await expectFailure(t, box, run({ code: 'function helper (x) { throw new TypeError("bad id " + x) }\nexport function main (input) { return helper(input.id) }', input: { id: 'u1' } }), 'R3SN_PLUGIN_ERROR', /main threw TypeError: bad id u1\n\s+at helper \(plugin\.js:1:/)
  t.notMatch(thrown.message, /bootstrap/, 'the stack shows only plugin frames')
  await expectFailure(t, box, run({ code: 'export async function main () { await null; throw { code: 42 } }' }), 'R3SN_PLUGIN_ERROR', /threw thrown value: \{"code":42\}/)
  await expectFailure(t, box, run({ code: 'throw new Error("at load")\nexport function main () {}' }), 'R3SN_PLUGIN_ERROR', /threw while loading: Error: at load/)
  await expectFailure(t, box, run({ code: 'export function main ( {' }), 'R3SN_PLUGIN_COMPILE', /does not compile: SyntaxError: .*\n\s+at plugin\.js:1:/)
  await expectFailure(t, box, run({ code: 'export function other () {}\nexport const main = 1\nexport async function third () {}' }), 'R3SN_PLUGIN_EXPORT', /does not export a function "main"; it exports other, third/)
  await expectFailure(t, box, run({ code: 'export function main () { return new Promise(() => {}) }' }), 'R3SN_PLUGIN_ERROR', /never settles/)
})

t.test('a fetch slower than the wall-clock limit ends the run with a retryable timeout', async t => {
  const srv = await startServer(t)
  // (The server answers after 5 s: a run that ends with the timeout error did not wait for it.)
  const err = await expectFailure(t, box, run({ code: 'export async function main (input, ctx) { return (await ctx.fetch(input)).json }', input: `${srv.base}/slow?ms=5000`, egress: ['127.0.0.1'], limits: limits({ timeoutMs: 300 }) }),
    'R3SN_SANDBOX_TIMEOUT', /300 ms wall-clock limit while waiting for 127\.0\.0\.1:\d+/)
  t.equal(err.retryable, true)
  const own = await box.run(run({ code: 'export async function main (input, ctx) { try { await ctx.fetch(input, { timeoutMs: 100 }) } catch (e) { return e.message } }', input: `${srv.base}/slow?ms=2000`, egress: ['127.0.0.1'] }))
  t.match(own.output, /did not answer within 100 ms/, 'a shorter per-fetch timeout rejects inside the plugin')
})

t.test('cancellation rejects with the signal\'s reason', async t => {
  const srv = await startServer(t)
  const controller = new AbortController()
  const reason = new Error('cancelled by the user')
  const pending = box.run(run({ code: 'export async function main (input, ctx) { return (await ctx.fetch(input)).json }', input: `${srv.base}/slow?ms=5000`, egress: ['127.0.0.1'], signal: controller.signal }))
  setTimeout(() => controller.abort(reason), 100)
  await t.rejects(pending, reason)
  const busy = new AbortController()
  const looping = box.run(run({ code: 'export function main () { for (;;) {} }', signal: busy.signal, limits: limits({ cpuMs: 5000 }) }))
  busy.abort(reason)
  await t.rejects(looping, reason, 'also when aborted before the run starts')
  await stillHealthy(t, box)
})

t.test('the plugin gets nothing the host did not grant', async t => {
  const code = `export async function main () {
    let dynamic
    try { await import('fs'); dynamic = 'imported' } catch (e) { dynamic = String(e) }
    return { process: typeof process, require: typeof require, setTimeout: typeof setTimeout, setInterval: typeof setInterval, fetch: typeof fetch, console: typeof console, std: typeof std, os: typeof os, dynamic }
  }`
  const r = await box.run(run({ code }))
  t.same(r.output, { process: 'undefined', require: 'undefined', setTimeout: 'undefined', setInterval: 'undefined', fetch: 'undefined', console: 'undefined', std: 'undefined', os: 'undefined', dynamic: "ReferenceError: could not load module 'fs'" })
  await expectFailure(t, box, run({ code: 'import "os"\nexport function main () {}' }), 'R3SN_PLUGIN_COMPILE', /could not load module 'os'/)
  await expectFailure(t, box, run({ code: 'import { readFileSync } from "node:fs"\nexport function main () { return readFileSync("/etc/passwd", "utf8") }' }), 'R3SN_PLUGIN_COMPILE')
})

t.test('runs are isolated: globals and tampering do not carry over', async t => {
  const first = await box.run(run({ code: 'export function main () { globalThis.leak = 41; Object.prototype.polluted = true; JSON.stringify = () => "{}"; return typeof leak }' }))
  t.equal(first.output, 'number')
  const second = await box.run(run({ code: 'export function main () { return [typeof leak, ({}).polluted, JSON.stringify({ a: 1 })] }' }))
  t.same(second.output, ['undefined', null, '{"a":1}'])
  const both = await Promise.all([1, 2, 3, 4, 5].map(n => box.run(run({ code: `globalThis.n = ${n}\nexport async function main () { await null; return globalThis.n }` }))))
  t.same(both.map(r => r.output), [1, 2, 3, 4, 5], 'concurrent runs do not see each other')
})

t.test('exportsOf lists the exported functions', async t => {
  t.same(await box.exportsOf('export function a () {}\nexport const b = 1\nexport async function c () {}\nexport default function () {}\nconst d = () => 1\nexport { d }'), ['a', 'c', 'd', 'default'])
  await t.rejects(box.exportsOf('export function ('), { code: 'R3SN_PLUGIN_COMPILE' })
})

t.test('bad input and limits are refused; stats count runs and failures', async t => {
  const counted = new Sandbox(testConfig())
  await counted.run(run({ code: 'export const main = () => 1' }))
  await t.rejects(counted.run(run({ code: 'export const main = () => 1', input: { n: 1n } })), { code: 'R3SN_BAD_INPUT' })
  await t.rejects(counted.run(run({ code: 'export const main = () => 1', limits: limits({ memoryBytes: 10 }) })), RangeError)
  t.same(counted.stats, { runs: 3, failures: 2 })
})

t.test('the plugin decorates app.sandbox, shows its pool in the engine status and stops its workers on close', async t => {
  const app = Fastify()
  await app.register(engineStatusPlugin)
  await app.register(metricsPlugin)
  await app.register(sandboxPlugin, { config: testConfig({ sandboxWorkers: 2 }) })
  await app.ready()
  t.type(app.sandbox, Sandbox)
  t.same((await app.sandbox.run(run({ code: 'export const main = input => input * 2', input: 21 }))).output, 42)
  const { sandbox } = await app.engineStatus.all()
  t.match(sandbox, { initialized: true, poolSize: 2, workers: 1, runsPerWorker: RUNS_PER_WORKER, busy: 0, running: 0, queued: 0, maxQueued: 1000, runs: 1, failures: 0 })
  await app.close()
  t.equal(app.sandbox.status().workers, 0, 'no worker is left running')
  await t.rejects(app.sandbox.run(run({ code: 'export const main = () => 1' })), /shutting down/)
})

/** Waits (a macrotask at a time) until the pool's status passes the check. */
async function until (box: Sandbox, check: (s: ReturnType<Sandbox['status']>) => boolean): Promise<ReturnType<Sandbox['status']>> {
  for (;;) {
    const s = box.status()
    if (check(s)) return s
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

const loop = (cpuMs: number, signal?: AbortSignal) => run({ code: 'export function main () { for (;;) {} }', limits: limits({ cpuMs }), signal })

t.test('a looping plugin does not hold the event loop: timers keep firing while it runs', async t => {
  let ticks = 0
  let ticksBeforeEnd = -1
  const timer = setInterval(() => { ticks++ }, 5)
  t.teardown(() => clearInterval(timer))
  const looping = box.run(loop(1000)).then(() => undefined, (e: unknown) => e).finally(() => { ticksBeforeEnd = ticks })
  const err = await looping
  t.match(err, { code: 'R3SN_SANDBOX_CPU' }, 'the loop still stops at its CPU limit, in the worker')
  t.ok(ticksBeforeEnd >= 10, `the main thread's timers fired ${ticksBeforeEnd} times while the plugin looped`)
})

t.test('a full pool queues runs instead of failing them, and says so in its status', async t => {
  const one = new Sandbox(testConfig({ sandboxWorkers: 1 }))
  t.teardown(() => one.close())
  await one.init()
  const runs = Array.from({ length: RUNS_PER_WORKER + 2 }, () => one.run(loop(300)).then(() => 'ok', (e: SandboxError) => e.code))
  const ping = one.run(run({ code: 'export const main = input => input', input: 'pong' }))
  const full = await until(one, s => s.queued > 0)
  t.match(full, { poolSize: 1, workers: 1, busy: 1, running: RUNS_PER_WORKER, queued: 3 }, 'one worker holds its 4 runs; the other 3 wait')
  t.same(await Promise.all(runs), Array(RUNS_PER_WORKER + 2).fill('R3SN_SANDBOX_CPU'), 'every queued run ran to its own limit; none was refused')
  t.equal((await ping).output, 'pong', 'a quick run queued behind them runs too')
  t.match(one.status(), { running: 0, queued: 0, waitedRuns: 3, refusedRuns: 0 })
})

t.test('past R3SN_SANDBOX_MAX_QUEUE a run fails at once with a retryable R3SN_SANDBOX_BUSY', async t => {
  const small = new Sandbox(testConfig({ sandboxWorkers: 1, sandboxMaxQueue: 1 }))
  t.teardown(() => small.close())
  await small.init()
  const admitted = Array.from({ length: RUNS_PER_WORKER + 1 }, () => small.run(loop(200)).then(() => 'ok', (e: SandboxError) => e.code))
  await until(small, s => s.queued === 1)
  const refused = await small.run(loop(200)).then(() => undefined, (e: unknown) => e)
  t.type(refused, SandboxError)
  t.match(refused, { code: 'R3SN_SANDBOX_BUSY', retryable: true, statusCode: 503, message: /all 4 run slots are taken and 1 runs are waiting/ })
  t.same(await Promise.all(admitted), Array(RUNS_PER_WORKER + 1).fill('R3SN_SANDBOX_CPU'), 'what was admitted still ran')
  t.match(small.status(), { refusedRuns: 1, failures: RUNS_PER_WORKER + 2 })
  await stillHealthy(t, small)
})

t.test('a cancel stops a looping run inside its worker and frees the slot', async t => {
  const one = new Sandbox(testConfig({ sandboxWorkers: 1 }))
  t.teardown(() => one.close())
  const controller = new AbortController()
  const reason = new Error('cancelled by the user')
  const looping = one.run(loop(60_000, controller.signal))
  await until(one, s => s.running === 1)
  // A second run waits behind the loop in the same worker.
  const behind = one.run(run({ code: 'export const main = input => input', input: 7 }))
  await new Promise(resolve => setTimeout(resolve, 200))
  controller.abort(reason)
  await t.rejects(looping, reason, 'the run rejects with the signal\'s reason')
  t.equal((await behind).output, 7, 'the run behind it got the thread back: the loop stopped')
  t.match(await until(one, s => s.running === 0), { running: 0, workers: 1, restarts: 0 }, 'the same worker carries on; nothing was restarted')

  const queued = new AbortController()
  const first = one.run(loop(300))
  const rest = Array.from({ length: RUNS_PER_WORKER - 1 }, () => one.run(loop(300)).catch(() => {}))
  const waiting = one.run(loop(300, queued.signal))
  await until(one, s => s.queued === 1)
  queued.abort(reason)
  await t.rejects(waiting, reason, 'a queued run is dropped from the queue')
  t.equal(one.status().queued, 0)
  await t.rejects(first, { code: 'R3SN_SANDBOX_CPU' })
  await Promise.all(rest)
})
