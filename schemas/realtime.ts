import { Type, type Static } from '@sinclair/typebox'
import { ExecuteWorkflowRequest } from './workflows.js'
import { ExecuteRequest } from './execute.js'
import { AgentDefinition } from './agents.js'
import { GeneratePluginRequest } from './plugins.js'
import { ApprovalRequest } from './executions.js'
import { STEP_ID_PATTERN } from './workflows.js'

/** Every WebSocket frame, both ways. `data` may be a bare string where the original's clients send one (an execution id). */
export const Frame = Type.Object({
  event: Type.String({ minLength: 1, maxLength: 100 }),
  data: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.String({ maxLength: 10_000 })])),
  id: Type.Optional(Type.String({ maxLength: 200 }))
}, { additionalProperties: false })
export type Frame = Static<typeof Frame>

/** Payloads of the client events, with the same rules as the HTTP API. */
export const ClientPayloads = {
  auth: Type.Object({
    token: Type.String({ minLength: 1, maxLength: 500, description: 'An API key.' }),
    userId: Type.Optional(Type.String({ maxLength: 200, description: 'The original\'s clients name the user too: it must be the key\'s user.' }))
  }, { additionalProperties: false }),
  ping: Type.Object({}, { additionalProperties: true }),
  'execution:subscribe': Type.Union([
    Type.Object({
      executionId: Type.String({ minLength: 1, maxLength: 200 }),
      since: Type.Optional(Type.Integer({ minimum: 0, description: 'Replay events with a greater seq first.' }))
    }, { additionalProperties: false }),
    Type.Object({
      all: Type.Literal(true, { description: 'Follow every run of the user, whoever starts it, until execution:unsubscribe {all: true}.' }),
      since: Type.Optional(Type.String({ format: 'date-time', description: 'First replay what happened after this time (the ts of the last event seen), from 2 s before it.' }))
    }, { additionalProperties: false })
  ]),
  'execution:unsubscribe': Type.Union([
    Type.Object({ executionId: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
    Type.Object({ all: Type.Literal(true) }, { additionalProperties: false })
  ]),
  'prompt:execute': Type.Omit(ExecuteRequest, ['mode', 'timeoutMs'], { additionalProperties: false }),
  'agent:create': AgentDefinition,
  'plugin:generate': GeneratePluginRequest,
  'workflow:execute': Type.Composite([Type.Object({ workflowId: Type.String({ minLength: 1, maxLength: 200 }) }), Type.Omit(ExecuteWorkflowRequest, ['mode', 'timeoutMs'])], { additionalProperties: false }),
  'approval:decide': Type.Composite([Type.Object({
    executionId: Type.String({ minLength: 1, maxLength: 200 }),
    stepId: Type.String({ pattern: STEP_ID_PATTERN, description: 'The approval step waiting for a decision.' })
  }), ApprovalRequest], { additionalProperties: false })
}
