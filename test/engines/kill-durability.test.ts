import t from 'tap'
import { MongoClient } from 'mongodb'
import { caller } from '../helper.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { fastFailoverEnv, sharedDatabase, startServerProcess } from '../fixtures/server-process.js'
import { settled, workflow } from '../fixtures/run-checks.js'

t.test('SIGKILL of one of two instances, again and again, between any writes: no run stranded, lost or repeated but as a same-key retry', async t => {
  const rec = await startRecorder(t)
  const shared = sharedDatabase(t)
  const { mongoDb, mongodbUri, adminKey } = shared
  const env = fastFailoverEnv(shared)
  const survivor = await startServerProcess(t, env)
  const onSurvivor = caller(survivor.baseUrl, adminKey)
  const wf = (await onSurvivor('POST', '/api/workflows', workflow(rec.url))).body.workflow.id as string

  const rounds = 4
  let victim = await startServerProcess(t, env)
  let started = 0
  for (let round = 0; round < rounds; round++) {
    const onVictim = caller(victim.baseUrl, adminKey)
    // Starts through both instances while the victim lives; it dies at a random point, in a create, a claim, a step or an end.
    const starts: Promise<unknown>[] = []
    const killAt = Date.now() + 150 + Math.floor(Math.random() * 600)
    while (Date.now() < killAt) {
      const via = started % 2 === 0 ? onVictim : onSurvivor
      started++
      // A start cut off by the kill is tried again on the survivor, as a client would.
      starts.push(via('POST', `/api/workflows/${wf}/execute`, { mode: 'async' })
        .catch(() => onSurvivor('POST', `/api/workflows/${wf}/execute`, { mode: 'async' })))
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    t.equal(await victim.kill('SIGKILL'), null, `round ${round + 1}: the victim was killed`)
    await Promise.all(starts)
    if (round < rounds - 1) victim = await startServerProcess(t, env)
  }

  const client = new MongoClient(mongodbUri)
  t.teardown(() => client.close())
  await settled(t, client.db(mongoDb), rec.requests, 'after the kills')
  t.ok(started >= rounds * 5, `${started} runs were started`)
  const instances = new Set((await client.db(mongoDb).collection('execution_events').find({ type: 'execution.resumed' }).toArray()).map(e => e.executionId))
  t.comment(`${instances.size} runs were resumed after a kill`)
  await survivor.kill('SIGTERM')
})
