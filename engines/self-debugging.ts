import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import type { Collection, Db } from 'mongodb'
import { Type, type TSchema } from '@sinclair/typebox'
import type { Config } from '../config.js'
import type { ChatMessage, Llm } from '../plugins/llm.js'
import type { Diagnosis } from '../schemas/executions.js'
import type { PluginTest } from '../schemas/plugins.js'
import type { IntegrationHub } from './integration-hub.js'
import { schemaProblems } from '../lib/schema-check.js'
import { manifestOf, testsOf, type PluginFactory } from './plugin-factory.js'
import { literal } from './runtime/expressions.js'
import { backoffDelay } from './runtime/failure-decision.js'
import { StepError, type Remedy, type StepDebugger, type StepFailure } from './runtime/steps.js'

type DiagnosisClass = Diagnosis['class']

const AUTH = /^(HTTP_401|HTTP_403|R3SN_LLM_AUTH|R3SN_BAD_CREDENTIAL|SLACK_(INVALID_AUTH|NOT_AUTHED|ACCOUNT_INACTIVE|TOKEN_REVOKED))$/
const POLICY = /^(R3SN_EGRESS_DENIED|R3SN_SANDBOX_(CPU|MEMORY|OUTPUT)|R3SN_AGENT_MAX_(STEPS|TOKENS)|R3SN_PLAN_INVALID|R3SN_CANCELLED)$/
const BAD_INPUT = /^(R3SN_BAD_INPUT|HTTP_4\d\d|SLACK_CHANNEL_NOT_FOUND|R3SN_LLM_BAD_REQUEST)$/
const PLUGIN_BUG = /^R3SN_PLUGIN_ERROR$/

/** The class of a failure, from its code (and whether the step may try again). */
export function classify (code: string, cause: unknown, stepType: string): DiagnosisClass {
  if (stepType === 'plugin' && PLUGIN_BUG.test(code)) return 'plugin-bug'
  if (AUTH.test(code)) return 'auth'
  if (POLICY.test(code)) return 'policy'
  if (BAD_INPUT.test(code)) return 'bad-input'
  if (cause instanceof StepError && cause.retryable) return 'transient'
  return 'unknown'
}

const RepairedInput = Type.Object({
  parameters: Type.Record(Type.String(), Type.Unknown(), { description: 'The corrected parameters, matching the schema.' }),
  reason: Type.String({ maxLength: 1000 })
}, { additionalProperties: false })

const PluginPatch = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 200_000, description: 'The whole corrected module.' }),
  explanation: Type.String({ maxLength: 2000 })
}, { additionalProperties: false })

const clip = (value: unknown, max = 500) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '').slice(0, max)

/** JSON with object keys sorted: equal values, equal text (for hashes of inputs and proposals). */
function canonical (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`
  return JSON.stringify(value) ?? 'null'
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** How much of a proposal a diagnosis keeps (and an earlier round shows the LLM). */
const PROPOSAL_KEPT = 20_000
const PROPOSAL_SHOWN = 4000
/** Failed proposals from earlier runs shown to the LLM as "do not propose these". */
const FAILED_SHOWN = 10

/** A repair that failed for a key: its hash (an identical proposal is refused) and what it was, for the LLM. */
interface FailedRepair { hash: string, proposal: string, feedback: string }

/**
 * What was learned about repairing one failure: the action (or plugin version), the error
 * code and the failing input, hashed into the _id (a lookup by _id, no index needed). The
 * repair that last worked is tried first next time, without an LLM call; those that failed
 * are never tried again for it, and the LLM is told not to propose them.
 */
interface RepairDoc {
  _id: string
  ownerId: string
  kind: 'input' | 'patch'
  /** The error code it repairs (the rest of the key is hashed). */
  code: string
  worked?: { hash: string, proposal: string, pluginVersion?: number, uses: number, at: Date }
  failed: FailedRepair[]
  updatedAt: Date
}

/** The `repairs` collection: what repaired (or failed to repair) a failure, per owner. */
export class LearnedRepairs {
  private readonly repairs: Collection<RepairDoc>

  constructor (db: Db) {
    this.repairs = db.collection('repairs')
  }

  async get (key: string): Promise<RepairDoc | null> {
    return await this.repairs.findOne({ _id: key })
  }

  /** A repair that worked for this key: tried first next time (it replaces the one before). */
  async worked (key: string, d: Diagnosis & { proposal: string, proposalHash: string }, ownerId: string, kind: RepairDoc['kind']): Promise<void> {
    const worked = { hash: d.proposalHash, proposal: d.proposal, ...(d.pluginVersion === undefined ? {} : { pluginVersion: d.pluginVersion }), uses: 0, at: new Date() }
    const current = await this.get(key)
    if (current?.worked?.hash === d.proposalHash) {
      await this.repairs.updateOne({ _id: key }, { $inc: { 'worked.uses': 1 }, $set: { updatedAt: new Date() } })
      return
    }
    await this.repairs.updateOne({ _id: key }, {
      $set: { worked, updatedAt: new Date() },
      $setOnInsert: { ownerId, kind, code: d.evidence.code, failed: [] }
    }, { upsert: true })
  }

  /** A repair that failed for this key: never tried again for it (and no longer the one tried first). */
  async failed (key: string, d: Diagnosis & { proposalHash: string }, ownerId: string, kind: RepairDoc['kind']): Promise<void> {
    const current = await this.get(key)
    if (current?.failed.some(f => f.hash === d.proposalHash) === true && current.worked?.hash !== d.proposalHash) return
    const entry: FailedRepair = { hash: d.proposalHash, proposal: (d.proposal ?? '').slice(0, PROPOSAL_SHOWN), feedback: (d.feedback ?? d.outcome).slice(0, 500) }
    if (current === null) {
      await this.repairs.updateOne({ _id: key }, { $setOnInsert: { ownerId, kind, code: d.evidence.code, failed: [], updatedAt: new Date() } }, { upsert: true })
    }
    await this.repairs.updateOne({ _id: key }, { $addToSet: { failed: entry }, $set: { updatedAt: new Date() } })
    if (current?.worked?.hash === d.proposalHash) await this.repairs.updateOne({ _id: key }, { $unset: { worked: '' } })
  }
}

/** An earlier round of this step, as the LLM is shown it. */
function earlierRound (d: Diagnosis) {
  return {
    round: d.round ?? null,
    ...(d.learned === true ? { learned: true } : {}),
    proposed: (d.proposal ?? '').slice(0, PROPOSAL_SHOWN),
    outcome: d.outcome === 'rejected' ? 'rejected before it was tried' : 'tried, and the step failed again',
    whatWentWrong: d.feedback ?? d.detail ?? ''
  }
}

/**
 * Looks at a step that failed for good and decides: a transient failure of a step without
 * its own retry policy is retried with backoff; bad input gets parameters corrected by the LLM
 * against the action's schema (validated, then tried); an exception inside plugin code gets a
 * patch from the LLM that must pass the plugin's self-tests plus the failing input in the
 * sandbox before it becomes a new version and the step runs on it.
 *
 * Repairs go in rounds, as plugin generation does: a proposal that is rejected (it does not
 * match the schema, fails the sandbox, or already failed for this input) or that was tried and
 * failed again goes back to the LLM with what went wrong, up to `R3SN_SELF_DEBUG_MAX_ROUNDS`
 * rounds and `R3SN_SELF_DEBUG_MAX_TOKENS` tokens per step. Each round is a diagnosis the
 * runner records before the next, so a resumed run goes on from the rounds it has. A repair
 * that worked is kept (LearnedRepairs) and tried first for the same failure next time,
 * without an LLM call; one that failed is never tried again for it.
 */
export class SelfDebugging implements StepDebugger {
  readonly counts = {
    diagnoses: 0, byClass: {} as Record<string, number>, retries: 0, inputRepairs: 0, inputRepairsRejected: 0, patches: 0, patchesRejected: 0,
    rounds: 0, learnedRepairs: 0, refusedRepeats: 0, tokens: 0
  }

  constructor (
    private readonly config: Config,
    private readonly llm: Llm,
    private readonly hub: IntegrationHub,
    private readonly plugins: PluginFactory,
    private readonly memory?: LearnedRepairs
  ) {}

  async diagnose (failure: StepFailure): Promise<Remedy | undefined> {
    if (!this.config.selfDebug) return undefined
    const code = failure.error.code ?? 'STEP_FAILED'
    const cls = classify(code, failure.cause, failure.step.type)
    this.counts.diagnoses++
    this.counts.byClass[cls] = (this.counts.byClass[cls] ?? 0) + 1
    const evidence = { code, message: failure.error.message.slice(0, 1000) }
    const none = (detail: string): Remedy => ({ diagnosis: { class: cls, evidence, action: 'none', detail } })

    switch (cls) {
      case 'transient': {
        // A retry policy the step declares is the user's word on how hard to try.
        if (failure.step.retry !== undefined) return none('transient: the step\'s own retry policy is spent')
        const retries = failure.previous.filter(d => d.action === 'retry').length
        if (retries >= this.config.selfDebugMaxRetries) return none(`transient: its ${this.config.selfDebugMaxRetries} extra retries are spent`)
        const delayMs = backoffDelay({ maxAttempts: 1, backoff: 'exponential', initialDelayMs: 250, maxDelayMs: 10_000 }, retries + 1)
        this.counts.retries++
        return { diagnosis: { class: cls, evidence, action: 'retry', detail: `retry ${retries + 1} of ${this.config.selfDebugMaxRetries} in ${delayMs} ms` }, retry: { delayMs } }
      }
      case 'bad-input':
      case 'plugin-bug': {
        // A run that handles the failure itself (an agent's tool call, onError continue/goto) needs no LLM repair.
        if (failure.step.onError !== undefined && failure.step.onError !== 'fail') return none(`the step handles its own failure (onError ${failure.step.onError})`)
        // (Without an LLM, only a repair learned earlier can help.)
        if (!this.llm.configured && this.memory === undefined) return none('no LLM is configured to repair it')
        if (failure.input === undefined) return none('the step\'s input could not be resolved, so there is nothing to correct')
        const kind = cls === 'bad-input' ? 'input' : 'patch'
        const key = await this.repairKey(failure, kind, code)
        if (key === undefined) return cls === 'bad-input' ? (this.counts.inputRepairsRejected++, none(`a ${failure.step.type} step has no input schema to repair against`)) : (this.counts.patchesRejected++, none('the plugin version that failed is gone'))
        // What the last remedy was told (it failed again, or was rejected) is remembered for this failure.
        const last = failure.previous.at(-1)
        if (last?.proposalHash !== undefined && (last.outcome === 'applied-failed' || last.outcome === 'rejected')) await this.memory?.failed(key, { ...last, proposalHash: last.proposalHash }, failure.ownerId, kind)
        const applied = failure.previous.filter(d => (d.action === 'repair-input' || d.action === 'patch-plugin') && d.outcome !== 'rejected').length
        if (applied >= this.config.selfDebugMaxRepairs) return none(`its ${this.config.selfDebugMaxRepairs} repair(s) are spent`)
        const learned = await this.learned(failure, key, kind, evidence)
        if (learned !== undefined) return learned
        const rounds = failure.previous.filter(d => d.round !== undefined).length
        if (!this.llm.configured) return none('no LLM is configured to repair it')
        if (rounds >= this.config.selfDebugMaxRounds) return none(`its ${this.config.selfDebugMaxRounds} LLM repair round(s) are spent`)
        const tokens = failure.previous.reduce((n, d) => n + (d.tokens ?? 0), 0)
        if (tokens >= this.config.selfDebugMaxTokens) return none(`its budget of ${this.config.selfDebugMaxTokens} LLM tokens is spent (${tokens} used)`)
        const repair = { key, round: rounds + 1, evidence }
        return cls === 'bad-input' ? await this.repairInput(failure, repair) : await this.patchPlugin(failure, repair)
      }
      default:
        return none(`no automatic remedy for ${cls} failures`)
    }
  }

  /** The step succeeded with these remedies: the repairs among them are tried first next time. */
  async recovered (ownerId: string, diagnoses: Diagnosis[]): Promise<void> {
    for (const d of diagnoses) {
      if (d.repairKey === undefined || d.proposalHash === undefined || d.proposal === undefined) continue
      await this.memory?.worked(d.repairKey, { ...d, proposal: d.proposal, proposalHash: d.proposalHash }, ownerId, d.action === 'patch-plugin' ? 'patch' : 'input')
    }
  }

  /**
   * What a repair of this failure is learned under: the first repair of the step in this run
   * set it (a later round fails on the input or version an earlier one changed, but it is the
   * same failure); else the owner, the tool (action, or plugin@version.action for a patch), the
   * error code and, for input, the failing input. Undefined when there is nothing to repair against.
   */
  private async repairKey (failure: StepFailure, kind: 'input' | 'patch', code: string): Promise<string | undefined> {
    const { step } = failure
    const earlier = failure.previous.find(d => d.repairKey !== undefined)?.repairKey
    if (kind === 'input') {
      if (await this.inputSchema(failure) === undefined) return undefined
      if (earlier !== undefined) return earlier
      const tool = step.type === 'plugin' ? `${step.plugin ?? ''}.${step.action ?? ''}` : step.action ?? ''
      return sha256(`input|${failure.ownerId}|${tool}|${code}|${canonical(failure.input)}`).slice(0, 32)
    }
    const version = await this.plugins.version(failure.ownerId, step.plugin ?? '', step.pluginVersion).catch(() => undefined)
    if (version === undefined) return undefined
    return earlier ?? sha256(`patch|${failure.ownerId}|${version.pluginId}@${version.version}.${step.action ?? ''}|${code}`).slice(0, 32)
  }

  /** Hashes of this step's proposals that did not work (tried and failed, or rejected). */
  private triedHashes (failure: StepFailure): Set<string> {
    return new Set(failure.previous.filter(d => d.proposalHash !== undefined && d.outcome !== 'recovered').map(d => d.proposalHash as string))
  }

  /** A repair that worked before for this failure, applied as is (no LLM call), unless this run already tried it. */
  private async learned (failure: StepFailure, key: string, kind: 'input' | 'patch', evidence: Diagnosis['evidence']): Promise<Remedy | undefined> {
    const worked = (await this.memory?.get(key))?.worked
    if (worked === undefined || this.triedHashes(failure).has(worked.hash)) return undefined
    const { step } = failure
    const base = { evidence, repairKey: key, proposal: worked.proposal, proposalHash: worked.hash, learned: true }
    if (kind === 'input') {
      const target = await this.inputSchema(failure)
      const parameters = JSON.parse(worked.proposal) as Record<string, unknown>
      if (target === undefined || target.check(parameters) !== undefined) return undefined
      this.counts.learnedRepairs++
      return {
        diagnosis: { class: 'bad-input', action: 'repair-input', detail: `retrying with ${clip(parameters)} (the parameters that repaired this failure before; no LLM call)`, ...base },
        retry: { delayMs: 0, step: { ...step, input: literal(parameters) } }
      }
    }
    const patched = worked.pluginVersion === undefined ? undefined : await this.plugins.version(failure.ownerId, step.plugin ?? '', worked.pluginVersion).catch(() => undefined)
    if (patched === undefined) return undefined
    this.counts.learnedRepairs++
    return {
      diagnosis: { class: 'plugin-bug', action: 'patch-plugin', detail: `running on plugin ${patched.pluginId} v${patched.version}, the patch that repaired this failure before (no LLM call)`, pluginVersion: patched.version, ...base },
      retry: { delayMs: 0, step: { ...step, pluginVersion: patched.version } }
    }
  }

  /** The schema the step's input must match, and what it is, for the LLM. */
  private async inputSchema (failure: StepFailure): Promise<{ schema: unknown, description: string, check: (value: unknown) => string | undefined } | undefined> {
    const { step } = failure
    if (step.type === 'integration') {
      const action = this.hub.get(step.action ?? '')
      if (action === undefined) return undefined
      return { schema: JSON.parse(JSON.stringify(action.input)), description: `${action.name}: ${action.description}`, check: value => schemaProblems(action.input as TSchema, value) }
    }
    if (step.type === 'plugin') {
      const version = await this.plugins.version(failure.ownerId, step.plugin ?? '', step.pluginVersion).catch(() => undefined)
      const action = version === undefined ? undefined : manifestOf(version).actions.find(a => a.name === step.action)
      if (action === undefined) return undefined
      return { schema: action.input, description: `plugin ${step.plugin ?? ''} action ${action.name}: ${action.description}`, check: value => this.plugins.schemaProblems(action.input, value) }
    }
    return undefined
  }

  /** What the LLM is told besides the failure: the step's earlier rounds, and repairs that failed for this failure in earlier runs. */
  private async history (failure: StepFailure, key: string) {
    const mine = this.triedHashes(failure)
    const failedBefore = ((await this.memory?.get(key))?.failed ?? []).filter(f => !mine.has(f.hash)).slice(-FAILED_SHOWN)
    return {
      earlierRounds: failure.previous.filter(d => d.proposalHash !== undefined).map(earlierRound),
      doNotPropose: failedBefore.map(f => ({ proposed: f.proposal, whatWentWrong: f.feedback }))
    }
  }

  /** One LLM round: the reply, or why it gave none (an answer that is not the schema's is a rejected round, any other failure ends the repair). */
  private async ask (failure: StepFailure, purpose: string, messages: ChatMessage[], schema: { name: string, schema: TSchema }) {
    // (A budget reached throws out of here: the run ends with it.)
    failure.budget?.beforeLlmCall()
    const reply = await this.llm.chat({ purpose, messages, schema, signal: failure.signal }).catch((err: Error) => err)
    if (reply instanceof Error) return reply
    const tokens = reply.usage.promptTokens + reply.usage.completionTokens
    this.counts.rounds++
    this.counts.tokens += tokens
    await failure.recordUsage(reply.usage)
    return { parsed: reply.parsed, tokens }
  }

  /** A proposal refused before it was tried: a round of its own, and the next round is told why. */
  private rejected (cls: DiagnosisClass, action: 'repair-input' | 'patch-plugin', evidence: Diagnosis['evidence'], fields: Partial<Remedy['diagnosis']>, feedback: string): Remedy {
    if (action === 'repair-input') this.counts.inputRepairsRejected++
    else this.counts.patchesRejected++
    return { diagnosis: { class: cls, evidence, action, ...fields, feedback: feedback.slice(0, 2000), detail: `rejected: ${clip(feedback, 500)}` }, rejected: true }
  }

  /** The proposal already failed (in this run or an earlier one) for this failure: refused without trying it. */
  private async repeated (failure: StepFailure, key: string, hash: string): Promise<FailedRepair | undefined> {
    const here = failure.previous.find(d => d.proposalHash === hash && d.outcome !== 'recovered')
    if (here !== undefined) return { hash, proposal: '', feedback: here.feedback ?? here.outcome }
    return (await this.memory?.get(key))?.failed.find(f => f.hash === hash)
  }

  private async repairInput (failure: StepFailure, { key, round, evidence }: { key: string, round: number, evidence: Diagnosis['evidence'] }): Promise<Remedy> {
    const target = await this.inputSchema(failure)
    if (target === undefined) { this.counts.inputRepairsRejected++; return { diagnosis: { class: 'bad-input', evidence, action: 'none', detail: `a ${failure.step.type} step has no input schema to repair against` } } }
    const messages: ChatMessage[] = [
      { role: 'system', content: 'A step of an automation failed because of its input. Propose corrected parameters that match the JSON Schema and fix the error. Answer JSON {parameters, reason}. Never invent secrets. earlierRounds are your earlier proposals for this step and what went wrong with each; doNotPropose lists repairs that already failed for this input: propose none of them again.' },
      { role: 'user', content: JSON.stringify({ action: target.description, schema: target.schema, failedInput: failure.input, error: evidence, ...await this.history(failure, key) }) }
    ]
    const reply = await this.ask(failure, 'repair-input', messages, { name: 'RepairedInput', schema: RepairedInput })
    const fields = { round, repairKey: key }
    if (reply instanceof Error) {
      if (reply instanceof StepError && reply.code === 'R3SN_LLM_INVALID_OUTPUT') return this.rejected('bad-input', 'repair-input', evidence, fields, `the answer was not {parameters, reason}: ${reply.message}`)
      this.counts.inputRepairsRejected++
      return { diagnosis: { class: 'bad-input', evidence, action: 'none', detail: `the LLM could not propose parameters: ${reply.message}` } }
    }
    const { parameters, reason } = reply.parsed as { parameters: Record<string, unknown>, reason: string }
    const proposal = canonical(parameters)
    const proposed = { ...fields, tokens: reply.tokens, proposal: proposal.slice(0, PROPOSAL_KEPT), proposalHash: sha256(proposal) }
    const problem = target.check(parameters)
    if (problem !== undefined) return this.rejected('bad-input', 'repair-input', evidence, proposed, `the proposed parameters do not match the schema: ${problem}`)
    const repeated = await this.repeated(failure, key, proposed.proposalHash)
    if (repeated !== undefined) { this.counts.refusedRepeats++; return this.rejected('bad-input', 'repair-input', evidence, proposed, `these parameters were tried for this input before and failed (${repeated.feedback}); propose something else`) }
    if (isDeepStrictEqual(parameters, failure.input)) return this.rejected('bad-input', 'repair-input', evidence, proposed, 'the proposed parameters are the input that failed')
    this.counts.inputRepairs++
    return {
      diagnosis: { class: 'bad-input', evidence, action: 'repair-input', ...proposed, detail: `retrying with ${clip(parameters)} (${clip(reason, 300)})` },
      retry: { delayMs: 0, step: { ...failure.step, input: literal(parameters) } }
    }
  }

  private async patchPlugin (failure: StepFailure, { key, round, evidence }: { key: string, round: number, evidence: Diagnosis['evidence'] }): Promise<Remedy> {
    const { step } = failure
    const version = await this.plugins.version(failure.ownerId, step.plugin ?? '', step.pluginVersion).catch(() => undefined)
    if (version === undefined) { this.counts.patchesRejected++; return { diagnosis: { class: 'plugin-bug', evidence, action: 'none', detail: 'the plugin version that failed is gone' } } }
    const manifest = manifestOf(version)
    const tests = testsOf(version)
    const messages: ChatMessage[] = [
      { role: 'system', content: 'A plugin (a JavaScript ES module run in a QuickJS sandbox with ctx.fetch and ctx.log only) threw an exception. Fix the bug without changing what its actions accept or return. Answer JSON {code (the whole module), explanation}. earlierRounds are your earlier patches for this failure and what went wrong with each (the sandbox failures, or the step\'s error); doNotPropose lists patches that already failed: propose none of them again.' },
      { role: 'user', content: JSON.stringify({ code: version.code, manifest, tests, action: step.action, failingInput: failure.input, error: failure.error.message, ...await this.history(failure, key) }) }
    ]
    const reply = await this.ask(failure, 'patch-plugin', messages, { name: 'PluginPatch', schema: PluginPatch })
    const fields = { round, repairKey: key }
    if (reply instanceof Error) {
      if (reply instanceof StepError && reply.code === 'R3SN_LLM_INVALID_OUTPUT') return this.rejected('plugin-bug', 'patch-plugin', evidence, fields, `the answer was not {code, explanation}: ${reply.message}`)
      this.counts.patchesRejected++
      return { diagnosis: { class: 'plugin-bug', evidence, action: 'none', detail: `the LLM could not propose a patch: ${reply.message}` } }
    }
    const patch = reply.parsed as { code: string, explanation: string }
    const proposed = { ...fields, tokens: reply.tokens, proposal: patch.code.slice(0, PROPOSAL_KEPT), proposalHash: sha256(patch.code) }
    if (patch.code === version.code) return this.rejected('plugin-bug', 'patch-plugin', evidence, proposed, 'the patch is the code that failed')
    const repeated = await this.repeated(failure, key, proposed.proposalHash)
    if (repeated !== undefined) { this.counts.refusedRepeats++; return this.rejected('plugin-bug', 'patch-plugin', evidence, proposed, `this patch was tried for this failure before and failed (${repeated.feedback}); propose something else`) }
    // The failing input becomes a regression test: the patch must run it without an exception.
    const regression: PluginTest = { name: `regression: ${evidence.message.slice(0, 150)}`, action: step.action ?? '', input: failure.input }
    let patched
    try {
      patched = await this.plugins.addVersion({ id: failure.ownerId, admin: false }, version.pluginId, { code: patch.code, manifest, tests: [...tests, regression] }, 'patched')
    } catch (err) {
      const failures = (err as { details?: { failures?: string[] } }).details?.failures
      return this.rejected('plugin-bug', 'patch-plugin', evidence, proposed, `the patch failed validation in the sandbox and was not stored: ${clip(failures?.join('; ') ?? (err as Error).message, 1500)}`)
    }
    this.counts.patches++
    return {
      diagnosis: { class: 'plugin-bug', evidence, action: 'patch-plugin', ...proposed, pluginVersion: patched.version.version, detail: `plugin ${version.pluginId} v${version.version} patched to v${patched.version.version}: ${clip(patch.explanation, 300)}` },
      retry: { delayMs: 0, step: { ...step, pluginVersion: patched.version.version } }
    }
  }

  status () {
    return {
      initialized: true,
      enabled: this.config.selfDebug,
      maxRetries: this.config.selfDebugMaxRetries,
      maxRepairs: this.config.selfDebugMaxRepairs,
      maxRounds: this.config.selfDebugMaxRounds,
      maxTokens: this.config.selfDebugMaxTokens,
      ...this.counts
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance { selfDebugging: SelfDebugging }
}

async function selfDebugging (app: FastifyInstance, opts: { config: Config }) {
  const engine = new SelfDebugging(opts.config, app.llm, app.integrationHub, app.pluginFactory, new LearnedRepairs(app.mongo.db))
  app.decorate('selfDebugging', engine)
  app.engineStatus.register('selfDebuggingEngine', () => engine.status())
}

export default fp(selfDebugging, { name: 'self-debugging', dependencies: ['mongo', 'engine-status', 'llm', 'integration-hub', 'plugin-factory'] })
