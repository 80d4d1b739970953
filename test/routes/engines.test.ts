import t from 'tap'
import fp from 'fastify-plugin'
import { buildApp } from '../../app.js'
import { testConfig } from '../helper.js'

t.test('engine status lists exactly the engines that registered a status function', async t => {
  const config = testConfig()
  const app = buildApp(config)
  t.teardown(async () => { await app.mongo.db.dropDatabase(); await app.close() })
  await app.ready()
  const headers = { authorization: `Bearer ${config.adminKey}` }
  const none = await app.inject({ url: '/api/engines/status', headers })
  t.same(Object.keys(none.json().engines).sort(), ['agentEngine', 'integrationHub', 'orchestrator', 'pluginFactory', 'realtimeEngine', 'sandbox', 'selfDebuggingEngine', 'selfEvolvingEngine', 'universalExecutor'], 'the engines that exist, and only those')
  t.match(none.json().engines.orchestrator, { initialized: true, activeExecutions: 0, historySize: 0 })
  t.match(none.json().engines.universalExecutor, { initialized: true, planner: 'offline', model: null, plans: { llm: 0, offline: 0, rejected: 0 } }, 'no key: the offline planner')
  t.match(none.json().engines.agentEngine, { initialized: true, llmConfigured: false, agents: 0, runs: 0 })
  t.match(none.json().engines.integrationHub, { initialized: true, actions: 9, credentials: 0, encryptionKey: false })
  t.match(none.json().engines.pluginFactory, { initialized: true, plugins: 0, generated: 0, rejected: 0, runs: 0, sandbox: { runs: 0, failures: 0 } })

  let runs = 0
  const withEngine = buildApp({ ...config })
  withEngine.register(fp(async (app) => {
    app.engineStatus.register('demoEngine', () => ({ initialized: true, runs: ++runs }))
  }, { name: 'demo-engine', dependencies: ['engine-status'] }))
  t.teardown(() => withEngine.close())
  await withEngine.ready()
  const listed = await withEngine.inject({ url: '/api/engines/status', headers })
  t.same(listed.json().engines.demoEngine, { initialized: true, runs: 1 }, 'an engine appears by registering, with its own metrics')
  const again = await withEngine.inject({ url: '/api/engines/status', headers })
  t.equal(again.json().engines.demoEngine.runs, 2, 'status is read live at each request')
})
