/**
 * Errors a step handler throws on purpose; `retryable: false` skips the remaining attempts.
 * Thrown by engines and by the plugins steps call into (llm, sandbox, the egress checks).
 */
export class StepError extends Error {
  constructor (message: string, readonly code = 'STEP_FAILED', readonly retryable = true, readonly details?: unknown) {
    super(message)
    this.name = 'StepError'
  }
}
