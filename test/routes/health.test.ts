import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from '../helper.js'
import { apiClient } from '../client/index.js'
import { startEmbeddedDb } from '../../lib/embedded-db.js'

t.test('/health and /ready answer without a key', async t => {
  const { baseUrl } = await build(t)
  const anon = apiClient(baseUrl)
  const health = await anon.GET('/health')
  t.equal(health.response.status, 200)
  t.equal(health.data?.status, 'ok')
  const ready = await anon.GET('/ready')
  t.equal(ready.response.status, 200)
  t.equal(ready.data?.database, 'ok')
})

t.test('/ready answers 503 in the error shape when the database stops', async t => {
  // A database of this test's own, so stopping it disturbs no one else.
  const db = await startEmbeddedDb(mkdtempSync(join(tmpdir(), 'r3sn-ready-')), { throwaway: true })
  t.teardown(() => db.stop())
  const { baseUrl } = await build(t, { mongodbUri: db.uri, dbTimeoutMs: 1000 })
  const anon = apiClient(baseUrl)
  t.equal((await anon.GET('/ready')).response.status, 200)

  await db.stop()
  const started = Date.now()
  const res = await anon.GET('/ready')
  t.equal(res.response.status, 503)
  t.match(res.error, { success: false, statusCode: 503, code: 'R3SN_UNAVAILABLE', error: 'Service Unavailable', message: /database/ })
  t.ok(Date.now() - started < 30_000, 'answers at the configured bound (1 s), not after the driver\'s own 30 s')
  t.equal((await anon.GET('/health')).response.status, 200, 'the process itself stays alive')
})
