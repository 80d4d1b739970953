import { Type, type Static } from '@sinclair/typebox'
import { ref } from './common.js'
import { ExecutionError, ExecutionStatus, TokenUsage } from './executions.js'
import { Budget, WorkflowStep } from './workflows.js'

const NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]{0,63}$'

export const TransientAgent = Type.Object({
  name: Type.String({ pattern: NAME_PATTERN, description: 'Agent steps of the plan name it in their `agent` field.' }),
  instructions: Type.String({ minLength: 1, maxLength: 4000 }),
  tools: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20, description: 'Integration actions the agent may call, e.g. http.request.' })
}, { $id: 'TransientAgent', additionalProperties: false })
export type TransientAgent = Static<typeof TransientAgent>

// What the planner (LLM) fills in: a self-contained JSON Schema (no $ref), sent as the structured output format.
const { retry: _retry, name: _name, ...stepFields } = WorkflowStep.properties
export const PlanDraft = Type.Object({
  intent: Type.String({ minLength: 1, maxLength: 500, description: 'What the user wants, in one sentence.' }),
  agents: Type.Array(Type.Object(TransientAgent.properties, { additionalProperties: false }), { maxItems: 5, description: 'Agents to create for this prompt only.' }),
  integrations: Type.Array(Type.String(), { description: 'Integration actions the plan uses.' }),
  plugins: Type.Array(Type.String(), { description: 'Plugins the plan uses.' }),
  steps: Type.Array(Type.Object(stepFields, { additionalProperties: false }), { minItems: 1, maxItems: 50 })
}, { additionalProperties: false })
export type PlanDraft = Static<typeof PlanDraft>

export const Planner = Type.Union([Type.Literal('llm'), Type.Literal('offline')])

export const Strategy = Type.Object({
  intent: Type.String(),
  planner: Planner,
  agents: Type.Array(ref(TransientAgent)),
  integrations: Type.Array(Type.String()),
  plugins: Type.Array(Type.String()),
  steps: Type.Array(ref(WorkflowStep), { description: 'The plan, run as steps of this execution after the planning step.' }),
  model: Type.Optional(Type.String({ description: 'planner llm: the model that planned.' })),
  source: Type.Optional(Type.Union([Type.Literal('planned'), Type.Literal('learned')], { description: 'learned: a proven plan for this prompt was reused without a planning call.' })),
  fingerprint: Type.Optional(Type.String({ description: 'learned: the strategy record it came from (GET /api/learning).' }))
}, { $id: 'Strategy', description: 'How a prompt is carried out: its intent, the resources it needs and the plan.' })
export type Strategy = Static<typeof Strategy>

export const ExecuteRequest = Type.Object({
  prompt: Type.String({ minLength: 1, maxLength: 10_000, description: 'What to do, in plain words. Without an LLM the offline planner understands URLs, the time, delays ("wait 2 s"), email to an address, Slack #channels, "log", and your plugins by name and action.' }),
  context: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Data the plan may use, as `trigger.context`; shown to the planner.' })),
  mode: Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')], { description: 'sync (default) waits for the end, up to timeoutMs, then answers 202; async answers 202 at once.' })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 300_000, description: 'How long sync waits. Default R3SN_SYNC_TIMEOUT_MS.' })),
  budget: Type.Optional(ref(Budget, { description: 'This run\'s limits (planning counts as an LLM call); fields not given come from R3SN_BUDGET_*.' }))
}, {
  $id: 'ExecuteRequest',
  additionalProperties: false,
  // The offline planner (no LLM) knows time and log requests, so this runs as it is on any instance.
  examples: [{ prompt: 'Return the current timestamp and log it', context: { requestedBy: 'swagger-ui' }, mode: 'sync', timeoutMs: 30000 }]
})
export type ExecuteRequest = Static<typeof ExecuteRequest>

export const ExecuteResponse = Type.Object({
  success: Type.Literal(true),
  executionId: Type.String({ description: 'Follow or look it up with /api/executions/{id}/status and /events.' }),
  prompt: Type.String(),
  status: ExecutionStatus,
  planner: Type.Union([Planner, Type.Null()], { description: 'Who planned: the LLM, or the offline planner when no OPENAI_API_KEY is set.' }),
  strategy: Type.Union([ref(Strategy), Type.Null()], { description: 'Null when planning failed.' }),
  result: Type.Optional(Type.Unknown({ description: 'The output of the plan\'s last step.' })),
  error: Type.Union([ref(ExecutionError), Type.Null()]),
  usage: ref(TokenUsage),
  executionTime: Type.Union([Type.Number(), Type.Null()], { description: 'Milliseconds from start to end.' })
}, {
  $id: 'ExecuteResponse',
  description: 'A prompt run that ended while the request waited.',
  examples: [{
    success: true,
    executionId: 'exe_6f1c2a9e-4b7d-4d55-9a0e-2b8f3c1d7e40',
    prompt: 'Return the current timestamp and log it',
    status: 'completed',
    planner: 'offline',
    strategy: {
      intent: 'offline: core.time, core.log',
      planner: 'offline',
      agents: [],
      integrations: ['core.time', 'core.log'],
      plugins: [],
      steps: [
        { id: 'core_time', type: 'integration', action: 'core.time', input: {} },
        { id: 'core_log', type: 'integration', action: 'core.log', input: { message: 'Return the current timestamp and log it' } }
      ],
      source: 'planned'
    },
    result: { message: 'Return the current timestamp and log it', level: 'info' },
    error: null,
    usage: { calls: 0, promptTokens: 0, completionTokens: 0 },
    executionTime: 42
  }]
})
export type ExecuteResponse = Static<typeof ExecuteResponse>

export const ExecuteAccepted = Type.Object({
  success: Type.Literal(true),
  executionId: Type.String(),
  prompt: Type.String(),
  status: ExecutionStatus
}, {
  $id: 'ExecuteAccepted',
  description: 'The prompt is queued or still running; follow it with /api/executions/{id}/status or /events, or over /ws.',
  examples: [{ success: true, executionId: 'exe_6f1c2a9e-4b7d-4d55-9a0e-2b8f3c1d7e40', prompt: 'Return the current timestamp and log it', status: 'running' }]
})
