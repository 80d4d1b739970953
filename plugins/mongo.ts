import fp from 'fastify-plugin'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { MongoClient, type Collection, type Db, type Document, type Filter, type FindOptions, type OptionalUnlessRequiredId, type UpdateFilter, type WithId } from 'mongodb'
import type { Config } from '../config.js'
import { NotFound } from '../schemas/errors.js'

/** Who acts: the user behind the API key of a request (`keyId`: that key, when there is one). */
export interface Owner { id: string, admin: boolean, keyId?: string }

/** Every stored resource carries its owner. */
export interface OwnedDoc extends Document { _id: string, ownerId: string }

/**
 * The one ownership mechanism: every read and write is filtered by owner, so
 * another user's resource is simply not found (404), never leaked.
 * `adminSeesAll` lets admins reach every owner's documents (used for API keys).
 */
export class OwnedCollection<T extends OwnedDoc> {
  constructor (readonly collection: Collection<T>, readonly label: string, private readonly adminSeesAll = false) {}

  scope (owner: Owner, filter: Filter<T> = {}): Filter<T> {
    if (owner.admin && this.adminSeesAll) return filter
    // A caller's own ownerId condition narrows the scope ($and), never widens it. Otherwise a plain
    // field: FerretDB pushes top-level equalities down to PostgreSQL, but scans every document for $and.
    return ('ownerId' in filter ? { $and: [filter, { ownerId: owner.id }] } : { ...filter, ownerId: owner.id }) as Filter<T>
  }

  async get (owner: Owner, id: string): Promise<WithId<T>> {
    const doc = await this.collection.findOne(this.scope(owner, { _id: id } as Filter<T>))
    if (doc === null) throw new NotFound(`${this.label} ${id}`)
    return doc
  }

  async find (owner: Owner, filter: Filter<T> = {}, options: FindOptions = {}): Promise<WithId<T>[]> {
    return this.collection.find(this.scope(owner, filter), options).toArray()
  }

  async insert (owner: Owner, doc: Omit<T, 'ownerId'> & { ownerId?: string }): Promise<T> {
    const stored = { ...doc, ownerId: doc.ownerId ?? owner.id } as T
    await this.collection.insertOne(stored as OptionalUnlessRequiredId<T>)
    return stored
  }

  async update (owner: Owner, id: string, update: UpdateFilter<T>): Promise<void> {
    const res = await this.collection.updateOne(this.scope(owner, { _id: id } as Filter<T>), update)
    if (res.matchedCount === 0) throw new NotFound(`${this.label} ${id}`)
  }

  async delete (owner: Owner, id: string): Promise<void> {
    const res = await this.collection.deleteOne(this.scope(owner, { _id: id } as Filter<T>))
    if (res.deletedCount === 0) throw new NotFound(`${this.label} ${id}`)
  }
}

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

/** A unique-index violation: the insert lost a race (or the document exists already). */
export function isDuplicateKey (err: unknown): boolean {
  return (err as { code?: number }).code === 11000
}

/** The URI with any password replaced, safe for logs and error messages. */
export function maskUri (uri: string): string {
  return uri.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
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
function watchMonitor (client: MongoClient, dbTimeoutMs: number, log: FastifyBaseLogger): NodeJS.Timeout {
  let checkStarted: number | undefined
  client.on('serverHeartbeatStarted', e => { if (!e.awaited) checkStarted ??= Date.now() })
  client.on('serverHeartbeatSucceeded', () => { checkStarted = undefined })
  client.on('serverHeartbeatFailed', () => { checkStarted = undefined })
  let reconnecting = false
  return setInterval(() => {
    if (reconnecting || checkStarted === undefined || Date.now() - checkStarted < 2 * dbTimeoutMs) return
    log.warn({ pendingMs: Date.now() - checkStarted }, 'the database check is stuck; reconnecting')
    reconnecting = true
    checkStarted = undefined
    client.close().then(() => client.connect())
      .catch((err: unknown) => log.warn({ err }, 'reconnecting to the database failed; operations connect again on their own'))
      .finally(() => { reconnecting = false })
  }, dbTimeoutMs).unref()
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
  const watchdog = watchMonitor(client, dbTimeoutMs, app.log)

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
  app.addHook('onClose', async () => { clearInterval(watchdog); await client.close() })
}

export default fp(mongo, { name: 'mongo' })
