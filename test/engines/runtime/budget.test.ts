import t from 'tap'
import { startFakeLlm } from '../../fixtures/fake-llm.js'
import { startRecorder } from '../../fixtures/http-recorder.js'
import { greetManifest } from '../../fixtures/greet-plugin.js'
import { caller, llmConfig, sharedApp, type Call } from '../../helper.js'

// Each budget stops a run before the step or call that would go past it, says which, and shows what was spent.
const fake = await startFakeLlm(t)
t.beforeEach(() => { fake.reset() })
const withLlm = sharedApp(llmConfig(fake))
const offline = sharedApp()
const withDefaults = sharedApp({ budgetDefaults: { steps: 1, llmCalls: 5 } })

/** A plan with one agent step (the agent defined in the plan), as the LLM answers it; 50 tokens. */
const agentPlan = {
  json: { intent: 'ask a helper', agents: [{ name: 'helper', instructions: 'Answer briefly.', tools: [] }], integrations: [], plugins: [], steps: [{ id: 'ask', type: 'agent', agent: 'helper', input: { prompt: 'hi' } }] },
  usage: { prompt_tokens: 40, completion_tokens: 10 }
}

const status = async (call: Call, id: string) => (await call('GET', `/api/executions/${id}/status`)).body.execution

t.test('LLM calls and tokens: the call that would go past the limit is never made', async t => {
  const { call } = await withLlm()
  const none = await call('POST', '/api/execute', { prompt: 'say hi', budget: { llmCalls: 0 } })
  t.equal(none.body.status, 'failed')
  t.match(none.body.error, { code: 'R3SN_BUDGET_EXCEEDED', stepId: 'plan', message: /budget llmCalls exceeded: 0 of 0 LLM calls/ })
  t.equal(fake.chatRequests().length, 0, 'no planning call')

  fake.script(agentPlan, { content: 'never sent' })
  const calls = await call('POST', '/api/execute', { prompt: 'say hi', budget: { llmCalls: 1 } })
  t.equal(calls.body.status, 'failed')
  t.match(calls.body.error, { code: 'R3SN_BUDGET_EXCEEDED', stepId: 'ask', details: { budget: 'llmCalls', limit: 1, spent: 1 } })
  t.equal(fake.chatRequests().length, 1, 'the plan was made; the agent\'s call was not')
  const spent = await status(call, calls.body.executionId)
  t.same(spent.budget, { llmCalls: 1 })
  t.match(spent.usage, { calls: 1, promptTokens: 40, completionTokens: 10 })
  t.equal(spent.spent.steps, 2, 'plan and ask ran')

  fake.reset()
  fake.script(agentPlan, { content: 'never sent' })
  const tokens = await call('POST', '/api/execute', { prompt: 'say hi', budget: { llmTokens: 30 } })
  t.match(tokens.body.error, { code: 'R3SN_BUDGET_EXCEEDED', stepId: 'ask', details: { budget: 'llmTokens', limit: 30, spent: 50 } })
  t.equal(fake.chatRequests().length, 1, 'the call that crossed the limit ended; the next was not made')
})

t.test('steps: the run stops before the step past the limit (its side effect never happens); the workflow\'s budget is the default, a request overrides it', async t => {
  const { call } = await offline()
  const rec = await startRecorder(t)
  const steps = [
    { id: 'a', type: 'transform', expression: '1' },
    { id: 'b', type: 'transform', expression: '2' },
    { id: 'send', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok` } }
  ]
  const wf = (await call('POST', '/api/workflows', { name: 'three', steps, budget: { steps: 2 } })).body.workflow
  t.same(wf.budget, { steps: 2 }, 'the workflow keeps its budget')
  const ran = await call('POST', `/api/workflows/${wf.id as string}/execute`, {})
  t.equal(ran.body.status, 'failed')
  t.match(ran.body.error, { code: 'R3SN_BUDGET_EXCEEDED', stepId: 'send', message: /budget steps exceeded: 2 of 2 step runs/, details: { budget: 'steps' } })
  t.equal(rec.requests.length, 0, 'the step past the budget did not run')
  const execution = await status(call, ran.body.executionId)
  t.same(execution.budget, { steps: 2 })
  t.equal(execution.spent.steps, 2)
  t.ok(execution.spent.wallMs >= 0)

  const more = await call('POST', `/api/workflows/${wf.id as string}/execute`, { budget: { steps: 3, llmCalls: 0 } })
  t.equal(more.body.status, 'completed', JSON.stringify(more.body.error))
  t.same((await status(call, more.body.executionId)).budget, { steps: 3, llmCalls: 0 }, 'field by field over the workflow\'s')
  t.equal(rec.requests.length, 1)

  const analytics = (await call('GET', `/api/workflows/${wf.id as string}/analytics`)).body
  t.match(analytics.spend, { llmCalls: 0, steps: 5, sandboxCpuMs: 0 })

  // A replay gets the source's budget unless it gives one; its spend starts from nothing.
  const replay = await call('POST', `/api/executions/${ran.body.executionId as string}/replay`, { fromStepId: 'b' })
  t.equal(replay.status, 202)
  const replayed = await eventuallyEnded(call, replay.body.executionId)
  t.equal(replayed.status, 'completed', 'a (copied) and b, send run: two step runs')
  t.same(replayed.spent.steps, 2)
  t.equal(rec.requests.length, 2)
})

t.test('wall time: a step still running when it runs out is stopped, and nothing after it starts', async t => {
  const { call } = await offline()
  const rec = await startRecorder(t)
  const wf = (await call('POST', '/api/workflows', { name: 'slow', steps: [
    { id: 'slow', type: 'integration', action: 'core.delay', input: { ms: 10_000 } },
    { id: 'send', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok` } }
  ] })).body.workflow
  const started = Date.now()
  const ran = await call('POST', `/api/workflows/${wf.id as string}/execute`, { budget: { wallMs: 300 } })
  t.ok(Date.now() - started < 8000, 'stopped long before the delay would end')
  t.equal(ran.body.status, 'failed')
  t.match(ran.body.error, { code: 'R3SN_BUDGET_EXCEEDED', stepId: 'slow', details: { budget: 'wallMs', limit: 300 } })
  t.equal(rec.requests.length, 0)
  const execution = await status(call, ran.body.executionId)
  t.equal(execution.steps.length, 1)
  t.ok(execution.spent.wallMs >= 300)
})

t.test('sandbox CPU: what is left caps a plugin run; none left, the plugin does not run', async t => {
  const { call } = await offline()
  const burn = 'export async function greet (input) { const end = Date.now() + 40; while (Date.now() < end) {} return { message: `Hello, ${input.name}!` } }'
  const plugin = (await call('POST', '/api/plugins', { name: 'Burner', code: burn, manifest: greetManifest(), tests: [{ action: 'greet', input: { name: 'Ada' } }] })).body.plugin
  t.ok(plugin?.id, 'the plugin is stored')
  const step = (id: string) => ({ id, type: 'plugin', plugin: plugin.id, action: 'greet', input: { name: 'Ada' } })
  const wf = (await call('POST', '/api/workflows', { name: 'burn', steps: [step('one'), step('two'), step('three')] })).body.workflow
  const free = await call('POST', `/api/workflows/${wf.id as string}/execute`, {})
  t.equal(free.body.status, 'completed', JSON.stringify(free.body.error))
  const freeSpent = (await status(call, free.body.executionId)).spent
  t.ok(freeSpent.sandboxCpuMs >= 100, `the CPU of the three runs is counted without a budget too (${freeSpent.sandboxCpuMs as number} ms)`)

  const capped = await call('POST', `/api/workflows/${wf.id as string}/execute`, { budget: { sandboxCpuMs: 60 } })
  t.equal(capped.body.status, 'failed')
  t.match(capped.body.error, { code: 'R3SN_BUDGET_EXCEEDED', stepId: 'two', details: { budget: 'sandboxCpuMs', limit: 60 } })
  const execution = await status(call, capped.body.executionId)
  t.same(execution.steps.map((s: any) => [s.stepId, s.status]), [['one', 'completed'], ['two', 'failed']])
  t.ok(execution.spent.sandboxCpuMs <= 70, `no more than the budget (and a slice) was spent: ${execution.spent.sandboxCpuMs as number}`)

  const none = await call('POST', `/api/workflows/${wf.id as string}/execute`, { budget: { sandboxCpuMs: 0 } })
  t.match(none.body.error, { code: 'R3SN_BUDGET_EXCEEDED', stepId: 'one', details: { budget: 'sandboxCpuMs', spent: 0 } })
  t.equal((await status(call, none.body.executionId)).spent.sandboxCpuMs, 0, 'the plugin did not run')
})

t.test('the R3SN_BUDGET_* defaults apply to a run that gives no budget, field by field', async t => {
  const { call } = await withDefaults()
  const wf = (await call('POST', '/api/workflows', { name: 'two', steps: [{ id: 'a', type: 'transform', expression: '1' }, { id: 'b', type: 'transform', expression: '2' }] })).body.workflow
  const ran = await call('POST', `/api/workflows/${wf.id as string}/execute`, {})
  t.match(ran.body.error, { code: 'R3SN_BUDGET_EXCEEDED', stepId: 'b', details: { budget: 'steps', limit: 1 } })
  t.same((await status(call, ran.body.executionId)).budget, { steps: 1, llmCalls: 5 })
  const given = await call('POST', `/api/workflows/${wf.id as string}/execute`, { budget: { steps: 2 } })
  t.equal(given.body.status, 'completed')
  t.same((await status(call, given.body.executionId)).budget, { steps: 2, llmCalls: 5 })

  const { call: plain } = await offline()
  const unlimited = await plain('POST', '/api/execute', { prompt: 'Return the current timestamp' })
  const record = await status(plain, unlimited.body.executionId)
  t.equal(record.budget, undefined, 'no budget without defaults or a request')
  t.equal(record.spent.steps, 2)
})

t.test('a user\'s default budget, set by an admin, comes between the workflow\'s and the instance\'s', async t => {
  const { call, userId, adminKey, baseUrl } = await withDefaults('budgeted')
  const admin = caller(baseUrl, adminKey)
  t.match(await call('PUT', `/api/users/${userId}/budget`, { budget: { steps: 3 } }), { status: 403, body: { code: 'R3SN_FORBIDDEN' } }, 'a user cannot set their own')
  t.same((await call('GET', `/api/users/${userId}/budget`)).body, { success: true, userId, budget: null })
  t.match(await call('GET', '/api/users/someone-else/budget'), { status: 403 })
  t.same((await admin('PUT', `/api/users/${userId}/budget`, { budget: { steps: 3, wallMs: 600000 } })).body, { success: true, userId, budget: { steps: 3, wallMs: 600000 } })
  t.match(await admin('PUT', `/api/users/${userId}/budget`, { budget: { steps: -1 } }), { status: 400, body: { code: 'R3SN_VALIDATION' } })

  const three = { name: 'three', steps: ['a', 'b', 'c'].map(id => ({ id, type: 'transform', expression: '1' })) }
  const wf = (await call('POST', '/api/workflows', three)).body.workflow.id as string
  const ran = await call('POST', `/api/workflows/${wf}/execute`, {})
  t.equal(ran.body.status, 'completed', 'three steps fit the user\'s budget (over the instance\'s default of one)')
  t.same((await status(call, ran.body.executionId)).budget, { steps: 3, wallMs: 600000, llmCalls: 5 }, 'field by field: the user\'s, then the instance\'s')
  const four = (await call('POST', '/api/workflows', { ...three, name: 'four', steps: [...three.steps, { id: 'd', type: 'transform', expression: '1' }] })).body.workflow.id as string
  t.match((await call('POST', `/api/workflows/${four}/execute`, {})).body.error, { code: 'R3SN_BUDGET_EXCEEDED', stepId: 'd', details: { budget: 'steps', limit: 3 } })
  t.equal((await call('POST', `/api/workflows/${four}/execute`, { budget: { steps: 4 } })).body.status, 'completed', 'a request\'s budget still wins')

  await admin('PUT', `/api/users/${userId}/budget`, { budget: null })
  t.match((await call('POST', `/api/workflows/${wf}/execute`, {})).body.error, { details: { budget: 'steps', limit: 1 } }, 'removed: the instance\'s default again')
})

async function eventuallyEnded (call: Call, id: string) {
  for (let i = 0; i < 600; i++) {
    const execution = await status(call, id)
    if (['completed', 'failed', 'cancelled'].includes(execution.status)) return execution
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`execution ${id} did not end`)
}
