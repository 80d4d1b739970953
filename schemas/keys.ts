import { Type, type Static } from '@sinclair/typebox'
import { ref } from './common.js'

export const ApiKey = Type.Object({
  id: Type.String({ description: 'Key id, used to revoke it.' }),
  userId: Type.String(),
  admin: Type.Boolean(),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
}, { $id: 'ApiKey', description: 'An API key without its secret.' })
export type ApiKey = Static<typeof ApiKey>

export const CreateApiKeyRequest = Type.Object({
  user: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.@-]{1,64}$', description: 'Owner of the new key; defaults to the caller. Only admins may name another user.' })),
  admin: Type.Optional(Type.Boolean({ description: 'Grant admin rights (admins only). Default false.' })),
  name: Type.Optional(Type.String({ maxLength: 100, description: 'A label to recognise the key by.' }))
}, { $id: 'CreateApiKeyRequest', additionalProperties: false })

export const CreatedApiKey = Type.Object({
  success: Type.Literal(true),
  key: ref(ApiKey),
  secret: Type.String({ description: 'The key itself. Shown only in this response; only its SHA-256 is stored.' })
}, { $id: 'CreatedApiKey' })

export const ApiKeyList = Type.Object({
  success: Type.Literal(true),
  keys: Type.Array(ref(ApiKey))
}, { $id: 'ApiKeyList' })

export const ApiKeyListQuery = Type.Object({
  user: Type.Optional(Type.String({ description: 'Only this user\'s keys (admins see every user\'s keys).' }))
}, { $id: 'ApiKeyListQuery', additionalProperties: false })

export const ApiKeyResponse = Type.Object({
  success: Type.Literal(true),
  key: ref(ApiKey)
}, { $id: 'ApiKeyResponse' })
