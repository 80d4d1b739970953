import fp from 'fastify-plugin'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { MongoClient, type Db } from 'mongodb'
import type { Config } from '../config.js'
import { maskUri, OwnedCollection, type OwnedDoc } from '../lib/mongo.js'
import type { Metrics } from './metrics.js'
import { LogThrottle, logError } from '../lib/log-throttle.js'

export interface Mongo {
  client: MongoClient
  db: Db
  /** Answers within the configured timeout or throws. */
  ping (): Promise<void>
  /** Writes a small document within the configured timeout or throws: a database that answers a ping may still refuse writes. */
  probeWrite (): Promise<void>
  owned<T extends OwnedDoc> (collection: string, label: string, opts?: { adminSeesAll?: boolean }): OwnedCollection<T>
}

declare module 'fastify' {
  interface FastifyInstance { mongo: Mongo }
}

async function zstdLoads (): Promise<boolean> {
  try {
    await import('@mongodb-js/zstd')
    return true
  } catch {
    return false
  }
}

/**
 * Works around a driver hang (mongodb 6.22): a server check that starts on a connection the
 * server has just closed writes to the ended socket and waits for a 'drain' that never comes,
 * so the server stays unknown and every operation fails until a restart. A polling check that
 * has not answered within twice its own timeouts is stuck; reconnecting starts a fresh monitor.
 */
function watchMonitor (client: MongoClient, dbTimeoutMs: number, log: FastifyBaseLogger, metrics: Metrics): { stop (): void } {
  let checkStarted: number | undefined
  client.on('serverHeartbeatStarted', e => { if (!e.awaited) checkStarted ??= Date.now() })
  client.on('serverHeartbeatSucceeded', () => { checkStarted = undefined })
  client.on('serverHeartbeatFailed', () => { checkStarted = undefined; metrics.dbHeartbeatFailures.inc() })
  let reconnecting = false
  let stopped = false
  // A database that keeps dropping the monitor's connection would log this every few seconds.
  const warnings = new LogThrottle(log)
  // A connect that fails leaves the client on a closed topology (every operation then fails
  // with "Topology is closed"), so it is tried again until the database answers.
  const reconnect = async () => {
    for (let tries = 1; !stopped; tries++) {
      try {
        await client.close()
        await client.connect()
        return
      } catch (err) {
        if (tries === 1) log.warn(logError(err), 'reconnecting to the database failed; trying again until it answers')
        await new Promise(resolve => setTimeout(resolve, dbTimeoutMs))
      }
    }
  }
  const timer = setInterval(() => {
    if (reconnecting || checkStarted === undefined || Date.now() - checkStarted < 2 * dbTimeoutMs) return
    warnings.warn({ pendingMs: Date.now() - checkStarted }, 'the database check is stuck; reconnecting')
    reconnecting = true
    checkStarted = undefined
    metrics.dbReconnects.inc()
    reconnect().finally(() => { reconnecting = false })
  }, dbTimeoutMs).unref()
  return { stop: () => { stopped = true; clearInterval(timer) } }
}

async function mongo (app: FastifyInstance, opts: { config: Config }) {
  const { mongodbUri, mongoDb, dbTimeoutMs } = opts.config
  if (mongodbUri === undefined) throw new Error('MONGODB_URI is not set: the mongo plugin needs a connection string')
  const client = new MongoClient(mongodbUri, {
    appName: 'r3sn',
    compressors: (await zstdLoads()) ? ['zstd', 'zlib'] : ['zlib'],
    serverSelectionTimeoutMS: dbTimeoutMs,
    connectTimeoutMS: dbTimeoutMs
  })
  const database = client.db(mongoDb)
  const ping = async () => { await database.command({ ping: 1 }, { timeoutMS: dbTimeoutMs }) }
  try {
    await client.connect()
    await ping()
  } catch (err) {
    await client.close().catch(() => {})
    throw new Error(`Cannot reach the database at ${maskUri(mongodbUri)} within ${dbTimeoutMs} ms: ${(err as Error).message}`, { cause: err })
  }
  app.log.info({ uri: maskUri(mongodbUri), db: mongoDb }, 'database connected')
  const watchdog = watchMonitor(client, dbTimeoutMs, app.log, app.metrics)

  const probes = database.collection<{ _id: string, at: Date }>('health_probes')
  const probeWrite = async () => {
    await probes.updateOne({ _id: 'ready' }, { $set: { at: new Date() } }, { upsert: true, timeoutMS: dbTimeoutMs })
  }
  app.decorate('mongo', {
    client,
    db: database,
    ping,
    probeWrite,
    owned: <T extends OwnedDoc>(name: string, label: string, o: { adminSeesAll?: boolean } = {}) =>
      new OwnedCollection<T>(database.collection<T>(name), label, o.adminSeesAll)
  })
  app.addHook('onClose', async () => { watchdog.stop(); await client.close() })
}

export default fp(mongo, { name: 'mongo', dependencies: ['metrics'] })
