import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import tap, { type Test } from 'tap'
import { buildApp, type AppOptions } from '../app.js'
import { loadConfig, type Config } from '../config.js'
import { apiClient, type ApiClient } from './client/index.js'
import type { components } from './client/schema.js'

export function testConfig (over: Partial<Config> = {}): Config {
  const mongodbUri = process.env.MONGODB_URI
  if (mongodbUri === undefined) throw new Error('MONGODB_URI is not set: run the tests with `npm test`, which provides a database')
  return {
    ...loadConfig({}),
    host: '127.0.0.1',
    port: 0,
    mongodbUri,
    mongoDb: `t_${randomUUID().slice(0, 8)}`,
    dbTimeoutMs: 3000,
    dataDir: mkdtempSync(join(tmpdir(), 'r3sn-test-')),
    adminKey: `admin_${randomBytes(24).toString('base64url')}`,
    // Warnings and errors, kept in memory by build(): printed when the test fails or the app answered 5xx (flakes under load then explain themselves).
    logLevel: 'warn',
    pollMs: 50,
    httpAllowedHosts: ['127.0.0.1'],
    ...over
  }
}

/** Config that points the llm plugin at a fake OpenAI-compatible server (test/fixtures/fake-llm.ts). */
export function llmConfig (fake: { baseUrl: string, apiKey: string }): Partial<Config> {
  return { openaiApiKey: fake.apiKey, openaiBaseUrl: fake.baseUrl, model: 'test-model', llmMaxRetries: 2 }
}

/**
 * The whole app on a fresh database, listening on a loopback port; dropped and closed after
 * the test. `logs` holds every log line (warnings and errors unless logLevel says otherwise).
 */
export async function build (t: Test, over: Partial<Config> = {}, opts: Pick<AppOptions, 'faults'> = {}) {
  const config = testConfig(over)
  const logs: string[] = []
  const app = buildApp(config, { ...opts, logStream: { write: line => { logs.push(line) } } })
  t.teardown(async () => {
    await app.mongo.db.dropDatabase().catch(() => {})
    await app.close()
    const failed = logs.filter(line => line.includes('"msg":"request failed"'))
    if (failed.length > 0) process.stderr.write(`${t.fullname}: the app answered 5xx:\n${failed.join('')}`)
    const warnings = logs.filter(line => /"level":(40|50|60)\b/.test(line))
    if (!t.passing() && warnings.length > 0) process.stderr.write(`${t.fullname} failed; the app logged:\n${warnings.join('')}`)
  })
  await app.listen({ host: config.host, port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP')
  const baseUrl = `http://127.0.0.1:${address.port}`
  const adminKey = config.adminKey as string
  return { app, config, baseUrl, adminKey, logs, client: apiClient(baseUrl, adminKey) }
}

/**
 * One app for a whole test file, for tests that need only a user of their own: built on the
 * first call and closed when the file's tests end (a boot costs seconds; a user costs one
 * request). Each call gives a new non-admin user on it, whose key the returned `client`,
 * `key` and `call` use; `adminKey` is still there for what only an admin may do.
 */
export function sharedApp (over: Partial<Config> = {}, opts: Pick<AppOptions, 'faults'> = {}) {
  let built: ReturnType<typeof build> | undefined
  return async (name = 'user') => {
    built ??= build(tap, over, opts)
    const app = await built
    const userId = `${name}_${randomBytes(6).toString('hex')}`
    const user = await createUser(app.baseUrl, app.adminKey, userId)
    return { ...app, ...user, userId, call: caller(app.baseUrl, user.key) }
  }
}

/** A new non-admin user with a key, created through the API as an admin would. */
export async function createUser (baseUrl: string, adminKey: string, user: string) {
  const res = await apiClient(baseUrl, adminKey).POST('/api/keys', { body: { user } })
  if (res.data === undefined) throw new Error(`creating user ${user} failed: ${JSON.stringify(res.error)}`)
  return { key: res.data.secret, keyId: res.data.key.id, client: apiClient(baseUrl, res.data.secret) }
}

/** One answer of a plain API call: the status, the raw text (to look for secrets in) and its JSON. */
export interface Answer { status: number, text: string, body: any }

/**
 * Plain fetch to the API with a key (or none), for bodies the typed client would refuse and
 * answers to read as raw text. When `answers` is given, every answer is also pushed to it.
 */
export function caller (baseUrl: string, key?: string, answers?: Answer[]) {
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    const answer = { status: res.status, text, body: JSON.parse(text) }
    answers?.push(answer)
    return answer
  }
}
export type Call = ReturnType<typeof caller>

export type WorkflowBody = components['schemas']['WorkflowDefinition']
export type ExecutionBody = components['schemas']['Execution']

/** Creates a workflow and runs it synchronously; returns the run's answer and its full execution record. */
export async function runWorkflow (client: ApiClient, def: WorkflowBody, triggerData: unknown = {}) {
  const created = await client.POST('/api/workflows', { body: def })
  if (created.data === undefined) throw new Error(`creating the workflow failed: ${JSON.stringify(created.error)}`)
  const workflowId = created.data.workflow.id
  const ran = await client.POST('/api/workflows/{id}/execute', { params: { path: { id: workflowId } }, body: { triggerData } })
  if (ran.data === undefined) throw new Error(`running the workflow failed: ${JSON.stringify(ran.error)}`)
  const answer = ran.data
  if (!('error' in answer)) throw new Error(`the run did not end while the request waited: ${JSON.stringify(answer)}`)
  const execution = await getExecution(client, answer.executionId)
  return { workflowId, answer, execution }
}

export async function getExecution (client: ApiClient, id: string): Promise<ExecutionBody> {
  const res = await client.GET('/api/executions/{id}/status', { params: { path: { id } } })
  if (res.data === undefined) throw new Error(`reading execution ${id} failed: ${JSON.stringify(res.error)}`)
  return res.data.execution
}

/**
 * Retries a failed run as a client would: a 409 that says the run "changed meanwhile" (it is
 * still moving from the open runs to the history just after it ended) is asked again.
 */
export async function retryExecution (client: ApiClient, id: string) {
  return await eventually(async () => {
    const res = await client.POST('/api/executions/{id}/retry', { params: { path: { id } } })
    return res.response.status === 409 && /changed meanwhile/.test(res.error?.message ?? '') ? undefined : res
  }, 30_000, `the retry of ${id} to be taken`)
}

export async function getEvents (client: ApiClient, id: string, since = 0) {
  const res = await client.GET('/api/executions/{id}/events', { params: { path: { id }, query: { since } } })
  if (res.data === undefined) throw new Error(`reading events of ${id} failed: ${JSON.stringify(res.error)}`)
  return res.data.events
}

/**
 * How long a wait may last at least before it fails, whatever a test asks: a bound for a test
 * that hangs, never a measure of speed (four test files at once on two cores, next to other
 * work, can be many times slower than one file on an idle machine).
 */
export const MIN_WAIT_MS = 30_000

/** Polls until check() returns a value other than undefined, or fails after timeoutMs (at least MIN_WAIT_MS). */
export async function eventually<T> (check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition', intervalMs = 50): Promise<T> {
  timeoutMs = Math.max(timeoutMs, MIN_WAIT_MS)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
}
