import t, { type Test } from 'tap'
import type { Db } from 'mongodb'
import { build, caller, eventually, type Call } from '../helper.js'
import { startRecorder, type RecordedRequest } from '../fixtures/http-recorder.js'

/** Two side-effecting steps around a pure one: every kind of write a run makes. */
function workflow (recorderUrl: string) {
  return {
    name: 'faults',
    steps: [
      { id: 's1', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${recorderUrl}/ok/s1`, body: { run: '=execution.id' } } },
      { id: 's2', type: 'transform', expression: 'steps.s1.output.status' },
      { id: 's3', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${recorderUrl}/ok/s3`, body: { run: '=execution.id', s2: '=steps.s2.output' } } }
    ]
  }
}

/** Starts a run as a client would: a 5xx answer (its create failed) is tried once more. */
async function start (call: Call, workflowId: string): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < 2; i++) {
    const res = await call('POST', `/api/workflows/${workflowId}/execute`, { mode: 'async' })
    statuses.push(res.status)
    if (res.status === 202) return statuses
    if (res.status < 500) throw new Error(`refused: ${res.text}`)
  }
  throw new Error(`the run could not be started: ${statuses.join(', ')}`)
}

/**
 * Waits until nothing is left unfinished (no execution queued or running, an empty queue),
 * then checks what a user would: every run completed, each side-effecting step made its
 * call, a call made twice only as the documented retry with the same key, a gap-free log.
 */
export async function settled (t: Test, db: Db, requests: RecordedRequest[], what: string) {
  const executions = db.collection('executions')
  await eventually(async () => {
    const open = await executions.countDocuments({ status: 'queued' }) + await executions.countDocuments({ status: 'running' })
    const queued = await db.collection('execution_queue').countDocuments({})
    return open === 0 && queued === 0 ? true : undefined
  }, 60_000, `${what}: every run to end and the queue to drain`)
  const runs = await executions.find({}).toArray()
  t.ok(runs.length > 0, `${what}: a run exists`)
  for (const run of runs) {
    t.equal(run.status, 'completed', `${what}: run ${run._id} completed`)
    for (const step of ['s1', 's3']) {
      const calls = requests.filter(r => r.path === `/ok/${step}` && (r.body as { run: string }).run === String(run._id))
      t.ok(calls.length >= 1, `${what}: ${step} of ${run._id} made its call`)
      t.equal(new Set(calls.map(c => c.idempotencyKey)).size, 1, `${what}: ${step} of ${run._id} repeated only with the same idempotency key`)
    }
    const events = await db.collection('execution_events').find({ executionId: run._id }).sort({ seq: 1 }).toArray()
    t.same(events.map(e => e.seq), events.map((_, i) => i + 1), `${what}: ${run._id}'s log has no gap`)
    t.equal(events.filter(e => e.type === 'execution.completed').length, 1, `${what}: ${run._id}'s log ends once`)
  }
}

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
