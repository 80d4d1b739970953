/**
 * npm run bench:workflow — a webhook-triggered 3-step workflow (transform, condition,
 * transform) run synchronously, every run persisted, at 1 and at BENCH_CONNECTIONS (20)
 * concurrent clients: first on an empty database, then again once BENCH_HISTORY (50,000)
 * executions are stored (seeded by real runs of the same workflow). Prints, per phase,
 * runs per second, latency, the database commands per run by collection and kind (the
 * driver's command monitoring), and the CPU used by the service, FerretDB and PostgreSQL.
 *
 * `npm run bench:workflow -- parallel` runs a workflow whose one step fans out to three
 * branches (each a child execution) joined with `all`; `-- foreach` one that maps a
 * three-step sub-sequence over 10 items, 4 at a time (11 executions per run). Each of these
 * does BENCH_RUNS (300) runs at 1 client and at BENCH_CONNECTIONS, on an empty database.
 *
 * The service runs in this process; the load comes from a child process (bench/load.ts), so
 * this process's CPU is the service's. BENCH_SECONDS (20) is the length of each phase;
 * MONGODB_URI points at a server of your own, otherwise the embedded database (FerretDB over
 * PostgreSQL) is started in a temp folder.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { startEmbeddedDb } from '../lib/embedded-db.js'
import { cpuMeter } from './server.js'

const connections = Number(process.env.BENCH_CONNECTIONS ?? 20)
const seconds = Number(process.env.BENCH_SECONDS ?? 20)
const history = Number(process.env.BENCH_HISTORY ?? 50_000)
const benchCase = process.argv[2] ?? 'sequence'
const fixedRuns = Number(process.env.BENCH_RUNS ?? 300)
const branch = (expression: string) => [{ id: 's', type: 'transform', expression }]
const STEPS: Record<string, unknown[]> = {
  sequence: [
    { id: 'enrich', type: 'transform', expression: '{ "order": trigger.order, "total": $sum(trigger.items.price) }' },
    { id: 'check', type: 'condition', expression: 'steps.enrich.output.total > 10', then: 'big', else: 'small' },
    { id: 'small', type: 'transform', expression: '{ "tier": "small", "total": steps.enrich.output.total }', next: '$end' },
    { id: 'big', type: 'transform', expression: '{ "tier": "big", "total": steps.enrich.output.total }' }
  ],
  parallel: [
    { id: 'fan', type: 'parallel', branches: { total: branch('$sum(trigger.items.price)'), count: branch('$count(trigger.items)'), order: branch('trigger.order') } },
    { id: 'joined', type: 'transform', expression: '{ "order": steps.fan.output.order, "total": steps.fan.output.total, "count": steps.fan.output.count }' }
  ],
  foreach: [
    { id: 'each', type: 'foreach', items: '[1..10]', concurrency: 4, steps: [
      { id: 'price', type: 'transform', expression: 'trigger.item * 3' },
      { id: 'check', type: 'condition', expression: 'steps.price.output > 10', then: 'big', else: 'small' },
      { id: 'small', type: 'transform', expression: '"small"', next: '$end' },
      { id: 'big', type: 'transform', expression: '"big"' }
    ] },
    { id: 'bigOnes', type: 'transform', expression: '$count(steps.each.output[$ = "big"])' }
  ]
}
if (STEPS[benchCase] === undefined) throw new Error(`unknown case ${benchCase}: sequence (default), parallel or foreach`)

const given = process.env.MONGODB_URI
const dir = mkdtempSync(join(tmpdir(), 'r3sn-bench-'))
const embedded = given === undefined || given === '' ? await startEmbeddedDb(dir, { throwaway: process.env.BENCH_NO_FSYNC === '1' }) : undefined
const uri = embedded?.uri ?? given as string
const dbPids = embedded === undefined
  ? {}
  : (() => {
      const holder = JSON.parse(readFileSync(join(dir, 'embedded-db.json'), 'utf8')) as { postgresPid: number, ferretdbPid: number }
      return { ferretdb: [holder.ferretdbPid], postgres: [holder.postgresPid] }
    })()

// Command monitoring lets the benchmark count what the service asks of the database.
const monitored = `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`
const adminKey = 'bench-admin-key-0123456789abcdef'
const config = { ...loadConfig({ ...(process.env.R3SN_CONCURRENCY === undefined ? {} : { R3SN_CONCURRENCY: process.env.R3SN_CONCURRENCY }) }), mongodbUri: monitored, mongoDb: `bench_${Date.now()}`, adminKey, logLevel: 'warn' as const, port: 0 }
const app = buildApp(config)
await app.listen({ host: '127.0.0.1', port: 0 })
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

const created = await fetch(`${base}/api/workflows`, {
  method: 'POST',
  headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
  body: JSON.stringify({
    name: 'bench', trigger: { type: 'webhook' },
    steps: STEPS[benchCase]
  })
}).then(r => r.json()) as { workflow: { hookId: string } }

let commands: Record<string, number> = {}
app.mongo.client.on('commandStarted', e => {
  const target = e.command[e.commandName]
  const key = `${typeof target === 'string' ? target : '-'} ${e.commandName}`
  commands[key] = (commands[key] ?? 0) + 1
})

interface LoadResult { ok: number, non2xx: number, errors: number, timeouts: number, latency: { p50: number, p99: number, max: number } }
const load = async (options: Record<string, unknown>): Promise<LoadResult> => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/load.ts', JSON.stringify({
    url: `${base}/api/hooks/${created.workflow.hookId}?mode=sync`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ order: 'A-1', items: [{ price: 4 }, { price: 9 }] }),
    ...options
  })], { maxBuffer: 1 << 24 })
  return JSON.parse(stdout) as LoadResult
}
/** Runs made so far: every 2xx answer of a sync call is a run that ended (the history itself is only counted approximately on FerretDB). */
let stored = 0
/** Lets the runs still in flight finish (and move to the history) before counting. */
const drain = async () => {
  while ((await app.orchestrator.store.counts()).open > 0) await new Promise(resolve => setTimeout(resolve, 100))
  await new Promise(resolve => setTimeout(resolve, 500))
}

const per = (n: number, runs: number) => +(n / Math.max(1, runs)).toFixed(2)

async function phase (label: string, clients: number) {
  await drain()
  const before = stored
  commands = {}
  const meter = cpuMeter(dbPids)
  const cpuBefore = process.cpuUsage()
  const wallStart = performance.now()
  const result = await load(benchCase === 'sequence' ? { connections: clients, duration: seconds } : { connections: clients, amount: fixedRuns, timeout: 60 })
  const loadSeconds = (performance.now() - wallStart) / 1000
  await drain()
  const wall = (performance.now() - wallStart) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const dbCpu = meter()
  const runs = result.ok
  stored += runs
  const counted = { ...commands }
  const total = Object.values(counted).reduce((a, b) => a + b, 0)
  const cpuMsPerRun = (s: number) => +(1000 * s / Math.max(1, runs)).toFixed(2)
  return {
    phase: label,
    clients,
    storedBefore: before,
    runs,
    runsPerSecond: +(runs / (benchCase === 'sequence' ? seconds : loadSeconds)).toFixed(1),
    requests: { ok: result.ok, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts },
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    commandsPerRun: per(total, runs),
    commandsPerRunByCollection: Object.fromEntries(Object.entries(counted).sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, per(n, runs)])),
    cpuMsPerRun: {
      service: cpuMsPerRun((cpu.user + cpu.system) / 1e6),
      ...Object.fromEntries(Object.entries(dbCpu).map(([k, s]) => [k, cpuMsPerRun(s)]))
    },
    coresUsed: {
      service: +((cpu.user + cpu.system) / 1e6 / wall).toFixed(2),
      ...Object.fromEntries(Object.entries(dbCpu).map(([k, s]) => [k, +(s / wall).toFixed(2)]))
    }
  }
}

const results = []
// A short warm-up (JIT, connection pool), not reported.
stored += (await load({ connections, amount: benchCase === 'sequence' ? 500 : 50, timeout: 60 })).ok
results.push(await phase('empty', 1))
results.push(await phase('empty', connections))
const seeding = benchCase === 'sequence' ? Math.max(0, history - stored) : 0
if (seeding > 0) {
  process.stderr.write(`seeding ${seeding} executions by running the workflow...\n`)
  stored += (await load({ connections: 50, amount: seeding, timeout: 60 })).ok
}
if (benchCase === 'sequence') {
  results.push(await phase(`after ${history}`, 1))
  results.push(await phase(`after ${history}`, connections))
}

console.log(JSON.stringify({
  database: embedded !== undefined ? 'embedded FerretDB 1.24 over PostgreSQL 18' : 'MONGODB_URI',
  case: benchCase,
  concurrency: config.concurrency,
  ...(benchCase === 'sequence' ? { seconds } : { runsPerPhase: fixedRuns }),
  phases: results
}, null, 2))

await app.mongo.db.dropDatabase()
await app.close()
await embedded?.stop()
rmSync(dir, { recursive: true, force: true })
