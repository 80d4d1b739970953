/**
 * npm run bench:sandbox — the QuickJS plugin sandbox on its own (no database, no HTTP).
 * Cold start: a new Sandbox's first run, wasm read and compiled included (first in the process,
 * then again with a second Sandbox). Per-call overhead: a trivial action run BENCH_RUNS (2000)
 * times one after another, each in a fresh runtime and context.
 */
import { DEFAULT_LIMITS, Sandbox, type SandboxRun } from '../plugins/sandbox.js'
import { loadConfig } from '../config.js'

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
  stats: box.stats
}, null, 2))
