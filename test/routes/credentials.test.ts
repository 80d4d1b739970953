import t, { type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { buildApp } from '../../app.js'
import type { CredentialDoc } from '../../engines/credential-store.js'
import { build, caller, sharedApp, testConfig, type Answer } from '../helper.js'

const secret = () => `sk_live_${randomBytes(18).toString('hex')}`

/** helper.build with a key and trace logs: `logs` holds every line, for inspection. */
const boot = (t: Test) => build(t, { encryptionKey: randomBytes(32), logLevel: 'trace' })
/** One such app for the tests that need no app of their own; each test has users of its own. */
const user = sharedApp({ encryptionKey: randomBytes(32), logLevel: 'trace' })

t.test('secrets are encrypted at rest, rotate, and appear in no response and no log line', async t => {
  const { app, baseUrl, key, userId: aliceId, logs } = await user('alice')
  const answers: Answer[] = []
  const alice = caller(baseUrl, key, answers)
  const first = secret()
  const rotated = secret()

  const created = await alice('POST', '/api/credentials', { name: 'billing api', type: 'http', data: { token: first, user: 'ada' } })
  t.equal(created.status, 201)
  const cred = created.body.credential
  t.match(created.body, { success: true, credential: { id: /^cred_/, name: 'billing api', type: 'http' } })
  t.same([...cred.fields].sort(), ['token', 'user'], 'field names, no values')
  t.same(Object.keys(cred).sort(), ['createdAt', 'fields', 'id', 'name', 'type', 'updatedAt'])
  const id = cred.id as string

  t.match((await alice('GET', `/api/credentials/${id}`)).body.credential, { id, name: 'billing api', fields: cred.fields })
  t.same((await alice('GET', '/api/credentials')).body.credentials.map((c: { id: string }) => c.id), [id])

  const raw = await app.mongo.db.collection<CredentialDoc>('credentials').findOne({ _id: id })
  const rawText = JSON.stringify(raw)
  t.notOk(rawText.includes(first), 'the stored document holds no plaintext secret')
  t.notOk(rawText.includes('"ada"'), 'nor any other field value')
  t.match(raw, { ownerId: aliceId, type: 'http', sealed: { v: 1, iv: String, tag: String, ct: String } })
  t.equal(Buffer.from(raw!.sealed.iv, 'base64').length, 12, 'a 12-byte IV')

  const credentials = app.integrationHub.credentials
  t.same(await credentials.secretFor(aliceId, id, 'http'), { token: first, user: 'ada' })

  const renamed = await alice('PUT', `/api/credentials/${id}`, { name: 'billing' })
  t.equal(renamed.status, 200)
  t.same(await credentials.secretFor(aliceId, id, 'http'), { token: first, user: 'ada' }, 'a rename keeps the secret')

  const rotation = await alice('PUT', `/api/credentials/${id}`, { data: { token: rotated } })
  t.equal(rotation.status, 200)
  t.match(rotation.body.credential, { id, name: 'billing', fields: ['token'] })
  t.ok(rotation.body.credential.updatedAt >= cred.updatedAt)
  t.same(await credentials.secretFor(aliceId, id, 'http'), { token: rotated }, 'steps get the new secret')
  const rawAfter = await app.mongo.db.collection<CredentialDoc>('credentials').findOne({ _id: id })
  t.not(rawAfter!.sealed.iv, raw!.sealed.iv, 'every write uses a fresh IV')
  t.notOk(JSON.stringify(rawAfter).includes(rotated))

  // A bad request that carries a secret must not echo it either.
  const bad = await alice('POST', '/api/credentials', { name: 'x', type: 'Not A Type', data: { token: first }, extra: rotated })
  t.equal(bad.status, 400)
  const tooLong = await alice('POST', '/api/credentials', { name: 'x', type: 'http', data: { token: first + 'x'.repeat(8192) } })
  t.equal(tooLong.status, 400)

  for (const a of answers) {
    t.notOk(a.text.includes(first) || a.text.includes(rotated), `no secret in a ${a.status} response`)
  }
  // Fastify logs no bodies by itself; this proves it for the app as built, at its most verbose level.
  t.equal(app.log.level, 'trace')
  t.equal(logs.filter(l => l.includes('"url":"/api/credentials')).length, answers.length, 'every request was logged')
  const leaked = logs.filter(l => l.includes(first) || l.includes(rotated))
  t.same(leaked, [], 'no secret in any log line')
})

t.test('a ciphertext moved onto another record does not decrypt (the id is authenticated)', async t => {
  const { app, call: alice, userId: aliceId } = await user('alice')
  const a = (await alice('POST', '/api/credentials', { name: 'a', type: 'http', data: { token: secret() } })).body.credential.id
  const b = (await alice('POST', '/api/credentials', { name: 'b', type: 'http', data: { token: secret() } })).body.credential.id
  const coll = app.mongo.db.collection<CredentialDoc>('credentials')
  const sealedA = (await coll.findOne({ _id: a }))!.sealed
  await coll.updateOne({ _id: b }, { $set: { sealed: sealedA } })
  await t.rejects(app.integrationHub.credentials.secretFor(aliceId, b, 'http'), { message: `credential ${b} cannot be decrypted with the configured R3SN_ENCRYPTION_KEY` })
})

t.test('another user\'s credential is not found anywhere; secretFor checks owner and type', async t => {
  const { app, call: alice, userId: aliceId } = await user('alice')
  const { call: bob, userId: bobId } = await user('bob')
  const value = secret()
  const id = (await alice('POST', '/api/credentials', { name: 'slack bot', type: 'slack', data: { token: value } })).body.credential.id as string

  for (const res of [
    await bob('GET', `/api/credentials/${id}`),
    await bob('PUT', `/api/credentials/${id}`, { data: { token: 'stolen' } }),
    await bob('DELETE', `/api/credentials/${id}`)
  ]) {
    t.equal(res.status, 404)
    t.match(res.body, { success: false, code: 'R3SN_NOT_FOUND', message: `Credential ${id} not found` })
  }
  t.same((await bob('GET', '/api/credentials')).body, { success: true, credentials: [] })

  const store = app.integrationHub.credentials
  t.same(await store.secretFor(aliceId, id, 'slack'), { token: value }, 'unchanged by bob')
  await t.rejects(store.secretFor(bobId, id, 'slack'), { message: `credential ${id} not found` })
  await t.rejects(store.secretFor(aliceId, id, 'http'), { message: `credential ${id} is of type slack, this action needs type http` })
  await t.rejects(store.secretFor(aliceId, 'cred_missing', 'slack'), { message: 'credential cred_missing not found' })

  t.equal((await alice('DELETE', `/api/credentials/${id}`)).status, 200)
  t.equal((await alice('GET', `/api/credentials/${id}`)).status, 404)
  await t.rejects(store.secretFor(aliceId, id, 'slack'), { message: `credential ${id} not found` })
})

t.test('bad input is a 400 in the one error shape and stores nothing', async t => {
  const { app, call: alice, userId: aliceId } = await user('alice')
  const ok = { name: 'n', type: 'http', data: { token: 't' } }
  const cases: [string, unknown, RegExp][] = [
    ['missing name', { type: 'http', data: { token: 't' } }, /must have required property 'name'/],
    ['empty name', { ...ok, name: '' }, /body\/name/],
    ['bad type', { ...ok, type: 'HTTP!' }, /body\/type must match pattern/],
    ['missing data', { name: 'n', type: 'http' }, /required property 'data'/],
    ['empty data', { ...ok, data: {} }, /body\/data must NOT have fewer than 1 properties/],
    ['a number value', { ...ok, data: { token: 12345 } }, /body\/data\/token must be string/],
    ['an array value', { ...ok, data: { token: ['x'] } }, /body\/data\/token must be string/],
    ['a null value', { ...ok, data: { token: null } }, /body\/data\/token must be string/],
    ['an object value', { ...ok, data: { token: { a: 'b' } } }, /body\/data\/token must be string/],
    ['a number name', { ...ok, name: 7 }, /body\/name must be string/],
    ['a bad field name', { ...ok, data: { 'a.b': 'x' } }, /additional properties/],
    ['too many fields', { ...ok, data: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'x'])) }, /more than 20 properties/],
    ['an unknown field', { ...ok, ownerId: 'bob' }, /additional properties/],
    ['not an object', ['x'], /body must be object/]
  ]
  for (const [what, body, message] of cases) {
    const res = await alice('POST', '/api/credentials', body)
    t.equal(res.status, 400, what)
    t.match(res.body, { success: false, statusCode: 400, code: 'R3SN_VALIDATION', error: 'Bad Request', message }, what)
    t.type(res.body.details, Array, `${what}: details`)
  }
  t.equal(await app.mongo.db.collection('credentials').countDocuments({ ownerId: aliceId }), 0, 'nothing stored')

  const id = (await alice('POST', '/api/credentials', ok)).body.credential.id as string
  for (const [what, body] of [
    ['an empty update', {}],
    ['empty data', { data: {} }],
    ['a number value', { data: { token: 1 } }],
    ['a type change', { type: 'smtp' }]
  ] as [string, unknown][]) {
    const res = await alice('PUT', `/api/credentials/${id}`, body)
    t.equal(res.status, 400, what)
    t.match(res.body, { code: 'R3SN_VALIDATION' }, what)
  }
  t.same(await app.integrationHub.credentials.secretFor(aliceId, id, 'http'), { token: 't' }, 'unchanged')
})

t.test('without R3SN_ENCRYPTION_KEY nothing can be stored: 503 naming the variable', async t => {
  const { app, baseUrl, adminKey } = await build(t)
  const admin = caller(baseUrl, adminKey)
  const res = await admin('POST', '/api/credentials', { name: 'n', type: 'http', data: { token: 'secret' } })
  t.equal(res.status, 503)
  t.match(res.body, { success: false, statusCode: 503, code: 'R3SN_UNAVAILABLE', message: /set R3SN_ENCRYPTION_KEY/ })
  t.same((await admin('GET', '/api/credentials')).body, { success: true, credentials: [] })
  t.equal(await app.mongo.db.collection('credentials').countDocuments({}), 0)
})

t.test('with credentials stored, boot needs the key they were stored with', async t => {
  const { app, config, baseUrl, adminKey } = await boot(t)
  const value = secret()
  const id = (await caller(baseUrl, adminKey)('POST', '/api/credentials', { name: 'n', type: 'hmac', data: { key: value } })).body.credential.id as string
  const ownerId = (await app.mongo.db.collection<CredentialDoc>('credentials').findOne({ _id: id }))!.ownerId

  const again = (encryptionKey: Buffer | undefined) => buildApp({ ...testConfig({ mongoDb: config.mongoDb, adminKey: config.adminKey }), encryptionKey })

  const noKey = again(undefined)
  const err = await noKey.ready().then(() => null, (e: Error) => e)
  t.match(err?.message, /Credentials are stored in this database but R3SN_ENCRYPTION_KEY is not set/)
  await noKey.close().catch(() => {})

  const wrongKey = again(randomBytes(32))
  await t.rejects(async () => { await wrongKey.ready() }, { message: 'R3SN_ENCRYPTION_KEY cannot decrypt the stored credentials: it is not the key they were stored with' })
  await wrongKey.close().catch(() => {})

  const rightKey = again(Buffer.from(config.encryptionKey as Buffer))
  await rightKey.ready()
  t.same(await rightKey.integrationHub.credentials.secretFor(ownerId, id, 'hmac'), { key: value }, 'boots and reads them')
  await rightKey.close()
})
