import type { FastifyBaseLogger } from 'fastify'
import type { WorkflowStep } from '../../schemas/workflows.js'

export interface StepContext {
  executionId: string
  ownerId: string
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
  log: FastifyBaseLogger
}

export interface StepHandler {
  /** A step that may touch the outside world has its start persisted before it runs. */
  sideEffects: boolean
  /** A problem with the step's definition, found at validation time, or undefined. */
  validate? (step: WorkflowStep): string | undefined
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

/** Errors a step handler throws on purpose; `retryable: false` skips the remaining attempts. */
export class StepError extends Error {
  constructor (message: string, readonly code = 'STEP_FAILED', readonly retryable = true) {
    super(message)
    this.name = 'StepError'
  }
}
