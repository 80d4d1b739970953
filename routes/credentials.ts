import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors, IdParams, OkResponse, ref } from '../schemas/common.js'
import { CreateCredentialRequest, CredentialList, CredentialResponse, UpdateCredentialRequest } from '../schemas/credentials.js'
import { toCredential } from '../engines/credential-store.js'

const credentials: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/api/credentials', {
    schema: {
      operationId: 'createCredential', tags: ['credentials'], summary: 'Store a secret, encrypted; only its field names are ever returned',
      description: 'Stores a secret for integrations and plugins, encrypted with AES-256-GCM (R3SN_ENCRYPTION_KEY). Steps name it by id in `credential`; the answer and every later read show only the field names. 503 until R3SN_ENCRYPTION_KEY is set.',
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
      description: 'Your credentials, newest first: id, name, type and field names. Values are never returned.',
      response: { 200: ref(CredentialList) }
    }
  }, async (req) => ({ success: true as const, credentials: (await app.integrationHub.credentials.list(req.user)).map(toCredential) }))

  app.get('/api/credentials/:id', {
    schema: {
      operationId: 'getCredential', tags: ['credentials'], summary: 'Get a credential without its values',
      description: 'One credential without its values.',
      params: ref(IdParams),
      response: { 200: ref(CredentialResponse), ...errors(400, 404) }
    }
  }, async (req) => ({ success: true as const, credential: toCredential(await app.integrationHub.credentials.get(req.user, req.params.id)) }))

  app.put('/api/credentials/:id', {
    schema: {
      operationId: 'updateCredential', tags: ['credentials'], summary: 'Rename a credential and/or replace its secret (rotation)',
      description: 'Renames the credential, or replaces every secret field at once (rotation). Runs pick up the new secret at their next step that uses it.',
      params: ref(IdParams), body: ref(UpdateCredentialRequest),
      response: { 200: ref(CredentialResponse), ...errors(400, 404, 503) }
    }
  }, async (req) => ({ success: true as const, credential: toCredential(await app.integrationHub.credentials.update(req.user, req.params.id, req.body)) }))

  app.delete('/api/credentials/:id', {
    schema: {
      operationId: 'deleteCredential', tags: ['credentials'], summary: 'Delete a credential; steps that name it fail from their next run',
      description: 'Deletes the credential. Steps and agents that name it fail from their next run with R3SN_BAD_CREDENTIAL.',
      params: ref(IdParams),
      response: { 200: ref(OkResponse), ...errors(400, 404) }
    }
  }, async (req) => {
    await app.integrationHub.credentials.delete(req.user, req.params.id)
    return { success: true as const }
  })
}

export default credentials
