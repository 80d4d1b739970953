import t from 'tap'
import { randomUUID } from 'node:crypto'
import { MongoClient } from 'mongodb'
import { build, caller, eventually } from '../helper.js'

const RUN_COLLECTIONS = ['executions', 'executions_open', 'execution_events', 'execution_leases', 'workflows', 'learnings_observed']
const pureWorkflow = {
  name: 'pure', trigger: { type: 'webhook' },
  steps: [
    { id: 'enrich', type: 'transform', expression: '{ "total": $sum(trigger.items.price) }' },
    { id: 'check', type: 'condition', expression: 'steps.enrich.output.total > 10', then: 'big', else: 'small' },
    { id: 'small', type: 'transform', expression: '"small"', next: '$end' },
    { id: 'big', type: 'transform', expression: '"big"' }
  ]
}

t.test('a run of pure steps costs four writes alone, fewer per run when runs end together, and no read of the history', async t => {
  const uri = process.env.MONGODB_URI as string
  const { app, baseUrl, adminKey } = await build(t, { mongodbUri: `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true` })
  const call = caller(baseUrl, adminKey)
  const hookId = (await call('POST', '/api/workflows', pureWorkflow)).body.workflow.hookId as string
  const hook = async () => {
    const res = await fetch(`${baseUrl}/api/hooks/${hookId}?mode=sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: [{ price: 4 }, { price: 9 }] }) })
    return await res.json() as { status: string, result: unknown, executionId: string }
  }
  await hook() // (the webhook's workflow is read once, then kept for a second)
  const commands: string[] = []
  const reads: string[] = []
  // (Reads of the small open runs are the worker's poll, on a timer whatever the load.)
  app.mongo.client.on('commandStarted', e => {
    const c = e.command[e.commandName]
    if (!RUN_COLLECTIONS.includes(c)) return
    if (['insert', 'update', 'delete'].includes(e.commandName)) commands.push(`${c} ${e.commandName}`)
    else if (c !== 'executions_open') reads.push(`${c} ${e.commandName}`)
  })

  for (let i = 0; i < 10; i++) t.match(await hook(), { status: 'completed', result: 'big' })
  const alone = commands
  t.equal(alone.length, 40, `ten runs one after another: the record, the history, the events, the removal each (${[...new Set(alone)].join(', ')})`)
  t.same([...new Set(alone)].sort(), ['execution_events insert', 'executions insert', 'executions_open delete', 'executions_open insert'])

  commands.length = 0
  const answers = await Promise.all(Array.from({ length: 20 }, hook))
  t.ok(answers.every(a => a.status === 'completed'), 'twenty runs at once all complete')
  t.ok(commands.length < 80, `and share their writes (${commands.length} for 20 runs)`)
  t.same(reads.filter(r => r !== 'workflows find'), [], 'nothing reads the history or the log on the way')
  // Each is in the history, and nowhere else, with its whole log.
  const last = answers.at(-1)?.executionId as string
  const events = (await call('GET', `/api/executions/${last}/events`)).body.events as { seq: number, type: string }[]
  t.same(events.map(e => e.type), ['execution.queued', 'execution.started', 'step.completed', 'step.completed', 'step.completed', 'execution.completed'])
  t.equal(await app.mongo.db.collection('executions_open').countDocuments(), 0, 'no open record is left')
})

t.test('runs of an install from before the open/history split are taken over as they are', async t => {
  const first = await build(t)
  const wf = (await caller(first.baseUrl, first.adminKey)('POST', '/api/workflows', { name: 'old', steps: [{ id: 'one', type: 'transform', expression: '41 + 1' }] })).body.workflow
  await first.app.close()
  const client = await MongoClient.connect(process.env.MONGODB_URI as string)
  t.teardown(() => client.close())
  const db = client.db(first.config.mongoDb)
  const ownerId = (await db.collection('workflows').findOne({}))?.ownerId as string
  // What an earlier version left: a queued run in `executions` (steps as an array, no body) and its queue entry.
  const id = `exe_${randomUUID()}`
  const now = new Date()
  await db.collection('executions').insertOne({
    _id: id as never, ownerId, type: 'workflow', status: 'queued', workflowId: wf.id, workflowVersion: 1, priority: 5,
    usage: { calls: 0, promptTokens: 0, completionTokens: 0 }, triggerJson: '{}', planJson: JSON.stringify([{ id: 'one', type: 'transform', expression: '41 + 1' }]),
    steps: [], cursor: 'one', error: null, attempt: 1, cancelRequested: false, lease: null, eventSeq: 1, createdAt: now, startTime: null, endTime: null, executionTime: null
  })
  await db.collection('execution_events').insertOne({ _id: `${id}:1` as never, executionId: id, ownerId, seq: 1, ts: now, type: 'execution.queued', dataJson: '{}' })
  await db.collection('execution_queue').insertOne({ _id: id as never, priority: 5, createdAt: now, holder: null, epoch: 0 })

  const second = await build(t, { mongoDb: first.config.mongoDb, adminKey: first.adminKey })
  const call = caller(second.baseUrl, second.adminKey)
  const done = await eventually(async () => {
    const e = (await call('GET', `/api/executions/${id}/status`)).body.execution
    return e?.status === 'completed' ? e : undefined
  }, 20_000, 'the old run to complete')
  t.equal(done.result, 42)
  const events = (await call('GET', `/api/executions/${id}/events`)).body.events as { seq: number, type: string }[]
  t.same(events.map(e => e.seq), events.map((_, i) => i + 1), 'its log goes on without a gap')
  t.notOk((await second.app.mongo.db.listCollections({ name: 'execution_queue' }).toArray()).length, 'the old queue is gone')
})
