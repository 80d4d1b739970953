import type { FastifyInstance } from 'fastify'
import type { Owner } from '../lib/mongo.js'
import { Unavailable } from '../lib/errors.js'
import type { ExecutionDoc } from '../engines/runtime/store.js'
import { workflowExecution, workflowOwner } from '../engines/runtime/workflows.js'
import { promptExecution } from '../engines/planner.js'
import { generationExecution, toPlugin } from '../engines/plugin-factory.js'
import { toAgent } from '../engines/agent-engine.js'
import type { Agent, AgentDefinition } from '../schemas/agents.js'
import type { GeneratePluginRequest } from '../schemas/plugins.js'
import type { Budget } from '../schemas/workflows.js'

/**
 * The operations every transport offers (HTTP routes, WebSocket commands, and the next one):
 * one function each, taking the engines, the caller and an input its transport has already
 * checked against the operation's schema, and returning the result or throwing an R3SN_* error.
 * What a transport adds (waiting for the end, a status code, following the run's events) stays
 * in the transport; what an operation checks or refuses is decided here, once.
 */
export type Engines = Pick<FastifyInstance, 'orchestrator' | 'agentEngine' | 'pluginFactory' | 'llm' | 'runEvents' | 'notifications'>

/** 503 R3SN_UNAVAILABLE when no LLM is configured (checked before anything is started); `what` says who needs it ("agents need an LLM"). */
export function requireLlm (engines: Engines, what: string): void {
  if (!engines.llm.configured) throw new Unavailable(`${what}: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)`)
}

/** Queues a prompt (POST /api/execute, prompt:execute); `stream` sends the plan's tokens to the user's sockets as it is written. */
export async function executePrompt (engines: Engines, owner: Owner, input: { prompt: string, context?: Record<string, unknown>, budget?: Budget }, opts: { stream?: boolean } = {}): Promise<ExecutionDoc> {
  return engines.orchestrator.queue(owner, { ...promptExecution(input.prompt, input.context, opts), ...(input.budget === undefined ? {} : { budget: input.budget }) })
}

/** Queues a run of one of the caller's workflows (POST /api/workflows/:id/execute, workflow:execute); 404 for anyone else's. */
export async function executeWorkflow (engines: Engines, owner: Owner, workflowId: string, input: { triggerData?: unknown, priority?: number, budget?: Budget }): Promise<ExecutionDoc> {
  const wf = await engines.orchestrator.workflows.get(owner, workflowId)
  return engines.orchestrator.queue(workflowOwner(wf), workflowExecution(wf, input.triggerData, { priority: input.priority, budget: input.budget }))
}

/** Starts a new run of the caller's ended run from one of its steps (POST /api/executions/:id/replay); 404 for anyone else's. */
export async function replayRun (engines: Engines, owner: Owner, input: { executionId: string, fromStepId: string, input?: unknown, budget?: Budget }): Promise<ExecutionDoc> {
  const { executionId, ...req } = input
  return engines.orchestrator.replay(owner, executionId, req)
}

/** An approver's decision on an approval step (POST /api/executions/:id/approvals/:stepId, approval:decide). */
export async function decideApproval (engines: Engines, user: Owner, input: { executionId: string, stepId: string, decision: 'approve' | 'reject', comment?: string }) {
  const decided = await engines.orchestrator.decide(user, input.executionId, input.stepId, input.decision, input.comment)
  return { executionId: input.executionId, stepId: input.stepId, ...decided }
}

/**
 * Creates an agent (POST /api/agents, agent:create); its tools and credentials must be the caller's.
 * Every connection of the user is told (agent:created) but `origin`, the one that asked.
 */
export async function createAgent (engines: Engines, owner: Owner, definition: AgentDefinition, origin?: string): Promise<Agent> {
  const agent = toAgent(await engines.agentEngine.create(owner, definition))
  engines.runEvents.emit('user', owner.id, 'agent:created', { agent }, origin)
  return agent
}

/** Queues a plugin generation (POST /api/plugins/generate, plugin:generate); 503 without an LLM, and then nothing is queued. */
export async function generatePlugin (engines: Engines, owner: Owner, request: GeneratePluginRequest): Promise<ExecutionDoc> {
  requireLlm(engines, 'generating plugins needs an LLM')
  return engines.orchestrator.queue(owner, generationExecution(request))
}

/** The outcome of an ended generation: the stored plugin, or the failure thrown as its R3SN_* error (422 with the failures...). */
export async function generatedPlugin (engines: Engines, ended: ExecutionDoc) {
  return engines.pluginFactory.generationResult(ended)
}

/** One of the caller's executions (the check before following it); 404 for anyone else's. */
export async function executionOf (engines: Engines, owner: Owner, executionId: string): Promise<ExecutionDoc> {
  return engines.orchestrator.get(owner, executionId)
}

/** Notifications a user-wide replay resends at most (the rest are in GET /api/notifications). */
const REPLAYED_NOTIFICATIONS = 200

/**
 * What a user-wide replay resends (execution:subscribe {all: true, since}): the owner's runs open
 * now or ended since `since` (at most `maxEnded` of those), and the user events that can be told
 * again, oldest first: notifications, agents created and plugins generated since then.
 */
export async function userActivitySince (engines: Engines, owner: Owner, since: Date, maxEnded: number): Promise<{ runs: ExecutionDoc[], userEvents: { event: string, data: object }[] }> {
  const [open, ended, agents, plugins, notifications] = await Promise.all([
    engines.orchestrator.listActive(owner),
    engines.orchestrator.list(owner, { endTime: { $gte: since } }, maxEnded),
    engines.agentEngine.list(owner),
    engines.pluginFactory.list(owner),
    engines.notifications.listSince(owner.id, since.toISOString(), REPLAYED_NOTIFICATIONS)
  ])
  const seen = new Set(open.map(run => run._id))
  const runs = [...open, ...ended.filter(run => !seen.has(run._id))].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
  const userEvents = [
    ...agents.filter(a => a.createdAt >= since).map(a => ({ at: a.createdAt, event: 'agent:created', data: { agent: toAgent(a) } })),
    ...plugins.filter(p => p.createdAt >= since).map(p => ({ at: p.createdAt, event: 'plugin:generated', data: { plugin: toPlugin(p), version: p.latestVersion } })),
    ...notifications.map(n => ({ at: new Date(n.ts), event: 'notification', data: n }))
  ].sort((a, b) => a.at.getTime() - b.at.getTime())
  return { runs, userEvents: userEvents.map(({ event, data }) => ({ event, data })) }
}
