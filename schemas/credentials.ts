import { Type, type Static } from '@sinclair/typebox'
import { ref } from './common.js'

export const CREDENTIAL_TYPE_PATTERN = '^[a-z][a-z0-9_-]{0,39}$'
export const CREDENTIAL_FIELD_PATTERN = '^[A-Za-z][A-Za-z0-9_]{0,63}$'

const CredentialName = Type.String({ minLength: 1, maxLength: 200 })

// Field names become a list in the stored document, so they are kept to plain identifiers.
const CredentialData = Type.Record(Type.String({ pattern: CREDENTIAL_FIELD_PATTERN }), Type.String({ maxLength: 8192 }), {
  minProperties: 1,
  maxProperties: 20,
  additionalProperties: false,
  description: 'The secret fields, e.g. {"token": "..."}: encrypted at rest (AES-256-GCM), never returned or logged.'
})

export const CreateCredentialRequest = Type.Object({
  name: CredentialName,
  type: Type.String({ pattern: CREDENTIAL_TYPE_PATTERN, description: 'What the secret is for, e.g. http, smtp, slack, hmac; an action only accepts credentials of its own type.' }),
  data: CredentialData
}, { $id: 'CreateCredentialRequest', additionalProperties: false, examples: [{ name: 'Example API token', type: 'http', data: { token: 'replace-with-the-real-token' } }] })
export type CreateCredentialRequest = Static<typeof CreateCredentialRequest>

export const UpdateCredentialRequest = Type.Object({
  name: Type.Optional(CredentialName),
  data: Type.Optional(CredentialData)
}, { $id: 'UpdateCredentialRequest', additionalProperties: false, minProperties: 1, description: 'At least one of name and data. New data replaces every secret field (rotates the secret); steps use it from their next run.', examples: [{ name: 'Example API token (rotated)', data: { token: 'replace-with-the-new-token' } }] })
export type UpdateCredentialRequest = Static<typeof UpdateCredentialRequest>

export const Credential = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  fields: Type.Array(Type.String(), { description: 'Names of the secret fields; their values are never returned.' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' })
}, { $id: 'Credential', description: 'A stored secret, without its values.' })
export type Credential = Static<typeof Credential>

export const CredentialResponse = Type.Object({ success: Type.Literal(true), credential: ref(Credential) }, {
  $id: 'CredentialResponse',
  description: 'The credential, without its values.',
  examples: [{ success: true, credential: { id: 'cred_7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d', name: 'Example API token', type: 'http', fields: ['token'], createdAt: '2025-01-01T12:00:00.000Z', updatedAt: '2025-01-01T12:00:00.000Z' } }]
})
export const CredentialList = Type.Object({ success: Type.Literal(true), credentials: Type.Array(ref(Credential)) }, { $id: 'CredentialList', description: 'Your credentials, without their values.' })
