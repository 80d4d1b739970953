import t from 'tap'
import { randomBytes, randomUUID } from 'node:crypto'
import { caller, eventually, getEvents, llmConfig, sharedApp, type WorkflowBody } from '../helper.js'
import { sioConnect } from '../fixtures/sio-client.js'
import { wsConnect, type ServerFrame } from '../fixtures/ws-client.js'
import { startFakeLlm } from '../fixtures/fake-llm.js'
import { greet } from '../fixtures/greet-plugin.js'

// The original R3SN's client example, translated to socket.io-client with a real API key.
const fake = await startFakeLlm(t)
const user = sharedApp(llmConfig(fake))
const pair = { ...llmConfig(fake), mongoDb: `t_${randomUUID().slice(0, 8)}`, adminKey: `admin_${randomBytes(24).toString('base64url')}` }
const onA = sharedApp(pair)
const onB = sharedApp(pair)

const twoSteps: WorkflowBody = { name: 'two', steps: [
  { id: 'a', type: 'transform', expression: 'trigger.n + 1' },
  { id: 'b', type: 'transform', expression: 'steps.a.output * 10' }
] }
const plan = { intent: 'tell the time', agents: [], integrations: ['core.time'], plugins: [], steps: [{ id: 'now', type: 'integration', action: 'core.time', input: {} }] }
const kinds = (frames: ServerFrame[], executionId: string) => frames.filter(f => f.data?.executionId === executionId).map(f => f.event)

/** The two ways in: `key` given, the connection authenticates at its handshake. */
const transports = {
  'Socket.IO': (baseUrl: string, key?: string) => sioConnect(baseUrl, key === undefined ? {} : { auth: { token: key } }), // io('http://localhost:3000'): long polling first, then the upgrade
  'the raw WebSocket': (baseUrl: string, key?: string) => wsConnect(baseUrl, key)
}

for (const [transport, connect] of Object.entries(transports)) {
  t.test(`the original's client example over ${transport}: auth, prompt, workflow, subscribe by bare id with a reconnect, agent, plugin, notifications`, async t => {
    const { baseUrl, key, userId, client } = await user()
    const socket = await connect(baseUrl)
    t.teardown(socket.close)

    socket.emit('auth', { userId, token: key })
    t.match((await socket.waitFor(f => f.event === 'auth:ok')).data, { userId })

    fake.script({ json: plan })
    socket.emit('prompt:execute', { prompt: 'what time is it?', context: { tz: 'UTC' } })
    const accepted = await socket.waitFor(f => f.event === 'prompt:progress' && f.data.status !== undefined)
    const promptRun = accepted.data.executionId as string
    t.match(accepted.data, { executionId: /^exe_/, prompt: 'what time is it?' })
    const answered = await socket.waitFor(f => f.event === 'prompt:completed' && f.data.executionId === promptRun)
    t.ok(Date.parse(answered.data.result.iso) > 0, 'prompt:completed carries the result')
    t.ok(socket.frames.some(f => f.event === 'prompt:progress' && f.data.stage === 'planning'), 'the plan streamed as prompt:progress')
    t.ok(socket.frames.some(f => f.event === 'prompt:progress' && f.data.stepId === 'now'), 'the step reported as prompt:progress')

    const workflowId = (await client.POST('/api/workflows', { body: twoSteps })).data!.workflow.id
    socket.emit('workflow:execute', { workflowId, triggerData: { n: 4 } })
    const started = await socket.waitFor(f => f.event === 'workflow:progress' && f.data.workflowId === workflowId)
    const workflowRun = started.data.executionId as string
    t.match((await socket.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === workflowRun)).data, { result: 50 })
    t.same(socket.frames.filter(f => f.event === 'workflow:progress' && f.data.executionId === workflowRun && f.data.type === 'step.completed').map(f => f.data.stepId), ['a', 'b'])

    // Subscribing by a bare id replays the run's log; after a reconnect, again, with nothing missing or repeated.
    const log = socket.executionEvents(workflowRun).map(e => e.seq)
    socket.close()
    const again = await connect(baseUrl, key)
    t.teardown(again.close)
    await again.waitFor(f => f.event === 'auth:ok')
    again.emit('execution:subscribe', workflowRun)
    t.match((await again.waitFor(f => f.event === 'execution:subscribed')).data, { executionId: workflowRun, since: 0 })
    await again.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === workflowRun)
    t.same(again.executionEvents(workflowRun).map(e => e.seq), log, 'the whole log, in order, once')

    // The seed's agentData: no instructions, a config of its own.
    again.emit('agent:create', { name: 'helper', type: 'assistant', capabilities: ['time'], config: { temperature: 0.2 } })
    t.match((await again.waitFor(f => f.event === 'agent:created')).data, { agent: { id: /^agt_/, name: 'helper', capabilities: ['time'], instructions: /helper/, config: { temperature: 0.2 } } })

    // The seed's pluginData may name the app alone: the LLM proposes its actions and platform.
    fake.script({ json: { actions: ['greet a person by name'], platform: 'rest-api' } }, { json: greet() })
    again.emit('plugin:generate', { appName: 'Greeter', description: 'says hello' })
    t.match((await again.waitFor(f => f.event === 'plugin:progress' && f.data.stage === 'accepted')).data, { appName: 'Greeter', executionId: /^exe_/ })
    t.match((await again.waitFor(f => f.event === 'plugin:generated')).data, { plugin: { name: 'Greeter', platform: 'rest-api', actions: ['greet'] }, version: 1 })
    t.match((await again.waitFor(f => f.event === 'notification' && f.data.kind === 'plugin.generated')).data, { id: /./, read: false, title: /Greeter/ }, 'a notification too')

    // A failed run is a notification, stored: a reconnecting client gets the ones it missed.
    const failsLater = (await client.POST('/api/workflows', { body: { name: 'breaks', steps: [{ id: 'check', type: 'condition', expression: '"not a boolean"' }] } })).data!.workflow.id
    again.emit('workflow:execute', { workflowId: failsLater })
    const failedRun = (await again.waitFor(f => f.event === 'workflow:failed')).data.executionId as string
    const told = await again.waitFor(f => f.event === 'notification' && f.data.kind === 'execution.failed')
    t.match(told.data, { data: { executionId: failedRun } })
    const before = new Date(Date.parse(told.data.ts as string) - 1).toISOString()
    again.close()
    const third = await connect(baseUrl, key)
    t.teardown(third.close)
    await third.waitFor(f => f.event === 'auth:ok')
    third.emit('execution:subscribe', { all: true, since: before })
    t.match((await third.waitFor(f => f.event === 'notification' && f.data.id === told.data.id)).data, { kind: 'execution.failed' }, 'replayed after the reconnect')
    t.match((await caller(baseUrl, key)('GET', '/api/notifications')).body.notifications, [{ id: told.data.id }], 'and listed over REST')
    t.equal(again.frames.filter(f => f.event === 'agent:created').length, 1, 'the agent was told once to the socket that made it')
  })
}

t.test('acknowledgements answer requests; errors name the event; a wrong userId or key is refused', async t => {
  const { baseUrl, key, userId } = await user()
  const socket = await sioConnect(baseUrl, { transports: ['websocket'] })
  t.teardown(socket.close)
  t.match(await socket.ask('ping'), { event: 'error', data: { code: 'R3SN_UNAUTHORIZED', message: 'send auth {token} first', event: 'ping' } })
  t.match(await socket.ask('auth', { userId: 'someone-else', token: key }), { event: 'error', data: { code: 'R3SN_FORBIDDEN', message: /not the user of this API key/ } })
  t.match(await socket.ask('auth', { token: 'r3sn_not-a-key' }), { event: 'error', data: { code: 'R3SN_UNAUTHORIZED' } })
  t.same(await socket.ask('auth', { userId, token: key }), { event: 'auth:ok', data: { userId } })
  t.match(await socket.ask('ping'), { event: 'pong', data: { ts: /Z$/ } })
  t.match(await socket.ask('execution:subscribe', 'exe_nope'), { event: 'error', data: { code: 'R3SN_NOT_FOUND', event: 'execution:subscribe' } })
  t.match(await socket.ask('workflow:execute', { workflowId: 'wf', priority: '5' }), { event: 'error', data: { code: 'R3SN_VALIDATION', details: [{ path: 'data/priority' }] } })
  t.match(await socket.ask('teleport', {}), { event: 'error', data: { code: 'R3SN_UNKNOWN_EVENT' } })
  t.notOk(socket.frames.some(f => f.event === 'pong' || f.event === 'auth:ok'), 'an acknowledged request is answered through its acknowledgement only')
  socket.socket.emit('execution:subscribe', 'exe_nope')
  t.match(await socket.waitFor(f => f.event === 'error'), { data: { code: 'R3SN_NOT_FOUND', event: 'execution:subscribe' } }, 'without an acknowledgement the error is an event naming its request')

  const refused = sioConnect(baseUrl, { auth: { token: 'r3sn_not-a-key' }, transports: ['websocket'] })
  await t.rejects(refused, { message: 'Invalid or revoked API key', data: { code: 'R3SN_UNAUTHORIZED' } }, 'a bad key in the handshake is a connect_error')
  const forbidden = await sioConnect(baseUrl, { auth: { token: key, userId: 'someone-else' } }).then(() => null, (err: unknown) => err)
  t.match(forbidden, { data: { code: 'R3SN_FORBIDDEN' } }, 'a userId that is not the key\'s user too')

  // Engine.IO's own refusals leave in the one error shape.
  const bad = await fetch(`${baseUrl}/socket.io/?EIO=4&transport=carrier-pigeon`)
  t.equal(bad.status, 400)
  t.match(await bad.json(), { success: false, code: 'R3SN_BAD_REQUEST', message: /Socket.IO handshake refused: Transport unknown/ })
  t.equal((await fetch(`${baseUrl}/health`)).status, 200, 'other paths still reach the API')
})

t.test('following all of a user\'s runs: REST-started runs and agents reach the socket, and a reconnect replays what was missed', async t => {
  const { baseUrl, key, client, call } = await user()
  const socket = await sioConnect(baseUrl, { auth: { token: key } })
  t.teardown(socket.close)
  await socket.waitFor(f => f.event === 'auth:ok')
  t.same(await socket.ask('execution:subscribe', { all: true }), { event: 'execution:subscribed', data: { all: true } })

  const workflowId = (await client.POST('/api/workflows', { body: twoSteps })).data!.workflow.id
  const run = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id: workflowId } }, body: { triggerData: { n: 1 } } })).data!.executionId
  t.match((await socket.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === run)).data, { result: 20 })
  t.same(socket.executionEvents(run).map(e => e.seq), [...Array(socket.executionEvents(run).length).keys()].map(i => i + 1), 'a run started over REST, from its first event, in order')
  const agent = (await call('POST', '/api/agents', { name: 'rest-made', instructions: 'Help.' })).body.agent
  t.match((await socket.waitFor(f => f.event === 'agent:created')).data, { agent: { id: agent.id } }, 'an agent created over REST reaches the socket')

  // Disconnected: what happens meanwhile is replayed after `since`, the ts of the last event seen.
  const lastSeen = socket.executionEvents(run).at(-1)!.ts as string
  socket.close()
  const missed = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id: workflowId } }, body: { triggerData: { n: 2 } } })).data!.executionId
  const back = await sioConnect(baseUrl, { auth: { token: key } })
  t.teardown(back.close)
  await back.waitFor(f => f.event === 'auth:ok')
  await back.ask('execution:subscribe', { all: true, since: lastSeen })
  t.match((await back.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === missed)).data, { result: 30 })
  t.same(back.executionEvents(missed).map(e => e.seq), [...Array(back.executionEvents(missed).length).keys()].map(i => i + 1), 'the missed run in full, once')
  t.equal(kinds(back.frames, missed).filter(k => k === 'workflow:completed').length, 1)

  t.same(await back.ask('execution:unsubscribe', { all: true }), { event: 'execution:unsubscribed', data: { all: true } })
  const unseen = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id: workflowId } }, body: { triggerData: { n: 3 } } })).data!.executionId
  // A run followed explicitly afterwards arrives, so the one before it would have too.
  await back.ask('execution:subscribe', { executionId: unseen })
  await back.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === unseen)
  const later = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id: workflowId } }, body: { triggerData: { n: 4 } } })).data!.executionId
  const marker = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id: workflowId } }, body: { triggerData: { n: 5 } } })).data!.executionId
  await back.ask('execution:subscribe', marker)
  await back.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === marker)
  t.equal(back.executionEvents(later).length, 0, 'after unsubscribing, other runs are not sent')
})

t.test('a Socket.IO client on one instance follows runs started on another, and a revoked key is disconnected', async t => {
  const a = await onA()
  const b = await onB('other-instance')
  const created = (await caller(a.baseUrl, a.adminKey)('POST', '/api/keys', { user: a.userId })).body
  const key = created.secret as string
  const socket = await sioConnect(a.baseUrl, { auth: { token: key }, transports: ['websocket'] })
  t.teardown(socket.close)
  await socket.waitFor(f => f.event === 'auth:ok')
  await socket.ask('execution:subscribe', { all: true })
  const onOther = caller(b.baseUrl, key)
  const wf = (await onOther('POST', '/api/workflows', twoSteps)).body.workflow.id
  const run = (await onOther('POST', `/api/workflows/${wf as string}/execute`, { triggerData: { n: 9 } })).body.executionId as string
  t.match((await socket.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === run)).data, { result: 100 }, 'seen on A, run on B')

  t.equal((await caller(b.baseUrl, a.adminKey)('DELETE', `/api/keys/${created.key.id as string}`)).status, 200)
  t.match((await socket.waitFor(f => f.event === 'error' && f.data.code === 'R3SN_UNAUTHORIZED')).data, { message: 'API key revoked' })
  t.equal(await socket.disconnected, 'io server disconnect')
})

t.test('the same client over the raw WebSocket: auth with userId, subscribe by bare id, errors with their frame id, all runs', async t => {
  const { app, baseUrl, key, userId, client } = await user()
  const ws = await wsConnect(baseUrl)
  ws.send('auth', { userId: 'someone-else', token: key }, 'a0')
  t.match(await ws.waitFor(f => f.id === 'a0'), { event: 'error', data: { code: 'R3SN_FORBIDDEN' } })
  ws.send('auth', { userId, token: key }, 'a1')
  t.match(await ws.waitFor(f => f.id === 'a1'), { event: 'auth:ok', data: { userId } })

  const workflowId = (await client.POST('/api/workflows', { body: twoSteps })).data!.workflow.id
  const run = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id: workflowId } }, body: { triggerData: { n: 1 }, mode: 'sync' } })).data!.executionId
  ws.ws.send(JSON.stringify({ event: 'execution:subscribe', data: run, id: 's1' }))
  t.match(await ws.waitFor(f => f.id === 's1'), { event: 'execution:subscribed', data: { executionId: run, since: 0 } }, 'a bare id is the execution id')
  await ws.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === run)
  ws.ws.send(JSON.stringify({ event: 'execution:subscribe', data: 42, id: 's2' }))
  t.match(await ws.waitFor(f => f.id === 's2'), { event: 'error', data: { code: 'R3SN_BAD_FRAME' } }, 'a refused frame\'s error carries its id')
  ws.ws.send(JSON.stringify({ event: 'execution:subscribe', data: 'exe_nope', id: 's3' }))
  t.match(await ws.waitFor(f => f.id === 's3'), { event: 'error', data: { code: 'R3SN_NOT_FOUND', event: 'execution:subscribe' } })

  ws.send('execution:subscribe', { all: true }, 'all')
  t.match(await ws.waitFor(f => f.id === 'all'), { event: 'execution:subscribed', data: { all: true } })
  const viaRest = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id: workflowId } }, body: { triggerData: { n: 2 } } })).data!.executionId
  await ws.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === viaRest)
  // Started by this socket while it follows everything: every event once.
  ws.send('workflow:execute', { workflowId, triggerData: { n: 3 } }, 'w')
  const own = (await ws.waitFor(f => f.id === 'w')).data.executionId as string
  await ws.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === own)
  await eventually(async () => ws.executionEvents(own).length >= 4 ? true : undefined, 30_000, 'the run\'s events')
  const seqs = ws.executionEvents(own).map(e => e.seq)
  t.same(seqs, [...new Set(seqs)].sort((x, y) => x - y), 'no event twice')
  t.equal(kinds(ws.frames, own).filter(k => k === 'workflow:completed').length, 1)

  // Following all runs from the middle of one (its later events written straight to the log),
  // then asking for that run from its start: its whole log arrives, with no gap.
  const store = app.orchestrator.store
  const logged = await store.create({ id: userId, admin: false }, { type: 'workflow', plan: [] })
  if (logged === null) throw new Error('no execution')
  await app.orchestrator.waitForEnd(logged._id, 30_000)
  const append = async (n: number) => {
    const seq = (await store.listEvents(logged._id, 0, 1000)).length
    await store.appendEvents({ _id: logged._id, ownerId: userId, type: 'workflow' }, { seq, pending: Array.from({ length: n }, () => ({ type: 'test.tick', data: {} })) })
  }
  const late = await wsConnect(baseUrl, key)
  await late.waitFor(f => f.event === 'auth:ok')
  late.send('execution:subscribe', { all: true }, 'all')
  await late.waitFor(f => f.id === 'all')
  await append(1)
  const firstSeen = await late.waitFor(f => f.event === 'execution:event' && f.data.executionId === logged._id)
  t.ok(firstSeen.data.seq > 1, 'picked up in the middle of its log')
  late.send('execution:subscribe', { executionId: logged._id, since: 0 }, 'from-start')
  await late.waitFor(f => f.id === 'from-start')
  await append(2)
  const whole = (await getEvents(client, logged._id)).map(e => e.seq)
  await eventually(async () => late.executionEvents(logged._id).some(e => e.seq === whole.at(-1)) ? true : undefined, 30_000, 'the last event')
  t.same([...new Set(late.executionEvents(logged._id).map(e => e.seq))].sort((x, y) => x - y), whole, 'from seq 1, with no gap')
  late.ws.close()
  ws.ws.close()
})
