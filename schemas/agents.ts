import { Type, type Static } from '@sinclair/typebox'
import { ref } from './common.js'
import { Budget } from './workflows.js'

export const AgentLimits = Type.Object({
  maxSteps: Type.Integer({ minimum: 1, maximum: 50, default: 10, description: 'LLM turns per run; a run still calling tools at the last turn stops with R3SN_AGENT_MAX_STEPS.' }),
  maxTokens: Type.Integer({ minimum: 100, maximum: 10_000_000, default: 50_000, description: 'Prompt plus completion tokens per run; beyond it the run stops with R3SN_AGENT_MAX_TOKENS.' })
}, { $id: 'AgentLimits', additionalProperties: false })
export type AgentLimits = Static<typeof AgentLimits>

/** JSON size of an agent's `config`: settings of the original R3SN's agents, kept as given, not a place for data. */
export const MAX_AGENT_CONFIG_BYTES = 8192

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  type: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,39}$', description: 'Free label, e.g. assistant, researcher, data-analysis; stored lowercased ("Research" is research). Default assistant.' })),
  capabilities: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50, description: 'What the agent is good at; shown to the planner, and in the default instructions.' })),
  instructions: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000, description: 'The system prompt. Default config.instructions, else instructions made from name, type and capabilities ("You are <name>, a <type> agent. You are good at: ...").' })),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Default config.model (when a string), else R3SN_MODEL.' })),
  config: Type.Optional(Type.Record(Type.String(), Type.Unknown(), {
    maxProperties: 50,
    description: `Free settings as the original R3SN's agents have them, stored and returned as given (at most ${MAX_AGENT_CONFIG_BYTES} bytes of JSON). ` +
      'Only two keys are read: config.model and config.instructions stand in for the top-level fields when those are left out. ' +
      'Other keys (tools, maxSteps, maxTokens, temperature, ...) are only kept: use tools and limits for what R3SN enforces.'
  })),
  userId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Accepted for the original R3SN\'s clients, and only when it is the caller\'s own user id (403 otherwise): an agent always belongs to the key that creates it. Not stored.' })),
  tools: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50, description: 'Integration actions the agent may call (e.g. http.request).' })),
  credentials: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 200 }), { description: 'Credential id per tool that needs one, e.g. {"slack.postMessage": "cred_..."}.' })),
  limits: Type.Optional(ref(AgentLimits)),
  memoryKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Default memory: runs with the same key continue one conversation.' }))
}

export const AgentDefinition = Type.Object(fields, {
  $id: 'AgentDefinition',
  additionalProperties: false,
  examples: [{
    name: 'researcher',
    type: 'researcher',
    capabilities: ['reading web pages', 'summarising'],
    instructions: 'You research a topic with http.request and answer in three sentences.',
    tools: ['http.request', 'core.time'],
    limits: { maxSteps: 5, maxTokens: 20000 },
    memoryKey: 'research'
  }]
})
export type AgentDefinition = Static<typeof AgentDefinition>

export const Agent = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  capabilities: Type.Array(Type.String()),
  instructions: Type.String(),
  model: Type.Union([Type.String(), Type.Null()]),
  tools: Type.Array(Type.String()),
  credentials: Type.Record(Type.String(), Type.String()),
  limits: ref(AgentLimits),
  memoryKey: Type.Union([Type.String(), Type.Null()]),
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'As given ({} when none was).' }),
  transient: Type.Boolean({ description: 'Created by a prompt\'s plan for that prompt only.' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' })
}, { $id: 'Agent' })
export type Agent = Static<typeof Agent>

export const AgentResponse = Type.Object({ success: Type.Literal(true), agent: ref(Agent) }, {
  $id: 'AgentResponse',
  description: 'The agent.',
  examples: [{
    success: true,
    agent: {
      id: 'agt_2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
      name: 'researcher',
      type: 'researcher',
      capabilities: ['reading web pages', 'summarising'],
      instructions: 'You research a topic with http.request and answer in three sentences.',
      model: null,
      tools: ['http.request', 'core.time'],
      credentials: {},
      limits: { maxSteps: 5, maxTokens: 20000 },
      memoryKey: 'research',
      config: {},
      transient: false,
      createdAt: '2025-01-01T12:00:00.000Z',
      updatedAt: '2025-01-01T12:00:00.000Z'
    }
  }]
})
export const AgentList = Type.Object({ success: Type.Literal(true), agents: Type.Array(ref(Agent)) }, { $id: 'AgentList', description: 'Your agents, newest first.' })
export const AgentListQuery = Type.Object({
  transient: Type.Optional(Type.Boolean({ description: 'Include agents created by prompts. Default false.' }))
}, { $id: 'AgentListQuery', additionalProperties: false })

const runFields = {
  memoryKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Continue the conversation stored under this key (default the agent\'s memoryKey).' })),
  mode: Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')], { description: 'sync (default) waits up to timeoutMs; async answers 202 at once.' })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 300_000, description: 'How long sync waits. Default R3SN_SYNC_TIMEOUT_MS.' })),
  budget: Type.Optional(ref(Budget, { description: 'This run\'s limits (LLM calls and tokens bound the agent\'s turns); fields not given come from R3SN_BUDGET_*.' }))
}

export const ExecuteAgentRequest = Type.Object({
  action: Type.String({ minLength: 1, maxLength: 10_000, description: 'What the agent should do.' }),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Data for the action, given to the agent as JSON.' })),
  ...runFields
}, {
  $id: 'ExecuteAgentRequest',
  additionalProperties: false,
  examples: [{ action: 'Tell me the current time in Paris', params: { timezone: 'Europe/Paris' }, mode: 'sync', timeoutMs: 60000 }]
})
export type ExecuteAgentRequest = Static<typeof ExecuteAgentRequest>

export const AgentPromptRequest = Type.Object({
  prompt: Type.String({ minLength: 1, maxLength: 10_000 }),
  context: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Data for the agent, given to it as JSON with the prompt.' })),
  agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Default: a transient assistant with every integration action that needs no credential.' })),
  ...runFields
}, {
  $id: 'AgentPromptRequest',
  additionalProperties: false,
  examples: [{ prompt: 'What time is it in Tokyo?', mode: 'sync', timeoutMs: 60000 }]
})
export type AgentPromptRequest = Static<typeof AgentPromptRequest>
