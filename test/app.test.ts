import t from 'tap'
import Fastify from 'fastify'
import { spawn } from 'node:child_process'
import { buildApp } from '../app.js'
import metrics from '../plugins/metrics.js'
import mongo from '../plugins/mongo.js'
import apiKeys from '../plugins/api-keys.js'
import engineStatus from '../plugins/engine-status.js'
import runEvents from '../plugins/run-events.js'
import llm from '../plugins/llm.js'
import planner from '../engines/planner.js'
import integrationHub from '../engines/integration-hub.js'
import orchestrator from '../engines/orchestrator.js'
import { build, testConfig } from './helper.js'

t.test('unknown routes, validation failures and 5xx all answer in the one error shape', async t => {
  const { baseUrl, adminKey } = await build(t)
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }

  const notFound = await fetch(`${baseUrl}/api/nope?x=1`, { headers })
  t.equal(notFound.status, 404)
  t.same(await notFound.json(), {
    success: false, statusCode: 404, code: 'R3SN_ROUTE_NOT_FOUND', error: 'Not Found', message: 'Route GET /api/nope not found'
  })

  const bad = await fetch(`${baseUrl}/api/keys`, { method: 'POST', headers, body: JSON.stringify({ user: 'no spaces allowed' }) })
  t.equal(bad.status, 400)
  const badBody = await bad.json() as { details: { path: string }[] }
  t.match(badBody, { success: false, statusCode: 400, code: 'R3SN_VALIDATION', error: 'Bad Request', message: /body\/user must match pattern/ })
  t.equal(badBody.details[0]?.path, 'body/user')

  const unknownField = await fetch(`${baseUrl}/api/keys`, { method: 'POST', headers, body: JSON.stringify({ user: 'ok', role: 'root' }) })
  t.equal(unknownField.status, 400, 'unknown fields are refused, not dropped')
  t.match(await unknownField.json(), { code: 'R3SN_VALIDATION', message: /additional properties/ })

  const badJson = await fetch(`${baseUrl}/api/keys`, { method: 'POST', headers, body: '{"user":' })
  t.equal(badJson.status, 400)
  t.match(await badJson.json(), { success: false, statusCode: 400, error: 'Bad Request' })
})

t.test('a 5xx hides internals, gives a request id to quote, and logs the error', async t => {
  const lines: string[] = []
  const app = buildApp(testConfig({ logLevel: 'info' }), { logStream: { write: line => { lines.push(line) } } })
  app.register(async child => {
    child.get('/api/boom', async () => { throw new Error('connection string mongodb://admin:hunter2@db') })
  })
  t.teardown(async () => { await app.mongo.db.dropDatabase(); await app.close() })
  await app.ready()
  const { secret } = await app.apiKeys.create('tester')
  const res = await app.inject({ method: 'GET', url: '/api/boom', headers: { authorization: `Bearer ${secret}` } })
  t.equal(res.statusCode, 500)
  const body = res.json()
  t.match(body, { success: false, statusCode: 500, code: 'R3SN_INTERNAL', error: 'Internal Server Error', message: /quote request id req-/ })
  t.notMatch(res.body, /hunter2|connection string/, 'no internals in the response')
  t.ok(lines.some(l => l.includes('"level":50') && l.includes(body.details.requestId)), 'logged at error level with the request id')
  t.notOk(lines.some(l => l.includes('Bearer')), 'the Authorization header is never logged')
})

t.test('a plugin registered without its dependencies fails at boot', async t => {
  const config = testConfig()
  const noDb = Fastify()
  noDb.register(metrics)
  noDb.register(apiKeys, { config })
  await t.rejects(async () => { await noDb.ready() }, { code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED', message: /'mongo' of plugin 'api-keys'/ })

  const noHub = Fastify()
  noHub.register(metrics)
  noHub.register(mongo, { config })
  noHub.register(engineStatus)
  noHub.register(runEvents)
  noHub.register(llm, { config })
  noHub.register(orchestrator, { config })
  await t.rejects(async () => { await noHub.ready() }, { code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED', message: /'integration-hub' of plugin 'orchestrator'/ })
  await noHub.close()

  const noAgents = Fastify()
  noAgents.register(metrics)
  noAgents.register(mongo, { config })
  noAgents.register(engineStatus)
  noAgents.register(runEvents)
  noAgents.register(llm, { config })
  noAgents.register(integrationHub, { config })
  noAgents.register(planner, { config })
  await t.rejects(async () => { await noAgents.ready() }, { code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED', message: /'plugin-factory' of plugin 'planner'/ })
  await noAgents.close()

  const noRegistry = Fastify()
  noRegistry.register(metrics)
  noRegistry.register(mongo, { config })
  noRegistry.register(integrationHub, { config })
  await t.rejects(async () => { await noRegistry.ready() }, { code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED', message: /'engine-status' of plugin 'integration-hub'/ })
  await noRegistry.close()
})

t.test('an unreachable database fails the boot fast, naming the URI without its password', async t => {
  const uri = 'mongodb://r3sn:hunter2@127.0.0.1:9/?directConnection=true'
  const app = buildApp(testConfig({ mongodbUri: uri, dbTimeoutMs: 1000 }))
  const err = await app.ready().then(() => null, (e: Error) => e)
  t.ok(err, 'boot fails')
  t.match(err?.message, 'Cannot reach the database at mongodb://r3sn:***@127.0.0.1:9/')
  t.match(err?.message, / within 1000 ms: /, 'at the configured bound, not the driver\'s 30 s')
  t.notMatch(err?.message, /hunter2/)
})

/** Runs server.ts to its exit; for boots that must fail. */
async function failedBoot (env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const code = await new Promise(resolve => child.on('exit', resolve))
  return { code, stderr }
}

t.test('server.ts refuses bad config, naming every bad variable', async t => {
  const { code, stderr } = await failedBoot({ PORT: 'eighty', LOG_LEVEL: 'loud', MONGODB_URI: 'http://not-mongo', R3SN_ADMIN_KEY: 'short' })
  t.equal(code, 1)
  for (const name of ['PORT="eighty"', 'LOG_LEVEL="loud"', 'MONGODB_URI="http://not-mongo"', 'R3SN_ADMIN_KEY="short"']) {
    t.match(stderr, name, `names ${name}`)
  }
  t.match(stderr, 'expected one of fatal, error, warn, info, debug, trace, silent')
})

t.test('server.ts with an unreachable MONGODB_URI exits with a clear message', async t => {
  const { code, stderr } = await failedBoot({ PORT: '0', MONGODB_URI: 'mongodb://u:pw@127.0.0.1:9/', R3SN_DB_TIMEOUT_MS: '800', LOG_LEVEL: 'silent' })
  t.equal(code, 1)
  t.match(stderr, 'Cannot reach the database at mongodb://u:***@127.0.0.1:9/')
})
