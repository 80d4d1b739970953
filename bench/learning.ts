/**
 * npm run bench:learning — the documented experiment of the self-evolving and
 * self-debugging engines, against the loopback fake LLM (token counts are its estimates:
 * prompt characters / 4) and a loopback API:
 *
 * 1. 20 different prompts, each asked 5 times (5 passes): LLM calls and tokens per
 *    execution in the first pass (planned) against the later passes (learned plans).
 * 2. 20 workflows with seeded faults (8 transient 503s, 6 bad inputs answered 400,
 *    4 plugins that throw, 2 bad credentials answered 401), run without self-debugging, then
 *    with it against a model that is sometimes wrong: at each rate of wrong answers
 *    (BENCH_WRONG_RATES, default 0,0.3,0.6) and each seed (BENCH_SEEDS, default 6), on a
 *    fresh database, the fake answers a repair with a plausible but wrong one with that
 *    probability (corrected parameters that fit the schema but the API refuses, or a patch
 *    that still fails a self-test). Recovered per class, LLM calls and tokens per recovery,
 *    and wrong patches stored (must be 0).
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

/** A seeded generator (mulberry32): the same seed, the same wrong answers. */
function seeded (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}
// How often a repair answer is wrong, and the draws (set per rate and seed).
const model = { wrongRate: 0, random: seeded(1), wrong: 0 }

// The fake LLM plans "Check service N" as one http.request, repairs inputs, and patches plugins (wrongly, at model.wrongRate).
const reply = (req: LlmRequest): ScriptedReply => {
  const kind = req.body.response_format?.json_schema?.name as string | undefined
  const last = req.body.messages.at(-1).content as string
  if (kind === 'Strategy') {
    const n = /service (\d+)/.exec(last)?.[1] ?? '0'
    return { json: { intent: `check service ${n}`, agents: [], integrations: ['http.request'], plugins: [], steps: [{ id: 'check', type: 'integration', action: 'http.request', input: { url: `${apiUrl}/svc/${n}` } }] } }
  }
  if (kind === 'RepairedInput') {
    const asked = JSON.parse(last) as { failedInput: Record<string, unknown> }
    // Wrong: a quantity that fits the schema (the body is free) but the API refuses.
    if (model.random() < model.wrongRate) return { json: { parameters: { ...asked.failedInput, body: { quantity: -(++model.wrong) } }, reason: 'a quantity' } }
    return { json: { parameters: { ...asked.failedInput, body: { quantity: 1 } }, reason: 'quantity must be a positive integer' } }
  }
  if (kind === 'PluginPatch') {
    // Wrong: no longer throws, but counts every price twice, so the self-test fails.
    if (model.random() < model.wrongRate) return { json: { code: `${fixed.replace('sum + item.price', 'sum + 2 * item.price')}\n// ${++model.wrong}`, explanation: 'missing items mean none' } }
    return { json: { code: fixed, explanation: 'missing items mean none' } }
  }
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

// 2. Seeded faults: without self-debugging, then with it at each rate of wrong answers and each seed.
const CLASSES = ['transient', 'bad-input', 'plugin-bug', 'auth']
async function faults (selfDebug: boolean, wrongRate: number, seed: number) {
  model.wrongRate = wrongRate
  model.random = seeded(seed * 7919 + Math.round(wrongRate * 100))
  const run = await start({ selfDebug })
  const tag = `${selfDebug ? 'on' : 'off'}${Math.round(wrongRate * 100)}s${seed}`
  const cases: { fault: string, steps: unknown[] }[] = []
  for (let i = 0; i < 8; i++) cases.push({ fault: 'transient', steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${apiUrl}/flaky/${tag}${i}/${1 + (i % 2)}` } }] })
  for (let i = 0; i < 6; i++) cases.push({ fault: 'bad-input', steps: [{ id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${apiUrl}/orders`, body: { quantity: 'many' } } }] })
  const plugins: string[] = []
  for (let i = 0; i < 4; i++) {
    const plugin = await run.call('/api/plugins', {
      name: `Summer ${i}`, code: buggy, tests: [{ action: 'total', input: { items: [{ price: 2 }] }, expect: { total: 2 } }],
      manifest: { actions: [{ name: 'total', description: 'sum', input: { type: 'object', properties: { items: { type: 'array' } } }, output: { type: 'object', required: ['total'] } }], egress: [] }
    })
    plugins.push(plugin.plugin.id as string)
    cases.push({ fault: 'plugin-bug', steps: [{ id: 'sum', type: 'plugin', plugin: plugin.plugin.id, action: 'total', input: {} }] })
  }
  for (let i = 0; i < 2; i++) cases.push({ fault: 'auth', steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${apiUrl}/auth` } }] })
  const before = fake.chatRequests().length
  const byFault: Record<string, { runs: number, succeeded: number }> = Object.fromEntries(CLASSES.map(c => [c, { runs: 0, succeeded: 0 }]))
  let tokens = 0
  let rounds = 0
  let learned = 0
  for (const c of cases) {
    const wf = await run.call('/api/workflows', { name: c.fault, steps: c.steps })
    const res = await run.call(`/api/workflows/${wf.workflow.id as string}/execute`, { timeoutMs: 60_000 })
    const entry = byFault[c.fault] as { runs: number, succeeded: number }
    entry.runs++
    if (res.status === 'completed') entry.succeeded++
    const status = await (await fetch(`http://127.0.0.1:${(run.app.server.address() as AddressInfo).port}/api/executions/${res.executionId as string}/status`, { headers: { authorization: `Bearer ${adminKey}` } })).json() as any
    tokens += (status.execution.usage.promptTokens as number) + (status.execution.usage.completionTokens as number)
    for (const d of status.execution.diagnoses as { round?: number, learned?: boolean }[]) { if (d.round !== undefined) rounds++; if (d.learned === true) learned++ }
  }
  // Every patched version stored must be the fix.
  let wrongPatchesStored = 0
  let patchesStored = 0
  for (const id of plugins) {
    const versions = await (await fetch(`http://127.0.0.1:${(run.app.server.address() as AddressInfo).port}/api/plugins/${id}/versions`, { headers: { authorization: `Bearer ${adminKey}` } })).json() as any
    for (const v of versions.versions as { origin: string, code: string }[]) {
      if (v.origin !== 'patched') continue
      patchesStored++
      if (v.code !== fixed) wrongPatchesStored++
    }
  }
  await run.stop()
  const llmCalls = fake.chatRequests().length - before
  return { byFault, llmCalls, tokens, rounds, learned, patchesStored, wrongPatchesStored }
}

const seeds = Number(process.env.BENCH_SEEDS ?? 6)
const rates = (process.env.BENCH_WRONG_RATES ?? '0,0.3,0.6').split(',').map(Number)
const withoutDebugging = await faults(false, 0, 1)
const byRate = []
for (const wrongRate of rates) {
  const sum = { byFault: Object.fromEntries(CLASSES.map(c => [c, { runs: 0, succeeded: 0 }])) as Record<string, { runs: number, succeeded: number }>, llmCalls: 0, tokens: 0, rounds: 0, learned: 0, patchesStored: 0, wrongPatchesStored: 0 }
  for (let seed = 1; seed <= seeds; seed++) {
    const one = await faults(true, wrongRate, seed)
    for (const c of CLASSES) {
      (sum.byFault[c] as { runs: number }).runs += (one.byFault[c] as { runs: number }).runs;
      (sum.byFault[c] as { succeeded: number }).succeeded += (one.byFault[c] as { succeeded: number }).succeeded
    }
    sum.llmCalls += one.llmCalls
    sum.tokens += one.tokens
    sum.rounds += one.rounds
    sum.learned += one.learned
    sum.patchesStored += one.patchesStored
    sum.wrongPatchesStored += one.wrongPatchesStored
  }
  const repaired = (sum.byFault['bad-input']?.succeeded ?? 0) + (sum.byFault['plugin-bug']?.succeeded ?? 0)
  byRate.push({
    wrongRate, seeds, ...sum,
    recovered: Object.fromEntries(CLASSES.map(c => [c, `${sum.byFault[c]?.succeeded ?? 0}/${sum.byFault[c]?.runs ?? 0}`])),
    llmCallsPerRecovery: repaired === 0 ? null : +(sum.llmCalls / repaired).toFixed(2),
    tokensPerRecovery: repaired === 0 ? null : Math.round(sum.tokens / repaired)
  })
  console.error(`wrong answers ${wrongRate * 100} %: ${JSON.stringify(byRate.at(-1)?.recovered)}`)
}

console.log(JSON.stringify({
  database: database.embedded ? 'embedded FerretDB 1.24 over PostgreSQL 18' : 'MONGODB_URI',
  learning: passes,
  withoutSelfDebugging: withoutDebugging,
  seededFaults: byRate
}, null, 2))
console.log('\n| wrong answers | transient | bad input | plugin bug | auth | LLM calls per recovery | tokens per recovery | learned repairs reused | wrong patches stored |')
console.log('|---|---|---|---|---|---|---|---|---|')
for (const r of byRate) console.log(`| ${r.wrongRate * 100} % | ${r.recovered.transient} | ${r.recovered['bad-input']} | ${r.recovered['plugin-bug']} | ${r.recovered.auth} | ${r.llmCallsPerRecovery} | ${r.tokensPerRecovery} | ${r.learned} | ${r.wrongPatchesStored} |`)

await database.release()
for (const close of closers) await close()
await new Promise<void>(resolve => api.close(() => resolve()))
