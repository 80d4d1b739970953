/**
 * npm run bench:takeover — how long a run waits after its instance dies: two instances on one
 * embedded database (default lease), a run in a long step, SIGKILL of the instance running it,
 * then the time until the other instance resumes it (its execution.resumed event). BENCH_ROUNDS (7).
 */
import { provideDatabase } from '../lib/embedded-db.js'
import { buildService, startService } from './server.js'

const rounds = Number(process.env.BENCH_ROUNDS ?? 7)
const adminKey = 'bench-admin-key-0123456789abcdef'
const database = await provideDatabase({ durable: true })
const env: NodeJS.ProcessEnv = { MONGODB_URI: database.uri, R3SN_DB_NAME: `takeover_${Date.now()}`, R3SN_ADMIN_KEY: adminKey }

async function api (base: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
  return res.json()
}

async function until<T> (check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await check().catch(() => undefined)
    if (value !== undefined) return value
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

buildService()
const services = [await startService(env), await startService(env)]
const wf = (await api(services[0]!.baseUrl, 'POST', '/api/workflows', { name: 'long', steps: [{ id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 120_000 } }] })).workflow.id as string
const takeovers: number[] = []
for (let round = 0; round < rounds; round++) {
  const id = (await api(services[0]!.baseUrl, 'POST', `/api/workflows/${wf}/execute`, { mode: 'async' })).executionId as string
  const started = await until(async () => (await api(services[0]!.baseUrl, 'GET', `/api/executions/${id}/events`)).events.find((e: { type: string }) => e.type === 'step.started'))
  const events = (await api(services[0]!.baseUrl, 'GET', `/api/executions/${id}/events`)).events as { type: string, data: { instance?: string } }[]
  const holderPid = Number(String(events.find(e => e.type === 'execution.started')?.data.instance).split(':')[1])
  const victim = services.findIndex(s => s.pid === holderPid)
  void started
  // A random moment within a heartbeat, as a real crash would come.
  await new Promise(resolve => setTimeout(resolve, Math.random() * 1000))
  const killedAt = Date.now()
  await services[victim]!.stop('SIGKILL')
  const survivor = services[1 - victim]!
  const resumed = await until(async () => (await api(survivor.baseUrl, 'GET', `/api/executions/${id}/events`)).events.find((e: { type: string }) => e.type === 'execution.resumed'))
  takeovers.push(new Date(resumed.ts).getTime() - killedAt)
  console.log(`round ${round + 1}: resumed ${takeovers.at(-1)} ms after the kill`)
  await api(survivor.baseUrl, 'POST', `/api/executions/${id}/cancel`)
  services[victim] = await startService(env)
}
const sorted = [...takeovers].sort((a, b) => a - b)
console.log(`takeover after SIGKILL over ${rounds} rounds: median ${sorted[Math.floor(sorted.length / 2)]} ms, min ${sorted[0]} ms, max ${sorted.at(-1)} ms`)
for (const s of services) await s.stop()
await database.release()
