import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { isDeepStrictEqual } from 'node:util'
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

/**
 * Looks at a step that failed for good and decides: a transient failure of a step without
 * its own retry policy is retried with backoff; bad input gets parameters corrected by the LLM against the action's schema
 * (validated, then tried once); an exception inside plugin code gets a patch from the LLM
 * that must pass the plugin's self-tests plus the failing input in the sandbox before it
 * becomes a new version and the step runs on it. Every change is bounded by config.
 */
export class SelfDebugging implements StepDebugger {
  readonly counts = { diagnoses: 0, byClass: {} as Record<string, number>, retries: 0, inputRepairs: 0, inputRepairsRejected: 0, patches: 0, patchesRejected: 0 }

  constructor (private readonly config: Config, private readonly llm: Llm, private readonly hub: IntegrationHub, private readonly plugins: PluginFactory) {}

  async diagnose (failure: StepFailure): Promise<Remedy | undefined> {
    if (!this.config.selfDebug) return undefined
    const code = failure.error.code ?? 'STEP_FAILED'
    const cls = classify(code, failure.cause, failure.step.type)
    this.counts.diagnoses++
    this.counts.byClass[cls] = (this.counts.byClass[cls] ?? 0) + 1
    const evidence = { code, message: failure.error.message.slice(0, 1000) }
    const none = (detail: string): Remedy => ({ diagnosis: { class: cls, evidence, action: 'none', detail } })
    const repairsSoFar = failure.previous.filter(d => d.action === 'repair-input' || d.action === 'patch-plugin').length

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
        if (!this.llm.configured) return none('no LLM is configured to repair it')
        if (repairsSoFar >= this.config.selfDebugMaxRepairs) return none(`its ${this.config.selfDebugMaxRepairs} LLM repair(s) are spent`)
        if (failure.input === undefined) return none('the step\'s input could not be resolved, so there is nothing to correct')
        return cls === 'bad-input' ? this.repairInput(failure, evidence) : this.patchPlugin(failure, evidence)
      }
      default:
        return none(`no automatic remedy for ${cls} failures`)
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

  private async repairInput (failure: StepFailure, evidence: Diagnosis['evidence']): Promise<Remedy> {
    const target = await this.inputSchema(failure)
    const reject = (detail: string): Remedy => { this.counts.inputRepairsRejected++; return { diagnosis: { class: 'bad-input', evidence, action: 'none', detail } } }
    if (target === undefined) return reject(`a ${failure.step.type} step has no input schema to repair against`)
    const messages: ChatMessage[] = [
      { role: 'system', content: 'A step of an automation failed because of its input. Propose corrected parameters that match the JSON Schema and fix the error. Answer JSON {parameters, reason}. Never invent secrets.' },
      { role: 'user', content: JSON.stringify({ action: target.description, schema: target.schema, failedInput: failure.input, error: evidence }) }
    ]
    // (A budget reached throws out of here: the run ends with it.)
    failure.budget?.beforeLlmCall()
    const reply = await this.llm.chat({ purpose: 'repair-input', messages, schema: { name: 'RepairedInput', schema: RepairedInput }, signal: failure.signal }).catch((err: Error) => err)
    if (reply instanceof Error) return reject(`the LLM could not propose parameters: ${reply.message}`)
    await failure.recordUsage?.(reply.usage)
    const { parameters, reason } = reply.parsed as { parameters: Record<string, unknown>, reason: string }
    const problem = target.check(parameters)
    if (problem !== undefined) return reject(`the proposed parameters do not match the schema: ${problem}`)
    if (isDeepStrictEqual(parameters, failure.input)) return reject('the LLM proposed the same input')
    this.counts.inputRepairs++
    return {
      diagnosis: { class: 'bad-input', evidence, action: 'repair-input', detail: `retrying with ${clip(parameters)} (${clip(reason, 300)})` },
      retry: { delayMs: 0, step: { ...failure.step, input: literal(parameters) } }
    }
  }

  private async patchPlugin (failure: StepFailure, evidence: Diagnosis['evidence']): Promise<Remedy> {
    const { step } = failure
    const reject = (detail: string): Remedy => { this.counts.patchesRejected++; return { diagnosis: { class: 'plugin-bug', evidence, action: 'none', detail } } }
    const version = await this.plugins.version(failure.ownerId, step.plugin ?? '', step.pluginVersion).catch(() => undefined)
    if (version === undefined) return reject('the plugin version that failed is gone')
    const manifest = manifestOf(version)
    const tests = testsOf(version)
    const messages: ChatMessage[] = [
      { role: 'system', content: 'A plugin (a JavaScript ES module run in a QuickJS sandbox with ctx.fetch and ctx.log only) threw an exception. Fix the bug without changing what its actions accept or return. Answer JSON {code (the whole module), explanation}.' },
      { role: 'user', content: JSON.stringify({ code: version.code, manifest, tests, action: step.action, failingInput: failure.input, error: failure.error.message }) }
    ]
    failure.budget?.beforeLlmCall()
    const reply = await this.llm.chat({ purpose: 'patch-plugin', messages, schema: { name: 'PluginPatch', schema: PluginPatch }, signal: failure.signal }).catch((err: Error) => err)
    if (reply instanceof Error) return reject(`the LLM could not propose a patch: ${reply.message}`)
    await failure.recordUsage?.(reply.usage)
    const patch = reply.parsed as { code: string, explanation: string }
    // The failing input becomes a regression test: the patch must run it without an exception.
    const regression: PluginTest = { name: `regression: ${evidence.message.slice(0, 150)}`, action: step.action ?? '', input: failure.input }
    let patched
    try {
      patched = await this.plugins.addVersion({ id: failure.ownerId, admin: false }, version.pluginId, { code: patch.code, manifest, tests: [...tests, regression] }, 'patched')
    } catch (err) {
      const failures = (err as { details?: { failures?: string[] } }).details?.failures
      return reject(`the patch failed validation in the sandbox and was not stored: ${clip(failures?.join('; ') ?? (err as Error).message)}`)
    }
    this.counts.patches++
    return {
      diagnosis: { class: 'plugin-bug', evidence, action: 'patch-plugin', detail: `plugin ${version.pluginId} v${version.version} patched to v${patched.version.version}: ${clip(patch.explanation, 300)}` },
      retry: { delayMs: 0, step: { ...step, pluginVersion: patched.version.version } }
    }
  }

  status () {
    return { initialized: true, enabled: this.config.selfDebug, maxRetries: this.config.selfDebugMaxRetries, maxRepairs: this.config.selfDebugMaxRepairs, ...this.counts }
  }
}

declare module 'fastify' {
  interface FastifyInstance { selfDebugging: SelfDebugging }
}

async function selfDebugging (app: FastifyInstance, opts: { config: Config }) {
  const engine = new SelfDebugging(opts.config, app.llm, app.integrationHub, app.pluginFactory)
  app.decorate('selfDebugging', engine)
  app.engineStatus.register('selfDebuggingEngine', () => engine.status())
}

export default fp(selfDebugging, { name: 'self-debugging', dependencies: ['engine-status', 'llm', 'integration-hub', 'plugin-factory'] })
