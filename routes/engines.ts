import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ref } from '../schemas/common.js'
import { EnginesStatusResponse } from '../schemas/health.js'

const engines: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/engines/status', {
    schema: {
      operationId: 'getEnginesStatus', tags: ['engines'], summary: 'Status of every engine',
      response: { 200: ref(EnginesStatusResponse) }
    }
  }, async () => ({ success: true as const, engines: await app.engineStatus.all() }))
}

export default engines
