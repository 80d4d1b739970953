import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { jsonSchema } from '../plugins/llm.js'
import { errors, ref } from '../schemas/common.js'
import { ExecutionAccepted, ExecutionResult } from '../schemas/executions.js'
import { ExecuteIntegrationRequest, IntegrationList, IntegrationParams } from '../schemas/integrations.js'
import { replyWithRun } from './run-result.js'

const integrations: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/integrations', {
    schema: {
      operationId: 'listIntegrations', tags: ['integrations'], summary: 'The integration catalog, each action with its input and output JSON Schemas',
      description: 'Every built-in integration and its actions, each with its input and output JSON Schemas and the credential type it takes. These are the actions integration steps, agents\' tools and POST /api/integrations/{name}/execute accept.',
      response: { 200: ref(IntegrationList) }
    }
  }, async () => {
    const byName = new Map<string, { name: string, actions: unknown[] }>()
    for (const action of app.integrationHub.list()) {
      const name = action.name.split('.')[0] as string
      const entry = byName.get(name) ?? { name, actions: [] }
      entry.actions.push({ name: action.name, description: action.description, input: jsonSchema(action.input), output: jsonSchema(action.output), credential: action.credential ?? null })
      byName.set(name, entry)
    }
    return { success: true as const, integrations: [...byName.values()] as never }
  })

  app.post('/api/integrations/:name/execute', {
    schema: {
      operationId: 'executeIntegration', tags: ['integrations'], summary: 'Run one action as an execution (sync by default)',
      description: 'Runs one action as a durable execution (type integration). Bad params or credential are refused with 400 before anything is stored; an unknown action is a 404. Sync (default) waits up to timeoutMs.',
      params: ref(IntegrationParams), body: ref(ExecuteIntegrationRequest),
      response: { 200: ref(ExecutionResult), 202: ref(ExecutionAccepted), ...errors(400, 404) }
    }
  }, async (req, reply) => {
    const params = req.body.params ?? {}
    // Checked before anything is stored: an unknown action is a 404, bad params or credential a 400.
    const { action, step } = await app.integrationHub.actionStep(req.user, req.params.name, req.body.action, params, req.body.credentialId)
    const doc = await app.orchestrator.queue(req.user, { type: 'integration', trigger: { action, params }, plan: [step] })
    return replyWithRun(reply, app.orchestrator, doc, req.body)
  })
}

export default integrations
