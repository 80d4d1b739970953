import { Cron } from 'croner'
import { BadRequest } from '../../lib/errors.js'
import type { WorkflowDefinition, WorkflowStep, WorkflowTrigger } from '../../schemas/workflows.js'
import type { Owner } from '../../lib/mongo.js'
import { compileError, expressionsIn } from './expressions.js'
import type { StepProblem, StepRegistry } from './steps.js'
import { waitFieldProblem } from './waits.js'

export const END = '$end'

/** Where control goes after a step that succeeded (conditions pick then/else instead). */
export function nextStepId (steps: WorkflowStep[], index: number): string | null {
  const step = steps[index] as WorkflowStep
  if (step.next !== undefined) return step.next === END ? null : step.next
  return steps[index + 1]?.id ?? null
}

export function gotoTarget (onError: string | undefined): string | undefined {
  return onError?.startsWith('goto:') === true ? onError.slice(5) : undefined
}

function checkTrigger (trigger: WorkflowTrigger): string | undefined {
  if (trigger.type !== 'schedule') return trigger.cron === undefined && trigger.overlap === undefined ? undefined : `trigger: ${trigger.cron === undefined ? 'overlap' : 'cron'} is only for schedule triggers`
  if (trigger.cron === undefined) return 'trigger: a schedule trigger needs a cron expression'
  // croner checks the zone only when it computes a run: a schedule saved with a bad one would never fire.
  if (trigger.timezone !== undefined) {
    try { new Intl.DateTimeFormat('en-US', { timeZone: trigger.timezone }).format() } catch {
      return `trigger: unknown time zone "${trigger.timezone}" (an IANA name such as Europe/Paris or UTC)`
    }
  }
  try {
    new Cron(trigger.cron, { paused: true, timezone: trigger.timezone ?? 'UTC' }).stop()
  } catch (err) {
    return `trigger: bad cron expression "${trigger.cron}": ${(err as Error).message}`
  }
  return undefined
}

/** Fields of the steps that run child executions, and the one type each is for. */
const CHILD_FIELDS = { workflowId: 'workflow', version: 'workflow', branches: 'parallel', join: 'parallel', maxConcurrency: 'parallel', items: 'foreach', steps: 'foreach', concurrency: 'foreach', maxItems: 'foreach', onItemError: 'foreach' } as const

/** The step sequences nested in a step (a parallel step's branches, a foreach step's steps), each with how errors name it. */
function nestedSequences (step: WorkflowStep): [label: string, steps: WorkflowStep[]][] {
  if (step.type === 'parallel') return Object.entries(step.branches ?? {}).map(([name, steps]) => [`branch "${name}": `, steps as WorkflowStep[]])
  if (step.type === 'foreach' && step.steps !== undefined) return [['', step.steps as WorkflowStep[]]]
  return []
}

/** Step ids are keys of the expression scope (steps.<id>): these would name its prototype instead. */
const RESERVED_IDS = new Set(['__proto__', 'constructor', 'prototype'])

function checkStep (step: WorkflowStep, ids: Set<string>, registry: StepRegistry): string | StepProblem | undefined {
  if (RESERVED_IDS.has(step.id)) return `"${step.id}" is reserved: choose another step id`
  const handler = registry.get(step.type)
  if (handler === undefined) return `no handler for step type "${step.type}" yet (available: ${registry.types().join(', ')})`
  for (const [field, target] of [['then', step.then], ['else', step.else], ['next', step.next], ['onError', gotoTarget(step.onError)], ['onTimeout', step.onTimeout === 'fail' ? undefined : step.onTimeout]] as const) {
    if (target !== undefined && target !== END && !ids.has(target)) return `${field} points to a missing step "${target}"`
  }
  if ((step.type === 'condition' || step.type === 'transform') && step.expression === undefined) return `a ${step.type} step needs an expression`
  if (step.type !== 'condition' && (step.then !== undefined || step.else !== undefined)) return 'then/else are only for condition steps'
  for (const [field, type] of Object.entries(CHILD_FIELDS)) {
    if (step[field as keyof typeof CHILD_FIELDS] !== undefined && step.type !== type) return `${field} is only for ${type} steps`
  }
  const waitProblem = waitFieldProblem(step, handler.waits === true)
  if (waitProblem !== undefined) return waitProblem
  if (step.expression !== undefined) {
    const err = compileError(step.expression)
    if (err !== undefined) return `bad JSONata expression: ${err}`
  }
  let inputError: string | undefined
  expressionsIn(step.input, source => {
    const err = compileError(source)
    if (err !== undefined && inputError === undefined) inputError = `bad JSONata expression in input "=${source}": ${err}`
  })
  if (inputError !== undefined) return inputError
  if (step.retry?.maxDelayMs !== undefined && step.retry.initialDelayMs !== undefined && step.retry.maxDelayMs < step.retry.initialDelayMs) {
    return 'retry.maxDelayMs is below retry.initialDelayMs'
  }
  const problem = handler.validate?.(step)
  if (problem !== undefined) return problem
  // A branch's or an item's steps are checked as a workflow's are; the message names the branch and the step.
  for (const [label, steps] of nestedSequences(step)) {
    try {
      validateSteps(steps, registry)
    } catch (err) {
      return `${label}${(err as Error).message}`
    }
  }
  return undefined
}

/**
 * A cycle among unconditional transitions can never end: refuse it. Conditions may
 * leave a loop, so a cycle through a condition is allowed (runs are also capped in length).
 */
function findEndlessCycle (steps: WorkflowStep[]): string[] | undefined {
  const index = new Map(steps.map((s, i) => [s.id, i]))
  const state = new Map<string, 'visiting' | 'done'>()
  const path: string[] = []
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id]
    const i = index.get(id) as number
    const step = steps[i] as WorkflowStep
    if (step.type === 'condition') { state.set(id, 'done'); return undefined }
    state.set(id, 'visiting')
    path.push(id)
    const next = nextStepId(steps, i)
    const cycle = next === null ? undefined : visit(next)
    path.pop()
    state.set(id, 'done')
    return cycle
  }
  for (const step of steps) {
    const cycle = visit(step.id)
    if (cycle !== undefined) return cycle
  }
  return undefined
}

/**
 * The 400 for a step's problem: the message names the step; input fields also come as
 * `details` [{path, message}], with paths into the request body as schema errors have them.
 */
function stepError (steps: WorkflowStep[], step: WorkflowStep, problem: string | StepProblem): Error {
  const { message, fields } = typeof problem === 'string' ? { message: problem, fields: undefined } : problem
  const err = new BadRequest(`step "${step.id}": ${message}`)
  if (fields === undefined || fields.length === 0) return err
  const i = steps.indexOf(step)
  return Object.assign(err, { details: fields.slice(0, 20).map(f => ({ path: `body/steps/${i}/input${f.path}`, stepId: step.id, message: f.message })) })
}

/** Throws a 400 naming the step and the problem, or returns the trigger to store. */
export function validateDefinition (def: WorkflowDefinition, registry: StepRegistry): WorkflowTrigger {
  const trigger = def.trigger ?? { type: 'manual' as const }
  const triggerProblem = checkTrigger(trigger)
  if (triggerProblem !== undefined) throw new BadRequest(triggerProblem)
  validateSteps(def.steps, registry)
  return trigger
}

/** Throws a 400 naming the step and the problem: a workflow's steps, or a branch's (their ids and targets are their own). */
function validateSteps (steps: WorkflowStep[], registry: StepRegistry): void {
  const ids = new Set<string>()
  for (const step of steps) {
    if (ids.has(step.id)) throw new BadRequest(`step "${step.id}": the id is used twice`)
    ids.add(step.id)
  }
  for (const step of steps) {
    const problem = checkStep(step, ids, registry)
    if (problem !== undefined) throw stepError(steps, step, problem)
  }
  const cycle = findEndlessCycle(steps)
  if (cycle !== undefined) throw new BadRequest(`step "${cycle[0]}": the steps ${cycle.join(' -> ')} loop forever (no condition leaves the cycle)`)
}

/**
 * The checks that need the owner's data (a plugin step's manifest, a workflow step's
 * workflow), after validateDefinition: throws a 400 naming the first step with a problem.
 * `workflowId`: the workflow being updated (a workflow step may not run it).
 */
export async function checkOwnedSteps (owner: Owner, def: { steps: WorkflowStep[] }, registry: StepRegistry, workflowId?: string): Promise<void> {
  for (const step of def.steps) {
    const problem = await registry.get(step.type)?.check?.(owner, step, { ...(workflowId === undefined ? {} : { workflowId }) })
    if (problem !== undefined) throw stepError(def.steps, step, problem)
    for (const [label, steps] of nestedSequences(step)) {
      try {
        await checkOwnedSteps(owner, { steps }, registry, workflowId)
      } catch (err) {
        if (!(err instanceof BadRequest)) throw err
        throw new BadRequest(`step "${step.id}": ${label}${err.message}`)
      }
    }
  }
}

/**
 * One step of a plan checked as at save (its definition, then what only the owner's data
 * shows), e.g. a step given new input by a replay: throws a 400 naming the step and the problem.
 */
export async function validateStepIn (owner: Owner, plan: WorkflowStep[], step: WorkflowStep, registry: StepRegistry): Promise<void> {
  const problem = checkStep(step, new Set(plan.map(s => s.id)), registry) ?? await registry.get(step.type)?.check?.(owner, step)
  if (problem !== undefined) throw stepError(plan, step, problem)
}
