import t from 'tap'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { connect } from 'node:net'
import { apiClient } from './client/index.js'
import { startEmbeddedDb } from '../lib/embedded-db.js'

/**
 * What `npm start` runs: the build (tsconfig.build.json, into a folder of its own under
 * .cache so it can find the project from there as dist/ does) started with node. Built once
 * for the file's tests, and removed after them.
 */
let built: string | undefined
function buildService (): string {
  if (built !== undefined) return built
  const outDir = join('.cache', `dist-test-${process.pid}`)
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], { stdio: 'inherit' })
  t.teardown(() => rmSync(outDir, { recursive: true, force: true }))
  built = outDir
  return outDir
}

/** Runs the built server with no MONGODB_URI, as `npm start` does; resolves once it listens. */
async function startEmbedded (outDir: string, dataDir: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'info', R3SN_DATA_DIR: dataDir, R3SN_ADMIN_KEY: 'embedded-admin-key-0123456789', ...extraEnv }
  delete env.MONGODB_URI
  const child = spawn(process.execPath, [join(outDir, 'server.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  const logs: Record<string, unknown>[] = []
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.once('exit', code => reject(new Error(`server exited with ${code}`)))
    createInterface({ input: child.stdout }).on('line', line => {
      if (!line.startsWith('{')) return
      const entry = JSON.parse(line) as Record<string, unknown>
      logs.push(entry)
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(String(entry.msg))
      if (m?.[1] !== undefined) resolve(m[1])
    })
  })
  const exited = new Promise<number | null>(resolve => child.once('exit', resolve))
  return { baseUrl, logs, exited, pid: child.pid as number, stop: async () => { child.kill('SIGTERM'); return exited } }
}

function portOpen (uri: string): Promise<boolean> {
  const { hostname, port } = new URL(uri)
  return new Promise(resolve => {
    const socket = connect(Number(port), hostname, () => { socket.end(); resolve(true) })
    socket.on('error', () => resolve(false))
  })
}

t.test('without MONGODB_URI the built service runs on an embedded FerretDB over PostgreSQL that keeps its data and stops with it', async t => {
  const outDir = buildService()
  const dataDir = mkdtempSync(join(tmpdir(), 'r3sn-embedded-'))
  const first = await startEmbedded(outDir, dataDir)
  const started = first.logs.find(l => String(l.msg).startsWith('embedded FerretDB started')) as { dataDir: string, uri: string, postgres: string }
  t.equal(started.dataDir, dataDir, 'logs where the data lives')
  t.equal(started.postgres, 'embedded', 'over its own PostgreSQL')
  t.ok(existsSync(join(dataDir, 'postgres', 'PG_VERSION')), 'PostgreSQL keeps its data in R3SN_DATA_DIR/postgres')
  const admin = apiClient(first.baseUrl, 'embedded-admin-key-0123456789')
  t.equal((await apiClient(first.baseUrl).GET('/ready')).response.status, 200)
  const created = await admin.POST('/api/keys', { body: { user: 'dora' } })
  const doraKey = created.data?.secret as string
  t.ok(doraKey)

  t.equal(await first.stop(), 0, 'SIGTERM closes cleanly')
  t.notOk(await portOpen(started.uri), 'the embedded database stopped with the service')

  const second = await startEmbedded(outDir, dataDir)
  t.teardown(() => second.stop())
  const again = await apiClient(second.baseUrl, doraKey).GET('/api/keys')
  t.equal(again.response.status, 200, 'data survived the restart')
  t.same(again.data?.keys.map(k => k.userId), ['dora'])
  const selfTest = await apiClient(second.baseUrl, doraKey).POST('/api/test/execute')
  t.match(selfTest.data, { status: 'completed', planner: 'offline' }, 'and prompts run')
})

t.test('the embedded database: a second instance on the same folder is told how to share it, a SIGKILLed service leaves nothing in the way, a dying database stops the service', async t => {
  const outDir = buildService()
  const dataDir = mkdtempSync(join(tmpdir(), 'r3sn-embedded-'))
  const first = await startEmbedded(outDir, dataDir)
  const holder = JSON.parse(readFileSync(join(dataDir, 'embedded-db.json'), 'utf8')) as { uri: string, postgresPid: number, ferretdbPid: number }

  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', R3SN_DATA_DIR: dataDir }
  delete env.MONGODB_URI
  const second = spawn(process.execPath, [join(outDir, 'server.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  second.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  t.equal(await new Promise(resolve => second.once('exit', resolve)), 1, 'the second instance refuses to start')
  t.match(stderr, `MONGODB_URI=${holder.uri}`, 'and says how to share the database')

  process.kill(first.pid, 'SIGKILL')
  await first.exited
  const restarted = await startEmbedded(outDir, dataDir)
  t.equal((await apiClient(restarted.baseUrl).GET('/ready')).response.status, 200, 'a restart after SIGKILL takes over the data folder')
  t.throws(() => process.kill(holder.postgresPid, 0), 'the PostgreSQL left behind was stopped')

  const now = JSON.parse(readFileSync(join(dataDir, 'embedded-db.json'), 'utf8')) as { postgresPid: number }
  process.kill(now.postgresPid, 'SIGKILL')
  t.equal(await restarted.exited, 1, 'the service stops with an error when its database dies')
  t.ok(restarted.logs.some(l => l.level === 60 && /PostgreSQL exited/.test(String(l.msg))), 'and says why')
})

t.test('R3SN_POSTGRES_URL runs the embedded FerretDB over an existing PostgreSQL', async t => {
  const outDir = buildService()
  const existing = await startEmbeddedDb(mkdtempSync(join(tmpdir(), 'r3sn-pg-')), { throwaway: true })
  t.teardown(() => existing.stop())
  const dataDir = mkdtempSync(join(tmpdir(), 'r3sn-embedded-'))
  const service = await startEmbedded(outDir, dataDir, { R3SN_POSTGRES_URL: existing.postgresUrl })
  t.teardown(() => service.stop())
  t.match(service.logs.find(l => String(l.msg).startsWith('embedded FerretDB started')), { postgres: 'R3SN_POSTGRES_URL' })
  t.notOk(existsSync(join(dataDir, 'postgres')), 'no PostgreSQL of its own')
  const admin = apiClient(service.baseUrl, 'embedded-admin-key-0123456789')
  t.equal((await apiClient(service.baseUrl).GET('/ready')).response.status, 200)
  t.match((await admin.POST('/api/test/execute')).data, { status: 'completed' }, 'runs work')
})
