import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { errors, ref } from '../schemas/common.js'
import { NotFound } from '../lib/errors.js'
import { ExecutionAccepted, ExecutionResult } from '../schemas/executions.js'
import { HookParams, HookQuery } from '../schemas/workflows.js'
import { workflowExecution, workflowOwner } from '../engines/runtime/workflows.js'
import { replyWithRun, workflowRunResult } from './run-result.js'

const hooks: FastifyPluginAsyncTypebox = async (app) => {
  // The unguessable hook id is the credential here, so no API key is needed.
  app.post('/api/hooks/:hookId', {
    config: { public: true },
    schema: {
      operationId: 'triggerWebhook', tags: ['hooks'], summary: 'Start a workflow from its webhook; the body becomes `trigger`',
      description: 'Starts a run of the workflow whose webhook trigger has this hook id; the JSON body becomes `trigger`. No API key: the unguessable hook id (Workflow.hookId) is the secret; rotate it with POST /api/workflows/{id}/hook/rotate. Async by default (202); ?mode=sync waits for the result.',
      params: ref(HookParams), querystring: ref(HookQuery),
      body: Type.Optional(Type.Unknown({ description: 'Any JSON; passed to the run as its trigger data.', examples: [{ name: 'Ada' }] })),
      response: { 200: ref(ExecutionResult), 202: ref(ExecutionAccepted), ...errors(400, 404) }
    }
  }, async (req, reply) => {
    const wf = await app.orchestrator.workflows.byHook(req.params.hookId)
    if (wf === null) throw new NotFound('Webhook')
    const doc = await app.orchestrator.queue(workflowOwner(wf), workflowExecution(wf, req.body ?? {}))
    return replyWithRun(reply, app.orchestrator, doc, { mode: req.query.mode ?? 'async' }, workflowRunResult)
  })
}

export default hooks
