import t from 'tap'
import { randomBytes } from 'node:crypto'
import { startFakeLlm, structuredOutput, type LlmRequest } from '../fixtures/fake-llm.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { wsConnect } from '../fixtures/ws-client.js'
import { greet, greetManifest } from '../fixtures/greet-plugin.js'
import { build, caller, eventually, getEvents, getExecution, llmConfig, runWorkflow, sharedApp, type Answer } from '../helper.js'

// Two apps for the file, offline and with a fake LLM (forgotten between tests); each test has a user of its own.
const fake = await startFakeLlm(t)
t.beforeEach(() => { fake.reset() })
const offline = sharedApp()
const withLlm = sharedApp(llmConfig(fake))

const generateRequest = { appName: 'Greeter', actions: ['greet a person by name'], platform: 'rest-api' }

t.test('a generated plugin that passes its self-tests is stored, and progress is streamed', async t => {
  const { baseUrl, key, client, call } = await withLlm()
  const ws = await wsConnect(baseUrl, key)
  await ws.waitFor(f => f.event === 'auth:ok')
  fake.script({ json: greet() })
  const res = await call('POST', '/api/plugins/generate', generateRequest)
  t.equal(res.status, 201)
  t.match(res.body, { success: true, rounds: 1, plugin: { id: /^plg_/, name: 'Greeter', platform: 'rest-api', latestVersion: 1, actions: ['greet'] }, version: { version: 1, origin: 'generated', testsPassed: 1 } })
  const request = fake.chatRequests()[0] as LlmRequest
  t.equal(request.body.response_format.type, 'json_schema')
  t.match(request.body.messages[1].content, /greet a person by name/)

  const id = res.body.plugin.id as string
  t.same((await call('GET', '/api/plugins')).body.plugins.map((p: { id: string }) => p.id), [id])
  t.match((await call('GET', `/api/plugins/${id}`)).body.version, { code: /export async function greet/, manifest: { actions: [{ name: 'greet' }] } })
  const ran = await call('POST', `/api/plugins/${id}/execute`, { action: 'greet', parameters: { name: 'Grace' } })
  t.match(ran.body, { status: 'completed', result: { message: 'Hello, Grace!' } })
  t.equal((await getExecution(client, ran.body.executionId)).type, 'plugin')

  const stages = ws.frames.filter(f => f.event === 'plugin:progress').map(f => f.data.stage)
  t.same(stages, ['generating', 'testing'])
  t.match(await ws.waitFor(f => f.event === 'plugin:generated'), { data: { plugin: { id }, version: 1, rounds: 1 } })

  // Over the WebSocket: answered at once, the result follows as an event.
  fake.script({ json: greet() })
  ws.send('plugin:generate', { ...generateRequest, appName: 'Greeter WS' }, 'g')
  t.match(await ws.waitFor(f => f.id === 'g'), { event: 'plugin:progress', data: { stage: 'accepted', appName: 'Greeter WS' } })
  t.match(await ws.waitFor(f => f.event === 'plugin:generated' && f.data.plugin.name === 'Greeter WS'), { data: { version: 1 } })
  fake.script(...Array.from({ length: 3 }, () => ({ json: greet('export function greet () { return {} }') })))
  ws.send('plugin:generate', { ...generateRequest, appName: 'Broken' }, 'b')
  t.match(await ws.waitFor(f => f.id === 'b' && f.event === 'error', 10_000), { data: { code: 'R3SN_UNPROCESSABLE', details: { rounds: 3 } } })
})

t.test('a plugin that fails its checks twice is repaired with the failures and then stored', async t => {
  const { call } = await withLlm()
  fake.script(
    { json: greet('export async function greet (input) { return { message: `Hi ${input.name}` } }') },
    { json: greet('export async function greet (input) { return { message: ') },
    { json: greet() }
  )
  const res = await call('POST', '/api/plugins/generate', generateRequest)
  t.match(res.body, { success: true, rounds: 3, version: { version: 1, code: /Hello/ } })
  const [, second, third] = fake.chatRequests() as [LlmRequest, LlmRequest, LlmRequest]
  t.match(second.body.messages.at(-1).content, /expected \{"message":"Hello, Ada!"\}, got \{"message":"Hi Ada"\}/, 'the wrong result went back to the LLM')
  t.match(third.body.messages.at(-1).content, /code: .*(SyntaxError|expecting|unexpected)/i, 'the compile error went back to the LLM')
  t.equal((await call('GET', `/api/plugins/${res.body.plugin.id as string}/versions`)).body.versions.length, 1, 'only the passing code is stored')

  // The generation is a durable execution: one step per LLM answer, the tokens counted on it.
  const execution = (await call('GET', `/api/executions/${res.body.executionId as string}/status`)).body.execution
  t.match(execution, { type: 'plugin-generation', status: 'completed', usage: { calls: 3 } })
  t.same(execution.steps.map((s: { stepId: string, status: string }) => [s.stepId, s.status]), [['round1', 'completed'], ['round2', 'completed'], ['round3', 'completed']])
  t.same(res.body.usage, { promptTokens: execution.usage.promptTokens, completionTokens: execution.usage.completionTokens })
  const rounds = (await call('GET', `/api/executions/${res.body.executionId as string}/events`)).body.events.filter((e: { type: string }) => e.type === 'plugin.round')
  t.same(rounds.map((e: { data: { round: number, passed: boolean } }) => [e.data.round, e.data.passed]), [[1, false], [2, false], [3, true]], 'each round\'s verdict is in the event log')

  fake.script({ json: greet() })
  const queued = await call('POST', '/api/plugins/generate', { ...generateRequest, mode: 'async' })
  t.match(queued, { status: 202, body: { success: true, executionId: /^exe_/, status: /^(queued|running)$/ } }, 'async answers at once with the execution to follow (started here at once when a slot is free)')
})

t.test('a plugin that never passes is refused with its failures and nothing is stored', async t => {
  const fake = await startFakeLlm(t, { fallback: { json: greet('export async function greet () { throw new Error("not implemented") }') } })
  const { baseUrl, adminKey } = await build(t, { ...llmConfig(fake), pluginRepairRounds: 1 })
  const call = caller(baseUrl, adminKey)
  const res = await call('POST', '/api/plugins/generate', generateRequest)
  t.equal(res.status, 422)
  t.match(res.body, { success: false, code: 'R3SN_UNPROCESSABLE', message: /after 2 LLM answers.*not implemented/, details: { rounds: 2, failures: [/test 1 of greet: failed: .*not implemented/] } })
  t.equal(fake.chatRequests().length, 2, 'one answer and one repair round')
  t.same((await call('GET', '/api/plugins')).body.plugins, [])
  const execution = (await call('GET', `/api/executions/${res.body.details.executionId as string}/status`)).body.execution
  t.match(execution, { type: 'plugin-generation', status: 'failed', error: { code: 'R3SN_UNPROCESSABLE', stepId: 'round2', details: { rounds: 2, failures: [/not implemented/] } } }, 'the failed execution keeps the failures')

  t.match(await (await offline()).call('POST', '/api/plugins/generate', generateRequest), { status: 503, body: { message: /OPENAI_API_KEY/ } })
  const wrongKey = await build(t, { ...llmConfig(fake), openaiApiKey: 'sk-wrong-key-1234567890' })
  t.match(await caller(wrongKey.baseUrl, wrongKey.adminKey)('POST', '/api/plugins/generate', generateRequest), { status: 502, body: { code: 'R3SN_LLM_AUTH', message: /rejected the API key/ } }, 'an LLM failure is the upstream\'s: 502, named')
})

t.test('{appName} alone: the LLM first proposes the actions and platform, as a step of the generation, and the plugin is written for them', async t => {
  const { baseUrl, key, call } = await withLlm()
  fake.script({ json: { actions: ['greet a person by name'], platform: 'saas' } }, { json: greet() })
  const res = await call('POST', '/api/plugins/generate', { appName: 'Greeter' })
  t.equal(res.status, 201)
  t.match(res.body, {
    success: true, rounds: 1,
    plugin: { name: 'Greeter', platform: 'saas', description: 'Generated for Greeter: greet a person by name', actions: ['greet'] },
    spec: { actions: ['greet a person by name'], platform: 'saas', proposed: ['actions', 'platform'] }
  })
  const [proposal, round] = fake.chatRequests() as [LlmRequest, LlmRequest]
  t.same(fake.chatRequests().map(structuredOutput), ['PluginProposal', 'Plugin'])
  t.match(proposal.body.messages.at(-1).content, /"appName":"Greeter"/)
  t.match(round.body.messages[1].content, /"actions":\["greet a person by name"\],"platform":"saas"/, 'the plugin is asked for as if the user had given the proposal')
  t.match((await call('GET', `/api/plugins/${res.body.plugin.id as string}`)).body.plugin, { platform: 'saas', description: /greet a person by name/ })

  const execution = (await call('GET', `/api/executions/${res.body.executionId as string}/status`)).body.execution
  t.match(execution, { type: 'plugin-generation', status: 'completed', usage: { calls: 2 } })
  t.same(execution.steps.map((s: { stepId: string, status: string }) => [s.stepId, s.status]), [['propose', 'completed'], ['round1', 'completed']])
  t.same(execution.steps[0].output, { actions: ['greet a person by name'], platform: 'saas' })
  const events = (await call('GET', `/api/executions/${res.body.executionId as string}/events`)).body.events as { type: string, stepId?: string, data: Record<string, unknown> }[]
  t.match(events.find(e => e.type === 'plugin.proposal'), { stepId: 'propose', data: { actions: ['greet a person by name'], platform: 'saas' } })
  t.same(events.filter(e => e.type === 'llm.call').map(e => e.data.purpose), ['plugin-proposal', 'plugin'])

  // Over the WebSocket, with a description: the proposal is cleaned up (trimmed, repeats and blanks dropped).
  const ws = await wsConnect(baseUrl, key)
  await ws.waitFor(f => f.event === 'auth:ok')
  fake.reset()
  fake.script({ json: { actions: ['greet a person by name', ' Greet a person by name ', '  '], platform: ' web ' } }, { json: greet() })
  ws.send('plugin:generate', { appName: 'Greeter WS', description: 'Says hello' }, 'g')
  t.match(await ws.waitFor(f => f.event === 'plugin:generated' && f.data.plugin.name === 'Greeter WS'), { data: { plugin: { platform: 'web', description: 'Says hello' } } })
  t.ok(ws.frames.some(f => f.event === 'plugin:progress' && f.data.stage === 'proposing' && f.data.appName === 'Greeter WS'), 'the proposal shows in the progress')
  t.match((fake.chatRequests()[0] as LlmRequest).body.messages.at(-1).content, /"description":"Says hello"/)
  t.match((fake.chatRequests()[1] as LlmRequest).body.messages[1].content, /"actions":\["greet a person by name"\],"platform":"web"/)
  ws.ws.close()
})

t.test('given actions and platform are used as is, with no proposal call; a bad proposal fails the generation cleanly', async t => {
  const { call } = await withLlm()
  fake.script({ json: greet() })
  const given = await call('POST', '/api/plugins/generate', generateRequest)
  t.match(given, { status: 201, body: { plugin: { platform: 'rest-api' }, spec: { actions: ['greet a person by name'], platform: 'rest-api', proposed: [] } } })
  t.same(fake.chatRequests().map(structuredOutput), ['Plugin'], 'no proposal was asked for')

  fake.reset()
  fake.script({ json: { actions: ['greet a person by name'], platform: 'ignored' } }, { json: greet() })
  const partial = await call('POST', '/api/plugins/generate', { appName: 'Greeter 2', platform: 'rest-api' })
  t.match(partial, { status: 201, body: { plugin: { platform: 'rest-api' }, spec: { platform: 'rest-api', proposed: ['actions'] } } }, 'what is given is kept; only the rest is proposed')

  const bad = [
    { json: { actions: [], platform: 'web' } },
    { json: { actions: ['  '], platform: 'web' } },
    { json: { actions: ['greet'], platform: '   ' } },
    { json: { actions: Array.from({ length: 21 }, (_, i) => `action ${i}`), platform: 'web' } },
    { content: 'Slack sends messages.' }
  ]
  for (const reply of bad) {
    fake.reset()
    fake.script(reply)
    const res = await call('POST', '/api/plugins/generate', { appName: 'Nothing' })
    t.match(res, { status: 422, body: { success: false, statusCode: 422, code: 'R3SN_UNPROCESSABLE', message: /^the LLM proposed no usable actions and platform for Nothing: .+; give actions and platform in the request$/, details: { stage: 'propose', executionId: /^exe_/ } } }, JSON.stringify(reply).slice(0, 60))
    t.equal(fake.chatRequests().length, 1, 'no plugin is asked for after a bad proposal')
    const execution = (await call('GET', `/api/executions/${res.body.details.executionId as string}/status`)).body.execution
    t.match(execution, { status: 'failed', error: { code: 'R3SN_UNPROCESSABLE', stepId: 'propose' } })
    t.same(execution.steps.map((s: { stepId: string, status: string }) => [s.stepId, s.status]), [['propose', 'failed']])
  }
  t.same((await call('GET', '/api/plugins')).body.plugins.map((p: { name: string }) => p.name).sort(), ['Greeter', 'Greeter 2'], 'nothing stored for the bad proposals')
})

t.test('a person writes a plugin: same checks; versions are immutable and pinned steps keep theirs', async t => {
  const { client, call } = await offline()
  const broken = await call('POST', '/api/plugins', { name: 'Greeter', ...greet('export function greet () { return { message: 1 } }') })
  t.match(broken, { status: 422, body: { details: { failures: [/does not match the output schema/] } } })
  const missing = await call('POST', '/api/plugins', { name: 'Greeter', ...greet('export function hello () { return {} }') })
  t.match(missing.body.details.failures, [/action greet is not exported as a function \(exports: hello\)/])

  const created = await call('POST', '/api/plugins', { name: 'Greeter', ...greet() })
  t.equal(created.status, 201)
  t.match(created.body.version, { version: 1, origin: 'written' })
  const id = created.body.plugin.id as string
  const v2 = await call('POST', `/api/plugins/${id}/versions`, {
    code: 'export async function greet (input) { return { message: `Welcome, ${input.name}!` } }',
    manifest: greetManifest(),
    tests: [{ action: 'greet', input: { name: 'Ada' }, assert: 'output.message = "Welcome, " & input.name & "!"' }]
  })
  t.match(v2.body, { plugin: { latestVersion: 2 }, version: { version: 2 } })
  t.match((await call('GET', `/api/plugins/${id}/versions/1`)).body.version, { version: 1, code: /Hello/ }, 'version 1 is unchanged')
  t.equal((await call('POST', `/api/plugins/${id}/versions`, greet('export function greet () { return {} }'))).status, 422)
  t.equal((await call('GET', `/api/plugins/${id}`)).body.plugin.latestVersion, 2, 'a refused version changes nothing')

  const { answer, execution } = await runWorkflow(client, { name: 'greetings', steps: [
    { id: 'pinned', type: 'plugin', plugin: id, pluginVersion: 1, action: 'greet', input: { name: '=trigger.who' } },
    { id: 'latest', type: 'plugin', plugin: id, action: 'greet', input: { name: '=trigger.who' } },
    { id: 'both', type: 'transform', expression: '[steps.pinned.output.message, steps.latest.output.message]' }
  ] }, { who: 'Lin' })
  t.same(answer.result, ['Hello, Lin!', 'Welcome, Lin!'], 'a pinned step runs its version; an unpinned one the latest')
  const events = await getEvents(client, execution.executionId)
  t.same(events.filter(e => e.type === 'plugin.run').map(e => [e.stepId, e.data.version]), [['pinned', 1], ['latest', 2]], 'the execution records the versions it ran')

  const analytics = await call('GET', `/api/plugins/${id}/analytics`)
  t.match(analytics.body, { pluginId: id, actions: [{ action: 'greet', runs: 2, failures: 0 }], versions: [{ version: 1, runs: 1 }, { version: 2, runs: 1 }] })
  t.ok(analytics.body.actions[0].p50DurationMs >= 0 && analytics.body.actions[0].p95DurationMs >= analytics.body.actions[0].p50DurationMs)
})

t.test('plugins reach only their declared egress; a runaway plugin fails alone and the service stays healthy', async t => {
  const recorder = await startRecorder(t)
  const { baseUrl, call } = await offline()
  const fetcher = (egress: string[]) => ({
    name: 'Fetcher',
    code: `export async function fetchIt (input, ctx) { const r = await ctx.fetch(input.url); return { status: r.status, path: r.json.path } }
export function spin () { for (;;) {} }`,
    manifest: {
      actions: [
        { name: 'fetchIt', description: 'GET a URL', input: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] }, output: { type: 'object' } },
        { name: 'spin', description: 'never ends', input: { type: 'object' }, output: { type: 'object' } }
      ],
      egress,
      limits: { cpuMs: 200 }
    },
    tests: [{ action: 'fetchIt', input: { url: 'http://blocked.invalid/' }, expectError: 'egress' }, { action: 'spin', input: {}, expectError: 'CPU' }]
  })
  const allowed = (await call('POST', '/api/plugins', fetcher(['127.0.0.1']))).body.plugin.id as string
  const denied = (await call('POST', '/api/plugins', fetcher(['api.example.com']))).body.plugin.id as string

  const ok = await call('POST', `/api/plugins/${allowed}/execute`, { action: 'fetchIt', parameters: { url: `${recorder.url}/ok` } })
  t.match(ok.body, { status: 'completed', result: { status: 200, path: '/ok' } })
  t.equal(recorder.requests.length, 1)
  const refused = await call('POST', `/api/plugins/${denied}/execute`, { action: 'fetchIt', parameters: { url: `${recorder.url}/ok` } })
  t.match(refused.body, { status: 'failed', error: { code: 'R3SN_EGRESS_DENIED' } })
  t.equal(recorder.requests.length, 1, 'the refused call never left the sandbox')

  const spun = await call('POST', `/api/plugins/${allowed}/execute`, { action: 'spin', parameters: {} })
  t.match(spun.body, { status: 'failed', error: { code: 'R3SN_SANDBOX_CPU' } })
  t.equal((await fetch(`${baseUrl}/health`)).status, 200)
  t.match((await call('POST', `/api/plugins/${allowed}/execute`, { action: 'fetchIt', parameters: { url: `${recorder.url}/ok` } })).body, { status: 'completed' }, 'the next run works')
})

t.test('a plugin gets a credential by reference: the host adds it, the plugin never sees it', async t => {
  const recorder = await startRecorder(t)
  const { baseUrl, adminKey, logs } = await build(t, { httpAllowedHosts: ['127.0.0.1'], encryptionKey: randomBytes(32), logLevel: 'debug' })
  const call = caller(baseUrl, adminKey)
  const secret = `tok_${randomBytes(12).toString('hex')}`
  const credentialId = (await call('POST', '/api/credentials', { name: 'api', type: 'http', data: { token: secret } })).body.credential.id as string
  const plugin = await call('POST', '/api/plugins', {
    name: 'Caller',
    code: 'export async function call (input, ctx) { const r = await ctx.fetch(input.url, { credential: true }); return { status: r.status, seen: JSON.stringify(ctx) + JSON.stringify(globalThis) } }',
    manifest: { actions: [{ name: 'call', description: 'calls', input: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] }, output: { type: 'object' } }], egress: ['127.0.0.1'], credential: { type: 'http' } },
    tests: [{ action: 'call', input: { url: 'http://not-listed.invalid/' }, expectError: 'egress' }]
  })
  const id = plugin.body.plugin.id as string
  const res = await call('POST', `/api/plugins/${id}/execute`, { action: 'call', parameters: { url: `${recorder.url}/ok` }, credentialId })
  t.match(res.body, { status: 'completed', result: { status: 200 } })
  t.equal(recorder.requests[0]?.headers.authorization, `Bearer ${secret}`, 'the destination got the secret')
  t.notMatch(res.text, secret, 'the plugin could not see it')
  t.notMatch(logs.join('\n'), secret)
  const wrongType = (await call('POST', '/api/credentials', { name: 's', type: 'slack', data: { token: 'x' } })).body.credential.id as string
  t.match(await call('POST', `/api/plugins/${id}/execute`, { action: 'call', parameters: { url: `${recorder.url}/ok` }, credentialId: wrongType }), { status: 400, body: { message: /type slack/ } })
})

t.test('agents call plugin actions as tools; the offline planner finds plugins by name and action', async t => {
  const { client, call } = await withLlm()
  const id = (await call('POST', '/api/plugins', { name: 'Greeter', ...greet() })).body.plugin.id as string
  const agent = (await call('POST', '/api/agents', { name: 'host', instructions: 'Greet guests.', tools: [`${id}.greet`] })).body.agent
  fake.script({ toolCalls: [{ name: `${id}__greet`, arguments: { name: 'Ada' } }] }, req => ({ content: `said ${JSON.parse(req.body.messages.at(-1).content).message as string}` }))
  const res = await call('POST', `/api/agents/${agent.id as string}/execute`, { action: 'greet Ada' })
  t.match(res.body, { status: 'completed', result: { answer: 'said Hello, Ada!' } })
  t.match((fake.chatRequests()[0] as LlmRequest).body.tools[0].function, { name: `${id}__greet`, parameters: { required: ['name'] } })
  const execution = await getExecution(client, res.body.executionId)
  t.match(execution.steps.find(s => s.stepId === 'agent_t1_1'), { type: 'plugin', status: 'completed', output: { message: 'Hello, Ada!' } })
  t.equal((await call('POST', '/api/agents', { name: 'x', instructions: 'y', tools: [`${id}.nope`] })).status, 400)

  const { call: offlineCall } = await offline()
  const noArgs = {
    name: 'Ticker', code: 'export function tick () { return { tick: true } }',
    manifest: { actions: [{ name: 'tick', description: 'ticks', input: { type: 'object' }, output: { type: 'object' } }], egress: [] },
    tests: [{ action: 'tick', input: {}, expect: { tick: true } }]
  }
  const clock = (await offlineCall('POST', '/api/plugins', noArgs)).body.plugin.id as string
  const planned = await offlineCall('POST', '/api/execute', { prompt: 'use the ticker plugin to tick' })
  t.match(planned.body, { status: 'completed', planner: 'offline', result: { tick: true }, strategy: { plugins: [clock], steps: [{ type: 'plugin', plugin: clock, action: 'tick' }] } })
})

t.test('bad input to the plugin routes is a 400 (or 404) and changes nothing', async t => {
  const { call } = await offline()
  const { call: bob } = await offline('bob')
  const id = (await call('POST', '/api/plugins', { name: 'Greeter', ...greet() })).body.plugin.id as string
  const bad: [string, string, unknown][] = [
    ['POST', '/api/plugins', { name: 'x', code: 'export function a () {}' }],
    ['POST', '/api/plugins', { name: 'x', ...greet(), extra: 1 }],
    ['POST', '/api/plugins', { name: 'x', ...greet(), manifest: { actions: [], egress: [] } }],
    ['POST', '/api/plugins', { name: 'x', ...greet(), tests: [] }],
    ['POST', '/api/plugins/generate', { appName: 'x', actions: [], platform: 'web' }],
    ['POST', `/api/plugins/${id}/execute`, { action: 'greet', parameters: { name: '' } }],
    ['POST', `/api/plugins/${id}/execute`, { action: 'greet', parameters: { name: 'a', extra: true } }],
    ['POST', `/api/plugins/${id}/execute`, { action: 'wave', parameters: {} }],
    ['POST', `/api/plugins/${id}/execute`, { action: 'greet', parameters: { name: 'a' }, credentialId: 'cred_x' }],
    ['POST', `/api/plugins/${id}/versions`, { code: 'x' }]
  ]
  for (const [method, path, body] of bad) {
    const res = await call(method, path, body)
    t.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body).slice(0, 60)}`)
    t.match(res.body, { success: false, statusCode: 400 })
  }
  t.equal((await call('GET', '/api/executions')).body.executions.length, 0, 'no execution started')
  t.equal((await call('GET', '/api/plugins')).body.plugins.length, 1)
  t.equal((await call('POST', `/api/plugins/${id}/execute`, { action: 'greet', parameters: { name: 'a' }, version: 9 })).status, 404)
  for (const [method, path] of [['GET', `/api/plugins/${id}`], ['GET', `/api/plugins/${id}/versions`], ['POST', `/api/plugins/${id}/execute`], ['GET', `/api/plugins/${id}/analytics`], ['DELETE', `/api/plugins/${id}`]] as const) {
    t.equal((await bob(method, path, method === 'POST' ? { action: 'greet', parameters: { name: 'a' } } : undefined)).status, 404, `another user: ${method} ${path}`)
  }
  t.equal((await call('DELETE', `/api/plugins/${id}`)).status, 200)
  t.equal((await call('GET', `/api/plugins/${id}`)).status, 404)
})

/** A plugin whose one action loops when asked to: its self-tests either loop to the CPU limit or return at once. */
const spinner = (tests: { input: { forever: boolean }, expectError?: string, expect?: unknown }[], cpuMs: number) => ({
  name: 'Spinner',
  code: 'export function spin (input) { if (input.forever) for (;;) {} return {} }',
  manifest: {
    actions: [{ name: 'spin', description: 'loops when asked to', input: { type: 'object', properties: { forever: { type: 'boolean' } }, required: ['forever'] }, output: { type: 'object' } }],
    egress: [],
    limits: { cpuMs }
  },
  tests: tests.map(test => ({ action: 'spin', ...test }))
})

t.test('30 looping self-tests run off the event loop: /health answers all along and the pool shows the work', async t => {
  const { baseUrl, call } = await offline()
  const order: string[] = []
  let created: Answer | undefined
  const creating = call('POST', '/api/plugins', spinner(Array.from({ length: 30 }, () => ({ input: { forever: true }, expectError: 'CPU' })), 200))
    .then(res => { created = res; order.push('created') })
  let sawBusy = false
  while (created === undefined) {
    const health = await fetch(`${baseUrl}/health`)
    order.push(`health ${health.status}`)
    const { sandbox } = (await call('GET', '/api/engines/status')).body.engines
    if (created === undefined && sandbox.running > 0) sawBusy = true
  }
  await creating
  t.match(created, { status: 201, body: { version: { testsPassed: 30 } } }, 'every looping test hit its CPU limit, as it expects')
  const before = order.indexOf('created')
  t.ok(before >= 10, `${before} /health requests were answered while the self-tests looped`)
  t.same(new Set(order.slice(0, before)), new Set(['health 200']), 'each of them with 200')
  t.ok(sawBusy, 'GET /api/engines/status showed the sandbox running the tests meanwhile')
  const { sandbox } = (await call('GET', '/api/engines/status')).body.engines
  t.match(sandbox, { initialized: true, poolSize: Number, workers: Number, busy: 0, running: 0, queued: 0, maxQueued: 1000 })
  t.ok(sandbox.runs >= 30 && sandbox.failures >= 30)
})

t.test('the self-tests of one plugin have a total CPU budget: over it is a 400 naming body/tests', async t => {
  const { call } = await offline()
  const quick = { input: { forever: false }, expect: {} }
  const over = await call('POST', '/api/plugins', spinner([quick, quick, quick], 60_000))
  t.match(over, {
    status: 400,
    body: {
      success: false, statusCode: 400, code: 'R3SN_VALIDATION',
      message: /^body\/tests 3 self-tests at limits\.cpuMs 60000 ms each ask for 180000 ms of CPU, more than the 120000 ms/,
      details: [{ path: 'body/tests', message: /180000 ms of CPU/ }]
    }
  })
  const defaults = spinner(Array.from({ length: 100 }, () => quick), 1000)
  t.match(await call('POST', '/api/plugins', { ...defaults, manifest: { ...defaults.manifest, limits: {} } }), { status: 201 }, '100 tests at the default 1000 ms are within the budget')
  const atBudget = await call('POST', '/api/plugins', spinner([quick, quick], 60_000))
  t.equal(atBudget.status, 201, 'exactly the budget is allowed')
  const id = atBudget.body.plugin.id as string
  const { name, ...source } = spinner([quick, quick, quick], 60_000)
  t.match(await call('POST', `/api/plugins/${id}/versions`, source), { status: 400, body: { code: 'R3SN_VALIDATION', details: [{ path: 'body/tests' }] } }, 'a new version too')
  t.match(await call('POST', '/api/plugins', spinner(Array.from({ length: 101 }, () => quick), 1)), { status: 400, body: { details: [{ path: 'body/tests' }] } }, 'at most 100 tests')
  t.equal((await call('GET', `/api/plugins/${id}`)).body.plugin.latestVersion, 1, 'nothing was added')
  t.equal((await call('GET', '/api/plugins')).body.plugins.length, 2)
})

t.test('cancelling a plugin execution stops its looping run in the sandbox', async t => {
  const { call } = await offline()
  const id = (await call('POST', '/api/plugins', spinner([{ input: { forever: false }, expect: {} }], 60_000))).body.plugin.id as string
  const started = await call('POST', `/api/plugins/${id}/execute`, { action: 'spin', parameters: { forever: true }, mode: 'async' })
  t.equal(started.status, 202)
  const executionId = started.body.executionId as string
  const sandbox = async () => (await call('GET', '/api/engines/status')).body.engines.sandbox
  await eventually(async () => (await sandbox()).running === 1 ? true : undefined, 30_000, 'the run to start in the sandbox')
  const cancelled = await call('POST', `/api/executions/${executionId}/cancel`)
  t.equal(cancelled.status, 200, 'the cancel request is answered while the plugin loops')
  await eventually(async () => (await call('GET', `/api/executions/${executionId}/status`)).body.execution.status === 'cancelled' ? true : undefined, 30_000, 'the execution to be cancelled')
  t.match(await eventually(async () => { const s = await sandbox(); return s.running === 0 ? s : undefined }, 30_000, 'the sandbox to let go of the run'), { running: 0, restarts: 0 }, 'the loop stopped (its 60 s of CPU were not spent)')
  const ran = await call('POST', `/api/plugins/${id}/execute`, { action: 'spin', parameters: { forever: false } })
  t.match(ran.body, { status: 'completed', result: {} }, 'the next run works')
})
