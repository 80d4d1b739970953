import { randomBytes, randomUUID } from 'node:crypto'
import type { Collection, Db } from 'mongodb'
import { isDuplicateKey, OwnedCollection, type Owner, type OwnedDoc } from '../../lib/mongo.js'
import { Conflict, NotFound } from '../../lib/errors.js'
import type { Budget, Workflow, WorkflowDefinition, WorkflowStep, WorkflowTrigger } from '../../schemas/workflows.js'
import type { NewExecution } from './store.js'
import { effectiveBudget } from './budget.js'

export interface WorkflowDoc extends OwnedDoc {
  name: string
  description: string
  trigger: WorkflowTrigger
  triggerType: WorkflowTrigger['type']
  /** JSON text: step inputs are user JSON, which FerretDB may refuse as document keys. */
  stepsJson: string
  /** The budget of each run (absent: none of its own). */
  budget?: Budget
  version: number
  hookId?: string
  createdAt: Date
  updatedAt: Date
}

interface VersionDoc extends OwnedDoc { workflowId: string, version: number, name: string, description: string, trigger: WorkflowTrigger, stepsJson: string, budget?: Budget, createdAt: Date }
interface HookDoc { _id: string, workflowId: string, ownerId: string }

export function stepsOf (doc: { stepsJson: string }): WorkflowStep[] {
  return JSON.parse(doc.stepsJson) as WorkflowStep[]
}

/** Whose a workflow's runs are: its owner's, whoever starts them (an admin, a webhook, a schedule). */
export function workflowOwner (wf: WorkflowDoc): Owner {
  return { id: wf.ownerId, admin: false }
}

/** A run of the workflow's current version: its steps are frozen now, its version recorded. */
export function workflowExecution (wf: WorkflowDoc, triggerData: unknown, opts: { priority?: number, budget?: Budget } = {}): NewExecution {
  const budget = effectiveBudget(opts.budget, wf.budget)
  return { type: 'workflow', workflowId: wf._id, workflowVersion: wf.version, priority: opts.priority, trigger: triggerData ?? {}, plan: stepsOf(wf), ...(budget === undefined ? {} : { budget }) }
}

export function toWorkflow (d: WorkflowDoc): Workflow {
  return {
    id: d._id,
    name: d.name,
    description: d.description,
    trigger: d.trigger,
    steps: stepsOf(d),
    ...(d.budget === undefined ? {} : { budget: d.budget }),
    version: d.version,
    ...(d.hookId === undefined ? {} : { hookId: d.hookId }),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString()
  }
}

/** How long a webhook lookup is kept (changes on other instances apply within it). */
const HOOK_CACHE_MS = 1000
const newHookId = () => `hook_${randomBytes(24).toString('base64url')}`

/** Workflows with every version kept, and the webhook ids that start them. */
export class WorkflowStore {
  private readonly workflows: OwnedCollection<WorkflowDoc>
  private readonly versions: OwnedCollection<VersionDoc>
  private readonly hooks: Collection<HookDoc>

  /** `changed` is called after every create, update and delete here (the scheduler rereads its list). */
  /** Webhook ids recently looked up, with their workflow: a webhook call costs no read (see byHook). */
  private readonly hookCache = new Map<string, { doc: WorkflowDoc, at: number }>()

  constructor (db: Db, private readonly onChange: () => void = () => {}) {
    this.workflows = new OwnedCollection<WorkflowDoc>(db.collection('workflows'), 'Workflow')
    this.versions = new OwnedCollection<VersionDoc>(db.collection('workflow_versions'), 'Workflow version')
    this.hooks = db.collection('workflow_hooks')
  }

  async init (): Promise<void> {
    await this.workflows.collection.createIndex({ ownerId: 1, createdAt: -1 })
    await this.workflows.collection.createIndex({ triggerType: 1 })
    await this.versions.collection.createIndex({ workflowId: 1, version: 1 })
  }

  async create (owner: Owner, def: WorkflowDefinition, trigger: WorkflowTrigger): Promise<WorkflowDoc> {
    const now = new Date()
    const doc: WorkflowDoc = {
      _id: `wf_${randomUUID()}`,
      ownerId: owner.id,
      name: def.name,
      description: def.description ?? '',
      trigger,
      triggerType: trigger.type,
      stepsJson: JSON.stringify(def.steps),
      ...(def.budget === undefined ? {} : { budget: def.budget }),
      version: 1,
      ...(trigger.type === 'webhook' ? { hookId: newHookId() } : {}),
      createdAt: now,
      updatedAt: now
    }
    if (doc.hookId !== undefined) await this.hooks.insertOne({ _id: doc.hookId, workflowId: doc._id, ownerId: owner.id })
    await this.saveVersion(doc)
    await this.workflows.collection.insertOne(doc)
    this.changed()
    return doc
  }

  async get (owner: Owner, id: string, version?: number): Promise<WorkflowDoc> {
    const current = await this.workflows.get(owner, id)
    if (version === undefined || version === current.version) return current
    const old = await this.versions.collection.findOne({ _id: `${id}:${version}`, ownerId: owner.id })
    if (old === null) throw new NotFound(`Workflow ${id} version ${version}`)
    const { budget: _current, ...rest } = current
    return { ...rest, name: old.name, description: old.description, trigger: old.trigger, triggerType: old.trigger.type, stepsJson: old.stepsJson, ...(old.budget === undefined ? {} : { budget: old.budget }), version: old.version, updatedAt: old.createdAt }
  }

  async list (owner: Owner): Promise<WorkflowDoc[]> {
    return this.workflows.find(owner, {}, { sort: { createdAt: -1, _id: -1 }, limit: 1000 })
  }

  /** Replaces the definition as a new version; a concurrent update of the same version gets 409. */
  async update (owner: Owner, id: string, def: WorkflowDefinition, trigger: WorkflowTrigger): Promise<WorkflowDoc> {
    const current = await this.workflows.get(owner, id)
    let hookId = current.hookId
    if (trigger.type === 'webhook' && hookId === undefined) {
      hookId = newHookId()
      await this.hooks.insertOne({ _id: hookId, workflowId: id, ownerId: owner.id })
    }
    const next: WorkflowDoc = {
      ...current,
      name: def.name,
      description: def.description ?? '',
      trigger,
      triggerType: trigger.type,
      stepsJson: JSON.stringify(def.steps),
      version: current.version + 1,
      updatedAt: new Date()
    }
    if (def.budget === undefined) delete next.budget
    else next.budget = def.budget
    if (trigger.type !== 'webhook') delete next.hookId
    else next.hookId = hookId
    await this.saveVersion(next).catch((err: unknown) => {
      if (isDuplicateKey(err)) throw new Conflict(`Workflow ${id} was changed meanwhile; reload it and try again`)
      throw err
    })
    const res = await this.workflows.collection.replaceOne({ _id: id, ownerId: owner.id, version: current.version }, next)
    if (res.matchedCount === 0) throw new Conflict(`Workflow ${id} was changed meanwhile; reload it and try again`)
    if (trigger.type !== 'webhook' && current.hookId !== undefined) await this.hooks.deleteOne({ _id: current.hookId })
    this.changed()
    return next
  }

  async delete (owner: Owner, id: string): Promise<void> {
    const current = await this.workflows.get(owner, id)
    await this.workflows.delete(owner, id)
    this.changed()
    if (current.hookId !== undefined) await this.hooks.deleteOne({ _id: current.hookId })
    await this.versions.collection.deleteMany({ workflowId: id, ownerId: owner.id })
  }

  /** A new webhook id; the old one stops working at once. */
  async rotateHook (owner: Owner, id: string): Promise<WorkflowDoc> {
    const current = await this.workflows.get(owner, id)
    if (current.hookId === undefined) throw new Conflict(`Workflow ${id} has no webhook trigger`)
    const hookId = newHookId()
    await this.hooks.insertOne({ _id: hookId, workflowId: id, ownerId: owner.id })
    await this.workflows.update(owner, id, { $set: { hookId } })
    this.changed()
    await this.hooks.deleteOne({ _id: current.hookId })
    return { ...current, hookId }
  }

  private changed (): void {
    this.hookCache.clear()
    this.onChange()
  }

  /**
   * The workflow a webhook id starts, with its owner; null for an unknown or rotated id. Kept
   * for HOOK_CACHE_MS: a change made on this instance applies at once, one made on another
   * instance within that time.
   */
  async byHook (hookId: string): Promise<WorkflowDoc | null> {
    const cached = this.hookCache.get(hookId)
    if (cached !== undefined && Date.now() - cached.at < HOOK_CACHE_MS) return cached.doc
    // One read: the workflow carries its current hook id (the hooks collection keeps them unique).
    const doc = await this.workflows.collection.findOne({ hookId })
    if (doc === null) return null
    if (this.hookCache.size >= 10_000) this.hookCache.clear()
    this.hookCache.set(hookId, { doc, at: Date.now() })
    return doc
  }

  /** A workflow as it is now, whoever owns it (null once deleted): for the scheduler. */
  async current (id: string): Promise<WorkflowDoc | null> {
    return this.workflows.collection.findOne({ _id: id })
  }

  async scheduled (): Promise<WorkflowDoc[]> {
    return this.workflows.collection.find({ triggerType: 'schedule' }).toArray()
  }

  private async saveVersion (doc: WorkflowDoc): Promise<void> {
    await this.versions.collection.insertOne({
      _id: `${doc._id}:${doc.version}`, ownerId: doc.ownerId, workflowId: doc._id, version: doc.version,
      name: doc.name, description: doc.description, trigger: doc.trigger, stepsJson: doc.stepsJson, ...(doc.budget === undefined ? {} : { budget: doc.budget }), createdAt: doc.updatedAt
    })
  }
}
