import t from 'tap'
import { build } from '../helper.js'
import { maskUri } from '../../lib/mongo.js'

t.test('one client with zstd and zlib compression, and the indexes the app needs', async t => {
  const { app } = await build(t)
  t.same(app.mongo.client.options.compressors, ['zstd', 'zlib'])
  const indexes = await app.mongo.db.collection('api_keys').indexes()
  t.ok(indexes.some(i => i.key.hash === 1 && i.unique === true), 'api_keys.hash is unique')
  await t.rejects(
    app.mongo.db.collection('api_keys').insertMany([{ _id: 'a' as never, hash: 'same' }, { _id: 'b' as never, hash: 'same' }]),
    { code: 11000 }, 'the unique index is enforced by the server')
})

t.test('maskUri hides passwords only', async t => {
  t.equal(maskUri('mongodb://u:p%40ss@h:1/db?x=1'), 'mongodb://u:***@h:1/db?x=1')
  t.equal(maskUri('mongodb://h:27017/'), 'mongodb://h:27017/')
  t.equal(maskUri('mongodb+srv://user@cluster/'), 'mongodb+srv://user@cluster/')
})
