import t from 'tap'
import { startFakeLlm } from '../fixtures/fake-llm.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { wsConnect } from '../fixtures/ws-client.js'
import { greet } from '../fixtures/greet-plugin.js'
import { eventually, llmConfig, runWorkflow, sharedApp, type Call } from '../helper.js'

// One app with a fake LLM for the file; each test has a user (or two) of its own.
const fake = await startFakeLlm(t)
t.beforeEach(() => { fake.reset() })
const user = sharedApp(llmConfig(fake))

interface Listed { id: string, kind: string, title: string, message: string, ts: string, read: boolean, data?: Record<string, unknown> }

async function list (call: Call, query = ''): Promise<{ notifications: Listed[], unread: number }> {
  const res = await call('GET', `/api/notifications${query}`)
  if (res.status !== 200) throw new Error(`listing notifications answered ${res.status}: ${res.text}`)
  return res.body
}

/** Waits until the user has a notification that matches. */
async function notified (call: Call, match: (n: Listed) => boolean, what: string): Promise<Listed> {
  return await eventually(async () => (await list(call)).notifications.find(match), 10_000, what)
}

const failing = { name: 'breaks', steps: [{ id: 'check', type: 'condition' as const, expression: '"not a boolean"' }] }

t.test('a failed run is notified: stored, listed with the unread count, and sent live to the user\'s socket', async t => {
  const { baseUrl, key, client, call } = await user()
  const ws = await wsConnect(baseUrl, key)
  await ws.waitFor(f => f.event === 'auth:ok')
  const { answer, workflowId } = await runWorkflow(client, failing)
  t.match(answer, { status: 'failed', error: { code: 'R3SN_BAD_CONDITION' } })

  const live = await ws.waitFor(f => f.event === 'notification' && f.data.kind === 'execution.failed', 10_000)
  t.match(live.data, {
    id: /^ntf_/, kind: 'execution.failed', read: false, title: /failed/, message: /at step "check".*true or false/,
    data: { executionId: answer.executionId, executionType: 'workflow', workflowId, stepId: 'check', errorCode: 'R3SN_BAD_CONDITION' }
  })
  const listed = await list(call)
  // (Newest first: the run's failure, then the user's first key, created by the admin.)
  t.same(listed.notifications.map(n => n.kind), ['execution.failed', 'key.created'])
  t.same(listed.notifications[0], live.data, 'the live one is the stored one, listed as it was sent')
  t.equal(listed.unread, 2)
  t.notOk(listed.notifications.some(n => n.kind === 'execution.self_debugged'), 'a failure self-debugging only diagnosed is no self-debugging notice')
  ws.ws.close()
})

t.test('list filters, mark read (own ids only) and bad input', async t => {
  const alice = await user('alice')
  const bob = await user('bob')
  // Each starts with the notice of the key the admin made for them: out of the way first.
  t.match(await alice.call('POST', '/api/notifications/read', { all: true }), { body: { marked: 1, unread: 0 } })
  for (let i = 0; i < 3; i++) await runWorkflow(alice.client, failing)
  await runWorkflow(bob.client, failing)
  const all = await eventually(async () => { const l = await list(alice.call, '?unread=true'); return l.notifications.length === 3 ? l : undefined }, 10_000, 'three notifications')
  t.same(all.notifications.map(n => n.kind), ['execution.failed', 'execution.failed', 'execution.failed'], 'unread=true: only the three failures')
  t.equal(all.unread, 3)
  const ts = all.notifications.map(n => n.ts)
  t.same(ts, [...ts].sort().reverse(), 'newest first')
  t.equal((await list(alice.call, '?limit=2')).notifications.length, 2)
  const oldest = all.notifications.at(-1) as Listed
  const since = await list(alice.call, `?since=${encodeURIComponent(oldest.ts)}`)
  t.ok(since.notifications.every(n => n.ts > oldest.ts), 'since is exclusive')
  t.same(since.notifications.map(n => n.ts), [...since.notifications.map(n => n.ts)].sort(), 'since lists oldest first')

  const bobs = await notified(bob.call, n => n.kind === 'execution.failed', 'bob\'s notification')
  const [first] = all.notifications as [Listed]
  const marked = await alice.call('POST', '/api/notifications/read', { ids: [first.id, bobs.id, 'ntf_nope'] })
  t.match(marked, { status: 200, body: { success: true, marked: 1, unread: 2 } }, 'only her own id is marked')
  t.match(await alice.call('POST', '/api/notifications/read', { ids: [first.id] }), { body: { marked: 0 } }, 'marking again changes nothing')
  t.same((await list(alice.call, '?unread=true')).notifications.map(n => n.id).includes(first.id), false, 'unread=true leaves it out')
  t.equal((await list(bob.call)).notifications.find(n => n.id === bobs.id)?.read, false, 'bob\'s notification is untouched')
  t.notOk((await list(bob.call)).notifications.some(n => all.notifications.some(a => a.id === n.id)), 'bob sees none of alice\'s')

  t.match(await alice.call('POST', '/api/notifications/read', { all: true }), { body: { marked: 2, unread: 0 } })
  t.equal((await list(bob.call)).unread, 2, 'all means all of hers (bob still has his failure and his key unread)')

  for (const [body, what] of [[{}, 'neither'], [{ ids: [first.id], all: true }, 'both'], [{ ids: [] }, 'no ids'], [{ all: false }, 'all: false'], [{ ids: 'x' }, 'ids not a list'], [{ ids: ['a'], extra: 1 }, 'an unknown field']] as const) {
    const res = await alice.call('POST', '/api/notifications/read', body)
    t.match(res, { status: 400, body: { success: false, statusCode: 400, code: /^R3SN_/ } }, `${what}: 400 in the one error shape`)
  }
  for (const query of ['?limit=0', '?limit=1000', '?since=yesterday', '?unread=maybe', '?colour=red']) {
    t.match(await alice.call('GET', `/api/notifications${query}`), { status: 400, body: { success: false } }, `${query}: 400`)
  }
})

t.test('API keys created and revoked through the API notify their owner', async t => {
  const { call, key, userId, baseUrl, adminKey } = await user()
  const ws = await wsConnect(baseUrl, key)
  await ws.waitFor(f => f.event === 'auth:ok')
  const created = await call('POST', '/api/keys', { name: 'laptop' })
  t.equal(created.status, 201)
  const keyId = created.body.key.id as string
  t.match(await ws.waitFor(f => f.event === 'notification' && f.data.kind === 'key.created' && f.data.data.keyId === keyId), { data: { message: /"laptop"/ } })
  t.equal((await call('DELETE', `/api/keys/${keyId}`)).status, 200)
  t.match(await ws.waitFor(f => f.event === 'notification' && f.data.kind === 'key.revoked'), { data: { data: { keyId }, message: /revoked/ } })

  // A key an admin creates for the user is the user's news, not the admin's.
  const byAdmin = await fetch(`${baseUrl}/api/keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ user: userId }) })
  const adminKeyId = ((await byAdmin.json()) as { key: { id: string } }).key.id
  const notice = await notified(call, n => n.kind === 'key.created' && n.data?.keyId === adminKeyId, 'the admin-made key notice')
  t.match(notice.message, /by admin/)
  const kinds = (await list(call)).notifications.map(n => n.kind)
  t.same(kinds, ['key.created', 'key.revoked', 'key.created', 'key.created'], 'newest first: the admin\'s key, the revoked one, the laptop key, the user\'s first key')
  ws.ws.close()
})

const generateRequest = { appName: 'Greeter', actions: ['greet a person by name'], platform: 'rest-api' }

t.test('a plugin generated, and one rejected after its repair rounds, are notified (REST and WebSocket alike)', async t => {
  const { call, baseUrl, key } = await user()
  fake.script({ json: greet() })
  const res = await call('POST', '/api/plugins/generate', generateRequest)
  t.equal(res.status, 201)
  const generated = await notified(call, n => n.kind === 'plugin.generated', 'plugin.generated')
  t.match(generated, { title: /Greeter/, data: { pluginId: res.body.plugin.id, executionId: res.body.executionId, executionType: 'plugin-generation' } })

  const ws = await wsConnect(baseUrl, key)
  await ws.waitFor(f => f.event === 'auth:ok')
  fake.script(...Array.from({ length: 3 }, () => ({ json: greet('export function greet () { return {} }') })))
  ws.send('plugin:generate', { ...generateRequest, appName: 'Broken' }, 'b')
  const rejected = await ws.waitFor(f => f.event === 'notification' && f.data.kind === 'plugin.rejected', 20_000)
  t.match(rejected.data, { title: /Broken/, message: /not stored/, data: { errorCode: 'R3SN_UNPROCESSABLE', executionType: 'plugin-generation' } })
  const kinds = (await list(call)).notifications.map(n => n.kind)
  t.notOk(kinds.includes('execution.failed'), 'a rejection is told as such, not also as a failed run')
  ws.ws.close()
})

t.test('a run that self-debugging recovered is notified once, with recovered: true', async t => {
  const recorder = await startRecorder(t)
  const { client, call } = await user()
  const { answer } = await runWorkflow(client, { name: 'flaky', steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${recorder.url}/fail/flaky/2` } }] })
  t.match(answer, { status: 'completed' })
  const notice = await notified(call, n => n.kind === 'execution.self_debugged', 'execution.self_debugged')
  t.match(notice, { title: /recovered/, data: { executionId: answer.executionId, recovered: true, diagnoses: 2 } })
  t.equal((await list(call)).notifications.filter(n => n.kind === 'execution.self_debugged').length, 1, 'one notice for the run, however many remedies')
  t.notOk((await list(call)).notifications.some(n => n.kind === 'execution.failed'))
})

t.test('a schedule tick while the previous scheduled run is going is skipped (overlap: skip) and notified', async t => {
  const { call } = await user()
  const created = await call('POST', '/api/workflows', {
    name: 'slow every second',
    trigger: { type: 'schedule', cron: '* * * * * *', overlap: 'skip' },
    steps: [{ id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 60_000 } }]
  })
  t.equal(created.status, 201, created.text)
  const workflowId = created.body.workflow.id as string
  t.equal(created.body.workflow.trigger.overlap, 'skip')
  const skipped = await notified(call, n => n.kind === 'schedule.skipped', 'schedule.skipped')
  t.match(skipped, { title: /slow every second/, data: { workflowId, reason: 'overlap', blockingExecutionId: /^sched_/, scheduledAt: /T/ } })
  t.equal((await call('DELETE', `/api/workflows/${workflowId}`)).status, 200)
  const runs = (await call('GET', `/api/executions?workflowId=${workflowId}`)).body.executions as { executionId: string, status: string }[]
  t.equal(runs.filter(r => r.status !== 'completed').length, 1, 'only one scheduled run was started')
  for (const r of runs) await call('POST', `/api/executions/${r.executionId}/cancel`)

  const manual = await call('POST', '/api/workflows', { name: 'manual', trigger: { type: 'manual', overlap: 'skip' }, steps: [{ id: 'a', type: 'transform', expression: '1' }] })
  t.match(manual, { status: 400, body: { message: 'trigger: overlap is only for schedule triggers' } })
})
