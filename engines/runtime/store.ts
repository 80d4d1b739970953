import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import type { Collection, Db, Filter } from 'mongodb'
import { isDuplicateKey, OwnedCollection, type Owner, type OwnedDoc } from '../../plugins/db.js'
import type { Diagnosis, Execution, ExecutionError, ExecutionEvent, ExecutionStatus, StepRun } from '../../schemas/executions.js'
import type { WorkflowStep } from '../../schemas/workflows.js'

// User data (trigger, inputs, outputs, results, event data) is stored as JSON text:
// FerretDB refuses keys that start with "$" or contain ".", and user JSON may have both.
export function encodeJson (v: unknown): string | undefined {
  return v === undefined ? undefined : JSON.stringify(v)
}

export function decodeJson (s: string | undefined): unknown {
  return s === undefined ? undefined : JSON.parse(s)
}

export interface StepRunDoc {
  stepId: string
  type: string
  status: StepRun['status']
  attempts: number
  idempotencyKey: string
  inputJson?: string
  outputJson?: string
  error?: ExecutionError
  startedAt: Date
  endedAt?: Date
  durationMs?: number
  /** LLM tokens (prompt + completion) the step spent, all attempts. */
  tokens?: number
}

/** The holder of a running execution; its expiry lives on the queue entry. */
export interface Lease { epoch: number, owner: string, claimedAt: Date }

export interface ExecutionDoc extends OwnedDoc {
  type: Execution['type']
  status: ExecutionStatus
  workflowId?: string
  workflowVersion?: number
  priority: number
  /** type prompt: what the user asked. */
  prompt?: string
  /** LLM calls made for this run and their tokens. */
  usage: { calls: number, promptTokens: number, completionTokens: number }
  /** Self-debugging's findings, in order. */
  diagnoses?: Diagnosis[]
  triggerJson?: string
  /** The steps this run follows, frozen at creation (JSON text, see above). */
  planJson: string
  steps: StepRunDoc[]
  /** Id of the next step to run; null once the run has nowhere left to go. */
  cursor: string | null
  resultJson?: string
  error: ExecutionError | null
  attempt: number
  cancelRequested: boolean
  lease: Lease | null
  /** A lower bound of the last event's seq (kept by every write), so appending needs no scan of the log. */
  eventSeq: number
  createdAt: Date
  startTime: Date | null
  endTime: Date | null
  executionTime: number | null
}

interface EventDoc { _id: string, executionId: string, ownerId: string, seq: number, ts: Date, type: string, stepId?: string, dataJson: string }
/**
 * One entry per unfinished execution, with its lease expiry: a small collection to
 * poll and renew, however long the history grows (FerretDB scans whole collections).
 */
interface QueueDoc { _id: string, priority: number, createdAt: Date, leaseExpiresAt: Date | null }
interface LeaseDoc { _id: string, executionId: string, epoch: number, owner: string, createdAt: Date }

export const TERMINAL: ExecutionStatus[] = ['completed', 'failed', 'cancelled']

export function toStepRun (s: StepRunDoc): StepRun {
  return {
    stepId: s.stepId,
    type: s.type,
    status: s.status,
    attempts: s.attempts,
    idempotencyKey: s.idempotencyKey,
    ...(s.inputJson === undefined ? {} : { input: decodeJson(s.inputJson) }),
    ...(s.outputJson === undefined ? {} : { output: decodeJson(s.outputJson) }),
    ...(s.error === undefined ? {} : { error: s.error }),
    startedAt: s.startedAt.toISOString(),
    ...(s.endedAt === undefined ? {} : { endedAt: s.endedAt.toISOString(), durationMs: s.durationMs }),
    ...(s.tokens === undefined ? {} : { tokens: s.tokens })
  }
}

/** A prompt's strategy is the output of its planning step. */
export function strategyOf (d: ExecutionDoc): unknown {
  const planned = d.steps.find(s => s.type === 'plan' && s.status === 'completed')
  return planned === undefined ? null : decodeJson(planned.outputJson)
}

export function toExecution (d: ExecutionDoc): Execution {
  return {
    executionId: d._id,
    type: d.type,
    status: d.status,
    ...(d.prompt === undefined ? {} : { prompt: d.prompt, strategy: strategyOf(d) }),
    usage: d.usage ?? { calls: 0, promptTokens: 0, completionTokens: 0 },
    diagnoses: d.diagnoses ?? [],
    ...(d.workflowId === undefined ? {} : { workflowId: d.workflowId, workflowVersion: d.workflowVersion }),
    priority: d.priority,
    ...(d.triggerJson === undefined ? {} : { trigger: decodeJson(d.triggerJson) }),
    steps: d.steps.map(toStepRun),
    ...(d.resultJson === undefined ? {} : { result: decodeJson(d.resultJson) }),
    error: d.error,
    attempt: d.attempt,
    cancelRequested: d.cancelRequested,
    createdAt: d.createdAt.toISOString(),
    startTime: d.startTime?.toISOString() ?? null,
    endTime: d.endTime?.toISOString() ?? null,
    executionTime: d.executionTime
  }
}

export function planOf (d: ExecutionDoc): WorkflowStep[] {
  return JSON.parse(d.planJson) as WorkflowStep[]
}

export interface NewExecution {
  id?: string
  type: Execution['type']
  workflowId?: string
  workflowVersion?: number
  priority?: number
  prompt?: string
  trigger?: unknown
  plan: WorkflowStep[]
}

/**
 * Executions, their durable event log and their leases. Emits 'event' for every
 * event appended here and 'ended' when a run ends on this instance.
 */
export class ExecutionStore extends EventEmitter {
  readonly executions: OwnedCollection<ExecutionDoc>
  readonly events: Collection<EventDoc>
  readonly leases: Collection<LeaseDoc>
  readonly queue: Collection<QueueDoc>

  constructor (db: Db) {
    super()
    this.setMaxListeners(0)
    this.executions = new OwnedCollection<ExecutionDoc>(db.collection('executions'), 'Execution')
    this.events = db.collection('execution_events')
    this.leases = db.collection('execution_leases')
    this.queue = db.collection('execution_queue')
  }

  get collection (): Collection<ExecutionDoc> { return this.executions.collection }

  async init (): Promise<void> {
    await this.collection.createIndex({ status: 1, priority: -1, createdAt: 1 })
    await this.collection.createIndex({ ownerId: 1, createdAt: -1 })
    await this.collection.createIndex({ workflowId: 1, createdAt: -1 })
    await this.collection.createIndex({ endTime: 1 })
    await this.events.createIndex({ executionId: 1, seq: 1 })
    await this.events.createIndex({ ts: 1 })
    await this.leases.createIndex({ executionId: 1 })
    await this.queue.createIndex({ priority: -1, createdAt: 1 })
  }

  /** Inserts a queued execution and its first event. A duplicate id (e.g. a schedule tick) returns null. */
  async create (owner: Owner, spec: NewExecution): Promise<ExecutionDoc | null> {
    const doc: ExecutionDoc = {
      _id: spec.id ?? `exe_${randomUUID()}`,
      ownerId: owner.id,
      type: spec.type,
      status: 'queued',
      ...(spec.workflowId === undefined ? {} : { workflowId: spec.workflowId, workflowVersion: spec.workflowVersion }),
      priority: spec.priority ?? 5,
      ...(spec.prompt === undefined ? {} : { prompt: spec.prompt }),
      usage: { calls: 0, promptTokens: 0, completionTokens: 0 },
      ...(spec.trigger === undefined ? {} : { triggerJson: encodeJson(spec.trigger) }),
      planJson: JSON.stringify(spec.plan),
      steps: [],
      cursor: spec.plan[0]?.id ?? null,
      error: null,
      attempt: 1,
      cancelRequested: false,
      lease: null,
      eventSeq: 1,
      createdAt: new Date(),
      startTime: null,
      endTime: null,
      executionTime: null
    }
    try {
      await this.collection.insertOne(doc)
    } catch (err) {
      if (isDuplicateKey(err)) return null
      throw err
    }
    await this.enqueue(doc)
    await this.appendEvent(doc, 'execution.queued', { workflowId: spec.workflowId, workflowVersion: spec.workflowVersion, priority: doc.priority }, undefined, 1)
    return doc
  }

  async enqueue (doc: ExecutionDoc): Promise<void> {
    await this.queue.insertOne({ _id: doc._id, priority: doc.priority, createdAt: doc.createdAt, leaseExpiresAt: null }).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err
    })
  }

  /** Called once an execution has ended: it no longer needs polling. */
  async dequeue (id: string): Promise<void> {
    await this.queue.deleteOne({ _id: id })
  }

  /**
   * Appends an event with the next seq. The unique _id (executionId:seq) keeps the log
   * gap-free and duplicate-free with several writers: starting from a seq known to be
   * free or taken (never beyond), a taken one moves to the next.
   */
  async appendEvent (exec: { _id: string, ownerId: string, eventSeq?: number }, type: string, data: Record<string, unknown> = {}, stepId?: string, seqHint?: number): Promise<number> {
    let seq = seqHint ?? (exec.eventSeq ?? 0) + 1
    for (;;) {
      const doc: EventDoc = { _id: `${exec._id}:${seq}`, executionId: exec._id, ownerId: exec.ownerId, seq, ts: new Date(), type, ...(stepId === undefined ? {} : { stepId }), dataJson: JSON.stringify(data) }
      try {
        await this.events.insertOne(doc)
        this.emit('event', toEvent(doc), exec.ownerId)
        return seq
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
        seq++
      }
    }
  }

  async listEvents (executionId: string, since: number, limit: number): Promise<ExecutionEvent[]> {
    const docs = await this.events.find({ executionId, seq: { $gt: since } }).sort({ seq: 1 }).limit(limit).toArray()
    return docs.map(toEvent)
  }

  /**
   * Claims an execution for this instance: inserting the lease document
   * `executionId:epoch` is the atomic step (a unique insert works the same on MongoDB
   * and FerretDB); the execution then records the lease. Returns the new lease, or null
   * when another instance won.
   */
  async claim (doc: ExecutionDoc, owner: string, leaseMs: number): Promise<Lease | null> {
    const previous = doc.lease?.epoch ?? 0
    const lease: Lease = { epoch: previous + 1, owner, claimedAt: new Date() }
    try {
      await this.leases.insertOne({ _id: `${doc._id}:${lease.epoch}`, executionId: doc._id, epoch: lease.epoch, owner, createdAt: new Date() })
    } catch (err) {
      if (isDuplicateKey(err)) return null
      throw err
    }
    const filter: Filter<ExecutionDoc> = { _id: doc._id, status: { $in: ['queued', 'running'] }, ...(doc.lease === null ? { lease: null } : { 'lease.epoch': previous }) }
    const res = await this.collection.updateOne(filter, {
      $set: { status: 'running', lease, ...(doc.startTime === null ? { startTime: new Date() } : {}) }
    })
    if (res.matchedCount === 0) {
      // The run ended or changed meanwhile: give the epoch back so a later claim can use it.
      await this.leases.deleteOne({ _id: `${doc._id}:${lease.epoch}` })
      return null
    }
    await this.renewLease(doc._id, leaseMs)
    return lease
  }

  async renewLease (id: string, leaseMs: number): Promise<void> {
    await this.queue.updateOne({ _id: id }, { $set: { leaseExpiresAt: new Date(Date.now() + leaseMs) } })
  }

  /** Lets another instance take over at once (this instance is closing). */
  async releaseLease (id: string): Promise<void> {
    await this.queue.updateOne({ _id: id }, { $set: { leaseExpiresAt: new Date(0) } })
  }

  /**
   * Executions that may be claimed, priority first, then age: queued ones, and running
   * ones whose lease expired (an entry without expiry is being claimed right now).
   */
  async claimable (limit: number): Promise<{ id: string, leaseExpired: boolean }[]> {
    const now = Date.now()
    const entries = await this.queue.find().sort({ priority: -1, createdAt: 1 }).limit(1000).toArray()
    return entries
      .filter(e => e.leaseExpiresAt === null || e.leaseExpiresAt.getTime() < now)
      .slice(0, limit)
      .map(e => ({ id: e._id, leaseExpired: e.leaseExpiresAt !== null }))
  }

  async get (id: string): Promise<ExecutionDoc | null> {
    return this.collection.findOne({ _id: id })
  }

  /** Deletes ended executions older than the cutoff with their events and leases. */
  async prune (olderThan: Date): Promise<number> {
    let pruned = 0
    for (;;) {
      const batch = await this.collection.find({ status: { $in: TERMINAL }, endTime: { $lt: olderThan } }, { projection: { _id: 1 } }).limit(500).toArray()
      if (batch.length === 0) return pruned
      const ids = batch.map(d => d._id)
      await this.events.deleteMany({ executionId: { $in: ids } })
      await this.leases.deleteMany({ executionId: { $in: ids } })
      await this.queue.deleteMany({ _id: { $in: ids } })
      pruned += (await this.collection.deleteMany({ _id: { $in: ids } })).deletedCount
    }
  }
}

function toEvent (d: EventDoc): ExecutionEvent {
  return { executionId: d.executionId, seq: d.seq, ts: d.ts.toISOString(), type: d.type, ...(d.stepId === undefined ? {} : { stepId: d.stepId }), data: JSON.parse(d.dataJson) as Record<string, unknown> }
}
