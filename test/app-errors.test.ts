import t, { type Test } from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import net from 'node:net'
import { STATUS_CODES } from 'node:http'
import pg from 'pg'
import { build, caller, eventually, sharedApp } from './helper.js'
import { wsConnect } from './fixtures/ws-client.js'
import { startEmbeddedDb } from '../lib/embedded-db.js'
import { describeError } from '../lib/errors.js'

// One app for the tests that need no database of their own; each test has a user of its own.
const user = sharedApp()

/** A database of this file's own whose PostgreSQL can be made to refuse writes while FerretDB still answers pings. */
async function ownDatabase (t: Test) {
  const db = await startEmbeddedDb(mkdtempSync(join(tmpdir(), 'r3sn-errors-')), { throwaway: true })
  t.teardown(() => db.stop())
  const admin = new pg.Client({ connectionString: db.postgresUrl })
  await admin.connect()
  t.teardown(() => admin.end())
  /** Read-only from the next connection on; FerretDB's open connections are cut so it reconnects. */
  const readOnly = async (on: boolean) => {
    await admin.query(`ALTER DATABASE postgres SET default_transaction_read_only = ${on ? 'on' : 'off'}`)
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = 'postgres'")
  }
  return { uri: db.uri, readOnly }
}

t.test('writes refused while ping works: /ready, HTTP and WebSocket answer 503 in the error shape, and recover', async t => {
  const db = await ownDatabase(t)
  const { baseUrl, adminKey, logs } = await build(t, { mongodbUri: db.uri, dbTimeoutMs: 2000 })
  const call = caller(baseUrl, adminKey)
  const ws = await wsConnect(baseUrl, adminKey)
  await ws.waitFor(f => f.event === 'auth:ok')
  t.equal((await call('GET', '/ready')).status, 200)

  await db.readOnly(true)
  // The first request after the cut may meet a closed connection: also transient.
  const ready = await call('GET', '/ready')
  t.equal(ready.status, 503)
  t.match(ready.body, { success: false, statusCode: 503, code: 'R3SN_UNAVAILABLE', message: /writes/ })
  t.equal((await call('GET', '/health')).status, 200, 'the process itself is fine')

  const res = await fetch(`${baseUrl}/api/workflows`, {
    method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'w', steps: [{ id: 'a', type: 'transform', expression: '1' }] })
  })
  t.equal(res.status, 503)
  t.equal(res.headers.get('retry-after'), '5')
  t.same(await res.json(), { success: false, statusCode: 503, code: 'R3SN_UNAVAILABLE', error: 'Service Unavailable', message: 'The database cannot take this request right now; try again shortly' })
  t.ok(logs.some(l => l.includes('"msg":"database unavailable"') && l.includes('SQLSTATE 25006')), 'the original error is logged')
  // Every request answered 503 meets the same condition: logged once (a minute), without a stack.
  for (let i = 0; i < 3; i++) t.equal((await call('POST', '/api/workflows', { name: 'w', steps: [{ id: 'a', type: 'transform', expression: '1' }] })).status, 503)
  const unavailable = logs.filter(l => l.includes('"msg":"database unavailable"'))
  t.equal(unavailable.length, 1, 'repeats are throttled')
  t.notOk(unavailable[0]?.includes('"stack"'), 'an expected condition has no stack')

  ws.send('agent:create', { name: 'a1', instructions: 'help' }, 'create-1')
  t.match(await ws.waitFor(f => f.id === 'create-1'), { event: 'error', data: { code: 'R3SN_UNAVAILABLE' } }, 'a WebSocket request frame gets its reply')

  await db.readOnly(false)
  // (FerretDB's pool meets the connections that were cut once more, as a transient answer.)
  await eventually(async () => (await call('GET', '/ready')).status === 200 ? true : undefined, 10_000, '/ready to answer 200 again')
  const created = await call('POST', '/api/workflows', { name: 'w', steps: [{ id: 'a', type: 'transform', expression: '1' }] })
  t.equal(created.status, 201)
  ws.ws.close()
})

t.test('a database error that is not transient is a 500 with a request id, never its own message', async t => {
  const { app } = await user()
  // A real error from the real server: an unknown command (a numeric code, as driver errors have).
  const err = await app.mongo.db.command({ noSuchCommand: 1 }).catch((e: unknown) => e)
  t.type((err as { code: unknown }).code, 'number')
  t.same(describeError(err, 'req-1'), {
    body: { success: false, statusCode: 500, code: 'R3SN_INTERNAL', error: 'Internal Server Error', message: 'Internal error; quote request id req-1', details: { requestId: 'req-1' } },
    log: 'error'
  })
})

/** Sends bytes as they are (for requests fetch will not make) and reads the whole answer until the server closes. */
function rawHttp (baseUrl: string, request: string): Promise<{ status: number, headers: string, body: any }> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(request))
    let text = ''
    socket.on('data', chunk => { text += chunk.toString() })
    socket.on('error', reject)
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n', 2)
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), headers: head, body: JSON.parse(body) })
    })
  })
}

const shape = (statusCode: number, code: string) => ({ success: false, statusCode, code, error: STATUS_CODES[statusCode], message: String })

t.test("the framework's own refusals answer in the one error shape with an R3SN_* code", async t => {
  const { baseUrl, key } = await user()
  const auth = { authorization: `Bearer ${key}` }
  const json = { ...auth, 'content-type': 'application/json' }
  const answer = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${baseUrl}${path}`, init)
    return { status: res.status, headers: res.headers, body: await res.json() as any }
  }

  const longId = await answer(`/api/workflows/${'a'.repeat(201)}`, { headers: auth })
  t.match(longId, { status: 414, body: { ...shape(414, 'R3SN_URI_TOO_LONG'), details: { cause: 'FST_ERR_MAX_PARAM_LENGTH' } } }, '414: a path segment longer than any id')
  t.ok(longId.body.message.length < 400, 'the message quotes only the start of the path')
  t.match(await answer(`/api/workflows/${'a'.repeat(200)}`, { headers: auth }), { status: 404, body: shape(404, 'R3SN_NOT_FOUND') }, 'the longest id a schema accepts is looked up')

  t.match(await rawHttp(baseUrl, 'GET /api/workflows/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    { status: 400, body: { ...shape(400, 'R3SN_BAD_URL'), details: { cause: 'FST_ERR_BAD_URL' } } }, '400: a URL that cannot be decoded')
  t.match(await rawHttp(baseUrl, `GET /api/workflows HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`),
    { status: 431, body: { ...shape(431, 'R3SN_HEADERS_TOO_LARGE'), details: { cause: 'HPE_HEADER_OVERFLOW' } } }, '431: headers over the limit (refused by the HTTP parser)')
  t.match(await rawHttp(baseUrl, 'NOT-HTTP\r\n\r\n'), { status: 400, body: shape(400, 'R3SN_BAD_REQUEST') }, '400: not HTTP at all')

  const wrongMethod = await answer('/api/workflows', { method: 'PATCH', headers: auth })
  t.match(wrongMethod, { status: 405, body: shape(405, 'R3SN_METHOD_NOT_ALLOWED') }, '405: the path exists for other methods')
  t.equal(wrongMethod.headers.get('allow'), 'GET, HEAD, POST')
  t.match(await answer('/api/workflows/wf_1/hook/rotate', { method: 'DELETE', headers: auth }), { status: 405, body: { message: /answers POST/ } })
  t.match(await answer('/api/nope', { headers: auth }), { status: 404, body: shape(404, 'R3SN_ROUTE_NOT_FOUND') })

  t.match(await answer('/api/workflows', { method: 'POST', headers: json, body: JSON.stringify({ name: 'x'.repeat(1_100_000) }) }),
    { status: 413, body: { ...shape(413, 'R3SN_BODY_TOO_LARGE'), details: { cause: 'FST_ERR_CTP_BODY_TOO_LARGE' } } })
  t.match(await answer('/api/workflows', { method: 'POST', headers: { ...auth, 'content-type': 'application/xml' }, body: '<a/>' }),
    { status: 415, body: { ...shape(415, 'R3SN_UNSUPPORTED_MEDIA_TYPE'), details: { cause: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' } } })
  t.match(await answer('/api/workflows', { method: 'POST', headers: json, body: '{"name":' }), { status: 400, body: shape(400, 'R3SN_BAD_JSON') })
  t.match(await answer('/api/workflows', { method: 'POST', headers: json, body: '' }), { status: 400, body: shape(400, 'R3SN_BAD_JSON') })
  t.match(await answer('/api/workflows', { method: 'POST', headers: json, body: '{"name":"w","__proto__":{"admin":true}}' }), { status: 400, body: shape(400, 'R3SN_BAD_JSON') })
})

t.test('a refused WebSocket upgrade answers in the error shape', async t => {
  const { baseUrl, key: apiKey } = await user()
  const upgrade = (headers: string) => rawHttp(baseUrl, `GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n${headers}\r\n`)
  const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'

  const plain = await fetch(`${baseUrl}/ws`)
  t.equal(plain.status, 426, 'a plain GET /ws is told to upgrade')
  t.equal(plain.headers.get('upgrade'), 'websocket')
  t.match(await plain.json(), shape(426, 'R3SN_UPGRADE_REQUIRED'))

  t.match(await upgrade('Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n'), { status: 400, body: { ...shape(400, 'R3SN_BAD_UPGRADE'), message: /Sec-WebSocket-Key/ } }, 'a malformed key')
  const version = await upgrade(`Sec-WebSocket-Version: 99\r\n${key}`)
  t.match(version, { status: 400, body: { ...shape(400, 'R3SN_BAD_UPGRADE'), message: /Sec-WebSocket-Version/ } }, 'an unsupported version')
  t.match(version.headers, /sec-websocket-version: 13, 8/i, 'names the versions it speaks')
  t.match(await upgrade(`Sec-WebSocket-Version: 13\r\n${key}Authorization: Bearer not-a-key\r\n`), { status: 401, body: shape(401, 'R3SN_UNAUTHORIZED') }, 'a bad API key')

  const ws = await wsConnect(baseUrl, apiKey)
  await ws.waitFor(f => f.event === 'auth:ok')
  ws.ws.close()
  t.pass('a good upgrade still opens')
})

t.test('a validation failure names the offending field in its message and details', async t => {
  const { call } = await user()
  const extra = await call('POST', '/api/keys', { user: 'ok', foo: 1 })
  t.match(extra, { status: 400, body: { ...shape(400, 'R3SN_VALIDATION'), message: 'body/foo is not allowed (must NOT have additional properties)' } })
  t.same(extra.body.details, [{ path: 'body/foo', message: 'is not allowed (must NOT have additional properties)', keyword: 'additionalProperties', property: 'foo' }])

  const nested = await call('POST', '/api/workflows', { name: 'w', steps: [{ id: 'a', type: 'transform', expression: '1', colour: 'red' }] })
  t.match(nested, { status: 400, body: { code: 'R3SN_VALIDATION', message: /colour/ } }, 'a nested unknown field is named too')
  t.ok((nested.body.details as { property?: string, path: string }[]).some(d => d.property === 'colour' && d.path.startsWith('body/steps/0')), JSON.stringify(nested.body.details))

  const missing = await call('POST', '/api/credentials', { type: 'http', data: { token: 't' } })
  t.match(missing, { status: 400, body: { message: "body/name is required (must have required property 'name')", details: [{ path: 'body/name', keyword: 'required', property: 'name' }] } })
})

t.test('describeError gives framework and library client errors an R3SN_* code', async t => {
  t.match(describeError(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), 'r').body,
    { statusCode: 415, code: 'R3SN_UNSUPPORTED_MEDIA_TYPE', details: { cause: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' } })
  t.match(describeError(Object.assign(new Error('nope'), { statusCode: 409 }), 'r').body, { statusCode: 409, code: 'R3SN_CONFLICT' }, 'no code at all')
  t.match(describeError(Object.assign(new Error('odd'), { statusCode: 418, code: 'SOME_LIB' }), 'r').body, { statusCode: 418, code: 'R3SN_BAD_REQUEST', details: { cause: 'SOME_LIB' } })
  t.match(describeError(Object.assign(new Error('x'), { validation: [{ instancePath: '/a', keyword: 'type', message: 'must be string', params: {} }], validationContext: 'body' }), 'r').body,
    { statusCode: 400, code: 'R3SN_VALIDATION', message: 'body/a must be string', details: [{ path: 'body/a', message: 'must be string' }] })
})

t.test('a NUL or an unpaired surrogate anywhere in a request is a 400 naming where, not a database error', async t => {
  const { baseUrl, key, call } = await user()
  for (const path of ['/api/agents/%00', '/api/executions/a%00b/retry', '/api/workflows?x=%00']) {
    const res = await call(path.includes('retry') ? 'POST' : 'GET', path)
    t.match(res, { status: 400, body: { ...shape(400, 'R3SN_VALIDATION'), message: /U\+0000/ } }, path)
  }
  const body = await call('POST', '/api/workflows', { name: 'w', steps: [{ id: 'a', type: 'transform', expression: '"\u0000"' }] })
  t.match(body, { status: 400, body: { code: 'R3SN_VALIDATION', details: [{ path: 'body/steps/0/expression' }] } })
  const lone = await fetch(`${baseUrl}/api/workflows`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"name":"w\\ud800","steps":[{"id":"a","type":"transform","expression":"1"}]}' })
  t.match({ status: lone.status, body: await lone.json() }, { status: 400, body: { code: 'R3SN_VALIDATION', details: [{ path: 'body/name' }] } }, 'a lone surrogate')
  t.equal((await call('GET', '/api/workflows')).body.workflows.length, 0, 'nothing stored')
})

t.test('JSON nested deeper than 64 levels is a 400 naming where, before any engine walks it', async t => {
  const { call } = await user()
  const agent = (await call('POST', '/api/agents', { name: 'a', instructions: 'help' })).body.agent
  let deep: unknown = 1
  for (let i = 0; i < 2000; i++) deep = [deep]
  const res = await call('POST', `/api/agents/${agent.id as string}/execute`, { action: 'go', params: { nested: deep } })
  t.match(res, { status: 400, body: { ...shape(400, 'R3SN_VALIDATION'), message: /^body\/params\/nested(\/0)+ nests deeper than 64 levels$/ } })
  let ok: unknown = 1
  for (let i = 0; i < 60; i++) ok = { a: ok }
  const fine = await call('POST', '/api/workflows', { name: 'w', steps: [{ id: 'a', type: 'transform', expression: '1' }] })
  t.equal(fine.status, 201)
  t.not((await call('POST', `/api/workflows/${fine.body.workflow.id as string}/execute`, { triggerData: ok })).status, 400, '60 levels are fine')
})

t.test('a number that is not finite is a 400, wherever it comes from', async t => {
  const { baseUrl, key, call } = await user()
  for (const query of ['limit=Infinity', 'limit=1e400']) {
    t.match(await call('GET', `/api/executions?${query}`), { status: 400, body: { ...shape(400, 'R3SN_VALIDATION'), message: 'querystring/limit must be a finite number' } }, query)
  }
  t.match(await call('GET', '/api/executions/exe_1/events?since=1e400'), { status: 400, body: { code: 'R3SN_VALIDATION', details: [{ path: 'querystring/since' }] } })
  const res = await fetch(`${baseUrl}/api/workflows`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"name":"w","steps":[{"id":"a","type":"transform","expression":"1","timeoutMs":1e400}]}' })
  t.match({ status: res.status, body: await res.json() }, { status: 400, body: { code: 'R3SN_VALIDATION' } }, 'a body number JSON reads as Infinity')
})

/** Whether the server closes a connection by itself after answering (the client only writes, never ends). */
function closedByServer (baseUrl: string, request: string): Promise<{ closed: boolean, answer: string }> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise(resolve => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request))
    let answer = ''
    const timer = setTimeout(() => { socket.destroy(); resolve({ closed: false, answer }) }, 3000)
    socket.on('data', chunk => { answer += chunk.toString() })
    socket.on('close', () => { clearTimeout(timer); resolve({ closed: true, answer }) })
    socket.on('error', () => {})
  })
}

t.test('an upgrade request refused over HTTP does not leave its socket open', async t => {
  const { baseUrl, key } = await user()
  const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
  const cases: [string, RegExp][] = [
    [`GET /api/workflows HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`, /^HTTP\/1\.1 401 .*R3SN_UNAUTHORIZED/s],
    [`GET /ws HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n${upgrade}\r\n`, /^HTTP\/1\.1 401 .*R3SN_UNAUTHORIZED/s],
    [`GET /api/workflows/%E0%A4%A HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n${upgrade}\r\n`, /^HTTP\/1\.1 400 .*R3SN_BAD_URL/s],
    [`GET /api/nope HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n`, /^HTTP\/1\.1 404 .*R3SN_ROUTE_NOT_FOUND/s]
  ]
  for (const [request, answer] of cases) {
    const res = await closedByServer(baseUrl, request)
    const line = request.split('\r\n')[0] ?? ''
    t.match(res.answer, answer, line)
    t.ok(res.closed, `the server closed the connection: ${line}`)
  }
})
