import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ref } from '../schemas/common.js'
import { LearningResponse } from '../schemas/learning.js'

const learning: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/learning', {
    schema: {
      operationId: 'getLearning', tags: ['engines'], summary: 'What the self-evolving engine learned from your executions: per strategy and per tool',
      description: 'Per strategy (a prompt\'s plan shape) and per tool: runs, success rate, median duration, failure classes, self-debugging outcomes and tokens; and whether a proven plan is reused for the same prompt without planning.',
      response: { 200: ref(LearningResponse) }
    }
  }, async (req) => app.selfEvolving.report(req.user))
}

export default learning
