import t from 'tap'
import { randomBytes } from 'node:crypto'
import { startFakeLlm, type LlmRequest } from '../fixtures/fake-llm.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { wsConnect } from '../fixtures/ws-client.js'
import { build, caller, getEvents, getExecution, llmConfig, sharedApp } from '../helper.js'

// Two apps for the file, with a fake LLM (forgotten between tests) and offline; each test has a user of its own.
const fake = await startFakeLlm(t)
t.beforeEach(() => { fake.reset() })
const withLlm = sharedApp({ ...llmConfig(fake), encryptionKey: randomBytes(32) })
const offline = sharedApp()

const definition = (over: Record<string, unknown> = {}) => ({
  name: 'fetcher', instructions: 'Fetch what you are asked to and report.', capabilities: ['http'], tools: ['http.request', 'core.time'], ...over
})

t.test('agents CRUD: validated, owned, and 400 on bad input', async t => {
  const { call: alice } = await withLlm('alice')
  const { call: bob } = await withLlm('bob')

  const created = await alice('POST', '/api/agents', definition())
  t.equal(created.status, 201)
  t.match(created.body.agent, { id: /^agt_/, name: 'fetcher', type: 'assistant', tools: ['http.request', 'core.time'], limits: { maxSteps: 10, maxTokens: 50000 }, memoryKey: null, transient: false })
  const id = created.body.agent.id as string

  t.match((await alice('GET', `/api/agents/${id}`)).body.agent, { id, name: 'fetcher' })
  t.same((await alice('GET', '/api/agents')).body.agents.map((a: { id: string }) => a.id), [id])
  const updated = await alice('PUT', `/api/agents/${id}`, definition({ name: 'fetcher 2', limits: { maxSteps: 3, maxTokens: 1000 } }))
  t.match(updated.body.agent, { name: 'fetcher 2', limits: { maxSteps: 3, maxTokens: 1000 } })

  for (const [method, path] of [['GET', `/api/agents/${id}`], ['PUT', `/api/agents/${id}`], ['DELETE', `/api/agents/${id}`], ['POST', `/api/agents/${id}/execute`]] as const) {
    const res = await bob(method, path, method === 'PUT' ? definition() : method === 'POST' ? { action: 'go' } : undefined)
    t.equal(res.status, 404, `another user: ${method} ${path}`)
  }
  t.same((await bob('GET', '/api/agents')).body.agents, [])

  const slackCred = await alice('POST', '/api/credentials', { name: 's', type: 'slack', data: { token: 'xoxb-1' } })
  const bad: [unknown, RegExp][] = [
    [{ instructions: 'x' }, /name/],
    [definition({ tools: ['teleport.now'] }), /unknown tool "teleport\.now"/],
    [definition({ tools: ['slack.postMessage'] }), /needs a credential/],
    [definition({ credentials: { 'core.time': slackCred.body.credential.id } }), /not one of the agent's tools that take a credential/],
    [definition({ tools: ['slack.postMessage'], credentials: { 'slack.postMessage': 'cred_missing' } }), /not found/],
    [definition({ limits: { maxSteps: 0, maxTokens: 1000 } }), /maxSteps/],
    [definition({ extra: true }), /additional/]
  ]
  for (const [body, message] of bad) {
    const res = await alice('POST', '/api/agents', body)
    t.equal(res.status, 400, JSON.stringify(body).slice(0, 80))
    t.match(res.body, { success: false, statusCode: 400, message })
  }
  t.equal((await alice('GET', '/api/agents')).body.agents.length, 1, 'no bad agent was stored')
  const badUpdate = await alice('PUT', `/api/agents/${id}`, definition({ tools: ['teleport.now'] }))
  t.match(badUpdate, { status: 400, body: { message: /unknown tool/ } })
  t.equal((await alice('PUT', `/api/agents/${id}`, { name: 'bad type', type: '9lives' })).status, 400)
  t.match((await alice('GET', `/api/agents/${id}`)).body.agent, { name: 'fetcher 2', tools: ['http.request', 'core.time'] }, 'a refused update changes nothing')
  t.equal((await alice('GET', '/api/agents?transient=maybe')).status, 400)
  t.equal((await alice('POST', `/api/agents/${id}/execute`, { action: 'go', mode: 'later' })).status, 400)
  t.equal((await alice('POST', '/api/agents/execute-prompt', { prompt: 'hi', agentId: 'agt_missing' })).status, 404)
  t.equal((await alice('POST', `/api/agents/${id}/execute`, {})).status, 400, 'execute needs an action')
  t.equal((await alice('POST', '/api/agents/execute-prompt', { prompt: '' })).status, 400)

  t.equal((await alice('DELETE', `/api/agents/${id}`)).status, 200)
  t.equal((await alice('GET', `/api/agents/${id}`)).status, 404)
})

t.test('an agent with the original R3SN\'s fields gets default instructions and keeps its config; a userId not the caller\'s is refused', async t => {
  const { call, userId, baseUrl, key } = await withLlm()
  // As the original's clients send it: no instructions, a free config (keys FerretDB could not store as they are), the owner's id.
  const seed = { name: 'Analyst', type: 'Data-Analysis', capabilities: ['data analysis', 'reporting'], config: { model: 'test-model', temperature: 0.2, 'limits.x': { $ref: 'kept' } } }
  const created = await call('POST', '/api/agents', { ...seed, userId })
  t.equal(created.status, 201)
  t.match(created.body.agent, { name: 'Analyst', type: 'data-analysis', capabilities: ['data analysis', 'reporting'], model: 'test-model', tools: [] })
  t.same(created.body.agent.config, seed.config, 'config comes back as given')
  const instructions = created.body.agent.instructions as string
  t.match(instructions, /^You are Analyst, a data-analysis agent\. You are good at: data analysis, reporting\. /)
  const id = created.body.agent.id as string
  t.same((await call('GET', `/api/agents/${id}`)).body.agent.config, seed.config)

  fake.script({ content: 'Revenue grew.' })
  const ran = await call('POST', `/api/agents/${id}/execute`, { action: 'Summarize the quarter' })
  t.match(ran.body, { status: 'completed', result: { answer: 'Revenue grew.' } })
  t.match((fake.chatRequests()[0] as LlmRequest).body, { model: 'test-model', messages: [{ role: 'system', content: instructions }] }, 'the default instructions are the system prompt')

  const fromConfig = await call('POST', '/api/agents', { name: 'Poet', type: 'automation', capabilities: ['haiku'], config: { instructions: 'Write haiku only.', maxSteps: 3 } })
  t.match(fromConfig.body.agent, { type: 'automation', instructions: 'Write haiku only.', model: null, limits: { maxSteps: 10 }, config: { maxSteps: 3 } }, 'config.instructions stands in; other config keys are only kept')
  const bare = await call('POST', '/api/agents', { name: 'Helper', type: 'automation' })
  t.match(bare.body.agent, { instructions: /^You are Helper, an automation agent\. Work on/, config: {} })

  const refused = await call('POST', '/api/agents', { ...seed, userId: 'someone_else' })
  t.match(refused, { status: 403, body: { success: false, statusCode: 403, code: 'R3SN_FORBIDDEN', message: /userId "someone_else" is not the user of your API key/ } })
  t.match(await call('POST', '/api/agents', { ...seed, config: { notes: 'x'.repeat(9000) } }), { status: 400, body: { message: /config is \d+ bytes of JSON, more than the 8192/ } })
  t.equal((await call('GET', '/api/agents')).body.agents.length, 3, 'nothing was created by the refused ones')

  // Updates take the same fields: a PUT without instructions gets them made again from the new name.
  t.match(await call('PUT', `/api/agents/${id}`, { ...seed, userId: 'someone_else' }), { status: 403 })
  const updated = await call('PUT', `/api/agents/${id}`, { ...seed, name: 'Analyst 2', userId, config: { tone: 'dry' } })
  t.match(updated.body.agent, { name: 'Analyst 2', instructions: /^You are Analyst 2, a data-analysis agent/, model: null })
  t.same(updated.body.agent.config, { tone: 'dry' })

  // The same over the WebSocket (agent:create has the same schema and checks).
  const ws = await wsConnect(baseUrl, key)
  await ws.waitFor(f => f.event === 'auth:ok')
  ws.send('agent:create', { ...seed, name: 'Socket', userId }, 'a1')
  t.match(await ws.waitFor(f => f.id === 'a1'), { event: 'agent:created', data: { agent: { name: 'Socket', type: 'data-analysis', instructions: /^You are Socket/, config: { temperature: 0.2 } } } })
  ws.send('agent:create', { ...seed, name: 'Intruder', userId: 'someone_else' }, 'a2')
  t.match(await ws.waitFor(f => f.id === 'a2'), { event: 'error', data: { code: 'R3SN_FORBIDDEN' } })
  t.notOk((await call('GET', '/api/agents')).body.agents.some((a: { name: string }) => a.name === 'Intruder'))
  ws.ws.close()
})

t.test('an agent makes two tool calls, each a durable step, then answers', async t => {
  const recorder = await startRecorder(t)
  const { client, call } = await withLlm()
  const agent = (await call('POST', '/api/agents', definition())).body.agent
  fake.script(
    { toolCalls: [{ id: 'c1', name: 'http__request', arguments: { url: `${recorder.url}/ok` } }], usage: { prompt_tokens: 100, completion_tokens: 10 } },
    { toolCalls: [{ id: 'c2', name: 'core__time', arguments: {} }], usage: { prompt_tokens: 200, completion_tokens: 10 } },
    { content: 'The service answered ok.', usage: { prompt_tokens: 300, completion_tokens: 20 } }
  )
  const res = await call('POST', `/api/agents/${agent.id as string}/execute`, { action: 'Check the service', params: { service: 'ok' } })
  t.equal(res.status, 200)
  t.match(res.body, { status: 'completed', result: { answer: 'The service answered ok.', turns: 3, usage: { promptTokens: 600, completionTokens: 40 } } })
  t.equal(recorder.requests.length, 1, 'the http tool ran once')

  const execution = await getExecution(client, res.body.executionId)
  t.equal(execution.type, 'agent')
  t.same(execution.steps.map(s => [s.stepId, s.type, s.status]), [
    ['agent', 'agent', 'completed'],
    ['agent_t1_1', 'integration', 'completed'],
    ['agent_turn2', 'agent', 'completed'],
    ['agent_t2_1', 'integration', 'completed'],
    ['agent_turn3', 'agent', 'completed'],
    ['agent_answer', 'transform', 'completed']
  ])
  t.same(execution.usage, { calls: 3, promptTokens: 600, completionTokens: 40 }, 'tokens recorded on the execution')
  t.same(execution.steps.map(s => s.tokens ?? 0), [110, 0, 210, 0, 320, 0], 'and on each turn')
  const learned = (await client.GET('/api/learning')).data!.tools
  t.match(learned.find(x => x.tool === `agent:${agent.id as string}`), { runs: 3, successes: 3, tokens: 640 }, 'the agent\'s turns count as one tool, with their tokens')
  t.match(learned.find(x => x.tool === 'http.request'), { runs: 1, successes: 1, tokens: 0 })

  const [first, second, third] = fake.chatRequests() as [LlmRequest, LlmRequest, LlmRequest]
  t.match(first.body.messages[0], { role: 'system', content: 'Fetch what you are asked to and report.' })
  t.match(first.body.messages[1].content, /Check the service[\s\S]*"service":"ok"/)
  t.same(first.body.tools.map((tool: { function: { name: string } }) => tool.function.name), ['http__request', 'core__time'])
  const toolMessage = second.body.messages.find((m: { role: string }) => m.role === 'tool')
  t.match(toolMessage, { tool_call_id: 'c1' })
  t.match(JSON.parse(toolMessage.content), { status: 200, body: { ok: true, path: '/ok' } }, 'the tool result went back to the LLM')
  t.equal(third.body.messages.filter((m: { role: string }) => m.role === 'tool').length, 2)

  const events = await getEvents(client, res.body.executionId)
  t.ok(events.some(e => e.type === 'step.completed' && e.stepId === 'agent_t1_1'), 'tool calls are visible in events')
  t.equal(events.filter(e => e.type === 'llm.call').length, 3)
})

t.test('a failed tool call goes back to the agent, which decides', async t => {
  const recorder = await startRecorder(t)
  const { call } = await withLlm()
  const agent = (await call('POST', '/api/agents', definition())).body.agent
  fake.script(
    { toolCalls: [{ name: 'http__request', arguments: { url: `${recorder.url}/status/404` } }, { name: 'no_such_tool', arguments: {} }] },
    req => ({ content: `errors seen: ${req.body.messages.filter((m: { role: string, content: string }) => m.role === 'tool' && m.content.includes('error')).length as number}` })
  )
  const res = await call('POST', `/api/agents/${agent.id as string}/execute`, { action: 'fetch it' })
  t.match(res.body, { status: 'completed', result: { answer: 'errors seen: 2' } })
})

t.test('an agent still calling tools at limits.maxSteps stops with a clear status', async t => {
  const fake = await startFakeLlm(t, { fallback: { toolCalls: [{ name: 'core__time', arguments: {} }] } })
  const { baseUrl, adminKey, client } = await build(t, llmConfig(fake))
  const call = caller(baseUrl, adminKey)
  const agent = (await call('POST', '/api/agents', definition({ limits: { maxSteps: 2, maxTokens: 100000 } }))).body.agent
  const res = await call('POST', `/api/agents/${agent.id as string}/execute`, { action: 'loop forever' })
  t.match(res.body, { status: 'failed', error: { code: 'R3SN_AGENT_MAX_STEPS', stepId: 'agent_turn2', message: /limits\.maxSteps \(2\)/ } })
  t.equal(fake.chatRequests().length, 2, 'two turns, then it stopped')
  const execution = await getExecution(client, res.body.executionId)
  t.same(execution.steps.map(s => s.stepId), ['agent', 'agent_t1_1', 'agent_turn2'])

  const tokens = (await call('POST', '/api/agents', definition({ name: 'thrifty', limits: { maxSteps: 10, maxTokens: 100 } }))).body.agent
  fake.script({ toolCalls: [{ name: 'core__time', arguments: {} }], usage: { prompt_tokens: 90, completion_tokens: 20 } })
  const over = await call('POST', `/api/agents/${tokens.id as string}/execute`, { action: 'spend' })
  t.match(over.body, { status: 'failed', error: { code: 'R3SN_AGENT_MAX_TOKENS' } })
})

t.test('a memory key continues one conversation across executions', async t => {
  const { call } = await withLlm()
  const agent = (await call('POST', '/api/agents', definition({ memoryKey: 'main' }))).body.agent
  fake.script({ content: 'Noted: your name is Ada.' }, { content: 'Your name is Ada.' }, { content: 'I do not know.' })
  await call('POST', `/api/agents/${agent.id as string}/execute`, { action: 'My name is Ada' })
  const second = await call('POST', `/api/agents/${agent.id as string}/execute`, { action: 'What is my name?' })
  t.match(second.body.result, { answer: 'Your name is Ada.' })
  const messages = (fake.chatRequests()[1] as LlmRequest).body.messages.map((m: { role: string, content: string }) => `${m.role}: ${m.content}`)
  t.same(messages.slice(1), ['user: My name is Ada', 'assistant: Noted: your name is Ada.', 'user: What is my name?'], 'the first run is remembered')

  await call('POST', `/api/agents/${agent.id as string}/execute`, { action: 'What is my name?', memoryKey: 'fresh' })
  t.equal((fake.chatRequests()[2] as LlmRequest).body.messages.length, 2, 'another key starts a new conversation')
})

t.test('execute-prompt runs a transient assistant; without an LLM agents answer 503', async t => {
  const { call } = await withLlm()
  fake.script({ toolCalls: [{ name: 'core__time', arguments: { timezone: 'Europe/Paris' } }] }, { content: 'It is late.' })
  const res = await call('POST', '/api/agents/execute-prompt', { prompt: 'What time is it in Paris?' })
  t.match(res.body, { status: 'completed', result: { answer: 'It is late.', turns: 2 } })
  const tools = (fake.chatRequests()[0] as LlmRequest).body.tools.map((tool: { function: { name: string } }) => tool.function.name)
  t.ok(tools.includes('http__request') && !tools.includes('slack__postMessage'), 'every action that needs no credential')
  t.same((await call('GET', '/api/agents')).body.agents, [], 'transient agents are not listed by default')
  t.equal((await call('GET', '/api/agents?transient=true')).body.agents.length, 1)

  const { call: offlineCall } = await offline()
  const agent = (await offlineCall('POST', '/api/agents', definition())).body.agent
  const refused = await offlineCall('POST', `/api/agents/${agent.id as string}/execute`, { action: 'go' })
  t.match(refused, { status: 503, body: { code: 'R3SN_UNAVAILABLE', message: /OPENAI_API_KEY/ } })
})

t.test('a prompt plan can define a transient agent and run it as a step', async t => {
  const { client } = await withLlm()
  fake.script(
    { json: { intent: 'ask an agent', agents: [{ name: 'clock', instructions: 'Tell the time.', tools: ['core.time'] }], integrations: [], plugins: [], steps: [{ id: 'ask', type: 'agent', agent: 'clock', input: { prompt: 'time?' } }, { id: 'say', type: 'transform', expression: '"agent said: " & steps.ask_answer.output.answer' }] } },
    { content: 'noon' }
  )
  const res = await client.POST('/api/execute', { body: { prompt: 'ask the clock' } })
  t.match(res.data, { status: 'completed', result: 'agent said: noon', strategy: { agents: [{ name: 'clock' }], steps: [{ id: 'ask', agent: /^agt_/ }] } })
  const agentCall = fake.chatRequests()[1] as LlmRequest
  t.match(agentCall.body.messages[0], { role: 'system', content: 'Tell the time.' })

  fake.script({ json: { intent: 'x', agents: [], integrations: [], plugins: [], steps: [{ id: 'ask', type: 'agent', agent: 'ghost', input: { prompt: 'boo' } }] } })
  const bad = await client.POST('/api/execute', { body: { prompt: 'ask a ghost' } })
  t.match(bad.data, { status: 'failed', error: { code: 'R3SN_PLAN_INVALID', message: /no agent "ghost"/ } })
})
