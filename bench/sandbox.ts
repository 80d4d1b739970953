/**
 * npm run bench:sandbox — the QuickJS plugin sandbox.
 * 1. On its own (no database, no HTTP). Cold start: a new Sandbox's first run, wasm read and
 *    compiled and its first worker thread started included (first in the process, then again
 *    with a second Sandbox). Per-call overhead: a trivial action run BENCH_RUNS (2000) times one
 *    after another, each in a fresh runtime and context, on a worker thread.
 * 2. The event loop under sandbox load: the built service (as npm start runs it) takes
 *    POST /api/plugins with BENCH_LOOPING_TESTS (30) self-tests that each loop to their
 *    BENCH_LOOP_CPU_MS (1000) CPU limit, while one client asks GET /health one request after
 *    another; /health's p50/p99 then, and idle before, and how long the POST took.
 *    MONGODB_URI points at a server of your own, otherwise the embedded database is started.
 */
import { DEFAULT_LIMITS, Sandbox, type SandboxRun } from '../plugins/sandbox.js'
import { loadConfig } from '../config.js'
import { provideDatabase } from '../lib/embedded-db.js'
import { buildService, startService } from './server.js'

const runs = Number(process.env.BENCH_RUNS ?? 2000)
const config = { ...loadConfig({}), logLevel: 'warn' as const }
const ping: SandboxRun = { code: 'export function ping (input) { return input }', action: 'ping', input: { n: 1 }, limits: DEFAULT_LIMITS, egress: [] }

async function coldStart () {
  const started = performance.now()
  const box = new Sandbox(config)
  await box.init()
  const initMs = performance.now() - started
  await box.run(ping)
  return { box, initMs, firstRunMs: performance.now() - started }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN
const ms = (n: number) => +n.toFixed(3)

const first = await coldStart()
const second = await coldStart()
const box = first.box

for (let i = 0; i < 200; i++) await box.run(ping)   // let V8 tier up the wasm and the host code
const wall: number[] = []
const inside: number[] = []
const cpu: number[] = []
const started = performance.now()
for (let i = 0; i < runs; i++) {
  const t = performance.now()
  const r = await box.run({ ...ping, input: { n: i } })
  wall.push(performance.now() - t)
  inside.push(r.durationMs)
  cpu.push(r.cpuMs)
}
const totalMs = performance.now() - started
for (const xs of [wall, inside, cpu]) xs.sort((a, b) => a - b)

const pool = { size: box.poolSize, workersStarted: box.status().workers }
await box.close()
await second.box.close()

/** /health latencies, one request after another, until stop() says so (at least `min` of them). */
async function healthLatencies (base: string, stop: () => boolean, min = 0): Promise<number[]> {
  const xs: number[] = []
  while (!stop() || xs.length < min) {
    const t = performance.now()
    const res = await fetch(`${base}/health`)
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`/health answered ${res.status}`)
    xs.push(performance.now() - t)
  }
  return xs.sort((a, b) => a - b)
}
const summary = (xs: number[]) => ({ requests: xs.length, p50: ms(pct(xs, 0.5)), p99: ms(pct(xs, 0.99)), max: ms(xs.at(-1) ?? NaN) })

async function eventLoopUnderLoad () {
  const loopingTests = Number(process.env.BENCH_LOOPING_TESTS ?? 30)
  const loopCpuMs = Number(process.env.BENCH_LOOP_CPU_MS ?? 1000)
  const adminKey = 'bench-admin-key-0123456789abcdef'
  const database = await provideDatabase()
  buildService()
  const service = await startService({ MONGODB_URI: database.uri, R3SN_DB_NAME: `sandbox_${Date.now()}`, R3SN_ADMIN_KEY: adminKey, LOG_LEVEL: 'info' })
  try {
    const base = service.baseUrl
    const idleUntil = performance.now() + 3000
    const idle = await healthLatencies(base, () => performance.now() > idleUntil)
    const plugin = {
      name: 'Spinner',
      code: 'export function spin () { for (;;) {} }',
      manifest: { actions: [{ name: 'spin', description: 'loops', input: { type: 'object' }, output: { type: 'object' } }], egress: [], limits: { cpuMs: loopCpuMs } },
      tests: Array.from({ length: loopingTests }, () => ({ action: 'spin', input: {}, expectError: 'CPU' }))
    }
    let done = false
    const started = performance.now()
    const post = fetch(`${base}/api/plugins`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(plugin) })
      .then(async res => { await res.arrayBuffer(); return { status: res.status, ms: performance.now() - started } })
      .finally(() => { done = true })
    const loaded = await healthLatencies(base, () => done, 1)
    const created = await post
    const status = await fetch(`${base}/api/engines/status`, { headers: { authorization: `Bearer ${adminKey}` } }).then(async r => ((await r.json()) as { engines: { sandbox: unknown } }).engines.sandbox)
    return {
      loopingSelfTests: loopingTests, cpuMsEach: loopCpuMs,
      createPlugin: { status: created.status, seconds: +(created.ms / 1000).toFixed(1) },
      healthIdleMs: summary(idle),
      healthWhileLoopingMs: summary(loaded),
      sandboxStatus: status
    }
  } finally {
    await service.stop()
    await database.release()
  }
}

console.log(JSON.stringify({
  node: process.version,
  coldStartMs: {
    firstInProcess: { init: ms(first.initMs), untilFirstResult: ms(first.firstRunMs) },
    newSandboxAgain: { init: ms(second.initMs), untilFirstResult: ms(second.firstRunMs) }
  },
  trivialAction: {
    runs,
    runsPerSecond: Math.round(runs / (totalMs / 1000)),
    callMs: { p50: ms(pct(wall, 0.5)), p99: ms(pct(wall, 0.99)), max: ms(wall.at(-1) ?? NaN) },
    reportedDurationMs: { p50: ms(pct(inside, 0.5)), p99: ms(pct(inside, 0.99)) },
    reportedCpuMs: { p50: ms(pct(cpu, 0.5)), p99: ms(pct(cpu, 0.99)) }
  },
  stats: box.stats,
  pool,
  eventLoop: await eventLoopUnderLoad()
}, null, 2))
