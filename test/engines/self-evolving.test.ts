import t, { type Test } from 'tap'
import { startFakeLlm, type LlmRequest } from '../fixtures/fake-llm.js'
import { startServer } from '../fixtures/loopback.js'
import { build, createUser, eventually, llmConfig } from '../helper.js'
import { fingerprintOf, planShape, promptKey } from '../../engines/self-evolving.js'
import type { WorkflowStep } from '../../schemas/workflows.js'

/** A loopback API whose answer the test switches between 200 and 400. */
async function switchable (t: Test) {
  const state = { status: 200, hits: 0 }
  const server = await startServer(t, () => {
    state.hits++
    return [state.status, { ok: state.status === 200 }]
  })
  return { url: `${server.url}/status`, state }
}

const plan = (url: string) => ({
  json: { intent: 'check the status page', agents: [], integrations: ['http.request'], plugins: [], steps: [{ id: 'check', type: 'integration', action: 'http.request', input: { url } }] },
  usage: { prompt_tokens: 500, completion_tokens: 50 }
})

t.test('prompt keys and plan shapes: what makes two runs one strategy', async t => {
  t.equal(promptKey('Return the current timestamp!'), 'return the current timestamp')
  t.equal(promptKey('  return   the current\ttimestamp  '), 'return the current timestamp', 'case, punctuation and spacing do not count')
  t.equal(promptKey('Wie spät ist es? Ça va, 東京'), 'wie spät ist es ça va 東京', 'letters and digits of any script are kept')
  t.equal(promptKey('!!!'), '')
  t.not(promptKey('check 1 page'), promptKey('check 2 pages'), 'words and numbers do count')

  const steps = [
    { id: 'a', type: 'integration', action: 'http.request', input: { url: 'https://a.example' } },
    { id: 'b', type: 'plugin', plugin: 'plg_1', action: 'total' },
    { id: 'c', type: 'transform', expression: '1' }
  ] as WorkflowStep[]
  t.equal(planShape(steps), 'integration:http.request>plugin:total@plg_1>transform:')
  const otherInputs = steps.map(s => ({ ...s, id: `${s.id}2`, input: { url: 'https://b.example' } }))
  t.equal(planShape(otherInputs), planShape(steps), 'ids and inputs are not part of the shape')

  const fp = fingerprintOf('Check the status page', steps)
  t.match(fp, /^[0-9a-f]{24}$/)
  t.equal(fingerprintOf('check the status page!', otherInputs), fp, 'a near-identical prompt with the same plan shape is one strategy')
  t.not(fingerprintOf('Check the status page', steps.slice(1)), fp, 'another plan shape is another strategy')
  t.not(fingerprintOf('Check the other page', steps), fp, 'another prompt is another strategy')
})

t.test('a repeated prompt reuses its proven plan without a planning call, and re-plans once it fails', async t => {
  const api = await switchable(t)
  const fake = await startFakeLlm(t)
  // Self-debugging is off so that a failure stays a failure (it is tested on its own).
  const { client } = await build(t, { ...llmConfig(fake), selfDebug: false })
  const run = async (prompt: string) => (await client.POST('/api/execute', { body: { prompt } })).data as any

  fake.script(plan(api.url))
  const first = await run('Check the status page')
  t.match(first, { status: 'completed', strategy: { source: 'planned' }, usage: { calls: 1, promptTokens: 500 } })

  const second = await run('check the status page!')
  t.match(second, { status: 'completed', planner: 'llm', strategy: { source: 'learned', fingerprint: /^[0-9a-f]{24}$/, steps: [{ id: 'check' }] } })
  t.same(second.usage, { calls: 0, promptTokens: 0, completionTokens: 0 }, 'no tokens spent')
  t.equal(fake.chatRequests().length, 1, 'a near-identical prompt made no planning call')
  const planned = (await client.GET('/api/executions/{id}/events', { params: { path: { id: second.executionId } } })).data?.events.find(e => e.type === 'prompt.planned')
  t.match(planned?.data, { source: 'learned' })

  api.state.status = 400
  const third = await run('Check the status page')
  t.match(third, { status: 'failed', strategy: { source: 'learned' }, error: { code: 'HTTP_400' } }, 'the learned plan now fails')

  api.state.status = 200
  fake.script(plan(api.url))
  const fourth = await run('Check the status page')
  t.match(fourth, { status: 'completed', strategy: { source: 'planned' } }, 'after a failure it plans again')
  t.equal(fake.chatRequests().length, 2)
  const system = (fake.chatRequests()[1] as LlmRequest).body.messages[0].content as string
  t.match(system, /Tool reliability in this user's past runs/, 'the planner hears what was learned')
  t.match(system, /"tool":"http\.request","runs":3,"successRate":0\.67,"commonFailures":\["HTTP_400"\]/)

  // Learning happens just after a run ends, so the report catches up a moment later.
  const learning = await eventually(async () => {
    const report = (await client.GET('/api/learning')).data!
    return report.strategies[0]?.runs === 4 && report.tools[0]?.runs === 4 ? report : undefined
  }, 5000, 'the fourth run to be learned')
  t.equal(learning.strategies.length, 1, 'one prompt, one plan shape: one strategy')
  t.match(learning.strategies[0], {
    prompt: 'Check the status page', intent: 'check the status page', planShape: 'integration:http.request',
    runs: 4, successes: 3, failures: 1, successRate: 0.75, reused: 2, failureClasses: { HTTP_400: 1 },
    promptTokens: 1000, completionTokens: 100, reusable: false
  })
  t.comment('3 of 4 is below R3SN_LEARN_MIN_SUCCESS_RATE (0.8): the next run plans again until the plan proves itself')
  t.ok((learning.strategies[0]?.p50DurationMs ?? -1) >= 0)
  t.match(learning.tools, [{ tool: 'http.request', runs: 4, successes: 3, failures: 1, failureClasses: { HTTP_400: 1 } }])
  t.equal(api.state.hits, 4, 'every run really called the API')

  const status = (await client.GET('/api/engines/status')).data!.engines
  t.match(status.selfEvolvingEngine, { initialized: true, reusePlans: true, strategies: 1, tools: 1, planCache: { hits: 2, misses: 2, hitRate: 0.5 } })
  t.match(status.universalExecutor, { plans: { llm: 2, learned: 2 } })
})

t.test('plan reuse can be turned off; learning is per user', async t => {
  const fake = await startFakeLlm(t)
  const { client, baseUrl, adminKey } = await build(t, { ...llmConfig(fake), learnReusePlans: false })
  const time = { json: { intent: 'time', agents: [], integrations: [], plugins: [], steps: [{ id: 'now', type: 'integration', action: 'core.time', input: {} }] } }
  fake.script(time, time)
  await client.POST('/api/execute', { body: { prompt: 'what time is it' } })
  const again = (await client.POST('/api/execute', { body: { prompt: 'what time is it' } })).data as any
  t.match(again.strategy, { source: 'planned' })
  t.equal(fake.chatRequests().length, 2)
  await eventually(async () => (await client.GET('/api/learning')).data?.strategies[0]?.runs === 2 ? true : undefined)
  t.match((await client.GET('/api/learning')).data?.strategies, [{ runs: 2, successes: 2 }])

  const bob = await createUser(baseUrl, adminKey, 'bob')
  t.same((await bob.client.GET('/api/learning')).data, { success: true, strategies: [], tools: [] }, 'another user learns nothing from them')
})
