import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { agentExecution, toAgent } from '../engines/agent-engine.js'
import { createAgent, requireLlm } from '../commands/operations.js'
import { errors, IdParams, OkResponse, ref } from '../schemas/common.js'
import { AgentDefinition, AgentList, AgentListQuery, AgentPromptRequest, AgentResponse, ExecuteAgentRequest } from '../schemas/agents.js'
import { ExecutionAccepted, ExecutionResult } from '../schemas/executions.js'
import { replyWithRun } from './run-result.js'

/** The transient agent of execute-prompt without agentId: every action that needs no credential. */
const ASSISTANT_INSTRUCTIONS = 'You are a helpful automation assistant. Use the tools when they help; answer concisely.'

const agents: FastifyPluginAsyncTypebox = async (app) => {
  const needLlm = () => { requireLlm(app, 'agents need an LLM') }

  app.post('/api/agents', {
    schema: {
      operationId: 'createAgent', tags: ['agents'], summary: 'Create an agent',
      description: 'Takes the original R3SN\'s agent fields too ({name, type, capabilities, config, userId}): see instructions, model, config and userId in AgentDefinition. 403 when userId is not the caller\'s.',
      body: ref(AgentDefinition),
      response: { 201: ref(AgentResponse), ...errors(400, 403) }
    }
  }, async (req, reply) => reply.code(201).send({ success: true as const, agent: await createAgent(app, req.user, req.body) }))

  app.get('/api/agents', {
    schema: {
      operationId: 'listAgents', tags: ['agents'], summary: 'List your agents, newest first',
      description: 'Your agents, newest first. Agents that prompts\' plans created for themselves are left out unless transient=true.',
      querystring: ref(AgentListQuery),
      response: { 200: ref(AgentList), ...errors(400) }
    }
  }, async (req) => ({ success: true as const, agents: (await app.agentEngine.list(req.user, req.query.transient)).map(toAgent) }))

  app.get('/api/agents/:id', {
    schema: {
      operationId: 'getAgent', tags: ['agents'], summary: 'Get an agent',
      description: 'One of your agents, with its instructions, tools, credentials per tool, limits and memory key.',
      params: ref(IdParams),
      response: { 200: ref(AgentResponse), ...errors(400, 404) }
    }
  }, async (req) => ({ success: true as const, agent: toAgent(await app.agentEngine.get(req.user, req.params.id)) }))

  app.put('/api/agents/:id', {
    schema: {
      operationId: 'updateAgent', tags: ['agents'], summary: 'Replace an agent\'s definition',
      description: 'Replaces the whole definition (fields left out get their defaults again). Runs already going keep the definition they started with.',
      params: ref(IdParams), body: ref(AgentDefinition),
      response: { 200: ref(AgentResponse), ...errors(400, 403, 404) }
    }
  }, async (req) => ({ success: true as const, agent: toAgent(await app.agentEngine.update(req.user, req.params.id, req.body)) }))

  app.delete('/api/agents/:id', {
    schema: {
      operationId: 'deleteAgent', tags: ['agents'], summary: 'Delete an agent and its memory',
      description: 'Deletes the agent and the conversation memory stored under its keys. Workflow steps that name it fail from their next run (R3SN_AGENT_NOT_FOUND).',
      params: ref(IdParams),
      response: { 200: ref(OkResponse), ...errors(400, 404) }
    }
  }, async (req) => {
    await app.agentEngine.delete(req.user, req.params.id)
    return { success: true as const }
  })

  app.post('/api/agents/:id/execute', {
    schema: {
      operationId: 'executeAgent', tags: ['agents'], summary: 'Run an agent on an action: a tool-calling loop, each LLM turn and tool call a durable step',
      description: 'Starts a durable run (type agent): the agent gets the action and params, calls its tools through the LLM\'s tool calling, and each LLM turn and tool call is a step. Needs an LLM: 503 until OPENAI_API_KEY is set. Sync (default) waits up to timeoutMs, then answers 202 with the executionId.',
      params: ref(IdParams), body: ref(ExecuteAgentRequest),
      response: { 200: ref(ExecutionResult), 202: ref(ExecutionAccepted), ...errors(400, 404, 503) }
    }
  }, async (req, reply) => {
    needLlm()
    await app.agentEngine.get(req.user, req.params.id)
    const { action, params, memoryKey, budget } = req.body
    const doc = await app.orchestrator.queue(req.user, { ...agentExecution(req.params.id, { action, ...(params === undefined ? {} : { params }), ...(memoryKey === undefined ? {} : { memoryKey }) }), ...(budget === undefined ? {} : { budget }) })
    return replyWithRun(reply, app.orchestrator, doc, req.body)
  })

  app.post('/api/agents/execute-prompt', {
    schema: {
      operationId: 'executeAgentPrompt', tags: ['agents'], summary: 'Answer a prompt with an agent (yours, or a transient assistant with the credential-free actions)',
      description: 'Like executeAgent with a free prompt. Without agentId a transient assistant answers, with every integration action that needs no credential as its tools. Needs an LLM: 503 until OPENAI_API_KEY is set.',
      body: ref(AgentPromptRequest),
      response: { 200: ref(ExecutionResult), 202: ref(ExecutionAccepted), ...errors(400, 404, 503) }
    }
  }, async (req, reply) => {
    needLlm()
    const { prompt, context, memoryKey, budget } = req.body
    const agentId = req.body.agentId === undefined
      ? (await app.agentEngine.create(req.user, {
          name: 'assistant',
          instructions: ASSISTANT_INSTRUCTIONS,
          tools: app.integrationHub.list().filter(a => a.credential?.required !== true).map(a => a.name)
        }, { transient: true }))._id
      : (await app.agentEngine.get(req.user, req.body.agentId))._id
    const doc = await app.orchestrator.queue(req.user, { ...agentExecution(agentId, { prompt, ...(context === undefined ? {} : { context }), ...(memoryKey === undefined ? {} : { memoryKey }) }), ...(budget === undefined ? {} : { budget }) })
    return replyWithRun(reply, app.orchestrator, doc, req.body)
  })
}

export default agents
