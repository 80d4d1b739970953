import type { FastifyBaseLogger } from 'fastify'
import type { WorkflowStep } from '../../schemas/workflows.js'
import type { Diagnosis, ExecutionError, Waiting } from '../../schemas/executions.js'
import type { Owner } from '../../lib/mongo.js'
import type { FieldProblem } from './input-check.js'
import type { TokenUsage } from '../../plugins/llm.js'
import type { BudgetMeter } from './budget.js'

// Defined below the engines, where the plugins that fail steps (llm, sandbox) reach them too.
export { StepError } from '../../lib/step-error.js'
export type { TokenUsage }

export interface StepContext {
  executionId: string
  ownerId: string
  /** How deep the run is nested as a child execution (0: no parent). */
  depth: number
  step: WorkflowStep
  /** The step's input with its expressions resolved. */
  input: unknown
  /** What expressions see: { trigger, steps: { <id>: { output } }, execution }. */
  scope: Record<string, unknown>
  attempt: number
  /** executionId:stepId:attempt, for downstream de-duplication of side effects. */
  idempotencyKey: string
  /** Aborted on cancellation, timeout or loss of the lease. */
  signal: AbortSignal
  /** Bound to { executionId, stepId, attempt }. */
  log: FastifyBaseLogger
  /** Appends an event to the execution's durable log (e.g. an LLM call or an agent turn). */
  emit (type: string, data: Record<string, unknown>): Promise<void>
  /** Adds an LLM call's token counts to the execution. */
  recordUsage (usage: TokenUsage): Promise<void>
  /** A step that suspended its run (see Wait) and is run again on waking: what it recorded then. */
  waiting?: Waiting
  /** The run's budget: check it before an LLM call or a sandbox run (absent in contexts outside a run). */
  budget?: BudgetMeter
}

/**
 * What a step returns to add steps to its run right after itself (a prompt's plan, an
 * agent's tool calls and next turn). The new steps are persisted with the step's
 * result, so a resumed run follows them; the last one inherits the step's `next`.
 */
export class Expand {
  constructor (readonly output: unknown, readonly steps: WorkflowStep[]) {}
}

/**
 * What a step returns to suspend its run durably (a wait, an approval): the runner records the
 * step as waiting for this, lets go of the run (no lease holder, no worker slot, no memory) and
 * ends its part. Any instance claims the run again once `until` passed or the run is woken
 * (ExecutionStore.wake: a signal, a decision, a cancel request), and runs the step again with
 * `ctx.waiting` set to this.
 */
export class Wait {
  /** `recorded` runs once the wait is recorded (an approval tells its approvers then, so they find it waiting). */
  constructor (readonly waiting: Waiting, readonly recorded?: () => Promise<void>) {}
}

/**
 * What a waiting step returns once its wait is over: its output, the step the run goes on at
 * (default the next one), and what to do once the output is recorded (consume the signal).
 */
export class WaitOver {
  constructor (readonly output: unknown, readonly opts: { next?: string, consumed?: () => Promise<void> } = {}) {}
}

/** A problem with a step's definition: what is wrong, and the input fields it concerns (JSON pointers into the step's input). */
export interface StepProblem { message: string, fields?: FieldProblem[] }

export interface StepHandler {
  /** A step that may touch the outside world has its start persisted before it runs. */
  sideEffects: boolean
  /** The step waits (see Wait): its timeoutMs bounds the wait, not an attempt. */
  waits?: boolean
  /** A problem with the step's definition, found at validation time, or undefined. */
  validate? (step: WorkflowStep): string | StepProblem | undefined
  /** A problem only the owner's data shows (e.g. a plugin's manifest), found when a workflow is saved (`workflowId`: the one updated), or undefined. */
  check? (owner: Owner, step: WorkflowStep, context?: { workflowId?: string }): Promise<string | StepProblem | undefined>
  run (ctx: StepContext): Promise<unknown>
}

/** The one registry of step handlers; engines fill it in (integration now; agent and plugin later). */
export class StepRegistry {
  private readonly handlers = new Map<string, StepHandler>()

  register (type: string, handler: StepHandler): void {
    if (this.handlers.has(type)) throw new Error(`step type ${type} is registered twice`)
    this.handlers.set(type, handler)
  }

  get (type: string): StepHandler | undefined {
    return this.handlers.get(type)
  }

  types (): string[] {
    return [...this.handlers.keys()].sort()
  }
}

/** A step that failed for good (its own retries spent), as self-debugging sees it. */
export interface StepFailure {
  executionId: string
  ownerId: string
  step: WorkflowStep
  /** The input the failed attempt ran with (undefined when resolving it failed). */
  input: unknown
  error: ExecutionError
  cause: unknown
  attempt: number
  /** What self-debugging already did for this step in this run (a remedy that failed again says so in its outcome and feedback). */
  previous: Diagnosis[]
  signal: AbortSignal
  /** The run's budget: checked before each LLM call (a BudgetExceeded thrown ends the run). */
  budget?: BudgetMeter
  /** Adds an LLM call's token counts to the execution. */
  recordUsage (usage: TokenUsage): Promise<void>
}

export interface Remedy {
  diagnosis: Pick<Diagnosis, 'class' | 'evidence' | 'action' | 'detail'> & Partial<Pick<Diagnosis, 'round' | 'feedback' | 'proposal' | 'proposalHash' | 'repairKey' | 'pluginVersion' | 'learned' | 'tokens'>>
  /** Try again after delayMs, with this step instead of the failed one when given. */
  retry?: { delayMs: number, step?: WorkflowStep }
  /**
   * The proposal was refused before it was tried (outcome rejected): the runner records it,
   * then asks again at once, with it in `previous` (self-debugging says when its rounds are spent).
   */
  rejected?: true
}

export interface StepDebugger {
  diagnose (failure: StepFailure): Promise<Remedy | undefined>
  /** The step succeeded with these remedies (outcome recovered, in the run's record already): what worked, to try first next time. */
  recovered? (ownerId: string, diagnoses: Diagnosis[]): Promise<void>
}
