import t from 'tap'
import { eventually, sharedApp, type Call } from '../../helper.js'
import { wsConnect } from '../../fixtures/ws-client.js'

// One app for the file; each test has a user of its own. Tests assert order and outcome, never time.
const user = sharedApp()

async function start (call: Call, steps: unknown[], triggerData: unknown = {}): Promise<string> {
  const created = await call('POST', '/api/workflows', { name: 'waits', steps })
  if (created.status !== 201 && created.status !== 200) throw new Error(`creating the workflow failed: ${created.text}`)
  const ran = await call('POST', `/api/workflows/${created.body.workflow.id as string}/execute`, { mode: 'async', triggerData })
  return ran.body.executionId as string
}

async function status (call: Call, id: string) {
  return (await call('GET', `/api/executions/${id}/status`)).body.execution
}

async function until (call: Call, id: string, wanted: string[], what = wanted.join(' or ')) {
  return eventually(async () => {
    const e = await status(call, id)
    return wanted.includes(e.status) ? e : undefined
  }, 30_000, `run ${id} to be ${what}`)
}

async function eventTypes (call: Call, id: string) {
  return ((await call('GET', `/api/executions/${id}/events`)).body.events as { type: string, stepId?: string, data: Record<string, unknown> }[])
}

t.test('a wait step is refused at save when it says too little or too much, naming the step', async t => {
  const { call } = await user()
  const bad: [unknown, RegExp][] = [
    [{ id: 'w', type: 'wait' }, /step "w": a wait step waits for a time \(until or forMs\) or for a signal/],
    [{ id: 'w', type: 'wait', forMs: 10, signal: 'go' }, /step "w": .*exactly one/],
    [{ id: 'w', type: 'wait', until: '2030-01-01T00:00:00Z', forMs: 10 }, /step "w": until and forMs exclude each other/],
    [{ id: 'w', type: 'wait', until: 'next tuesday' }, /step "w": until "next tuesday" is not an ISO 8601 date-time/],
    [{ id: 'w', type: 'wait', until: '=(' }, /step "w": bad JSONata expression in until/],
    [{ id: 'w', type: 'wait', forMs: 10, timeoutMs: 10 }, /step "w": timeoutMs and onTimeout are for signal waits/],
    [{ id: 'w', type: 'wait', signal: 'go', onTimeout: 'fail' }, /step "w": onTimeout needs a timeoutMs/],
    [{ id: 'w', type: 'wait', signal: 'go', timeoutMs: 10, onTimeout: 'nowhere' }, /step "w": onTimeout points to a missing step "nowhere"/],
    [{ id: 'w', type: 'approval', forMs: 10 }, /step "w": until, forMs and signal are for wait steps/],
    [{ id: 't', type: 'transform', expression: '1', signal: 'go' }, /step "t": signal is only for wait steps/],
    [{ id: 't', type: 'transform', expression: '1', approvers: ['x'] }, /step "t": approvers is only for approval steps/],
    [{ id: 't', type: 'transform', expression: '1', timeoutMs: 7_200_000 }, /step "t": timeoutMs is at most 3600000/]
  ]
  for (const [step, message] of bad) {
    const res = await call('POST', '/api/workflows', { name: 'bad', steps: [step] })
    t.equal(res.status, 400, JSON.stringify(step))
    t.match(res.body.message, message)
  }
  const signal = await call('POST', '/api/executions/exe_nope/signals/not:allowed', {})
  t.equal(signal.status, 400, 'a signal name with ":" is refused (the runtime keeps those for itself)')
})

t.test('wait forMs: the run waits with no holder and no worker slot, then goes on', async t => {
  const { call, app } = await user()
  // Long enough to be seen waiting; the test only asserts order and outcome.
  const id = await start(call, [
    { id: 'before', type: 'transform', expression: '"a"' },
    { id: 'pause', type: 'wait', forMs: 1500 },
    { id: 'after', type: 'transform', expression: 'steps.before.output & "b"' }
  ])
  const waiting = await until(call, id, ['waiting', 'completed'])
  if (waiting.status === 'waiting') {
    t.match(waiting.steps.at(-1), { stepId: 'pause', status: 'waiting', waitingFor: { until: String } })
    t.type(waiting.wakeAt, 'string', 'a waiting run says when it wakes')
    const stored = await app.orchestrator.store.get(id)
    t.equal(stored?.holder, null, 'no instance holds a waiting run')
    t.notOk((app.orchestrator as unknown as { worker: { active: Map<string, unknown> } }).worker.active.has(id), 'it takes no worker slot')
  } else {
    t.comment('the machine was too slow to see the run waiting')
  }
  const done = await until(call, id, ['completed', 'failed'])
  t.equal(done.status, 'completed')
  t.equal(done.result, 'ab')
  t.match(done.steps.map((s: { stepId: string, status: string }) => [s.stepId, s.status]), [['before', 'completed'], ['pause', 'completed'], ['after', 'completed']])
  t.match(done.steps[1].output, { waitedUntil: String })
  const types = (await eventTypes(call, id)).map(e => e.type)
  t.ok(types.indexOf('step.waiting') < types.indexOf('execution.resumed'), 'the run waited, then was resumed')
})

t.test('wait until an expression: a time already past does not wait', async t => {
  const { call } = await user()
  const id = await start(call, [
    { id: 'pause', type: 'wait', until: '=trigger.at' },
    { id: 'after', type: 'transform', expression: '"done"' }
  ], { at: '2001-01-01T00:00:00Z' })
  const done = await until(call, id, ['completed', 'failed'])
  t.equal(done.status, 'completed')
  t.same(done.steps[0].output, { waitedUntil: '2001-01-01T00:00:00.000Z' })
  t.notOk((await eventTypes(call, id)).some(e => e.type === 'step.waiting'))
})

t.test('signals: sent after the run waits, and before it gets there; the payload is the output', async t => {
  const { call } = await user()
  const steps = [
    { id: 'first', type: 'transform', expression: '1' },
    { id: 'gate', type: 'wait', signal: 'go' },
    { id: 'after', type: 'transform', expression: 'steps.gate.output.n + 1' }
  ]
  const late = await start(call, steps)
  await until(call, late, ['waiting'])
  const sent = await call('POST', `/api/executions/${late}/signals/go`, { payload: { n: 41 } })
  t.equal(sent.status, 202)
  t.same(sent.body, { success: true, executionId: late, signal: 'go', delivered: 'waiting' })
  const done = await until(call, late, ['completed', 'failed'])
  t.equal(done.status, 'completed')
  t.same(done.steps[1].output, { n: 41 })
  t.equal(done.result, 42)

  // Before: a run that first waits for another signal gets "go" stored, then finds it at its wait.
  const early = await start(call, [{ id: 'one', type: 'wait', signal: 'first' }, ...steps.slice(1)])
  await until(call, early, ['waiting'])
  const stored = await call('POST', `/api/executions/${early}/signals/go`, { payload: { n: 1 } })
  t.same(stored.body.delivered, 'stored', 'the run waits for another signal: stored')
  t.equal((await call('POST', `/api/executions/${early}/signals/go`, { payload: { n: 100 } })).status, 202, 'sent again: kept the first')
  t.equal((await call('POST', `/api/executions/${early}/signals/first`)).body.delivered, 'waiting', 'a signal without a body')
  const ended = await until(call, early, ['completed', 'failed'])
  t.equal(ended.status, 'completed')
  t.same(ended.steps[0].output, null, 'no payload: null')
  t.same(ended.steps[1].output, { n: 1 }, 'the first payload of a repeated signal')
  t.equal((await eventTypes(call, early)).filter(e => e.type === 'step.waiting').length, 1, 'the stored signal completed its wait at once')

  const over = await call('POST', `/api/executions/${early}/signals/go`, {})
  t.equal(over.status, 409, 'an ended run takes no signal')
  const other = await user('other')
  t.equal((await other.call('POST', `/api/executions/${late}/signals/go`, {})).status, 404, 'another user\'s run is not found')
})

t.test('a signal wait times out: to its onTimeout step, or failing the run', async t => {
  const { call } = await user()
  const branch = await start(call, [
    { id: 'gate', type: 'wait', signal: 'go', timeoutMs: 300, onTimeout: 'late' },
    { id: 'onTime', type: 'transform', expression: '"on time"', next: '$end' },
    { id: 'late', type: 'transform', expression: '"timed out"' }
  ])
  const done = await until(call, branch, ['completed', 'failed'])
  t.equal(done.status, 'completed')
  t.equal(done.result, 'timed out')
  t.match(done.steps[0].output, { timedOut: true, until: String })
  t.same(done.steps.map((s: { stepId: string }) => s.stepId), ['gate', 'late'])

  const fail = await start(call, [{ id: 'gate', type: 'wait', signal: 'go', timeoutMs: 300 }])
  const failed = await until(call, fail, ['completed', 'failed'])
  t.equal(failed.status, 'failed')
  t.match(failed.error, { code: 'R3SN_WAIT_TIMEOUT', stepId: 'gate' })
})

t.test('cancel a waiting run: it ends cancelled', async t => {
  const { call } = await user()
  const id = await start(call, [{ id: 'gate', type: 'wait', signal: 'never' }])
  await until(call, id, ['waiting'])
  t.equal((await call('POST', `/api/executions/${id}/cancel`)).status, 200)
  const ended = await until(call, id, ['cancelled', 'completed', 'failed'])
  t.equal(ended.status, 'cancelled')
  t.equal(ended.steps[0].status, 'cancelled')
})

t.test('approval: approvers are told, others are refused, approve goes on and the decision is audited', async t => {
  const owner = await user('owner')
  const approver = await user('approver')
  const stranger = await user('stranger')
  const id = await start(owner.call, [
    { id: 'draft', type: 'transform', expression: '"mail"' },
    { id: 'review', type: 'approval', approvers: [approver.userId], message: 'Send the mail?' },
    { id: 'send', type: 'transform', expression: 'steps.review.output.decision' }
  ])
  const waiting = await until(owner.call, id, ['waiting'])
  t.match(waiting.steps.at(-1), { stepId: 'review', status: 'waiting', waitingFor: { approvers: [approver.userId], message: 'Send the mail?' } })
  const note = await eventually(async () => {
    const list = (await approver.call('GET', '/api/notifications')).body.notifications as { kind: string, data?: { executionId?: string, stepId?: string }, message: string }[]
    return list.find(n => n.kind === 'approval.requested' && n.data?.executionId === id)
  }, 30_000, 'the approver to be notified')
  t.match(note, { data: { stepId: 'review' }, message: 'Send the mail?' })

  const path = `/api/executions/${id}/approvals/review`
  const byOwner = await owner.call('POST', path, { decision: 'approve' })
  t.equal(byOwner.status, 403, 'the owner is not an approver here')
  t.equal(byOwner.body.code, 'R3SN_FORBIDDEN')
  t.equal((await stranger.call('POST', path, { decision: 'approve' })).status, 404, 'a stranger does not see the run')
  t.equal((await owner.call('POST', `/api/executions/${id}/approvals/draft`, { decision: 'approve' })).status, 409, 'not an approval step: nothing to decide')

  const decided = await approver.call('POST', path, { decision: 'approve', comment: 'looks right' })
  t.equal(decided.status, 202)
  t.match(decided.body, { success: true, executionId: id, stepId: 'review', decision: 'approve', by: approver.userId, comment: 'looks right', at: String })
  t.equal((await approver.call('POST', path, { decision: 'reject' })).status, 409, 'decided once')
  const done = await until(owner.call, id, ['completed', 'failed'])
  t.equal(done.status, 'completed')
  t.equal(done.result, 'approve')
  t.match(done.steps[1].output, { decision: 'approve', by: approver.userId, comment: 'looks right' })
  const audit = (await eventTypes(owner.call, id)).find(e => e.type === 'approval.decided')
  t.match(audit, { stepId: 'review', data: { decision: 'approve', by: approver.userId, comment: 'looks right', at: String } })
})

t.test('approval: reject fails the run with R3SN_APPROVAL_REJECTED; the owner approves by default', async t => {
  const { call, userId } = await user()
  const id = await start(call, [{ id: 'review', type: 'approval' }, { id: 'send', type: 'transform', expression: '1' }])
  const waiting = await until(call, id, ['waiting'])
  t.same(waiting.steps[0].waitingFor.approvers, [userId])
  t.equal((await call('POST', `/api/executions/${id}/approvals/review`, { decision: 'reject', comment: 'no' })).status, 202)
  const done = await until(call, id, ['completed', 'failed'])
  t.equal(done.status, 'failed')
  t.match(done.error, { code: 'R3SN_APPROVAL_REJECTED', stepId: 'review', message: /rejected by .*: no/ })
  t.equal(done.steps.length, 1, 'the step after it never ran')
  t.equal((await call('POST', `/api/executions/${id}/approvals/review`, { decision: 'approve' })).status, 409, 'the run has ended')
})

t.test('approval: a timeout follows its branch', async t => {
  const { call } = await user()
  const id = await start(call, [
    { id: 'review', type: 'approval', timeoutMs: 300, onTimeout: 'fallback' },
    { id: 'send', type: 'transform', expression: '"sent"', next: '$end' },
    { id: 'fallback', type: 'transform', expression: '"not sent"' }
  ])
  const done = await until(call, id, ['completed', 'failed'])
  t.equal(done.result, 'not sent')
})

t.test('approval over the WebSocket: the approver hears of it live and decides with approval:decide', async t => {
  const owner = await user('owner')
  const approver = await user('approver')
  const ws = await wsConnect(approver.baseUrl, approver.key)
  t.teardown(() => ws.close())
  const id = await start(owner.call, [{ id: 'review', type: 'approval', approvers: [approver.userId] }, { id: 'after', type: 'transform', expression: 'steps.review.output.comment' }])
  const asked = await ws.waitFor(f => f.event === 'notification' && f.data.kind === 'approval.requested' && f.data.data?.executionId === id)
  t.equal(asked.data.data.stepId, 'review')
  ws.send('approval:decide', { executionId: id, stepId: 'nope', decision: 'approve' }, 'bad')
  const refused = await ws.waitFor(f => f.id === 'bad')
  t.match(refused, { event: 'error', data: { code: 'R3SN_NOT_FOUND' } }, 'not an approver of that step (there is none): the run is not found, as over HTTP')
  ws.send('approval:decide', { executionId: id, stepId: 'review', decision: 'approve', comment: 'over ws' }, 'ok')
  const decided = await ws.waitFor(f => f.id === 'ok')
  t.match(decided, { event: 'approval:decided', data: { executionId: id, stepId: 'review', decision: 'approve', by: approver.userId, comment: 'over ws' } })
  const done = await until(owner.call, id, ['completed', 'failed'])
  t.equal(done.result, 'over ws')
})
