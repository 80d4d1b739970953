/**
 * npm run bench:ws-abuse — realtime under abuse, on one instance:
 *  1. another user's delivery: a victim runs a 3-step workflow over WebSocket again and again;
 *     for each execution event, the time from its `ts` until the victim has it (p50/p99), and
 *     the time from `workflow:execute` until `workflow:completed`;
 *     measured alone, then while a paused reader asks for 500 replays of long logs;
 *  2. a storm of 1,000 `execution:subscribe` frames on one socket, then a ping: the pong's
 *     delay, how many frames were refused for the rate, and how many events the storm got.
 * MONGODB_URI points at a server of your own; otherwise an embedded FerretDB is started.
 */
import WebSocket from 'ws'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { provideDatabase } from '../lib/embedded-db.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 60)
const LOGS = 20
const EVENTS_PER_LOG = 500

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return +(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? 0).toFixed(1) }

interface Frame { event: string, data: any, id?: string }
async function open (url: string, key: string, onFrame: (f: Frame) => void = () => {}) {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${key}` } })
  const frames: Frame[] = []
  ws.on('message', raw => { const f = JSON.parse(raw.toString()) as Frame; frames.push(f); onFrame(f) })
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
  const send = (event: string, data: object, id?: string) => ws.send(JSON.stringify({ event, data, id }))
  return { ws, frames, send }
}

const database = await provideDatabase({ durable: true })
const adminKey = 'bench-admin-key-0123456789abcdef'
const app = buildApp({ ...loadConfig({}), mongodbUri: database.uri, mongoDb: `bench_${Date.now()}`, adminKey, logLevel: 'warn' })
await app.listen({ host: '127.0.0.1', port: 0 })
const port = (app.server.address() as { port: number }).port
const wsUrl = `ws://127.0.0.1:${port}/ws`
const api = async (path: string, key: string, body: object) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return await res.json() as any
}

// Long logs for the abuser to replay (written straight to the store: the runs themselves do not matter).
const admin = { id: 'admin', admin: true }
const logs: string[] = []
let logEvents = 0
for (let i = 0; i < LOGS; i++) {
  const exec = await app.orchestrator.store.create(admin, { type: 'workflow', plan: [] })
  if (exec === null) throw new Error('no execution')
  await app.orchestrator.waitForEnd(exec._id, 10_000)
  const seq = (await app.orchestrator.store.listEvents(exec._id, 0, 100)).length
  const pending = Array.from({ length: EVENTS_PER_LOG }, (_, n) => ({ type: 'bench.filler', data: { n, pad: 'x'.repeat(200) } }))
  await app.orchestrator.store.appendEvents({ _id: exec._id, ownerId: 'admin', type: exec.type }, { seq, pending })
  logs.push(exec._id)
  logEvents += seq + EVENTS_PER_LOG
}

const victimKey = (await api('/api/keys', adminKey, { user: 'victim' })).secret as string
const workflowId = (await api('/api/workflows', victimKey, { name: 'three', steps: [
  { id: 'a', type: 'transform', expression: 'trigger.n + 1' },
  { id: 'b', type: 'integration', action: 'core.log', input: { message: 'hello' } },
  { id: 'c', type: 'transform', expression: 'steps.a.output * 10' }
] })).workflow.id as string

/** The victim's runs, one after another: event delivery delays and run round trips. */
async function victimRuns () {
  const delivery: number[] = []
  const roundTrip: number[] = []
  let done: (() => void) | undefined
  const v = await open(wsUrl, victimKey, f => {
    if (f.event === 'execution:event') delivery.push(Date.now() - Date.parse(f.data.ts))
    if (f.event === 'workflow:completed') done?.()
  })
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    const completed = new Promise<void>(resolve => { done = resolve })
    v.send('workflow:execute', { workflowId, triggerData: { n: i } }, `run-${i}`)
    await completed
    roundTrip.push(performance.now() - started)
    v.send('execution:unsubscribe', { executionId: v.frames.find(f => f.id === `run-${i}`)!.data.executionId })
  }
  v.ws.close()
  return { deliveryMs: { p50: pct(delivery, 0.5), p99: pct(delivery, 0.99) }, runRoundTripMs: { p50: pct(roundTrip, 0.5), p99: pct(roundTrip, 0.99) } }
}

const baseline = await victimRuns()

// A paused reader: asks for every long log again and again, reads nothing.
const paused = await open(wsUrl, adminKey)
const pausedClosed = new Promise<number>(resolve => paused.ws.on('close', code => resolve(code)))
;(paused.ws as unknown as { _socket: { pause (): void } })._socket.pause()
for (let round = 0; round < 500 / LOGS; round++) for (const executionId of logs) paused.send('execution:subscribe', { executionId, since: 0 })
const withPausedReader = await victimRuns()
const pausedReaderCutOff = await Promise.race([pausedClosed, new Promise<string>(resolve => setTimeout(() => resolve('still connected'), 100))])
paused.ws.terminate()

// A storm of subscribes, then a ping.
let stormEvents = 0
const storm = await open(wsUrl, adminKey, f => { if (f.event === 'execution:event') stormEvents++ })
for (let i = 0; i < 1000; i++) storm.send('execution:subscribe', { executionId: logs[i % LOGS], since: 0 }, `s${i}`)
const pinged = performance.now()
storm.send('ping', {}, 'ping')
while (!storm.frames.some(f => f.id === 'ping')) await new Promise(resolve => setImmediate(resolve))
const pongMs = performance.now() - pinged
while (storm.frames.filter(f => f.id?.startsWith('s') === true).length < 1000) await new Promise(resolve => setTimeout(resolve, 10))
await new Promise(resolve => setTimeout(resolve, 2000)) // replays still arriving
const refused = storm.frames.filter(f => f.event === 'error' && f.data.code === 'R3SN_RATE_LIMITED').length
storm.ws.close()

console.log(JSON.stringify({
  database: database.embedded ? 'embedded FerretDB 1.24 over PostgreSQL' : 'MONGODB_URI',
  victimRuns: RUNS,
  baseline,
  withPausedReader: { ...withPausedReader, pausedReader: pausedReaderCutOff },
  subscribeStorm: { frames: 1000, pongMs: +pongMs.toFixed(1), refusedForRate: refused, eventsSent: stormEvents, eventsInTheLogs: logEvents }
}, null, 2))

await app.mongo.db.dropDatabase()
await app.close()
await database.release()
