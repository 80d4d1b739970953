import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors, IdParams, OkResponse, ref } from '../schemas/common.js'
import { ExecutionAccepted, ExecutionResult } from '../schemas/executions.js'
import { ExecuteWorkflowRequest, WorkflowAnalytics, WorkflowDefinition, WorkflowList, WorkflowResponse, WorkflowVersionQuery } from '../schemas/workflows.js'
import { toWorkflow } from '../engines/runtime/workflows.js'
import { executeWorkflow } from '../commands/operations.js'
import { replyWithRun, workflowRunResult } from './run-result.js'

const workflows: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/api/workflows', {
    schema: {
      operationId: 'createWorkflow', tags: ['workflows'], summary: 'Create a workflow (version 1)',
      description: 'Stores version 1 of a workflow. Checked before anything is stored: step ids unique, next/then/else/goto pointing at steps, actions known, and agents, plugins and credentials yours. A webhook trigger gets a hookId; a schedule trigger needs a cron and starts runs on it.',
      body: ref(WorkflowDefinition),
      response: { 201: ref(WorkflowResponse), ...errors(400) }
    }
  }, async (req, reply) => {
    const trigger = await app.orchestrator.validate(req.user, req.body)
    const doc = await app.orchestrator.workflows.create(req.user, req.body, trigger)
    return reply.code(201).send({ success: true as const, workflow: toWorkflow(doc) })
  })

  app.get('/api/workflows', {
    schema: {
      operationId: 'listWorkflows', tags: ['workflows'], summary: 'List your workflows, newest first',
      description: 'Your workflows, newest first, each at its current version.',
      response: { 200: ref(WorkflowList) }
    }
  }, async (req) => ({ success: true as const, workflows: (await app.orchestrator.workflows.list(req.user)).map(toWorkflow) }))

  app.get('/api/workflows/:id', {
    schema: {
      operationId: 'getWorkflow', tags: ['workflows'], summary: 'Get a workflow (its current or an earlier version)',
      description: 'A workflow at its current version, or at an earlier one with ?version=.',
      params: ref(IdParams), querystring: ref(WorkflowVersionQuery),
      response: { 200: ref(WorkflowResponse), ...errors(400, 404) }
    }
  }, async (req) => ({ success: true as const, workflow: toWorkflow(await app.orchestrator.workflows.get(req.user, req.params.id, req.query.version)) }))

  app.put('/api/workflows/:id', {
    schema: {
      operationId: 'updateWorkflow', tags: ['workflows'], summary: 'Replace a workflow\'s definition (a new version)',
      description: 'Stores the definition as a new version (version + 1); runs already going keep the version they started with. Checked like createWorkflow; 409 when another update raced this one.',
      params: ref(IdParams), body: ref(WorkflowDefinition),
      response: { 200: ref(WorkflowResponse), ...errors(400, 404, 409) }
    }
  }, async (req) => {
    const trigger = await app.orchestrator.validate(req.user, req.body, req.params.id)
    return { success: true as const, workflow: toWorkflow(await app.orchestrator.workflows.update(req.user, req.params.id, req.body, trigger)) }
  })

  app.delete('/api/workflows/:id', {
    schema: {
      operationId: 'deleteWorkflow', tags: ['workflows'], summary: 'Delete a workflow, its versions and its webhook',
      description: 'Deletes the workflow, all its versions and its webhook id; its schedule stops.',
      params: ref(IdParams),
      response: { 200: ref(OkResponse), ...errors(400, 404) }
    }
  }, async (req) => {
    await app.orchestrator.workflows.delete(req.user, req.params.id)
    return { success: true as const }
  })

  app.post('/api/workflows/:id/execute', {
    schema: {
      operationId: 'executeWorkflow', tags: ['workflows'], summary: 'Run a workflow',
      description: 'Starts a run of the current version with triggerData as `trigger`. Sync (default) waits up to timeoutMs and answers the result with every step that ran; then, or with mode async, 202 with the executionId to follow.',
      params: ref(IdParams), body: ref(ExecuteWorkflowRequest),
      response: { 200: ref(ExecutionResult), 202: ref(ExecutionAccepted), ...errors(400, 404) }
    }
  }, async (req, reply) => {
    const doc = await executeWorkflow(app, req.user, req.params.id, req.body)
    return replyWithRun(reply, app.orchestrator, doc, req.body, workflowRunResult)
  })

  app.post('/api/workflows/:id/hook/rotate', {
    schema: {
      operationId: 'rotateWorkflowHook', tags: ['workflows'], summary: 'Replace the webhook id; the old one stops working at once',
      description: 'Gives the workflow\'s webhook trigger a new hook id; the old one answers 404 at once. 409 when the workflow has no webhook trigger.',
      params: ref(IdParams),
      response: { 200: ref(WorkflowResponse), ...errors(400, 404, 409) }
    }
  }, async (req) => ({ success: true as const, workflow: toWorkflow(await app.orchestrator.workflows.rotateHook(req.user, req.params.id)) }))

  app.get('/api/workflows/:id/analytics', {
    schema: {
      operationId: 'getWorkflowAnalytics', tags: ['workflows'], summary: 'Runs by status; per step runs, failures, retries and p50/p95 durations',
      description: 'How the workflow\'s runs went: counts by status, and per step its runs, failures, retries and p50/p95 durations.',
      params: ref(IdParams),
      response: { 200: ref(WorkflowAnalytics), ...errors(400, 404) }
    }
  }, async (req) => app.orchestrator.analytics(req.user, req.params.id))
}

export default workflows
