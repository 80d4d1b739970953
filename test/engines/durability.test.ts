import t from 'tap'
import { build, eventually, getEvents, getExecution } from '../helper.js'
import { apiClient } from '../client/index.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { startTcpProxy } from '../fixtures/loopback.js'
import { sharedDatabase, startServerProcess } from '../fixtures/server-process.js'

t.test('SIGKILL mid-step: another instance resumes from the unfinished step; completed steps ran exactly once', async t => {
  const rec = await startRecorder(t)
  const { mongoDb, mongodbUri, adminKey } = sharedDatabase(t)
  const env = {
    MONGODB_URI: mongodbUri, R3SN_DB_NAME: mongoDb, R3SN_ADMIN_KEY: adminKey, R3SN_LEASE_MS: '1500',
    R3SN_POLL_MS: '100', R3SN_HTTP_ALLOWED_HOSTS: '127.0.0.1'
  }
  const first = await startServerProcess(t, env)
  const a = apiClient(first.baseUrl, adminKey)
  const wf = (await a.POST('/api/workflows', { body: { name: 'crash', steps: [
    { id: 's1', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok/1` } },
    { id: 's2', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok/2` } },
    { id: 's3', type: 'integration', action: 'http.request', input: { url: `${rec.url}/hang/s3` } },
    { id: 's4', type: 'transform', expression: '{ "third": steps.s3.output.body }' }
  ] } })).data!.workflow.id
  const id = (await a.POST('/api/workflows/{id}/execute', { params: { path: { id: wf } }, body: { mode: 'async' } })).data!.executionId

  await rec.waitFor(r => r.path === '/hang/s3')
  t.equal(await first.kill('SIGKILL'), null, 'the first instance died mid-step')

  const second = await startServerProcess(t, env)
  const b = apiClient(second.baseUrl, adminKey)
  const done = await eventually(async () => {
    const e = await getExecution(b, id)
    return e.status === 'completed' ? e : undefined
  }, 20_000, 'the second instance to finish the run')

  t.same(done.result, { third: { resumed: true } })
  t.equal(rec.requests.filter(r => r.path === '/ok/1').length, 1, 'step 1 ran exactly once')
  t.equal(rec.requests.filter(r => r.path === '/ok/2').length, 1, 'step 2 ran exactly once')
  t.same(rec.requests.filter(r => r.path === '/hang/s3').map(r => r.idempotencyKey), [`${id}:s3:1`, `${id}:s3:1`],
    'the interrupted step ran again with the same idempotency key')
  t.same(done.steps.map(s => [s.stepId, s.status]), [['s1', 'completed'], ['s2', 'completed'], ['s3', 'completed'], ['s4', 'completed']])

  const events = await getEvents(b, id)
  t.same(events.map(e => e.seq), events.map((_, i) => i + 1), 'the event log has no gap')
  t.equal(events.filter(e => e.type === 'step.completed' && (e.stepId === 's1' || e.stepId === 's2')).length, 2)
  t.match(events.find(e => e.type === 'execution.resumed'), { data: { epoch: 2 } }, 'taken over under a new lease epoch')
  await second.kill('SIGTERM')
})

t.test('a run that cannot record a step is not failed: it resumes soon after the database answers again, not at its lease\'s end', async t => {
  // The test's database (one host), reached through a proxy; credentials and options kept.
  const database = new URL(process.env.MONGODB_URI as string)
  const proxy = await startTcpProxy(t, { host: database.hostname, port: Number(database.port || 27017) })
  database.host = `127.0.0.1:${proxy.port}`
  database.searchParams.set('directConnection', 'true')
  const { client, logs } = await build(t, { mongodbUri: database.href, dbTimeoutMs: 2000, leaseMs: 60_000 })
  const wf = (await client.POST('/api/workflows', { body: { name: 'outage', steps: [
    { id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 1000 } },
    { id: 'after', type: 'transform', expression: '"done"' }
  ] } })).data!.workflow.id
  const id = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id: wf } }, body: { mode: 'async' } })).data!.executionId
  await eventually(async () => (await getEvents(client, id)).find(e => e.type === 'step.started'), 10_000, 'the step to start')

  proxy.cut()
  const during = await client.GET('/api/executions/{id}/status', { params: { path: { id } } })
  t.equal(during.response.status, 503, 'a request meanwhile is told to try again')
  t.equal(during.response.headers.get('retry-after'), '5')
  t.match(during.error, { success: false, statusCode: 503, code: 'R3SN_UNAVAILABLE', message: /database/ })
  await eventually(async () => logs.find(l => l.includes('execution runner failed')), 20_000, 'the run to stop on the failed write')
  proxy.restore()
  // (Reads may still fail for a moment while the app reconnects.)
  const done = await eventually(async () => {
    const e = (await client.GET('/api/executions/{id}/status', { params: { path: { id } } })).data?.execution
    return e?.status === 'completed' ? e : undefined
  }, 30_000, 'the run to resume and finish (its 60 s lease never ran out)')

  t.equal(done.result, 'done')
  const events = await getEvents(client, id)
  t.notOk(events.some(e => e.type === 'step.failed'), 'the database failure was never taken for a step failure')
  t.ok(events.some(e => e.type === 'execution.resumed'), 'the run resumed from its record')
  t.same(done.steps.map(s => [s.stepId, s.status]), [['wait', 'completed'], ['after', 'completed']])
})

t.test('two instances on one database run 200 queued executions exactly once each', async t => {
  const rec = await startRecorder(t)
  const one = await build(t, { concurrency: 8 })
  const two = await build(t, { concurrency: 8, mongoDb: one.config.mongoDb, adminKey: one.config.adminKey })
  const wf = (await one.client.POST('/api/workflows', { body: { name: 'fan', steps: [
    { id: 'call', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok`, body: { run: '=execution.id' } } },
    { id: 'done', type: 'transform', expression: 'steps.call.output.status' }
  ] } })).data!.workflow.id

  const ids: string[] = []
  for (let i = 0; i < 200; i++) {
    const client = i % 2 === 0 ? one.client : two.client
    ids.push((await client.POST('/api/workflows/{id}/execute', { params: { path: { id: wf } }, body: { mode: 'async' } })).data!.executionId)
  }
  const executions = one.app.mongo.db.collection('executions')
  await eventually(async () => (await executions.countDocuments({ status: 'completed' })) === 200 ? true : undefined, 240_000, '200 completed runs')

  t.equal(await executions.countDocuments({ status: { $in: ['queued', 'running'] } }), 0, 'none lost or left running')
  const runs = rec.requests.map(r => (r.body as { run: string }).run)
  t.equal(runs.length, 200, 'one side effect per execution')
  t.same(new Set(runs), new Set(ids), 'each execution ran exactly once')
  const started = await one.app.mongo.db.collection('execution_events').find({ type: 'execution.started' }).toArray()
  const instances = new Set(started.map(e => (JSON.parse(e.dataJson as string) as { instance: string }).instance))
  t.equal(instances.size, 2, 'both instances took work')
})

t.test('a schedule fires exactly once per tick with two instances', async t => {
  const one = await build(t, { schedulerTickMs: 100 })
  const two = await build(t, { schedulerTickMs: 100, mongoDb: one.config.mongoDb, adminKey: one.config.adminKey })
  const wf = (await one.client.POST('/api/workflows', { body: { name: 'every second', trigger: { type: 'schedule', cron: '* * * * * *' }, steps: [{ id: 'tick', type: 'transform', expression: 'trigger.scheduledAt' }] } })).data!.workflow.id
  const executions = one.app.mongo.db.collection('executions')
  // Both instances check every 100 ms; once three ticks have run, the other instance deletes the workflow.
  await eventually(async () => await executions.countDocuments({ workflowId: wf }) >= 3 ? true : undefined, 20_000, 'three ticks to run')
  await two.client.DELETE('/api/workflows/{id}', { params: { path: { id: wf } } })
  const runs = await eventually(async () => {
    const all = await executions.find({ workflowId: wf }).toArray()
    return all.every(r => r.status === 'completed') ? all : undefined
  }, 20_000, 'the runs started to end')

  // A run's id is derived from its tick: a tick run twice would be one record, a missed one a gap.
  const ticks = runs.map(r => Number(String(r._id).split('_').at(-1))).sort((x, y) => x - y)
  t.ok(ticks.length >= 3, `${ticks.length} ticks ran`)
  t.same(ticks.slice(1).map((tick, i) => tick - (ticks[i] as number)), ticks.slice(1).map(() => 1000), 'one run per second, none missed')
  const started = await one.app.mongo.db.collection('execution_events').find({ type: 'execution.queued', executionId: { $in: runs.map(r => String(r._id)) } }).toArray()
  t.equal(started.length, runs.length, 'each tick was queued once')
})

t.test('cancel reaches a run on another instance in the middle of its step', async t => {
  const one = await build(t)
  const two = await build(t, { mongoDb: one.config.mongoDb, adminKey: one.config.adminKey })
  const wf = (await one.client.POST('/api/workflows', { body: { name: 'long', steps: [{ id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 20_000 } }] } })).data!.workflow.id
  const id = (await one.client.POST('/api/workflows/{id}/execute', { params: { path: { id: wf } }, body: { mode: 'async' } })).data!.executionId
  const started = await eventually(async () => (await getEvents(one.client, id)).find(e => e.type === 'execution.started'), 5000, 'the run to start')
  const runner = started.data.instance
  const other = runner === one.app.orchestrator.instanceId ? two : one
  t.not(other.app.orchestrator.instanceId, runner, 'cancelling through the instance that does not run it')
  await eventually(async () => (await getEvents(one.client, id)).find(e => e.type === 'step.started'), 5000, 'the step to start')

  await other.client.POST('/api/executions/{id}/cancel', { params: { path: { id } } })
  // (The step waits 20 s: a run that ends before, with its step cancelled, was stopped mid-step by the instance running it.)
  const cancelled = await eventually(async () => {
    const e = await getExecution(other.client, id)
    return e.status === 'cancelled' ? e : undefined
  }, 15_000, 'cancellation')
  t.same(cancelled.steps.map(s => [s.stepId, s.status]), [['wait', 'cancelled']], 'the step was stopped, not waited for')
  const log = (await getEvents(other.client, id)).map(e => e.type)
  t.same(log.slice(-2), ['step.started', 'execution.cancelled'], 'the step started, then the run was cancelled')
})

t.test('a run whose holder died: listed as active everywhere alike, and cancel ends it', async t => {
  const { mongoDb, mongodbUri, adminKey } = sharedDatabase(t)
  const env = { MONGODB_URI: mongodbUri, R3SN_DB_NAME: mongoDb, R3SN_ADMIN_KEY: adminKey, R3SN_LEASE_MS: '3000', R3SN_POLL_MS: '100' }
  const first = await startServerProcess(t, env)
  const a = apiClient(first.baseUrl, adminKey)
  const wf = (await a.POST('/api/workflows', { body: { name: 'long', steps: [{ id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 60_000 } }] } })).data!.workflow.id
  const id = (await a.POST('/api/workflows/{id}/execute', { params: { path: { id: wf } }, body: { mode: 'async' } })).data!.executionId
  await eventually(async () => (await getEvents(a, id)).find(e => e.type === 'step.started'), 10_000, 'the step to start')
  await first.kill('SIGKILL')

  const second = await startServerProcess(t, env)
  const b = apiClient(second.baseUrl, adminKey)
  const active = (await b.GET('/api/executions/active')).data!.executions.map(e => e.executionId)
  const listed = (await b.GET('/api/executions', { params: { query: { status: 'running' } } })).data!.executions.map(e => e.executionId)
  const activeCount = (await b.GET('/api/engines/status')).data!.engines.orchestrator?.activeExecutions
  t.same(active, [id], '/active shows the run')
  t.same(listed, [id], 'and so does the list')
  t.equal(activeCount, 1, 'and the engine status')

  const cancel = await b.POST('/api/executions/{id}/cancel', { params: { path: { id } } })
  t.equal(cancel.response.status, 200)
  const ended = await eventually(async () => {
    const e = await getExecution(b, id)
    return e.status === 'cancelled' ? e : undefined
  }, 20_000, 'the cancel to end the run')
  t.match(ended.error, { code: 'R3SN_CANCELLED' })
  t.same((await b.GET('/api/executions/active')).data!.executions, [], 'nothing active any more')
  t.equal((await b.GET('/api/engines/status')).data!.engines.orchestrator?.activeExecutions, 0)
  const events = await getEvents(b, id)
  t.equal(events.at(-1)?.type, 'execution.cancelled', 'the log ends with the cancellation')
  await second.kill('SIGTERM')
})
