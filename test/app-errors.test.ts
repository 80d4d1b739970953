import t, { type Test } from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { build, caller, eventually } from './helper.js'
import { wsConnect } from './fixtures/ws-client.js'
import { startEmbeddedDb } from '../lib/embedded-db.js'
import { describeError } from '../lib/errors.js'

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
  const { app } = await build(t)
  // A real error from the real server: an unknown command (a numeric code, as driver errors have).
  const err = await app.mongo.db.command({ noSuchCommand: 1 }).catch((e: unknown) => e)
  t.type((err as { code: unknown }).code, 'number')
  t.same(describeError(err, 'req-1'), {
    body: { success: false, statusCode: 500, code: 'R3SN_INTERNAL', error: 'Internal Server Error', message: 'Internal error; quote request id req-1', details: { requestId: 'req-1' } },
    log: 'error'
  })
})
