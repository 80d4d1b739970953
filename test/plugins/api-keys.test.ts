import t from 'tap'
import { spawn } from 'node:child_process'
import { startServerProcess } from '../fixtures/server-process.js'
import { sharedApp, testConfig } from '../helper.js'
import { apiClient } from '../client/index.js'
import { hashKey, type ApiKeyDoc } from '../../plugins/api-keys.js'

// One app for the file; the users each test creates have names of their own.
const user = sharedApp()

t.test('401 in the error shape for a missing, a wrong and a revoked key', async t => {
  const { baseUrl, adminKey } = await user()

  const missing = await apiClient(baseUrl).GET('/api/engines/status')
  t.equal(missing.response.status, 401)
  t.same(missing.error, {
    success: false, statusCode: 401, code: 'R3SN_UNAUTHORIZED', error: 'Unauthorized',
    message: 'Missing API key: send the header Authorization: Bearer <key>'
  })

  const wrong = await apiClient(baseUrl, 'r3sn_not-a-real-key').GET('/api/engines/status')
  t.equal(wrong.response.status, 401)
  t.match(wrong.error, { code: 'R3SN_UNAUTHORIZED', message: 'Invalid or revoked API key' })

  const bob = await user('bob')
  t.equal((await bob.client.GET('/api/engines/status')).response.status, 200, 'a fresh key works')
  const revoked = await apiClient(baseUrl, adminKey).DELETE('/api/keys/{id}', { params: { path: { id: bob.keyId } } })
  t.equal(revoked.response.status, 200)
  t.type(revoked.data?.key.revokedAt, 'string')
  const after = await bob.client.GET('/api/engines/status')
  t.equal(after.response.status, 401, 'a revoked key stops working at once')
  t.match(after.error, { message: 'Invalid or revoked API key' })
})

t.test('only the SHA-256 of a key is stored', async t => {
  const { app, baseUrl, adminKey, ...bob } = await user('bob')
  const doc = await app.mongo.db.collection<ApiKeyDoc>('api_keys').findOne({ _id: bob.keyId })
  t.equal(doc?.hash, hashKey(bob.key))
  t.notMatch(JSON.stringify(doc), bob.key)
  const listed = await apiClient(baseUrl, adminKey).GET('/api/keys')
  t.notMatch(JSON.stringify(listed.data), bob.key, 'listing never shows a secret')
})

t.test('another user\'s resource answers 404, never its data', async t => {
  const { baseUrl, adminKey, ...alice } = await user('alice')
  const bob = await user('bob')

  const steal = await bob.client.DELETE('/api/keys/{id}', { params: { path: { id: alice.keyId } } })
  t.equal(steal.response.status, 404)
  t.same(steal.error, { success: false, statusCode: 404, code: 'R3SN_NOT_FOUND', error: 'Not Found', message: `API key ${alice.keyId} not found` })
  t.equal((await alice.client.GET('/api/engines/status')).response.status, 200, 'alice\'s key still works')

  const bobsView = await bob.client.GET('/api/keys', { params: { query: { user: alice.userId } } })
  t.same(bobsView.data?.keys, [], 'bob cannot list alice\'s keys')
  const own = await bob.client.GET('/api/keys')
  t.same(own.data?.keys.map(k => k.userId), [bob.userId])

  const adminView = await apiClient(baseUrl, adminKey).GET('/api/keys', { params: { query: { user: alice.userId } } })
  t.same(adminView.data?.keys.map(k => k.id), [alice.keyId], 'admins manage every user\'s keys')
})

t.test('users create their own keys; only admins create admin keys or keys for others', async t => {
  const { baseUrl, adminKey, ...bob } = await user('bob')
  const carol = `carol_${bob.userId}`
  const second = await bob.client.POST('/api/keys', { body: { name: 'laptop' } })
  t.equal(second.response.status, 201)
  t.match(second.data?.key, { userId: bob.userId, admin: false, name: 'laptop', revokedAt: null })

  for (const body of [{ admin: true }, { user: carol }]) {
    const res = await bob.client.POST('/api/keys', { body })
    t.equal(res.response.status, 403, JSON.stringify(body))
    t.match(res.error, { code: 'R3SN_FORBIDDEN' })
  }
  const made = await apiClient(baseUrl, adminKey).POST('/api/keys', { body: { user: carol, admin: true } })
  t.match(made.data?.key, { userId: carol, admin: true })
})

t.test('the first start creates an admin key and prints it once; later starts do not', async t => {
  const { mongoDb } = testConfig()
  t.teardown(async () => {
    const { MongoClient } = await import('mongodb')
    const c = new MongoClient(process.env.MONGODB_URI as string)
    await c.db(mongoDb).dropDatabase()
    await c.close()
  })
  const env = { R3SN_DB_NAME: mongoDb, R3SN_ADMIN_KEY: '' }
  const first = await startServerProcess(t, env)
  const keyLine = first.lines.findIndex(l => l.includes('created admin API key'))
  t.ok(keyLine >= 0, 'announces the key')
  const key = first.lines.slice(keyLine + 1).map(l => l.trim()).find(l => l.startsWith('r3sn_')) as string
  t.ok(key, 'prints the key')
  const status = await apiClient(first.baseUrl, key).GET('/api/engines/status')
  t.equal(status.response.status, 200, 'the printed key is an admin key that works')
  t.equal(await first.kill('SIGTERM'), 0, 'SIGTERM closes gracefully')

  const second = await startServerProcess(t, env)
  t.notOk(second.lines.some(l => l.includes('created admin API key')), 'no second key')
  t.equal((await apiClient(second.baseUrl, key).GET('/api/keys')).response.status, 200, 'the first key still works')
  await second.kill('SIGTERM')
})

t.test('npm run key -- create prints a working key', async t => {
  const { app, baseUrl, config, userId } = await user('x')
  const carol = `carol_${userId}`
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/key.ts', 'create', '--user', carol], {
    env: { ...process.env, MONGODB_URI: config.mongodbUri, R3SN_DB_NAME: config.mongoDb }, stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  t.equal(await new Promise(resolve => child.on('exit', resolve)), 0)
  const key = out.trim()
  t.match(key, /^r3sn_/)
  const res = await apiClient(baseUrl, key).GET('/api/keys')
  t.equal(res.response.status, 200)
  t.same(res.data?.keys.map(k => [k.userId, k.admin]), [[carol, false]])
  t.equal(await app.mongo.db.collection('api_keys').countDocuments({ ownerId: carol }), 1)
})

t.test('npm run key -- list prints a header and aligned columns', async t => {
  const { config, userId } = await user('x')
  const env = { ...process.env, MONGODB_URI: config.mongodbUri, R3SN_DB_NAME: config.mongoDb }
  const cli = async (...args: string[]) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/key.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => { out += c.toString() })
    t.equal(await new Promise(resolve => child.on('exit', resolve)), 0, args.join(' '))
    return out
  }
  const dave = `dave_with_a_long_name_${userId}`
  await cli('create', '--user', dave, '--name', 'laptop')
  await cli('create', '--user', dave, '--admin')
  const lines = (await cli('list', '--user', dave)).trimEnd().split('\n')
  t.equal(lines.length, 3, 'a header and two rows')
  t.match(lines[0], /^KEY ID +USER +ROLE +STATUS +NAME$/)
  const columns = (line: string) => [...line.matchAll(/(?:^| {2})(\S)/g)].map(m => (m.index ?? 0) + m[0].length - 1)
  t.same(columns(lines[1] as string), columns(lines[0] as string), 'the columns line up with the header')
  t.same(columns(lines[2] as string), columns(lines[0] as string))
  t.match(lines[1], new RegExp(`^\\S+ +${dave} +user +active +laptop$`))
  t.match(lines[2], new RegExp(`^\\S+ +${dave} +admin +active +cli$`))
})
