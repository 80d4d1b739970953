import { Type } from '@sinclair/typebox'
import { ref } from './common.js'

export const HealthResponse = Type.Object({
  success: Type.Literal(true),
  status: Type.Literal('ok'),
  uptimeSeconds: Type.Number({ description: 'Seconds since the process started.' })
}, { $id: 'HealthResponse', description: 'The process runs.', examples: [{ success: true, status: 'ok', uptimeSeconds: 3600.5 }] })

export const ReadyResponse = Type.Object({
  success: Type.Literal(true),
  status: Type.Literal('ready'),
  database: Type.Literal('ok')
}, { $id: 'ReadyResponse', description: 'The database answers and takes writes.', examples: [{ success: true, status: 'ready', database: 'ok' }] })

export const EngineStatus = Type.Object({
  initialized: Type.Boolean()
}, { $id: 'EngineStatus', additionalProperties: true, description: 'initialized plus the engine\'s own metrics.' })

export const EnginesStatusResponse = Type.Object({
  success: Type.Literal(true),
  engines: Type.Record(Type.String(), ref(EngineStatus), { description: 'One entry per engine that exists, keyed by its name (e.g. orchestrator, agentEngine).' })
}, { $id: 'EnginesStatusResponse', description: 'Every engine\'s status.' })
