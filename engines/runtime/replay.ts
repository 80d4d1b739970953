import { BadRequest, Conflict } from '../../lib/errors.js'
import type { Owner } from '../../lib/mongo.js'
import type { Budget, WorkflowStep } from '../../schemas/workflows.js'
import { validateStepIn } from './definition.js'
import type { StepRegistry } from './steps.js'
import { decodeJson, planOf, TERMINAL, type ExecutionDoc, type NewExecution, type StepRunDoc } from './store.js'

/** What a replay asks for: the step to run from, and new input for it. */
export interface ReplayRequest { fromStepId: string, input?: unknown, budget?: Budget }

/** Run types a replay can start again from a step: workflows, and prompts once planned (their plan is in the record). */
const REPLAYABLE = new Set<ExecutionDoc['type']>(['workflow', 'prompt'])

/**
 * A new run of `source` from `fromStepId` on (see Orchestrator.replay): the source's frozen plan
 * (with `input` as the step's new input, checked as at save), and the entries of the steps it ran
 * before that step's first run, copied as they ended and marked replayed: they do not run again,
 * their outputs are what later steps read. Throws a 400 naming the problem, a 409 while the
 * source has not ended.
 */
export async function replayExecution (owner: Owner, source: ExecutionDoc, req: ReplayRequest, registry: StepRegistry): Promise<NewExecution> {
  const { fromStepId } = req
  if (!REPLAYABLE.has(source.type)) throw new BadRequest(`execution ${source._id} is a ${source.type} run: only workflow runs and planned prompt runs can be replayed`)
  if (!TERMINAL.includes(source.status)) throw new Conflict(`Execution ${source._id} is ${source.status}; replay it once it has ended`)
  const at = source.steps.findIndex(s => s.stepId === fromStepId)
  if (at === -1) {
    const reached = [...new Set(source.steps.map(s => s.stepId))]
    throw new BadRequest(`step "${fromStepId}" is not a step execution ${source._id} reached (it reached: ${reached.length === 0 ? 'none' : reached.join(', ')})`)
  }
  let plan = planOf(source)
  // A prompt replayed from its planning step plans again: the plan it added is not kept (it would add its steps twice).
  if (source.type === 'prompt' && at === 0) plan = plan.slice(0, 1)
  const i = plan.findIndex(s => s.id === fromStepId)
  if (i === -1) throw new BadRequest(`step "${fromStepId}" is not in the plan of execution ${source._id}`)
  if (req.input !== undefined) {
    if (source.type === 'prompt' && at === 0) throw new BadRequest(`step "${fromStepId}" plans the prompt and takes no input; replay from a step of the plan to change its input`)
    const edited: WorkflowStep = { ...(plan[i] as WorkflowStep), input: req.input }
    await validateStepIn(owner, plan, edited, registry)
    plan = plan.with(i, edited)
  }
  const budget = req.budget ?? source.budget
  const steps: StepRunDoc[] = source.steps.slice(0, at).map(s => {
    const { waitingFor: _waiting, ...entry } = s
    return { ...entry, replayedFrom: source._id }
  })
  return {
    type: source.type,
    ...(source.workflowId === undefined ? {} : { workflowId: source.workflowId, workflowVersion: source.workflowVersion }),
    priority: source.priority,
    ...(source.prompt === undefined ? {} : { prompt: source.prompt }),
    ...(source.triggerJson === undefined ? {} : { trigger: withoutStream(decodeJson(source.triggerJson)) }),
    plan,
    steps,
    cursor: fromStepId,
    replayOf: { executionId: source._id, fromStepId },
    // (Its spend starts from nothing: the copies cost nothing.)
    ...(budget === undefined ? {} : { budget })
  }
}

/** A prompt's trigger without its stream flag: nobody is listening for the replay's plan tokens. */
function withoutStream (trigger: unknown): unknown {
  if (trigger === null || typeof trigger !== 'object' || !('stream' in trigger)) return trigger
  const { stream: _stream, ...rest } = trigger as Record<string, unknown>
  return rest
}
