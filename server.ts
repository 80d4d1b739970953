import closeWithGrace from 'close-with-grace'
import { resolve } from 'node:path'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { startEmbeddedDb, type EmbeddedDb } from './lib/embedded-db.js'
import { isTransientDbError } from './lib/errors.js'

let config: Config
try {
  config = loadConfig(process.env)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(1)
}

// No MONGODB_URI: run the embedded database (FerretDB over PostgreSQL), kept in R3SN_DATA_DIR.
let embedded: EmbeddedDb | undefined
if (config.mongodbUri === undefined) {
  try {
    embedded = await startEmbeddedDb(config.dataDir, { postgresUrl: config.postgresUrl, log: line => console.log(line) })
  } catch (err) {
    console.error((err as Error).message)
    process.exit(1)
  }
  config = { ...config, mongodbUri: embedded.uri }
}

const app = buildApp(config, { prettyLogs: process.stdout.isTTY })
if (embedded !== undefined) {
  app.log.info({ dataDir: resolve(config.dataDir), uri: embedded.uri, postgres: config.postgresUrl === undefined ? 'embedded' : 'R3SN_POSTGRES_URL' },
    'embedded FerretDB started (a second instance shares it with this MONGODB_URI)')
  // The service must not go on answering as if the database were fine.
  embedded.onExit((what, output) => {
    app.log.fatal({ output: output.slice(-1000) }, `the embedded database's ${what} exited; stopping the service`)
    closing.uninstall()
    app.close().catch(() => {}).then(() => embedded?.stop()).finally(() => process.exit(1))
  })
}

const closing = closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err !== undefined) app.log.error({ err }, 'closing after an error')
  else app.log.info({ signal }, 'closing')
  await app.close()
  await embedded?.stop() // after the app, so in-flight work can still write
})

try {
  await app.listen({ host: config.host, port: config.port })
} catch (err) {
  // An unreachable database is a condition to fix, not a bug: its message says it all, a stack nothing more.
  const cause = (err as Error).cause
  app.log.fatal(isTransientDbError(cause) ? { error: { type: (cause as Error).name, message: (err as Error).message } } : { err }, 'boot failed')
  console.error((err as Error).message)
  await app.close().catch(() => {})
  await embedded?.stop()
  process.exit(1)
}
