import { Type, type Static } from '@sinclair/typebox'
import { ExecuteWorkflowRequest } from './workflows.js'
import { ExecuteRequest } from './execute.js'
import { AgentDefinition } from './agents.js'
import { GeneratePluginRequest } from './plugins.js'

/** Every WebSocket frame, both ways. */
export const Frame = Type.Object({
  event: Type.String({ minLength: 1, maxLength: 100 }),
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  id: Type.Optional(Type.String({ maxLength: 200 }))
}, { additionalProperties: false })
export type Frame = Static<typeof Frame>

/** Payloads of the client events, with the same rules as the HTTP API. */
export const ClientPayloads = {
  auth: Type.Object({ token: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
  ping: Type.Object({}, { additionalProperties: true }),
  'execution:subscribe': Type.Object({
    executionId: Type.String({ minLength: 1, maxLength: 200 }),
    since: Type.Optional(Type.Integer({ minimum: 0, description: 'Replay events with a greater seq first.' }))
  }, { additionalProperties: false }),
  'execution:unsubscribe': Type.Object({ executionId: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
  'prompt:execute': Type.Omit(ExecuteRequest, ['mode', 'timeoutMs'], { additionalProperties: false }),
  'agent:create': AgentDefinition,
  'plugin:generate': GeneratePluginRequest,
  'workflow:execute': Type.Composite([Type.Object({ workflowId: Type.String({ minLength: 1, maxLength: 200 }) }), Type.Omit(ExecuteWorkflowRequest, ['mode', 'timeoutMs'])], { additionalProperties: false })
}
