import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto'
import type { Db } from 'mongodb'
import { OwnedCollection, type Owner, type OwnedDoc } from '../lib/mongo.js'
import { Unavailable } from '../lib/errors.js'
import type { Credential, CreateCredentialRequest, UpdateCredentialRequest } from '../schemas/credentials.js'

/** AES-256-GCM output; base64 strings so the document reads the same on MongoDB and FerretDB. */
interface Sealed { v: 1, iv: string, tag: string, ct: string }

export interface CredentialDoc extends OwnedDoc {
  name: string
  type: string
  /** Field names only, so listing never needs the key. */
  fields: string[]
  sealed: Sealed
  createdAt: Date
  updatedAt: Date
}

const KEY_HELP = 'set R3SN_ENCRYPTION_KEY (32 bytes as 64 hex characters or base64)'

export function toCredential (d: CredentialDoc): Credential {
  return { id: d._id, name: d.name, type: d.type, fields: d.fields, createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString() }
}

/** Secrets encrypted at rest; plaintext leaves only through secretFor, for one step run. */
export class CredentialStore {
  readonly credentials: OwnedCollection<CredentialDoc>

  constructor (db: Db, private readonly key: Buffer | undefined) {
    if (key !== undefined && key.length !== 32) throw new Error(`R3SN_ENCRYPTION_KEY must decode to 32 bytes, not ${key.length}`)
    this.credentials = new OwnedCollection<CredentialDoc>(db.collection('credentials'), 'Credential')
  }

  /** Refuses to start when stored credentials could not be read: better at boot than at the first step that needs one. */
  async init (): Promise<void> {
    await this.credentials.collection.createIndex({ ownerId: 1, createdAt: -1 })
    const one = await this.credentials.collection.findOne({})
    if (one === null) return
    if (this.key === undefined) throw new Error(`Credentials are stored in this database but R3SN_ENCRYPTION_KEY is not set: ${KEY_HELP}, the same key they were stored with`)
    try {
      this.open(one)
    } catch {
      throw new Error('R3SN_ENCRYPTION_KEY cannot decrypt the stored credentials: it is not the key they were stored with')
    }
  }

  async create (owner: Owner, req: CreateCredentialRequest): Promise<CredentialDoc> {
    const key = this.needKey()
    const now = new Date()
    const id = `cred_${randomUUID()}`
    return this.credentials.insert(owner, {
      _id: id, name: req.name, type: req.type, fields: Object.keys(req.data), sealed: seal(key, id, req.data), createdAt: now, updatedAt: now
    })
  }

  async list (owner: Owner): Promise<CredentialDoc[]> {
    return this.credentials.find(owner, {}, { sort: { createdAt: -1, _id: -1 }, limit: 1000 })
  }

  async count (): Promise<number> {
    return this.credentials.collection.countDocuments({})
  }

  async get (owner: Owner, id: string): Promise<CredentialDoc> {
    return this.credentials.get(owner, id)
  }

  /** Renames and/or replaces the secret (rotation: a fresh IV, the old ciphertext is gone). */
  async update (owner: Owner, id: string, req: UpdateCredentialRequest): Promise<CredentialDoc> {
    const key = req.data === undefined ? undefined : this.needKey()
    const current = await this.credentials.get(owner, id)
    const next: CredentialDoc = { ...current, updatedAt: new Date() }
    if (req.name !== undefined) next.name = req.name
    if (req.data !== undefined && key !== undefined) {
      next.fields = Object.keys(req.data)
      next.sealed = seal(key, id, req.data)
    }
    await this.credentials.update(owner, id, { $set: { name: next.name, fields: next.fields, sealed: next.sealed, updatedAt: next.updatedAt } })
    return next
  }

  async delete (owner: Owner, id: string): Promise<void> {
    await this.credentials.delete(owner, id)
  }

  /**
   * Checks that the owner has this credential, of this type, without decrypting it (for
   * validation before anything runs); plain Errors, like secretFor.
   */
  async check (ownerId: string, id: string, type: string): Promise<CredentialDoc> {
    const doc = await this.credentials.collection.findOne(this.credentials.scope({ id: ownerId, admin: false }, { _id: id }))
    if (doc === null) throw new Error(`credential ${id} not found`)
    if (doc.type !== type) throw new Error(`credential ${id} is of type ${doc.type}, this action needs type ${type}`)
    return doc
  }

  /** The decrypted fields for a step run; plain Errors (the caller turns them into a step failure). */
  async secretFor (ownerId: string, id: string, type: string): Promise<Record<string, string>> {
    const doc = await this.check(ownerId, id, type)
    if (this.key === undefined) throw new Error(`credential ${id} cannot be read: R3SN_ENCRYPTION_KEY is not set`)
    try {
      return this.open(doc)
    } catch {
      throw new Error(`credential ${id} cannot be decrypted with the configured R3SN_ENCRYPTION_KEY`)
    }
  }

  private needKey (): Buffer {
    if (this.key === undefined) throw new Unavailable(`Storing credentials needs an encryption key: ${KEY_HELP} and restart`)
    return this.key
  }

  private open (doc: CredentialDoc): Record<string, string> {
    if (this.key === undefined) throw new Error('no key')
    const { iv, tag, ct } = doc.sealed
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'), { authTagLength: 16 })
    decipher.setAAD(Buffer.from(doc._id))
    decipher.setAuthTag(Buffer.from(tag, 'base64'))
    const plain = Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()])
    return JSON.parse(plain.toString('utf8')) as Record<string, string>
  }
}

/** The id is authenticated data: a ciphertext copied onto another record fails to decrypt. */
function seal (key: Buffer, id: string, data: Record<string, string>): Sealed {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 })
  cipher.setAAD(Buffer.from(id))
  const ct = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()])
  return { v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') }
}
