import { buildApp } from './app.ts'
import { testConfig } from './test/helper.ts'
import { createServer } from 'node:http'
const srv = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')) })
await new Promise<void>(r => srv.listen(0, '127.0.0.1', r))
const url = `http://127.0.0.1:${(srv.address() as any).port}`
const config = testConfig({ logLevel: 'warn', concurrency: 8 })
const a = buildApp(config); const b = buildApp({ ...config })
await a.ready(); await b.ready()
const h = { authorization: `Bearer ${config.adminKey}` }
const wf = await a.inject({ method: 'POST', url: '/api/workflows', headers: h, payload: { name: 'w', steps: [
  { id: 'call', type: 'integration', action: 'http.request', input: { method: 'POST', url: url + '/ok', body: { run: '=execution.id' } } },
  { id: 'c', type: 'transform', expression: '1' }
] } })
const id = wf.json().workflow.id
const N = Number(process.env.N ?? 60)
let t0 = performance.now()
for (let i = 0; i < N; i++) await (i % 2 ? a : b).inject({ method: 'POST', url: `/api/workflows/${id}/execute`, headers: h, payload: { mode: 'async' } })
console.log('queued in', (performance.now() - t0).toFixed(0))
const col = a.mongo.db.collection('executions')
for (let k = 0; k < 40; k++) {
  const done = await col.countDocuments({ status: 'completed' })
  const q = await a.mongo.db.collection('execution_queue').find().toArray()
  console.log(((performance.now() - t0) / 1000).toFixed(1), 's completed', done, 'active', a.orchestrator['worker'].active.size, b.orchestrator['worker'].active.size, 'queue', q.length, JSON.stringify(q.slice(0, 2)))
  if (done >= N) break
  await new Promise(r => setTimeout(r, 2000))
}
await a.mongo.db.dropDatabase(); await a.close(); await b.close(); srv.close()
