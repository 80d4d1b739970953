import t, { type Test } from 'tap'
import { startFakeLlm, type LlmRequest } from '../fixtures/fake-llm.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { startServer } from '../fixtures/loopback.js'
import { build, caller, eventually, getEvents, getExecution, llmConfig, retryExecution, runWorkflow, sharedApp } from '../helper.js'
import { classify, SelfDebugging } from '../../engines/self-debugging.js'
import { StepError, type StepFailure } from '../../engines/runtime/steps.js'
import type { Config } from '../../config.js'
import type { WorkflowStep } from '../../schemas/workflows.js'

// Two apps for the file, offline and with a fake LLM (forgotten between tests); each test has a user of its own.
const fake = await startFakeLlm(t)
t.beforeEach(() => { fake.reset() })
const offline = sharedApp()
const withLlm = sharedApp(llmConfig(fake)) // (one LLM repair per step: R3SN_SELF_DEBUG_MAX_REPAIRS's default)

/** A loopback orders API that answers 400 unless quantity is a positive integer. */
async function ordersApi (t: Test) {
  const bodies: unknown[] = []
  const server = await startServer(t, r => {
    const body = JSON.parse(r.body === '' ? '{}' : r.body) as { quantity?: unknown }
    bodies.push(body)
    const ok = Number.isInteger(body.quantity) && (body.quantity as number) > 0
    return ok ? [201, { ordered: body.quantity }] : [400, { error: 'quantity must be a positive integer' }]
  })
  return { url: `${server.url}/orders`, bodies }
}

const sumManifest = {
  actions: [{
    name: 'total', description: 'Sums item prices',
    input: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { price: { type: 'number' } }, required: ['price'] } } } },
    output: { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] }
  }],
  egress: []
}
const sumTests = [{ action: 'total', input: { items: [{ price: 2 }, { price: 3 }] }, expect: { total: 5 } }]
// Works for its test, throws when items is missing (the schema allows that).
const buggy = 'export function total (input) { return { total: input.items.reduce((sum, item) => sum + item.price, 0) } }'
const fixed = 'export function total (input) { return { total: (input.items ?? []).reduce((sum, item) => sum + item.price, 0) } }'

t.test('classify: a failure\'s class from its code and whether it may be tried again', async t => {
  const retryable = new StepError('busy', 'HTTP_503', true)
  const final = new StepError('no', 'X', false)
  const cases: [string, unknown, string, string][] = [
    ['R3SN_PLUGIN_ERROR', final, 'plugin', 'plugin-bug'],
    ['R3SN_PLUGIN_ERROR', final, 'integration', 'unknown'],
    ['HTTP_401', retryable, 'integration', 'auth'],
    ['HTTP_403', final, 'integration', 'auth'],
    ['R3SN_LLM_AUTH', final, 'agent', 'auth'],
    ['SLACK_TOKEN_REVOKED', final, 'integration', 'auth'],
    ['R3SN_EGRESS_DENIED', final, 'integration', 'policy'],
    ['R3SN_SANDBOX_CPU', final, 'plugin', 'policy'],
    ['R3SN_CANCELLED', final, 'integration', 'policy'],
    ['HTTP_400', retryable, 'integration', 'bad-input'],
    ['HTTP_422', final, 'integration', 'bad-input'],
    ['R3SN_BAD_INPUT', final, 'integration', 'bad-input'],
    ['SLACK_CHANNEL_NOT_FOUND', final, 'integration', 'bad-input'],
    ['HTTP_503', retryable, 'integration', 'transient'],
    ['R3SN_STEP_TIMEOUT', new StepError('slow', 'R3SN_STEP_TIMEOUT'), 'integration', 'transient'],
    ['HTTP_503', final, 'integration', 'unknown'],
    ['STEP_FAILED', new Error('plain'), 'transform', 'unknown'],
    ['HTTP_4000', retryable, 'integration', 'transient']
  ]
  for (const [code, cause, stepType, expected] of cases) t.equal(classify(code, cause, stepType), expected, `${code} on a ${stepType} step`)
})

t.test('diagnose without an LLM: transient failures retry with backoff within bounds; others get no remedy', async t => {
  const config = { selfDebug: true, selfDebugMaxRetries: 3, selfDebugMaxRepairs: 1 } as Config
  const debug = new SelfDebugging(config, { configured: false } as never, undefined as never, undefined as never)
  const step: WorkflowStep = { id: 'call', type: 'integration', action: 'http.request', input: { url: 'http://x' } }
  const failure = (code: string, cause: unknown, over: Partial<StepFailure> = {}): StepFailure => ({
    executionId: 'exe_1', ownerId: 'u1', step, input: step.input, error: { code, message: `failed with ${code}` }, cause, attempt: 1, previous: [], signal: new AbortController().signal, ...over
  } as StepFailure)
  const busy = new StepError('busy', 'HTTP_503', true)

  const delays: number[] = []
  const previous: StepFailure['previous'] = []
  for (;;) {
    const remedy = await debug.diagnose(failure('HTTP_503', busy, { previous: [...previous] }))
    if (remedy?.retry === undefined) {
      t.match(remedy?.diagnosis, { class: 'transient', action: 'none', detail: /its 3 extra retries are spent/ })
      break
    }
    t.match(remedy.diagnosis, { class: 'transient', action: 'retry', evidence: { code: 'HTTP_503', message: 'failed with HTTP_503' } })
    delays.push(remedy.retry.delayMs)
    previous.push({ ...remedy.diagnosis, stepId: 'call', outcome: 'failed' } as never)
  }
  t.same(delays, [250, 500, 1000], 'exponential from 250 ms, three times')

  t.match(await debug.diagnose(failure('HTTP_503', busy, { step: { ...step, retry: { maxAttempts: 2 } } })), { diagnosis: { action: 'none', detail: /own retry policy is spent/ } }, 'the step\'s own policy is the user\'s word')
  t.match(await debug.diagnose(failure('HTTP_400', busy)), { diagnosis: { class: 'bad-input', action: 'none', detail: 'no LLM is configured to repair it' } })
  t.match(await debug.diagnose(failure('HTTP_400', busy, { step: { ...step, onError: 'continue' } })), { diagnosis: { action: 'none', detail: /handles its own failure/ } })
  t.match(await debug.diagnose(failure('HTTP_401', busy)), { diagnosis: { class: 'auth', action: 'none', detail: 'no automatic remedy for auth failures' } })
  t.match(debug.counts, { retries: 3, byClass: { transient: 5, 'bad-input': 2, auth: 1 } })

  const off = new SelfDebugging({ ...config, selfDebug: false }, { configured: false } as never, undefined as never, undefined as never)
  t.equal(await off.diagnose(failure('HTTP_503', busy)), undefined, 'turned off: no diagnosis at all')
})

t.test('a transient failure recovers by retries with backoff; turned off, it fails at once', async t => {
  const recorder = await startRecorder(t)
  const { client } = await offline()
  const { answer, execution } = await runWorkflow(client, { name: 'flaky', steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${recorder.url}/fail/flaky/2` } }] })
  t.match(answer, { status: 'completed', result: { status: 200 } })
  t.same(execution.diagnoses.map(d => [d.stepId, d.class, d.action, d.outcome, d.evidence.code]), [
    ['call', 'transient', 'retry', 'applied-failed', 'HTTP_503'],
    ['call', 'transient', 'retry', 'recovered', 'HTTP_503']
  ])
  t.match(execution.diagnoses[1]?.detail, /retry 2 of 3 in 500 ms/, 'exponential backoff')
  const events = await getEvents(client, execution.executionId)
  t.equal(events.filter(e => e.type === 'step.diagnosed').length, 2, 'each diagnosis is an execution event')

  // Bounded per execution attempt: 1 + 3 tries fail, a retry by hand gets 3 more.
  const stubborn = await runWorkflow(client, { name: 'stubborn', steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${recorder.url}/fail/stubborn/5` } }] })
  t.match(stubborn.answer, { status: 'failed', error: { code: 'HTTP_503' } })
  t.equal(recorder.requests.filter(r => r.path === '/fail/stubborn/5').length, 4)
  t.equal((await retryExecution(client, stubborn.execution.executionId)).response.status, 202)
  const retried = await eventually(async () => {
    const e = await getExecution(client, stubborn.execution.executionId)
    return e.attempt === 2 && (e.status === 'completed' || e.status === 'failed') ? e : undefined
  }, 10_000, 'the retried run to end')
  t.equal(retried.status, 'completed')
  t.equal(recorder.requests.filter(r => r.path === '/fail/stubborn/5').length, 6, 'fresh bounds after the retry by hand')
  t.same(retried.diagnoses.map(d => [d.executionAttempt, d.action, d.outcome]), [
    [1, 'retry', 'applied-failed'], [1, 'retry', 'applied-failed'], [1, 'retry', 'applied-failed'], [1, 'none', 'not-applied'], [2, 'retry', 'recovered']
  ])

  const off = await build(t, { selfDebug: false })
  const failed = await runWorkflow(off.client, { name: 'flaky', steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${recorder.url}/fail/other/1` } }] })
  t.match(failed.answer, { status: 'failed', error: { code: 'HTTP_503' } })
  t.same(failed.execution.diagnoses, [], 'no diagnosis when self-debugging is off')
})

t.test('a 400 from a loopback API is repaired by corrected parameters the LLM proposes', async t => {
  const api = await ordersApi(t)
  const { client } = await withLlm()
  fake.script({ json: { parameters: { method: 'POST', url: api.url, body: { quantity: 3 } }, reason: 'quantity must be an integer, "three" is 3' } })
  const { answer, execution } = await runWorkflow(client, { name: 'order', steps: [
    { id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: api.url, body: { quantity: 'three' } } }
  ] })
  t.match(answer, { status: 'completed', result: { status: 201, body: { ordered: 3 } } })
  t.same(api.bodies, [{ quantity: 'three' }, { quantity: 3 }], 'tried once more, with the corrected input')
  t.match(execution.diagnoses, [{ stepId: 'order', class: 'bad-input', action: 'repair-input', outcome: 'recovered', evidence: { code: 'HTTP_400', message: /quantity must be a positive integer/ }, detail: /"quantity":3/ }])
  const repair = fake.chatRequests()[0] as LlmRequest
  const asked = JSON.parse(repair.body.messages[1].content)
  t.match(asked, { failedInput: { body: { quantity: 'three' } }, error: { code: 'HTTP_400' } })
  t.ok(asked.schema.properties.url, 'the LLM got the action\'s schema')
  t.equal(repair.body.response_format.type, 'json_schema')

  // A proposal that does not match the schema is not tried.
  fake.script({ json: { parameters: { url: 42 }, reason: 'nonsense' } })
  const refused = await runWorkflow(client, { name: 'order again', steps: [
    { id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: api.url, body: { quantity: 0 } } }
  ] })
  t.match(refused.answer, { status: 'failed', error: { code: 'HTTP_400' } })
  t.match(refused.execution.diagnoses, [{ class: 'bad-input', action: 'none', outcome: 'not-applied', detail: /do not match the schema/ }])
  t.equal(api.bodies.length, 3, 'the invalid proposal never reached the API')
})

t.test('a buggy plugin is patched to a new version that passes; a patch that fails validation is not stored', async t => {
  // An app of its own: the engine status counts every diagnosis of the app.
  const fake = await startFakeLlm(t)
  const { client, baseUrl, adminKey } = await build(t, llmConfig(fake))
  const id = (await caller(baseUrl, adminKey)('POST', '/api/plugins', { name: 'Summer', code: buggy, manifest: sumManifest, tests: sumTests })).body.plugin.id as string
  const versions = async () => (await client.GET('/api/plugins/{id}/versions', { params: { path: { id } } })).data!.versions

  // First the LLM proposes a "fix" that still throws on the failing input: refused, nothing stored.
  fake.script({ json: { code: buggy.replace('sum + item.price', 'sum + item.price * 1'), explanation: 'multiply' } })
  const stillBroken = await runWorkflow(client, { name: 'sum', steps: [{ id: 'sum', type: 'plugin', plugin: id, action: 'total', input: {} }] })
  t.match(stillBroken.answer, { status: 'failed', error: { code: 'R3SN_PLUGIN_ERROR' } })
  t.match(stillBroken.execution.diagnoses, [{ class: 'plugin-bug', action: 'none', outcome: 'not-applied', detail: /failed validation in the sandbox and was not stored.*regression/ }])
  t.equal((await versions()).length, 1, 'the failed patch was not stored')

  // Then a real fix: it passes the self-tests and the recorded failing input, becomes v2, and the step runs on it.
  fake.script({ json: { code: fixed, explanation: 'treat missing items as none' } })
  const { answer, execution } = await runWorkflow(client, { name: 'sum', steps: [{ id: 'sum', type: 'plugin', plugin: id, action: 'total', input: {} }] })
  t.match(answer, { status: 'completed', result: { total: 0 } })
  t.match(execution.diagnoses, [{ class: 'plugin-bug', action: 'patch-plugin', outcome: 'recovered', detail: new RegExp(`${id} v1 patched to v2`) }])
  const all = await versions()
  t.same(all.map(v => [v.version, v.origin]), [[1, 'written'], [2, 'patched']])
  t.equal(all[0]?.code, buggy, 'version 1 is unchanged')
  t.match(all[1]?.tests.at(-1), { name: /^regression: /, action: 'total', input: {} }, 'the failing input is now a test of v2')
  const events = await getEvents(client, execution.executionId)
  t.same(events.filter(e => e.type === 'plugin.run').map(e => e.data.version), [1, 2], 'the step failed on v1 and was retried on v2')
  const patchRequest = fake.chatRequests()[1] as LlmRequest
  t.match(JSON.parse(patchRequest.body.messages[1].content), { code: buggy, failingInput: {}, error: /reduce|undefined/ })

  // The statistics and status counts match what happened.
  const learning = await eventually(async () => {
    const report = (await client.GET('/api/learning')).data!
    return report.tools.find(x => x.tool === `${id}.total`)?.runs === 2 ? report : undefined
  }, 5000, 'both runs to be learned')
  t.match(learning.tools.find(x => x.tool === `${id}.total`), { runs: 2, successes: 1, failures: 1, diagnoses: { 'plugin-bug': 2 }, recovered: 1, failureClasses: { R3SN_PLUGIN_ERROR: 1 } })
  const status = (await client.GET('/api/engines/status')).data!.engines.selfDebuggingEngine
  t.match(status, { enabled: true, diagnoses: 2, byClass: { 'plugin-bug': 2 }, patches: 1, patchesRejected: 1, inputRepairs: 0, retries: 0 })
})

t.test('repairs are bounded and skipped without an LLM or when the run handles the failure', async t => {
  const api = await ordersApi(t)
  const { client } = await withLlm()
  // The repair does not help: the step fails again, and no second repair is asked for.
  fake.script({ json: { parameters: { method: 'POST', url: api.url, body: { quantity: -1 } }, reason: 'try negative' } })
  const bounded = await runWorkflow(client, { name: 'order', steps: [{ id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: api.url, body: { quantity: 'x' } } }] })
  t.match(bounded.answer, { status: 'failed', error: { code: 'HTTP_400' } })
  t.same(bounded.execution.diagnoses.map(d => [d.action, d.outcome]), [['repair-input', 'applied-failed'], ['none', 'not-applied']])
  t.equal(fake.chatRequests().length, 1, 'one repair, as configured')

  const continued = await runWorkflow(client, { name: 'order', steps: [
    { id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: api.url, body: {} }, onError: 'continue' },
    { id: 'after', type: 'transform', expression: 'steps.order.error.code' }
  ] })
  t.match(continued.answer, { status: 'completed', result: 'HTTP_400' })
  t.match(continued.execution.diagnoses, [{ action: 'none', detail: /handles its own failure/ }])

  const noLlm = await runWorkflow((await offline()).client, { name: 'order', steps: [{ id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: api.url, body: {} } }] })
  t.match(noLlm.execution.diagnoses, [{ class: 'bad-input', action: 'none', detail: /no LLM/ }])
})
