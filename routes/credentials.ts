import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { errors, IdParams, OkResponse, ref } from '../schemas/common.js'
import { CreateCredentialRequest, CredentialList, CredentialResponse, UpdateCredentialRequest } from '../schemas/credentials.js'
import { toCredential } from '../engines/credential-store.js'

/**
 * The app's ajv coerces types (for querystrings), which would quietly turn `{"token": 123}` or
 * `{"token": ["x"]}` into strings; a secret must arrive as a string, so refuse anything else
 * before validation, in the same shape as a validation failure.
 */
async function stringsOnly (req: FastifyRequest) {
  const body = req.body as Record<string, unknown> | null
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return
  const wrong: string[] = []
  for (const field of ['name', 'type']) {
    if (field in body && typeof body[field] !== 'string') wrong.push(`/${field}`)
  }
  const data = body.data
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    for (const [field, value] of Object.entries(data)) {
      if (typeof value !== 'string') wrong.push(`/data/${field}`)
    }
  }
  if (wrong.length === 0) return
  throw Object.assign(new Error(wrong.map(p => `body${p} must be string`).join(', ')), {
    statusCode: 400,
    validationContext: 'body',
    validation: wrong.map(instancePath => ({ instancePath, message: 'must be string' }))
  })
}

const credentials: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/api/credentials', {
    preValidation: stringsOnly,
    schema: {
      operationId: 'createCredential', tags: ['credentials'], summary: 'Store a secret, encrypted; only its field names are ever returned',
      body: ref(CreateCredentialRequest),
      response: { 201: ref(CredentialResponse), ...errors(400, 503) }
    }
  }, async (req, reply) => {
    const doc = await app.integrationHub.credentials.create(req.user, req.body)
    return reply.code(201).send({ success: true as const, credential: toCredential(doc) })
  })

  app.get('/api/credentials', {
    schema: {
      operationId: 'listCredentials', tags: ['credentials'], summary: 'List your credentials (names and field names, no values), newest first',
      response: { 200: ref(CredentialList) }
    }
  }, async (req) => ({ success: true as const, credentials: (await app.integrationHub.credentials.list(req.user)).map(toCredential) }))

  app.get('/api/credentials/:id', {
    schema: {
      operationId: 'getCredential', tags: ['credentials'], summary: 'Get a credential without its values',
      params: ref(IdParams),
      response: { 200: ref(CredentialResponse), ...errors(400, 404) }
    }
  }, async (req) => ({ success: true as const, credential: toCredential(await app.integrationHub.credentials.get(req.user, req.params.id)) }))

  app.put('/api/credentials/:id', {
    preValidation: stringsOnly,
    schema: {
      operationId: 'updateCredential', tags: ['credentials'], summary: 'Rename a credential and/or replace its secret (rotation)',
      params: ref(IdParams), body: ref(UpdateCredentialRequest),
      response: { 200: ref(CredentialResponse), ...errors(400, 404, 503) }
    }
  }, async (req) => ({ success: true as const, credential: toCredential(await app.integrationHub.credentials.update(req.user, req.params.id, req.body)) }))

  app.delete('/api/credentials/:id', {
    schema: {
      operationId: 'deleteCredential', tags: ['credentials'], summary: 'Delete a credential; steps that name it fail from their next run',
      params: ref(IdParams),
      response: { 200: ref(OkResponse), ...errors(400, 404) }
    }
  }, async (req) => {
    await app.integrationHub.credentials.delete(req.user, req.params.id)
    return { success: true as const }
  })
}

export default credentials
