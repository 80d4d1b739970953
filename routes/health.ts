import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors, ref } from '../schemas/common.js'
import { HealthResponse, ReadyResponse } from '../schemas/health.js'
import { Unavailable } from '../lib/errors.js'

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', {
    config: { public: true, usesDatabase: false },
    schema: {
      operationId: 'getHealth', tags: ['health'], summary: 'Liveness: the process answers',
      response: { 200: ref(HealthResponse) }
    }
  }, async () => ({ success: true as const, status: 'ok' as const, uptimeSeconds: process.uptime() }))

  app.get('/ready', {
    config: { public: true },
    schema: {
      operationId: 'getReady', tags: ['health'], summary: 'Readiness: the database answers and takes writes',
      response: { 200: ref(ReadyResponse), ...errors(503) }
    }
  }, async (req) => {
    try {
      await app.mongo.ping()
      await app.mongo.probeWrite()
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed')
      throw new Unavailable('The database does not answer or does not take writes')
    }
    return { success: true as const, status: 'ready' as const, database: 'ok' as const }
  })
}

export default health
