/**
 * npm run bench:ws — realtime fan-out, next to a bare `ws` broadcast in the same run:
 *  1. latency from publish until each of 1,000 subscribed clients has the event (p50/p99);
 *     for R3SN, publishing means appending to the durable event log first;
 *  2. sustained events per second delivered to 100 subscribed clients.
 * MONGODB_URI points at a server of your own; otherwise an embedded FerretDB is started.
 */
import WebSocket, { WebSocketServer } from 'ws'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { provideDatabase } from '../lib/embedded-db.js'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20)
const RATE_CLIENTS = 100
const RATE_EVENTS = Number(process.env.BENCH_EVENTS ?? 500)

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return +(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? 0).toFixed(2) }

/** n open clients; onMessage gets each parsed frame with its arrival time. */
async function openClients (n: number, url: string, headers: Record<string, string>, onMessage: (i: number, frame: any, at: number) => void) {
  const sockets: WebSocket[] = []
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(url, { headers })
    ws.on('message', raw => onMessage(i, JSON.parse(raw.toString()), performance.now()))
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
    sockets.push(ws)
  }
  return sockets
}

const database = await provideDatabase({ durable: true })
const uri = database.uri
const adminKey = 'bench-admin-key-0123456789abcdef'
const app = buildApp({ ...loadConfig({}), mongodbUri: uri, mongoDb: `bench_${Date.now()}`, adminKey, logLevel: 'warn', wsMaxConnectionsPerUser: CLIENTS + 10 })
await app.listen({ host: '127.0.0.1', port: 0 })
const wsUrl = `ws://127.0.0.1:${(app.server.address() as { port: number }).port}/ws`
const owner = { id: 'admin', admin: true }
const exec = await app.orchestrator.store.create(owner, { type: 'workflow', plan: [] })
if (exec === null) throw new Error('no execution')

// 1. latency to 1,000 subscribers
// The execution itself runs at once (it has no steps); its events make the initial replay.
await app.orchestrator.waitForEnd(exec._id, 10_000)
const arrivals = new Map<number, number[]>()
let caughtUp = 0
globalThis.gc?.()
const heapBefore = process.memoryUsage().heapUsed
const r3snClients = await openClients(CLIENTS, wsUrl, { authorization: `Bearer ${adminKey}` }, (_i, f, at) => {
  if (f.event !== 'execution:event') return
  if (f.data.type === 'bench.tick') arrivals.get(f.data.data.round)?.push(at)
  if (f.data.type === 'execution.completed') caughtUp++
})
for (const ws of r3snClients) ws.send(JSON.stringify({ event: 'execution:subscribe', data: { executionId: exec._id } }))
// Measure live delivery only, once every client has replayed the log.
while (caughtUp < CLIENTS) await new Promise(resolve => setTimeout(resolve, 10))
globalThis.gc?.()
const heapPerConnection = (process.memoryUsage().heapUsed - heapBefore) / CLIENTS
let seq = await app.orchestrator.store.listEvents(exec._id, 0, 1000).then(events => events.length)
const r3snLatency: number[] = []
const r3snUntilAll: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  arrivals.set(round, [])
  const sent = performance.now()
  seq = await app.orchestrator.store.appendEvent(exec, 'bench.tick', { round }, undefined, seq + 1)
  while ((arrivals.get(round)?.length ?? 0) < CLIENTS) await new Promise(resolve => setImmediate(resolve))
  const latencies = (arrivals.get(round) as number[]).map(at => at - sent)
  r3snLatency.push(...latencies)
  r3snUntilAll.push(Math.max(...latencies))
}
for (const ws of r3snClients.slice(RATE_CLIENTS)) ws.close()

// 2. sustained rate to 100 subscribers
let received = 0
for (const ws of r3snClients.slice(0, RATE_CLIENTS)) ws.on('message', raw => { if (raw.toString().includes('"bench.rate"')) received++ })
const rateStart = performance.now()
for (let i = 0; i < RATE_EVENTS; i++) seq = await app.orchestrator.store.appendEvent(exec, 'bench.rate', {}, undefined, seq + 1)
while (received < RATE_CLIENTS * RATE_EVENTS) await new Promise(resolve => setImmediate(resolve))
const r3snRate = RATE_EVENTS / ((performance.now() - rateStart) / 1000)
for (const ws of r3snClients.slice(0, RATE_CLIENTS)) ws.close()

// The same two figures for a bare ws broadcast.
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
await new Promise(resolve => wss.once('listening', resolve))
const bareUrl = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`
const bareArrivals: number[] = []
let bareCount = 0
const bareClients = await openClients(CLIENTS, bareUrl, {}, (_i, _f, at) => { bareArrivals.push(at); bareCount++ })
const bareLatency: number[] = []
const bareUntilAll: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  bareArrivals.length = 0
  const sent = performance.now()
  const msg = JSON.stringify({ event: 'execution:event', data: { seq: round } })
  for (const c of wss.clients) c.send(msg)
  while (bareArrivals.length < CLIENTS) await new Promise(resolve => setImmediate(resolve))
  const latencies = bareArrivals.map(at => at - sent)
  bareLatency.push(...latencies)
  bareUntilAll.push(Math.max(...latencies))
}
for (const ws of bareClients.slice(RATE_CLIENTS)) ws.close()
await new Promise(resolve => setTimeout(resolve, 200))
bareCount = 0
const bareStart = performance.now()
for (let i = 0; i < RATE_EVENTS; i++) {
  const msg = JSON.stringify({ event: 'execution:event', data: { seq: i } })
  for (const c of wss.clients) c.send(msg)
  await new Promise(resolve => setImmediate(resolve))
}
while (bareCount < RATE_CLIENTS * RATE_EVENTS) await new Promise(resolve => setImmediate(resolve))
const bareRate = RATE_EVENTS / ((performance.now() - bareStart) / 1000)
for (const ws of bareClients) ws.close()
wss.close()

console.log(JSON.stringify({
  database: database.embedded ? 'embedded FerretDB 1.24 over PostgreSQL 18' : 'MONGODB_URI',
  clients: CLIENTS,
  heapKiBPerSubscribedConnection: +(heapPerConnection / 1024).toFixed(1),
  latencyToEveryClientMs: { r3sn: { p50: pct(r3snLatency, 0.5), p99: pct(r3snLatency, 0.99) }, bareWs: { p50: pct(bareLatency, 0.5), p99: pct(bareLatency, 0.99) } },
  untilEveryClientHasItMs: { r3sn: { p50: pct(r3snUntilAll, 0.5), p99: pct(r3snUntilAll, 0.99) }, bareWs: { p50: pct(bareUntilAll, 0.5), p99: pct(bareUntilAll, 0.99) } },
  eventsPerSecondToRateClients: { clients: RATE_CLIENTS, r3sn: Math.round(r3snRate), bareWs: Math.round(bareRate) }
}, null, 2))

await app.mongo.db.dropDatabase()
await app.close()
await database.release()
