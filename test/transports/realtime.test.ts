import t from 'tap'
import { randomBytes, randomUUID } from 'node:crypto'
import { build, caller, eventually, getEvents, llmConfig, sharedApp, type WorkflowBody } from '../helper.js'
import { wsConnect } from '../fixtures/ws-client.js'
import { startFakeLlm } from '../fixtures/fake-llm.js'

// One app for the tests that need no config of their own (each test has a user of its own),
// and one pair of instances on one database for the tests across instances.
const fake = await startFakeLlm(t)
const user = sharedApp({ ...llmConfig(fake), wsAuthTimeoutMs: 400 })
const pair = { mongoDb: `t_${randomUUID().slice(0, 8)}`, adminKey: `admin_${randomBytes(24).toString('base64url')}` }
const onA = sharedApp(pair)
const onB = sharedApp(pair)

const threeSteps: WorkflowBody = { name: 'three', steps: [
  { id: 'a', type: 'transform', expression: 'trigger.n + 1' },
  { id: 'b', type: 'integration', action: 'core.log', input: { message: 'hello' } },
  { id: 'c', type: 'transform', expression: 'steps.a.output * 10' }
] }

t.test('auth by header or by a first auth frame; anything else first gets an error; silence is closed', async t => {
  const { baseUrl, key, userId } = await user()
  const byHeader = await wsConnect(baseUrl, key)
  t.match((await byHeader.waitFor(f => f.event === 'auth:ok')).data, { userId })
  byHeader.ws.close()

  const byFrame = await wsConnect(baseUrl)
  byFrame.send('ping', {}, 'p1')
  t.match(await byFrame.waitFor(f => f.event === 'error'), { id: 'p1', data: { code: 'R3SN_UNAUTHORIZED', message: 'send auth {token} first' } })
  byFrame.send('auth', { token: 'r3sn_wrong' }, 'a0')
  t.match(await byFrame.waitFor(f => f.id === 'a0'), { event: 'error', data: { code: 'R3SN_UNAUTHORIZED' } })
  byFrame.send('auth', { token: key }, 'a1')
  t.match(await byFrame.waitFor(f => f.event === 'auth:ok'), { id: 'a1', data: { userId } })
  byFrame.send('ping', {}, 'p2')
  t.match(await byFrame.waitFor(f => f.event === 'pong'), { id: 'p2' })
  byFrame.ws.close()

  await t.rejects(wsConnect(baseUrl, 'r3sn_wrong'), /Unexpected server response: 401/, 'a wrong key in the upgrade request is refused before the socket opens')

  const silent = await wsConnect(baseUrl)
  t.same(await silent.closed, { code: 4401, reason: 'authenticate within the time limit' })
})

t.test('malformed frames, unknown events and bad payloads get an error and the connection stays usable', async t => {
  const { baseUrl, key } = await user()
  const c = await wsConnect(baseUrl, key)
  await c.waitFor(f => f.event === 'auth:ok')
  c.ws.send('{not json')
  t.match(await c.waitFor(f => f.event === 'error' && f.data.code === 'R3SN_BAD_FRAME'), { data: { message: /JSON object/ } })
  c.ws.send(JSON.stringify({ data: {} }))
  t.match(await c.waitFor(f => f.event === 'error' && /frame/.test(f.data.message) && f.data.message !== c.frames[1]?.data.message), { data: { code: 'R3SN_BAD_FRAME' } })
  c.send('teleport', {}, 'u')
  t.match(await c.waitFor(f => f.id === 'u'), { event: 'error', data: { code: 'R3SN_UNKNOWN_EVENT', message: 'unknown event "teleport"' } })
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    c.send(name, {}, `proto-${name}`)
    t.match(await c.waitFor(f => f.id === `proto-${name}`), { event: 'error', data: { code: 'R3SN_UNKNOWN_EVENT', message: `unknown event "${name}"` } }, `"${name}" is an unknown event, not a member of Object.prototype`)
  }
  c.send('execution:subscribe', { executionId: 42 }, 'v')
  t.match(await c.waitFor(f => f.id === 'v'), { event: 'error', data: { code: 'R3SN_VALIDATION', message: /execution:subscribe: data\/executionId/ } })
  c.send('plugin:generate', { appName: 'x', actions: [] }, 'w')
  t.match(await c.waitFor(f => f.id === 'w'), { event: 'error', data: { code: 'R3SN_VALIDATION', message: /plugin:generate: data/ } })
  c.send('prompt:execute', { prompt: '' }, 'w2')
  t.match(await c.waitFor(f => f.id === 'w2'), { event: 'error', data: { code: 'R3SN_VALIDATION', message: /prompt:execute: data\/prompt/ } })
  c.send('agent:create', { name: 'a', instructions: 'b', tools: ['teleport.now'] }, 'w3')
  t.match(await c.waitFor(f => f.id === 'w3'), { event: 'error', data: { code: 'R3SN_BAD_REQUEST', message: /unknown tool/ } })
  c.send('workflow:execute', { workflowId: 'wf_a\u0000b' }, 'nul')
  t.match(await c.waitFor(f => f.id === 'nul'), { event: 'error', data: { code: 'R3SN_VALIDATION', message: /workflow:execute: data\/workflowId/ } }, 'the HTTP boundary\'s checks apply to frames: a NUL is refused, not sent to the database')
  c.send('ping', {}, 'still')
  t.match(await c.waitFor(f => f.id === 'still'), { event: 'pong' })
})

t.test('a workflow run is observed event by event, and engine status counts the client', async t => {
  const { baseUrl, key, client } = await user()
  const id = (await client.POST('/api/workflows', { body: threeSteps })).data!.workflow.id
  const connected = async () => (await client.GET('/api/engines/status')).data?.engines.realtimeEngine?.connectedClients as number
  const before = await connected()
  const c = await wsConnect(baseUrl, key)
  await c.waitFor(f => f.event === 'auth:ok')
  t.equal(await connected(), before + 1)

  c.send('workflow:execute', { workflowId: id, triggerData: { n: 1 } }, 'run')
  const accepted = await c.waitFor(f => f.id === 'run')
  t.match(accepted, { event: 'workflow:progress', data: { workflowId: id } })
  const executionId = accepted.data.executionId as string
  t.match((await c.waitFor(f => f.event === 'workflow:completed')).data, { executionId, result: 20 })
  const seen = c.executionEvents(executionId)
  const stored = await getEvents(client, executionId)
  t.same(seen.map(e => e.seq), stored.map(e => e.seq), 'every stored event, in order, once')
  t.same(seen.map(e => e.type), stored.map(e => e.type))
  t.ok(seen.every(e => typeof e.ts === 'string' && e.executionId === executionId))
  t.same(seen.filter(e => e.stepId !== undefined).map(e => `${e.type}:${e.stepId}`), ['step.completed:a', 'step.started:b', 'step.completed:b', 'step.completed:c'])
})

t.test('resubscribing with since after a disconnect mid-run gets every event exactly once, in order', async t => {
  const { baseUrl, key, client } = await user()
  const id = (await client.POST('/api/workflows', { body: { name: 'slow', steps: [
    { id: 'one', type: 'integration', action: 'core.delay', input: { ms: 300 } },
    { id: 'two', type: 'integration', action: 'core.delay', input: { ms: 300 } },
    { id: 'three', type: 'integration', action: 'core.delay', input: { ms: 300 } }
  ] } })).data!.workflow.id
  const first = await wsConnect(baseUrl, key)
  await first.waitFor(f => f.event === 'auth:ok')
  first.send('workflow:execute', { workflowId: id }, 'go')
  const executionId = (await first.waitFor(f => f.id === 'go')).data.executionId as string
  await first.waitFor(f => f.event === 'execution:event' && f.data.type === 'step.completed' && f.data.stepId === 'one')
  first.ws.close()
  const before = first.executionEvents(executionId)
  const lastSeq = before.at(-1)!.seq as number

  await new Promise(resolve => setTimeout(resolve, 400)) // events go on while nobody listens
  const second = await wsConnect(baseUrl, key)
  await second.waitFor(f => f.event === 'auth:ok')
  second.send('execution:subscribe', { executionId, since: lastSeq }, 'sub')
  t.match(await second.waitFor(f => f.id === 'sub'), { event: 'execution:subscribed', data: { executionId, since: lastSeq } })
  await second.waitFor(f => f.event === 'workflow:completed', 5000)
  const after = second.executionEvents(executionId)
  const all = [...before, ...after].map(e => e.seq)
  t.same(all, all.map((_, i) => i + 1), 'seq 1..n, no gap, no duplicate across the two connections')
  t.equal(all.length, (await getEvents(client, executionId)).length)
})

t.test('another user\'s execution is refused as not found', async t => {
  const { baseUrl, client } = await user()
  const id = (await client.POST('/api/workflows', { body: threeSteps })).data!.workflow.id
  const run = await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { triggerData: { n: 1 } } })
  const bob = await user('bob')
  const c = await wsConnect(baseUrl, bob.key)
  await c.waitFor(f => f.event === 'auth:ok')
  c.send('execution:subscribe', { executionId: run.data!.executionId }, 's')
  t.match(await c.waitFor(f => f.id === 's'), { event: 'error', data: { code: 'R3SN_NOT_FOUND' } })
  c.send('workflow:execute', { workflowId: id }, 'w')
  t.match(await c.waitFor(f => f.id === 'w'), { event: 'error', data: { code: 'R3SN_NOT_FOUND' } })
  await new Promise(resolve => setTimeout(resolve, 200))
  t.equal(c.frames.filter(f => f.event === 'execution:event').length, 0, 'none of its events leak')
})

t.test('a client on one instance sees live events of an execution running on another', async t => {
  const a = await onA()
  const b = { ...await onB('b'), client: a.client, key: a.key }
  const id = (await a.client.POST('/api/workflows', { body: { name: 'slow', steps: [
    { id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 800 } },
    { id: 'done', type: 'transform', expression: '"done"' }
  ] } })).data!.workflow.id
  const executionId = (await a.client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { mode: 'async' } })).data!.executionId
  const started = await eventually(async () => (await getEvents(a.client, executionId)).find(e => e.type === 'step.started'), 5000, 'the run to start')
  const runner = (await getEvents(a.client, executionId)).find(e => e.type === 'execution.started')!.data.instance
  const other = runner === a.app.orchestrator.instanceId ? b : a
  t.not(other.app.orchestrator.instanceId, runner)

  const c = await wsConnect(other.baseUrl, a.key)
  await c.waitFor(f => f.event === 'auth:ok')
  c.send('execution:subscribe', { executionId, since: started.seq }, 'sub')
  await c.waitFor(f => f.id === 'sub')
  const subscribedAt = Date.now()
  await c.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === executionId, 8000)
  const live = c.executionEvents(executionId)
  t.same(live.map(e => e.type), ['step.completed', 'step.completed', 'execution.completed'], 'everything after the subscription point, once')
  t.ok(Date.parse(live[0]!.ts) >= subscribedAt - 50, 'written after the client subscribed, so it came live through the fan-out')
  t.same(live.map(e => e.seq), live.map((_, i) => started.seq + 1 + i))
})

t.test('a reader that stops reading is cut off at the buffer limit with a clear close code', async t => {
  const { baseUrl, adminKey, client, logs } = await build(t, { wsMaxBufferedBytes: 256 * 1024, logLevel: 'info' })
  const c = await wsConnect(baseUrl, adminKey)
  await c.waitFor(f => f.event === 'auth:ok')
  const socket = (c.ws as unknown as { _socket: { pause (): void, resume (): void } })._socket
  socket.pause() // a stalled reader, owed far more replies than the socket buffers can hold
  const frame = JSON.stringify({ event: 'ping', data: { pad: 'x'.repeat(100) }, id: 'p' })
  for (let i = 0; i < 100_000; i++) c.ws.send(frame)
  // Paused until the server gives up on it, however long a loaded machine takes to get there.
  await eventually(async () => logs.find(l => l.includes('realtime reader too slow')), 60_000, 'the server to see the reader stall')
  socket.resume()
  const closed = await Promise.race([c.closed, new Promise<null>(resolve => setTimeout(() => resolve(null), 15_000))])
  t.equal(closed?.code, 4008)
  t.match(closed?.reason, /slow consumer/)
  t.ok(c.frames.filter(f => f.event === 'pong').length < 100_000, 'it was cut off before getting every reply')
  t.equal((await client.GET('/ready')).response.status, 200, 'the server is fine')
})

t.test('limits: frame size, subscriptions per socket, connections per user; dead connections are dropped', async t => {
  // (A heartbeat of 1 s: a live client answers each ping within it even on a loaded machine.)
  const { baseUrl, adminKey, client } = await build(t, { wsMaxFrameBytes: 1024, wsMaxSubscriptions: 2, wsMaxConnectionsPerUser: 2, wsHeartbeatMs: 1000 })
  const id = (await client.POST('/api/workflows', { body: threeSteps })).data!.workflow.id
  const runs: string[] = []
  for (let i = 0; i < 3; i++) runs.push((await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: { triggerData: { n: i } } })).data!.executionId)

  const c = await wsConnect(baseUrl, adminKey)
  await c.waitFor(f => f.event === 'auth:ok')
  c.send('execution:subscribe', { executionId: runs[0] }, 's0')
  c.send('execution:subscribe', { executionId: runs[1] }, 's1')
  c.send('execution:subscribe', { executionId: runs[2] }, 's2')
  t.match(await c.waitFor(f => f.id === 's2'), { event: 'error', data: { code: 'R3SN_LIMIT', message: 'at most 2 subscriptions per connection' } })
  c.send('workflow:execute', { workflowId: id }, 'w3')
  t.match(await c.waitFor(f => f.id === 'w3'), { event: 'error', data: { code: 'R3SN_LIMIT' } })
  t.equal((await client.GET('/api/executions')).data!.executions.length, 3, 'a run refused over the limit is not started')

  const second = await wsConnect(baseUrl, adminKey)
  await second.waitFor(f => f.event === 'auth:ok')
  const third = await wsConnect(baseUrl, adminKey)
  t.same(await Promise.race([third.closed, new Promise(resolve => setTimeout(() => resolve('still open after 10 s'), 10_000))]), { code: 4429, reason: 'at most 2 connections per user' })

  second.ws.send(JSON.stringify({ event: 'ping', data: { pad: 'x'.repeat(2000) } }))
  t.equal((await second.closed).code, 1009, 'a frame over the limit closes the socket with 1009')

  const socket = (c.ws as unknown as { _socket: { pause (): void } })._socket
  t.equal((await client.GET('/api/engines/status')).data?.engines.realtimeEngine?.connectedClients, 1)
  socket.pause() // no pong comes back any more
  await eventually(async () => (await client.GET('/api/engines/status')).data?.engines.realtimeEngine?.connectedClients === 0 ? true : undefined, 10_000, 'the dead connection to be dropped')
  t.pass('a connection that stops answering pings is dropped')
})

t.test('engines publish user events to every socket of that user, on every instance', async t => {
  const a = await onA('alice')
  const b = await onB('bob')
  const bob = b
  const adminOnB = await wsConnect(b.baseUrl, a.key)
  const adminOnA = await wsConnect(a.baseUrl, a.key)
  const bobOnB = await wsConnect(b.baseUrl, bob.key)
  await Promise.all([adminOnB, adminOnA, bobOnB].map(c => c.waitFor(f => f.event === 'auth:ok')))
  // Instances learn of each other within a registry heartbeat (live user events are not replayed).
  await eventually(async () => a.app.orchestrator.instances.peers().length === 1 ? true : undefined, 5000, 'instance a to see b')
  await a.app.realtime.publish(a.userId, 'notification', { text: 'deploy finished' })
  // (Only this one: the users' own key.created notifications may arrive too.)
  const deploy = (f: { event: string, data: Record<string, unknown> }) => f.event === 'notification' && f.data.text === 'deploy finished'
  t.same((await adminOnB.waitFor(deploy)).data, { text: 'deploy finished' }, 'reaches the user on the other instance')
  t.same((await adminOnA.waitFor(deploy)).data, { text: 'deploy finished' }, 'and on this one')
  await new Promise(resolve => setTimeout(resolve, 500))
  t.equal(bobOnB.frames.filter(deploy).length, 0, 'never another user')
  t.equal(adminOnA.frames.filter(deploy).length, 1, 'exactly once')
})

t.test('prompt:execute streams the plan as it is written, then reports the result; agent:create answers agent:created', async t => {
  const { baseUrl, key } = await user()
  const plan = { intent: 'tell the time', agents: [], integrations: ['core.time'], plugins: [], steps: [{ id: 'now', type: 'integration', action: 'core.time', input: {} }] }
  fake.script({ json: plan })
  const c = await wsConnect(baseUrl, key)
  await c.waitFor(f => f.event === 'auth:ok')
  c.send('prompt:execute', { prompt: 'what time is it?' }, 'p')
  const accepted = await c.waitFor(f => f.id === 'p')
  t.match(accepted, { event: 'prompt:progress', data: { executionId: /^exe_/, prompt: 'what time is it?' } })
  const executionId = accepted.data.executionId as string
  const done = await c.waitFor(f => f.event === 'prompt:completed' && f.data.executionId === executionId)
  t.ok(Date.parse(done.data.result.iso) > 0, 'the result arrives')
  t.equal(fake.chatRequests()[0]?.body.stream, true, 'the plan was requested as a stream')
  const streamed = c.frames.filter(f => f.event === 'prompt:progress' && f.data.stage === 'planning').map(f => f.data.tokens as string).join('')
  t.same(JSON.parse(streamed), plan, 'the streamed tokens make up the whole plan')
  t.ok(c.frames.some(f => f.event === 'execution:event' && f.data.type === 'prompt.planned'))

  c.send('agent:create', { name: 'helper', instructions: 'help', tools: ['core.time'] }, 'a')
  t.match(await c.waitFor(f => f.id === 'a'), { event: 'agent:created', data: { agent: { id: /^agt_/, name: 'helper' } } })
})

t.test('a WebSocket command answers as its HTTP route does: the same checks, the same R3SN_* errors (one command layer)', async t => {
  const { baseUrl, adminKey, client } = await build(t) // no LLM configured
  const call = caller(baseUrl, adminKey)
  const c = await wsConnect(baseUrl, adminKey)
  await c.waitFor(f => f.event === 'auth:ok')
  const ask = async (event: string, data: object, id: string) => { c.send(event, data, id); return await c.waitFor(f => f.id === id) }

  // plugin:generate without an LLM: refused at once, as POST /api/plugins/generate is, and nothing is started.
  const generate = { appName: 'Greeter', actions: ['greet a person by name'], platform: 'rest-api' }
  const http = await call('POST', '/api/plugins/generate', generate)
  t.match(http, { status: 503, body: { code: 'R3SN_UNAVAILABLE', message: /OPENAI_API_KEY/ } })
  const ws = await ask('plugin:generate', generate, 'g')
  t.same(ws, { event: 'error', id: 'g', data: { code: http.body.code, message: http.body.message, event: 'plugin:generate' } }, 'the same code and message over the WebSocket, naming the event it answers')
  t.same((await client.GET('/api/executions')).data!.executions, [], 'no generation was queued by either')

  // The same validator as the HTTP API: lengths in characters (a 10,000-character prompt of astral
  // characters fits maxLength 10,000 over HTTP), and the same details.
  const astral = '\u{1F600}'.repeat(10_000)
  t.equal((await call('POST', '/api/execute', { prompt: astral, mode: 'async' })).status, 202)
  t.match(await ask('prompt:execute', { prompt: astral }, 'p'), { event: 'prompt:progress', data: { executionId: /^exe_/ } }, 'accepted over the WebSocket too')
  const wf = (await client.POST('/api/workflows', { body: threeSteps })).data!.workflow.id
  const refused = await call('POST', `/api/workflows/${wf}/execute`, { priority: 11 })
  t.match(refused.body, { code: 'R3SN_VALIDATION', details: [{ path: 'body/priority', keyword: 'maximum' }] })
  t.match(await ask('workflow:execute', { workflowId: wf, priority: 11 }, 'w'), {
    event: 'error', data: { code: 'R3SN_VALIDATION', message: /^workflow:execute: data\/priority must be <= 10$/, details: [{ path: 'data/priority', keyword: 'maximum', message: refused.body.details[0].message }] }
  }, 'an error frame carries the same details, with data/ for body/')
})
