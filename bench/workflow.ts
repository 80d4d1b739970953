/**
 * npm run bench:workflow — a webhook-triggered 3-step workflow (transform, condition,
 * transform) run synchronously under autocannon, durability on. Reports runs per second,
 * latency, database writes per run, and the runtime's own time per step.
 *
 * BENCH_CONNECTIONS (20) and BENCH_SECONDS (20) tune the load; MONGODB_URI points at a
 * server of your own, otherwise the embedded database (FerretDB over PostgreSQL) is started in a temp folder.
 */
import autocannon from 'autocannon'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { provideDatabase } from '../lib/embedded-db.js'

const connections = Number(process.env.BENCH_CONNECTIONS ?? 20)
const seconds = Number(process.env.BENCH_SECONDS ?? 20)

const database = await provideDatabase({ durable: true })
const uri = database.uri
// Command monitoring lets the benchmark count the writes the runtime makes.
const monitored = `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`
const adminKey = 'bench-admin-key-0123456789abcdef'
const config = { ...loadConfig({}), mongodbUri: monitored, mongoDb: `bench_${Date.now()}`, adminKey, logLevel: 'warn' as const, port: 0 }
const app = buildApp(config)
await app.listen({ host: '127.0.0.1', port: 0 })
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

const created = await fetch(`${base}/api/workflows`, {
  method: 'POST',
  headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
  body: JSON.stringify({
    name: 'bench', trigger: { type: 'webhook' },
    steps: [
      { id: 'enrich', type: 'transform', expression: '{ "order": trigger.order, "total": $sum(trigger.items.price) }' },
      { id: 'check', type: 'condition', expression: 'steps.enrich.output.total > 10', then: 'big', else: 'small' },
      { id: 'small', type: 'transform', expression: '{ "tier": "small", "total": steps.enrich.output.total }', next: '$end' },
      { id: 'big', type: 'transform', expression: '{ "tier": "big", "total": steps.enrich.output.total }' }
    ]
  })
}).then(r => r.json()) as { workflow: { hookId: string } }

const writes = { insert: 0, update: 0, delete: 0 }
const byCollection: Record<string, number> = {}
app.mongo.client.on('commandStarted', e => {
  if (e.commandName in writes) { writes[e.commandName as keyof typeof writes]++; const c = String(e.command[e.commandName]); byCollection[c] = (byCollection[c] ?? 0) + 1 }
})
// Time spent inside the runtime per step, excluding the database: the runner's own work.
const executions = app.mongo.db.collection('executions')
const before = await executions.countDocuments({ status: 'completed' })

const result = await autocannon({
  url: `${base}/api/hooks/${created.workflow.hookId}?mode=sync`,
  method: 'POST',
  connections,
  duration: seconds,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ order: 'A-1', items: [{ price: 4 }, { price: 9 }] })
})
// Let the runs still in flight when the load stopped finish before counting and closing.
while (await app.mongo.db.collection('execution_queue').countDocuments() > 0) await new Promise(resolve => setTimeout(resolve, 100))
const runs = await executions.countDocuments({ status: 'completed' }) - before
const totalWrites = writes.insert + writes.update + writes.delete

const sample = await executions.find({ status: 'completed' }).limit(200).toArray()
const stepMs = sample.flatMap(e => (e.steps as { durationMs: number }[]).map(s => s.durationMs))
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)

console.log(JSON.stringify({
  database: database.embedded ? 'embedded FerretDB 1.24 over PostgreSQL 18' : 'MONGODB_URI',
  connections,
  seconds,
  runsCompleted: runs,
  runsPerSecond: +(runs / seconds).toFixed(1),
  requests: { ok: result['2xx'], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts },
  latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  writesPerRun: { total: +(totalWrites / runs).toFixed(1), insert: +(writes.insert / runs).toFixed(1), update: +(writes.update / runs).toFixed(1), delete: +(writes.delete / runs).toFixed(1) },
  stepDurationMsMean: +mean(stepMs).toFixed(3),
  writesByCollection: byCollection
}, null, 2))

await app.mongo.db.dropDatabase()
await app.close()
await database.release()
