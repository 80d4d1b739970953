import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { MongoClient } from 'mongodb'
import { GroupBatch, GroupCommit, InsertFailed } from '../../lib/group-commit.js'

async function connect (t: Test) {
  const uri = process.env.MONGODB_URI as string
  const client = await MongoClient.connect(`${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`)
  const db = client.db(`t_${randomUUID().slice(0, 8)}`)
  const inserts: number[] = []
  client.on('commandStarted', e => { if (e.commandName === 'insert') inserts.push((e.command.documents as unknown[]).length) })
  t.teardown(async () => { await db.dropDatabase(); await client.close() })
  return { db, inserts }
}

t.test('callers that write at the same time share one insertMany, each in its own order', async t => {
  const { db, inserts } = await connect(t)
  const docs = db.collection<{ _id: string, caller: number, n: number }>('docs')
  const commit = new GroupCommit(docs)
  await Promise.all(Array.from({ length: 20 }, (_, caller) => commit.insert([0, 1, 2].map(n => ({ _id: `${caller}:${n}`, caller, n })))))
  t.equal(await docs.countDocuments(), 60, 'every document is stored')
  t.same(inserts, [60], 'in one command')
  // A caller alone waits for nobody.
  await commit.insert([{ _id: 'alone', caller: 99, n: 0 }])
  t.same(inserts, [60, 1])
})

t.test('a refused document stops only its caller, who learns which of its documents were stored', async t => {
  const { db } = await connect(t)
  const docs = db.collection<{ _id: string }>('docs')
  await docs.insertOne({ _id: 'b:2' })
  const commit = new GroupCommit(docs)
  const [a, b, c] = await Promise.allSettled([
    commit.insert([{ _id: 'a:1' }, { _id: 'a:2' }]),
    commit.insert([{ _id: 'b:1' }, { _id: 'b:2' }, { _id: 'b:3' }]),
    commit.insert([{ _id: 'c:1' }])
  ])
  t.equal(a.status, 'fulfilled')
  t.equal(c.status, 'fulfilled', 'a caller after the refused document is stored in the next batch')
  t.ok(b.status === 'rejected' && b.reason instanceof InsertFailed, 'the caller with the duplicate is told')
  const failure = (b as PromiseRejectedResult).reason as InsertFailed
  t.equal(failure.written, 1, 'one of its documents was stored before the duplicate')
  t.equal((failure.cause as { code?: number }).code, 11000)
  t.same((await docs.find().sort({ _id: 1 }).toArray()).map(d => d._id), ['a:1', 'a:2', 'b:1', 'b:2', 'c:1'], 'its documents after the duplicate are not stored')
})

t.test('a batch of deletes goes as one call, and fails as one', async t => {
  const sent: string[][] = []
  let fail = false
  const batch = new GroupBatch<string>(async ids => { sent.push(ids); if (fail) throw new Error('database down') })
  await Promise.all(['x', 'y', 'z'].map(id => batch.add(id)))
  t.same(sent, [['x', 'y', 'z']])
  fail = true
  const results = await Promise.allSettled(['p', 'q'].map(id => batch.add(id)))
  t.same(results.map(r => r.status), ['rejected', 'rejected'])
})
