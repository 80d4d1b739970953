import type { RetryPolicy, WorkflowStep } from '../../schemas/workflows.js'
import { gotoTarget } from './definition.js'
import { StepError, type Remedy } from './steps.js'

/** The wait before the attempt after `failedAttempt` (1-based): fixed, or doubling up to maxDelayMs. */
export function backoffDelay (retry: RetryPolicy | undefined, failedAttempt: number): number {
  const initial = retry?.initialDelayMs ?? 1000
  if (retry?.backoff !== 'exponential') return initial
  return Math.min(initial * 2 ** (failedAttempt - 1), retry.maxDelayMs ?? 60_000)
}

/** Whether another attempt may help: anything but a StepError thrown with `retryable: false`. */
export function isRetryable (err: unknown): boolean {
  return !(err instanceof StepError && !err.retryable)
}

/** Whether the step's own retry policy (default: one attempt) allows another attempt. */
export function retriesLeft (step: WorkflowStep, attempt: number, retryable: boolean): boolean {
  return retryable && attempt < (step.retry?.maxAttempts ?? 1)
}

/** What is known when an attempt of a step failed. */
export interface FailedAttempt {
  /** The step as it ran: its retry policy and onError. */
  step: WorkflowStep
  /** The attempt that failed, from 1. */
  attempt: number
  /** See isRetryable. */
  retryable: boolean
  /**
   * What self-debugging proposed. It is asked only once the step's own retries are spent
   * (retriesLeft is false), and may answer nothing.
   */
  remedy?: Remedy
  /** The step after this one in the plan (null: the end), where `onError: continue` goes. */
  next: string | null
}

export type FailureDecision =
  /** Another attempt after delayMs (the step's retry policy). */
  | { kind: 'retry', delayMs: number }
  /** Another attempt after delayMs that self-debugging proposed, on a changed step when given. */
  | { kind: 'remedy', delayMs: number, step?: WorkflowStep }
  /** The step failed for good and the run goes on at `next` (onError continue, or goto:<next>). */
  | { kind: 'continue', next: string | null }
  /** The step failed for good, and so does the run. */
  | { kind: 'fail' }

/**
 * What the runner does after a failed attempt, in this order: the step's own retry policy,
 * then a remedy from self-debugging, then the step's onError (continue or goto), else the
 * run fails. Pure: the runner records and carries out what it returns.
 */
export function decideAfterFailure (failed: FailedAttempt): FailureDecision {
  const { step, attempt, retryable, remedy } = failed
  if (retriesLeft(step, attempt, retryable)) return { kind: 'retry', delayMs: backoffDelay(step.retry, attempt) }
  if (remedy?.retry !== undefined) {
    const { delayMs, step: changed } = remedy.retry
    return changed === undefined ? { kind: 'remedy', delayMs } : { kind: 'remedy', delayMs, step: changed }
  }
  const target = gotoTarget(step.onError)
  if (target !== undefined) return { kind: 'continue', next: target }
  if (step.onError === 'continue') return { kind: 'continue', next: failed.next }
  return { kind: 'fail' }
}
