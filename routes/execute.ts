import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors, ref } from '../schemas/common.js'
import { ExecuteAccepted, ExecuteRequest, ExecuteResponse } from '../schemas/execute.js'
import { executePrompt } from '../commands/operations.js'
import { promptResult, replyWithRun } from './run-result.js'

/** The built-in self-test: a prompt every planner can carry out with no credential and no outside call. */
export const SELF_TEST_PROMPT = 'Return current timestamp'

const execute: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/api/execute', {
    schema: {
      operationId: 'executePrompt', tags: ['execute'], summary: 'Plan a prompt (LLM, or the offline planner without a key) and run the plan',
      description: 'The execution starts with a durable planning step whose output is the strategy; the plan\'s steps follow it. Sync (default) waits up to timeoutMs.',
      body: ref(ExecuteRequest),
      response: { 200: ref(ExecuteResponse), 202: ref(ExecuteAccepted), ...errors(400) }
    }
  }, async (req, reply) => {
    const doc = await executePrompt(app, req.user, req.body)
    return replyWithRun(reply, app.orchestrator, doc, req.body, promptResult)
  })

  app.post('/api/test/execute', {
    schema: {
      operationId: 'selfTest', tags: ['execute'], summary: `Run the self-test prompt ("${SELF_TEST_PROMPT}") through the whole stack`,
      description: 'Runs the built-in prompt through the planner, the orchestrator and an integration, with no credential and no outside call: a 200 with status completed shows the whole stack works. Works without an LLM.',
      response: { 200: ref(ExecuteResponse), 202: ref(ExecuteAccepted) }
    }
  }, async (req, reply) => {
    const doc = await executePrompt(app, req.user, { prompt: SELF_TEST_PROMPT })
    return replyWithRun(reply, app.orchestrator, doc, {}, promptResult)
  })
}

export default execute
