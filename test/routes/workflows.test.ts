import t from 'tap'
import { build, createUser, eventually, getExecution, type WorkflowBody } from '../helper.js'
import { apiClient } from '../client/index.js'
import { startRecorder } from '../fixtures/http-recorder.js'

const double: WorkflowBody = { name: 'double', steps: [{ id: 'x', type: 'transform', expression: 'trigger.n * 2' }] }

t.test('workflow CRUD with versions; executions record the version they ran', async t => {
  const { client } = await build(t)
  const created = await client.POST('/api/workflows', { body: { ...double, description: 'doubles n' } })
  t.equal(created.response.status, 201)
  const wf = created.data!.workflow
  t.match(wf, { name: 'double', description: 'doubles n', version: 1, trigger: { type: 'manual' } })
  const id = wf.id

  const v1run = await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { triggerData: { n: 2 } } })
  const updated = await client.PUT('/api/workflows/{id}', { params: { path: { id } }, body: { name: 'triple', steps: [{ id: 'x', type: 'transform', expression: 'trigger.n * 3' }] } })
  t.equal(updated.data?.workflow.version, 2, 'every update increases the version')
  const v2run = await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { triggerData: { n: 2 } } })
  t.match(v1run.data, { status: 'completed', result: 4 })
  t.match(v2run.data, { status: 'completed', result: 6 })
  t.equal((await getExecution(client, v1run.data!.executionId)).workflowVersion, 1)
  t.equal((await getExecution(client, v2run.data!.executionId)).workflowVersion, 2)

  const old = await client.GET('/api/workflows/{id}', { params: { path: { id }, query: { version: 1 } } })
  t.match(old.data?.workflow, { name: 'double', version: 1, steps: [{ expression: 'trigger.n * 2' }] }, 'earlier versions stay readable, unchanged')
  t.match((await client.GET('/api/workflows/{id}', { params: { path: { id } } })).data?.workflow, { name: 'triple', version: 2 })
  t.equal((await client.GET('/api/workflows/{id}', { params: { path: { id }, query: { version: 9 } } })).response.status, 404)
  t.same((await client.GET('/api/workflows')).data?.workflows.map(w => w.id), [id])

  t.equal((await client.DELETE('/api/workflows/{id}', { params: { path: { id } } })).response.status, 200)
  t.equal((await client.GET('/api/workflows/{id}', { params: { path: { id } } })).response.status, 404)
  t.equal((await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: {} })).response.status, 404)
})

t.test('another user\'s workflow answers 404 on every route', async t => {
  const { baseUrl, adminKey, client } = await build(t)
  const id = (await client.POST('/api/workflows', { body: double })).data!.workflow.id
  const bob = await createUser(baseUrl, adminKey, 'bob')
  const path = { params: { path: { id } } }
  for (const res of [
    await bob.client.GET('/api/workflows/{id}', path),
    await bob.client.PUT('/api/workflows/{id}', { ...path, body: double }),
    await bob.client.POST('/api/workflows/{id}/execute', { ...path, body: {} }),
    await bob.client.GET('/api/workflows/{id}/analytics', path),
    await bob.client.DELETE('/api/workflows/{id}', path)
  ]) {
    t.equal(res.response.status, 404)
    t.match(res.error, { code: 'R3SN_NOT_FOUND' })
  }
  t.same((await bob.client.GET('/api/workflows')).data?.workflows, [])
  t.match((await client.GET('/api/workflows/{id}', path)).data?.workflow, { name: 'double', version: 1 }, 'unchanged')
})

t.test('sync waits within a bound, then answers 202; async answers 202 at once', async t => {
  const { client } = await build(t)
  const id = (await client.POST('/api/workflows', { body: { name: 'slow', steps: [{ id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 1000 } }] } })).data!.workflow.id
  const started = Date.now()
  const bounded = await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { timeoutMs: 200 } })
  t.equal(bounded.response.status, 202)
  t.ok(Date.now() - started < 900, 'answered when the wait ran out')
  t.match(bounded.data, { success: true, status: 'running' })
  const done = await eventually(async () => {
    const e = await getExecution(client, bounded.data!.executionId)
    return e.status === 'completed' ? e : undefined
  }, 5000, 'the run to complete')
  t.same(done.result, { delayedMs: 1000 })

  const async = await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { mode: 'async' } })
  t.equal(async.response.status, 202)
  t.ok(['queued', 'running'].includes(async.data!.status))
})

t.test('a webhook starts its workflow without an API key; its id can be rotated', async t => {
  const { baseUrl, client } = await build(t)
  const created = await client.POST('/api/workflows', { body: { name: 'hook', trigger: { type: 'webhook' }, steps: [{ id: 'greet', type: 'transform', expression: '"hello " & trigger.name' }] } })
  const wf = created.data!.workflow
  t.match(wf.hookId, /^hook_[A-Za-z0-9_-]{32}$/, 'an unguessable id')
  const anon = apiClient(baseUrl)

  const queued = await anon.POST('/api/hooks/{hookId}', { params: { path: { hookId: wf.hookId! } }, body: { name: 'async' } })
  t.equal(queued.response.status, 202)
  const sync = await anon.POST('/api/hooks/{hookId}', { params: { path: { hookId: wf.hookId! }, query: { mode: 'sync' } }, body: { name: 'ada' } })
  t.equal(sync.response.status, 200)
  t.match(sync.data, { status: 'completed', result: 'hello ada' })
  t.equal((await getExecution(client, sync.data!.executionId)).workflowId, wf.id, 'runs as the workflow owner\'s execution')

  const rotated = await client.POST('/api/workflows/{id}/hook/rotate', { params: { path: { id: wf.id } } })
  const newHook = rotated.data!.workflow.hookId!
  t.not(newHook, wf.hookId)
  const stale = await anon.POST('/api/hooks/{hookId}', { params: { path: { hookId: wf.hookId! } }, body: {} })
  t.equal(stale.response.status, 404, 'the old id stops working at once')
  t.match(stale.error, { code: 'R3SN_NOT_FOUND', message: 'Webhook not found' })
  t.equal((await anon.POST('/api/hooks/{hookId}', { params: { path: { hookId: newHook } }, body: { name: 'x' } })).response.status, 202)

  await client.PUT('/api/workflows/{id}', { params: { path: { id: wf.id } }, body: { name: 'manual now', steps: [{ id: 'a', type: 'transform', expression: '1' }] } })
  t.equal((await anon.POST('/api/hooks/{hookId}', { params: { path: { hookId: newHook } }, body: {} })).response.status, 404, 'a workflow that is no longer webhook-triggered has no hook')
  const manual = await client.POST('/api/workflows/{id}/hook/rotate', { params: { path: { id: wf.id } } })
  t.equal(manual.response.status, 409)
})

t.test('analytics count runs by status and per-step runs, failures, retries and durations', async t => {
  const { client } = await build(t)
  const rec = await startRecorder(t)
  const id = (await client.POST('/api/workflows', {
    body: {
      name: 'flaky',
      steps: [
        { id: 'prep', type: 'transform', expression: 'trigger.path' },
        { id: 'call', type: 'integration', action: 'http.request', input: { url: `="${rec.url}" & steps.prep.output` }, retry: { maxAttempts: 2, initialDelayMs: 10 } }
      ]
    }
  })).data!.workflow.id
  for (const path of ['/ok', '/fail/a/1', '/status/500']) {
    await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { triggerData: { path } } })
  }
  const res = await client.GET('/api/workflows/{id}/analytics', { params: { path: { id } } })
  t.equal(res.response.status, 200)
  const a = res.data!
  t.same(a.executions, { total: 3, byStatus: { completed: 2, failed: 1 } })
  const call = a.steps.find(s => s.stepId === 'call')!
  t.match(call, { executions: 3, successes: 2, failures: 1, retries: 2 })
  t.ok(call.p50DurationMs !== null && call.p95DurationMs! >= call.p50DurationMs!)
  t.match(a.steps.find(s => s.stepId === 'prep'), { executions: 3, successes: 3, failures: 0, retries: 0 })
})
