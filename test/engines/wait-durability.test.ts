import t from 'tap'
import { MongoClient } from 'mongodb'
import { caller, eventually } from '../helper.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { fastFailoverEnv, sharedDatabase, startServerProcess } from '../fixtures/server-process.js'

t.test('SIGKILL of the instance a run waited on: a signal sent through another instance resumes it there, once, with no completed step repeated', async t => {
  const rec = await startRecorder(t)
  const shared = sharedDatabase(t)
  const { mongoDb, mongodbUri, adminKey } = shared
  const env = fastFailoverEnv(shared)
  const a = await startServerProcess(t, env)
  const b = await startServerProcess(t, env)
  const onA = caller(a.baseUrl, adminKey)
  const onB = caller(b.baseUrl, adminKey)
  const steps = (wait: Record<string, unknown>) => [
    { id: 'effect', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok/effect`, body: { run: '=execution.id' } } },
    { id: 'gate', type: 'wait', ...wait },
    { id: 'after', type: 'transform', expression: '{"effect": steps.effect.output.status, "gate": steps.gate.output}' }
  ]
  const start = async (wait: Record<string, unknown>) => {
    const wf = (await onA('POST', '/api/workflows', { name: 'wait', steps: steps(wait) })).body.workflow.id as string
    const res = await onA('POST', `/api/workflows/${wf}/execute`, { mode: 'async' })
    t.equal(res.status, 202)
    return res.body.executionId as string
  }
  const statusOn = async (call: typeof onA, id: string) => (await call('GET', `/api/executions/${id}/status`)).body.execution
  const waiting = (id: string) => eventually(async () => {
    const e = await statusOn(onA, id)
    return e.status === 'waiting' ? e : undefined
  }, 60_000, `run ${id} to wait`)

  // One waits for a signal, one for a time well past the kill (long enough to be seen waiting).
  const bySignal = await start({ signal: 'go' })
  const byTime = await start({ forMs: 3000 })
  await waiting(bySignal)
  await waiting(byTime)
  t.equal(await a.kill('SIGKILL'), null, 'instance A was killed while its runs waited')

  const sent = await onB('POST', `/api/executions/${bySignal}/signals/go`, { payload: { ok: true } })
  t.equal(sent.status, 202)
  t.equal(sent.body.delivered, 'waiting')
  const ended = async (id: string) => eventually(async () => {
    const e = await statusOn(onB, id)
    return ['completed', 'failed', 'cancelled'].includes(e.status) ? e : undefined
  }, 60_000, `run ${id} to end on B`)
  const signalled = await ended(bySignal)
  const timed = await ended(byTime)
  t.equal(signalled.status, 'completed')
  t.same(signalled.result, { effect: 200, gate: { ok: true } })
  t.equal(timed.status, 'completed')
  t.match(timed.result, { effect: 200, gate: { waitedUntil: String } })

  const client = new MongoClient(mongodbUri)
  t.teardown(() => client.close())
  const events = client.db(mongoDb).collection('execution_events')
  for (const id of [bySignal, byTime]) {
    t.equal(rec.requests.filter(r => r.path === '/ok/effect' && (r.body as { run: string }).run === id).length, 1, `${id}: the step before the wait made its call once`)
    const log = await events.find({ executionId: id }).sort({ seq: 1 }).toArray()
    t.same(log.map(e => e.seq), log.map((_, i) => i + 1), `${id}: a gap-free log`)
    t.equal(log.filter(e => e.type === 'step.completed' && e.stepId === 'effect').length, 1, `${id}: the step before the wait completed once`)
    t.equal(log.filter(e => e.type === 'execution.completed').length, 1, `${id}: ended once`)
    const resumed = log.find(e => e.type === 'execution.resumed')
    t.ok(resumed !== undefined && !String(JSON.parse(resumed.dataJson as string).instance).includes(String(a.pid)), `${id}: resumed on B`)
  }
  await b.kill('SIGTERM')
})
