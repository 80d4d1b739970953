import type { Collection, Document, Filter, FindOptions, OptionalUnlessRequiredId, UpdateFilter, WithId } from 'mongodb'
import { NotFound } from './errors.js'

// Mongo building blocks with no Fastify in them: ownership, duplicate keys, a URI safe to log.
// plugins/mongo.ts opens the client and decorates app.mongo with them.

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

/** A unique-index violation: the insert lost a race (or the document exists already). */
export function isDuplicateKey (err: unknown): boolean {
  return (err as { code?: number }).code === 11000
}

/** The URI with any password replaced, safe for logs and error messages. */
export function maskUri (uri: string): string {
  return uri.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
}
