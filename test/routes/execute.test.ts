import t from 'tap'
import { randomBytes } from 'node:crypto'
import { startFakeLlm, type LlmRequest } from '../fixtures/fake-llm.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { build, caller, eventually, getEvents, getExecution, llmConfig, sharedApp } from '../helper.js'

// Two apps for the file, offline and with a fake LLM (forgotten between tests); each test has a user of its own.
const fake = await startFakeLlm(t)
t.beforeEach(() => { fake.reset() })
const offline = sharedApp()
const withLlm = sharedApp(llmConfig(fake))

/** A plan as the LLM returns it (structured output). */
function plan (steps: unknown[], intent = 'test plan') {
  return { json: { intent, agents: [], integrations: [], plugins: [], steps } }
}

t.test('the self-test prompt runs through the whole stack with the offline planner', async t => {
  const { client } = await offline()
  const before = Date.now()
  const res = await client.POST('/api/test/execute')
  t.equal(res.response.status, 200)
  const body = res.data as any
  t.match(body, { success: true, prompt: 'Return current timestamp', status: 'completed', planner: 'offline', error: null })
  t.match(body.strategy, { planner: 'offline', integrations: ['core.time'], steps: [{ id: 'core_time', type: 'integration', action: 'core.time' }] })
  const at = Date.parse(body.result.iso)
  t.ok(at >= before - 1000 && at <= Date.now() + 1000, 'the result is the current time')
  t.same(body.usage, { calls: 0, promptTokens: 0, completionTokens: 0 }, 'no LLM call offline')

  const execution = await getExecution(client, body.executionId)
  t.same(execution.steps.map(s => s.stepId), ['plan', 'core_time'], 'planning is a durable step; the plan runs after it')
  t.equal(execution.type, 'prompt')
  const events = await getEvents(client, body.executionId)
  t.ok(events.some(e => e.type === 'prompt.planned' && e.data.planner === 'offline'))
})

t.test('the self-test prompt with an LLM: structured output, tokens recorded', async t => {
  const { client } = await withLlm()
  // The engine status counts every plan of the app: compared with its counts before.
  const before = (await client.GET('/api/engines/status')).data!.engines.universalExecutor as unknown as { plans: { llm: number, offline: number, rejected: number }, llm: { calls: number, failures: number } }
  fake.script({ ...plan([{ id: 'now', type: 'integration', action: 'core.time', input: {} }], 'tell the time'), usage: { prompt_tokens: 321, completion_tokens: 45 } })
  const res = await client.POST('/api/test/execute')
  const body = res.data as any
  t.match(body, { status: 'completed', planner: 'llm', strategy: { intent: 'tell the time', model: 'test-model', steps: [{ id: 'now' }] } })
  t.ok(Date.parse(body.result.iso) > 0)
  t.same(body.usage, { calls: 1, promptTokens: 321, completionTokens: 45 })
  const request = fake.chatRequests()[0] as LlmRequest
  t.equal(request.body.model, 'test-model')
  t.equal(request.body.response_format.type, 'json_schema', 'asks for structured output')
  t.ok(request.body.response_format.json_schema.schema.properties.steps, 'with the plan schema')
  t.match(JSON.stringify(request.body.messages), /core\.time/, 'the catalog is in the planner prompt')
  const events = await getEvents(client, body.executionId)
  t.match(events.find(e => e.type === 'llm.call'), { stepId: 'plan', data: { purpose: 'plan', promptTokens: 321, completionTokens: 45 } })
  const status = (await client.GET('/api/engines/status')).data?.engines
  t.match(status?.universalExecutor, {
    planner: 'llm', model: 'test-model',
    plans: { llm: before.plans.llm + 1, offline: before.plans.offline, rejected: before.plans.rejected },
    llm: { calls: before.llm.calls + 1, failures: before.llm.failures }
  })
  t.match(status?.agentEngine, { llmConfigured: true })
})

t.test('a planned http.request reaches a loopback server and its answer is the result', async t => {
  const recorder = await startRecorder(t)
  const { client } = await withLlm()
  fake.script(plan([
    { id: 'fetch', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${recorder.url}/ok`, body: { q: '=trigger.context.q' } } },
    { id: 'pick', type: 'transform', expression: 'steps.fetch.output.body.body.q' }
  ]))
  const res = await client.POST('/api/execute', { body: { prompt: 'Send q to the service and tell me what it saw', context: { q: 'hello' } } })
  t.match(res.data, { status: 'completed', result: 'hello', planner: 'llm' })
  t.equal(recorder.requests.length, 1)
  t.same(recorder.requests[0]?.body, { q: 'hello' }, 'the plan used the context through an expression')
  t.match(fake.chatRequests()[0]?.body.messages[1].content, /Context \(JSON\): \{"q":"hello"\}/, 'the planner saw the context')
})

t.test('an impossible plan is rejected with a reason and nothing runs', async t => {
  const recorder = await startRecorder(t)
  const { client } = await withLlm()
  fake.script(plan([
    { id: 'fetch', type: 'integration', action: 'http.request', input: { url: `${recorder.url}/ok` } },
    { id: 'magic', type: 'integration', action: 'teleport.now', input: {} }
  ]))
  const res = await client.POST('/api/execute', { body: { prompt: 'do the impossible' } })
  const body = res.data as any
  t.match(body, { status: 'failed', strategy: null, planner: null, error: { code: 'R3SN_PLAN_INVALID', stepId: 'plan' } })
  t.match(body.error.message, /teleport\.now/)
  t.equal(recorder.requests.length, 0, 'no step of the rejected plan ran')

  fake.script(plan([{ id: 'bad', type: 'integration', action: 'core.delay', input: { ms: 'soon' } }]))
  const second = (await client.POST('/api/execute', { body: { prompt: 'wait a bit' } })).data as any
  t.match(second.error, { code: 'R3SN_PLAN_INVALID', message: /invalid input for core\.delay/ })

  fake.script({ content: 'I would rather chat' })
  const third = (await client.POST('/api/execute', { body: { prompt: 'plan please' } })).data as any
  t.match(third.error, { code: 'R3SN_LLM_INVALID_OUTPUT' }, 'a reply that is not a plan fails clearly')
})

t.test('a 429 from the LLM is retried, then the plan runs', async t => {
  const { client } = await withLlm()
  fake.script(
    { status: 429, error: { message: 'Rate limit reached', type: 'rate_limit_error' }, headers: { 'retry-after-ms': '10' } },
    plan([{ id: 'now', type: 'integration', action: 'core.time', input: {} }])
  )
  const res = await client.POST('/api/execute', { body: { prompt: 'what time is it' } })
  t.match(res.data, { status: 'completed', planner: 'llm' })
  t.equal(fake.chatRequests().length, 2, 'one 429, one success')

  fake.script(...Array.from({ length: 3 }, () => ({ status: 503, error: { message: 'overloaded' }, headers: { 'retry-after-ms': '5' } })))
  const failed = (await client.POST('/api/execute', { body: { prompt: 'what time is it now' } })).data as any
  t.match(failed, { status: 'failed', error: { code: 'R3SN_LLM_UNAVAILABLE', stepId: 'plan' } }, 'still failing after the retries: a clear error')
})

t.test('a bad key or an unknown model fails the execution with the cause; the key is never shown or logged', async t => {
  const fake = await startFakeLlm(t)
  const wrongKey = `sk-wrong-${randomBytes(12).toString('hex')}`
  const { client, logs, baseUrl, adminKey } = await build(t, { ...llmConfig(fake), openaiApiKey: wrongKey, logLevel: 'debug' })
  const res = await caller(baseUrl, adminKey)('POST', '/api/execute', { prompt: 'what time is it' })
  t.match(res.body, { status: 'failed', error: { code: 'R3SN_LLM_AUTH', message: /rejected the API key.*OPENAI_API_KEY/ } })
  t.notMatch(res.text, wrongKey)
  const events = await getEvents(client, res.body.executionId)
  t.notMatch(JSON.stringify(events), wrongKey.slice(8))
  t.notMatch(logs.join('\n'), wrongKey.slice(8), 'the key is in no log line')
  t.equal((await fetch(`${baseUrl}/health`)).status, 200, 'the service stays up')

  const other = await build(t, { ...llmConfig(fake), model: 'no-such-model' })
  const missing = (await other.client.POST('/api/execute', { body: { prompt: 'what time is it' } })).data as any
  t.match(missing.error, { code: 'R3SN_LLM_MODEL', message: /no-such-model/ })
})

t.test('the offline planner matches the catalog deterministically', async t => {
  const recorder = await startRecorder(t)
  const { client } = await offline()
  const prompt = `Fetch ${recorder.url}/ok then log that it worked`
  const first = (await client.POST('/api/execute', { body: { prompt } })).data as any
  t.match(first, { status: 'completed', planner: 'offline' })
  t.same(first.strategy.steps.map((s: { action: string }) => s.action), ['http.request', 'core.log'], 'in the order the prompt names them')
  t.match(first.strategy.steps[0].input, { method: 'GET', url: `${recorder.url}/ok` })
  const second = (await client.POST('/api/execute', { body: { prompt } })).data as any
  t.same(second.strategy.steps, first.strategy.steps, 'the same prompt gives the same plan')
  t.match(second.strategy, { source: 'learned' }, '(the second time it is the learned one)')

  const delay = (await client.POST('/api/execute', { body: { prompt: 'wait 2 ms please' } })).data as any
  t.match(delay, { status: 'completed', result: { delayedMs: 2 } })

  const unknown = (await client.POST('/api/execute', { body: { prompt: 'write me a poem' } })).data as any
  t.match(unknown, { status: 'failed', error: { code: 'R3SN_PLAN_INVALID', message: /offline planner found no integration.*OPENAI_API_KEY/ } })

  const email = (await client.POST('/api/execute', { body: { prompt: 'email ada@example.com the report' } })).data as any
  t.match(email.error, { code: 'R3SN_PLAN_INVALID', message: /email\.send needs a credential of type smtp/ }, 'an impossible plan names what is missing')
})

t.test('http.request to 127.0.0.1 is blocked unless the host is allowed', async t => {
  const recorder = await startRecorder(t)
  const { client } = await build(t, { httpAllowedHosts: ['*'] })
  const res = (await client.POST('/api/execute', { body: { prompt: `Fetch ${recorder.url}/ok` } })).data as any
  t.match(res, { status: 'failed', error: { code: 'R3SN_EGRESS_DENIED', stepId: 'http_request', message: /private or loopback/ } })
  t.equal(recorder.requests.length, 0, 'no request left the service')
})

t.test('a credential reaches only its destination: never a response, an event, a log line or the LLM', async t => {
  const fake = await startFakeLlm(t)
  const recorder = await startRecorder(t)
  const { baseUrl, adminKey, logs, app } = await build(t, { ...llmConfig(fake), encryptionKey: randomBytes(32), logLevel: 'trace' })
  const call = caller(baseUrl, adminKey)
  const secret = `tok_${randomBytes(16).toString('hex')}`
  const created = await call('POST', '/api/credentials', { name: 'service token', type: 'http', data: { token: secret } })
  const credentialId = created.body.credential.id as string
  fake.script(plan([{ id: 'call', type: 'integration', action: 'http.request', credential: credentialId, input: { url: `${recorder.url}/ok` } }]))

  const res = await call('POST', '/api/execute', { prompt: 'Call the service with my token' })
  t.match(res.body, { status: 'completed', result: { status: 200 } })
  t.equal(recorder.requests[0]?.headers.authorization, `Bearer ${secret}`, 'the destination got the secret')

  const planner = fake.chatRequests()[0] as LlmRequest
  t.match(JSON.stringify(planner.body), credentialId, 'the planner saw the credential id')
  const seen = [
    res.text,
    created.text,
    (await call('GET', `/api/executions/${res.body.executionId as string}/status`)).text,
    (await call('GET', `/api/executions/${res.body.executionId as string}/events`)).text,
    (await call('GET', '/api/credentials')).text,
    JSON.stringify(fake.requests.map(r => r.body)),
    logs.join('\n'),
    JSON.stringify(await app.mongo.db.collection('executions').find().toArray()),
    JSON.stringify(await app.mongo.db.collection('execution_events').find().toArray())
  ]
  for (const [i, text] of seen.entries()) t.notMatch(text, secret, `the secret is not in place ${i}`)
})

t.test('async mode answers 202 at once; the run ends on its own', async t => {
  const { client } = await offline()
  const res = await client.POST('/api/execute', { body: { prompt: 'Return current timestamp', mode: 'async' } })
  t.equal(res.response.status, 202)
  const accepted = res.data as any
  t.match(accepted, { success: true, executionId: /^exe_/, prompt: 'Return current timestamp' })
  const ended = await eventually(async () => {
    const e = await getExecution(client, accepted.executionId)
    return e.status === 'completed' ? e : undefined
  })
  t.match(ended, { type: 'prompt', prompt: 'Return current timestamp', strategy: { planner: 'offline' } })
})

t.test('bad input to /api/execute is a 400 and starts nothing', async t => {
  const { client, baseUrl, call } = await offline()
  for (const body of [{}, { prompt: '' }, { prompt: 'x', extra: 1 }, { prompt: 'x', mode: 'later' }, { prompt: 'x', timeoutMs: 0 }, { prompt: 'x'.repeat(10_001) }, { prompt: 'x', context: [1] }]) {
    const res = await call('POST', '/api/execute', body)
    t.equal(res.status, 400, JSON.stringify(body).slice(0, 60))
    t.match(res.body, { success: false, statusCode: 400, code: 'R3SN_VALIDATION' })
  }
  const list = await client.GET('/api/executions')
  t.equal(list.data?.executions.length, 0, 'no execution was created')
  const { key } = await offline('eve')
  t.equal((await caller(baseUrl, 'not-a-key')('POST', '/api/execute', { prompt: 'x' })).status, 401)
  t.equal((await caller(baseUrl, key)('POST', '/api/test/execute')).status, 200, 'any user may run the self-test')
})

t.test('an LLM plan may put an approval before a risky step: the run waits for the decision, then goes on', async t => {
  const { call } = await withLlm()
  const rec = await startRecorder(t)
  fake.script(plan([
    { id: 'confirm', type: 'approval', message: 'Send the order to the supplier?' },
    { id: 'send', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok/order`, body: { item: 'paper' } } }
  ], 'order paper, after a confirmation'))
  const ran = await call('POST', '/api/execute', { prompt: 'Order paper from the supplier', mode: 'async' })
  t.equal(ran.status, 202)
  const id = ran.body.executionId as string
  const waiting = await eventually(async () => {
    const { body } = await call('GET', `/api/executions/${id}/status`)
    return body.execution.status === 'waiting' ? body.execution : undefined
  }, 30_000, 'the run to wait for the approval')
  t.same(waiting.steps.map((s: any) => [s.stepId, s.status]), [['plan', 'completed'], ['confirm', 'waiting']])
  t.match(waiting.steps[1].waitingFor, { message: 'Send the order to the supplier?' })
  t.equal(rec.requests.length, 0, 'nothing is sent before the decision')
  const system = fake.chatRequests()[0]?.body.messages[0].content as string
  t.match(system, /"approval"/, 'the planner prompt offers approval steps')
  t.match(system, /before a risky action/)

  const decided = await call('POST', `/api/executions/${id}/approvals/confirm`, { decision: 'approve', comment: 'ok' })
  t.equal(decided.status, 202, JSON.stringify(decided.body))
  const ended = await eventually(async () => {
    const { body } = await call('GET', `/api/executions/${id}/status`)
    return body.execution.status === 'completed' || body.execution.status === 'failed' ? body.execution : undefined
  }, 30_000, 'the run to end')
  t.equal(ended.status, 'completed', JSON.stringify(ended.error))
  t.match(ended.steps[1].output, { decision: 'approve', comment: 'ok' })
  t.equal(rec.requests.filter(r => r.path === '/ok/order').length, 1, 'sent once approved')
})
