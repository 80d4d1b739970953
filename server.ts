import closeWithGrace from 'close-with-grace'
import { join, resolve } from 'node:path'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { startFerretdb, type EmbeddedDb } from './scripts/embedded-db.js'

let config: Config
try {
  config = loadConfig(process.env)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(1)
}

// No MONGODB_URI: run the embedded FerretDB over SQLite, kept in R3SN_DATA_DIR.
let embedded: EmbeddedDb | undefined
if (config.mongodbUri === undefined) {
  const dataDir = resolve(config.dataDir, 'ferretdb')
  embedded = await startFerretdb(dataDir, { log: line => console.log(line) })
  config = { ...config, mongodbUri: embedded.uri }
}

const app = buildApp(config, { prettyLogs: process.stdout.isTTY })
if (embedded !== undefined) app.log.info({ dataDir: join(resolve(config.dataDir), 'ferretdb'), uri: embedded.uri }, 'embedded FerretDB (SQLite) started')

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err !== undefined) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'closing')
  await app.close()
  await embedded?.stop() // after the app, so in-flight work can still write
})

try {
  await app.listen({ host: config.host, port: config.port })
} catch (err) {
  app.log.fatal({ err }, 'boot failed')
  console.error((err as Error).message)
  await app.close().catch(() => {})
  await embedded?.stop()
  process.exit(1)
}
