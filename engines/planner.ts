import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import type { RunEventBus } from '../lib/run-events.js'
import type { Owner } from '../lib/mongo.js'
import type { ChatMessage, Llm } from '../plugins/llm.js'
import { PlanDraft, type Strategy } from '../schemas/execute.js'
import type { WorkflowStep } from '../schemas/workflows.js'
import type { AgentEngine } from './agent-engine.js'
import { manifestOf, type PluginFactory } from './plugin-factory.js'
import type { SelfEvolving } from './self-evolving.js'
import type { IntegrationHub } from './integration-hub.js'
import { schemaProblems } from '../lib/schema-check.js'
import { validateDefinition } from './runtime/definition.js'
import { expressionsIn } from './runtime/expressions.js'
import { Expand, StepError, type StepContext, type StepHandler, type StepRegistry } from './runtime/steps.js'
import type { NewExecution } from './runtime/store.js'

/** The step every prompt execution starts with; its output is the strategy, and it adds the plan after itself. */
export const PLAN_STEP_ID = 'plan'
export const planStep = (): WorkflowStep => ({ id: PLAN_STEP_ID, type: 'plan' as WorkflowStep['type'] })

/** What a prompt execution is triggered with. */
export interface PromptTrigger { prompt: string, context: Record<string, unknown>, stream?: boolean }

/** A prompt's execution: its first step plans it (LLM or offline) and adds the plan after itself; `stream` sends the plan's tokens as they come. */
export function promptExecution (prompt: string, context: Record<string, unknown> = {}, opts: { stream?: boolean } = {}): NewExecution {
  const trigger: PromptTrigger = { prompt, context, ...(opts.stream === true ? { stream: true } : {}) }
  return { type: 'prompt', prompt, trigger, plan: [planStep()] }
}

const invalid = (reason: string) => new StepError(`the plan was rejected: ${reason}`, 'R3SN_PLAN_INVALID', false)
const hasExpressions = (input: unknown) => { let found = false; expressionsIn(input, () => { found = true }); return found }

interface Match { at: number, step: WorkflowStep }
interface CatalogPlugin { id: string, name: string, actions: { name: string, description: string, input: unknown }[], credential: string | null }
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Turns a prompt into a strategy: the LLM plans with the catalog in view (structured
 * output), or, without a key, a deterministic offline planner matches the prompt against
 * the catalog. Either plan is validated before anything runs. A streamed plan's tokens
 * go on the run event bus as they arrive ('tokens', then 'tokensEnd').
 */
export class Planner {
  readonly planned = { llm: 0, offline: 0, learned: 0, rejected: 0 }
  /** The orchestrator's step types, which plans are checked against (set by planStep). */
  private registry: StepRegistry | undefined

  constructor (
    private readonly llm: Llm,
    private readonly hub: IntegrationHub,
    private readonly agents: AgentEngine,
    private readonly plugins: PluginFactory,
    private readonly evolving: SelfEvolving,
    private readonly bus: RunEventBus
  ) {}

  /** The `plan` step type, checked against the orchestrator's step registry. */
  planStep (registry: StepRegistry): StepHandler {
    this.registry = registry
    return {
      sideEffects: true,
      validate: () => 'plan steps are created by POST /api/execute only',
      run: (ctx) => this.plan(ctx)
    }
  }

  private async plan (ctx: StepContext): Promise<Expand> {
    const owner: Owner = { id: ctx.ownerId, admin: false }
    const trigger = ctx.scope.trigger as PromptTrigger
    let strategy: Strategy
    try {
      strategy = await this.analyze(owner, trigger.prompt, trigger.context, ctx)
    } catch (err) {
      if (err instanceof StepError && err.code === 'R3SN_PLAN_INVALID') this.planned.rejected++
      throw err
    }
    // Prepare: the agents this plan defines exist for this execution only.
    const agentIds = new Map<string, string>()
    for (const spec of strategy.agents) agentIds.set(spec.name, await this.agents.createTransient(owner, ctx.executionId, spec))
    const steps = strategy.steps.map(s => s.type === 'agent' && agentIds.has(s.agent ?? '') ? { ...s, agent: agentIds.get(s.agent ?? '') as string } : s)
    await ctx.emit('prompt.planned', { planner: strategy.planner, source: strategy.source, intent: strategy.intent, steps: steps.map(s => s.id) })
    return new Expand({ ...strategy, steps }, steps)
  }

  /** A validated strategy for the prompt; throws R3SN_PLAN_INVALID with the reason. */
  async analyze (owner: Owner, prompt: string, context: Record<string, unknown>, ctx?: StepContext): Promise<Strategy> {
    // A proven plan for this prompt is reused without planning, as long as it still checks out.
    const learned = await this.evolving.learnedPlan(owner, prompt)
    if (learned !== undefined) {
      const draft: PlanDraft = { intent: learned.intent, agents: [], integrations: learned.integrations, plugins: learned.plugins, steps: learned.steps }
      if (await this.check(owner, draft).then(() => true, () => false)) {
        this.planned.learned++
        return { ...learned, agents: [] }
      }
    }
    const credentials = await this.hub.credentialSummaries(owner)
    const plugins = await this.pluginCatalog(owner)
    let draft: PlanDraft
    let model: string | undefined
    if (this.llm.configured) {
      ctx?.budget?.beforeLlmCall()
      const reply = await this.llm.chat({
        purpose: 'plan',
        messages: await this.plannerMessages(owner, prompt, context, credentials, plugins),
        schema: { name: 'Strategy', schema: PlanDraft },
        signal: ctx?.signal,
        ...(ctx !== undefined && (ctx.scope.trigger as PromptTrigger).stream === true
          ? { onToken: (text: string) => this.bus.emit('tokens', ctx.ownerId, ctx.executionId, text) }
          : {})
      })
      if (ctx !== undefined) {
        this.bus.emit('tokensEnd', ctx.executionId)
        await ctx.recordUsage(reply.usage)
        await ctx.emit('llm.call', { purpose: 'plan', model: reply.model, promptTokens: reply.usage.promptTokens, completionTokens: reply.usage.completionTokens, durationMs: reply.durationMs })
      }
      draft = reply.parsed as PlanDraft
      model = reply.model
      this.planned.llm++
    } else {
      draft = this.offlinePlan(prompt, credentials, plugins)
      this.planned.offline++
    }
    await this.check(owner, draft)
    return {
      intent: draft.intent,
      planner: this.llm.configured ? 'llm' : 'offline',
      agents: draft.agents,
      // What the plan really uses, whatever the planner claimed.
      integrations: [...new Set(draft.steps.flatMap(s => s.type === 'integration' && s.action !== undefined ? [s.action] : []))],
      plugins: [...new Set(draft.steps.flatMap(s => s.type === 'plugin' && s.plugin !== undefined ? [s.plugin] : []))],
      steps: draft.steps,
      ...(model === undefined ? {} : { model }),
      source: 'planned'
    }
  }

  /** Rejects a plan that could not run: bad steps, unknown actions or agents, missing credentials. */
  private async check (owner: Owner, draft: PlanDraft): Promise<void> {
    if (this.registry === undefined) throw new Error('the orchestrator has not registered the plan step')
    const problems = schemaProblems(PlanDraft, draft)
    if (problems !== undefined) throw invalid(problems)
    if (draft.steps.some(s => s.id === PLAN_STEP_ID)) throw invalid(`step id "${PLAN_STEP_ID}" is reserved`)
    try {
      validateDefinition({ name: 'plan', steps: draft.steps }, this.registry)
    } catch (err) {
      throw invalid((err as Error).message)
    }
    const names = new Set(draft.agents.map(a => a.name))
    for (const spec of draft.agents) {
      await this.agents.check(owner, spec.tools, {}).catch((err: Error) => { throw invalid(`agent ${spec.name}: ${err.message}`) })
    }
    for (const step of draft.steps) {
      if (step.type === 'integration') {
        const problem = this.hub.problem(step.action, step.input, step.credential, !hasExpressions(step.input))
        if (problem !== undefined) throw invalid(`step "${step.id}": ${problem}`)
        const spec = this.hub.get(step.action as string)?.credential
        if (step.credential !== undefined && spec !== undefined) {
          await this.hub.checkCredential(owner.id, step.credential, spec.type).catch((err: Error) => { throw invalid(`step "${step.id}": ${err.message}`) })
        }
      }
      if (step.type === 'plugin') {
        const version = await this.plugins.version(owner.id, step.plugin ?? '', step.pluginVersion).catch(() => undefined)
        if (version === undefined) throw invalid(`step "${step.id}": no plugin "${step.plugin ?? ''}"${step.pluginVersion === undefined ? '' : ` v${step.pluginVersion}`} of yours`)
        const action = manifestOf(version).actions.find(a => a.name === step.action)
        if (action === undefined) throw invalid(`step "${step.id}": plugin ${version.pluginId} has no action "${step.action ?? ''}"`)
        const problem = hasExpressions(step.input) ? undefined : this.plugins.schemaProblems(action.input, step.input ?? {})
        if (problem !== undefined) throw invalid(`step "${step.id}": invalid parameters for ${action.name}: ${problem}`)
      }
      if (step.type === 'agent' && !names.has(step.agent ?? '')) {
        if (!await this.agents.has(owner, step.agent ?? '')) throw invalid(`step "${step.id}": no agent "${step.agent ?? ''}" (neither yours nor defined in the plan)`)
      }
    }
  }

  /** The user's plugins as the planners see them: id, name and the latest version's actions. */
  private async pluginCatalog (owner: Owner): Promise<CatalogPlugin[]> {
    const docs = await this.plugins.list(owner, { limit: 100 })
    const catalog: CatalogPlugin[] = []
    for (const doc of docs) {
      const version = await this.plugins.version(owner.id, doc._id).catch(() => undefined)
      if (version === undefined) continue
      const manifest = manifestOf(version)
      catalog.push({ id: doc._id, name: doc.name, actions: manifest.actions.map(a => ({ name: a.name, description: a.description, input: a.input })), credential: manifest.credential?.type ?? null })
    }
    return catalog
  }

  private async plannerMessages (owner: Owner, prompt: string, context: Record<string, unknown>, credentials: { id: string, name: string, type: string }[], plugins: CatalogPlugin[]): Promise<ChatMessage[]> {
    const actions = this.hub.list().map(a => ({ name: a.name, description: a.description, input: JSON.parse(JSON.stringify(a.input)) as unknown, credentialType: a.credential?.type ?? null }))
    const agents = (await this.agents.list(owner)).map(a => ({ id: a._id, name: a.name, type: a.type, capabilities: a.capabilities, tools: a.tools }))
    const reliability = await this.evolving.toolReliability(owner)
    const system = [
      'You plan automations for R3SN. Answer with a JSON object matching the given schema: the intent, any agents to create, and the steps.',
      'Steps run in order. Types: "integration" (an action from the catalog with its input, and a credential id when the action needs one),',
      '"transform" (expression: JSONata producing the output), "condition" (expression producing true/false; then/else name the next step),',
      '"agent" (agent: an existing agent id, or the name of an agent you define in "agents"; input: {"prompt": "..."}),',
      '"plugin" (plugin: a plugin id, action: one of its actions, input: its parameters),',
      '"approval" (waits until a person approves: message says what is asked; approvers: user ids, default the user who asked;',
      'optional timeoutMs and onTimeout). Put an approval step right before a risky action: sending email or messages, calling',
      'a webhook or another outside service that changes something, a paid API. Rejected, the run stops there.',
      'A step reads earlier outputs as steps.<id>.output; any input string that starts with "=" is a JSONata expression over',
      '{trigger: {prompt, context}, steps}. The last step\'s output is the answer. Use only what is listed below; never invent secrets.',
      `Integration actions: ${JSON.stringify(actions)}`,
      // Only ids, names and types: a secret never reaches the LLM.
      `Credentials (use the id): ${JSON.stringify(credentials)}`,
      `Agents: ${JSON.stringify(agents)}`,
      `Plugins: ${JSON.stringify(plugins)}`,
      ...(reliability.length === 0
        ? []
        : [`Tool reliability in this user's past runs (worst first; when another tool can do the job, avoid one that keeps failing): ${JSON.stringify(reliability)}`])
    ].join('\n')
    return [{ role: 'system', content: system }, { role: 'user', content: Object.keys(context).length === 0 ? prompt : `${prompt}\n\nContext (JSON): ${JSON.stringify(context)}` }]
  }

  /**
   * The offline planner: deterministic rules that find integration actions in the prompt
   * (a URL, a time question, a delay, an email address, a Slack channel, a log request),
   * in the order they appear. No match is a rejected plan.
   */
  offlinePlan (prompt: string, credentials: { id: string, name: string, type: string }[], plugins: CatalogPlugin[] = []): PlanDraft {
    const matches: Match[] = []
    // A plugin named in the prompt together with one of its actions (one that needs no parameters).
    for (const plugin of plugins) {
      const named = new RegExp(`\\b${escapeRegExp(plugin.name)}\\b`, 'i').exec(prompt)
      if (named === null) continue
      for (const action of plugin.actions) {
        const mentioned = new RegExp(`\\b${escapeRegExp(action.name)}\\b`, 'i').exec(prompt)
        if (mentioned === null) continue
        if (this.plugins.schemaProblems(action.input, {}) !== undefined) throw invalid(`plugin ${plugin.name} action ${action.name} needs parameters the offline planner cannot fill; set OPENAI_API_KEY or run it with POST /api/plugins/${plugin.id}/execute`)
        matches.push({ at: mentioned.index, step: { id: `plugin_${action.name}`.slice(0, 64), type: 'plugin', plugin: plugin.id, action: action.name, input: {} } })
      }
    }
    const credentialOf = (type: string, action: string) => {
      const found = credentials.find(c => c.type === type)
      if (found === undefined) throw invalid(`${action} needs a credential of type ${type}; add one with POST /api/credentials`)
      return found.id
    }
    const url = /https?:\/\/[^\s"'<>]+/.exec(prompt)
    if (url !== null) {
      const method = /\b(post|send|submit)\b/i.test(prompt) ? 'POST' : 'GET'
      matches.push({ at: url.index, step: { id: 'http_request', type: 'integration', action: 'http.request', input: { method, url: url[0].replace(/[.,;)]+$/, '') } } })
    }
    const time = /\b(time|timestamp|date|clock|now)\b/i.exec(prompt)
    if (time !== null) matches.push({ at: time.index, step: { id: 'core_time', type: 'integration', action: 'core.time', input: {} } })
    const delay = /\b(wait|delay|sleep|pause)\b\D{0,20}(\d+)\s*(ms|milliseconds?|s|secs?|seconds?)\b/i.exec(prompt)
    if (delay !== null) {
      const ms = Number(delay[2]) * (/^m/i.test(delay[3] as string) ? 1 : 1000)
      matches.push({ at: delay.index, step: { id: 'core_delay', type: 'integration', action: 'core.delay', input: { ms } } })
    }
    const email = /\bemail\b/i.test(prompt) ? /[\w.+-]+@[\w-]+(\.[\w-]+)+/.exec(prompt) : null
    if (email !== null) {
      matches.push({ at: email.index, step: { id: 'email_send', type: 'integration', action: 'email.send', credential: credentialOf('smtp', 'email.send'), input: { to: email[0], subject: 'Message from R3SN', text: prompt } } })
    }
    const slack = /\bslack\b/i.test(prompt) ? /(^|\s)#([\w-]+)/.exec(prompt) : null
    if (slack !== null) {
      matches.push({ at: slack.index, step: { id: 'slack_post', type: 'integration', action: 'slack.postMessage', credential: credentialOf('slack', 'slack.postMessage'), input: { channel: `#${slack[2] as string}`, text: prompt } } })
    }
    const log = /\blog\b/i.exec(prompt)
    if (log !== null) matches.push({ at: log.index, step: { id: 'core_log', type: 'integration', action: 'core.log', input: { message: prompt } } })
    if (matches.length === 0) {
      throw invalid('the offline planner found no integration or plugin for this prompt (it knows URLs, time, delays, email, Slack, log, and your plugins by name and action); set OPENAI_API_KEY for open-ended prompts')
    }
    const steps = matches.filter(m => m.step.type === 'plugin' || this.hub.get(m.step.action as string) !== undefined).sort((a, b) => a.at - b.at).map(m => m.step)
    return {
      intent: `offline: ${steps.map(s => s.type === 'plugin' ? `${s.plugin as string}.${s.action as string}` : s.action).join(', ')}`,
      agents: [],
      integrations: steps.flatMap(s => s.type === 'integration' ? [s.action as string] : []),
      plugins: steps.flatMap(s => s.type === 'plugin' ? [s.plugin as string] : []),
      steps
    }
  }

  status () {
    return {
      initialized: true,
      planner: this.llm.configured ? 'llm' : 'offline',
      model: this.llm.configured ? this.llm.model : null,
      plans: this.planned,
      llm: { calls: this.llm.calls, failures: this.llm.failures }
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance { planner: Planner }
}

async function planner (app: FastifyInstance, _opts: { config: Config }) {
  const instance = new Planner(app.llm, app.integrationHub, app.agentEngine, app.pluginFactory, app.selfEvolving, app.runEvents)
  app.decorate('planner', instance)
  // The status key predates the rename and is part of GET /api/engines/status: it stays.
  app.engineStatus.register('universalExecutor', () => instance.status())
}

export default fp(planner, { name: 'planner', dependencies: ['engine-status', 'run-events', 'llm', 'integration-hub', 'plugin-factory', 'agent-engine', 'self-evolving'] })
