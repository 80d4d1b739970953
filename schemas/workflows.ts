import { Type, type Static } from '@sinclair/typebox'
import { ref } from './common.js'

export const STEP_ID_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$'

export const RetryPolicy = Type.Object({
  maxAttempts: Type.Integer({ minimum: 1, maximum: 20, description: 'Attempts in all, the first included.' }),
  backoff: Type.Optional(Type.Union([Type.Literal('fixed'), Type.Literal('exponential')], { description: 'Default fixed.' })),
  initialDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'Delay before the second attempt. Default 1000.' })),
  maxDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'Cap for exponential backoff. Default 60000.' }))
}, { $id: 'RetryPolicy', additionalProperties: false })
export type RetryPolicy = Static<typeof RetryPolicy>

export const StepType = Type.Union(['agent', 'integration', 'plugin', 'condition', 'transform', 'wait', 'approval', 'workflow', 'parallel', 'foreach'].map(t => Type.Literal(t)))

/** A branch name of a parallel step (a key of its output). */
export const BRANCH_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]{0,63}$'
/** The most items a foreach step may be given (its maxItems is at most this). */
export const MAX_FOREACH_ITEMS = 10_000
/** Steps nested in a parallel branch or a foreach (the step itself is a WorkflowStep: the schema refers to itself). */
const NestedSteps = (description: string) => Type.Unsafe<unknown[]>(Type.Array(Type.Ref('WorkflowStep'), { minItems: 1, maxItems: 200, description }))

/** Signal names: letters, digits, _ and - (a ':' is kept for names of the runtime's own, such as an approval's). */
export const SIGNAL_NAME_PATTERN = '^[A-Za-z0-9_-]{1,64}$'
/** The longest a wait or an approval may wait: a year. */
export const MAX_WAIT_MS = 366 * 86_400_000
/** The longest one attempt of any other step may take. */
export const MAX_ATTEMPT_MS = 3_600_000

export const WorkflowStep = Type.Object({
  id: Type.String({ pattern: STEP_ID_PATTERN, description: 'Unique within the workflow; later steps read this step\'s output as steps.<id>.output.' }),
  type: StepType,
  name: Type.Optional(Type.String({ maxLength: 200, description: 'A label for people; steps are referred to by id.' })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'integration: the action, e.g. http.request, core.delay, core.log; plugin: the plugin\'s action.' })),
  credential: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'integration: id of a stored credential the action uses (see /api/credentials); its secret never enters inputs, outputs or logs.' })),
  agent: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'agent: id of the agent that runs this step; its input is {prompt} or {action, params}.' })),
  plugin: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'plugin: id of the plugin; `action` names one of its actions and `input` its parameters.' })),
  pluginVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'plugin: the version to run (pinned); default the latest when the step starts.' })),
  input: Type.Optional(Type.Unknown({ description: 'The action\'s input. Any string value that starts with "=" is a JSONata expression over {trigger, steps, execution}; "==" escapes a literal "=".' })),
  expression: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000, description: 'transform: JSONata producing the output; condition: JSONata producing a boolean.' })),
  then: Type.Optional(Type.String({ pattern: STEP_ID_PATTERN, description: 'condition: step to run when true (default: the next step).' })),
  else: Type.Optional(Type.String({ pattern: STEP_ID_PATTERN, description: 'condition: step to run when false (default: the next step).' })),
  next: Type.Optional(Type.Union([Type.String({ pattern: STEP_ID_PATTERN }), Type.Literal('$end')], { description: 'Step to run after this one (default: the next in the list; "$end" ends the run).' })),
  retry: Type.Optional(ref(RetryPolicy)),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WAIT_MS, description: 'Per attempt, at most an hour (3600000). wait (for a signal) and approval: how long to wait, up to a year; then onTimeout. workflow, parallel and foreach: how long the step may wait for its children (up to a year); then the children still going are cancelled and the step fails with R3SN_STEP_TIMEOUT.' })),
  until: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000, description: 'wait: the time to wait until, an ISO 8601 date-time (2030-01-01T09:00:00Z) or, after "=", a JSONata expression giving one (or epoch milliseconds), e.g. "=steps.plan.output.sendAt".' })),
  forMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_WAIT_MS, description: 'wait: how long to wait, in milliseconds (up to a year). The run holds no memory, lease or worker slot meanwhile.' })),
  signal: Type.Optional(Type.String({ pattern: SIGNAL_NAME_PATTERN, description: 'wait: the signal to wait for, sent with POST /api/executions/{id}/signals/{name}; its payload becomes the step\'s output. A signal sent before the run got here completes the wait at once.' })),
  onTimeout: Type.Optional(Type.Union([Type.String({ pattern: STEP_ID_PATTERN }), Type.Literal('fail')], { description: 'wait (for a signal) and approval: after timeoutMs without a signal or a decision, go on at this step (output {timedOut: true}), or fail the run with R3SN_WAIT_TIMEOUT (fail, the default).' })),
  approvers: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 50, description: 'approval: the user ids who may decide (default the run\'s owner). Each gets an approval.requested notification.' })),
  message: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'approval: what the approvers are asked, shown in their notification.' })),
  workflowId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'workflow: the workflow (yours) to run as a child execution; its result is this step\'s output, `input` its trigger data (default {}).' })),
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'workflow: the version to run (pinned); default the latest when the step starts.' })),
  branches: Type.Optional(Type.Unsafe<Record<string, unknown[]>>(Type.Record(Type.String({ pattern: BRANCH_NAME_PATTERN }), NestedSteps('The branch\'s steps, validated like a workflow\'s.'), {
    description: 'parallel: named branches, each a list of steps run as a child execution (its `trigger` is this step\'s `input`, default the run\'s trigger). Output {<branch>: <its result>}.'
  }))),
  join: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('any'), Type.Literal('first-success')], { description: 'parallel: all (default) waits for every branch and fails on the first failure; any takes the first branch to end (failed or not); first-success takes the first to succeed and fails only when every branch failed. Branches still going once the join is decided are cancelled.' })),
  maxConcurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'parallel: branches running at once (default all of them).' })),
  items: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000, description: 'foreach: JSONata over {trigger, steps, execution} giving the array to go over (a leading "=" is allowed).' })),
  steps: Type.Optional(NestedSteps('foreach: the steps run for each item, as a child execution whose `trigger` is {item, index, input} (`input`: this step\'s input, resolved).')),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'foreach: items running at once (default 4).' })),
  maxItems: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FOREACH_ITEMS, description: 'foreach: the most items accepted (default 1000); more fail the step with R3SN_TOO_MANY_ITEMS.' })),
  onItemError: Type.Optional(Type.Union([Type.Literal('fail'), Type.Literal('skip'), Type.Literal('collect')], { description: 'foreach: an item that failed fails the step (fail, the default: the items still going are cancelled), is left out of the output (skip), or has {error} in its place (collect).' })),
  onError: Type.Optional(Type.String({ pattern: '^(fail|continue|goto:[A-Za-z_][A-Za-z0-9_]{0,63})$', description: 'After the last attempt fails: fail the run (default), continue with the next step, or goto:<stepId>.' }))
}, { $id: 'WorkflowStep', additionalProperties: false })
export type WorkflowStep = Static<typeof WorkflowStep>

export const Budget = Type.Object({
  llmTokens: Type.Optional(Type.Integer({ minimum: 0, description: 'LLM tokens (prompt + completion): no LLM call starts once this many are spent (the size of a call is not known before it, so the call that crosses the limit ends; the next is refused).' })),
  llmCalls: Type.Optional(Type.Integer({ minimum: 0, description: 'LLM calls: planning, agent turns, plugin generation, self-debugging repairs.' })),
  steps: Type.Optional(Type.Integer({ minimum: 0, description: 'Step runs (a step in a loop counts each time it runs; retries of one run do not; replayed copies do not).' })),
  sandboxCpuMs: Type.Optional(Type.Integer({ minimum: 0, description: 'CPU milliseconds of plugin code in the sandbox; a plugin run gets at most what is left as its CPU limit.' })),
  wallMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Milliseconds from the run\'s start, waits included: no step starts after, and a step still running then is stopped.' }))
}, {
  $id: 'Budget',
  additionalProperties: false,
  description: 'Limits of one run. A run that reaches one fails with R3SN_BUDGET_EXCEEDED (details.budget names it) before the step or call that would go past it. Fields not given come from the workflow\'s budget, then the R3SN_BUDGET_* defaults.',
  examples: [{ llmCalls: 10, llmTokens: 50000, steps: 100, wallMs: 600000 }]
})
export type Budget = Static<typeof Budget>

export const WorkflowTrigger = Type.Object({
  type: Type.Union([Type.Literal('manual'), Type.Literal('webhook'), Type.Literal('schedule')], { description: 'manual: started through the API; webhook: also by POST /api/hooks/{hookId}; schedule: also on its cron.' }),
  cron: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'schedule: cron expression (5 fields, or 6 with seconds).' })),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'schedule: IANA time zone, default UTC.' })),
  overlap: Type.Optional(Type.Union([Type.Literal('allow'), Type.Literal('skip')], { description: 'schedule: what a tick does while the previous scheduled run is still going: start another (allow, the default) or skip the tick (skip), which notifies the owner (schedule.skipped).' }))
}, { $id: 'WorkflowTrigger', additionalProperties: false })
export type WorkflowTrigger = Static<typeof WorkflowTrigger>

/**
 * The example workflow (only built-in, credential-free steps, so it is stored and runs as it is
 * on any instance): a fresh copy each time, so the spec holds no shared YAML anchors.
 */
const greetAndLog = () => ({
  name: 'Greet and log',
  description: 'Builds a greeting from the trigger data and writes it to the service log.',
  trigger: { type: 'manual' },
  steps: [
    { id: 'greeting', type: 'transform', expression: '"Hello, " & (trigger.name ? trigger.name : "world") & "!"' },
    { id: 'log', type: 'integration', action: 'core.log', input: { message: '=steps.greeting.output', level: 'info' }, retry: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 500 }, timeoutMs: 10000 }
  ]
})

export const WorkflowDefinition = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  trigger: Type.Optional(ref(WorkflowTrigger, { description: 'How runs start. Default {type: manual}: only POST /api/workflows/{id}/execute (and workflow:execute).' })),
  steps: Type.Array(ref(WorkflowStep), { minItems: 1, maxItems: 200 }),
  budget: Type.Optional(ref(Budget, { description: 'Limits of each run of this workflow (a run\'s request may override each field; fields given nowhere come from R3SN_BUDGET_*).' }))
}, {
  $id: 'WorkflowDefinition',
  additionalProperties: false,
  examples: [greetAndLog(), {
    name: 'Fan out and join',
    description: 'Two branches at once, then one child execution per name; a workflow step would run another workflow of yours the same way ({type: workflow, workflowId}).',
    steps: [
      { id: 'both', type: 'parallel', join: 'all', branches: { upper: [{ id: 'u', type: 'transform', expression: '$uppercase(trigger.text)' }], length: [{ id: 'n', type: 'transform', expression: '$length(trigger.text)' }] }, input: { text: 'hello' } },
      { id: 'each', type: 'foreach', items: '["ada", "grace", "linus"]', concurrency: 2, onItemError: 'collect', steps: [{ id: 'greet', type: 'transform', expression: '"Hello, " & trigger.item & " (" & $string(trigger.index) & ")"' }] }
    ]
  }]
})
export type WorkflowDefinition = Static<typeof WorkflowDefinition>

export const Workflow = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  trigger: ref(WorkflowTrigger),
  steps: Type.Array(ref(WorkflowStep)),
  budget: Type.Optional(ref(Budget, { description: 'Limits of each run of this workflow.' })),
  version: Type.Integer({ description: 'Starts at 1 and increases on every update.' }),
  hookId: Type.Optional(Type.String({ description: 'webhook: POST /api/hooks/<hookId> starts the workflow without an API key.' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' })
}, { $id: 'Workflow' })
export type Workflow = Static<typeof Workflow>

export const WorkflowResponse = Type.Object({ success: Type.Literal(true), workflow: ref(Workflow) }, {
  $id: 'WorkflowResponse',
  description: 'The workflow.',
  examples: [{
    success: true,
    workflow: {
      id: 'wf_3d2f7c1e-8a41-4f0b-9c6d-5e7a8b9c0d1e',
      ...greetAndLog(),
      version: 1,
      createdAt: '2025-01-01T12:00:00.000Z',
      updatedAt: '2025-01-01T12:00:00.000Z'
    }
  }]
})
export const WorkflowList = Type.Object({ success: Type.Literal(true), workflows: Type.Array(ref(Workflow)) }, { $id: 'WorkflowList', description: 'Your workflows, newest first.' })

export const WorkflowVersionQuery = Type.Object({
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'An earlier version; default the current one.' }))
}, { $id: 'WorkflowVersionQuery', additionalProperties: false })

export const ExecuteWorkflowRequest = Type.Object({
  triggerData: Type.Optional(Type.Unknown({ description: 'Available to every step as `trigger`.' })),
  mode: Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')], { description: 'sync (default) waits for the end, up to timeoutMs, then answers 202; async answers 202 at once.' })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 300_000, description: 'How long sync waits. Default R3SN_SYNC_TIMEOUT_MS.' })),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'Higher runs first; default 5.' })),
  budget: Type.Optional(ref(Budget, { description: 'This run\'s limits, field by field over the workflow\'s budget and the R3SN_BUDGET_* defaults.' }))
}, {
  $id: 'ExecuteWorkflowRequest',
  additionalProperties: false,
  examples: [{ triggerData: { name: 'Ada' }, mode: 'sync', timeoutMs: 30000, budget: { steps: 50, wallMs: 60000 } }]
})
export type ExecuteWorkflowRequest = Static<typeof ExecuteWorkflowRequest>

export const HookParams = Type.Object({ hookId: Type.String({ minLength: 1, maxLength: 200, description: 'The workflow\'s hookId (a webhook trigger has one).' }) }, { $id: 'HookParams', additionalProperties: false })
export const HookQuery = Type.Object({
  mode: Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')], { description: 'async (default) answers 202 at once; sync waits for the result.' }))
}, { $id: 'HookQuery', additionalProperties: false })

const StepAnalytics = Type.Object({
  stepId: Type.String(),
  executions: Type.Integer({ description: 'Step runs.' }),
  successes: Type.Integer(),
  failures: Type.Integer(),
  retries: Type.Integer({ description: 'Attempts beyond the first.' }),
  p50DurationMs: Type.Union([Type.Number(), Type.Null()]),
  p95DurationMs: Type.Union([Type.Number(), Type.Null()])
})

export const WorkflowAnalytics = Type.Object({
  success: Type.Literal(true),
  workflowId: Type.String(),
  executions: Type.Object({
    total: Type.Integer(),
    byStatus: Type.Record(Type.String(), Type.Integer())
  }),
  steps: Type.Array(StepAnalytics),
  spend: Type.Object({
    llmCalls: Type.Integer(),
    promptTokens: Type.Integer(),
    completionTokens: Type.Integer(),
    steps: Type.Integer({ description: 'Step runs (replayed copies not counted).' }),
    sandboxCpuMs: Type.Number(),
    wallMs: Type.Number({ description: 'Summed over the runs that started.' })
  }, { description: 'What the runs spent in all, as budgets count it.' })
}, { $id: 'WorkflowAnalytics', description: 'How the workflow\'s runs went.' })
export type WorkflowAnalytics = Static<typeof WorkflowAnalytics>
