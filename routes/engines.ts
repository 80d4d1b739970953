import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ref } from '../schemas/common.js'
import { EnginesStatusResponse } from '../schemas/health.js'

const engines: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/engines/status', {
    schema: {
      operationId: 'getEnginesStatus', tags: ['engines'], summary: 'Status of every engine',
      description: 'Each engine\'s state and counters, keyed by engine: orchestrator (active runs, history), realtimeEngine (connected clients), universalExecutor (the planner: llm or offline, plans made), agentEngine, integrationHub, pluginFactory, sandbox, selfEvolvingEngine, selfDebuggingEngine.',
      response: { 200: ref(EnginesStatusResponse) }
    }
  }, async () => ({ success: true as const, engines: await app.engineStatus.all() }))
}

export default engines
