import { parseArgs } from 'node:util'
import { MongoClient } from 'mongodb'
import { ConfigError, loadConfig } from '../config.js'
import { ApiKeys } from '../plugins/api-keys.js'
import { startEmbeddedDb, type EmbeddedDb } from '../lib/embedded-db.js'

const usage = `Usage:
  npm run key -- create --user NAME [--admin] [--name LABEL]   print a new key (shown once)
  npm run key -- list [--user NAME]                              list keys (never their secrets)
  npm run key -- revoke KEY_ID                                   revoke a key at once
Uses MONGODB_URI and R3SN_DB_NAME like the service; unset MONGODB_URI opens the embedded
database in R3SN_DATA_DIR (stop the service first, or use the /api/keys routes instead).`

/** Rows under a header, each column as wide as its widest cell (the last one is not padded). */
function table (header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  return [header, ...rows].map(r => r.map((cell, i) => i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n')
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { user: { type: 'string' }, admin: { type: 'boolean', default: false }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
})
const [command, arg] = positionals
if (values.help === true || command === undefined || !['create', 'list', 'revoke'].includes(command)) {
  console.error(usage)
  process.exit(values.help === true ? 0 : 2)
}

let config
try {
  config = loadConfig(process.env)
} catch (err) {
  console.error((err as ConfigError).message)
  process.exit(1)
}

let embedded: EmbeddedDb | undefined
const uri = config.mongodbUri ?? (embedded = await startEmbeddedDb(config.dataDir, { postgresUrl: config.postgresUrl })).uri
const client = new MongoClient(uri, { serverSelectionTimeoutMS: config.dbTimeoutMs })
let exitCode = 0
try {
  const keys = new ApiKeys(client.db(config.mongoDb))
  await keys.init()
  const everyone = { id: 'cli', admin: true }
  if (command === 'create') {
    if (values.user === undefined) throw new Error('create needs --user NAME')
    const { key, secret } = await keys.create(values.user, { admin: values.admin, name: values.name ?? 'cli' })
    console.error(`created key ${key._id} for ${key.ownerId}${key.admin ? ' (admin)' : ''}; it is shown only now:`)
    console.log(secret)
  } else if (command === 'list') {
    const docs = await keys.list(everyone, values.user)
    if (docs.length === 0) console.error(values.user === undefined ? 'no keys' : `no keys for ${values.user}`)
    else console.log(table(['KEY ID', 'USER', 'ROLE', 'STATUS', 'NAME'], docs.map(k => [k._id, k.ownerId, k.admin ? 'admin' : 'user', k.revokedAt === null ? 'active' : 'revoked', k.name])))
  } else {
    if (arg === undefined) throw new Error('revoke needs a KEY_ID')
    await keys.revoke(everyone, arg)
    console.error(`revoked ${arg}`)
  }
} catch (err) {
  console.error((err as Error).message)
  exitCode = 1
} finally {
  await client.close()
  await embedded?.stop()
}
process.exit(exitCode)
