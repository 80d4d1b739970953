import t, { type Test } from 'tap'
import { build, caller, eventually } from '../helper.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { settled, start, workflow } from '../fixtures/run-checks.js'

const fastRecovery = { leaseMs: 1000, pollMs: 50, idlePollMs: 200, sweepMs: 300 }

t.test('a failing write at any position of the run lifecycle never strands or repeats a run', async t => {
  const rec = await startRecorder(t)
  // The writes of one clean run, in order.
  const clean: string[] = []
  {
    const { app, baseUrl, adminKey } = await build(t, fastRecovery, { faults: name => { clean.push(name) } })
    const call = caller(baseUrl, adminKey)
    const wf = (await call('POST', '/api/workflows', workflow(rec.url))).body.workflow.id as string
    clean.length = 0
    await start(call, wf)
    await settled(t, app.mongo.db, rec.requests, 'clean run')
  }
  t.ok(clean.length >= 15, `a run makes ${clean.length} writes: ${clean.join(', ')}`)

  for (let position = 1; position <= clean.length; position++) {
    const what = `write ${position} (${clean[position - 1]}) fails`
    await t.test(what, async t => {
      let writes = 0
      const { app, baseUrl, adminKey } = await build(t, fastRecovery, {
        faults: () => { if (++writes === position) throw new Error(`injected failure of write ${position}`) }
      })
      const call = caller(baseUrl, adminKey)
      const wf = (await call('POST', '/api/workflows', workflow(rec.url))).body.workflow.id as string
      writes = 0
      const statuses = await start(call, wf)
      if (clean[position - 1] === 'create.execution') t.match(statuses, [500, 202], 'the start that failed answered 500, the next one 202')
      await settled(t, app.mongo.db, rec.requests, what)
      const runs = await app.mongo.db.collection('executions').countDocuments({})
      t.equal(runs, 1, 'one run')
    })
  }
})

/** A run that completed and moved to the history, with the collections a test takes it apart in. */
async function endedRun (t: Test) {
  const { app, baseUrl, adminKey } = await build(t, fastRecovery)
  const call = caller(baseUrl, adminKey)
  const quick = (await call('POST', '/api/workflows', { name: 'quick', steps: [{ id: 'one', type: 'transform', expression: '1' }] })).body.workflow.id as string
  const run = (await call('POST', `/api/workflows/${quick}/execute`, {})).body
  t.equal(run.status, 'completed')
  const history = app.mongo.db.collection<{ _id: string }>('executions')
  const open = app.mongo.db.collection<{ _id: string, [field: string]: unknown }>('executions_open')
  const events = app.mongo.db.collection<{ executionId: string, type: string }>('execution_events')
  await eventually(async () => await open.countDocuments({ _id: run.executionId }) === 0 ? true : undefined, 10_000, 'the run to leave the open runs')
  return { call, run: run as { executionId: string }, history, open, events }
}

t.test('an ended run its instance left in the open runs (it died before moving it) is completed and moved by the sweep', async t => {
  const { call, run, history, open, events } = await endedRun(t)
  // What a holder that died right after its end write leaves: the ended run still open, no final event.
  const ended = await history.findOne({ _id: run.executionId })
  await open.insertOne({ ...ended, _id: run.executionId, endTime: new Date(Date.now() - 60_000) })
  await history.deleteOne({ _id: run.executionId })
  await events.deleteMany({ executionId: run.executionId, type: 'execution.completed' })
  await eventually(async () => await history.countDocuments({ _id: run.executionId }) === 1 && await open.countDocuments({ _id: run.executionId }) === 0 ? true : undefined, 20_000, 'the sweep to move it')
  const log = (await call('GET', `/api/executions/${run.executionId}/events`)).body.events as { seq: number, type: string }[]
  t.equal(log.filter(e => e.type === 'execution.completed').length, 1, 'its log ends once')
  t.same(log.map(e => e.seq), log.map((_, i) => i + 1), 'gap-free')
  t.equal((await call('GET', `/api/executions/${run.executionId}/status`)).body.execution.status, 'completed')
})

t.test('a run whose holder died between recording its end in the history and removing its open record is closed, not run again', async t => {
  const { call, run, history, open, events } = await endedRun(t)
  // What a holder that died right after its history insert leaves: the open record as created (running, its lease), no events after it.
  const ended = await history.findOne({ _id: run.executionId }) as Record<string, unknown>
  await open.insertOne({ ...ended, _id: run.executionId, status: 'running', endTime: null, holder: 'gone:1:dead', lease: { epoch: 1, owner: 'gone:1:dead', claimedAt: new Date(Date.now() - 60_000) } })
  await events.deleteMany({ executionId: run.executionId, type: { $ne: 'execution.queued' } })
  await eventually(async () => await open.countDocuments({ _id: run.executionId }) === 0 ? true : undefined, 20_000, 'a poll to close it')
  const log = (await call('GET', `/api/executions/${run.executionId}/events`)).body.events as { seq: number, type: string }[]
  t.same(log.map(e => e.type), ['execution.queued', 'execution.completed'], 'its log gets its final event, once, and the run did not run again')
  t.equal((await call('GET', `/api/executions/${run.executionId}/status`)).body.execution.status, 'completed')
})
