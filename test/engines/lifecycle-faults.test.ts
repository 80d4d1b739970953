import t from 'tap'
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
      if (position <= 3) t.match(statuses, [500, 202], 'the start that failed answered 500, the next one 202')
      await settled(t, app.mongo.db, rec.requests, what)
      const runs = await app.mongo.db.collection('executions').countDocuments({})
      t.equal(runs, 1, 'one run')
    })
  }
})

t.test('an unfinished execution whose queue entry was lost is queued again by the sweep, and runs', async t => {
  const { app, baseUrl, adminKey } = await build(t, { ...fastRecovery, concurrency: 1 })
  const call = caller(baseUrl, adminKey)
  const queue = app.mongo.db.collection<{ _id: string }>('execution_queue')
  const slow = (await call('POST', '/api/workflows', { name: 'slow', steps: [{ id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 60_000 } }] })).body.workflow.id as string
  const quick = (await call('POST', '/api/workflows', { name: 'quick', steps: [{ id: 'one', type: 'transform', expression: '1' }] })).body.workflow.id as string
  const blocker = (await call('POST', `/api/workflows/${slow}/execute`, { mode: 'async' })).body.executionId as string
  await eventually(async () => (await call('GET', `/api/executions/${blocker}/status`)).body.execution.status === 'running' ? true : undefined, 10_000, 'the blocker to run')
  // The only slot is taken: the next run stays queued, and its entry is lost.
  const waiting = (await call('POST', `/api/workflows/${quick}/execute`, { mode: 'async' })).body.executionId as string
  await queue.deleteOne({ _id: waiting })
  await eventually(async () => await queue.countDocuments({ _id: waiting }) === 1 ? true : undefined, 10_000, 'the sweep to queue it again')
  await call('POST', `/api/executions/${blocker}/cancel`)
  const done = await eventually(async () => {
    const e = (await call('GET', `/api/executions/${waiting}/status`)).body.execution
    return e.status === 'completed' ? e : undefined
  }, 10_000, 'the requeued run to complete')
  t.equal(done.result, 1)
})
