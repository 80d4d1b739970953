import t from 'tap'
import { spawn } from 'node:child_process'
import { build, createUser, getEvents, type WorkflowBody } from '../helper.js'
import { wsConnect } from '../fixtures/ws-client.js'

const slow: WorkflowBody = { name: 'slow', steps: [
  { id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 60_000 } }
] }

t.test('a revoked key closes its sockets with 4401 on every instance, and each refuses the key\'s frames from the moment the key is revoked', async t => {
  const a = await build(t)
  // b reads its inbox rarely: only the per-frame key check can stop this key there.
  const b = await build(t, { mongoDb: a.config.mongoDb, adminKey: a.config.adminKey, wsFanoutPollMs: 600_000 })
  const c = await build(t, { mongoDb: a.config.mongoDb, adminKey: a.config.adminKey })
  const carol = await createUser(a.baseUrl, a.adminKey, 'carol')
  const workflowId = (await carol.client.POST('/api/workflows', { body: slow })).data!.workflow.id
  const executionId = (await carol.client.POST('/api/workflows/{id}/execute', { params: { path: { id: workflowId } }, body: { mode: 'async' } })).data!.executionId
  const other = await createUser(a.baseUrl, a.adminKey, 'carol') // a second key of the same user stays valid

  const sockets = []
  for (const instance of [a, b, c]) {
    const s = await wsConnect(instance.baseUrl, carol.key)
    await s.waitFor(f => f.event === 'auth:ok')
    s.send('execution:subscribe', { executionId }, 'sub')
    await s.waitFor(f => f.id === 'sub')
    sockets.push(s)
  }
  const survivor = await wsConnect(c.baseUrl, other.key)
  await survivor.waitFor(f => f.event === 'auth:ok')
  // Instances learn of each other within a registry heartbeat: wait until a's revocation can reach c.
  await new Promise(resolve => setTimeout(resolve, 2500))
  const [onA, onB, onC] = sockets as [typeof sockets[0], typeof sockets[0], typeof sockets[0]]

  t.equal((await a.client.DELETE('/api/keys/{id}', { params: { path: { id: carol.keyId } } })).response.status, 200)
  t.same(await onA.closed, { code: 4401, reason: 'API key revoked' }, 'the revoking instance closes at once')
  onB.send('workflow:execute', { workflowId }, 'late')
  // b is not told (its inbox is read rarely); its frame is refused, unless b's sweep of open sockets' keys closed the socket first.
  const answer = await Promise.race([onB.waitFor(f => f.id === 'late', 30_000), onB.closed.then(() => null)])
  if (answer !== null) t.match(answer, { event: 'error', data: { code: 'R3SN_UNAUTHORIZED' } }, 'a frame on an instance that has not heard yet is refused')
  t.same(await onB.closed, { code: 4401, reason: 'API key revoked' })
  t.same(await onC.closed, { code: 4401, reason: 'API key revoked' }, 'another instance closes the socket without being sent anything')
  const runs = (await other.client.GET('/api/executions')).data!.executions
  t.same(runs.map(r => r.executionId), [executionId], 'nothing was started with the revoked key')

  survivor.send('ping', {}, 'p')
  t.match(await survivor.waitFor(f => f.id === 'p'), { event: 'pong' }, 'the user\'s other key keeps its socket')
  await t.rejects(wsConnect(b.baseUrl, carol.key), /401/, 'the revoked key cannot open a new socket')
  await carol.client.POST('/api/executions/{id}/cancel', { params: { path: { id: executionId } } })
  await other.client.POST('/api/executions/{id}/cancel', { params: { path: { id: executionId } } })
})

t.test('a key revoked outside the API (npm run key -- revoke) closes its sockets too', async t => {
  const { baseUrl, adminKey, config } = await build(t)
  const erin = await createUser(baseUrl, adminKey, 'erin')
  const s = await wsConnect(baseUrl, erin.key)
  await s.waitFor(f => f.event === 'auth:ok')
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/key.ts', 'revoke', erin.keyId], {
    env: { ...process.env, MONGODB_URI: config.mongodbUri, R3SN_DB_NAME: config.mongoDb }, stdio: 'ignore'
  })
  t.equal(await new Promise(resolve => child.on('exit', resolve)), 0)
  t.same(await s.closed, { code: 4401, reason: 'API key revoked' }, 'closed without sending anything')
})

t.test('subscribing again to what a socket follows answers at once, with no second replay', async t => {
  const { baseUrl, adminKey, client } = await build(t)
  const id = (await client.POST('/api/workflows', { body: { name: 'three', steps: [
    { id: 'a', type: 'transform', expression: '1' },
    { id: 'b', type: 'integration', action: 'core.log', input: { message: 'hi' } }
  ] } })).data!.workflow.id
  const executionId = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: {} })).data!.executionId
  const stored = await getEvents(client, executionId)

  const s = await wsConnect(baseUrl, adminKey)
  await s.waitFor(f => f.event === 'auth:ok')
  s.send('execution:subscribe', { executionId, since: 0 }, 'first')
  await s.waitFor(f => f.event === 'workflow:completed')
  for (let i = 0; i < 20; i++) s.send('execution:subscribe', { executionId, since: 0 }, `again-${i}`)
  t.match(await s.waitFor(f => f.id === 'again-19'), { event: 'execution:subscribed', data: { executionId, since: stored.length } }, 'the answer says where the events go on from')
  s.send('ping', {}, 'p')
  await s.waitFor(f => f.id === 'p')
  t.same(s.executionEvents(executionId).map(e => e.seq), stored.map(e => e.seq), 'each event once')
})

t.test('a replay longer than a page arrives whole, in order, once', async t => {
  const { baseUrl, adminKey, client } = await build(t)
  const steps = Array.from({ length: 70 }, (_, i) => ({ id: `s${i}`, type: 'integration' as const, action: 'core.log', input: { message: `step ${i}` } }))
  const id = (await client.POST('/api/workflows', { body: { name: 'long', steps } })).data!.workflow.id
  const executionId = (await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: {} })).data!.executionId
  const stored = await getEvents(client, executionId, 0)
  t.ok(stored.length > 140, `${stored.length} events: more than a page`)

  const s = await wsConnect(baseUrl, adminKey)
  await s.waitFor(f => f.event === 'auth:ok')
  s.send('execution:subscribe', { executionId }, 'sub')
  await s.waitFor(f => f.event === 'workflow:completed', 15_000)
  t.same(s.executionEvents(executionId).map(e => e.seq), stored.map(e => e.seq))
})

t.test('a storm of frames is refused past the rate with a clear error; every frame is answered, and a ping jumps the queue', async t => {
  const { baseUrl, adminKey } = await build(t, { wsMaxFramesPerSecond: 40 })
  const s = await wsConnect(baseUrl, adminKey)
  await s.waitFor(f => f.event === 'auth:ok')
  for (let i = 0; i < 200; i++) s.send('execution:subscribe', { executionId: `exe_missing_${i}` }, `s${i}`)
  s.send('ping', {}, 'p')
  const pong = await s.waitFor(f => f.id === 'p')
  t.equal(pong.event, 'pong', 'pings have an allowance of their own')
  const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => s.waitFor(f => f.id === `s${i}`, 30_000)))
  const limited = replies.filter(f => f.data.code === 'R3SN_RATE_LIMITED')
  t.ok(limited.length >= 100, `${limited.length} of 200 refused for the rate`)
  t.match(limited[0], { event: 'error', data: { message: /at most 40 per second per connection/ } })
  t.ok(replies.every(f => f.event === 'error' && ['R3SN_RATE_LIMITED', 'R3SN_NOT_FOUND'].includes(f.data.code as string)))
  const lastHandled = Math.max(...replies.map((f, i) => f.data.code === 'R3SN_NOT_FOUND' ? i : -1))
  t.ok(s.frames.indexOf(pong) < s.frames.indexOf(replies[lastHandled]!), 'the pong came before the queued frames were all handled')
})

t.test('a socket that does not read and asks for the same replays again and again costs a bounded number of log reads and holds nobody back', async t => {
  const uri = process.env.MONGODB_URI as string
  const { app, baseUrl, adminKey, client } = await build(t, { mongodbUri: `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`, wsMaxFramesPerSecond: 10_000 })
  const steps = Array.from({ length: 30 }, (_, i) => ({ id: `s${i}`, type: 'integration' as const, action: 'core.log', input: { message: 'x'.repeat(200) } }))
  const id = (await client.POST('/api/workflows', { body: { name: 'chatty', steps } })).data!.workflow.id
  const runs: string[] = []
  for (let i = 0; i < 6; i++) runs.push((await client.POST('/api/workflows/{id}/execute', { params: { path: { id } }, body: {} })).data!.executionId)
  let logReads = 0
  app.mongo.client.on('commandStarted', e => { if (e.commandName === 'find' && e.command.find === 'execution_events') logReads++ })

  const stalled = await wsConnect(baseUrl, adminKey)
  await stalled.waitFor(f => f.event === 'auth:ok')
  ;(stalled.ws as unknown as { _socket: { pause (): void } })._socket.pause()
  for (let round = 0; round < 50; round++) for (const executionId of runs) stalled.send('execution:subscribe', { executionId, since: 0 }, `${round}-${executionId}`)

  const dave = await createUser(baseUrl, adminKey, 'dave')
  const own = (await dave.client.POST('/api/workflows', { body: { name: 'mine', steps: [{ id: 'a', type: 'transform', expression: '1' }] } })).data!.workflow.id
  const d = await wsConnect(baseUrl, dave.key)
  await d.waitFor(f => f.event === 'auth:ok')
  d.send('workflow:execute', { workflowId: own }, 'go')
  await d.waitFor(f => f.event === 'workflow:completed', 30_000)
  t.pass('another user\'s run is followed to its end while the reader is stalled')
  ;(stalled.ws as unknown as { _socket: { resume (): void } })._socket.resume()
  await stalled.waitFor(f => f.id === `49-${runs.at(-1)}`, 30_000)
  for (const executionId of runs) await stalled.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === executionId, 30_000)
  // Each run's log is about 65 events: one page each, and perhaps a read that finds nothing more.
  t.ok(logReads <= runs.length * 2, `${logReads} log reads for 300 subscribes to ${runs.length} runs`)
  t.same(stalled.executionEvents(runs[0]!).map(e => e.seq), (await getEvents(client, runs[0]!)).map(e => e.seq), 'each event once')
})
