import t from 'tap'
import { MongoClient } from 'mongodb'
import { caller, eventually } from '../helper.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { fastFailoverEnv, sharedDatabase, startServerProcess } from '../fixtures/server-process.js'

t.test('SIGKILL of the instance a parent run waits on for its children (parallel branches of a foreach and a sub-workflow): the run completes once on the other, no child started twice', async t => {
  const rec = await startRecorder(t)
  const shared = sharedDatabase(t)
  const { mongoDb, mongodbUri, adminKey } = shared
  const env = fastFailoverEnv(shared, { R3SN_CHILD_CHECK_MS: '2000' })
  const a = await startServerProcess(t, env)
  const b = await startServerProcess(t, env)
  const onA = caller(a.baseUrl, adminKey)
  const onB = caller(b.baseUrl, adminKey)
  const statusOn = async (call: typeof onA, id: string) => (await call('GET', `/api/executions/${id}/status`)).body.execution

  // Each item makes a call (counted), waits past the kill, then answers; a sub-workflow after the foreach does the same once.
  const itemSteps = [
    { id: 'effect', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok/item`, body: { run: '=execution.id', item: '=trigger.item' } } },
    { id: 'pause', type: 'wait', forMs: 1500 },
    { id: 'out', type: 'transform', expression: 'trigger.item * 10' }
  ]
  const sub = (await onA('POST', '/api/workflows', { name: 'sub', steps: [
    { id: 'effect', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok/sub`, body: { run: '=execution.id' } } },
    { id: 'out', type: 'transform', expression: '"sub done"' }
  ] })).body.workflow.id as string
  // A parallel step whose branches are a foreach and a sub-workflow: the kill lands inside all three.
  const wf = (await onA('POST', '/api/workflows', { name: 'parent', steps: [
    { id: 'fan', type: 'parallel', branches: {
      items: [{ id: 'each', type: 'foreach', items: '[0, 1, 2, 3, 4, 5]', concurrency: 3, steps: itemSteps }],
      sub: [{ id: 'pause', type: 'wait', forMs: 1500 }, { id: 'call', type: 'workflow', workflowId: sub }]
    } },
    { id: 'both', type: 'transform', expression: '{"items": steps.fan.output.items, "sub": steps.fan.output.sub}' }
  ] })).body.workflow.id as string
  const res = await onA('POST', `/api/workflows/${wf}/execute`, { mode: 'async' })
  t.equal(res.status, 202)
  const id = res.body.executionId as string

  // The parent waits (no slot) while its first children wait in their pause, all started on A.
  await eventually(async () => {
    const parent = await statusOn(onA, id)
    const first = await statusOn(onA, `${id}:fan:1:items:each:1:0`)
    return parent?.status === 'waiting' && first?.status === 'waiting' ? true : undefined
  }, 60_000, 'the parent and its first child to wait')
  t.equal(await a.kill('SIGKILL'), null, 'instance A was killed while the parent waited for its children')

  const run = await eventually(async () => {
    const e = await statusOn(onB, id)
    return ['completed', 'failed', 'cancelled'].includes(e.status) ? e : undefined
  }, 120_000, 'the parent to end on B')
  t.equal(run.status, 'completed')
  t.same(run.result, { items: [0, 10, 20, 30, 40, 50], sub: 'sub done' })

  const client = new MongoClient(mongodbUri)
  t.teardown(() => client.close())
  const db = client.db(mongoDb)
  const childrenOf = async (parentId: string) => [...await db.collection('executions').find({ parentId }).toArray(), ...await db.collection('executions_open').find({ parentId }).toArray()].map(c => c._id as unknown as string)
  const branches = [`${id}:fan:1:items`, `${id}:fan:1:sub`]
  t.same([...new Set(await childrenOf(id))].sort(), branches, 'one child per branch')
  const grandchildren = [...await childrenOf(branches[0] as string), ...await childrenOf(branches[1] as string)]
  t.same([...grandchildren].sort(), [...[0, 1, 2, 3, 4, 5].map(i => `${id}:fan:1:items:each:1:${i}`), `${id}:fan:1:sub:call:1`].sort(), 'one child per item and one sub-workflow run, under their deterministic ids, once each')
  const ids = new Set([...branches, ...grandchildren])
  const events = db.collection('execution_events')
  for (const childId of ids) {
    const log = await events.find({ executionId: childId }).sort({ seq: 1 }).toArray()
    t.same(log.map(e => e.seq), log.map((_, i) => i + 1), `${childId}: a gap-free log`)
    t.equal(log.filter(e => e.type === 'execution.started').length, 1, `${childId}: started once (resumed, maybe, never started again)`)
    t.equal(log.filter(e => e.type === 'execution.completed').length, 1, `${childId}: ended once`)
    if (branches.includes(childId)) continue
    const calls = rec.requests.filter(r => (r.body as { run?: string } | undefined)?.run === childId)
    t.ok(calls.length >= 1, `${childId}: made its call`)
    t.equal(new Set(calls.map(c => c.idempotencyKey)).size, 1, `${childId}: any repeat of its call has the same idempotency key`)
  }
  const log = await events.find({ executionId: id }).sort({ seq: 1 }).toArray()
  t.same(log.map(e => e.seq), log.map((_, i) => i + 1), 'the parent\'s log is gap-free')
  t.equal(log.filter(e => e.type === 'execution.completed').length, 1, 'the parent ended once')
  t.equal(log.filter(e => e.type === 'step.child').length, 2, 'each branch was started once (one step.child event each)')
  const resumed = log.filter(e => e.type === 'execution.resumed').at(-1)
  t.ok(resumed !== undefined && !String(JSON.parse(resumed.dataJson as string).instance).includes(String(a.pid)), 'the parent finished on B')
  await b.kill('SIGTERM')
})
