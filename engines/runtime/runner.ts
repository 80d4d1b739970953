import type { FastifyBaseLogger } from 'fastify'
import { isTransientDbError } from '../../lib/errors.js'
import type { RunEventBus } from '../../lib/run-events.js'
import type { Diagnosis, ExecutionError } from '../../schemas/executions.js'
import { nextStepId } from './definition.js'
import { resolveInput } from './expressions.js'
import { decideAfterFailure, isRetryable, retriesLeft } from './failure-decision.js'
import { Expand, StepError, Wait, WaitOver, type Remedy, type StepDebugger, type StepHandler, type StepRegistry, type TokenUsage } from './steps.js'
import type { WorkflowStep } from '../../schemas/workflows.js'
import type { Metrics } from '../../plugins/metrics.js'
import { decodeJson, encodeJson, planOf, queuedEventData, type ExecutionDoc, type ExecutionStore, type Lease, type NewEvent, type StepRunDoc } from './store.js'
import { LogThrottle, logError } from '../../lib/log-throttle.js'
import { BudgetExceeded, checkLlmBudget, checkStepBudget, sandboxCpuLeft, wallLeft, type BudgetMeter } from './budget.js'

/**
 * A run's lifecycle in the log, one line as it starts and one as it ends, each with its
 * executionId (its steps are in its event log, not here). A run started again after its
 * holder went silent says it was taken over, and from whom.
 */
function logStart (log: FastifyBaseLogger, doc: ExecutionDoc, lease: Lease, resumed: boolean): void {
  const fields = { executionId: doc._id, type: doc.type, ...(doc.workflowId === undefined ? {} : { workflowId: doc.workflowId }), attempt: doc.attempt, epoch: lease.epoch }
  if (!resumed) log.info(fields, 'execution started')
  else if (doc.holder !== null && doc.holder !== lease.owner) log.info({ ...fields, from: doc.holder }, 'execution taken over')
  else log.info(fields, 'execution resumed')
}

function logEnd (log: FastifyBaseLogger, ended: ExecutionDoc): void {
  log.info({
    executionId: ended._id,
    type: ended.type,
    status: ended.status,
    executionTime: ended.executionTime,
    ...(ended.error === null || ended.error === undefined ? {} : { code: ended.error.code, stepId: ended.error.stepId })
  }, `execution ${ended.status}`)
}

/** Why a run stops before its end: a cancel request, a newer lease elsewhere, or this instance closing. */
export class Stop extends Error {
  constructor (readonly reason: 'cancelled' | 'fenced' | 'shutdown') {
    super(`run stopped: ${reason}`)
  }
}

/**
 * The run's own record could not be written (the database failed): not the step's fault, so
 * it is never taken for a step failure; the run stops and resumes from what was recorded.
 */
class RecordFailed extends Error {
  constructor (cause: unknown) {
    super(`recording the run failed: ${(cause as Error)?.message ?? String(cause)}`, { cause })
  }
}

/**
 * A write of the run's own record. A database that is busy or failing over for a moment
 * (nothing was written then) is ridden out by a few quick retries in place.
 */
async function writeRecord<T> (write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write()
    } catch (err) {
      if (attempt >= 5 || !isTransientDbError(err)) throw new RecordFailed(err)
      await new Promise(resolve => setTimeout(resolve, 50 * attempt))
    }
  }
}

export interface RunnerOptions {
  instanceId: string
  /** How often a running execution checks for cancellation and a newer lease. */
  heartbeatMs: number
  /** Guard against loops through conditions that never exit. */
  maxStepRuns: number
  /** Self-debugging: asked about a step that failed for good, before the failure is final. */
  debugger?: StepDebugger
  /** Runs after a run ended on this instance, before 'ended' is emitted. */
  onEnded?: (doc: ExecutionDoc) => Promise<void>
  metrics: Metrics
  /** A run was suspended here at a wait (any instance claims it once due or woken). */
  onWaiting?: (executionId: string) => void
}

function sleep (ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason); return }
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve() }, ms)
    const onAbort = () => { clearTimeout(timer); reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** Runs fn with a signal that aborts on the parent's abort or after timeoutMs. */
async function withTimeout<T> (fn: (signal: AbortSignal) => Promise<T>, timeoutMs: number | undefined, parent: AbortSignal, reason = () => new StepError(`step timed out after ${timeoutMs} ms`, 'R3SN_STEP_TIMEOUT')): Promise<T> {
  const controller = new AbortController()
  const onParentAbort = () => controller.abort(parent.reason)
  parent.addEventListener('abort', onParentAbort, { once: true })
  const timer = timeoutMs === undefined
    ? undefined
    : setTimeout(() => controller.abort(reason()), timeoutMs)
  try {
    return await new Promise<T>((resolve, reject) => {
      if (controller.signal.aborted) { reject(controller.signal.reason); return }
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })
      fn(controller.signal).then(resolve, reject)
    })
  } finally {
    clearTimeout(timer)
    parent.removeEventListener('abort', onParentAbort)
  }
}

function toError (err: unknown): ExecutionError {
  if (err instanceof StepError) return { message: err.message, code: err.code, ...(err.details === undefined ? {} : { details: err.details }) }
  return { message: (err as Error)?.message ?? String(err), code: 'STEP_FAILED' }
}

/** Rejected proposals in a row before the runner stops asking self-debugging (a guard: its own round bound comes first). */
const MAX_REJECTED_ROUNDS = 20

/** A run that records nothing for this long records what it has at the next step, even if pure. */
const MAX_UNRECORDED_MS = 200

/**
 * One run's record as it is now and its events not stored yet: what the next write
 * persists. Every write is fenced by the lease epoch; events are stored (and published)
 * after the record they follow.
 */
class RunRecord {
  /** The run as it is now (recorded by the next write). */
  readonly state: ExecutionDoc
  readonly startedAt: Date
  /** The run's end, once recorded. */
  ended: ExecutionDoc | undefined
  private readonly log: { seq: number, pending: NewEvent[] }
  // (A run held for a slot here is still 'queued' in its record: the first write says it runs.)
  private written = false
  private recordedAt = Date.now()

  constructor (private readonly store: ExecutionStore, private readonly doc: ExecutionDoc, private readonly lease: Lease) {
    this.state = { ...doc, lease, holder: lease.owner }
    this.log = { seq: doc.eventSeq, pending: [] }
    this.startedAt = doc.startTime ?? new Date()
  }

  /** How long the run has gone without a write. */
  get unrecordedMs (): number { return Date.now() - this.recordedAt }

  /** Queues an event: it is stored (and published) after the record it follows. */
  emit (type: string, data: Record<string, unknown> = {}, stepId?: string): void {
    this.log.pending.push({ type, data, ...(stepId === undefined ? {} : { stepId }) })
  }

  async flushEvents (): Promise<void> {
    if (this.log.pending.length > 0) await writeRecord(() => this.store.appendEvents(this.doc, this.log))
    this.state.eventSeq = this.log.seq
  }

  /** Keeps a change for the next write. */
  change (update: Partial<ExecutionDoc>): void { Object.assign(this.state, update) }

  /** Records the run with every change so far, then stores the events queued so far. */
  async write (update: Partial<ExecutionDoc> = {}, name = 'run'): Promise<void> {
    this.change(update)
    if (!await writeRecord(() => this.store.recordRun({ ...this.state, eventSeq: this.log.seq }, this.lease.epoch, name))) throw new Stop('fenced')
    this.written = true
    this.recordedAt = Date.now()
    await this.flushEvents()
  }

  async recordUsage (usage: TokenUsage): Promise<void> {
    const used = this.state.usage
    await this.write({ usage: { calls: used.calls + 1, promptTokens: used.promptTokens + usage.promptTokens, completionTokens: used.completionTokens + usage.completionTokens } }, 'run.usage')
  }

  /**
   * Records the end of the run, then its final event, then it leaves the open runs: a crash
   * in between leaves an ended run open, which the sweep (or a takeover) completes.
   */
  async end (extra: Partial<ExecutionDoc> & { status: 'completed' | 'failed' | 'cancelled' }, data: Record<string, unknown>): Promise<void> {
    const endTime = new Date()
    this.emit(`execution.${extra.status}`, data)
    this.change({ ...extra, holder: null, endTime, executionTime: endTime.getTime() - this.startedAt.getTime() })
    const state = this.state
    // A run that wrote nothing yet (pure steps only, the common fast case) goes straight to
    // the history, its events after, and leaves the open runs last: three writes that the
    // group commits share among every run ending at the same time.
    if (!this.written && await writeRecord(() => this.store.finish({ ...state, eventSeq: this.log.seq }))) {
      await this.flushEvents()
      await writeRecord(() => this.store.forget(state._id))
    } else if (!this.written && await writeRecord(() => this.store.closeFinished(state))) {
      // Another holder of this attempt ended it first.
      throw new Stop('fenced')
    } else {
      await this.write({}, 'run.end')
      this.store.archive(state)
    }
    this.ended = state
  }
}

type StepOutputs = Record<string, { output: unknown, error?: ExecutionError }>

/** The run's plan as it grows, what its steps did, and what expressions see. */
class RunProgress {
  readonly plan: WorkflowStep[]
  private index: Map<string, number>
  /** The step entries and diagnoses of the run's record (the same arrays, changed in place). */
  readonly steps: StepRunDoc[]
  readonly diagnoses: Diagnosis[]
  // A step that failed and let the run go on (onError continue/goto) shows its error to later steps.
  // No prototype: step ids are user input.
  readonly outputs: StepOutputs = Object.create(null) as StepOutputs
  lastOutput: unknown
  readonly scope: Record<string, unknown>

  constructor (doc: ExecutionDoc) {
    this.plan = planOf(doc)
    this.index = new Map(this.plan.map((s, i) => [s.id, i]))
    this.steps = [...doc.steps]
    this.diagnoses = [...(doc.diagnoses ?? [])]
    for (const s of this.steps) {
      if (s.status === 'completed') { this.outputs[s.stepId] = { output: decodeJson(s.outputJson) }; this.lastOutput = this.outputs[s.stepId]?.output }
      if (s.status === 'failed') this.outputs[s.stepId] = { output: null, ...(s.error === undefined ? {} : { error: s.error }) }
    }
    this.scope = { trigger: decodeJson(doc.triggerJson), steps: this.outputs, execution: { id: doc._id, workflowId: doc.workflowId, attempt: doc.attempt } }
  }

  /** Where the step is in the plan. */
  at (stepId: string): number | undefined { return this.index.get(stepId) }

  /**
   * Settles the remedy of this step that was being tried (at most one is pending: each failed
   * attempt settles the one it ran with), with what its attempt answered when it failed again.
   */
  settle (stepId: string, outcome: 'recovered' | 'applied-failed', feedback?: string): Diagnosis[] {
    const settled: Diagnosis[] = []
    for (const [k, d] of this.diagnoses.entries()) {
      if (d.stepId === stepId && d.outcome === 'pending') settled.push(this.diagnoses[k] = { ...d, outcome, ...(feedback === undefined ? {} : { feedback }) })
    }
    return settled
  }

  /** Splices a step's new steps in after it; returns the plan text to persist. */
  expand (i: number, step: WorkflowStep, added: WorkflowStep[]): string {
    const taken = added.find(a => this.index.has(a.id))
    if (taken !== undefined) throw new StepError(`step "${step.id}" added a step "${taken.id}" that already exists (an agent or prompt step inside a loop is not supported)`, 'R3SN_RUN_ABORTED', false)
    const last = added.at(-1) as WorkflowStep
    if (step.next !== undefined && last.next === undefined) added[added.length - 1] = { ...last, next: step.next }
    this.plan.splice(i + 1, 0, ...added)
    this.index = new Map(this.plan.map((s, k) => [s.id, k]))
    return JSON.stringify(this.plan)
  }

  /** Puts a changed step (self-debugging's) in place of the one at i; returns the plan text to persist. */
  replace (i: number, step: WorkflowStep): string {
    this.plan[i] = step
    return JSON.stringify(this.plan)
  }
}

/** What the steps of one run share. */
interface RunContext { doc: ExecutionDoc, record: RunRecord, progress: RunProgress, abort: AbortController, meter: BudgetMeter }

/** The wall-time budget's error, as a step is stopped by it. */
function wallExceeded (state: ExecutionDoc): BudgetExceeded {
  const limit = state.budget?.wallMs ?? 0
  return new BudgetExceeded('wallMs', limit, state.startTime === null ? limit : Date.now() - state.startTime.getTime())
}

/** What the steps of a run see of its budget (StepContext.budget); sandbox CPU is recorded with the run's next write. */
function budgetMeter (record: RunRecord): BudgetMeter {
  return {
    beforeLlmCall: () => checkLlmBudget(record.state),
    sandboxCpuLeft: () => sandboxCpuLeft(record.state),
    chargeSandboxCpu: (ms) => record.change({ sandboxCpuMs: (record.state.sandboxCpuMs ?? 0) + ms })
  }
}

/** One step of a run, across its attempts. */
interface StepRun {
  /** The step as it runs now: self-debugging may replace it (corrected input, patched plugin version) for its next attempts. */
  step: WorkflowStep
  /** Its place in the plan. */
  readonly i: number
  readonly handler: StepHandler
  /** Its entry in the run's steps, and where that entry is. */
  entry: StepRunDoc
  readonly entryIndex: number
  /** Attempts of earlier entries of the same step (in a loop), so an idempotency key never repeats. */
  readonly earlierAttempts: number
  attempt: number
  /** Bound to the execution, the step and the attempt. */
  log: FastifyBaseLogger
}

/** How a step ended: the run goes on at `next`, fails with `failed`, or was suspended at a wait. */
type StepEnd = { next: string | null } | { failed: ExecutionError & { stepId: string } } | { waiting: Wait }

/**
 * Runs one claimed execution step by step. Every write is fenced by the lease epoch, so a
 * run can stop anywhere and another instance resumes it from the first unrecorded step.
 *
 * What is recorded when: a step with side effects is recorded as started before it runs and
 * as completed once it did, each before anything else happens. Pure steps (transform,
 * condition) are recorded with the next write: the start of a step with side effects, the
 * end of the run, or after MAX_UNRECORDED_MS. A run resumed after a crash computes them
 * again from the same recorded inputs; only an expression that reads the clock or draws a
 * random number can give another result then, and none of the first was ever seen (events
 * are published once stored, after the record they follow).
 */
export class Runner {
  /** Warnings a loop repeats while the database is away: once a minute, with a count. */
  private readonly warnings: LogThrottle
  constructor (
    private readonly store: ExecutionStore,
    private readonly bus: RunEventBus,
    private readonly registry: StepRegistry,
    private readonly log: FastifyBaseLogger,
    private readonly opts: RunnerOptions
  ) {
    this.warnings = new LogThrottle(this.log)
  }

  /** Resolves true when the run stopped on an unexpected failure (the database, a bug) and should be resumed. */
  async run (doc: ExecutionDoc, lease: Lease, abort: AbortController, resumed: boolean): Promise<boolean> {
    const id = doc._id
    const record = new RunRecord(this.store, doc, lease)
    const heartbeat = this.startHeartbeat(id, lease, abort)
    const progress = new RunProgress(doc)
    record.state.steps = progress.steps
    record.state.diagnoses = progress.diagnoses
    if (doc.status !== 'running') record.change({ status: 'running', startTime: record.startedAt, ...(doc.wakeAt === undefined ? {} : { wakeAt: null }) })
    const run: RunContext = { doc, record, progress, abort, meter: budgetMeter(record) }

    try {
      // A run created held by its instance has no first event yet (see ExecutionStore.create).
      if (doc.eventSeq === 0 && !resumed && doc.holder !== null && doc.lease?.epoch === 1 && doc.lease.owner === lease.owner) record.emit('execution.queued', queuedEventData(doc))
      record.emit(resumed ? 'execution.resumed' : 'execution.started', { attempt: doc.attempt, epoch: lease.epoch, instance: this.opts.instanceId })
      logStart(this.log, doc, lease, resumed)
      // (A run held here for a slot may have been asked to stop on another instance meanwhile.)
      if (doc.cancelRequested || (doc.status === 'queued' && (await this.store.control(id))?.cancelRequested === true)) throw new Stop('cancelled')
      let cursor = doc.cursor
      let stepRuns = 0
      while (cursor !== null) {
        if (abort.signal.aborted) throw abort.signal.reason
        const i = progress.at(cursor)
        const step = i === undefined ? undefined : progress.plan[i]
        const handler = step === undefined ? undefined : this.registry.get(step.type)
        if (i === undefined || step === undefined || handler === undefined || ++stepRuns > this.opts.maxStepRuns) {
          const error = { message: stepRuns > this.opts.maxStepRuns ? `stopped after ${this.opts.maxStepRuns} step runs (a loop that does not end?)` : `cannot run step "${cursor}"`, code: 'R3SN_RUN_ABORTED', stepId: cursor }
          await record.end({ status: 'failed', error }, { error })
          return false
        }
        const overBudget = this.overBudget(run, step)
        if (overBudget !== undefined) {
          await record.end({ status: 'failed', steps: progress.steps, diagnoses: progress.diagnoses, error: overBudget }, { error: overBudget })
          return false
        }
        const ended = await this.runStep(run, i, step, handler)
        if ('waiting' in ended) {
          await this.suspended(run, step, ended.waiting)
          return false
        }
        if ('failed' in ended) {
          // The cursor stays on the failed step, so a retry resumes right here.
          await record.end({ status: 'failed', steps: progress.steps, diagnoses: progress.diagnoses, error: ended.failed }, { error: ended.failed })
          return false
        }
        cursor = ended.next
      }
      await record.end({ status: 'completed', resultJson: encodeJson(progress.lastOutput) }, { result: progress.lastOutput })
      return false
    } catch (err) {
      return await this.stopped(err, id, lease, progress.steps, record)
    } finally {
      clearInterval(heartbeat)
      const ended = record.ended
      if (ended !== undefined) logEnd(this.log, ended)
      if (ended !== undefined) await this.opts.onEnded?.(ended).catch((err: unknown) => this.log.warn({ ...logError(err), executionId: id }, 'end hook failed'))
      this.bus.emit('ended', id, ended ?? null)
    }
  }

  /** Runs a step's attempts until it completes or fails for good (its retries and self-debugging's remedies spent). */
  private async runStep (run: RunContext, i: number, step: WorkflowStep, handler: StepHandler): Promise<StepEnd> {
    const { steps } = run.progress
    // A step left running by a crash resumes with the same attempt number, so its idempotency key repeats.
    const last = steps.at(-1)
    const resuming = last !== undefined && last.stepId === step.id && (last.status === 'running' || last.status === 'waiting')
    const entryIndex = resuming ? steps.length - 1 : steps.length
    const entry: StepRunDoc = resuming ? last : { stepId: step.id, type: step.type, status: 'running', attempts: 0, idempotencyKey: '', startedAt: new Date() }
    const s: StepRun = {
      step, i, handler, entry, entryIndex,
      earlierAttempts: steps.slice(0, entryIndex).filter(e => e.stepId === step.id).reduce((n, e) => n + e.attempts, 0),
      // (One that was waiting to retry after a failure goes on with the next attempt.)
      attempt: resuming && last.attempts > 0 && last.error === undefined ? last.attempts : entry.attempts + 1,
      log: this.log
    }
    for (;;) {
      const idempotencyKey = `${run.doc._id}:${s.step.id}:${s.earlierAttempts + s.attempt}`
      s.log = this.log.child({ executionId: run.doc._id, stepId: s.step.id, attempt: s.attempt })
      const attemptStart = Date.now()
      let input: unknown
      try {
        input = await resolveInput(s.step.input, run.progress.scope)
        const next = await this.attempt(run, s, input, idempotencyKey, attemptStart)
        return next instanceof Wait ? { waiting: next } : { next }
      } catch (err) {
        if (err instanceof Stop || err instanceof RecordFailed) throw err
        if (run.abort.signal.aborted) throw run.abort.signal.reason
        const after = await this.afterFailure(run, s, err, input, idempotencyKey)
        if (after !== 'again') return after
      }
    }
  }

  /**
   * One attempt of a step: with side effects, its start is recorded before it runs; its
   * result is recorded (a pure step's kept for the next write) before the run goes on.
   * Returns the step to run next.
   */
  private async attempt (run: RunContext, s: StepRun, input: unknown, idempotencyKey: string, attemptStart: number): Promise<string | null | Wait> {
    const { record, progress } = run
    const { steps, plan } = progress
    const { step, handler, attempt, i } = s
    const waiting = s.entry.waitingFor
    s.entry = { ...s.entry, status: 'running', attempts: attempt, idempotencyKey, ...(input === undefined ? {} : { inputJson: encodeJson(input) }) }
    steps[s.entryIndex] = s.entry
    if (handler.sideEffects) {
      record.emit('step.started', { attempt, idempotencyKey }, step.id)
      await record.write({ steps })
    }
    // Tokens are counted on the execution at once, and on the step's entry with its next write.
    const countTokens = async (usage: TokenUsage) => {
      s.entry = { ...s.entry, tokens: (s.entry.tokens ?? 0) + usage.promptTokens + usage.completionTokens }
      await record.recordUsage(usage)
    }
    // The wall-time budget stops a step that runs past it, as its own timeout would.
    const timeoutMs = handler.waits === true ? undefined : step.timeoutMs
    const wall = wallLeft(record.state)
    const budgetFirst = wall !== undefined && (timeoutMs === undefined || wall < timeoutMs)
    let output = await withTimeout(signal => handler.run({
      executionId: run.doc._id, ownerId: run.doc.ownerId, depth: run.doc.depth ?? 0, step, input, scope: progress.scope, attempt, idempotencyKey, signal, log: s.log,
      emit: async (type, data) => { record.emit(type, data, step.id); await record.flushEvents() }, recordUsage: countTokens, budget: run.meter,
      ...(waiting === undefined ? {} : { waiting })
    }), budgetFirst ? wall : timeoutMs, run.abort.signal, budgetFirst ? () => wallExceeded(record.state) : undefined)
    if (output instanceof Wait) return await this.suspend(run, s, output)
    let planJson: string | undefined
    if (output instanceof Expand) {
      if (output.steps.length > 0) planJson = progress.expand(i, step, [...output.steps])
      output = output.output
    }
    let over: WaitOver['opts'] | undefined
    if (output instanceof WaitOver) {
      over = output.opts
      output = output.output
    }

    const endedAt = new Date()
    s.entry = { ...s.entry, status: 'completed', outputJson: encodeJson(output), endedAt, durationMs: endedAt.getTime() - s.entry.startedAt.getTime() }
    delete s.entry.error
    steps[s.entryIndex] = s.entry
    this.stepEnded(s.entry)
    const recovered = progress.settle(step.id, 'recovered')
    for (const d of recovered) this.opts.metrics.settled(d)
    const next = step.type === 'condition'
      ? (output === true ? step.then : step.else) ?? nextStepId(plan, i)
      : planJson !== undefined ? (plan[i + 1] as WorkflowStep).id : over?.next ?? nextStepId(plan, i)
    record.emit('step.completed', { attempt, output, durationMs: Date.now() - attemptStart }, step.id)
    const completed = { steps, cursor: next, diagnoses: progress.diagnoses, ...(planJson === undefined ? {} : { planJson }) }
    // (The end of a wait is recorded at once: what it took, a signal, goes once it is.)
    if (handler.sideEffects || over !== undefined || record.unrecordedMs >= MAX_UNRECORDED_MS) await record.write(completed)
    else record.change(completed)
    if (recovered.length > 0) await this.opts.debugger?.recovered?.(run.doc.ownerId, recovered).catch((err: unknown) => s.log.warn(logError(err), 'self-debugging could not learn what recovered the step'))
    if (over?.consumed !== undefined) await over.consumed().catch((err: unknown) => s.log.warn({ err }, 'a signal a wait took could not be removed; a later wait for it in this run would take it again'))
    progress.outputs[step.id] = { output }
    progress.lastOutput = output
    return next
  }

  /**
   * Suspends the run at a waiting step: the step is recorded as waiting and the run as
   * `waiting` with no holder (its lease stays, fencing this runner out should another claim
   * it), with the time it wakes by itself, in one write. The runner then lets it go.
   */
  private async suspend (run: RunContext, s: StepRun, wait: Wait): Promise<Wait> {
    const { record, progress } = run
    const { waiting } = wait
    s.entry = { ...s.entry, status: 'waiting', waitingFor: waiting }
    progress.steps[s.entryIndex] = s.entry
    record.emit('step.waiting', { attempt: s.attempt, ...waiting }, s.step.id)
    await record.write({ steps: progress.steps, diagnoses: progress.diagnoses, status: 'waiting', holder: null, wakeAt: waiting.until === undefined ? null : new Date(waiting.until) }, 'run.wait')
    return wait
  }

  /**
   * After the run was suspended: a signal sent while it was getting to its wait (the sender
   * found it running, so woke nothing) is found now, and the run woken; then the worker hears
   * of it (it may wake soon), and the step's own follow-up runs (an approval's notifications).
   * Failures here are only logged: the run is waiting, durably.
   */
  private async suspended (run: RunContext, step: WorkflowStep, wait: Wait): Promise<void> {
    const id = run.doc._id
    const signal = wait.waiting.signal
    try {
      if (signal !== undefined && await this.store.signal(id, signal) !== null) await this.store.wake(id)
    } catch (err) {
      this.log.warn({ err, executionId: id, stepId: step.id }, 'checking for a signal sent while the run got to its wait failed; it waits for the next one or its timeout')
    }
    await wait.recorded?.().catch((err: unknown) => this.log.warn({ err, executionId: id, stepId: step.id }, 'what a wait does once recorded failed'))
    this.opts.onWaiting?.(id)
  }

  /**
   * After a failed attempt: asks self-debugging once the step's own retries are spent, lets
   * decideAfterFailure choose, records the choice and carries it out. 'again' means the
   * step's next attempt is due (after its delay, already waited).
   */
  private async afterFailure (run: RunContext, s: StepRun, err: unknown, input: unknown, idempotencyKey: string): Promise<StepEnd | 'again'> {
    const { record, progress, abort } = run
    const { steps, diagnoses } = progress
    const { step, attempt } = s
    let error = toError(err)
    const retryable = isRetryable(err)
    // The remedy this attempt ran with, if any, did not help: that is its own outcome, and what it answered is fed back.
    for (const d of progress.settle(step.id, 'applied-failed', `${error.code ?? 'STEP_FAILED'}: ${error.message.slice(0, 1000)}`)) this.opts.metrics.settled(d)
    // Before the failure is final, self-debugging may find a remedy: another try later,
    // corrected input or a patched plugin (a changed step, kept in the plan so a resumed run uses it).
    // A budget reached (here or by self-debugging's LLM calls) ends the run: no remedy, no onError.
    let remedy = err instanceof BudgetExceeded || retriesLeft(step, attempt, retryable) ? undefined : await this.diagnose(run, s, input, error, err)
    if (abort.signal.aborted) throw abort.signal.reason
    const overBudget = err instanceof BudgetExceeded || remedy instanceof BudgetExceeded
    if (remedy instanceof BudgetExceeded) {
      error = toError(remedy)
      remedy = undefined
    }
    const decision: ReturnType<typeof decideAfterFailure> = overBudget ? { kind: 'fail' } : decideAfterFailure({ step, attempt, retryable, remedy, next: nextStepId(progress.plan, s.i) })
    if (remedy !== undefined) this.diagnosed(run, s, remedy, remedy.rejected === true ? 'rejected' : decision.kind === 'remedy' ? 'pending' : 'not-applied')

    if (decision.kind === 'retry' || decision.kind === 'remedy') {
      let planJson: string | undefined
      if (decision.kind === 'remedy' && decision.step !== undefined) {
        s.step = decision.step
        planJson = progress.replace(s.i, decision.step)
      }
      s.entry = { ...s.entry, status: 'running', attempts: attempt, idempotencyKey, error }
      steps[s.entryIndex] = s.entry
      this.opts.metrics.stepRetries.inc({ type: step.type })
      if (decision.kind === 'retry') {
        record.emit('step.retrying', { attempt, error, delayMs: decision.delayMs }, step.id)
        await record.write({ steps })
      } else {
        await record.write({ steps, diagnoses, ...(planJson === undefined ? {} : { planJson }) })
      }
      await sleep(decision.delayMs, abort.signal)
      s.attempt++
      return 'again'
    }

    const endedAt = new Date()
    s.entry = { ...s.entry, status: 'failed', attempts: attempt, idempotencyKey, error, endedAt, durationMs: endedAt.getTime() - s.entry.startedAt.getTime() }
    steps[s.entryIndex] = s.entry
    this.stepEnded(s.entry)
    record.emit('step.failed', { attempt, error }, step.id)
    if (decision.kind === 'continue') {
      progress.outputs[step.id] = { output: null, error }
      await record.write({ steps, cursor: decision.next, diagnoses })
      return { next: decision.next }
    }
    return { failed: { ...error, stepId: step.id } }
  }

  private stepEnded (entry: StepRunDoc): void {
    if (entry.durationMs !== undefined) this.opts.metrics.stepDuration.observe({ type: entry.type, status: entry.status }, entry.durationMs / 1000)
  }

  /**
   * Self-debugging's remedy for a step that failed for good, if it has one (its own failure is
   * only logged), or the budget error that stops the run. A proposal it rejected before trying
   * it is a round of its own: recorded (durably, so a resumed run is not asked it again) before
   * self-debugging is asked again with it among the step's earlier diagnoses, until it proposes
   * something or stops.
   */
  private async diagnose (run: RunContext, s: StepRun, input: unknown, error: ExecutionError, cause: unknown): Promise<Remedy | BudgetExceeded | undefined> {
    const { doc, progress, record, abort } = run
    const { step } = s
    for (let asked = 1; ; asked++) {
      const remedy = await this.opts.debugger?.diagnose({
        executionId: doc._id, ownerId: doc.ownerId, step, input, error, cause, attempt: s.attempt, signal: abort.signal, budget: run.meter,
        // A run retried by hand (POST /retry) starts with fresh bounds.
        previous: progress.diagnoses.filter(d => d.stepId === step.id && d.executionAttempt === doc.attempt),
        recordUsage: usage => record.recordUsage(usage)
      }).catch((err: unknown) => {
        if (err instanceof BudgetExceeded) return err
        s.log.warn(logError(err), 'self-debugging failed')
        return undefined
      })
      if (remedy instanceof BudgetExceeded || remedy?.rejected !== true || asked >= MAX_REJECTED_ROUNDS || abort.signal.aborted) return remedy
      this.diagnosed(run, s, remedy, 'rejected')
      // (The attempt is recorded as failed: a resumed run tries the step once more, then goes on with the next round.)
      s.entry = { ...s.entry, error }
      progress.steps[s.entryIndex] = s.entry
      await record.write({ steps: progress.steps, diagnoses: progress.diagnoses }, 'run.diagnosis')
    }
  }

  /** The budget error that keeps the run from starting this step (its step runs or wall time spent), if any. */
  private overBudget (run: RunContext, step: WorkflowStep): (ExecutionError & { stepId: string }) | undefined {
    const last = run.progress.steps.at(-1)
    // A step resumed (after a crash or a wait) was counted when it started.
    const resuming = last?.stepId === step.id && (last.status === 'running' || last.status === 'waiting')
    try {
      checkStepBudget(run.record.state, resuming)
      return undefined
    } catch (err) {
      if (!(err instanceof BudgetExceeded)) throw err
      return { ...toError(err), stepId: step.id }
    }
  }

  /** Adds a diagnosis to the run's record (with the next write) and its step.diagnosed event. */
  private diagnosed (run: RunContext, s: StepRun, remedy: Remedy, outcome: Diagnosis['outcome']): void {
    const diagnosis: Diagnosis = { ...remedy.diagnosis, stepId: s.step.id, attempt: s.attempt, executionAttempt: run.doc.attempt, outcome, at: new Date().toISOString() }
    run.progress.diagnoses.push(diagnosis)
    run.record.emit('step.diagnosed', { ...diagnosis }, s.step.id)
    if (outcome !== 'pending') this.opts.metrics.settled(diagnosis)
  }

  /** Records why a run stopped early; true when it stopped on an unexpected failure and should be resumed. */
  private async stopped (
    err: unknown, id: string, lease: Lease, steps: StepRunDoc[], record: RunRecord
  ): Promise<boolean> {
    const reason = err instanceof Stop ? err.reason : undefined
    try {
      if (reason === 'cancelled') {
        const last = steps.at(-1)
        if (last?.status === 'running' || last?.status === 'waiting') steps[steps.length - 1] = { ...last, status: 'cancelled', endedAt: new Date() }
        const error = { message: 'cancelled on request', code: 'R3SN_CANCELLED' }
        await record.end({ status: 'cancelled', steps, error }, { error })
      } else if (reason === 'shutdown') {
        this.opts.metrics.runsStopped.inc({ reason })
        // Leave it resumable: another instance may take it over at once.
        await this.store.release(id, lease.epoch)
      } else if (reason !== 'fenced') {
        this.opts.metrics.runsStopped.inc({ reason: 'failure' })
        this.log.error({ ...logError(err), executionId: id }, 'execution runner failed; it resumes from its record')
        return true
      } else {
        this.opts.metrics.runsStopped.inc({ reason })
      }
      return false
    } catch (inner) {
      if (inner instanceof Stop) return false
      this.log.error({ ...logError(inner), executionId: id, epoch: lease.epoch }, 'could not record the end of a run')
      return reason !== 'shutdown'
    }
  }

  /** Checks for cancellation and a newer lease (liveness is the instance's heartbeat, not the run's). */
  private startHeartbeat (id: string, lease: Lease, abort: AbortController): NodeJS.Timeout {
    let busy = false
    const beat = async () => {
      const current = await this.store.control(id)
      if (current === null || current.epoch !== lease.epoch) { abort.abort(new Stop('fenced')); return }
      if (current.cancelRequested) abort.abort(new Stop('cancelled'))
    }
    return setInterval(() => {
      if (busy || abort.signal.aborted) return
      busy = true
      beat().catch(err => this.warnings.warn({ err, executionId: id }, 'heartbeat failed')).finally(() => { busy = false })
    }, this.opts.heartbeatMs).unref()
  }
}
