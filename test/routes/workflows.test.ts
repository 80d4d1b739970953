import t from 'tap'
import { caller, eventually, getExecution, sharedApp, type Answer, type WorkflowBody } from '../helper.js'
import { apiClient } from '../client/index.js'
import { startRecorder } from '../fixtures/http-recorder.js'

// One app for the file; each test has a user of its own.
const user = sharedApp()
const double: WorkflowBody = { name: 'double', steps: [{ id: 'x', type: 'transform', expression: 'trigger.n * 2' }] }

t.test('workflow CRUD with versions; executions record the version they ran', async t => {
  const { client } = await user()
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
  const { client } = await user()
  const id = (await client.POST('/api/workflows', { body: double })).data!.workflow.id
  const bob = await user('bob')
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
  const { client } = await user()
  const id = (await client.POST('/api/workflows', { body: { name: 'slow', steps: [{ id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 1000 } }] } })).data!.workflow.id
  const bounded = await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { timeoutMs: 200 } })
  t.equal(bounded.response.status, 202)
  t.match(bounded.data, { success: true, status: 'running' }, 'answered when the wait ran out, before the run ended')
  const done = await eventually(async () => {
    const e = await getExecution(client, bounded.data!.executionId)
    return e.status === 'completed' ? e : undefined
  }, 5000, 'the run to complete')
  t.same(done.result, { delayedMs: 1000 })

  const async = await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { mode: 'async' } })
  t.equal(async.response.status, 202)
  t.ok(['queued', 'running'].includes(async.data!.status))
})

t.test('a sync answer lists each step that ran, in order, with its output and duration; a failed run shows the failed step', async t => {
  const { call } = await user()
  const create = async (steps: unknown[]) => (await call('POST', '/api/workflows', { name: 'steps', steps })).body.workflow.id as string
  const id = await create([
    { id: 'double', type: 'transform', expression: 'trigger.n * 2' },
    { id: 'label', type: 'transform', expression: '"n=" & $string(steps.double.output)' }
  ])
  const ran = await call('POST', `/api/workflows/${id}/execute`, { triggerData: { n: 21 } })
  t.equal(ran.status, 200)
  t.match(ran.body, { success: true, status: 'completed', result: 'n=42', error: null })
  t.same(ran.body.steps.map((s: { stepId: string, status: string, output: unknown }) => [s.stepId, s.status, s.output]), [['double', 'completed', 42], ['label', 'completed', 'n=42']])
  t.ok(ran.body.steps.every((s: { durationMs: unknown }) => typeof s.durationMs === 'number' && s.durationMs >= 0), 'each step has its duration')

  const failing = await create([
    { id: 'first', type: 'transform', expression: '1' },
    { id: 'boom', type: 'transform', expression: '$error("boom")' },
    { id: 'never', type: 'transform', expression: '2' }
  ])
  const failed = await call('POST', `/api/workflows/${failing}/execute`, {})
  t.match(failed.body, { success: true, status: 'failed', error: { stepId: 'boom', message: /boom/ } })
  t.same(failed.body.steps.map((s: { stepId: string, status: string }) => [s.stepId, s.status]), [['first', 'completed'], ['boom', 'failed']], 'the step after the failure never ran')
  t.match(failed.body.steps[1], { error: { message: /boom/ }, durationMs: Number })
  t.notOk('output' in failed.body.steps[1])

  const queued = await call('POST', `/api/workflows/${id}/execute`, { mode: 'async' })
  t.equal(queued.status, 202)
  t.same(Object.keys(queued.body).sort(), ['executionId', 'status', 'success'], 'the 202 answer is unchanged')
})

t.test('a webhook starts its workflow without an API key; its id can be rotated', async t => {
  const { baseUrl, client } = await user()
  const created = await client.POST('/api/workflows', { body: { name: 'hook', trigger: { type: 'webhook' }, steps: [{ id: 'greet', type: 'transform', expression: '"hello " & trigger.name' }] } })
  const wf = created.data!.workflow
  t.match(wf.hookId, /^hook_[A-Za-z0-9_-]{32}$/, 'an unguessable id')
  const anon = apiClient(baseUrl)

  const queued = await anon.POST('/api/hooks/{hookId}', { params: { path: { hookId: wf.hookId! } }, body: { name: 'async' } })
  t.equal(queued.response.status, 202)
  const sync = await anon.POST('/api/hooks/{hookId}', { params: { path: { hookId: wf.hookId! }, query: { mode: 'sync' } }, body: { name: 'ada' } })
  t.equal(sync.response.status, 200)
  t.match(sync.data, { status: 'completed', result: 'hello ada' })
  t.match((await caller(baseUrl)('POST', `/api/hooks/${wf.hookId!}?mode=sync`, { name: 'lin' })).body, { result: 'hello lin', steps: [{ stepId: 'greet', status: 'completed', output: 'hello lin' }] }, 'a webhook\'s sync answer lists its steps too')
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
  const { client } = await user()
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

t.test('a step input that cannot fit its action\'s schema is refused at create and update, naming the step and the field; nothing is stored', async t => {
  const { client, call } = await user()
  const refused = async (label: string, res: Answer, message: RegExp, paths: string[]) => {
    t.equal(res.status, 400, label)
    t.match(res.body, { success: false, statusCode: 400, code: 'R3SN_BAD_REQUEST', error: 'Bad Request', message }, label)
    t.same(res.body.details.map((d: { path: string }) => d.path), paths, `${label}: details name the fields`)
  }
  const wait = (input: unknown) => ({ name: 'wait', steps: [{ id: 'prep', type: 'transform', expression: '1' }, { id: 'wait', type: 'integration', action: 'core.delay', input }] })

  await refused('a field the action does not take', await call('POST', '/api/workflows', wait({ seconds: 3 })),
    /^step "wait": invalid input for core\.delay: \/ms Expected required property; \/seconds Unexpected property$/, ['body/steps/1/input/ms', 'body/steps/1/input/seconds'])
  await refused('no input at all', await call('POST', '/api/workflows', wait(undefined)), /^step "wait": invalid input for core\.delay: \/ms Expected required property$/, ['body/steps/1/input/ms'])
  await refused('a literal of the wrong type', await call('POST', '/api/workflows', wait({ ms: '3000' })), /step "wait": .*\/ms Expected integer/, ['body/steps/1/input/ms'])
  await refused('"==" makes a literal, checked as one', await call('POST', '/api/workflows', wait({ ms: '==3' })), /\/ms Expected integer/, ['body/steps/1/input/ms'])
  await refused('a literal beside expressions', await call('POST', '/api/workflows', {
    name: 'post', steps: [{ id: 'post', type: 'integration', action: 'http.request', input: { url: '=trigger.url', method: 'FETCH', headers: { run: '=execution.id', retries: 3 } } }]
  }), /^step "post": invalid input for http\.request: \/method Expected union value; \/headers\/retries Expected string$/, ['body/steps/0/input/method', 'body/steps/0/input/headers/retries'])
  t.same((await client.GET('/api/workflows')).data?.workflows, [], 'nothing was stored')

  // Inputs that only the run can resolve are not judged now.
  for (const [label, input] of [
    ['an expression where a number goes', { ms: '=trigger.ms' }],
    ['the whole input from an expression', '=trigger.delay'],
    ['a field inside an expression\'s result', '=$merge([{}, trigger.delay])']
  ] as const) {
    const res = await call('POST', '/api/workflows', wait(input))
    t.equal(res.status, 201, label)
  }
  const post = await call('POST', '/api/workflows', {
    name: 'post', steps: [{ id: 'post', type: 'integration', action: 'http.request', input: { url: '="http://127.0.0.1:9/" & trigger.path', method: 'POST', headers: { run: '=execution.id' }, body: { note: '==not an expression' } } }]
  })
  t.equal(post.status, 201, 'a valid workflow with literals and expressions passes')

  // An update that does not fit leaves the current version in place, and adds none.
  const id = (await call('POST', '/api/workflows', wait({ ms: 1 }))).body.workflow.id as string
  await refused('the same check on update', await call('PUT', `/api/workflows/${id}`, wait({ seconds: 3 })), /^step "wait": invalid input for core\.delay/, ['body/steps/1/input/ms', 'body/steps/1/input/seconds'])
  t.match((await call('GET', `/api/workflows/${id}`)).body.workflow, { version: 1, steps: [{ id: 'prep' }, { id: 'wait', input: { ms: 1 } }] }, 'the previous version stays')
  t.equal((await call('GET', `/api/workflows/${id}?version=2`)).status, 404, 'no version 2 was stored')
  t.equal((await call('PUT', `/api/workflows/${id}`, wait({ ms: '=trigger.ms' }))).body.workflow.version, 2, 'a fitting update passes')

  // A value an expression gives at run time is still checked then, and fails the step at once.
  const run = await call('POST', `/api/workflows/${id}/execute`, { triggerData: { ms: 'soon' } })
  t.match(run.body, { status: 'failed', error: { code: 'R3SN_BAD_INPUT', stepId: 'wait', message: /invalid input for core\.delay: \/ms Expected integer/ } })
})

t.test('a plugin step is checked against its action\'s manifest input schema (the pinned version, or the latest)', async t => {
  const { client, call } = await user()
  const schema = (required: string[]) => ({ type: 'object', properties: { name: { type: 'string', minLength: 1 }, greeting: { type: 'string' } }, required, additionalProperties: false })
  const manifest = (required: string[]) => ({ actions: [{ name: 'greet', description: 'Greets', input: schema(required), output: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } }], egress: [] })
  const code = 'export async function greet (input) { return { message: `${input.greeting ?? "Hello"}, ${input.name}!` } }'
  const created = await call('POST', '/api/plugins', { name: 'Greeter', code, manifest: manifest(['name']), tests: [{ action: 'greet', input: { name: 'Ada' }, expect: { message: 'Hello, Ada!' } }] })
  t.equal(created.status, 201)
  const plugin = created.body.plugin.id as string
  // Version 2 also needs a greeting.
  t.equal((await call('POST', `/api/plugins/${plugin}/versions`, { code, manifest: manifest(['name', 'greeting']), tests: [{ action: 'greet', input: { name: 'Ada', greeting: 'Hi' }, expect: { message: 'Hi, Ada!' } }] })).status, 201)
  const greet = (step: Record<string, unknown>) => ({ name: 'greet', steps: [{ id: 'greet', type: 'plugin', plugin, action: 'greet', ...step }] })

  const cases: [string, Record<string, unknown>, RegExp, string[]][] = [
    ['a missing required field', { pluginVersion: 1, input: {} }, new RegExp(`^step "greet": invalid input for plugin ${plugin} v1 greet: /name is required$`), ['body/steps/0/input/name']],
    ['a literal of the wrong type', { pluginVersion: 1, input: { name: 5 } }, /\/name must be string/, ['body/steps/0/input/name']],
    ['a field the action does not take', { pluginVersion: 1, input: { name: 'Lin', mood: 'happy' } }, /\/mood is not allowed/, ['body/steps/0/input/mood']],
    ['the latest version when none is pinned', { input: { name: 'Lin' } }, new RegExp(`invalid input for plugin ${plugin} v2 greet: /greeting is required`), ['body/steps/0/input/greeting']]
  ]
  for (const [label, step, message, paths] of cases) {
    const res = await call('POST', '/api/workflows', greet(step))
    t.equal(res.status, 400, label)
    t.match(res.body, { code: 'R3SN_BAD_REQUEST', message }, label)
    t.same(res.body.details?.map((d: { path: string }) => d.path), paths, label)
  }
  t.match((await call('POST', '/api/workflows', greet({ action: 'wave', input: {} }))).body, { statusCode: 400, message: new RegExp(`step "greet": plugin ${plugin} v2 has no action "wave" \\(actions: greet\\)`) })
  t.match((await call('POST', '/api/workflows', greet({ pluginVersion: 9, input: {} }))).body, { statusCode: 400, message: new RegExp(`step "greet": no plugin "${plugin}" v9 of yours`) })
  const bob = await user('bob')
  t.match((await bob.call('POST', '/api/workflows', greet({ pluginVersion: 1, input: { name: 'Lin' } }))).body, { statusCode: 400, message: `step "greet": no plugin "${plugin}" v1 of yours` }, 'another user\'s plugin is as unknown as a missing one')
  t.same((await client.GET('/api/workflows')).data?.workflows, [], 'nothing was stored')

  const pinned = await call('POST', '/api/workflows', greet({ pluginVersion: 1, input: { name: 'Lin' } }))
  t.equal(pinned.status, 201, 'the pinned version takes the input')
  t.equal((await call('POST', '/api/workflows', greet({ input: { name: '=trigger.who', greeting: '=trigger.greeting' } }))).status, 201, 'expressions are left to the run')
  const ran = await call('POST', `/api/workflows/${pinned.body.workflow.id as string}/execute`, {})
  t.match(ran.body, { status: 'completed', result: { message: 'Hello, Lin!' } })
})
