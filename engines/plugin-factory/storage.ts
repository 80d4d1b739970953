import { randomBytes } from 'node:crypto'
import type { Db } from 'mongodb'
import { isDuplicateKey, OwnedCollection, type Owner, type OwnedDoc } from '../../lib/mongo.js'
import { Conflict } from '../../lib/errors.js'
import type { Plugin, PluginManifest, PluginTest, PluginVersion } from '../../schemas/plugins.js'

export interface PluginDoc extends OwnedDoc {
  name: string
  description: string
  platform: string
  latestVersion: number
  actions: string[]
  createdAt: Date
  updatedAt: Date
}

/** Versions are immutable: a change is always a new document. Manifests and tests are JSON text (JSON Schema keys start with "$"). */
export interface VersionDoc extends OwnedDoc {
  pluginId: string
  version: number
  origin: PluginVersion['origin']
  code: string
  manifestJson: string
  testsJson: string
  testsPassed: number
  createdAt: Date
}

export interface PluginSourceParts { code: string, manifest: PluginManifest, tests: PluginTest[] }
export interface PluginMeta { name: string, description: string, platform: string }

/** The manifest of a stored version: the one place its JSON text is read. */
export function manifestOf (doc: VersionDoc): PluginManifest {
  return JSON.parse(doc.manifestJson) as PluginManifest
}

/** The self-tests of a stored version. */
export function testsOf (doc: VersionDoc): PluginTest[] {
  return JSON.parse(doc.testsJson) as PluginTest[]
}

export function toPlugin (d: PluginDoc): Plugin {
  return { id: d._id, name: d.name, description: d.description, platform: d.platform, latestVersion: d.latestVersion, actions: d.actions, createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString() }
}

export function toVersion (d: VersionDoc): PluginVersion {
  return {
    pluginId: d.pluginId, version: d.version, origin: d.origin, code: d.code,
    manifest: manifestOf(d), tests: testsOf(d),
    testsPassed: d.testsPassed, createdAt: d.createdAt.toISOString()
  }
}

export const newPluginId = () => `plg_${randomBytes(8).toString('hex')}`

/**
 * Plugins and their immutable versions (`<id>:v<n>`), and which version is the latest.
 * Stores only; what may be stored is decided by the verifier before.
 */
export class PluginStore {
  private readonly plugins: OwnedCollection<PluginDoc>
  private readonly versions: OwnedCollection<VersionDoc>

  constructor (db: Db) {
    this.plugins = new OwnedCollection<PluginDoc>(db.collection('plugins'), 'Plugin')
    this.versions = new OwnedCollection<VersionDoc>(db.collection('plugin_versions'), 'Plugin version')
  }

  async init (): Promise<void> {
    await this.plugins.collection.createIndex({ ownerId: 1, createdAt: -1 })
    await this.versions.collection.createIndex({ pluginId: 1, version: 1 })
  }

  /** The owner's plugins, newest first. */
  async list (owner: Owner, opts: { limit?: number } = {}): Promise<PluginDoc[]> {
    return this.plugins.find(owner, {}, { sort: { createdAt: -1 }, ...(opts.limit === undefined ? {} : { limit: opts.limit }) })
  }

  async get (owner: Owner, pluginId: string): Promise<PluginDoc> {
    return this.plugins.get(owner, pluginId)
  }

  /** A version to run: the pinned one, or the latest (404 for a plugin or version the owner does not have). */
  async version (owner: Owner, pluginId: string, version?: number): Promise<VersionDoc> {
    const plugin = await this.plugins.get(owner, pluginId)
    return this.versions.get(owner, `${plugin._id}:v${version ?? plugin.latestVersion}`)
  }

  /** Every version of a plugin, oldest first. */
  async listVersions (owner: Owner, pluginId: string): Promise<VersionDoc[]> {
    const plugin = await this.plugins.get(owner, pluginId)
    return this.versions.find(owner, { pluginId: plugin._id }, { sort: { version: 1 } })
  }

  /** Version 1 of a plugin whose id is known in advance, if it was stored (whoever's it is). */
  async firstVersion (pluginId: string): Promise<VersionDoc | null> {
    return this.versions.collection.findOne({ _id: `${pluginId}:v1` })
  }

  /** A new plugin: version 1, then the plugin document. */
  async create (owner: Owner, meta: PluginMeta, source: PluginSourceParts, origin: PluginVersion['origin'], testsPassed: number, id = newPluginId()): Promise<{ plugin: PluginDoc, version: VersionDoc }> {
    const version = await this.insertVersion(owner, id, 1, source, origin, testsPassed)
    return { plugin: await this.insertPlugin(owner, id, meta, version), version }
  }

  /** The plugin document of a stored version 1 (a crash may have come between the two); nothing if it is there already. */
  async ensurePlugin (owner: Owner, id: string, meta: PluginMeta, version: VersionDoc): Promise<void> {
    await this.insertPlugin(owner, id, meta, version).catch((err: unknown) => { if (!isDuplicateKey(err)) throw err })
  }

  /** The next version of a plugin; the plugin's latest version only ever moves forward, even when two are added at once. */
  async addVersion (owner: Owner, plugin: PluginDoc, source: PluginSourceParts, origin: PluginVersion['origin'], testsPassed: number): Promise<{ plugin: PluginDoc, version: VersionDoc }> {
    const version = await this.insertVersion(owner, plugin._id, plugin.latestVersion + 1, source, origin, testsPassed)
    await this.plugins.collection.updateOne({ _id: plugin._id, latestVersion: { $lt: version.version } }, {
      $set: { latestVersion: version.version, actions: source.manifest.actions.map(a => a.name), updatedAt: new Date() }
    })
    return { plugin: await this.plugins.get(owner, plugin._id), version }
  }

  /** Deletes a plugin and its versions. */
  async delete (owner: Owner, pluginId: string): Promise<void> {
    await this.plugins.delete(owner, pluginId)
    await this.versions.collection.deleteMany(this.versions.scope(owner, { pluginId }))
  }

  async count (): Promise<number> {
    return this.plugins.collection.countDocuments({})
  }

  private async insertVersion (owner: Owner, pluginId: string, version: number, source: PluginSourceParts, origin: PluginVersion['origin'], testsPassed: number): Promise<VersionDoc> {
    const doc: VersionDoc = {
      _id: `${pluginId}:v${version}`, ownerId: owner.id, pluginId, version, origin, code: source.code,
      manifestJson: JSON.stringify(source.manifest), testsJson: JSON.stringify(source.tests), testsPassed, createdAt: new Date()
    }
    try {
      await this.versions.collection.insertOne(doc)
    } catch (err) {
      if (isDuplicateKey(err)) throw new Conflict(`version ${version} of plugin ${pluginId} was just added by someone else; try again`)
      throw err
    }
    return doc
  }

  private async insertPlugin (owner: Owner, id: string, meta: PluginMeta, version: VersionDoc): Promise<PluginDoc> {
    const now = new Date()
    return this.plugins.insert(owner, { _id: id, ...meta, latestVersion: 1, actions: manifestOf(version).actions.map(a => a.name), createdAt: now, updatedAt: now })
  }
}
