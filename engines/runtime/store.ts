import { randomUUID } from 'node:crypto'
import type { Collection, Db, Filter, Sort } from 'mongodb'
import { GroupBatch, GroupCommit, InsertFailed } from '../../lib/group-commit.js'
import { isDuplicateKey, OwnedCollection, type Owner, type OwnedDoc } from '../../lib/mongo.js'
import type { Diagnosis, Execution, ExecutionError, ExecutionEvent, ExecutionStatus, ReplayOf, StepRun, Waiting } from '../../schemas/executions.js'
import type { Budget, WorkflowStep } from '../../schemas/workflows.js'
import { Conflict, NotFound } from '../../lib/errors.js'
import type { RunEventBus } from '../../lib/run-events.js'
import type { Metrics } from '../../plugins/metrics.js'
import { LogThrottle, logError, type WarnLogger } from '../../lib/log-throttle.js'
import { spendOf } from './budget.js'

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
  /** A wait or approval step: what it waits (or waited) for. */
  waitingFor?: Waiting
  /** A replay's copy of a step the source run ran (not run again): the source's execution id. */
  replayedFrom?: string
}

/** The holder's claim on a run, recorded on it; whether the holder is alive is the instance registry's to say. */
export interface Lease { epoch: number, owner: string, claimedAt: Date }

export interface ExecutionDoc extends OwnedDoc {
  type: Execution['type']
  status: ExecutionStatus
  workflowId?: string
  workflowVersion?: number
  /** A child execution (a workflow, parallel or foreach step's): the run that started it, and the step. */
  parentId?: string
  parentStepId?: string
  /** How deep a child execution is nested (absent: 0, a run nobody started). */
  depth?: number
  priority: number
  /** type prompt: what the user asked. */
  prompt?: string
  /** LLM calls made for this run and their tokens. */
  usage: { calls: number, promptTokens: number, completionTokens: number }
  /** Self-debugging's findings, in order. */
  diagnoses?: Diagnosis[]
  /** A replay: the run it replays and the step it runs from (the steps before are copies). */
  replayOf?: ReplayOf
  /** The run's limits (absent: none; see engines/runtime/budget.ts). */
  budget?: Budget
  /** Sandbox CPU ms its plugin steps spent (absent: none). */
  sandboxCpuMs?: number
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
  /** The newest claim; its epoch fences every write of the run. */
  lease: Lease | null
  /** The instance that holds the run (null: anyone may claim it). */
  holder: string | null
  /** A lower bound of the last event's seq (kept by every write), so appending needs no scan of the log. */
  eventSeq: number
  /**
   * Status waiting: when any instance may claim the run again (the time waited for, a timeout;
   * now once woken); null: only a wake does. Absent on runs that never waited.
   */
  wakeAt?: Date | null
  createdAt: Date
  startTime: Date | null
  endTime: Date | null
  executionTime: number | null
}

declare module '../../lib/run-events.js' {
  // The run event bus hands out this record when a run ends ('ended').
  interface RunRecordTypes { ended: ExecutionDoc }
}

/**
 * An execution as stored: what is queried, filtered or changed by others (a cancel request,
 * a claim) as fields of its own, the rest as one JSON text. FerretDB's cost per document
 * grows with its number of fields (a run's step records made it the dearest part of a run),
 * and nothing ever queries inside the rest. Records written before this form (no
 * `bodyJson`) are read as they are.
 */
interface StoredExecution extends OwnedDoc {
  type: ExecutionDoc['type']
  status: ExecutionStatus
  workflowId?: string
  parentId?: string
  priority: number
  attempt: number
  cancelRequested: boolean
  lease: Lease | null
  holder: string | null
  wakeAt?: Date | null
  createdAt: Date
  startTime: Date | null
  endTime: Date | null
  bodyJson: string
}

/** The stored form of a run. `cancelRequested` is left out when the caller must not overwrite another's request. */
function encode (doc: ExecutionDoc): StoredExecution {
  const { _id, ownerId, type, status, workflowId, parentId, priority, attempt, cancelRequested, lease, holder, wakeAt, createdAt, startTime, endTime, ...body } = doc
  return { _id, ownerId, type, status, ...(workflowId === undefined ? {} : { workflowId }), ...(parentId === undefined ? {} : { parentId }), priority, attempt, cancelRequested, lease, holder, ...(wakeAt === undefined ? {} : { wakeAt }), createdAt, startTime, endTime, bodyJson: JSON.stringify(body) }
}

function decode (stored: StoredExecution): ExecutionDoc {
  if (stored.bodyJson === undefined) return stored as unknown as ExecutionDoc
  const { bodyJson, ...fields } = stored
  const body = JSON.parse(bodyJson) as Omit<ExecutionDoc, keyof StoredExecution> & { steps: (Omit<StepRunDoc, 'startedAt' | 'endedAt'> & { startedAt: string, endedAt?: string })[] }
  const steps = body.steps.map(s => ({ ...s, startedAt: new Date(s.startedAt), ...(s.endedAt === undefined ? {} : { endedAt: new Date(s.endedAt) }) }))
  return { ...fields, ...body, steps } as ExecutionDoc
}

interface EventDoc { _id: string, executionId: string, ownerId: string, seq: number, ts: Date, type: string, stepId?: string, dataJson: string }
interface LeaseDoc { _id: string, executionId: string, epoch: number, owner: string, createdAt: Date }
/** A signal (or an approval's decision) sent to a run, kept until a wait takes it: `_id` is executionId:name. */
interface SignalDoc { _id: string, executionId: string, ownerId: string, name: string, payloadJson: string, at: Date }

/** What the worker needs to know of an unfinished run to decide whether to claim it. */
export type QueueEntry = Pick<ExecutionDoc, '_id' | 'status' | 'holder' | 'lease' | 'priority' | 'wakeAt' | 'createdAt' | 'endTime'>

/** An event to append: its seq is given when it is written. */
export interface NewEvent { type: string, data: Record<string, unknown>, stepId?: string }

/** Test-only: called before each write of the run lifecycle with its name; throwing from it makes that write fail. */
export type WriteFaults = (write: string) => void

const OPEN: ExecutionStatus[] = ['queued', 'running', 'waiting']
export const TERMINAL: ExecutionStatus[] = ['completed', 'failed', 'cancelled']

/** Ended runs move to the history in batches: at most this often, or sooner once this many wait. */
const ARCHIVE_MS = 100
const ARCHIVE_BATCH = 200

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
    ...(s.tokens === undefined ? {} : { tokens: s.tokens }),
    ...(s.waitingFor === undefined ? {} : { waitingFor: s.waitingFor }),
    ...(s.replayedFrom === undefined ? {} : { replayed: true, replayedFrom: s.replayedFrom })
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
    ...(d.replayOf === undefined ? {} : { replayOf: d.replayOf }),
    ...(d.budget === undefined ? {} : { budget: d.budget }),
    spent: spendOf(d),
    ...(d.workflowId === undefined ? {} : { workflowId: d.workflowId, workflowVersion: d.workflowVersion }),
    ...(d.parentId === undefined ? {} : { parentId: d.parentId, parentStepId: d.parentStepId }),
    priority: d.priority,
    ...(d.triggerJson === undefined ? {} : { trigger: decodeJson(d.triggerJson) }),
    steps: d.steps.map(toStepRun),
    ...(d.resultJson === undefined ? {} : { result: decodeJson(d.resultJson) }),
    error: d.error,
    attempt: d.attempt,
    cancelRequested: d.cancelRequested,
    ...(d.status === 'waiting' ? { wakeAt: d.wakeAt?.toISOString() ?? null } : {}),
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
  /** A child execution: its parent run and step, and its depth (the parent's + 1). */
  parent?: { id: string, stepId: string, depth: number }
  priority?: number
  prompt?: string
  trigger?: unknown
  plan: WorkflowStep[]
  /** A replay: the copied entries of the steps before `cursor`, where the run starts (default the plan's first step). */
  steps?: StepRunDoc[]
  cursor?: string
  replayOf?: ReplayOf
  /** The run's own limits, over the R3SN_BUDGET_* defaults (Orchestrator.queue merges them). */
  budget?: Budget
}

/**
 * How a new run is taken by the instance creating it: `start` runs it at once; otherwise it is
 * held, queued, for this instance's next free slot (and let go for anyone after a lease).
 */
export interface Holding { instanceId: string, start: boolean }

/**
 * Executions, their durable event log and their claims. The only code that writes these
 * collections; events appended here go on the run event bus.
 *
 * Built for what FerretDB does fast: an insert costs the same however big a collection is,
 * while every read, update and delete scans it. So a run lives in `executions_open`, a
 * collection as small as the number of unfinished runs, where its updates happen; once it
 * ended it moves to the history, `executions`, in batches (one insertMany and one
 * deleteMany for many runs). Events are appended through a group commit.
 */
export class ExecutionStore {
  /** Warnings a loop repeats while the database is away: once a minute, with a count. */
  private readonly warnings: LogThrottle
  private readonly open: OwnedCollection<StoredExecution>
  private readonly history: OwnedCollection<StoredExecution>
  private readonly events: Collection<EventDoc>
  private readonly leases: Collection<LeaseDoc>
  private readonly signals: Collection<SignalDoc>
  private readonly eventWriter: GroupCommit<EventDoc>
  private readonly openWriter: GroupCommit<StoredExecution>
  private readonly historyWriter: GroupCommit<StoredExecution>
  private readonly openRemover: GroupBatch<string>
  private toArchive = new Map<string, ExecutionDoc>()
  private archiveTimer: NodeJS.Timeout | undefined
  private archiving: Promise<void> = Promise.resolve()
  /** The server is FerretDB (set by init). */
  private ferretdb = false

  constructor (private readonly db: Db, private readonly bus: RunEventBus, private readonly log: WarnLogger, private readonly metrics: Metrics, private readonly faults?: WriteFaults) {
    this.warnings = new LogThrottle(this.log)
    this.open = new OwnedCollection<StoredExecution>(db.collection('executions_open'), 'Execution')
    this.history = new OwnedCollection<StoredExecution>(db.collection('executions'), 'Execution')
    this.events = db.collection('execution_events')
    this.leases = db.collection('execution_leases')
    this.signals = db.collection('execution_signals')
    this.eventWriter = new GroupCommit(this.events)
    this.openWriter = new GroupCommit(this.open.collection)
    this.historyWriter = new GroupCommit(this.history.collection)
    // One delete statement per run in one command: FerretDB narrows each by _id in PostgreSQL, while $in would read every open run.
    this.openRemover = new GroupBatch(ids => this.open.collection.bulkWrite(ids.map(_id => ({ deleteOne: { filter: { _id } } })), { ordered: false }))
  }

  /** Every write of the run lifecycle goes through here, so tests can fail any one of them and the metrics count what failed. */
  private async write<T> (name: string, op: () => Promise<T>): Promise<T> {
    try {
      this.faults?.(name)
      return await op()
    } catch (err) {
      this.metrics.dbError('runtime', err instanceof InsertFailed ? err.cause : err)
      throw err
    }
  }

  async init (): Promise<void> {
    // FerretDB 1.24 uses no secondary index for a query (see README), so there they would only make every insert dearer.
    const info = await this.db.admin().command({ buildInfo: 1 })
    this.ferretdb = info.ferretdbVersion !== undefined
    if (!this.ferretdb) {
      await this.history.collection.createIndex({ ownerId: 1, createdAt: -1 })
      await this.history.collection.createIndex({ workflowId: 1, createdAt: -1 })
      await this.history.collection.createIndex({ endTime: 1 })
      await this.events.createIndex({ executionId: 1, seq: 1 })
      await this.events.createIndex({ ts: 1 })
      await this.leases.createIndex({ executionId: 1 })
      await this.signals.createIndex({ executionId: 1 })
    }
    await this.migrate()
  }

  /** Installs from before the open/history split kept every run in `executions` and a separate queue. */
  private async migrate (): Promise<void> {
    if ((await this.db.listCollections({ name: 'execution_queue' }, { nameOnly: true }).toArray()).length === 0) return
    for (const status of OPEN) {
      for (const doc of await this.history.collection.find({ status }).toArray()) {
        await this.open.collection.insertOne(encode({ ...decode(doc), holder: null })).catch((err: unknown) => { if (!isDuplicateKey(err)) throw err })
        await this.history.collection.deleteOne({ _id: doc._id })
      }
    }
    await this.db.dropCollection('execution_queue')
  }

  async close (): Promise<void> {
    clearTimeout(this.archiveTimer)
    this.archiveTimer = undefined
    await this.archiving
    await this.flushArchive()
  }

  /**
   * Creates an execution, queued, or held by the creating instance (see Holding). The run and
   * its first event are written together; the run is what counts: if only the event failed, it
   * goes on (its log then starts with the next event). A duplicate id (a schedule tick two
   * instances both saw) returns null.
   */
  async create (owner: Owner, spec: NewExecution, holding?: Holding): Promise<ExecutionDoc | null> {
    const now = new Date()
    const doc: ExecutionDoc = {
      _id: spec.id ?? `exe_${randomUUID()}`,
      ownerId: owner.id,
      type: spec.type,
      status: holding?.start === true ? 'running' : 'queued',
      ...(spec.workflowId === undefined ? {} : { workflowId: spec.workflowId, workflowVersion: spec.workflowVersion }),
      ...(spec.parent === undefined ? {} : { parentId: spec.parent.id, parentStepId: spec.parent.stepId, depth: spec.parent.depth }),
      priority: spec.priority ?? 5,
      ...(spec.prompt === undefined ? {} : { prompt: spec.prompt }),
      ...(spec.replayOf === undefined ? {} : { replayOf: spec.replayOf }),
      ...(spec.budget === undefined ? {} : { budget: spec.budget }),
      usage: { calls: 0, promptTokens: 0, completionTokens: 0 },
      ...(spec.trigger === undefined ? {} : { triggerJson: encodeJson(spec.trigger) }),
      planJson: JSON.stringify(spec.plan),
      steps: spec.steps ?? [],
      cursor: spec.cursor ?? spec.plan[0]?.id ?? null,
      error: null,
      attempt: 1,
      cancelRequested: false,
      lease: holding === undefined ? null : { epoch: 1, owner: holding.instanceId, claimedAt: now },
      holder: holding?.instanceId ?? null,
      eventSeq: 0,
      createdAt: now,
      startTime: holding?.start === true ? now : null,
      endTime: null,
      executionTime: null
    }
    const event: EventDoc = { _id: `${doc._id}:1`, executionId: doc._id, ownerId: owner.id, seq: 1, ts: now, type: 'execution.queued', dataJson: JSON.stringify(queuedEventData(doc)) }
    const insert = () => this.insertNew('create.execution', this.openWriter, doc)
    // A run this instance holds gets its first event with its first write (see Runner).
    if (holding !== undefined) return await insert() ? doc : null
    const [created, logged] = await Promise.allSettled([insert(), this.write('create.event', () => this.eventWriter.insert([event]))])
    if (created.status === 'rejected') throw created.reason
    if (!created.value) return null
    if (logged.status === 'fulfilled') {
      this.bus.emit('event', toEvent(event), owner.id, doc.type)
      return { ...doc, eventSeq: 1 }
    }
    this.log.warn({ ...logError(logged.reason), executionId: doc._id }, 'the first event of a new execution could not be written; its log starts with the next one')
    return doc
  }

  /**
   * Appends a run's events in order after `log.seq`, moving `log.seq` on and taking written
   * events off `log.pending` as they are stored, so a caller that retries after a failure goes
   * on where it stopped. The unique _id (executionId:seq) keeps the log gap-free and
   * duplicate-free with several writers: starting from a seq known to be free or taken (never
   * beyond), a taken one is skipped.
   */
  async appendEvents (exec: { _id: string, ownerId: string, type: string }, log: { seq: number, pending: NewEvent[] }): Promise<void> {
    while (log.pending.length > 0) {
      const ts = new Date()
      const docs = log.pending.map((e, i): EventDoc => ({ _id: `${exec._id}:${log.seq + 1 + i}`, executionId: exec._id, ownerId: exec.ownerId, seq: log.seq + 1 + i, ts, type: e.type, ...(e.stepId === undefined ? {} : { stepId: e.stepId }), dataJson: JSON.stringify(e.data) }))
      let written = docs.length
      let failure: unknown
      try {
        for (const d of docs) this.faults?.(`event:${d.type}`)
        await this.eventWriter.insert(docs)
      } catch (err) {
        written = err instanceof InsertFailed ? err.written : 0
        failure = err instanceof InsertFailed ? err.cause : err
      }
      for (const d of docs.slice(0, written)) this.bus.emit('event', toEvent(d), exec.ownerId, exec.type)
      log.seq += written
      log.pending.splice(0, written)
      if (failure === undefined) continue
      if (!isDuplicateKey(failure)) throw failure
      log.seq++
    }
  }

  /** Appends one event; returns its seq. */
  async appendEvent (exec: { _id: string, ownerId: string, type: string, eventSeq?: number }, type: string, data: Record<string, unknown> = {}, stepId?: string, seqHint?: number): Promise<number> {
    const log = { seq: (seqHint ?? (exec.eventSeq ?? 0) + 1) - 1, pending: [{ type, data, ...(stepId === undefined ? {} : { stepId }) }] }
    await this.appendEvents(exec, log)
    return log.seq
  }

  async listEvents (executionId: string, since: number, limit: number): Promise<ExecutionEvent[]> {
    const docs = await this.events.find({ executionId, seq: { $gt: since } }).sort({ seq: 1 }).limit(limit).toArray()
    return docs.map(toEvent)
  }

  /**
   * Claims a run for this instance under the next lease epoch. Inserting the lease document
   * `executionId:epoch` is the atomic step (a unique insert works the same on MongoDB and
   * FerretDB); then the run records the lease. A claim that died after its lease insert leaves
   * an epoch above the recorded one: once older than `claimGraceMs` it is skipped. Returns
   * null when another claim won or the run ended; throws when a write failed (nothing runs
   * then, and the run stays claimable).
   */
  async claim (doc: ExecutionDoc, owner: string, claimGraceMs: number): Promise<Lease | null> {
    let epoch = (doc.lease?.epoch ?? 0) + 1
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
    const res = await this.write('claim.execution', () => this.open.collection.updateOne(
      { _id: doc._id, status: { $in: OPEN }, $or: [{ lease: null }, { 'lease.epoch': { $lt: epoch } }] },
      { $set: { status: 'running', lease, holder: owner, ...(doc.startTime === null ? { startTime: lease.claimedAt } : {}) } }
    ))
    return res.matchedCount === 0 ? null : lease
  }

  /** Records the run as its holder has it now (a cancel request stays as it is); false when a newer lease holds the run (fenced). */
  async recordRun (doc: ExecutionDoc, epoch: number, write = 'run'): Promise<boolean> {
    const { _id, ownerId, cancelRequested, ...fields } = encode(doc)
    const res = await this.write(write, () => this.open.collection.updateOne({ _id, 'lease.epoch': epoch }, { $set: fields }))
    return res.matchedCount > 0
  }

  /** What a running execution checks between steps: a cancel request, and whether its lease is still the newest. */
  async control (id: string): Promise<{ cancelRequested: boolean, epoch: number | undefined } | null> {
    const doc = await this.open.collection.findOne({ _id: id }, { projection: { cancelRequested: 1, lease: 1 } })
    return doc === null ? null : { cancelRequested: doc.cancelRequested, epoch: doc.lease?.epoch }
  }

  /**
   * Records the end of a run that wrote nothing since it was created or claimed: straight into
   * the history, which decides (false: the history has it already, from another holder or an
   * earlier attempt). The open record goes once the events are stored (see `forget`).
   */
  async finish (doc: ExecutionDoc): Promise<boolean> {
    return this.insertNew('run.end', this.historyWriter, doc)
  }

  /** Inserts a run through a group commit; false when one with its id is there already. */
  private async insertNew (write: string, writer: GroupCommit<StoredExecution>, doc: ExecutionDoc): Promise<boolean> {
    try {
      await this.write(write, () => writer.insert([encode(doc)]))
      return true
    } catch (err) {
      const cause = err instanceof InsertFailed ? err.cause : err
      if (isDuplicateKey(cause)) return false
      throw cause
    }
  }

  /** Removes the open record of a run `finish` recorded. */
  async forget (id: string): Promise<void> {
    await this.write('run.forget', () => this.openRemover.add(id))
  }

  /**
   * Whether the history has this attempt of the run already: its holder died between `finish`
   * and `forget`. Then its log gets its final event if it has none, and the open record goes.
   */
  async closeFinished (doc: ExecutionDoc): Promise<boolean> {
    const stored = await this.history.collection.findOne({ _id: doc._id, attempt: doc.attempt })
    if (stored === null) return false
    await this.completeLog(decode(stored))
    await this.forget(doc._id)
    return true
  }

  /** Lets another instance take over at once (this instance is closing). */
  async release (id: string, epoch: number): Promise<void> {
    await this.write('release', () => this.open.collection.updateOne({ _id: id, 'lease.epoch': epoch }, { $set: { holder: null } }))
  }

  /** Unfinished runs (and ended ones still to move to the history), priority first, then age. */
  async queued (limit: number): Promise<QueueEntry[]> {
    return this.open.collection.find({}, { projection: { _id: 1, status: 1, holder: 1, lease: 1, priority: 1, wakeAt: 1, createdAt: 1, endTime: 1 } })
      .sort({ priority: -1, createdAt: 1 }).limit(limit).toArray()
  }

  /**
   * Keeps a signal for a run until a wait takes it; false when one of that name is kept already
   * (the first is kept: a client that sends again, unsure whether it arrived, changes nothing).
   */
  async putSignal (exec: { _id: string, ownerId: string }, name: string, payload: unknown): Promise<boolean> {
    try {
      await this.write('signal', () => this.signals.insertOne({ _id: `${exec._id}:${name}`, executionId: exec._id, ownerId: exec.ownerId, name, payloadJson: JSON.stringify(payload ?? null), at: new Date() }))
      return true
    } catch (err) {
      if (isDuplicateKey(err)) return false
      throw err
    }
  }

  /** The signal of that name kept for the run, if any. */
  async signal (id: string, name: string): Promise<{ payload: unknown, at: Date } | null> {
    const doc = await this.signals.findOne({ _id: `${id}:${name}` })
    return doc === null ? null : { payload: JSON.parse(doc.payloadJson), at: doc.at }
  }

  /** The run's signals whose names start with `prefix` (the reports of a step's children), by name. */
  async signalsLike (id: string, prefix: string): Promise<Map<string, { payload: unknown, at: Date }>> {
    const docs = await this.signals.find({ executionId: id }).toArray()
    return new Map(docs.filter(d => d.name.startsWith(prefix)).map(d => [d.name, { payload: JSON.parse(d.payloadJson), at: d.at }]))
  }

  /** Removes these signals of the run. */
  async consumeSignals (id: string, names: string[]): Promise<void> {
    if (names.length > 0) await this.signals.deleteMany({ _id: { $in: names.map(n => `${id}:${n}`) } })
  }

  /** The unfinished child executions of a run (they are in the small open collection). */
  async openChildren (parentId: string): Promise<{ _id: string, ownerId: string }[]> {
    const docs = await this.open.collection.find({ parentId }, { projection: { _id: 1, ownerId: 1, status: 1 } }).toArray()
    return docs.filter(d => OPEN.includes(d.status))
  }

  /** A wait took the signal (its output is recorded): the next wait for that name waits for a new one. */
  async consumeSignal (id: string, name: string): Promise<void> {
    await this.signals.deleteOne({ _id: `${id}:${name}` })
  }

  /**
   * Makes a waiting run claimable by any instance now; false when it is not waiting (then it
   * finds what woke it when it gets to its wait). A run woken already is not written again:
   * FerretDB's update writes back the whole document it read, so a second wake racing the
   * claim the first one caused could put back the record from before the claim (a run's
   * children end in bursts).
   */
  async wake (id: string): Promise<boolean> {
    const now = new Date()
    const res = await this.write('wake', () => this.open.collection.updateOne({ _id: id, status: 'waiting', $or: [{ wakeAt: null }, { wakeAt: { $gt: now } }] }, { $set: { wakeAt: now } }))
    if (res.matchedCount > 0) return true
    return await this.open.collection.findOne({ _id: id, status: 'waiting' }, { projection: { _id: 1 } }) !== null
  }

  /**
   * Moves a run that ended to the history, soon (see ARCHIVE_MS); until then it is read from
   * `executions_open` as any other.
   */
  archive (doc: ExecutionDoc): void {
    this.toArchive.set(`${doc._id}:${doc.attempt}`, doc)
    if (this.toArchive.size >= ARCHIVE_BATCH) this.archiveSoon(0)
    else this.archiveSoon(ARCHIVE_MS)
  }

  private archiveSoon (ms: number): void {
    if (this.archiveTimer !== undefined && ms > 0) return
    clearTimeout(this.archiveTimer)
    this.archiveTimer = setTimeout(() => {
      this.archiveTimer = undefined
      this.archiving = this.archiving.then(() => this.flushArchive()).catch((err: unknown) => {
        this.warnings.warn({ err }, 'moving ended executions to the history failed; trying again')
        this.archiveSoon(1000)
      })
    }, ms)
    this.archiveTimer.unref()
  }

  /** The history gets the ended runs (an older attempt there is replaced), then they leave `executions_open`. */
  private async flushArchive (): Promise<void> {
    const batch = [...this.toArchive.values()]
    if (batch.length === 0) return
    try {
      await this.write('archive.history', () => this.history.collection.insertMany(batch.map(encode), { ordered: false }))
    } catch (err) {
      const errors = (err as { writeErrors?: { index: number, code?: number }[] | { index: number, code?: number } }).writeErrors
      const list = errors === undefined ? undefined : Array.isArray(errors) ? errors : [errors]
      if (list === undefined || list.some(e => e.code !== 11000)) throw err
      // Already there: moved before (a crash after the insert), or an earlier attempt of a retried run.
      for (const e of list) {
        const doc = batch[e.index] as ExecutionDoc
        await this.history.collection.replaceOne({ _id: doc._id, attempt: { $lt: doc.attempt } }, encode(doc))
      }
    }
    // Only the attempt that was archived: a run retried meanwhile stays open.
    await this.write('archive.open', () => this.open.collection.bulkWrite(batch.map(d => ({ deleteOne: { filter: { _id: d._id, attempt: d.attempt, status: d.status } } })), { ordered: false }))
    for (const d of batch) if (this.toArchive.get(`${d._id}:${d.attempt}`) === d) this.toArchive.delete(`${d._id}:${d.attempt}`)
  }

  /**
   * Completes the log of a run that ended but has no final event (its holder died between
   * the two), once, and moves it to the history.
   */
  async closeLog (doc: ExecutionDoc): Promise<void> {
    await this.completeLog(doc)
    this.archive(doc)
  }

  /** Appends the final event of an ended run unless its log has it after the recorded seq. */
  private async completeLog (doc: ExecutionDoc): Promise<void> {
    const after = await this.listEvents(doc._id, doc.eventSeq, 1000)
    if (after.some(e => e.type === `execution.${doc.status}`)) return
    const data = doc.status === 'completed' ? { result: decodeJson(doc.resultJson) } : { error: doc.error }
    await this.appendEvent(doc, `execution.${doc.status}`, data, undefined, doc.eventSeq + 1)
  }

  /**
   * Moves to the history the ended runs left in `executions_open` by an instance that died
   * before it moved them (completing their logs first); runs this instance is still moving
   * are left to it. Safe to run on every instance at once. Returns how many it moved.
   */
  async sweep (graceMs: number): Promise<number> {
    const cutoff = Date.now() - graceMs
    let moved = 0
    for (const status of TERMINAL) {
      for (const doc of (await this.open.collection.find({ status }).toArray()).map(decode)) {
        if (this.toArchive.has(`${doc._id}:${doc.attempt}`) || (doc.endTime?.getTime() ?? 0) > cutoff) continue
        await this.closeLog(doc)
        moved++
      }
    }
    return moved
  }

  /** A run, wherever it is: open first, then the history (a run moves to the history before it leaves the open ones). */
  private async locate (filter: Filter<ExecutionDoc>, owner?: Owner): Promise<{ doc: ExecutionDoc, open: boolean } | null> {
    const scoped = (c: OwnedCollection<StoredExecution>) => (owner === undefined ? filter : c.scope(owner, filter as Filter<StoredExecution>)) as Filter<StoredExecution>
    const open = await this.open.collection.findOne(scoped(this.open))
    if (open !== null) return { doc: decode(open), open: true }
    const ended = await this.history.collection.findOne(scoped(this.history))
    return ended === null ? null : { doc: decode(ended), open: false }
  }

  async get (id: string): Promise<ExecutionDoc | null> {
    return (await this.locate({ _id: id }))?.doc ?? null
  }

  /** The user's execution, or a 404 (another user's is not found either). */
  async getOwned (owner: Owner, id: string): Promise<ExecutionDoc> {
    const found = await this.locate({ _id: id }, owner)
    if (found === null) throw new NotFound(`Execution ${id}`)
    return found.doc
  }

  /** Both collections, merged: a run in both (moving to the history right now) counts once. */
  async list (owner: Owner, filter: Filter<ExecutionDoc>, opts: { sort: Sort, limit: number }): Promise<ExecutionDoc[]> {
    const stored = filter as Filter<StoredExecution>
    const [open, ended] = await Promise.all([this.open.find(owner, stored), this.history.find(owner, stored, opts)])
    const seen = new Set(open.map(d => d._id))
    return [...open, ...ended.filter(d => !seen.has(d._id))].map(decode)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (b._id < a._id ? -1 : b._id > a._id ? 1 : 0))
      .slice(0, opts.limit)
  }

  async listOpen (owner: Owner, limit: number): Promise<ExecutionDoc[]> {
    const docs = (await this.open.find(owner)).filter(d => OPEN.includes(d.status)).map(decode)
    return docs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit)
  }

  /** An unfinished run of the workflow that its schedule started (ids sched_...) other than `except`, if there is one. */
  async openScheduledRun (workflowId: string, except: string): Promise<string | undefined> {
    const open = await this.open.collection.find({ workflowId }, { projection: { _id: 1, status: 1 } }).toArray()
    return open.find(d => d._id.startsWith('sched_') && d._id !== except && OPEN.includes(d.status))?._id
  }

  /** The runs of a workflow, for its analytics. */
  async workflowRuns (owner: Owner, workflowId: string): Promise<ExecutionDoc[]> {
    const find = (c: OwnedCollection<StoredExecution>) => c.collection.find({ workflowId, ownerId: owner.id }).toArray()
    const [open, ended] = await Promise.all([find(this.open), find(this.history)])
    const seen = new Set(open.map(d => d._id))
    return [...open, ...ended.filter(d => !seen.has(d._id))].map(decode)
  }

  async counts (): Promise<{ open: number, queued: number, total: number }> {
    const open = await this.open.collection.find({}, { projection: { status: 1 } }).toArray()
    const unfinished = open.filter(d => OPEN.includes(d.status))
    return {
      open: unfinished.length,
      queued: unfinished.filter(d => d.status === 'queued').length,
      total: unfinished.length + await this.historySize()
    }
  }

  /** About how many runs the history holds: FerretDB counts by reading every document, so there PostgreSQL's estimate is asked (collStats). */
  private async historySize (): Promise<number> {
    if (!this.ferretdb) return this.history.collection.estimatedDocumentCount()
    const stats = await this.db.command({ collStats: 'executions' }).catch(() => ({ count: 0 }))
    return Math.max(0, Number(stats.count ?? 0))
  }

  /**
   * Asks a run to stop. A queued one is cancelled here when `endsQueued` says its holder
   * will not start it; a running one stops at its next await point (its holder checks), or,
   * if its holder is gone, as soon as another instance claims it.
   */
  async requestCancel (owner: Owner, id: string, endsQueued: (holder: string | null) => boolean): Promise<ExecutionDoc> {
    const found = await this.locate({ _id: id }, owner)
    if (found === null) throw new NotFound(`Execution ${id}`)
    const doc = found.doc
    if (TERMINAL.includes(doc.status)) throw new Conflict(`Execution ${id} has already ended (${doc.status})`)
    await this.write('cancel.request', () => this.open.update(owner, id, { $set: { cancelRequested: true } }))
    // A waiting run has no holder to notice: it is woken, and whoever claims it ends it.
    if (doc.status === 'waiting') await this.wake(id)
    const error = { message: 'cancelled on request', code: 'R3SN_CANCELLED' }
    const cancelled: ExecutionDoc = { ...doc, status: 'cancelled', error, endTime: new Date(), executionTime: 0, holder: null, cancelRequested: true }
    // (A queued run held by an instance may be starting there right now: that instance stops it.)
    if (doc.status !== 'queued' || !endsQueued(doc.holder)) return this.getOwned(owner, id)
    const queued = await this.write('cancel.queued', () => this.open.collection.updateOne({ _id: id, status: 'queued' }, { $set: encode(cancelled) }))
    if (queued.modifiedCount === 1) {
      const eventSeq = await this.appendEvent(doc, 'execution.cancelled', { error })
      this.archive({ ...cancelled, eventSeq })
    }
    return this.getOwned(owner, id)
  }

  /** Queues a failed or cancelled run again, from the step that stopped it. */
  async requeue (owner: Owner, id: string): Promise<ExecutionDoc> {
    const found = await this.locate({ _id: id }, owner)
    if (found === null) throw new NotFound(`Execution ${id}`)
    const doc = found.doc
    if (doc.status !== 'failed' && doc.status !== 'cancelled') throw new Conflict(`Execution ${id} is ${doc.status}; only failed or cancelled runs can be retried`)
    const again: ExecutionDoc = { ...doc, status: 'queued', error: null, cancelRequested: false, endTime: null, executionTime: null, attempt: doc.attempt + 1, holder: null }
    const changed = new Conflict(`Execution ${id} changed meanwhile; reload it and try again`)
    if (found.open) {
      const res = await this.write('retry.execution', () => this.open.collection.updateOne({ _id: id, status: doc.status, attempt: doc.attempt }, { $set: encode(again) }))
      if (res.modifiedCount === 0) throw changed
    } else {
      // Open first, so the run is never in neither; readers prefer the open one meanwhile.
      await this.write('retry.execution', () => this.open.collection.insertOne(encode(again))).catch((err: unknown) => { throw isDuplicateKey(err) ? changed : err })
      await this.history.collection.deleteOne({ _id: id, attempt: doc.attempt })
    }
    await this.appendEvent(doc, 'execution.retried', { attempt: doc.attempt + 1, fromStep: doc.cursor })
    return this.getOwned(owner, id)
  }

  /** Deletes ended executions older than the cutoff with their events and leases. */
  async prune (olderThan: Date): Promise<number> {
    let pruned = 0
    for (;;) {
      const batch = await this.history.collection.find({ endTime: { $lt: olderThan } }, { projection: { _id: 1 } }).limit(500).toArray()
      if (batch.length === 0) return pruned
      const ids = batch.map(d => d._id)
      await this.events.deleteMany({ executionId: { $in: ids } })
      await this.leases.deleteMany({ executionId: { $in: ids } })
      await this.signals.deleteMany({ executionId: { $in: ids } })
      pruned += (await this.history.collection.deleteMany({ _id: { $in: ids } })).deletedCount
    }
  }
}

/** What the first event of a run says. */
export function queuedEventData (doc: ExecutionDoc): Record<string, unknown> {
  return { workflowId: doc.workflowId, workflowVersion: doc.workflowVersion, priority: doc.priority, ...(doc.replayOf === undefined ? {} : { replayOf: doc.replayOf }) }
}

function toEvent (d: EventDoc): ExecutionEvent {
  return { executionId: d.executionId, seq: d.seq, ts: d.ts.toISOString(), type: d.type, ...(d.stepId === undefined ? {} : { stepId: d.stepId }), data: JSON.parse(d.dataJson) as Record<string, unknown> }
}
