import { Type, type Static } from '@sinclair/typebox'
import { ref } from './common.js'

export const IntegrationActionInfo = Type.Object({
  name: Type.String({ description: 'integration.action, as used in `action` of integration steps.' }),
  description: Type.String(),
  input: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema of the input.' }),
  output: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema of the output.' }),
  credential: Type.Union([Type.Object({
    type: Type.String({ description: 'The credential type it accepts (see /api/credentials).' }),
    required: Type.Boolean(),
    fields: Type.Array(Type.String(), { description: 'Fields it reads from the credential.' })
  }), Type.Null()])
}, { $id: 'IntegrationActionInfo' })

export const Integration = Type.Object({
  name: Type.String(),
  actions: Type.Array(ref(IntegrationActionInfo))
}, { $id: 'Integration' })

export const IntegrationList = Type.Object({ success: Type.Literal(true), integrations: Type.Array(ref(Integration)) }, { $id: 'IntegrationList' })

export const IntegrationParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { $id: 'IntegrationParams', additionalProperties: false })

export const ExecuteIntegrationRequest = Type.Object({
  action: Type.String({ minLength: 1, maxLength: 200, description: 'The action, with or without its integration prefix (request or http.request).' }),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The action\'s input, checked against its schema.' })),
  credentialId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  mode: Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')])),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 300_000 }))
}, { $id: 'ExecuteIntegrationRequest', additionalProperties: false })
export type ExecuteIntegrationRequest = Static<typeof ExecuteIntegrationRequest>
