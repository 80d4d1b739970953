import type { Waiting } from '../../schemas/executions.js'
import { MAX_ATTEMPT_MS, type WorkflowStep } from '../../schemas/workflows.js'
import type { Owner } from '../../lib/mongo.js'
import { compileError, evaluate } from './expressions.js'
import { StepError, Wait, WaitOver, type StepHandler } from './steps.js'
import type { ExecutionStore } from './store.js'

/** The name an approval step's decision is kept under as a signal (user signal names have no ':'). */
export const approvalSignal = (stepId: string): string => `approval:${stepId}`

/** An approval step's decision: its output, and the data of its approval.decided event. */
export interface ApprovalDecision { decision: 'approve' | 'reject', by: string, comment?: string, at: string }

/** What an approval step tells each approver. */
export interface ApprovalRequest { executionId: string, ownerId: string, step: WorkflowStep, approvers: string[], until?: string, /** The step attempt's idempotency key: one request per attempt. */ key: string }

const WAIT_FIELDS = ['until', 'forMs', 'signal', 'onTimeout', 'approvers', 'message'] as const

/** Fields only wait and approval steps have, and a timeoutMs an attempt may not have: for every other step. */
export function waitFieldProblem (step: WorkflowStep, waits: boolean): string | undefined {
  if (waits) return undefined
  const field = WAIT_FIELDS.find(f => step[f] !== undefined)
  if (field !== undefined) return `${field} is only for ${field === 'approvers' || field === 'message' ? 'approval' : 'wait'} steps`
  if (step.timeoutMs !== undefined && step.timeoutMs > MAX_ATTEMPT_MS) return `timeoutMs is at most ${MAX_ATTEMPT_MS} (an hour) per attempt; only wait and approval steps wait longer`
  return undefined
}

function timeoutProblem (step: WorkflowStep): string | undefined {
  if (step.onTimeout !== undefined && step.timeoutMs === undefined) return 'onTimeout needs a timeoutMs'
  return undefined
}

/** The timeout of a signal wait or an approval, from now. */
function deadline (step: WorkflowStep): string | undefined {
  return step.timeoutMs === undefined ? undefined : new Date(Date.now() + step.timeoutMs).toISOString()
}

const due = (until: string | undefined): boolean => until !== undefined && Date.parse(until) <= Date.now()

/** A signal wait or an approval that timed out: the onTimeout branch (output {timedOut, until}), or the step fails. */
function timedOut (step: WorkflowStep, until: string, what: string): WaitOver {
  if (step.onTimeout === undefined || step.onTimeout === 'fail') {
    throw new StepError(`step "${step.id}" timed out at ${until} waiting for ${what}`, 'R3SN_WAIT_TIMEOUT', false, { until })
  }
  return new WaitOver({ timedOut: true, until }, { next: step.onTimeout })
}

/** The time a timed wait waits until: `until` (a date-time, or an expression giving one or epoch ms), or now + forMs. */
async function untilOf (step: WorkflowStep, scope: unknown): Promise<string> {
  if (step.until === undefined) return new Date(Date.now() + (step.forMs ?? 0)).toISOString()
  let value: unknown = step.until
  if (step.until.startsWith('=')) {
    try {
      value = await evaluate(step.until.slice(1), scope)
    } catch (err) {
      throw new StepError(`JSONata: ${(err as Error).message}`, 'R3SN_EXPRESSION_FAILED', false)
    }
  }
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new StepError(`until gave ${JSON.stringify(value) ?? 'nothing'}, not a date-time or epoch milliseconds`, 'R3SN_BAD_WAIT', false)
  return new Date(ms).toISOString()
}

/**
 * `wait`: until a time (`until`, `forMs`) or for a signal (`signal`, with `timeoutMs` and
 * `onTimeout`). Suspends the run (see Wait); woken, it is run again with what it recorded, so
 * its deadline is the one computed when it first got there.
 */
export function waitStep (store: ExecutionStore): StepHandler {
  return {
    sideEffects: false,
    waits: true,
    validate: step => {
      const timed = step.until !== undefined || step.forMs !== undefined
      if (step.until !== undefined && step.forMs !== undefined) return 'until and forMs exclude each other: give one'
      if (timed === (step.signal !== undefined)) return 'a wait step waits for a time (until or forMs) or for a signal: give exactly one'
      if (timed && (step.timeoutMs !== undefined || step.onTimeout !== undefined)) return 'timeoutMs and onTimeout are for signal waits (a timed wait ends at its time)'
      if (step.approvers !== undefined || step.message !== undefined) return 'approvers and message are for approval steps'
      if (step.until !== undefined) {
        if (step.until.startsWith('=')) {
          const err = compileError(step.until.slice(1))
          if (err !== undefined) return `bad JSONata expression in until "${step.until}": ${err}`
        } else if (Number.isNaN(Date.parse(step.until))) {
          return `until "${step.until}" is not an ISO 8601 date-time (or an expression after "=")`
        }
      }
      return timeoutProblem(step)
    },
    run: async ({ executionId, step, scope, waiting }) => {
      if (step.signal === undefined) {
        const until = waiting?.until ?? await untilOf(step, scope)
        return due(until) ? new WaitOver({ waitedUntil: until }) : new Wait({ until })
      }
      const name = step.signal
      const signal = await store.signal(executionId, name)
      if (signal !== null) return new WaitOver(signal.payload, { consumed: () => store.consumeSignal(executionId, name) })
      const until = waiting === undefined ? deadline(step) : waiting.until
      if (until !== undefined && due(until)) return timedOut(step, until, `signal "${name}"`)
      return new Wait({ signal: name, ...(until === undefined ? {} : { until }) })
    }
  }
}

/**
 * `approval`: records who may decide (default the run's owner), tells them once the wait is
 * recorded, and waits for a decision (POST /api/executions/:id/approvals/:stepId, kept as the
 * signal approval:<stepId>). Approve: the output is the decision; reject: the step fails with
 * R3SN_APPROVAL_REJECTED (onError applies, as to any failure).
 */
export function approvalStep (store: ExecutionStore, ask: (request: ApprovalRequest) => Promise<void>): StepHandler {
  return {
    sideEffects: false,
    waits: true,
    validate: step => {
      if (step.until !== undefined || step.forMs !== undefined || step.signal !== undefined) return 'until, forMs and signal are for wait steps (an approval waits for a decision, up to timeoutMs)'
      return timeoutProblem(step)
    },
    run: async ({ executionId, ownerId, step, waiting, idempotencyKey }) => {
      const name = approvalSignal(step.id)
      const decided = await store.signal(executionId, name)
      if (decided !== null) {
        const d = decided.payload as ApprovalDecision
        if (d.decision === 'reject') {
          // (Taken first: a retry of the run asks again rather than meets the same rejection.)
          await store.consumeSignal(executionId, name)
          throw new StepError(`rejected by ${d.by}${d.comment === undefined ? '' : `: ${d.comment}`}`, 'R3SN_APPROVAL_REJECTED', false, d)
        }
        return new WaitOver(d, { consumed: () => store.consumeSignal(executionId, name) })
      }
      const until = waiting === undefined ? deadline(step) : waiting.until
      if (until !== undefined && due(until)) return timedOut(step, until, 'a decision')
      const approvers = waiting?.approvers ?? step.approvers ?? [ownerId]
      const asked: Waiting = { signal: name, approvers, ...(until === undefined ? {} : { until }), ...(step.message === undefined ? {} : { message: step.message }) }
      // Asked once, when the step first waits (woken without a decision, it waits on quietly).
      return new Wait(asked, waiting === undefined ? () => ask({ executionId, ownerId, step, approvers, key: idempotencyKey, ...(until === undefined ? {} : { until }) }) : undefined)
    }
  }
}

/** Who may decide an approval step of a run: as recorded when it waits, else as planned. */
export function approversOf (step: WorkflowStep | undefined, waiting: Waiting | undefined, owner: Owner | { id: string }): string[] {
  return waiting?.approvers ?? step?.approvers ?? [owner.id]
}
