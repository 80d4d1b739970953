import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors, IdParams, ref } from '../schemas/common.js'
import { Forbidden } from '../lib/errors.js'
import { ApiKeyList, ApiKeyListQuery, ApiKeyResponse, CreateApiKeyRequest, CreatedApiKey, UserBudgetRequest, UserBudgetResponse, UserParams, type ApiKey } from '../schemas/keys.js'
import type { ApiKeyDoc } from '../plugins/api-keys.js'

function toApiKey (doc: ApiKeyDoc): ApiKey {
  return {
    id: doc._id,
    userId: doc.ownerId,
    admin: doc.admin,
    name: doc.name,
    createdAt: doc.createdAt.toISOString(),
    revokedAt: doc.revokedAt?.toISOString() ?? null
  }
}

// Users manage their own keys; admins manage everyone's.
const keys: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/api/keys', {
    schema: {
      operationId: 'createApiKey', tags: ['keys'], summary: 'Create an API key (the secret is shown once)',
      description: 'Creates a key for you (or, as an admin, for any user, possibly an admin key). The secret is in this answer only: only its SHA-256 is stored. Creating a key for a new user name creates that user.',
      body: ref(CreateApiKeyRequest),
      response: { 201: ref(CreatedApiKey), ...errors(400, 403) }
    }
  }, async (req, reply) => {
    const user = req.body.user ?? req.user.id
    const admin = req.body.admin ?? false
    if (!req.user.admin && (user !== req.user.id || admin)) {
      throw new Forbidden('Only admins can create keys for other users or admin keys')
    }
    const { key, secret } = await app.apiKeys.create(user, { admin, name: req.body.name })
    await app.notifications.notify(key.ownerId, {
      kind: 'key.created', title: `API key ${key._id} created`,
      message: `A${key.admin ? 'n admin' : 'n'} API key${key.name === '' ? '' : ` "${key.name}"`} (${key._id}) was created for you${req.user.id === key.ownerId ? '' : ` by ${req.user.id}`}.`,
      data: { keyId: key._id }
    })
    return reply.code(201).send({ success: true as const, key: toApiKey(key), secret })
  })

  app.get('/api/keys', {
    schema: {
      operationId: 'listApiKeys', tags: ['keys'], summary: 'List API keys (yours; admins: everyone\'s)',
      description: 'Your keys, revoked ones included; admins see every user\'s keys, or one user\'s with ?user=. Secrets are never returned.',
      querystring: ref(ApiKeyListQuery),
      response: { 200: ref(ApiKeyList), ...errors(400) }
    }
  }, async (req) => {
    return { success: true as const, keys: (await app.apiKeys.list(req.user, req.query.user)).map(toApiKey) }
  })

  app.delete('/api/keys/:id', {
    schema: {
      operationId: 'revokeApiKey', tags: ['keys'], summary: 'Revoke an API key; it stops working at once',
      description: 'Revokes a key: requests with it get 401 at once and its open WebSocket and Socket.IO connections are closed. The owner is notified.',
      params: ref(IdParams),
      response: { 200: ref(ApiKeyResponse), ...errors(400, 404) }
    }
  }, async (req) => {
    await app.apiKeys.revoke(req.user, req.params.id)
    const key = await app.apiKeys.get(req.user, req.params.id)
    await app.notifications.notify(key.ownerId, {
      kind: 'key.revoked', title: `API key ${key._id} revoked`,
      message: `The API key${key.name === '' ? '' : ` "${key.name}"`} (${key._id}) was revoked${req.user.id === key.ownerId ? '' : ` by ${req.user.id}`}; it no longer works and its sockets are closed.`,
      data: { keyId: key._id }
    })
    return { success: true as const, key: toApiKey(key) }
  })

  // A user's default run budget: admins set it; a user may read their own.
  app.get('/api/users/:id/budget', {
    schema: {
      operationId: 'getUserBudget', tags: ['keys'], summary: 'A user\'s default run budget',
      description: 'The budget a user\'s runs get where neither the request nor the workflow gives one (field by field), before the instance\'s R3SN_BUDGET_* defaults. Yours, or any user\'s for an admin.',
      params: ref(UserParams),
      response: { 200: ref(UserBudgetResponse), ...errors(400, 403) }
    }
  }, async (req) => {
    if (!req.user.admin && req.params.id !== req.user.id) throw new Forbidden('Only admins can read another user\'s budget')
    return { success: true as const, userId: req.params.id, budget: await app.apiKeys.budgetOf(req.params.id) ?? null }
  })

  app.put('/api/users/:id/budget', {
    schema: {
      operationId: 'setUserBudget', tags: ['keys'], summary: 'Set a user\'s default run budget (admins)',
      description: 'Sets the budget of every run of the user that gives none of its own (field by field: the request\'s, else the workflow\'s, else this, else the instance\'s defaults); null removes it. It applies to runs started from then on, on this instance at once and on others within a second.',
      params: ref(UserParams), body: ref(UserBudgetRequest),
      response: { 200: ref(UserBudgetResponse), ...errors(400, 403) }
    }
  }, async (req) => {
    if (!req.user.admin) throw new Forbidden('Only admins can set a user\'s budget')
    await app.apiKeys.setBudget(req.params.id, req.body.budget)
    return { success: true as const, userId: req.params.id, budget: req.body.budget }
  })
}

export default keys
