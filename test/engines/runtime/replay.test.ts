import t from 'tap'
import { eventually, sharedApp, type Call } from '../../helper.js'
import { startRecorder } from '../../fixtures/http-recorder.js'

// Replay from a step: a new run that copies what the source ran before that step and runs from there.
const user = sharedApp()

const ended = async (call: Call, id: string) => eventually(async () => {
  const { body } = await call('GET', `/api/executions/${id}/status`)
  return ['completed', 'failed', 'cancelled'].includes(body.execution?.status) ? body.execution : undefined
}, 30_000, `execution ${id} to end`)

t.test('a failed run replayed from its failed step with corrected input: the steps before are not run again, their outputs are reused', async t => {
  const { call } = await user()
  const rec = await startRecorder(t)
  const created = await call('POST', '/api/workflows', { name: 'order', steps: [
    { id: 'charge', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok/charge`, body: '=trigger' } },
    { id: 'total', type: 'transform', expression: 'steps.charge.output.body.body.amount * 2' },
    { id: 'notify', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/status/400`, body: { total: '=steps.total.output' } } },
    { id: 'done', type: 'transform', expression: '"notified " & $string(steps.notify.output.status)' }
  ] })
  const workflowId = created.body.workflow.id as string
  const ran = await call('POST', `/api/workflows/${workflowId}/execute`, { triggerData: { amount: 21 } })
  t.equal(ran.body.status, 'failed', 'the source fails at notify')
  const sourceId = ran.body.executionId as string
  t.equal(rec.requests.filter(r => r.path === '/ok/charge').length, 1)

  const replay = await call('POST', `/api/executions/${sourceId}/replay`, { fromStepId: 'notify', input: { method: 'POST', url: `${rec.url}/ok/notify`, body: { total: '=steps.total.output' } } })
  t.equal(replay.status, 202, JSON.stringify(replay.body))
  t.match(replay.body, { success: true, replayOf: { executionId: sourceId, fromStepId: 'notify' } })
  t.not(replay.body.executionId, sourceId, 'a new execution')
  const execution = await ended(call, replay.body.executionId)
  t.equal(execution.status, 'completed', JSON.stringify(execution.error))
  t.same(execution.replayOf, { executionId: sourceId, fromStepId: 'notify' })
  t.equal(execution.workflowId, workflowId)
  t.same(execution.trigger, { amount: 21 }, 'the source\'s trigger')
  t.same(execution.steps.map((s: any) => [s.stepId, s.status, s.replayed ?? false]), [
    ['charge', 'completed', true], ['total', 'completed', true], ['notify', 'completed', false], ['done', 'completed', false]
  ])
  t.equal(execution.steps[0].replayedFrom, sourceId)
  t.equal(execution.steps[1].output, 42, 'the copied output')
  t.equal(rec.requests.filter(r => r.path === '/ok/charge').length, 1, 'the side effect before notify is not repeated')
  const notified = rec.requests.filter(r => r.path === '/ok/notify')
  t.equal(notified.length, 1, 'the edited input applies')
  t.same(notified[0]?.body, { total: 42 }, 'expressions read the reused outputs')
  t.match(notified[0]?.idempotencyKey, new RegExp(`^${replay.body.executionId as string}:notify:1$`), 'the new run\'s own idempotency key')
  t.equal(execution.result, 'notified 200')

  const events = (await call('GET', `/api/executions/${replay.body.executionId as string}/events`)).body.events as { type: string, data: any }[]
  t.same(events[0]?.data.replayOf, { executionId: sourceId, fromStepId: 'notify' }, 'the queued event says what it replays')

  // Analytics count each step run once: the copies ran in the source.
  const analytics = (await call('GET', `/api/workflows/${workflowId}/analytics`)).body
  t.equal(analytics.steps.find((s: any) => s.stepId === 'charge').executions, 1)
  t.equal(analytics.steps.find((s: any) => s.stepId === 'notify').executions, 2)

  // Without input the step runs as the source had it.
  const again = await call('POST', `/api/executions/${replay.body.executionId as string}/replay`, { fromStepId: 'done' })
  const second = await ended(call, again.body.executionId)
  t.equal(second.status, 'completed')
  t.same(second.steps.map((s: any) => s.replayed ?? false), [true, true, true, false])
  t.equal(rec.requests.filter(r => r.path === '/ok/notify').length, 1, 'notify is not called again')
})

t.test('a planned prompt replays from a step of its plan without planning again', async t => {
  const { call } = await user()
  const rec = await startRecorder(t)
  const ran = await call('POST', '/api/execute', { prompt: `Send a request to ${rec.url}/ok/prompt and log it` })
  t.equal(ran.body.status, 'completed', JSON.stringify(ran.body.error))
  const steps = ran.body.strategy.steps.map((s: any) => s.id)
  t.same(steps, ['http_request', 'core_log'])
  const replay = await call('POST', `/api/executions/${ran.body.executionId as string}/replay`, { fromStepId: 'core_log', input: { message: 'again', level: 'warn' } })
  t.equal(replay.status, 202, JSON.stringify(replay.body))
  const execution = await ended(call, replay.body.executionId)
  t.equal(execution.status, 'completed')
  t.equal(execution.type, 'prompt')
  t.same(execution.steps.map((s: any) => [s.stepId, s.replayed ?? false]), [['plan', true], ['http_request', true], ['core_log', false]])
  t.match(execution.strategy, { planner: 'offline' }, 'the strategy is the source\'s')
  t.same(execution.steps[2].input, { message: 'again', level: 'warn' }, 'the edited input')
  t.equal(rec.requests.length, 1, 'the request is not sent again')
})

t.test('refusals: another user\'s run, a step not reached, bad input, a run type that cannot be replayed, a run still going', async t => {
  const { call } = await user()
  const other = await user('other')
  const created = await call('POST', '/api/workflows', { name: 'w', steps: [
    { id: 'a', type: 'transform', expression: '1' },
    { id: 'b', type: 'integration', action: 'core.log', input: { message: 'hi' } },
    { id: 'c', type: 'transform', expression: '$error("stop")' },
    { id: 'never', type: 'transform', expression: '3' }
  ] })
  const ran = await call('POST', `/api/workflows/${created.body.workflow.id as string}/execute`, {})
  const id = ran.body.executionId as string
  t.equal(ran.body.status, 'failed')

  const theirs = await other.call('POST', `/api/executions/${id}/replay`, { fromStepId: 'b' })
  t.equal(theirs.status, 404, 'another user\'s run is not found')
  t.equal((await call('POST', '/api/executions/exe_nope/replay', { fromStepId: 'b' })).status, 404)

  const notReached = await call('POST', `/api/executions/${id}/replay`, { fromStepId: 'never' })
  t.equal(notReached.status, 400)
  t.match(notReached.body, { code: 'R3SN_BAD_REQUEST', message: /step "never" is not a step execution .* reached \(it reached: a, b, c\)/ })

  const badInput = await call('POST', `/api/executions/${id}/replay`, { fromStepId: 'b', input: { level: 'loud' } })
  t.equal(badInput.status, 400)
  t.match(badInput.body, { code: 'R3SN_BAD_REQUEST', message: /^step "b": / })
  const badBody = await call('POST', `/api/executions/${id}/replay`, { fromStepId: 'b', extra: 1 })
  t.equal(badBody.status, 400, 'unknown fields are refused')

  const single = await call('POST', '/api/integrations/core/execute', { action: 'log', params: { message: 'x' } })
  const notReplayable = await call('POST', `/api/executions/${single.body.executionId as string}/replay`, { fromStepId: 'action' })
  t.equal(notReplayable.status, 400)
  t.match(notReplayable.body.message, /is a integration run: only workflow runs and planned prompt runs can be replayed/)

  const waits = await call('POST', '/api/workflows', { name: 'waits', steps: [{ id: 'first', type: 'transform', expression: '1' }, { id: 'hold', type: 'wait', signal: 'go' }] })
  const waiting = (await call('POST', `/api/workflows/${waits.body.workflow.id as string}/execute`, { mode: 'async' })).body.executionId as string
  await eventually(async () => (await call('GET', `/api/executions/${waiting}/status`)).body.execution.status === 'waiting' ? true : undefined, 30_000, 'the run to wait')
  const going = await call('POST', `/api/executions/${waiting}/replay`, { fromStepId: 'first' })
  t.equal(going.status, 409)
  t.match(going.body, { code: 'R3SN_CONFLICT', message: /is waiting; replay it once it has ended/ })
})
