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
const withLlm = sharedApp(llmConfig(fake)) // (4 rounds and 4 repairs per step: the defaults)

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

  // A proposal that does not match the schema is not tried: the next round is told why, and its answer works.
  fake.script(
    { json: { parameters: { url: 42 }, reason: 'nonsense' } },
    { json: { parameters: { method: 'POST', url: api.url, body: { quantity: 2 } }, reason: 'a positive integer' } }
  )
  const refused = await runWorkflow(client, { name: 'order again', steps: [
    { id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: api.url, body: { quantity: 0 } } }
  ] })
  t.match(refused.answer, { status: 'completed', result: { status: 201, body: { ordered: 2 } } })
  t.match(refused.execution.diagnoses, [
    { class: 'bad-input', action: 'repair-input', outcome: 'rejected', round: 1, feedback: /do not match the schema/, proposal: '{"url":42}' },
    { class: 'bad-input', action: 'repair-input', outcome: 'recovered', round: 2 }
  ])
  t.same(api.bodies.slice(2), [{ quantity: 0 }, { quantity: 2 }], 'the invalid proposal never reached the API')
  const second = JSON.parse((fake.chatRequests()[2] as LlmRequest).body.messages[1].content)
  t.match(second.earlierRounds, [{ round: 1, proposed: '{"url":42}', outcome: /rejected/, whatWentWrong: /do not match the schema.*url/ }], 'the second round is told what was wrong with the first')
  const events = await getEvents(client, refused.execution.executionId)
  t.match(events.filter(e => e.type === 'step.diagnosed').map(e => e.data), [{ round: 1, outcome: 'rejected', feedback: /schema/ }, { round: 2, outcome: 'pending' }], 'each round is an execution event')
})

t.test('a repair tried and failed goes back to the LLM with the endpoint\'s answer; the one that worked is reused without an LLM call', async t => {
  const api = await ordersApi(t)
  const { client } = await withLlm()
  const order = { id: 'order', type: 'integration' as const, action: 'http.request', input: { method: 'POST', url: api.url, body: { quantity: 'ten' } } }
  fake.script(
    { json: { parameters: { method: 'POST', url: api.url, body: { quantity: -10 } }, reason: 'a number' } },
    { json: { parameters: { method: 'POST', url: api.url, body: { quantity: 10 } }, reason: 'a positive number' } }
  )
  const first = await runWorkflow(client, { name: 'order', steps: [order] })
  t.match(first.answer, { status: 'completed', result: { body: { ordered: 10 } } })
  t.same(api.bodies, [{ quantity: 'ten' }, { quantity: -10 }, { quantity: 10 }])
  t.match(first.execution.diagnoses, [
    { action: 'repair-input', outcome: 'applied-failed', round: 1, feedback: /^HTTP_400: .*quantity must be a positive integer/ },
    { action: 'repair-input', outcome: 'recovered', round: 2 }
  ], 'two diagnoses, each with its own outcome')
  const second = JSON.parse((fake.chatRequests()[1] as LlmRequest).body.messages[1].content)
  t.match(second, { failedInput: { body: { quantity: -10 } }, earlierRounds: [{ round: 1, proposed: /"quantity":-10/, outcome: /failed again/, whatWentWrong: /quantity must be a positive integer/ }] })

  // The same failure in another run: the parameters that worked are tried first, with no LLM call.
  fake.reset()
  const again = await runWorkflow(client, { name: 'order again', steps: [order] })
  t.match(again.answer, { status: 'completed', result: { body: { ordered: 10 } } })
  t.equal(fake.chatRequests().length, 0, 'no LLM call')
  t.match(again.execution.diagnoses, [{ action: 'repair-input', outcome: 'recovered', learned: true, detail: /no LLM call/ }])
  t.notOk('round' in (again.execution.diagnoses[0] ?? {}), 'not an LLM round')
  t.same(api.bodies.slice(3), [{ quantity: 'ten' }, { quantity: 10 }])

  // The statistics count recovered runs and the rounds they took, and each outcome once.
  const tool = await eventually(async () => {
    const report = (await client.GET('/api/learning')).data!
    const found = report.tools.find(x => x.tool === 'http.request')
    return found?.runs === 2 ? found : undefined
  }, 5000, 'both runs to be learned')
  t.match(tool, { runs: 2, successes: 2, recovered: 2, recoveredRuns: 2, repairRounds: 2, outcomes: { 'applied-failed': 1, recovered: 2 } })
})

t.test('a repair that failed is not proposed again: refused without trying it, in the same run and the next; wrong input never completes a run', async t => {
  const api = await ordersApi(t)
  const { client } = await withLlm()
  const order = { id: 'order', type: 'integration' as const, action: 'http.request', input: { method: 'POST', url: api.url, body: { quantity: 'lots' } } }
  const wrong = { json: { parameters: { method: 'POST', url: api.url, body: { quantity: -1 } }, reason: 'a number' } }
  fake.script(wrong, wrong, { status: 400, error: { message: 'no more answers' } })
  const failed = await runWorkflow(client, { name: 'order', steps: [order] })
  t.match(failed.answer, { status: 'failed', error: { code: 'HTTP_400' } })
  t.same(api.bodies, [{ quantity: 'lots' }, { quantity: -1 }], 'the repeated proposal never reached the API')
  t.match(failed.execution.diagnoses, [
    { outcome: 'applied-failed', round: 1 },
    { outcome: 'rejected', round: 2, feedback: /tried for this input before and failed/ },
    { action: 'none', outcome: 'not-applied', detail: /could not propose/ }
  ])

  // The next run with the same input: the LLM is told not to propose it, and a repeat is refused again.
  fake.reset()
  fake.script(wrong, { json: { parameters: { method: 'POST', url: api.url, body: { quantity: 4 } }, reason: 'positive' } })
  const next = await runWorkflow(client, { name: 'order again', steps: [order] })
  t.match(next.answer, { status: 'completed', result: { body: { ordered: 4 } } })
  t.match(JSON.parse((fake.chatRequests()[0] as LlmRequest).body.messages[1].content), { doNotPropose: [{ proposed: /"quantity":-1/, whatWentWrong: /positive integer/ }] })
  t.match(next.execution.diagnoses, [{ outcome: 'rejected', round: 1, feedback: /before and failed/ }, { outcome: 'recovered', round: 2 }])
  t.same(api.bodies.slice(2), [{ quantity: 'lots' }, { quantity: 4 }], 'only the new proposal was tried')
})

t.test('a buggy plugin is patched to a new version that passes; a patch that fails validation is not stored', async t => {
  // An app of its own: the engine status counts every diagnosis of the app.
  const fake = await startFakeLlm(t)
  const { client, baseUrl, adminKey } = await build(t, llmConfig(fake))
  const id = (await caller(baseUrl, adminKey)('POST', '/api/plugins', { name: 'Summer', code: buggy, manifest: sumManifest, tests: sumTests })).body.plugin.id as string
  const versions = async () => (await client.GET('/api/plugins/{id}/versions', { params: { path: { id } } })).data!.versions

  const wrongPatch = (n: number) => ({ json: { code: buggy.replace('sum + item.price', `sum + item.price * ${n % 2 === 0 ? 1 : n}`) + `\n// try ${n}`, explanation: `multiply by ${n}` } })

  // Only wrong patches (each still throws on the failing input, or fails a self-test): every round is refused, nothing is stored.
  fake.script(wrongPatch(1), wrongPatch(2), wrongPatch(3), wrongPatch(4))
  const stillBroken = await runWorkflow(client, { name: 'sum', steps: [{ id: 'sum', type: 'plugin', plugin: id, action: 'total', input: {} }] })
  t.match(stillBroken.answer, { status: 'failed', error: { code: 'R3SN_PLUGIN_ERROR' } })
  t.match(stillBroken.execution.diagnoses, [
    ...[1, 2, 3, 4].map(round => ({ class: 'plugin-bug', action: 'patch-plugin', outcome: 'rejected', round, feedback: /failed validation in the sandbox and was not stored/ })),
    { action: 'none', outcome: 'not-applied', detail: /4 LLM repair round\(s\) are spent/ }
  ])
  t.match(stillBroken.execution.diagnoses[0], { feedback: /regression/ })
  t.equal((await versions()).length, 1, 'no failed patch was stored')
  const fourth = JSON.parse((fake.chatRequests()[3] as LlmRequest).body.messages[1].content)
  t.equal(fourth.earlierRounds.length, 3, 'the fourth round is told the three before it')
  t.match(fourth.earlierRounds[0], { round: 1, proposed: /try 1/, whatWentWrong: /sandbox/ })

  // The next run: a wrong patch is refused, its sandbox failures go back to the LLM, and the real fix becomes v2, the step running on it.
  fake.reset()
  fake.script(wrongPatch(5), { json: { code: fixed, explanation: 'treat missing items as none' } })
  const { answer, execution } = await runWorkflow(client, { name: 'sum', steps: [{ id: 'sum', type: 'plugin', plugin: id, action: 'total', input: {} }] })
  t.match(answer, { status: 'completed', result: { total: 0 } })
  t.match(execution.diagnoses, [
    { class: 'plugin-bug', action: 'patch-plugin', outcome: 'rejected', round: 1 },
    { class: 'plugin-bug', action: 'patch-plugin', outcome: 'recovered', round: 2, pluginVersion: 2, detail: new RegExp(`${id} v1 patched to v2`) }
  ])
  const asked = JSON.parse((fake.chatRequests()[0] as LlmRequest).body.messages[1].content)
  t.match(asked, { code: buggy, failingInput: {}, error: /reduce|undefined/ })
  t.equal(asked.doNotPropose.length, 4, 'the patches that failed in the run before are listed')
  t.match(JSON.parse((fake.chatRequests()[1] as LlmRequest).body.messages[1].content).earlierRounds, [{ round: 1, proposed: /try 5/, whatWentWrong: /sandbox/ }])
  const all = await versions()
  t.same(all.map(v => [v.version, v.origin]), [[1, 'written'], [2, 'patched']])
  t.equal(all[0]?.code, buggy, 'version 1 is unchanged')
  t.equal(all[1]?.code, fixed, 'the stored patch is the fix')
  t.match(all[1]?.tests.at(-1), { name: /^regression: /, action: 'total', input: {} }, 'the failing input is now a test of v2')
  const events = await getEvents(client, execution.executionId)
  t.same(events.filter(e => e.type === 'plugin.run').map(e => e.data.version), [1, 2], 'the step failed on v1 and was retried on v2')

  // A run pinned to v1 fails the same way: it runs on the patched version at once, with no LLM call.
  fake.reset()
  const pinned = await runWorkflow(client, { name: 'sum v1', steps: [{ id: 'sum', type: 'plugin', plugin: id, pluginVersion: 1, action: 'total', input: {} }] })
  t.match(pinned.answer, { status: 'completed', result: { total: 0 } })
  t.equal(fake.chatRequests().length, 0, 'no LLM call')
  t.match(pinned.execution.diagnoses, [{ action: 'patch-plugin', outcome: 'recovered', learned: true, pluginVersion: 2 }])
  t.equal((await versions()).length, 2, 'nothing new stored')

  // The statistics and status counts match what happened.
  const learning = await eventually(async () => {
    const report = (await client.GET('/api/learning')).data!
    return report.tools.find(x => x.tool === `${id}.total`)?.runs === 3 ? report : undefined
  }, 5000, 'the runs to be learned')
  t.match(learning.tools.find(x => x.tool === `${id}.total`), {
    runs: 3, successes: 2, failures: 1, recovered: 2, recoveredRuns: 2, repairRounds: 6, outcomes: { rejected: 5, recovered: 2, 'not-applied': 1 }, failureClasses: { R3SN_PLUGIN_ERROR: 1 }
  })
  const status = (await client.GET('/api/engines/status')).data!.engines.selfDebuggingEngine
  t.match(status, { enabled: true, maxRounds: 4, patches: 1, patchesRejected: 5, rounds: 6, learnedRepairs: 1, inputRepairs: 0, retries: 0 })
})

t.test('repairs are bounded and skipped without an LLM or when the run handles the failure', async t => {
  const api = await ordersApi(t)
  const { client } = await withLlm()
  // No repair helps: each is tried (the API refuses it), then the repairs are spent and the run fails.
  const wrong = (n: number) => ({ json: { parameters: { method: 'POST', url: api.url, body: { quantity: -n } }, reason: 'try negative' } })
  fake.script(wrong(1), wrong(2), wrong(3), wrong(4), wrong(5))
  const bounded = await runWorkflow(client, { name: 'order', steps: [{ id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: api.url, body: { quantity: 'x' } } }] })
  t.match(bounded.answer, { status: 'failed', error: { code: 'HTTP_400' } })
  t.same(bounded.execution.diagnoses.map(d => [d.action, d.outcome]), [...Array.from({ length: 4 }, () => ['repair-input', 'applied-failed']), ['none', 'not-applied']])
  t.match(bounded.execution.diagnoses.at(-1), { detail: /its 4 repair\(s\) are spent/ })
  t.equal(fake.chatRequests().length, 4, 'four rounds, as configured')

  // A token budget per step: no round starts once it is spent.
  const tight = await build(t, { ...llmConfig(fake), selfDebugMaxTokens: 1 })
  fake.reset()
  fake.script(wrong(1), wrong(2))
  const budget = await runWorkflow(tight.client, { name: 'order', steps: [{ id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: api.url, body: { quantity: 'y' } } }] })
  t.match(budget.answer, { status: 'failed' })
  t.match(budget.execution.diagnoses, [{ outcome: 'applied-failed', round: 1 }, { action: 'none', detail: /budget of 1 LLM tokens is spent/ }])
  t.equal(fake.chatRequests().length, 1)
  t.ok(budget.execution.usage.calls >= 1, 'the repair\'s LLM call is counted on the execution')

  const continued = await runWorkflow(client, { name: 'order', steps: [
    { id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: api.url, body: {} }, onError: 'continue' },
    { id: 'after', type: 'transform', expression: 'steps.order.error.code' }
  ] })
  t.match(continued.answer, { status: 'completed', result: 'HTTP_400' })
  t.match(continued.execution.diagnoses, [{ action: 'none', detail: /handles its own failure/ }])

  const noLlm = await runWorkflow((await offline()).client, { name: 'order', steps: [{ id: 'order', type: 'integration', action: 'http.request', input: { method: 'POST', url: api.url, body: {} } }] })
  t.match(noLlm.execution.diagnoses, [{ class: 'bad-input', action: 'none', detail: /no LLM/ }])
})
