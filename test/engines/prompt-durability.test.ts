import t from 'tap'
import { caller, eventually, getEvents, getExecution } from '../helper.js'
import { apiClient } from '../client/index.js'
import { startFakeLlm } from '../fixtures/fake-llm.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { sharedDatabase, startServerProcess } from '../fixtures/server-process.js'

t.test('SIGKILL inside an agent tool call of a planned prompt: the resumed run neither plans again nor repeats a turn', async t => {
  const rec = await startRecorder(t)
  const fake = await startFakeLlm(t)
  const { mongoDb, mongodbUri, adminKey } = sharedDatabase(t)
  const env = {
    MONGODB_URI: mongodbUri, R3SN_DB_NAME: mongoDb, R3SN_ADMIN_KEY: adminKey, R3SN_LEASE_MS: '1500', R3SN_POLL_MS: '100',
    R3SN_HTTP_ALLOWED_HOSTS: '127.0.0.1', OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseUrl, R3SN_MODEL: 'test-model'
  }
  fake.script(
    { json: { intent: 'check then ask', integrations: [], plugins: [],
      agents: [{ name: 'checker', instructions: 'Check the URL you are given.', tools: ['http.request'] }],
      steps: [
        { id: 'first', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok/first` } },
        { id: 'ask', type: 'agent', agent: 'checker', input: { prompt: `check ${rec.url}/hang/tool` } }
      ] } },
    { toolCalls: [{ id: 'c1', name: 'http__request', arguments: { url: `${rec.url}/hang/tool` } }] },
    req => ({ content: `the tool said ${req.body.messages.at(-1).content as string}` })
  )
  const first = await startServerProcess(t, env)
  const a = apiClient(first.baseUrl, adminKey)
  const accepted = (await a.POST('/api/execute', { body: { prompt: 'check the service, then ask an agent', mode: 'async' } })).data!
  await rec.waitFor(r => r.path === '/hang/tool')
  t.equal(await first.kill('SIGKILL'), null, 'the instance died inside the tool call')

  const second = await startServerProcess(t, env)
  const b = apiClient(second.baseUrl, adminKey)
  const done = await eventually(async () => {
    const e = await getExecution(b, accepted.executionId)
    return e.status === 'completed' || e.status === 'failed' ? e : undefined
  }, 20_000, 'the second instance to finish the prompt')

  t.equal(done.status, 'completed')
  t.match(done.result, { answer: /the tool said .*resumed/, turns: 2 })
  t.equal(fake.chatRequests().length, 3, 'one plan, two agent turns: nothing asked twice')
  t.equal(rec.requests.filter(r => r.path === '/ok/first').length, 1, 'the step before the crash ran once')
  const toolKey = `${accepted.executionId}:ask_t1_1:1`
  t.same(rec.requests.filter(r => r.path === '/hang/tool').map(r => r.idempotencyKey), [toolKey, toolKey], 'the interrupted tool call ran again with its idempotency key')
  t.same(done.steps.map(s => s.stepId), ['plan', 'first', 'ask', 'ask_t1_1', 'ask_turn2', 'ask_answer'])
  t.same(done.usage.calls, 3)
  const events = await getEvents(b, accepted.executionId)
  t.same(events.map(e => e.seq), events.map((_, i) => i + 1), 'the event log has no gap')
  await second.kill('SIGTERM')
})

t.test('SIGKILL while the LLM repairs a plugin: the resumed generation does not ask again what it was told (its proposal included), and stores one plugin', async t => {
  // Every answer takes a second, so the kill lands while the second round waits for its answer.
  const fake = await startFakeLlm(t, { latencyMs: 1000 })
  const { mongoDb, mongodbUri, adminKey } = sharedDatabase(t)
  const env = {
    MONGODB_URI: mongodbUri, R3SN_DB_NAME: mongoDb, R3SN_ADMIN_KEY: adminKey, R3SN_LEASE_MS: '1500', R3SN_POLL_MS: '100',
    OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseUrl, R3SN_MODEL: 'test-model'
  }
  const manifest = { actions: [{ name: 'double', description: 'Doubles n', input: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] }, output: { type: 'number' } }], egress: [] }
  const tests = [{ action: 'double', input: { n: 2 }, expect: 4 }]
  fake.script(
    { json: { actions: ['double a number'], platform: 'rest-api' } },
    { json: { code: 'export function double ({ n }) { return n + n + 1 }', manifest, tests } },
    { json: { code: 'export function double ({ n }) { return n * 2 }', manifest, tests } }
  )
  const first = await startServerProcess(t, env)
  // {appName} alone: the LLM proposes the actions and platform first (the step "propose").
  const accepted = (await caller(first.baseUrl, adminKey)('POST', '/api/plugins/generate', { appName: 'Doubler', mode: 'async' })).body as { executionId: string }
  await eventually(async () => fake.chatRequests().length === 3 ? true : undefined, 20_000, 'the repair round to ask the LLM')
  t.equal(await first.kill('SIGKILL'), null, 'the instance died while the LLM wrote the repair')

  const second = await startServerProcess(t, env)
  const b = apiClient(second.baseUrl, adminKey)
  const done = await eventually(async () => {
    const e = await getExecution(b, accepted.executionId)
    return e.status === 'completed' || e.status === 'failed' ? e : undefined
  }, 20_000, 'the second instance to finish the generation')

  t.equal(done.status, 'completed')
  t.same(done.steps.map(s => [s.stepId, s.status]), [['propose', 'completed'], ['round1', 'completed'], ['round2', 'completed']])
  const asked = fake.chatRequests()
  t.equal(asked.length, 4, 'neither the proposal nor round 1 was asked again; only the interrupted round 2 was')
  t.same(asked[3]?.body.messages, asked[2]?.body.messages, 'the resumed round sent the same conversation, the proposal and failures included')
  const plugins = (await b.GET('/api/plugins')).data!.plugins
  t.match(plugins, [{ name: 'Doubler', platform: 'rest-api', latestVersion: 1 }], 'one plugin stored, for the proposal')
  t.equal(plugins.length, 1)
  const ran = await b.POST('/api/plugins/{id}/execute', { params: { path: { id: plugins[0]!.id } }, body: { action: 'double', parameters: { n: 21 } } })
  t.match(ran.data, { status: 'completed', result: 42 })
  await second.kill('SIGTERM')
})
