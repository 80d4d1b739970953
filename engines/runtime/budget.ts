import type { Spend } from '../../schemas/executions.js'
import type { Budget } from '../../schemas/workflows.js'
import { StepError } from './steps.js'

export type BudgetKind = keyof Budget & string

const UNITS: Record<BudgetKind, string> = { llmTokens: 'LLM tokens', llmCalls: 'LLM calls', steps: 'step runs', sandboxCpuMs: 'ms of sandbox CPU', wallMs: 'ms of wall time' }

/**
 * A run reached one of its budgets: it fails for good with this error (neither retried, nor
 * repaired, nor passed over by onError), before the step or call that would go past the limit.
 */
export class BudgetExceeded extends StepError {
  constructor (readonly budget: BudgetKind, limit: number, spent: number) {
    super(`budget ${budget} exceeded: ${Math.round(spent)} of ${limit} ${UNITS[budget]} spent`, 'R3SN_BUDGET_EXCEEDED', false, { budget, limit, spent: Math.round(spent) })
    this.name = 'BudgetExceeded'
  }
}

/**
 * A run's budget, field by field: what the request gives, else its workflow's, else the
 * R3SN_BUDGET_* defaults. Undefined when no field is set anywhere (the run has no budget).
 */
export function effectiveBudget (...layers: (Budget | undefined)[]): Budget | undefined {
  const merged: Budget = {}
  for (const layer of layers.reverse()) Object.assign(merged, layer)
  return Object.keys(merged).length === 0 ? undefined : merged
}

/** What a run holds of budgets and spend: its record's fields. */
export interface Budgeted {
  budget?: Budget
  usage: { calls: number, promptTokens: number, completionTokens: number }
  /** Sandbox CPU ms spent (absent: none yet). */
  sandboxCpuMs?: number
  steps: { replayedFrom?: string }[]
  startTime: Date | null
  endTime: Date | null
}

/** What a run has spent of what budgets limit (its LLM calls and tokens are its usage). */
export function spendOf (run: Budgeted, now = Date.now()): Spend {
  return {
    steps: run.steps.filter(s => s.replayedFrom === undefined).length,
    sandboxCpuMs: run.sandboxCpuMs ?? 0,
    wallMs: run.startTime === null ? null : (run.endTime?.getTime() ?? now) - run.startTime.getTime()
  }
}

/**
 * Throws BudgetExceeded when the run may not start another step (its step runs or wall time are
 * spent); a step `resuming` (after a crash or a wait) was counted when it started.
 */
export function checkStepBudget (run: Budgeted, resuming = false): void {
  const { budget } = run
  if (budget === undefined) return
  const spent = spendOf(run)
  if (!resuming && budget.steps !== undefined && spent.steps >= budget.steps) throw new BudgetExceeded('steps', budget.steps, spent.steps)
  if (budget.wallMs !== undefined && spent.wallMs !== null && spent.wallMs >= budget.wallMs) throw new BudgetExceeded('wallMs', budget.wallMs, spent.wallMs)
}

/** Throws BudgetExceeded when the run may not make another LLM call. */
export function checkLlmBudget (run: Budgeted): void {
  const { budget, usage } = run
  if (budget === undefined) return
  if (budget.llmCalls !== undefined && usage.calls >= budget.llmCalls) throw new BudgetExceeded('llmCalls', budget.llmCalls, usage.calls)
  const tokens = usage.promptTokens + usage.completionTokens
  if (budget.llmTokens !== undefined && tokens >= budget.llmTokens) throw new BudgetExceeded('llmTokens', budget.llmTokens, tokens)
}

/** The sandbox CPU ms the run has left (undefined: no limit); throws BudgetExceeded when none is left. */
export function sandboxCpuLeft (run: Budgeted): number | undefined {
  const limit = run.budget?.sandboxCpuMs
  if (limit === undefined) return undefined
  const spent = run.sandboxCpuMs ?? 0
  if (spent >= limit) throw new BudgetExceeded('sandboxCpuMs', limit, spent)
  return limit - spent
}

/** How long the current step may still run before the wall-time budget ends (undefined: no limit). */
export function wallLeft (run: Budgeted): number | undefined {
  const limit = run.budget?.wallMs
  if (limit === undefined || run.startTime === null) return undefined
  return Math.max(0, limit - (Date.now() - run.startTime.getTime()))
}

/**
 * What a step handler sees of its run's budget (StepContext.budget): the checks to make before
 * an LLM call or a sandbox run, and where sandbox CPU is charged.
 */
export interface BudgetMeter {
  /** Throws BudgetExceeded when no LLM call may start. */
  beforeLlmCall (): void
  /** The sandbox CPU ms left (undefined: no limit); throws BudgetExceeded when none is. */
  sandboxCpuLeft (): number | undefined
  /** Charges sandbox CPU to the run (recorded with its next write). */
  chargeSandboxCpu (ms: number): void
}
