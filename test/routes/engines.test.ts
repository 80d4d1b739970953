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
  t.same(Object.keys(none.json().engines).sort(), ['integrationHub', 'orchestrator', 'realtimeEngine'], 'the engines that exist, and only those')
  t.match(none.json().engines.orchestrator, { initialized: true, activeExecutions: 0, historySize: 0 })

  let runs = 0
  const withEngine = buildApp({ ...config })
  withEngine.register(fp(async (app) => {
    app.engines.register('demoEngine', () => ({ initialized: true, runs: ++runs }))
  }, { name: 'demo-engine', dependencies: ['engines'] }))
  t.teardown(() => withEngine.close())
  await withEngine.ready()
  const listed = await withEngine.inject({ url: '/api/engines/status', headers })
  t.same(listed.json().engines.demoEngine, { initialized: true, runs: 1 }, 'an engine appears by registering, with its own metrics')
  const again = await withEngine.inject({ url: '/api/engines/status', headers })
  t.equal(again.json().engines.demoEngine.runs, 2, 'status is read live at each request')
})
