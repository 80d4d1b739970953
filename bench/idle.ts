/**
 * npm run bench:idle — what an idle service costs: one instance on the embedded database
 * (npm start without MONGODB_URI), then a second instance sharing it, each measured over
 * BENCH_SECONDS (60) after a warm-up, as CPU of the service and of FerretDB and PostgreSQL.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildService, cpuOver, startService } from './server.js'

const seconds = Number(process.env.BENCH_SECONDS ?? 60)
const warmupMs = 10_000
const dataDir = mkdtempSync(join(tmpdir(), 'r3sn-idle-'))
const env: NodeJS.ProcessEnv = { R3SN_DATA_DIR: dataDir, R3SN_ADMIN_KEY: 'bench-admin-key-0123456789abcdef' }
delete process.env.MONGODB_URI

const percent = (cpuSeconds: number) => `${(100 * cpuSeconds / seconds).toFixed(2)} %`

buildService()
const first = await startService(env)
const holder = JSON.parse(readFileSync(join(dataDir, 'embedded-db.json'), 'utf8')) as { uri: string, postgresPid: number, ferretdbPid: number }
await new Promise(resolve => setTimeout(resolve, warmupMs))
const one = await cpuOver({ service: [first.pid], ferretdb: [holder.ferretdbPid], postgres: [holder.postgresPid] }, seconds * 1000)
const total1 = Object.values(one).reduce((a, b) => a + b, 0)
console.log(`one idle instance over ${seconds} s: service ${percent(one.service ?? 0)}, FerretDB ${percent(one.ferretdb ?? 0)}, PostgreSQL ${percent(one.postgres ?? 0)}; together ${percent(total1)} of one core`)

const second = await startService({ ...env, MONGODB_URI: holder.uri })
await new Promise(resolve => setTimeout(resolve, warmupMs))
const two = await cpuOver({ services: [first.pid, second.pid], ferretdb: [holder.ferretdbPid], postgres: [holder.postgresPid] }, seconds * 1000)
const total2 = Object.values(two).reduce((a, b) => a + b, 0)
console.log(`two idle instances over ${seconds} s: services ${percent(two.services ?? 0)}, FerretDB ${percent(two.ferretdb ?? 0)}, PostgreSQL ${percent(two.postgres ?? 0)}; together ${percent(total2)} of one core`)

await second.stop()
await first.stop()
rmSync(dataDir, { recursive: true, force: true })
