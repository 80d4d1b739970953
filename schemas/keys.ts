import { Type, type Static } from '@sinclair/typebox'
import { ref } from './common.js'
import { Budget } from './workflows.js'

export const ApiKey = Type.Object({
  id: Type.String({ description: 'Key id, used to revoke it.' }),
  userId: Type.String({ description: 'Its owner: what the key creates belongs to this user.' }),
  admin: Type.Boolean({ description: 'May manage every user\'s keys.' }),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it stopped working; null while it works.' })
}, { $id: 'ApiKey', description: 'An API key without its secret.' })
export type ApiKey = Static<typeof ApiKey>

export const CreateApiKeyRequest = Type.Object({
  user: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.@-]{1,64}$', description: 'Owner of the new key; defaults to the caller. Only admins may name another user.' })),
  admin: Type.Optional(Type.Boolean({ description: 'Grant admin rights (admins only). Default false.' })),
  name: Type.Optional(Type.String({ maxLength: 100, description: 'A label to recognise the key by.' }))
}, { $id: 'CreateApiKeyRequest', additionalProperties: false, examples: [{ name: 'ci pipeline' }] })

export const CreatedApiKey = Type.Object({
  success: Type.Literal(true),
  key: ref(ApiKey),
  secret: Type.String({ description: 'The key itself. Shown only in this response; only its SHA-256 is stored.' })
}, {
  $id: 'CreatedApiKey',
  description: 'The new key; its secret is shown this once.',
  examples: [{
    success: true,
    key: { id: 'key_4f9a1c2b3d4e5f60', userId: 'ada', admin: false, name: 'ci pipeline', createdAt: '2025-01-01T12:00:00.000Z', revokedAt: null },
    secret: 'r3sn_q5Yf0mZrK4b8xkq9v2xW7s1d3f6g8h0j2k4l6n8p0r2'
  }]
})

export const ApiKeyList = Type.Object({
  success: Type.Literal(true),
  keys: Type.Array(ref(ApiKey))
}, { $id: 'ApiKeyList', description: 'API keys, without their secrets.' })

export const ApiKeyListQuery = Type.Object({
  user: Type.Optional(Type.String({ description: 'Only this user\'s keys (admins see every user\'s keys).' }))
}, { $id: 'ApiKeyListQuery', additionalProperties: false })

export const ApiKeyResponse = Type.Object({
  success: Type.Literal(true),
  key: ref(ApiKey)
}, { $id: 'ApiKeyResponse', description: 'The key, without its secret.' })

export const UserParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, description: 'A user id (what keys name as their user).', examples: ['ada'] })
}, { $id: 'UserParams', additionalProperties: false })

export const UserBudgetRequest = Type.Object({
  budget: Type.Union([ref(Budget), Type.Null()], { description: 'The default budget of the user\'s runs; null removes it.' })
}, { $id: 'UserBudgetRequest', additionalProperties: false, examples: [{ budget: { llmCalls: 50, llmTokens: 200000, wallMs: 3600000 } }] })
export type UserBudgetRequest = Static<typeof UserBudgetRequest>

export const UserBudgetResponse = Type.Object({
  success: Type.Literal(true),
  userId: Type.String(),
  budget: Type.Union([ref(Budget), Type.Null()], { description: 'null: none; the instance\'s R3SN_BUDGET_* defaults apply.' })
}, {
  $id: 'UserBudgetResponse',
  description: 'A user\'s default run budget: a run\'s budget is, field by field, the request\'s, else its workflow\'s, else this, else the instance\'s defaults.',
  examples: [{ success: true, userId: 'ada', budget: { llmCalls: 50, llmTokens: 200000, wallMs: 3600000 } }]
})
