import { createHash } from 'node:crypto'
import type { RunEventBus } from '../../lib/run-events.js'
import type { ChatMessage, Llm } from '../../plugins/llm.js'
import { PluginDraft, PluginProposal, type GeneratePluginRequest } from '../../schemas/plugins.js'
import type { WorkflowStep } from '../../schemas/workflows.js'
import { decodeJson, type ExecutionDoc, type NewExecution } from '../runtime/store.js'
import { Expand, StepError, type StepContext, type StepHandler } from '../runtime/steps.js'
import { toPlugin, toVersion, type PluginSourceParts, type PluginStore } from './storage.js'
import type { Verifier } from './verification.js'

export const MAX_FAILURES_SHOWN = 20

/** The step type of a generation round: internal, queued by the orchestrator, never part of a user's workflow. */
export const GENERATION_STEP = 'plugin-generate'

/** A round's output: its failed checks and answer (for the next round), or the plugin it stored. */
interface GenerationRound { round: number, failures: string[], answer?: PluginSourceParts, pluginId?: string }

/** What a plugin is written for: the request's actions and platform, or the LLM's proposal for those it left out. */
export interface AppSpec { actions: string[], platform: string, proposed: ('actions' | 'platform')[] }

/** The step that asks the LLM for the actions and platform a request left out (its output is the proposal). */
export const PROPOSAL_STEP_ID = 'propose'
const proposalStep: WorkflowStep = { id: PROPOSAL_STEP_ID, type: GENERATION_STEP as WorkflowStep['type'], input: { propose: true } }

export const generationRoundStep = (round: number): WorkflowStep =>
  ({ id: `round${round}`, type: GENERATION_STEP as WorkflowStep['type'], input: { round } })

/** A plugin generation: a proposal step when the request leaves actions or platform out, then one step per LLM answer, each added by the round before it. */
export function generationExecution (req: GeneratePluginRequest): NewExecution {
  const propose = req.actions === undefined || req.platform === undefined
  return { type: 'plugin-generation', trigger: req, plan: propose ? [proposalStep, generationRoundStep(1)] : [generationRoundStep(1)] }
}

/** The request's actions and platform where it gives them (as given), the proposal's where it does not. */
export function appSpec (req: GeneratePluginRequest, proposal: PluginProposal | undefined): AppSpec {
  const proposed = [...(req.actions === undefined ? ['actions' as const] : []), ...(req.platform === undefined ? ['platform' as const] : [])]
  return { actions: req.actions ?? proposal?.actions ?? [], platform: req.platform ?? proposal?.platform ?? '', proposed }
}

const PROPOSAL_PROMPT = [
  'You plan R3SN plugins: small JavaScript modules that call an app\'s HTTP API, one function per action.',
  'Given an app, propose the actions a plugin for it should offer (1 to 20, each a short phrase saying what it does, e.g. "send a message to a channel") and its platform (how it is reached, e.g. rest-api, web, saas, graphql).',
  'Prefer the actions most users of the app need. Keep what the request already gives. Answer with JSON: { actions: [string], platform: string }.'
].join('\n')

/** The proposal cleaned up: actions trimmed, blank and repeated ones dropped; the problem when nothing usable is left. */
function usableProposal (parsed: PluginProposal): PluginProposal | string {
  const actions: string[] = []
  for (const action of parsed.actions.map(a => a.trim())) {
    if (action !== '' && !actions.some(a => a.toLowerCase() === action.toLowerCase())) actions.push(action)
  }
  const platform = parsed.platform.trim()
  if (actions.length === 0) return 'it proposed no action'
  if (platform === '') return 'it proposed a blank platform'
  return { actions, platform }
}

const SYSTEM_PROMPT = [
  'You write R3SN plugins: plain JavaScript ES modules that run in a QuickJS sandbox with no filesystem, no process, no require, no timers and no npm packages.',
  'Export one function per action: `export async function <action> (input, ctx) { ... return result }`. The result must be JSON.',
  'Network only through `await ctx.fetch(url, { method, headers, body, credential })`, which answers { status, headers, body (text), json }.',
  'Only hosts listed in manifest.egress can be fetched; `credential: true` makes the host add the user\'s credential (never put secrets in code). `ctx.log(...)` logs (there is no console).',
  'Answer with JSON: { code, manifest: { actions: [{ name, description, input (JSON Schema), output (JSON Schema) }], egress: [hosts], credential?: { type: "http" } }, tests }.',
  'tests: at least one per action, run in the sandbox before the plugin is accepted: { action, input, expect (exact result) | assert (JSONata over {input, output} that must be true) | expectError }.',
  'Tests cannot reach the network: test the logic that needs none.'
].join('\n')

/** The conversation of a generation so far: the request (with the proposal where it left things out), then each earlier round's answer and its failures. */
function generationMessages (req: GeneratePluginRequest, spec: AppSpec, steps: Record<string, { output: GenerationRound }>, round: number): ChatMessage[] {
  const { mode, timeoutMs, ...app } = req
  const messages: ChatMessage[] = [{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: `Write a plugin for this app (JSON): ${JSON.stringify({ ...app, actions: spec.actions, platform: spec.platform })}` }]
  for (let r = 1; r < round; r++) {
    const earlier = steps[`round${r}`]?.output
    if (earlier === undefined) continue
    messages.push(
      { role: 'assistant', content: earlier.answer === undefined ? '(no valid plugin)' : JSON.stringify(earlier.answer) },
      { role: 'user', content: `The plugin failed its checks in the sandbox:\n- ${earlier.failures.join('\n- ')}\nAnswer with the whole corrected plugin.` }
    )
  }
  return messages
}

/**
 * Plugin generation as a durable execution: each round (a 'plugin-generate' step) asks the
 * LLM for the plugin with the failures of the earlier rounds (their step outputs), checks it
 * in the sandbox and stores it once everything passes; otherwise the next round is added to
 * the run, up to `repairRounds` more, then the run fails with the last failures. A round that
 * resumes after a crash never asks again what an earlier round was told. Progress
 * (plugin:progress, plugin:generated) goes on the run event bus.
 */
export class Generation {
  readonly counts = { generated: 0, rejected: 0, repairRounds: 0 }

  constructor (
    private readonly store: PluginStore,
    private readonly verifier: Verifier,
    private readonly llm: Llm,
    private readonly bus: RunEventBus,
    private readonly repairRounds: number
  ) {}

  readonly handler: StepHandler = {
    sideEffects: true,
    run: (ctx) => (ctx.input as { propose?: boolean }).propose === true ? this.propose(ctx) : this.round(ctx)
  }

  /**
   * The 'propose' step: asks the LLM for the actions and platform the request left out. A
   * proposal that does not fit (not JSON, no action, more than 20, a blank platform) ends the
   * generation with a 422 that says so: another call would likely answer the same.
   */
  private async propose (ctx: StepContext): Promise<PluginProposal> {
    const req = ctx.scope.trigger as GeneratePluginRequest
    const owner = ctx.ownerId
    this.bus.emit('user', owner, 'plugin:progress', { appName: req.appName, executionId: ctx.executionId, stage: 'proposing' })
    const { mode, timeoutMs, ...app } = req
    const refuse = (problem: string) => {
      this.counts.rejected++
      return new StepError(`the LLM proposed no usable actions and platform for ${req.appName}: ${problem}; give actions and platform in the request`, 'R3SN_UNPROCESSABLE', false, { stage: PROPOSAL_STEP_ID, problem })
    }
    ctx.budget?.beforeLlmCall()
    const reply = await this.llm.chat({
      purpose: 'plugin-proposal',
      messages: [{ role: 'system', content: PROPOSAL_PROMPT }, { role: 'user', content: `The app (JSON): ${JSON.stringify(app)}` }],
      schema: { name: 'PluginProposal', schema: PluginProposal },
      signal: ctx.signal
    }).catch((err: Error) => {
      if (err instanceof StepError && err.code === 'R3SN_LLM_INVALID_OUTPUT') throw refuse(err.message)
      throw err
    })
    await ctx.recordUsage(reply.usage)
    await ctx.emit('llm.call', { purpose: 'plugin-proposal', model: reply.model, promptTokens: reply.usage.promptTokens, completionTokens: reply.usage.completionTokens, durationMs: reply.durationMs })
    const proposal = usableProposal(reply.parsed as PluginProposal)
    if (typeof proposal === 'string') throw refuse(proposal)
    await ctx.emit('plugin.proposal', { ...proposal })
    return proposal
  }

  private async round (ctx: StepContext): Promise<GenerationRound | Expand> {
    const req = ctx.scope.trigger as GeneratePluginRequest
    const steps = ctx.scope.steps as Record<string, { output: unknown } | undefined>
    const spec = appSpec(req, steps[PROPOSAL_STEP_ID]?.output as PluginProposal | undefined)
    const { round } = ctx.input as { round: number }
    const owner = { id: ctx.ownerId, admin: false }
    const meta = { name: req.appName, description: req.description ?? `Generated for ${req.appName}: ${spec.actions.join('; ')}`.slice(0, 2000), platform: spec.platform }
    // One plugin id per generation, so a round re-run after a crash finds what it already stored.
    const id = `plg_${createHash('sha256').update(ctx.executionId).digest('hex').slice(0, 16)}`
    const stored = await this.store.firstVersion(id)
    if (stored !== null) {
      await this.store.ensurePlugin(owner, id, meta, stored)
      return { round, failures: [], pluginId: id }
    }

    const progress = (data: Record<string, unknown>) => this.bus.emit('user', owner.id, 'plugin:progress', { appName: req.appName, executionId: ctx.executionId, ...data })
    progress({ stage: round === 1 ? 'generating' : 'repairing', round })
    ctx.budget?.beforeLlmCall()
    const reply = await this.llm.chat({ purpose: 'plugin-generation', messages: generationMessages(req, spec, ctx.scope.steps as Record<string, { output: GenerationRound }>, round), schema: { name: 'Plugin', schema: PluginDraft }, signal: ctx.signal }).catch((err: Error) => {
      // A reply that is not a plugin is one more failed round, not the end.
      if (err instanceof StepError && err.code === 'R3SN_LLM_INVALID_OUTPUT') return { error: err.message }
      throw err
    })
    let answer: PluginSourceParts | undefined
    let failures: string[]
    if ('error' in reply) {
      failures = [reply.error]
    } else {
      await ctx.recordUsage(reply.usage)
      await ctx.emit('llm.call', { purpose: 'plugin', model: reply.model, promptTokens: reply.usage.promptTokens, completionTokens: reply.usage.completionTokens, durationMs: reply.durationMs })
      answer = reply.parsed as PluginSourceParts
      progress({ stage: 'testing', round, tests: answer.tests.length })
      const verdict = await this.verifier.verify(answer, ctx.signal)
      failures = verdict.failures
      if (failures.length === 0) {
        const { plugin, version } = await this.store.create(owner, meta, answer, 'generated', verdict.passed, id)
        this.counts.generated++
        await ctx.emit('plugin.round', { round, passed: true, pluginId: id })
        this.bus.emit('user', owner.id, 'plugin:generated', { plugin: toPlugin(plugin), version: version.version, rounds: round, executionId: ctx.executionId })
        return { round, failures: [], pluginId: id }
      }
    }
    const shown = failures.slice(0, MAX_FAILURES_SHOWN)
    await ctx.emit('plugin.round', { round, passed: false, failures: shown })
    progress({ stage: 'failed-checks', round, failures: shown })
    const result: GenerationRound = { round, failures: shown, ...(answer === undefined ? {} : { answer }) }
    if (round < 1 + this.repairRounds) {
      this.counts.repairRounds++
      return new Expand(result, [generationRoundStep(round + 1)])
    }
    this.counts.rejected++
    throw new StepError(`the plugin did not pass its checks in the sandbox after ${round} LLM answers: ${failures.slice(0, 3).join('; ')}`, 'R3SN_UNPROCESSABLE', false, { failures: shown, rounds: round })
  }

  /** What a generation that ended answers: the stored plugin, or the error it ended with (422 with the failed checks, 409 if cancelled, 502 for the LLM). */
  async result (ended: ExecutionDoc) {
    if (ended.status !== 'completed') {
      const error = ended.error ?? { message: `plugin generation ${ended.status}`, code: 'R3SN_ERROR' }
      const statusCode = error.code === 'R3SN_UNPROCESSABLE' ? 422 : error.code === 'R3SN_CANCELLED' ? 409 : error.code?.startsWith('R3SN_LLM_') === true ? 502 : 500
      throw Object.assign(new Error(error.message), { statusCode, code: error.code ?? 'R3SN_ERROR', details: { ...(error.details as object | undefined), executionId: ended._id } })
    }
    const { pluginId, round } = decodeJson(ended.resultJson) as GenerationRound
    const owner = { id: ended.ownerId, admin: false }
    const plugin = await this.store.get(owner, pluginId ?? '')
    const proposal = ended.steps.find(s => s.stepId === PROPOSAL_STEP_ID)?.outputJson
    return {
      executionId: ended._id,
      plugin: toPlugin(plugin),
      version: toVersion(await this.store.version(owner, plugin._id, 1)),
      rounds: round,
      spec: appSpec(decodeJson(ended.triggerJson) as GeneratePluginRequest, decodeJson(proposal) as PluginProposal | undefined),
      usage: { promptTokens: ended.usage?.promptTokens ?? 0, completionTokens: ended.usage?.completionTokens ?? 0 }
    }
  }
}
