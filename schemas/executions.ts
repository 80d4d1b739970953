import { Type, type Static } from '@sinclair/typebox'
import { ref } from './common.js'
import { Budget, SIGNAL_NAME_PATTERN, STEP_ID_PATTERN } from './workflows.js'

export const EXECUTION_STATUSES = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'] as const
export const ExecutionStatus = Type.Union(EXECUTION_STATUSES.map(s => Type.Literal(s)))
export type ExecutionStatus = typeof EXECUTION_STATUSES[number]

export const ExecutionError = Type.Object({
  message: Type.String(),
  code: Type.Optional(Type.String()),
  stepId: Type.Optional(Type.String()),
  details: Type.Optional(Type.Unknown({ description: 'What a user needs to act on the failure, e.g. the failed checks of a generated plugin.' }))
}, { $id: 'ExecutionError' })
export type ExecutionError = Static<typeof ExecutionError>

export const Waiting = Type.Object({
  until: Type.Optional(Type.String({ format: 'date-time', description: 'When the wait ends by itself: the time waited for, or the timeout of a signal or an approval.' })),
  signal: Type.Optional(Type.String({ description: 'The signal waited for (POST /api/executions/{id}/signals/{name}).' })),
  approvers: Type.Optional(Type.Array(Type.String(), { description: 'approval: who may decide (POST /api/executions/{id}/approvals/{stepId}).' })),
  message: Type.Optional(Type.String({ description: 'approval: what the approvers are asked.' })),
  children: Type.Optional(Type.Object({
    prefix: Type.String({ description: 'The child executions\' ids: this (workflow step), or this:<branch> (parallel) or this:<index> (foreach).' }),
    total: Type.Integer({ description: 'Children the step runs in all.' }),
    started: Type.Integer({ description: 'Children started so far (in order).' }),
    ended: Type.Integer({ description: 'Children ended so far.' }),
    running: Type.Array(Type.String(), { description: 'Ids of the children started and not ended yet.' }),
    deadline: Type.Optional(Type.String({ format: 'date-time', description: 'timeoutMs: when the step fails if its children are still going.' }))
  }, { description: 'workflow, parallel and foreach: the child executions the step waits for.' }))
}, { $id: 'Waiting', description: 'What a wait, approval, workflow, parallel or foreach step waits for.' })
export type Waiting = Static<typeof Waiting>

export const StepRun = Type.Object({
  stepId: Type.String(),
  type: Type.String(),
  status: Type.Union(['running', 'waiting', 'completed', 'failed', 'cancelled'].map(s => Type.Literal(s)), { description: 'waiting: a wait or approval step whose run is suspended (see waitingFor).' }),
  waitingFor: Type.Optional(ref(Waiting)),
  attempts: Type.Integer({ description: 'Attempts made in this run of the step.' }),
  idempotencyKey: Type.String({ description: 'executionId:stepId:attempt of the latest attempt.' }),
  input: Type.Optional(Type.Unknown()),
  output: Type.Optional(Type.Unknown()),
  error: Type.Optional(ref(ExecutionError)),
  startedAt: Type.String({ format: 'date-time' }),
  endedAt: Type.Optional(Type.String({ format: 'date-time' })),
  durationMs: Type.Optional(Type.Number()),
  tokens: Type.Optional(Type.Integer({ description: 'LLM tokens (prompt + completion) the step spent (planning, agent turns).' })),
  replayed: Type.Optional(Type.Literal(true, { description: 'A replay\'s copy of a step its source run ran: not run again, its output reused (see replayedFrom).' })),
  replayedFrom: Type.Optional(Type.String({ description: 'replayed: the execution the step ran in.' }))
}, { $id: 'StepRun' })
export type StepRun = Static<typeof StepRun>

export const DIAGNOSIS_CLASSES = ['transient', 'bad-input', 'plugin-bug', 'auth', 'policy', 'unknown'] as const
export const DIAGNOSIS_OUTCOMES = ['pending', 'recovered', 'applied-failed', 'rejected', 'not-applied', 'failed'] as const
export const Diagnosis = Type.Object({
  stepId: Type.String(),
  attempt: Type.Integer({ description: 'The step attempt that failed.' }),
  executionAttempt: Type.Integer({ description: 'The execution\'s attempt (1, then +1 per retry by hand); bounds count per execution attempt.' }),
  class: Type.Union(DIAGNOSIS_CLASSES.map(c => Type.Literal(c)), { description: 'transient (network, timeout, 429, 5xx), bad-input (schema or 4xx), plugin-bug (exception in plugin code), auth (401/403, credentials), policy (egress, sandbox limits), unknown.' }),
  evidence: Type.Object({ code: Type.String(), message: Type.String() }),
  action: Type.Union(['retry', 'repair-input', 'patch-plugin', 'none'].map(a => Type.Literal(a)), { description: 'What self-debugging did.' }),
  detail: Type.Optional(Type.String({ description: 'What changed: the corrected input, the new plugin version, or why nothing was done.' })),
  outcome: Type.Union(DIAGNOSIS_OUTCOMES.map(o => Type.Literal(o)), { description: 'Of this diagnosis alone: pending (its remedy is being tried); recovered (the step then succeeded with it); applied-failed (it was tried and the step failed again); rejected (the proposal was refused before it was tried: corrected input that does not match the schema, a patch that fails the sandbox checks, or a repair that already failed for this input); not-applied (no remedy was possible or allowed); failed (records written before applied-failed and rejected existed: the step failed after it).' }),
  round: Type.Optional(Type.Integer({ minimum: 1, description: 'LLM repairs: which round of the step this proposal was (1, 2...); each round is told what the earlier ones proposed and what went wrong. Absent when no LLM was asked (a retry, a learned repair, nothing done).' })),
  feedback: Type.Optional(Type.String({ description: 'What went wrong with this remedy, as the next round is told: why the proposal was rejected (schema problems, sandbox failures, an earlier failure), or what the step answered when it failed again with it.' })),
  proposal: Type.Optional(Type.String({ description: 'The repair proposed: the corrected parameters (JSON) or the patched module, clipped to 20,000 characters.' })),
  proposalHash: Type.Optional(Type.String({ description: 'sha-256 of the whole proposal: an identical proposal that already failed for this input is refused without being tried.' })),
  repairKey: Type.Optional(Type.String({ description: 'What a learned repair is kept under: the action (or plugin version), the error code and the failing input.' })),
  pluginVersion: Type.Optional(Type.Integer({ description: 'patch-plugin: the patched version the step runs on (stored only once it passed the sandbox checks).' })),
  learned: Type.Optional(Type.Boolean({ description: 'The repair is one that worked before for the same action, error and input, tried again without an LLM call.' })),
  tokens: Type.Optional(Type.Integer({ description: 'LLM tokens this diagnosis spent (prompt + completion).' })),
  at: Type.String({ format: 'date-time' })
}, { $id: 'Diagnosis' })
export type Diagnosis = Static<typeof Diagnosis>

export const TokenUsage = Type.Object({
  calls: Type.Integer({ description: 'LLM calls made for this run.' }),
  promptTokens: Type.Integer(),
  completionTokens: Type.Integer()
}, { $id: 'TokenUsage' })

export const Spend = Type.Object({
  steps: Type.Integer({ description: 'Step runs so far (replayed copies not counted).' }),
  sandboxCpuMs: Type.Number({ description: 'CPU milliseconds of plugin code in the sandbox.' }),
  wallMs: Type.Union([Type.Number(), Type.Null()], { description: 'Milliseconds since the run started (to its end once ended); null before it started.' })
}, { $id: 'Spend', description: 'What the run has spent of what a budget limits; its LLM calls and tokens are in usage.' })
export type Spend = Static<typeof Spend>

export const ReplayOf = Type.Object({
  executionId: Type.String({ description: 'The run replayed.' }),
  fromStepId: Type.String({ description: 'The step this run started at; the steps before it are copies of the source\'s (replayed: true).' })
}, { $id: 'ReplayOf', description: 'A replay (POST /api/executions/{id}/replay): what it replays.' })
export type ReplayOf = Static<typeof ReplayOf>

export const Execution = Type.Object({
  executionId: Type.String(),
  type: Type.Union(['workflow', 'prompt', 'agent', 'plugin', 'integration', 'plugin-generation'].map(s => Type.Literal(s))),
  status: ExecutionStatus,
  workflowId: Type.Optional(Type.String()),
  workflowVersion: Type.Optional(Type.Integer()),
  parentId: Type.Optional(Type.String({ description: 'A child execution (of a workflow, parallel or foreach step): the run that started it.' })),
  parentStepId: Type.Optional(Type.String({ description: 'A child execution: the step of the parent run that started it.' })),
  prompt: Type.Optional(Type.String({ description: 'type prompt: what was asked.' })),
  strategy: Type.Optional(Type.Unknown({ description: 'type prompt: the strategy the planner chose (null until planned); see Strategy.' })),
  usage: ref(TokenUsage),
  diagnoses: Type.Array(ref(Diagnosis), { description: 'Self-debugging: each failed step it looked at, what it did and how that ended.' }),
  replayOf: Type.Optional(ref(ReplayOf)),
  budget: Type.Optional(ref(Budget, { description: 'The run\'s limits (absent: none).' })),
  spent: ref(Spend),
  priority: Type.Integer({ description: '0-10; higher runs first.' }),
  trigger: Type.Optional(Type.Unknown({ description: 'The trigger data the run started with.' })),
  steps: Type.Array(ref(StepRun)),
  result: Type.Optional(Type.Unknown()),
  error: Type.Union([ref(ExecutionError), Type.Null()]),
  attempt: Type.Integer({ description: 'How many times the run was started (1, then +1 per retry).' }),
  cancelRequested: Type.Boolean({ description: 'A cancel was asked for; the run stops at its next await point.' }),
  wakeAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'status waiting: when the run wakes by itself (the time waited for, or a timeout); null: only a signal or a decision wakes it.' })),
  createdAt: Type.String({ format: 'date-time' }),
  startTime: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  endTime: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  executionTime: Type.Union([Type.Number(), Type.Null()], { description: 'Milliseconds from start to end.' })
}, { $id: 'Execution' })
export type Execution = Static<typeof Execution>

export const ExecutionResponse = Type.Object({ success: Type.Literal(true), execution: ref(Execution) }, { $id: 'ExecutionResponse', description: 'The execution\'s full record.' })

/** One step of an ended run, as the seed's sync workflow answer lists it. */
export const StepResult = Type.Object({
  stepId: Type.String(),
  status: StepRun.properties.status,
  output: Type.Optional(Type.Unknown({ description: 'What the step returned (absent when it failed).' })),
  error: Type.Optional(ref(ExecutionError)),
  durationMs: Type.Union([Type.Number(), Type.Null()], { description: 'Milliseconds from the step\'s start to its end, retries included; null if it never ended.' })
}, { $id: 'StepResult' })
export type StepResult = Static<typeof StepResult>

export const ExecutionResult = Type.Object({
  success: Type.Literal(true),
  executionId: Type.String(),
  status: ExecutionStatus,
  result: Type.Optional(Type.Unknown()),
  error: Type.Union([ref(ExecutionError), Type.Null()]),
  executionTime: Type.Union([Type.Number(), Type.Null()]),
  steps: Type.Optional(Type.Array(ref(StepResult), { description: 'Workflow runs (POST /api/workflows/{id}/execute, webhooks): each step that ran, in the order it started (a failed step with its error). The full records: /api/executions/{id}/status.' }))
}, {
  $id: 'ExecutionResult',
  description: 'A run that ended while the request waited.',
  examples: [{
    success: true,
    executionId: 'exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e',
    status: 'completed',
    result: { message: 'Hello, Ada!', level: 'info' },
    error: null,
    executionTime: 35,
    steps: [
      { stepId: 'greeting', status: 'completed', output: 'Hello, Ada!', durationMs: 3 },
      { stepId: 'log', status: 'completed', output: { message: 'Hello, Ada!', level: 'info' }, durationMs: 5 }
    ]
  }]
})

export const ExecutionAccepted = Type.Object({
  success: Type.Literal(true),
  executionId: Type.String(),
  status: ExecutionStatus
}, {
  $id: 'ExecutionAccepted',
  description: 'The run is queued or still running; follow it with /api/executions/{id}/status or /events.',
  examples: [{ success: true, executionId: 'exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e', status: 'queued' }]
})

export const ExecutionListQuery = Type.Object({
  status: Type.Optional(ExecutionStatus),
  type: Type.Optional(Type.String({ maxLength: 20 })),
  workflowId: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'Default 50.' })),
  cursor: Type.Optional(Type.String({ maxLength: 300, description: 'nextCursor of the previous page.' }))
}, { $id: 'ExecutionListQuery', additionalProperties: false })

export const ExecutionList = Type.Object({
  success: Type.Literal(true),
  executions: Type.Array(ref(Execution)),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page.' })
}, { $id: 'ExecutionList', description: 'A page of executions, newest first.' })

export const ExecutionEvent = Type.Object({
  executionId: Type.String(),
  seq: Type.Integer({ description: 'Gap-free per execution, from 1.' }),
  ts: Type.String({ format: 'date-time' }),
  type: Type.String({ description: 'What happened, e.g. execution.started, step.started, step.completed, step.failed, execution.completed.' }),
  stepId: Type.Optional(Type.String({ description: 'The step it is about, for step events.' })),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'The event\'s details (a step\'s output, an error...).' })
}, { $id: 'ExecutionEvent' })
export type ExecutionEvent = Static<typeof ExecutionEvent>

export const EventsQuery = Type.Object({
  since: Type.Optional(Type.Integer({ minimum: 0, description: 'Only events with seq greater than this.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 500.' }))
}, { $id: 'EventsQuery', additionalProperties: false })

export const EventList = Type.Object({
  success: Type.Literal(true),
  events: Type.Array(ref(ExecutionEvent))
}, { $id: 'EventList', description: 'Events in seq order.' })

export const SignalParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, description: 'The execution that waits (or will wait) for the signal.' }),
  name: Type.String({ pattern: SIGNAL_NAME_PATTERN, description: 'The signal\'s name, as a wait step names it.', examples: ['approved'] })
}, { $id: 'SignalParams', additionalProperties: false })

export const SignalRequest = Type.Object({
  payload: Type.Optional(Type.Unknown({ description: 'Becomes the output of the wait step that receives the signal (null when absent).' }))
}, { $id: 'SignalRequest', additionalProperties: false, examples: [{ payload: { approvedBudget: 1200, note: 'go ahead' } }] })
export type SignalRequest = Static<typeof SignalRequest>

export const SignalAccepted = Type.Object({
  success: Type.Literal(true),
  executionId: Type.String(),
  signal: Type.String(),
  delivered: Type.Union([Type.Literal('waiting'), Type.Literal('stored')], { description: 'waiting: the run was waiting for this signal and wakes now; stored: it is kept until the run reaches a wait for it (a signal sent again before then keeps the first payload).' })
}, { $id: 'SignalAccepted', description: 'The signal is stored with the run; a run waiting for it resumes on the next free worker slot of any instance.' })

export const ApprovalParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  stepId: Type.String({ pattern: STEP_ID_PATTERN, description: 'The approval step waiting for a decision.', examples: ['review'] })
}, { $id: 'ApprovalParams', additionalProperties: false })

export const ApprovalRequest = Type.Object({
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')], { description: 'approve: the run goes on; reject: it fails with R3SN_APPROVAL_REJECTED.' }),
  comment: Type.Optional(Type.String({ maxLength: 2000, description: 'Kept in the step\'s output and the approval.decided event.' }))
}, { $id: 'ApprovalRequest', additionalProperties: false, examples: [{ decision: 'approve', comment: 'Checked the recipients list' }] })
export type ApprovalRequest = Static<typeof ApprovalRequest>

export const ApprovalAccepted = Type.Object({
  success: Type.Literal(true),
  executionId: Type.String(),
  stepId: Type.String(),
  decision: ApprovalRequest.properties.decision,
  by: Type.String({ description: 'The user who decided.' }),
  comment: Type.Optional(Type.String()),
  at: Type.String({ format: 'date-time' })
}, { $id: 'ApprovalAccepted', description: 'The decision is recorded; the run goes on (or fails) on the next free worker slot of any instance.' })

export const ReplayRequest = Type.Object({
  fromStepId: Type.String({ pattern: STEP_ID_PATTERN, description: 'The step to run from: one the source run reached. The steps it ran before are not run again: their recorded outputs are copied (replayed: true).' }),
  input: Type.Optional(Type.Unknown({ description: 'New input for fromStepId, checked as when a workflow is saved (its action\'s input schema); "=" strings are JSONata as in a definition. Default: the step\'s input as the source ran it.' })),
  budget: Type.Optional(ref(Budget, { description: 'The replay\'s limits; default the source\'s. Its spend starts from zero (copied steps cost nothing).' }))
}, { $id: 'ReplayRequest', additionalProperties: false, examples: [{ fromStepId: 'log', input: { message: 'Replayed with a new message', level: 'warn' } }] })
export type ReplayRequest = Static<typeof ReplayRequest>

export const ReplayAccepted = Type.Object({
  success: Type.Literal(true),
  executionId: Type.String({ description: 'The new run; follow it with /api/executions/{id}/status or /events.' }),
  status: ExecutionStatus,
  replayOf: ref(ReplayOf)
}, {
  $id: 'ReplayAccepted',
  description: 'The replay is a new execution, queued or already running.',
  examples: [{ success: true, executionId: 'exe_2c4e6a8b-0d1f-4a3b-9c5d-7e9f1a3b5c7d', status: 'running', replayOf: { executionId: 'exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e', fromStepId: 'log' } }]
})
