import type { FastifyBaseLogger } from 'fastify'
import { isTransientDbError } from '../../lib/errors.js'
import type { RunEventBus } from '../../lib/run-events.js'
import type { ExecutionError } from '../../schemas/executions.js'
import type { RetryPolicy } from '../../schemas/workflows.js'
import { gotoTarget, nextStepId } from './definition.js'
import { resolveInput } from './expressions.js'
import { Expand, StepError, type StepDebugger, type StepRegistry, type TokenUsage } from './steps.js'
import type { Diagnosis } from '../../schemas/executions.js'
import type { WorkflowStep } from '../../schemas/workflows.js'
import { decodeJson, encodeJson, planOf, queuedEventData, type ExecutionDoc, type ExecutionStore, type Lease, type NewEvent, type StepRunDoc } from './store.js'

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
async function record<T> (write: () => Promise<T>): Promise<T> {
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
}

export function backoffDelay (retry: RetryPolicy | undefined, failedAttempt: number): number {
  const initial = retry?.initialDelayMs ?? 1000
  if (retry?.backoff !== 'exponential') return initial
  return Math.min(initial * 2 ** (failedAttempt - 1), retry.maxDelayMs ?? 60_000)
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
async function withTimeout<T> (fn: (signal: AbortSignal) => Promise<T>, timeoutMs: number | undefined, parent: AbortSignal): Promise<T> {
  const controller = new AbortController()
  const onParentAbort = () => controller.abort(parent.reason)
  parent.addEventListener('abort', onParentAbort, { once: true })
  const timer = timeoutMs === undefined
    ? undefined
    : setTimeout(() => controller.abort(new StepError(`step timed out after ${timeoutMs} ms`, 'R3SN_STEP_TIMEOUT')), timeoutMs)
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

/** A run that records nothing for this long records what it has at the next step, even if pure. */
const MAX_UNRECORDED_MS = 200

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
  constructor (
    private readonly store: ExecutionStore,
    private readonly bus: RunEventBus,
    private readonly registry: StepRegistry,
    private readonly log: FastifyBaseLogger,
    private readonly opts: RunnerOptions
  ) {}

  /** Resolves true when the run stopped on an unexpected failure (the database, a bug) and should be resumed. */
  async run (doc: ExecutionDoc, lease: Lease, abort: AbortController, resumed: boolean): Promise<boolean> {
    const id = doc._id
    // The run as it is now (recorded by the next write), and its events not stored yet.
    const state: ExecutionDoc = { ...doc, lease, holder: lease.owner }
    // (A run held for a slot here is still 'queued' in its record: the first write says it runs.)
    let written = false
    const log: { seq: number, pending: NewEvent[] } = { seq: doc.eventSeq, pending: [] }
    let recordedAt = Date.now()
    /** Queues an event: it is stored (and published) after the record it follows. */
    const emit = (type: string, data: Record<string, unknown> = {}, stepId?: string) => {
      log.pending.push({ type, data, ...(stepId === undefined ? {} : { stepId }) })
    }
    const flushEvents = async () => {
      if (log.pending.length > 0) await record(() => this.store.appendEvents(doc, log))
      state.eventSeq = log.seq
    }
    /** Keeps a change for the next write. */
    const change = (update: Partial<ExecutionDoc>) => { Object.assign(state, update) }
    /** Records the run with every change so far, then stores the events queued so far. */
    const write = async (update: Partial<ExecutionDoc> = {}, name = 'run') => {
      change(update)
      if (!await record(() => this.store.recordRun({ ...state, eventSeq: log.seq }, lease.epoch, name))) throw new Stop('fenced')
      written = true
      recordedAt = Date.now()
      await flushEvents()
    }

    const heartbeat = this.startHeartbeat(id, lease, abort)
    const plan = planOf(doc)
    let index = new Map(plan.map((s, i) => [s.id, i]))
    const steps: StepRunDoc[] = [...doc.steps]
    const diagnoses: Diagnosis[] = [...(doc.diagnoses ?? [])]
    state.steps = steps
    state.diagnoses = diagnoses
    /** Settles what self-debugging is still waiting to hear about this step. */
    const settle = (stepId: string, outcome: 'recovered' | 'failed') => {
      for (const [k, d] of diagnoses.entries()) if (d.stepId === stepId && d.outcome === 'pending') diagnoses[k] = { ...d, outcome }
    }
    // A step that failed and let the run go on (onError continue/goto) shows its error to later steps.
    // No prototype: step ids are user input.
    const outputs: Record<string, { output: unknown, error?: ExecutionError }> = Object.create(null) as Record<string, { output: unknown, error?: ExecutionError }>
    let lastOutput: unknown
    for (const s of steps) {
      if (s.status === 'completed') { outputs[s.stepId] = { output: decodeJson(s.outputJson) }; lastOutput = outputs[s.stepId]?.output }
      if (s.status === 'failed') outputs[s.stepId] = { output: null, ...(s.error === undefined ? {} : { error: s.error }) }
    }
    const recordUsage = async (usage: TokenUsage) => {
      const used = state.usage
      await write({ usage: { calls: used.calls + 1, promptTokens: used.promptTokens + usage.promptTokens, completionTokens: used.completionTokens + usage.completionTokens } }, 'run.usage')
    }
    /** Splices a step's new steps in after it; returns the plan text to persist. */
    const expand = (i: number, step: WorkflowStep, added: WorkflowStep[]): string => {
      const taken = added.find(a => index.has(a.id))
      if (taken !== undefined) throw new StepError(`step "${step.id}" added a step "${taken.id}" that already exists (an agent or prompt step inside a loop is not supported)`, 'R3SN_RUN_ABORTED', false)
      const last = added.at(-1) as WorkflowStep
      if (step.next !== undefined && last.next === undefined) added[added.length - 1] = { ...last, next: step.next }
      plan.splice(i + 1, 0, ...added)
      index = new Map(plan.map((s, k) => [s.id, k]))
      return JSON.stringify(plan)
    }
    const scope = { trigger: decodeJson(doc.triggerJson), steps: outputs, execution: { id, workflowId: doc.workflowId, attempt: doc.attempt } }
    const startedAt = doc.startTime ?? new Date()
    if (doc.status !== 'running') change({ status: 'running', startTime: startedAt })
    /**
     * Records the end of the run, then its final event, then it leaves the open runs: a crash
     * in between leaves an ended run open, which the sweep (or a takeover) completes.
     */
    const end = async (extra: Partial<ExecutionDoc> & { status: 'completed' | 'failed' | 'cancelled' }, data: Record<string, unknown>) => {
      const endTime = new Date()
      emit(`execution.${extra.status}`, data)
      change({ ...extra, holder: null, endTime, executionTime: endTime.getTime() - startedAt.getTime() })
      // A run that wrote nothing yet (pure steps only, the common fast case) goes straight to
      // the history, its events after, and leaves the open runs last: three writes that the
      // group commits share among every run ending at the same time.
      if (!written && await record(() => this.store.finish({ ...state, eventSeq: log.seq }))) {
        await flushEvents()
        await record(() => this.store.forget(id))
      } else if (!written && await record(() => this.store.closeFinished(state))) {
        // Another holder of this attempt ended it first.
        throw new Stop('fenced')
      } else {
        await write({}, 'run.end')
        this.store.archive(state)
      }
      ended = state
    }
    let ended: ExecutionDoc | undefined

    try {
      // A run created held by its instance has no first event yet (see ExecutionStore.create).
      if (log.seq === 0 && !resumed && doc.holder !== null && doc.lease?.epoch === 1 && doc.lease.owner === lease.owner) emit('execution.queued', queuedEventData(doc))
      emit(resumed ? 'execution.resumed' : 'execution.started', { attempt: doc.attempt, epoch: lease.epoch, instance: this.opts.instanceId })
      // (A run held here for a slot may have been asked to stop on another instance meanwhile.)
      if (doc.cancelRequested || (doc.status === 'queued' && (await this.store.control(id))?.cancelRequested === true)) throw new Stop('cancelled')
      let cursor = doc.cursor
      let stepRuns = 0
      while (cursor !== null) {
        if (abort.signal.aborted) throw abort.signal.reason
        const i = index.get(cursor)
        const found = i === undefined ? undefined : plan[i]
        const handler = found === undefined ? undefined : this.registry.get(found.type)
        if (i === undefined || found === undefined || handler === undefined || ++stepRuns > this.opts.maxStepRuns) {
          const error = { message: stepRuns > this.opts.maxStepRuns ? `stopped after ${this.opts.maxStepRuns} step runs (a loop that does not end?)` : `cannot run step "${cursor}"`, code: 'R3SN_RUN_ABORTED', stepId: cursor }
          await end({ status: 'failed', error }, { error })
          return false
        }
        // Self-debugging may replace the step (corrected input, patched plugin version) for its next attempts.
        let step: WorkflowStep = found

        // A step left running by a crash resumes with the same attempt number, so its idempotency key repeats.
        const last = steps.at(-1)
        const resuming = last !== undefined && last.stepId === step.id && last.status === 'running'
        const entryIndex = resuming ? steps.length - 1 : steps.length
        const earlierAttempts = steps.slice(0, entryIndex).filter(s => s.stepId === step.id).reduce((n, s) => n + s.attempts, 0)
        let entry: StepRunDoc = resuming ? last : { stepId: step.id, type: step.type, status: 'running', attempts: 0, idempotencyKey: '', startedAt: new Date() }
        // (One that was waiting to retry after a failure goes on with the next attempt.)
        let attempt = resuming && last.attempts > 0 && last.error === undefined ? last.attempts : entry.attempts + 1
        const maxAttempts = step.retry?.maxAttempts ?? 1

        for (;;) {
          const idempotencyKey = `${id}:${step.id}:${earlierAttempts + attempt}`
          const attemptStart = Date.now()
          let input: unknown
          try {
            input = await resolveInput(step.input, scope)
            entry = { ...entry, status: 'running', attempts: attempt, idempotencyKey, ...(input === undefined ? {} : { inputJson: encodeJson(input) }) }
            steps[entryIndex] = entry
            if (handler.sideEffects) {
              emit('step.started', { attempt, idempotencyKey }, step.id)
              await write({ steps })
            }
            const running = step
            // Tokens are counted on the execution at once, and on the step's entry with its next write.
            const countTokens = async (usage: TokenUsage) => {
              entry = { ...entry, tokens: (entry.tokens ?? 0) + usage.promptTokens + usage.completionTokens }
              await recordUsage(usage)
            }
            let output = await withTimeout(signal => handler.run({
              executionId: id, ownerId: doc.ownerId, step: running, input, scope, attempt, idempotencyKey, signal, log: this.log,
              emit: async (type, data) => { emit(type, data, running.id); await flushEvents() }, recordUsage: countTokens
            }), running.timeoutMs, abort.signal)
            let planJson: string | undefined
            if (output instanceof Expand) {
              if (output.steps.length > 0) planJson = expand(i, step, [...output.steps])
              output = output.output
            }

            const endedAt = new Date()
            entry = { ...entry, status: 'completed', outputJson: encodeJson(output), endedAt, durationMs: endedAt.getTime() - entry.startedAt.getTime() }
            delete entry.error
            steps[entryIndex] = entry
            settle(step.id, 'recovered')
            const next = step.type === 'condition'
              ? (output === true ? step.then : step.else) ?? nextStepId(plan, i)
              : planJson !== undefined ? (plan[i + 1] as WorkflowStep).id : nextStepId(plan, i)
            emit('step.completed', { attempt, output, durationMs: Date.now() - attemptStart }, step.id)
            const completed = { steps, cursor: next, diagnoses, ...(planJson === undefined ? {} : { planJson }) }
            if (handler.sideEffects || Date.now() - recordedAt >= MAX_UNRECORDED_MS) await write(completed)
            else change(completed)
            outputs[step.id] = { output }
            lastOutput = output
            cursor = next
            break
          } catch (err) {
            if (err instanceof Stop || err instanceof RecordFailed) throw err
            if (abort.signal.aborted) throw abort.signal.reason
            const error = toError(err)
            const retryable = !(err instanceof StepError && !err.retryable)
            if (retryable && attempt < maxAttempts) {
              const delayMs = backoffDelay(step.retry, attempt)
              entry = { ...entry, status: 'running', attempts: attempt, idempotencyKey, error }
              steps[entryIndex] = entry
              emit('step.retrying', { attempt, error, delayMs }, step.id)
              await write({ steps })
              await sleep(delayMs, abort.signal)
              attempt++
              continue
            }
            // Before the failure is final, self-debugging may find a remedy: another try later,
            // corrected input or a patched plugin (a changed step, kept in the plan so a resumed run uses it).
            const remedy = this.opts.debugger === undefined
              ? undefined
              : await this.opts.debugger.diagnose({
                executionId: id, ownerId: doc.ownerId, step, input, error, cause: err, attempt, signal: abort.signal,
                // A run retried by hand (POST /retry) starts with fresh bounds.
                previous: diagnoses.filter(d => d.stepId === step.id && d.executionAttempt === doc.attempt)
              }).catch((e: unknown) => { this.log.warn({ err: e, executionId: id }, 'self-debugging failed'); return undefined })
            if (abort.signal.aborted) throw abort.signal.reason
            if (remedy !== undefined) {
              const diagnosis: Diagnosis = { ...remedy.diagnosis, stepId: step.id, attempt, executionAttempt: doc.attempt, outcome: remedy.retry === undefined ? 'not-applied' : 'pending', at: new Date().toISOString() }
              diagnoses.push(diagnosis)
              emit('step.diagnosed', { ...diagnosis }, step.id)
              if (remedy.retry !== undefined) {
                let changedPlan: string | undefined
                if (remedy.retry.step !== undefined) {
                  step = remedy.retry.step
                  plan[i] = step
                  changedPlan = JSON.stringify(plan)
                }
                entry = { ...entry, status: 'running', attempts: attempt, idempotencyKey, error }
                steps[entryIndex] = entry
                await write({ steps, diagnoses, ...(changedPlan === undefined ? {} : { planJson: changedPlan }) })
                await sleep(remedy.retry.delayMs, abort.signal)
                attempt++
                continue
              }
            }
            settle(step.id, 'failed')
            const endedAt = new Date()
            entry = { ...entry, status: 'failed', attempts: attempt, idempotencyKey, error, endedAt, durationMs: endedAt.getTime() - entry.startedAt.getTime() }
            steps[entryIndex] = entry
            emit('step.failed', { attempt, error }, step.id)
            const target = gotoTarget(step.onError)
            if (step.onError === 'continue' || target !== undefined) {
              const next = target ?? nextStepId(plan, i)
              outputs[step.id] = { output: null, error }
              await write({ steps, cursor: next, diagnoses })
              cursor = next
              break
            }
            // The cursor stays on the failed step, so a retry resumes right here.
            const failure = { ...error, stepId: step.id }
            await end({ status: 'failed', steps, diagnoses, error: failure }, { error: failure })
            return false
          }
        }
      }
      await end({ status: 'completed', resultJson: encodeJson(lastOutput) }, { result: lastOutput })
      return false
    } catch (err) {
      return await this.stopped(err, id, lease, steps, end)
    } finally {
      clearInterval(heartbeat)
      if (ended !== undefined) await this.opts.onEnded?.(ended).catch((err: unknown) => this.log.warn({ err, executionId: id }, 'end hook failed'))
      this.bus.emit('ended', id, ended ?? null)
    }
  }

  /** Records why a run stopped early; true when it stopped on an unexpected failure and should be resumed. */
  private async stopped (
    err: unknown, id: string, lease: Lease, steps: StepRunDoc[],
    end: (extra: Partial<ExecutionDoc> & { status: 'cancelled' }, data: Record<string, unknown>) => Promise<void>
  ): Promise<boolean> {
    const reason = err instanceof Stop ? err.reason : undefined
    try {
      if (reason === 'cancelled') {
        const last = steps.at(-1)
        if (last?.status === 'running') steps[steps.length - 1] = { ...last, status: 'cancelled', endedAt: new Date() }
        const error = { message: 'cancelled on request', code: 'R3SN_CANCELLED' }
        await end({ status: 'cancelled', steps, error }, { error })
      } else if (reason === 'shutdown') {
        // Leave it resumable: another instance may take it over at once.
        await this.store.release(id, lease.epoch)
      } else if (reason !== 'fenced') {
        this.log.error({ err, executionId: id }, 'execution runner failed; it resumes from its record')
        return true
      }
      return false
    } catch (inner) {
      if (inner instanceof Stop) return false
      this.log.error({ err: inner, executionId: id, epoch: lease.epoch }, 'could not record the end of a run')
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
      beat().catch(err => this.log.warn({ err, executionId: id }, 'heartbeat failed')).finally(() => { busy = false })
    }, this.opts.heartbeatMs).unref()
  }
}
