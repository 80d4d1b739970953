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

export const IntegrationList = Type.Object({ success: Type.Literal(true), integrations: Type.Array(ref(Integration)) }, { $id: 'IntegrationList', description: 'The integration catalog.' })

export const IntegrationParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, description: 'The integration, e.g. core, http, webhook, email, slack (GET /api/integrations lists them).', examples: ['core'] }) }, { $id: 'IntegrationParams', additionalProperties: false })

export const ExecuteIntegrationRequest = Type.Object({
  action: Type.String({ minLength: 1, maxLength: 200, description: 'The action, with or without its integration prefix (request or http.request).' }),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The action\'s input, checked against its schema.' })),
  credentialId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A stored credential of the type the action takes (see its `credential` in GET /api/integrations).' })),
  mode: Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')], { description: 'sync (default) waits for the end, up to timeoutMs, then answers 202; async answers 202 at once.' })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 300_000, description: 'How long sync waits. Default R3SN_SYNC_TIMEOUT_MS.' }))
}, {
  $id: 'ExecuteIntegrationRequest',
  additionalProperties: false,
  // With the path's example name core: needs no credential and no network.
  examples: [{ action: 'time', params: { timezone: 'Europe/Paris' }, mode: 'sync', timeoutMs: 30000 }]
})
export type ExecuteIntegrationRequest = Static<typeof ExecuteIntegrationRequest>
