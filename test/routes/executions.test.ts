import t from 'tap'
import { build, eventually, getEvents, getExecution, retryExecution, runWorkflow, sharedApp } from '../helper.js'
import { startRecorder } from '../fixtures/http-recorder.js'

// One app for the file, one with a single worker slot for the queue tests; each test has a user of its own.
const user = sharedApp()
const oneAtATime = sharedApp({ concurrency: 1 })

t.test('list with filters and cursor pagination, newest first; only your own', async t => {
  const { client } = await user()
  const ok = (await client.POST('/api/workflows', { body: { name: 'ok', steps: [{ id: 'a', type: 'transform', expression: '1' }] } })).data!.workflow.id
  const bad = (await client.POST('/api/workflows', { body: { name: 'bad', steps: [{ id: 'a', type: 'transform', expression: '$error("boom")' }] } })).data!.workflow.id
  const ids: string[] = []
  for (const id of [ok, ok, bad, ok, bad]) ids.push((await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: {} })).data!.executionId)

  const seen: string[] = []
  let cursor: string | undefined
  const pages: number[] = []
  do {
    const page = await client.GET('/api/executions', { params: { query: { limit: 2, ...(cursor === undefined ? {} : { cursor }) } } })
    pages.push(page.data!.executions.length)
    seen.push(...page.data!.executions.map(e => e.executionId))
    cursor = page.data!.nextCursor ?? undefined
  } while (cursor !== undefined)
  t.same(pages, [2, 2, 1])
  t.same(seen, [...ids].reverse(), 'every execution once, newest first')

  const failed = await client.GET('/api/executions', { params: { query: { status: 'failed' } } })
  t.same(failed.data!.executions.map(e => e.executionId), [ids[4], ids[2]])
  t.match(failed.data!.executions[0]?.error, { message: /boom/, stepId: 'a' })
  const ofOk = await client.GET('/api/executions', { params: { query: { workflowId: ok } } })
  t.equal(ofOk.data!.executions.length, 3)

  const badCursor = await client.GET('/api/executions', { params: { query: { cursor: 'garbage' } } })
  t.equal(badCursor.response.status, 400)
  t.match(badCursor.error, { code: 'R3SN_BAD_REQUEST', message: /cursor/ })
  t.equal((await client.GET('/api/executions', { params: { query: { status: 'lost' as never } } })).response.status, 400)

  const bob = await user('bob')
  t.same((await bob.client.GET('/api/executions')).data!.executions, [])
  const theirs = await bob.client.GET('/api/executions/{id}/status', { params: { path: { id: ids[0]! } } })
  t.equal(theirs.response.status, 404)
  t.equal((await bob.client.GET('/api/executions/{id}/events', { params: { path: { id: ids[0]! } } })).response.status, 404)
  t.equal((await bob.client.POST('/api/executions/{id}/cancel', { params: { path: { id: ids[0]! } } })).response.status, 404)
  t.equal((await bob.client.POST('/api/executions/{id}/retry', { params: { path: { id: ids[4]! } } })).response.status, 404)
})

t.test('the event log is gap-free per execution and readable from any seq', async t => {
  const { client } = await user()
  const { execution } = await runWorkflow(client, { name: 'three', steps: [
    { id: 'a', type: 'transform', expression: '1' },
    { id: 'b', type: 'integration', action: 'core.log', input: { message: 'hi' } },
    { id: 'c', type: 'transform', expression: '3' }
  ] })
  const events = await getEvents(client, execution.executionId)
  t.same(events.map(e => e.seq), events.map((_, i) => i + 1), 'seq 1..n without gaps')
  t.same(events.map(e => [e.type, e.stepId ?? null]), [
    ['execution.queued', null], ['execution.started', null], ['step.completed', 'a'],
    ['step.started', 'b'], ['step.completed', 'b'], ['step.completed', 'c'], ['execution.completed', null]
  ])
  t.ok(events.every(e => e.executionId === execution.executionId && !Number.isNaN(Date.parse(e.ts))))
  const later = await getEvents(client, execution.executionId, 4)
  t.same(later.map(e => e.seq), [5, 6, 7])
})

t.test('cancel stops a running execution in the middle of its step; a queued one never starts', async t => {
  const { client } = await oneAtATime()
  const id = (await client.POST('/api/workflows', { body: { name: 'long', steps: [
    { id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 20_000 } },
    { id: 'after', type: 'transform', expression: '"not reached"' }
  ] } })).data!.workflow.id
  const running = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { mode: 'async' } })).data!.executionId
  const queued = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { mode: 'async' } })).data!.executionId
  await eventually(async () => (await getEvents(client, running)).find(e => e.type === 'step.started'), 5000, 'the step to start')

  const q = await client.POST('/api/executions/{id}/cancel', { params: { path: { id: queued } } })
  t.equal(q.data?.execution.status, 'cancelled', 'a queued run is cancelled at once')

  const r = await client.POST('/api/executions/{id}/cancel', { params: { path: { id: running } } })
  t.equal(r.response.status, 200)
  t.equal(r.data?.execution.cancelRequested, true)
  // (The step waits 20 s: a run that ends before, with its step cancelled, was stopped mid-step.)
  const cancelled = await eventually(async () => {
    const e = await getExecution(client, running)
    return e.status === 'cancelled' ? e : undefined
  }, 15_000, 'the running run to be cancelled')
  t.same(cancelled.steps.map(s => [s.stepId, s.status]), [['wait', 'cancelled']], 'the step was stopped, not waited for')
  t.match(cancelled.error, { code: 'R3SN_CANCELLED' })
  const log = (await getEvents(client, running)).map(e => [e.type, e.stepId ?? null])
  t.same(log.slice(-2), [['step.started', 'wait'], ['execution.cancelled', null]], 'the step started, then the run was cancelled: it never completed')

  const again = await client.POST('/api/executions/{id}/cancel', { params: { path: { id: running } } })
  t.equal(again.response.status, 409, 'an ended run cannot be cancelled')
  // A run queued after the cancelled one runs through the one worker slot: the older, cancelled one would have gone first.
  const quick = (await client.POST('/api/workflows', { body: { name: 'quick', steps: [{ id: 'a', type: 'transform', expression: '1' }] } })).data!.workflow.id
  const later = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id: quick } }, body: { mode: 'async' } })).data!.executionId
  await eventually(async () => (await getExecution(client, later)).status === 'completed' ? true : undefined, 10_000, 'a later run to complete')
  t.equal((await getExecution(client, queued)).status, 'cancelled', 'the cancelled queued run never resumes')
  t.same((await getExecution(client, queued)).steps, [])
  t.equal((await client.GET('/api/executions/active')).data!.executions.length, 0)
})

t.test('retry resumes a failed execution at the failed step, keeping completed steps', async t => {
  const { client } = await user()
  const rec = await startRecorder(t)
  const { execution, answer } = await runWorkflow(client, { name: 'gated', steps: [
    { id: 'first', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok` } },
    { id: 'gate', type: 'integration', action: 'http.request', input: { url: `${rec.url}/gate/g` } },
    { id: 'last', type: 'transform', expression: 'steps.gate.output.body' }
  ] })
  t.equal(answer.status, 'failed')
  t.match(answer.error, { stepId: 'gate', code: 'HTTP_400' })
  t.equal((await client.POST('/api/executions/{id}/retry', { params: { path: { id: 'exe_missing' } } })).response.status, 404)

  rec.open('g')
  const retried = await retryExecution(client, execution.executionId)
  t.equal(retried.response.status, 202)
  const done = await eventually(async () => {
    const e = await getExecution(client, execution.executionId)
    return e.status === 'completed' ? e : undefined
  }, 5000, 'the retried run to complete')
  t.same(done.result, { open: true })
  t.equal(done.attempt, 2)
  t.same(done.steps.map(s => [s.stepId, s.status]), [['first', 'completed'], ['gate', 'failed'], ['gate', 'completed'], ['last', 'completed']])
  t.equal(rec.requests.filter(r => r.path === '/ok').length, 1, 'the completed step did not run again')
  t.same(rec.requests.filter(r => r.path === '/gate/g').map(r => r.idempotencyKey), [`${execution.executionId}:gate:1`, `${execution.executionId}:gate:2`])
  t.equal((await client.POST('/api/executions/{id}/retry', { params: { path: { id: execution.executionId } } })).response.status, 409, 'a completed run cannot be retried')
  const types = (await getEvents(client, execution.executionId)).map(e => e.type)
  t.ok(types.includes('execution.retried'))
})

t.test('the retention job prunes ended executions and their events, and nothing else', async t => {
  const { app, client } = await build(t, { retentionDays: 1 / 86_400, retentionIntervalMs: 100 })
  const { execution } = await runWorkflow(client, { name: 'short', steps: [{ id: 'a', type: 'transform', expression: '1' }] })
  const id = (await client.POST('/api/workflows', { body: { name: 'long', steps: [{ id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 5000 } }] } })).data!.workflow.id
  const running = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { mode: 'async' } })).data!.executionId
  await eventually(async () => (await client.GET('/api/executions/{id}/status', { params: { path: { id: execution.executionId } } })).response.status === 404 ? true : undefined, 5000, 'pruning')
  t.equal(await app.mongo.db.collection('execution_events').countDocuments({ executionId: execution.executionId }), 0, 'its events are gone too')
  t.equal((await getExecution(client, running)).status, 'running', 'a run still going is kept')
  await client.POST('/api/executions/{id}/cancel', { params: { path: { id: running } } })
})

t.test('the queue drains by priority, then age, within the concurrency limit', async t => {
  const { client } = await oneAtATime()
  const wf = async (name: string, ms: number) => (await client.POST('/api/workflows', { body: { name, steps: [{ id: 'wait', type: 'integration', action: 'core.delay', input: { ms } }] } })).data!.workflow.id
  const blocker = await wf('blocker', 20_000)
  const quick = await wf('quick', 1)
  const start = async (id: string, priority?: number) => (await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { mode: 'async', ...(priority === undefined ? {} : { priority }) } })).data!.executionId
  const blocking = await start(blocker)
  await eventually(async () => (await getExecution(client, blocking)).status === 'running' ? true : undefined, 5000, 'the blocker to run')
  const low = await start(quick, 1)
  const normal = await start(quick)
  const high = await start(quick, 9)
  const older = await start(quick, 9)
  t.equal((await getExecution(client, low)).status, 'queued', 'one run at a time')
  await client.POST('/api/executions/{id}/cancel', { params: { path: { id: blocking } } })
  const ended = await eventually(async () => {
    const all = await Promise.all([high, older, normal, low].map(id => getExecution(client, id)))
    return all.every(e => e.status === 'completed') ? all : undefined
  }, 10_000, 'the queue to drain')
  const order = [...ended].sort((a, b) => Date.parse(a.startTime!) - Date.parse(b.startTime!)).map(e => e.executionId)
  t.same(order, [high, older, normal, low], 'priority 9 (oldest first), then 5, then 1')
})
