import { randomUUID } from 'node:crypto'
import type { Collection, Db, Filter, Sort, UpdateFilter } from 'mongodb'
import { isDuplicateKey, OwnedCollection, type Owner, type OwnedDoc } from '../../plugins/db.js'
import type { Diagnosis, Execution, ExecutionError, ExecutionEvent, ExecutionStatus, StepRun } from '../../schemas/executions.js'
import type { WorkflowStep } from '../../schemas/workflows.js'
import { Conflict } from '../../schemas/errors.js'
import type { RunEventBus } from '../../lib/run-events.js'

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

/** The holder of a running execution, recorded on it; whether the holder is alive is the instance registry's to say. */
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
 * One entry per unfinished execution: a small collection to poll, however long the history
 * grows. `holder` is the instance running it (null: claimable); it is alive while that
 * instance's heartbeat is (engines/runtime/instances.ts).
 */
interface QueueDoc { _id: string, priority: number, createdAt: Date, holder: string | null, epoch: number }
interface LeaseDoc { _id: string, executionId: string, epoch: number, owner: string, createdAt: Date }

/** A queue entry as the worker sees it. */
export interface QueueEntry { id: string, holder: string | null, createdAt: Date }

/** Test-only: called before each write of the run lifecycle with its name; throwing from it makes that write fail. */
export type WriteFaults = (write: string) => void

const OPEN: ExecutionStatus[] = ['queued', 'running', 'waiting']
// FerretDB pushes a top-level equality down to PostgreSQL but scans every document in Go for
// $in, $and and the like: queries of the big collections ask one status at a time.
/** An entry younger than this may belong to a create or a retry still under way. */
const ENTRY_GRACE_MS = 5000

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
 * Executions, their durable event log, their leases and the queue of unfinished ones. The
 * only code that writes these collections; events appended here go on the run event bus.
 */
export class ExecutionStore {
  private readonly executions: OwnedCollection<ExecutionDoc>
  private readonly events: Collection<EventDoc>
  private readonly leases: Collection<LeaseDoc>
  private readonly queue: Collection<QueueDoc>

  constructor (db: Db, private readonly bus: RunEventBus, private readonly faults?: WriteFaults) {
    this.executions = new OwnedCollection<ExecutionDoc>(db.collection('executions'), 'Execution')
    this.events = db.collection('execution_events')
    this.leases = db.collection('execution_leases')
    this.queue = db.collection('execution_queue')
  }

  private get collection (): Collection<ExecutionDoc> { return this.executions.collection }

  /** Every write of the run lifecycle goes through here, so tests can fail any one of them. */
  private async write<T> (name: string, op: () => Promise<T>): Promise<T> {
    this.faults?.(name)
    return op()
  }

  async init (): Promise<void> {
    await this.collection.createIndex({ status: 1 })
    await this.collection.createIndex({ ownerId: 1, createdAt: -1 })
    await this.collection.createIndex({ workflowId: 1, createdAt: -1 })
    await this.collection.createIndex({ endTime: 1 })
    await this.events.createIndex({ executionId: 1, seq: 1 })
    await this.events.createIndex({ ts: 1 })
    await this.leases.createIndex({ executionId: 1 })
  }

  /**
   * Creates a queued execution. The queue entry and the first event are written before the
   * execution itself, so an execution that exists is always claimable and its log starts at
   * seq 1; what a crash leaves before that is an entry without execution, which the sweep
   * removes. A duplicate id (a schedule tick two instances both saw) returns null.
   */
  async create (owner: Owner, spec: NewExecution): Promise<ExecutionDoc | null> {
    const now = new Date()
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
      createdAt: now,
      startTime: null,
      endTime: null,
      executionTime: null
    }
    try {
      await this.write('create.queue', () => this.queue.insertOne({ _id: doc._id, priority: doc.priority, createdAt: now, holder: null, epoch: 0 }))
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
      // Taken: by an execution that exists, or by a create that died before writing it.
      if (await this.get(doc._id) !== null) return null
    }
    const event: EventDoc = { _id: `${doc._id}:1`, executionId: doc._id, ownerId: owner.id, seq: 1, ts: now, type: 'execution.queued', dataJson: JSON.stringify({ workflowId: spec.workflowId, workflowVersion: spec.workflowVersion, priority: doc.priority }) }
    await this.write('create.event', () => this.events.insertOne(event)).catch((err: unknown) => { if (!isDuplicateKey(err)) throw err })
    try {
      await this.write('create.execution', () => this.collection.insertOne(doc))
    } catch (err) {
      if (isDuplicateKey(err)) return null
      throw err
    }
    this.bus.emit('event', toEvent(event), owner.id)
    return doc
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
        await this.write(`event:${type}`, () => this.events.insertOne(doc))
        this.bus.emit('event', toEvent(doc), exec.ownerId)
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
   * Claims an execution for this instance under the next lease epoch. Inserting the lease
   * document `executionId:epoch` is the atomic step (a unique insert works the same on
   * MongoDB and FerretDB); then the execution records the lease, then the queue entry its
   * holder. A claim that died after its lease insert leaves an epoch above the recorded one:
   * once older than `claimGraceMs` it is skipped. Returns null when another claim won or
   * the run ended; throws when a write failed (nothing runs then, and the run stays claimable).
   */
  async claim (doc: ExecutionDoc, entry: { epoch: number }, owner: string, claimGraceMs: number): Promise<Lease | null> {
    let epoch = Math.max(doc.lease?.epoch ?? 0, entry.epoch) + 1
    for (let tries = 0; ; tries++) {
      try {
        await this.write('claim.lease', () => this.leases.insertOne({ _id: `${doc._id}:${epoch}`, executionId: doc._id, epoch, owner, createdAt: new Date() }))
        break
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
        const taken = await this.leases.findOne({ _id: `${doc._id}:${epoch}` })
        if (tries >= 5 || taken === null || taken.createdAt.getTime() > Date.now() - claimGraceMs) return null
        epoch++
      }
    }
    const lease: Lease = { epoch, owner, claimedAt: new Date() }
    const res = await this.write('claim.execution', () => this.collection.updateOne(
      { _id: doc._id, status: { $in: OPEN }, $or: [{ lease: null }, { 'lease.epoch': { $lt: epoch } }] },
      { $set: { status: 'running', lease, ...(doc.startTime === null ? { startTime: lease.claimedAt } : {}) } }
    ))
    if (res.matchedCount === 0) return null
    await this.write('claim.queue', () => this.queue.updateOne({ _id: doc._id }, { $set: { holder: owner, epoch } }))
    return lease
  }

  /** Records a change of a run under its lease; false when a newer lease holds the run (fenced). */
  async recordRun (id: string, epoch: number, update: UpdateFilter<ExecutionDoc>, write = 'run'): Promise<boolean> {
    const res = await this.write(write, () => this.collection.updateOne({ _id: id, 'lease.epoch': epoch }, update))
    return res.matchedCount > 0
  }

  /** What a running execution checks between steps: a cancel request, and whether its lease is still the newest. */
  async control (id: string): Promise<{ cancelRequested: boolean, epoch: number | undefined } | null> {
    const doc = await this.collection.findOne({ _id: id }, { projection: { cancelRequested: 1, lease: 1 } })
    return doc === null ? null : { cancelRequested: doc.cancelRequested, epoch: doc.lease?.epoch }
  }

  /** A run that ended leaves the queue. */
  async dequeue (id: string): Promise<void> {
    await this.write('dequeue', () => this.queue.deleteOne({ _id: id }))
  }

  /** Lets another instance take over at once (this instance is closing). */
  async release (id: string): Promise<void> {
    await this.write('release', () => this.queue.updateOne({ _id: id }, { $set: { holder: null } }))
  }

  /** Unfinished executions, priority first, then age. */
  async queued (limit: number): Promise<(QueueEntry & { epoch: number })[]> {
    const entries = await this.queue.find().sort({ priority: -1, createdAt: 1 }).limit(limit).toArray()
    return entries.map(e => ({ id: e._id, holder: e.holder, createdAt: e.createdAt, epoch: e.epoch ?? 0 }))
  }

  /**
   * Completes the log of a run that ended but is still queued (its holder died between its
   * end and its final event): the final event, once, then the entry goes.
   */
  async closeLog (doc: ExecutionDoc, entry: QueueEntry): Promise<void> {
    const after = await this.listEvents(doc._id, doc.eventSeq, 1000)
    if (!after.some(e => e.type === `execution.${doc.status}`)) {
      const data = doc.status === 'completed' ? { result: decodeJson(doc.resultJson) } : { error: doc.error }
      await this.appendEvent(doc, `execution.${doc.status}`, data, undefined, doc.eventSeq + 1)
    }
    await this.dropEntry(entry, true)
  }

  /** A queue entry that turned out to need nothing: its run ended, or it never got an execution. */
  async dropEntry (entry: QueueEntry, exists: boolean): Promise<void> {
    if (entry.createdAt.getTime() > Date.now() - ENTRY_GRACE_MS) return
    await this.dequeue(entry.id)
    if (!exists) await this.events.deleteMany({ executionId: entry.id })
  }

  /**
   * Makes sure every unfinished execution has a queue entry (a write that failed between a
   * status change and its entry, or an entry deleted by mistake), and removes entries whose
   * run ended or that never got an execution. Safe to run on every instance at once: each
   * change is idempotent. Returns the number of executions put back in the queue.
   */
  async sweep (orphanGraceMs: number): Promise<number> {
    const open = (await Promise.all(OPEN.map(status => this.collection.find({ status }, { projection: { _id: 1, priority: 1, createdAt: 1, lease: 1 } }).toArray()))).flat()
    const entries = await this.queue.find({}, { projection: { _id: 1, createdAt: 1 } }).toArray()
    const queued = new Set(entries.map(e => e._id))
    let requeued = 0
    for (const d of open) {
      if (queued.has(d._id)) continue
      await this.write('sweep.requeue', () => this.queue.updateOne({ _id: d._id }, { $setOnInsert: { priority: d.priority, createdAt: d.createdAt, holder: null, epoch: d.lease?.epoch ?? 0 } }, { upsert: true }))
      requeued++
    }
    const openIds = new Set(open.map(d => d._id))
    for (const e of entries.filter(e => !openIds.has(e._id))) {
      const entry = { id: e._id, holder: null, createdAt: e.createdAt }
      const doc = await this.get(e._id)
      if (doc === null && e.createdAt.getTime() <= Date.now() - orphanGraceMs) await this.dropEntry(entry, false)
      // (One that is not open but not ended either was created or retried since the first read.)
      if (doc !== null && TERMINAL.includes(doc.status)) await this.closeLog(doc, entry)
    }
    return requeued
  }

  async get (id: string): Promise<ExecutionDoc | null> {
    return this.collection.findOne({ _id: id })
  }

  /** The user's execution, or a 404 (another user's is not found either). */
  async getOwned (owner: Owner, id: string): Promise<ExecutionDoc> {
    return this.executions.get(owner, id)
  }

  async list (owner: Owner, filter: Filter<ExecutionDoc>, opts: { sort: Sort, limit: number }): Promise<ExecutionDoc[]> {
    return this.executions.find(owner, filter, opts)
  }

  async listOpen (owner: Owner, limit: number): Promise<ExecutionDoc[]> {
    const docs = (await Promise.all(OPEN.map(status => this.executions.find(owner, { status }, { sort: { createdAt: -1 }, limit })))).flat()
    return docs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit)
  }

  /** The runs of a workflow, for its analytics: status and steps only. */
  async workflowRuns (owner: Owner, workflowId: string): Promise<Pick<ExecutionDoc, 'status' | 'steps'>[]> {
    return this.collection.find({ workflowId, ownerId: owner.id }, { projection: { status: 1, steps: 1 } }).toArray()
  }

  async counts (): Promise<{ open: number, queued: number, total: number }> {
    const [queued, running, waiting] = await Promise.all(OPEN.map(status => this.collection.countDocuments({ status })))
    return { open: (queued ?? 0) + (running ?? 0) + (waiting ?? 0), queued: queued ?? 0, total: await this.collection.estimatedDocumentCount() }
  }

  /**
   * Asks a run to stop. A queued one is cancelled here and leaves the queue; a running one
   * stops at its next await point (its holder checks), or, if its holder is gone, as soon as
   * another instance claims it.
   */
  async requestCancel (owner: Owner, id: string): Promise<ExecutionDoc> {
    const doc = await this.executions.get(owner, id)
    if (TERMINAL.includes(doc.status)) throw new Conflict(`Execution ${id} has already ended (${doc.status})`)
    await this.write('cancel.request', () => this.executions.update(owner, id, { $set: { cancelRequested: true } }))
    const error = { message: 'cancelled on request', code: 'R3SN_CANCELLED' }
    const queued = await this.write('cancel.queued', () => this.collection.updateOne({ _id: id, status: 'queued' }, { $set: { status: 'cancelled', error, endTime: new Date(), executionTime: 0 } }))
    if (queued.modifiedCount === 1) {
      await this.appendEvent(doc, 'execution.cancelled', { error })
      await this.dequeue(id)
    }
    return this.executions.get(owner, id)
  }

  /** Queues a failed or cancelled run again, from the step that stopped it (the entry first, so the run is never left unqueued). */
  async requeue (owner: Owner, id: string): Promise<ExecutionDoc> {
    const doc = await this.executions.get(owner, id)
    if (doc.status !== 'failed' && doc.status !== 'cancelled') throw new Conflict(`Execution ${id} is ${doc.status}; only failed or cancelled runs can be retried`)
    await this.write('retry.queue', () => this.queue.updateOne({ _id: id }, { $set: { priority: doc.priority, createdAt: new Date(), holder: null, epoch: doc.lease?.epoch ?? 0 } }, { upsert: true }))
    const res = await this.write('retry.execution', () => this.collection.updateOne({ _id: id, status: doc.status, attempt: doc.attempt }, {
      $set: { status: 'queued', error: null, cancelRequested: false, endTime: null, executionTime: null, attempt: doc.attempt + 1, lease: null }
    }))
    if (res.modifiedCount === 0) throw new Conflict(`Execution ${id} changed meanwhile; reload it and try again`)
    await this.appendEvent(doc, 'execution.retried', { attempt: doc.attempt + 1, fromStep: doc.cursor })
    return this.executions.get(owner, id)
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
