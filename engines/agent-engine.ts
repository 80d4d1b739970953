import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { randomUUID } from 'node:crypto'
import type { Collection, Db } from 'mongodb'
import { Value } from '@sinclair/typebox/value'
import type { Config } from '../config.js'
import { isDuplicateKey, OwnedCollection, type Owner, type OwnedDoc } from '../lib/mongo.js'
import type { ChatMessage, ChatTool, Llm } from '../plugins/llm.js'
import { AgentLimits, MAX_AGENT_CONFIG_BYTES, type Agent, type AgentDefinition } from '../schemas/agents.js'
import { BadRequest, Forbidden } from '../lib/errors.js'
import type { TransientAgent } from '../schemas/execute.js'
import type { WorkflowStep } from '../schemas/workflows.js'
import type { IntegrationHub } from './integration-hub.js'
import { manifestOf, type PluginFactory } from './plugin-factory.js'
import type { PluginManifest } from '../schemas/plugins.js'
import { literal } from './runtime/expressions.js'
import { Expand, StepError, type StepContext, type StepHandler } from './runtime/steps.js'
import type { NewExecution } from './runtime/store.js'

export interface AgentDoc extends OwnedDoc {
  name: string
  type: string
  capabilities: string[]
  instructions: string
  model: string | null
  tools: string[]
  /** Pairs, not a map: action names contain "." (FerretDB refuses such keys). */
  credentials: { action: string, credentialId: string }[]
  limits: AgentLimits
  memoryKey: string | null
  /** The definition's config as JSON text (its keys may hold "$" or "."); absent on agents stored before it existed. */
  configJson?: string
  transient: boolean
  createdAt: Date
  updatedAt: Date
}

interface MemoryDoc { _id: string, ownerId: string, agentId: string, key: string, messagesJson: string, updatedAt: Date }

/** What an agent step's input may hold: a first turn ({prompt} or {action, params}) or a later one. */
export interface AgentStepInput { prompt?: string, action?: string, params?: unknown, context?: unknown, memoryKey?: string, turnOf?: string, turn?: number }

/** An agent run: one agent step, which grows into turns and tool calls. */
export function agentExecution (agentId: string, input: AgentStepInput): NewExecution {
  return { type: 'agent', trigger: input, plan: [{ id: 'agent', type: 'agent', agent: agentId, input: literal(input) }] }
}

interface ToolCallRecord { id: string, name: string, action?: string, stepId?: string, error?: string }

/** One LLM turn, stored as the turn step's output: the conversation so far and the calls it made. */
interface TurnOutput {
  turn: number
  messages: ChatMessage[]
  toolCalls: ToolCallRecord[]
  usage: { promptTokens: number, completionTokens: number }
  memoryKey: string | null
  answer?: string
}

const MEMORY_LIMIT = 100
const toolName = (action: string) => action.replaceAll('.', '__')
/** Plugin tools are named <pluginId>.<action>; plugin ids start with plg_. */
const pluginTool = (tool: string) => tool.startsWith('plg_') ? { pluginId: tool.slice(0, tool.indexOf('.')), action: tool.slice(tool.indexOf('.') + 1) } : undefined

export function toAgent (d: AgentDoc): Agent {
  return {
    id: d._id,
    name: d.name,
    type: d.type,
    capabilities: d.capabilities,
    instructions: d.instructions,
    model: d.model,
    tools: d.tools,
    credentials: Object.fromEntries(d.credentials.map(c => [c.action, c.credentialId])),
    limits: d.limits,
    memoryKey: d.memoryKey,
    config: d.configJson === undefined ? {} : JSON.parse(d.configJson) as Record<string, unknown>,
    transient: d.transient,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString()
  }
}

/**
 * The system prompt of an agent defined without one (as the original R3SN's agents are: name,
 * type, capabilities): who it is and what it is good at, and how to work, for the LLM.
 */
export function defaultInstructions (name: string, type: string, capabilities: string[]): string {
  return [
    `You are ${name}, ${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type} agent.`,
    ...(capabilities.length === 0 ? [] : [`You are good at: ${capabilities.join(', ')}.`]),
    'Work on the task you are given step by step, use your tools when they help, and answer concisely with what you found or did.',
    'If the task needs something you cannot do or do not know, say so plainly instead of guessing.'
  ].join(' ')
}

/** A string setting of config that stands in for a top-level field left out (model, instructions), or undefined. */
function fromConfig (config: Record<string, unknown> | undefined, key: 'model' | 'instructions', maxLength: number): string | undefined {
  const value = config?.[key]
  return typeof value === 'string' && value.trim() !== '' && value.length <= maxLength ? value : undefined
}

/**
 * Agents and their tool-calling loop. Each LLM turn is a durable `agent` step; its tool
 * calls become `integration` steps added right after it (persisted, retried, visible in
 * events), followed by the next turn, until the agent answers or reaches its limits.
 */
export class AgentEngine {
  private readonly agents: OwnedCollection<AgentDoc>
  private readonly memory: Collection<MemoryDoc>
  runs = 0

  constructor (db: Db, private readonly llm: Llm, private readonly hub: IntegrationHub, private readonly plugins: PluginFactory) {
    this.agents = new OwnedCollection<AgentDoc>(db.collection('agents'), 'Agent')
    this.memory = db.collection('agent_memory')
  }

  async init (): Promise<void> {
    await this.agents.collection.createIndex({ ownerId: 1, createdAt: -1 })
  }

  /** Throws a 400 naming an unknown tool, or a credential that is missing or of the wrong type. */
  async check (owner: Owner, tools: string[], credentials: Record<string, string>): Promise<void> {
    for (const tool of tools) {
      const plugin = pluginTool(tool)
      if (plugin !== undefined) {
        if ((await this.pluginAction(owner.id, plugin.pluginId, plugin.action)) === undefined) throw new BadRequest(`unknown tool "${tool}": no such plugin action of yours`)
        continue
      }
      if (this.hub.get(tool) === undefined) throw new BadRequest(`unknown tool "${tool}" (integration actions: ${this.hub.list().map(a => a.name).join(', ')}; or <pluginId>.<action>)`)
    }
    for (const [action, credentialId] of Object.entries(credentials)) {
      const plugin = pluginTool(action)
      const spec = plugin === undefined ? this.hub.get(action)?.credential : (await this.pluginManifest(owner.id, plugin.pluginId))?.credential
      if (!tools.includes(action) || spec === undefined) throw new BadRequest(`credentials: "${action}" is not one of the agent's tools that take a credential`)
      await this.hub.checkCredential(owner.id, credentialId, spec.type).catch((err: Error) => { throw new BadRequest(`credentials.${action}: ${err.message}`) })
    }
    for (const tool of tools) {
      if (this.hub.get(tool)?.credential?.required === true && !Object.hasOwn(credentials, tool)) throw new BadRequest(`tool ${tool} needs a credential: add it to credentials`)
    }
  }

  /**
   * What the schema cannot say about a definition: a userId must be the caller's own (403,
   * nothing stored), and config must stay small.
   */
  private checkDefinition (owner: Owner, def: AgentDefinition): void {
    if (def.userId !== undefined && def.userId !== owner.id) {
      throw new Forbidden(`userId "${def.userId}" is not the user of your API key: an agent belongs to the key that creates it; leave userId out or give your own (${owner.id})`)
    }
    const configBytes = def.config === undefined ? 0 : Buffer.byteLength(JSON.stringify(def.config))
    if (configBytes > MAX_AGENT_CONFIG_BYTES) throw new BadRequest(`config is ${configBytes} bytes of JSON, more than the ${MAX_AGENT_CONFIG_BYTES} an agent's config may have`)
  }

  private docFields (def: AgentDefinition) {
    const type = (def.type ?? 'assistant').toLowerCase()
    const capabilities = def.capabilities ?? []
    return {
      name: def.name,
      type,
      capabilities,
      instructions: def.instructions ?? fromConfig(def.config, 'instructions', 20_000) ?? defaultInstructions(def.name, type, capabilities),
      model: def.model ?? fromConfig(def.config, 'model', 200) ?? null,
      tools: [...new Set(def.tools ?? [])],
      credentials: Object.entries(def.credentials ?? {}).map(([action, credentialId]) => ({ action, credentialId })),
      limits: Value.Default(AgentLimits, { ...def.limits }) as AgentLimits,
      memoryKey: def.memoryKey ?? null,
      configJson: JSON.stringify(def.config ?? {})
    }
  }

  async create (owner: Owner, def: AgentDefinition, opts: { id?: string, transient?: boolean } = {}): Promise<AgentDoc> {
    this.checkDefinition(owner, def)
    await this.check(owner, def.tools ?? [], def.credentials ?? {})
    const now = new Date()
    return this.agents.insert(owner, { _id: opts.id ?? `agt_${randomUUID()}`, ...this.docFields(def), transient: opts.transient ?? false, createdAt: now, updatedAt: now })
  }

  /** The agents a prompt's plan asks for, created once per execution (a resumed plan step finds them). */
  async createTransient (owner: Owner, executionId: string, spec: TransientAgent): Promise<string> {
    const id = `agt_${executionId.replace(/^exe_/, '')}_${spec.name}`
    try {
      await this.create(owner, { name: spec.name, instructions: spec.instructions, tools: spec.tools, type: 'transient' }, { id, transient: true })
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
    }
    return id
  }

  async get (owner: Owner, id: string): Promise<AgentDoc> {
    return this.agents.get(owner, id)
  }

  /** Whether the owner has this agent (transient ones included). */
  async has (owner: Owner, id: string): Promise<boolean> {
    return await this.agents.collection.findOne(this.agents.scope(owner, { _id: id }), { projection: { _id: 1 } }) !== null
  }

  async list (owner: Owner, transient = false): Promise<AgentDoc[]> {
    return this.agents.find(owner, transient ? {} : { transient: false }, { sort: { createdAt: -1 } })
  }

  async update (owner: Owner, id: string, def: AgentDefinition): Promise<AgentDoc> {
    await this.agents.get(owner, id)
    this.checkDefinition(owner, def)
    await this.check(owner, def.tools ?? [], def.credentials ?? {})
    await this.agents.update(owner, id, { $set: { ...this.docFields(def), updatedAt: new Date() } })
    return this.agents.get(owner, id)
  }

  async delete (owner: Owner, id: string): Promise<void> {
    await this.agents.delete(owner, id)
    await this.memory.deleteMany({ ownerId: owner.id, agentId: id })
  }

  readonly stepHandler: StepHandler = {
    // An LLM call costs money: its start is recorded, like any outside call.
    sideEffects: true,
    validate: (step) => step.agent === undefined ? 'an agent step needs an agent (its id)' : undefined,
    run: (ctx) => this.turn(ctx)
  }

  private async turn (ctx: StepContext): Promise<Expand> {
    const agent = await this.agents.collection.findOne({ _id: ctx.step.agent ?? '', ownerId: ctx.ownerId })
    if (agent === null) throw new StepError(`agent ${ctx.step.agent ?? ''} not found`, 'R3SN_AGENT_NOT_FOUND', false)
    const input = (ctx.input ?? {}) as AgentStepInput
    const base = input.turnOf ?? ctx.step.id
    const turn = input.turn ?? 1
    let previous: TurnOutput | undefined
    let messages: ChatMessage[]
    if (turn === 1) {
      this.runs++
      const memoryKey = input.memoryKey ?? agent.memoryKey
      messages = [{ role: 'system', content: agent.instructions }, ...await this.recall(agent, memoryKey), { role: 'user', content: userMessage(input) }]
    } else {
      previous = (ctx.scope.steps as Record<string, { output: TurnOutput }>)[turn === 2 ? base : `${base}_turn${turn - 1}`]?.output
      if (previous === undefined) throw new StepError(`agent turn ${turn} cannot find turn ${turn - 1}`, 'R3SN_RUN_ABORTED', false)
      messages = [...previous.messages, ...this.toolResults(previous.toolCalls, ctx.scope.steps as Record<string, { output: unknown, error?: { message: string } }>)]
    }

    const tools: ChatTool[] = []
    for (const name of agent.tools) {
      const plugin = pluginTool(name)
      const spec = plugin === undefined ? this.hub.get(name) : await this.pluginAction(agent.ownerId, plugin.pluginId, plugin.action)
      if (spec !== undefined) tools.push({ name: toolName(name), description: spec.description, parameters: spec.input as ChatTool['parameters'] })
    }
    ctx.budget?.beforeLlmCall()
    const reply = await this.llm.chat({ purpose: 'agent', messages, tools, model: agent.model ?? undefined, signal: ctx.signal })
    await ctx.recordUsage(reply.usage)
    await ctx.emit('llm.call', { purpose: 'agent', agentId: agent._id, turn, model: reply.model, promptTokens: reply.usage.promptTokens, completionTokens: reply.usage.completionTokens, durationMs: reply.durationMs })
    const usage = {
      promptTokens: (previous?.usage.promptTokens ?? 0) + reply.usage.promptTokens,
      completionTokens: (previous?.usage.completionTokens ?? 0) + reply.usage.completionTokens
    }
    messages.push({
      role: 'assistant',
      content: reply.content,
      ...(reply.toolCalls.length === 0 ? {} : { tool_calls: reply.toolCalls.map(c => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) })
    })
    const memoryKey = turn === 1 ? (input.memoryKey ?? agent.memoryKey) : (previous?.memoryKey ?? null)
    const output: TurnOutput = { turn, messages, toolCalls: [], usage, memoryKey }
    if (usage.promptTokens + usage.completionTokens > agent.limits.maxTokens) {
      throw new StepError(`agent ${agent.name} stopped: it used ${usage.promptTokens + usage.completionTokens} tokens, over limits.maxTokens (${agent.limits.maxTokens})`, 'R3SN_AGENT_MAX_TOKENS', false)
    }

    if (reply.toolCalls.length === 0) {
      output.answer = reply.content ?? ''
      if (memoryKey !== null) await this.remember(agent, memoryKey, messages)
      await ctx.emit('agent.answered', { agentId: agent._id, turns: turn })
      const thisStep = turn === 1 ? base : `${base}_turn${turn}`
      // The answer gets a fixed step id, so later steps read it as steps.<agent step id>_answer.output.
      return new Expand(output, [{ id: `${base}_answer`, type: 'transform', expression: `steps.${thisStep}.output.{ "answer": answer, "turns": turn, "usage": usage }` }])
    }
    if (turn >= agent.limits.maxSteps) {
      throw new StepError(`agent ${agent.name} stopped: it reached limits.maxSteps (${agent.limits.maxSteps}) while still calling tools`, 'R3SN_AGENT_MAX_STEPS', false)
    }

    const added: WorkflowStep[] = []
    for (const [k, call] of reply.toolCalls.entries()) {
      const action = agent.tools.find(t => toolName(t) === call.name)
      let args: unknown
      try { args = JSON.parse(call.arguments === '' ? '{}' : call.arguments) } catch { args = undefined }
      if (action === undefined || args === undefined) {
        output.toolCalls.push({ id: call.id, name: call.name, error: action === undefined ? `unknown tool ${call.name}` : 'the arguments are not valid JSON' })
        continue
      }
      const stepId = `${base}_t${turn}_${k + 1}`
      const credentialId = agent.credentials.find(c => c.action === action)?.credentialId
      const plugin = pluginTool(action)
      added.push({
        id: stepId,
        ...(plugin === undefined ? { type: 'integration', action } : { type: 'plugin', plugin: plugin.pluginId, action: plugin.action }),
        input: literal(args),
        ...(credentialId === undefined ? {} : { credential: credentialId }),
        // A failed tool call is reported back to the agent, which decides what to do next.
        retry: { maxAttempts: 3, backoff: 'exponential', initialDelayMs: 200 }, onError: 'continue'
      })
      output.toolCalls.push({ id: call.id, name: call.name, action, stepId })
    }
    await ctx.emit('agent.tool_calls', { agentId: agent._id, turn, calls: output.toolCalls.map(c => ({ name: c.action ?? c.name, stepId: c.stepId, error: c.error })) })
    added.push({ id: `${base}_turn${turn + 1}`, type: 'agent', agent: agent._id, input: { turnOf: base, turn: turn + 1 } })
    return new Expand(output, added)
  }

  /** The manifest of a plugin's latest version, or undefined when the user has no such plugin. */
  private async pluginManifest (ownerId: string, pluginId: string): Promise<PluginManifest | undefined> {
    const version = await this.plugins.version(ownerId, pluginId).catch(() => undefined)
    return version === undefined ? undefined : manifestOf(version)
  }

  private async pluginAction (ownerId: string, pluginId: string, action: string): Promise<PluginManifest['actions'][number] | undefined> {
    return (await this.pluginManifest(ownerId, pluginId))?.actions.find(a => a.name === action)
  }

  private toolResults (calls: ToolCallRecord[], steps: Record<string, { output: unknown, error?: { message: string } }>): ChatMessage[] {
    return calls.map(call => {
      const ran = call.stepId === undefined ? undefined : steps[call.stepId]
      const content = call.error !== undefined
        ? { error: call.error }
        : ran?.error !== undefined ? { error: ran.error.message } : ran?.output ?? null
      return { role: 'tool' as const, tool_call_id: call.id, content: JSON.stringify(content) }
    })
  }

  private async recall (agent: AgentDoc, key: string | null): Promise<ChatMessage[]> {
    if (key === null) return []
    const doc = await this.memory.findOne({ _id: `${agent.ownerId}:${agent._id}:${key}` })
    return doc === null ? [] : JSON.parse(doc.messagesJson) as ChatMessage[]
  }

  /** Keeps the conversation (without the system prompt) for the next run with the same key. */
  private async remember (agent: AgentDoc, key: string, messages: ChatMessage[]): Promise<void> {
    const kept = messages.filter(m => m.role !== 'system').slice(-MEMORY_LIMIT)
    // A window must not start with tool results whose call was cut off.
    while (kept[0] !== undefined && kept[0].role === 'tool') kept.shift()
    await this.memory.updateOne(
      { _id: `${agent.ownerId}:${agent._id}:${key}` },
      { $set: { ownerId: agent.ownerId, agentId: agent._id, key, messagesJson: JSON.stringify(kept), updatedAt: new Date() } },
      { upsert: true }
    )
  }

  async status () {
    return { initialized: true, llmConfigured: this.llm.configured, agents: await this.agents.collection.countDocuments({ transient: false }), runs: this.runs }
  }
}

function userMessage (input: AgentStepInput): string {
  if (input.prompt !== undefined) return input.context === undefined ? input.prompt : `${input.prompt}\n\nContext (JSON): ${JSON.stringify(input.context)}`
  return input.params === undefined ? input.action ?? '' : `${input.action ?? ''}\n\nParameters (JSON): ${JSON.stringify(input.params)}`
}

declare module 'fastify' {
  interface FastifyInstance { agentEngine: AgentEngine }
}

async function agentEngine (app: FastifyInstance, _opts: { config: Config }) {
  const engine = new AgentEngine(app.mongo.db, app.llm, app.integrationHub, app.pluginFactory)
  await engine.init()
  app.decorate('agentEngine', engine)
  app.engineStatus.register('agentEngine', () => engine.status())
}

export default fp(agentEngine, { name: 'agent-engine', dependencies: ['mongo', 'engine-status', 'llm', 'integration-hub', 'plugin-factory'] })
