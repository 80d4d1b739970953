/**
 * npm run bench:execute — POST /api/execute (sync) under autocannon against the loopback
 * fake LLM with zero latency, so what is measured is R3SN's own overhead per prompt:
 * the planning step (LLM call through the openai SDK, plan validation, plan expansion)
 * and a one-step plan (core.time), all durable. Reports executions/s and p50/p99, once with
 * plan reuse off (every prompt is planned) and once with it on (the repeated prompt reuses
 * its learned plan: no LLM call).
 *
 * BENCH_CONNECTIONS (10) and BENCH_SECONDS (20) tune the load; MONGODB_URI points at a
 * server of your own, otherwise the embedded database (FerretDB over PostgreSQL) is started in a temp folder.
 */
import autocannon from 'autocannon'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { provideDatabase } from '../lib/embedded-db.js'
import { startFakeLlm } from '../test/fixtures/fake-llm.js'

const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)
const seconds = Number(process.env.BENCH_SECONDS ?? 20)

const closers: (() => Promise<void>)[] = []
const fake = await startFakeLlm({ teardown: fn => { closers.push(fn) } }, {
  fallback: { json: { intent: 'tell the time', agents: [], integrations: ['core.time'], plugins: [], steps: [{ id: 'now', type: 'integration', action: 'core.time', input: {} }] } }
})
const database = await provideDatabase({ durable: true })
const adminKey = 'bench-admin-key-0123456789abcdef'

async function measure (learnReusePlans: boolean) {
  const config = {
    ...loadConfig({}),
    mongodbUri: database.uri, mongoDb: `bench_${Date.now()}`, adminKey, logLevel: 'warn' as const, port: 0,
    openaiApiKey: fake.apiKey, openaiBaseUrl: fake.baseUrl, model: 'test-model', learnReusePlans
  }
  const app = buildApp(config)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const llmCallsBefore = fake.chatRequests().length
  const executions = app.mongo.db.collection('executions')
  const result = await autocannon({
    url: `${base}/api/execute`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'What time is it?' })
  })
  while (await app.mongo.db.collection('execution_queue').countDocuments() > 0) await new Promise(resolve => setTimeout(resolve, 100))
  const completed = await executions.countDocuments({ status: 'completed' })
  const failed = await executions.countDocuments({ status: 'failed' })
  // Where a prompt's time goes: the planning step (LLM round trip included) and the plan's step.
  const sample = await executions.find({ status: 'completed' }).limit(200).toArray()
  const mean = (xs: number[]) => +(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)).toFixed(2)
  const stepMs = (id: string) => mean(sample.flatMap(e => (e.steps as { stepId: string, durationMs: number }[]).filter(s => s.stepId === id).map(s => s.durationMs)))
  await app.mongo.db.dropDatabase()
  await app.close()
  return {
    planReuse: learnReusePlans,
    executionsCompleted: completed,
    executionsFailed: failed,
    executionsPerSecond: +(completed / seconds).toFixed(1),
    requests: { ok: result['2xx'], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts },
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    meanStepMs: { plan: stepMs('plan'), now: stepMs('now') },
    llmCalls: fake.chatRequests().length - llmCallsBefore
  }
}

console.log(JSON.stringify({
  database: database.embedded ? 'embedded FerretDB 1.24 over PostgreSQL 18' : 'MONGODB_URI',
  llm: 'loopback fake, zero latency',
  connections,
  seconds,
  runs: [await measure(false), await measure(true)]
}, null, 2))

await database.release()
for (const close of closers) await close()
