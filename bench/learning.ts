/**
 * npm run bench:learning — the documented experiment of the self-evolving and
 * self-debugging engines, against the loopback fake LLM (token counts are its estimates:
 * prompt characters / 4) and a loopback API:
 *
 * 1. 20 different prompts, each asked 5 times (5 passes): LLM calls and tokens per
 *    execution in the first pass (planned) against the later passes (learned plans).
 * 2. 20 workflows with seeded faults (8 transient 503s, 6 bad inputs answered 400,
 *    4 plugins that throw, 2 bad credentials answered 401), run once with self-debugging
 *    and once without: how many succeed.
 *
 * MONGODB_URI points at a server of your own, otherwise an embedded FerretDB is started.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../app.js'
import { loadConfig, type Config } from '../config.js'
import { provideDatabase } from '../lib/embedded-db.js'
import { startFakeLlm, type LlmRequest, type ScriptedReply } from '../test/fixtures/fake-llm.js'

const closers: (() => Promise<void>)[] = []
const teardown = { teardown: (fn: () => Promise<void>) => { closers.push(fn) } }

// The loopback API: /svc/<n> answers 200; /flaky/<key>/<n> fails n times with 503; /orders wants a positive integer quantity; /auth always 401.
const failures = new Map<string, number>()
const api = createServer((req, res) => {
  let raw = ''
  req.on('data', (c: Buffer) => { raw += c.toString() })
  req.on('end', () => {
    const [, kind, key, n] = (req.url ?? '/').split('/')
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (kind === 'flaky') {
      const seen = (failures.get(key ?? '') ?? 0) + 1
      failures.set(key ?? '', seen)
      return seen <= Number(n) ? send(503, { seen }) : send(200, { seen })
    }
    if (kind === 'orders') {
      const quantity = (JSON.parse(raw === '' ? '{}' : raw) as { quantity?: unknown }).quantity
      return Number.isInteger(quantity) && (quantity as number) > 0 ? send(201, { ordered: quantity }) : send(400, { error: 'quantity must be a positive integer' })
    }
    if (kind === 'auth') return send(401, { error: 'bad token' })
    send(200, { service: key })
  })
})
await new Promise<void>(resolve => api.listen(0, '127.0.0.1', resolve))
const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`

const buggy = 'export function total (input) { return { total: input.items.reduce((sum, item) => sum + item.price, 0) } }'
const fixed = 'export function total (input) { return { total: (input.items ?? []).reduce((sum, item) => sum + item.price, 0) } }'

// The fake LLM plans "Check service N" as one http.request, repairs inputs, and patches plugins.
const reply = (req: LlmRequest): ScriptedReply => {
  const kind = req.body.response_format?.json_schema?.name as string | undefined
  const last = req.body.messages.at(-1).content as string
  if (kind === 'Strategy') {
    const n = /service (\d+)/.exec(last)?.[1] ?? '0'
    return { json: { intent: `check service ${n}`, agents: [], integrations: ['http.request'], plugins: [], steps: [{ id: 'check', type: 'integration', action: 'http.request', input: { url: `${apiUrl}/svc/${n}` } }] } }
  }
  if (kind === 'RepairedInput') {
    const asked = JSON.parse(last) as { failedInput: Record<string, unknown> }
    return { json: { parameters: { ...asked.failedInput, body: { quantity: 1 } }, reason: 'quantity must be a positive integer' } }
  }
  if (kind === 'PluginPatch') return { json: { code: fixed, explanation: 'missing items mean none' } }
  return { status: 400, error: { message: `no scripted answer for ${kind ?? 'plain chat'}` } }
}
const fake = await startFakeLlm(teardown, { fallback: reply })

const database = await provideDatabase({ durable: true })
const adminKey = 'bench-admin-key-0123456789abcdef'
async function start (over: Partial<Config>) {
  const config: Config = {
    ...loadConfig({}), mongodbUri: database.uri, mongoDb: `bench_${Date.now()}_${Math.random().toString(36).slice(2, 6)}`, adminKey, logLevel: 'warn', port: 0,
    openaiApiKey: fake.apiKey, openaiBaseUrl: fake.baseUrl, model: 'test-model', httpAllowedHosts: ['127.0.0.1'], ...over
  }
  const app = buildApp(config)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const call = async (path: string, body: unknown) => (await fetch(`${base}${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body)
  })).json() as Promise<any>
  return { app, call, stop: async () => { await app.mongo.db.dropDatabase(); await app.close() } }
}

// 1. Learning: 20 prompts x 5 passes.
const learning = await start({})
const passes: { pass: number, executions: number, succeeded: number, llmCallsPerExecution: number, tokensPerExecution: number, learnedPlans: number }[] = []
for (let pass = 1; pass <= 5; pass++) {
  let calls = 0
  let tokens = 0
  let succeeded = 0
  let learned = 0
  for (let n = 1; n <= 20; n++) {
    const res = await learning.call('/api/execute', { prompt: `Check service ${n}` })
    calls += res.usage.calls
    tokens += res.usage.promptTokens + res.usage.completionTokens
    if (res.status === 'completed') succeeded++
    if (res.strategy?.source === 'learned') learned++
  }
  passes.push({ pass, executions: 20, succeeded, llmCallsPerExecution: calls / 20, tokensPerExecution: tokens / 20, learnedPlans: learned })
}
await learning.stop()

// 2. Seeded faults, with and without self-debugging.
async function faults (selfDebug: boolean) {
  const run = await start({ selfDebug })
  const tag = selfDebug ? 'on' : 'off'
  const cases: { fault: string, steps: unknown[] }[] = []
  for (let i = 0; i < 8; i++) cases.push({ fault: 'transient', steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${apiUrl}/flaky/${tag}${i}/${1 + (i % 2)}` } }] })
  for (let i = 0; i < 6; i++) cases.push({ fault: 'bad-input', steps: [{ id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${apiUrl}/orders`, body: { quantity: 'many' } } }] })
  for (let i = 0; i < 4; i++) {
    const plugin = await run.call('/api/plugins', {
      name: `Summer ${i}`, code: buggy, tests: [{ action: 'total', input: { items: [{ price: 2 }] }, expect: { total: 2 } }],
      manifest: { actions: [{ name: 'total', description: 'sum', input: { type: 'object', properties: { items: { type: 'array' } } }, output: { type: 'object', required: ['total'] } }], egress: [] }
    })
    cases.push({ fault: 'plugin-bug', steps: [{ id: 'sum', type: 'plugin', plugin: plugin.plugin.id, action: 'total', input: {} }] })
  }
  for (let i = 0; i < 2; i++) cases.push({ fault: 'auth', steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${apiUrl}/auth` } }] })
  const before = fake.chatRequests().length
  const byFault: Record<string, { runs: number, succeeded: number }> = {}
  for (const c of cases) {
    const wf = await run.call('/api/workflows', { name: c.fault, steps: c.steps })
    const res = await run.call(`/api/workflows/${wf.workflow.id as string}/execute`, { timeoutMs: 60_000 })
    const entry = byFault[c.fault] ?? (byFault[c.fault] = { runs: 0, succeeded: 0 })
    entry.runs++
    if (res.status === 'completed') entry.succeeded++
  }
  const succeeded = Object.values(byFault).reduce((n, f) => n + f.succeeded, 0)
  await run.stop()
  return { selfDebugging: selfDebug, executions: cases.length, succeeded, successRate: succeeded / cases.length, byFault, llmCallsForRepairs: fake.chatRequests().length - before }
}
const withDebugging = await faults(true)
const withoutDebugging = await faults(false)

console.log(JSON.stringify({
  database: database.embedded ? 'embedded FerretDB 1.24 over PostgreSQL 18' : 'MONGODB_URI',
  learning: passes,
  seededFaults: [withDebugging, withoutDebugging]
}, null, 2))

await database.release()
for (const close of closers) await close()
await new Promise<void>(resolve => api.close(() => resolve()))
