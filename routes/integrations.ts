import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { jsonSchema } from '../plugins/llm.js'
import { errors, ref } from '../schemas/common.js'
import { BadRequest, NotFound } from '../schemas/errors.js'
import { integrationExecution } from '../engines/integration-hub.js'
import { ExecutionAccepted, ExecutionResult } from '../schemas/executions.js'
import { ExecuteIntegrationRequest, IntegrationList, IntegrationParams } from '../schemas/integrations.js'
import { replyWithRun } from './run-result.js'

const integrations: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/integrations', {
    schema: {
      operationId: 'listIntegrations', tags: ['integrations'], summary: 'The integration catalog, each action with its input and output JSON Schemas',
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
      params: ref(IntegrationParams), body: ref(ExecuteIntegrationRequest),
      response: { 200: ref(ExecutionResult), 202: ref(ExecutionAccepted), ...errors(400, 404) }
    }
  }, async (req, reply) => {
    const { name } = req.params
    if (!app.integrationHub.list().some(a => a.name.startsWith(`${name}.`))) throw new NotFound(`Integration ${name}`)
    const action = req.body.action.includes('.') ? req.body.action : `${name}.${req.body.action}`
    if (!action.startsWith(`${name}.`)) throw new NotFound(`Action ${action} of integration ${name}`)
    const params = req.body.params ?? {}
    const { credentialId } = req.body
    // Checked before anything is stored: bad params or credential are a 400.
    const problem = app.integrationHub.problem(action, params, credentialId, true)
    if (problem !== undefined) throw new BadRequest(problem)
    const spec = app.integrationHub.get(action)?.credential
    if (credentialId !== undefined && spec !== undefined) {
      await app.integrationHub.credentials.check(req.user.id, credentialId, spec.type).catch((err: Error) => { throw new BadRequest(err.message) })
    }
    const doc = await app.orchestrator.queue(req.user, integrationExecution(action, params, credentialId))
    return replyWithRun(reply, app.orchestrator, doc, req.body)
  })
}

export default integrations
