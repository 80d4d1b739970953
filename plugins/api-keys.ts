import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createHash, randomBytes } from 'node:crypto'
import type { Collection, Db } from 'mongodb'
import type { Config } from '../config.js'
import { Unauthorized } from '../lib/errors.js'
import { isDuplicateKey, OwnedCollection, type Owner, type OwnedDoc } from '../lib/mongo.js'
import type { Budget } from '../schemas/workflows.js'

export interface ApiKeyDoc extends OwnedDoc {
  /** sha-256 of the key, hex; the key itself is never stored. */
  hash: string
  admin: boolean
  name: string
  createdAt: Date
  revokedAt: Date | null
}

/** A user: created with their first key; `budget` is the default budget of their runs, set by an admin. */
interface UserDoc { _id: string, createdAt: Date, budget?: Budget }

/** A user's default budget is read on every run start: kept this long (another instance sees a change within it). */
const BUDGET_CACHE_MS = 1000

declare module 'fastify' {
  interface FastifyInstance { apiKeys: ApiKeys }
  interface FastifyRequest { user: Owner }
  interface FastifyContextConfig {
    /** Reachable without an API key (health, docs, the spec, webhooks). */
    public?: boolean
  }
}

const BOOTSTRAP_ID = 'bootstrap-admin'
const ENV_ADMIN_ID = 'env-admin'

export function hashKey (secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export class ApiKeys {
  private readonly keys: OwnedCollection<ApiKeyDoc>
  private readonly users: Collection<UserDoc>
  private readonly revokeListeners: ((keyId: string) => Promise<void>)[] = []
  private readonly budgets = new Map<string, { budget: Budget | undefined, at: number }>()

  constructor (db: Db) {
    this.keys = new OwnedCollection<ApiKeyDoc>(db.collection('api_keys'), 'API key', true)
    this.users = db.collection('users')
  }

  async init (): Promise<void> {
    await this.keys.collection.createIndex({ hash: 1 }, { unique: true })
    await this.keys.collection.createIndex({ ownerId: 1 })
  }

  /** Creates a key for a user (creating the user on first use); the secret is returned once. */
  async create (user: string, opts: { admin?: boolean, name?: string, id?: string } = {}): Promise<{ key: ApiKeyDoc, secret: string }> {
    const secret = `r3sn_${randomBytes(32).toString('base64url')}`
    const key: ApiKeyDoc = {
      _id: opts.id ?? `key_${randomBytes(8).toString('hex')}`,
      ownerId: user,
      hash: hashKey(secret),
      admin: opts.admin ?? false,
      name: opts.name ?? '',
      createdAt: new Date(),
      revokedAt: null
    }
    await this.ensureUser(user)
    await this.keys.collection.insertOne(key)
    return { key, secret }
  }

  /** The keys the owner may see (an admin: everyone's), oldest first; `userId` narrows them to one user's. */
  async list (owner: Owner, userId?: string): Promise<ApiKeyDoc[]> {
    return this.keys.find(owner, userId === undefined ? {} : { ownerId: userId }, { sort: { createdAt: 1, _id: 1 } })
  }

  async get (owner: Owner, id: string): Promise<ApiKeyDoc> {
    return this.keys.get(owner, id)
  }

  /** Revokes a key; it returns once every listener (realtime closing the key's sockets, on every instance) has been told. */
  async revoke (owner: Owner, id: string): Promise<void> {
    await this.keys.update(owner, id, { $set: { revokedAt: new Date() } })
    await Promise.all(this.revokeListeners.map(listener => listener(id)))
  }

  onRevoke (listener: (keyId: string) => Promise<void>): void {
    this.revokeListeners.push(listener)
  }

  /** The owner behind a key, or null for an unknown or revoked one. Not cached, so a revocation takes effect at once. */
  async verify (secret: string): Promise<Owner | null> {
    const key = await this.keys.collection.findOne({ hash: hashKey(secret) }, { projection: { ownerId: 1, admin: 1, revokedAt: 1 } })
    if (key === null || key.revokedAt !== null) return null
    return { id: key.ownerId, admin: key.admin, keyId: key._id }
  }

  /** Of these keys, the ones revoked or gone (revoked another way than the API: the CLI, the database). */
  async inactive (keyIds: string[]): Promise<string[]> {
    const active = await this.keys.collection.find({ _id: { $in: keyIds }, revokedAt: null }, { projection: { _id: 1 } }).toArray()
    const found = new Set(active.map(k => k._id))
    return keyIds.filter(id => !found.has(id))
  }

  /** Whether a key (by id) exists and is not revoked: checked again for every frame of a long-lived socket. */
  async isActive (keyId: string): Promise<boolean> {
    const key = await this.keys.collection.findOne({ _id: keyId }, { projection: { revokedAt: 1 } })
    return key !== null && key.revokedAt === null
  }

  /**
   * Makes sure an admin can get in: R3SN_ADMIN_KEY is installed when given;
   * otherwise, when no key exists at all, one admin key is created and returned
   * (once) for the caller to print. Safe when several instances start together:
   * the fixed _id makes the insert win once.
   */
  async bootstrap (adminKey: string | undefined): Promise<string | undefined> {
    if (adminKey !== undefined) {
      await this.ensureUser('admin')
      const doc = { ownerId: 'admin', hash: hashKey(adminKey), admin: true, name: 'R3SN_ADMIN_KEY', revokedAt: null }
      await this.keys.collection.updateOne({ _id: ENV_ADMIN_ID }, { $set: doc, $setOnInsert: { createdAt: new Date() } }, { upsert: true })
        .catch(err => { if (!isDuplicateKey(err)) throw err })
      return undefined
    }
    if (await this.keys.collection.countDocuments({}, { limit: 1 }) > 0) return undefined
    try {
      const { secret } = await this.create('admin', { admin: true, name: 'first start', id: BOOTSTRAP_ID })
      return secret
    } catch (err) {
      if (isDuplicateKey(err)) return undefined
      throw err
    }
  }

  /** The default budget of a user's runs (undefined: none; the instance's R3SN_BUDGET_* defaults apply). */
  async budgetOf (userId: string): Promise<Budget | undefined> {
    const cached = this.budgets.get(userId)
    if (cached !== undefined && Date.now() - cached.at < BUDGET_CACHE_MS) return cached.budget
    const budget = (await this.users.findOne({ _id: userId }, { projection: { budget: 1 } }))?.budget ?? undefined
    // (A handful of entries per active user: dropped wholesale when it grows past reason.)
    if (this.budgets.size > 10_000) this.budgets.clear()
    this.budgets.set(userId, { budget, at: Date.now() })
    return budget
  }

  /** Sets (or with null removes) a user's default budget, creating the user if needed. */
  async setBudget (userId: string, budget: Budget | null): Promise<void> {
    const update = budget === null ? { $unset: { budget: '' as const }, $setOnInsert: { createdAt: new Date() } } : { $set: { budget }, $setOnInsert: { createdAt: new Date() } }
    await this.users.updateOne({ _id: userId }, update, { upsert: true })
      .catch(err => { if (!isDuplicateKey(err)) throw err })
    this.budgets.set(userId, { budget: budget ?? undefined, at: Date.now() })
  }

  private async ensureUser (id: string): Promise<void> {
    await this.users.updateOne({ _id: id }, { $setOnInsert: { createdAt: new Date() } }, { upsert: true })
      .catch(err => { if (!isDuplicateKey(err)) throw err })
  }
}

async function apiKeysPlugin (app: FastifyInstance, opts: { config: Config }) {
  const apiKeys = new ApiKeys(app.mongo.db)
  await apiKeys.init()
  const created = await apiKeys.bootstrap(opts.config.adminKey)
  if (created !== undefined) {
    // Shown once, on purpose outside the structured log (which may be shipped elsewhere).
    process.stdout.write(`\nR3SN first start: created admin API key (shown only now, store it):\n\n  ${created}\n\n`)
  }
  app.decorate('apiKeys', apiKeys)
  app.decorateRequest('user', null as unknown as Owner)

  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config.public === true) return
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    if (match?.[1] === undefined) throw new Unauthorized('Missing API key: send the header Authorization: Bearer <key>')
    const owner = await apiKeys.verify(match[1])
    if (owner === null) throw new Unauthorized('Invalid or revoked API key')
    req.user = owner
  })
}

export default fp(apiKeysPlugin, { name: 'api-keys', dependencies: ['mongo'] })
