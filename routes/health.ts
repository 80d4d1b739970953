import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors, ref } from '../schemas/common.js'
import { HealthResponse, ReadyResponse } from '../schemas/health.js'
import { Unavailable } from '../lib/errors.js'

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', {
    config: { public: true, usesDatabase: false },
    schema: {
      operationId: 'getHealth', tags: ['health'], summary: 'Liveness: the process answers',
      description: 'Answers 200 while the process runs; it does not ask the database (see /ready). No API key.',
      response: { 200: ref(HealthResponse) }
    }
  }, async () => ({ success: true as const, status: 'ok' as const, uptimeSeconds: process.uptime() }))

  app.get('/ready', {
    config: { public: true },
    schema: {
      operationId: 'getReady', tags: ['health'], summary: 'Readiness: the database answers and takes writes',
      description: 'Answers 200 when the database answers a ping and takes a write; 503 otherwise, with Retry-After. No API key. Use it as a load balancer\'s readiness check.',
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
