import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createHash, randomBytes } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { Ajv, type ValidateFunction } from 'ajv'
import type { Collection, Db } from 'mongodb'
import type { Config } from '../config.js'
import type { RunEventBus } from '../lib/run-events.js'
import { isDuplicateKey, OwnedCollection, type Owner, type OwnedDoc } from '../lib/mongo.js'
import type { ChatMessage, Llm } from '../plugins/llm.js'
import { DEFAULT_LIMITS, SandboxError, type Sandbox, type SandboxLimits } from '../plugins/sandbox.js'
import { BadRequest, Conflict, Unprocessable } from '../lib/errors.js'
import { PluginDraft, selfTestBudgetProblem, type CreatePluginRequest, type GeneratePluginRequest, type Plugin, type PluginAnalytics, type PluginManifest, type PluginTest, type PluginVersion } from '../schemas/plugins.js'
import type { IntegrationHub } from './integration-hub.js'
import { evaluate, literal } from './runtime/expressions.js'
import { decodeJson, type ExecutionDoc, type NewExecution } from './runtime/store.js'
import { Expand, StepError, type StepContext, type StepHandler } from './runtime/steps.js'
import type { WorkflowStep } from '../schemas/workflows.js'

export interface PluginDoc extends OwnedDoc {
  name: string
  description: string
  platform: string
  latestVersion: number
  actions: string[]
  createdAt: Date
  updatedAt: Date
}

/** Versions are immutable: a change is always a new document. Manifests and tests are JSON text (JSON Schema keys start with "$"). */
export interface VersionDoc extends OwnedDoc {
  pluginId: string
  version: number
  origin: PluginVersion['origin']
  code: string
  manifestJson: string
  testsJson: string
  testsPassed: number
  createdAt: Date
}

interface RunDoc { pluginId: string, ownerId: string, version: number, action: string, ok: boolean, durationMs: number, error?: string, executionId: string, at: Date }

export interface PluginSourceParts { code: string, manifest: PluginManifest, tests: PluginTest[] }
export interface Verification { passed: number, failures: string[] }

const MAX_FAILURES_SHOWN = 20

/** The step type of a generation round: internal, queued by the orchestrator, never part of a user's workflow. */
export const GENERATION_STEP = 'plugin-generate'

/** A round's output: its failed checks and answer (for the next round), or the plugin it stored. */
interface GenerationRound { round: number, failures: string[], answer?: PluginSourceParts, pluginId?: string }

export const generationRoundStep = (round: number): WorkflowStep =>
  ({ id: `round${round}`, type: GENERATION_STEP as WorkflowStep['type'], input: { round } })

/** A plugin generation: one step per LLM answer, each added by the round before it. */
export function generationExecution (req: GeneratePluginRequest): NewExecution {
  return { type: 'plugin-generation', trigger: req, plan: [generationRoundStep(1)] }
}

/** The conversation of a generation so far: the request, then each earlier round's answer and its failures. */
function generationMessages (req: GeneratePluginRequest, steps: Record<string, { output: GenerationRound }>, round: number): ChatMessage[] {
  const { mode, timeoutMs, ...app } = req
  const messages: ChatMessage[] = [{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: `Write a plugin for this app (JSON): ${JSON.stringify(app)}` }]
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

export function toPlugin (d: PluginDoc): Plugin {
  return { id: d._id, name: d.name, description: d.description, platform: d.platform, latestVersion: d.latestVersion, actions: d.actions, createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString() }
}

export function toVersion (d: VersionDoc): PluginVersion {
  return {
    pluginId: d.pluginId, version: d.version, origin: d.origin, code: d.code,
    manifest: JSON.parse(d.manifestJson) as PluginManifest, tests: JSON.parse(d.testsJson) as PluginTest[],
    testsPassed: d.testsPassed, createdAt: d.createdAt.toISOString()
  }
}

function percentile (sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number
}

/** A sandbox failure that says nothing about the plugin: the pool was full, or the check was cancelled. */
function notAVerdict (err: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (err instanceof SandboxError && err.code === 'R3SN_SANDBOX_BUSY')
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

/**
 * Plugins: generated by the LLM or written by a person, accepted only when their code
 * compiles in the sandbox and every self-test passes there; each change is a new,
 * immutable version. Runs go through the sandbox with the manifest's limits and egress.
 * Progress of a generation (plugin:progress, plugin:generated) goes on the run event bus.
 */
export class PluginFactory {
  readonly plugins: OwnedCollection<PluginDoc>
  readonly versions: OwnedCollection<VersionDoc>
  private readonly runs: Collection<RunDoc>
  private readonly ajv = new Ajv({ strict: false, allErrors: true })
  private readonly validators = new Map<string, ValidateFunction>()
  readonly counts = { generated: 0, rejected: 0, repairRounds: 0, runs: 0, runFailures: 0 }

  constructor (db: Db, private readonly llm: Llm, private readonly sandbox: Sandbox, private readonly hub: IntegrationHub, private readonly config: Config, private readonly bus: RunEventBus) {
    this.plugins = new OwnedCollection<PluginDoc>(db.collection('plugins'), 'Plugin')
    this.versions = new OwnedCollection<VersionDoc>(db.collection('plugin_versions'), 'Plugin version')
    this.runs = db.collection('plugin_runs')
  }

  async init (): Promise<void> {
    await this.plugins.collection.createIndex({ ownerId: 1, createdAt: -1 })
    await this.versions.collection.createIndex({ pluginId: 1, version: 1 })
    await this.runs.createIndex({ pluginId: 1, at: -1 })
  }

  /** A compiled JSON Schema validator, kept per schema text (versions never change). */
  private validator (schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema)
    let fn = this.validators.get(key)
    if (fn === undefined) {
      fn = this.ajv.compile(schema as object)
      if (this.validators.size > 2000) this.validators.clear()
      this.validators.set(key, fn)
    }
    return fn
  }

  /** The problems of a value against a JSON Schema, or undefined. */
  schemaProblems (schema: unknown, value: unknown): string | undefined {
    const check = this.validator(schema)
    if (check(value)) return undefined
    return (check.errors ?? []).slice(0, 5).map(e => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ')
  }

  limitsOf (manifest: PluginManifest): SandboxLimits {
    return { ...DEFAULT_LIMITS, ...manifest.limits }
  }

  /**
   * Compiles the code and runs every self-test in the sandbox; lists every failure. A full
   * sandbox queue or a cancellation (signal) is thrown, not counted as a failed check.
   */
  async verify (source: PluginSourceParts, signal?: AbortSignal): Promise<Verification> {
    const failures: string[] = []
    const { manifest, tests, code } = source
    const budget = selfTestBudgetProblem(tests.length, this.limitsOf(manifest).cpuMs)
    if (budget !== undefined) failures.push(`tests: ${budget}`)
    const names = manifest.actions.map(a => a.name)
    if (new Set(names).size !== names.length) failures.push('manifest: action names must be unique')
    for (const action of manifest.actions) {
      for (const part of ['input', 'output'] as const) {
        try { this.validator(action[part]) } catch (err) { failures.push(`manifest: ${action.name}.${part} is not a valid JSON Schema: ${(err as Error).message}`) }
      }
      if (!tests.some(t => t.action === action.name)) failures.push(`tests: action ${action.name} has no test`)
    }
    let exported: string[] = []
    try {
      exported = await this.sandbox.exportsOf(code)
    } catch (err) {
      if (notAVerdict(err, signal)) throw err
      failures.push(`code: ${(err as Error).message}`)
      return { passed: 0, failures }
    }
    for (const name of names) if (!exported.includes(name)) failures.push(`code: action ${name} is not exported as a function (exports: ${exported.join(', ') || 'none'})`)
    if (failures.length > 0) return { passed: 0, failures }

    let passed = 0
    for (const [i, test] of tests.entries()) {
      const label = `test ${i + 1}${test.name === undefined ? '' : ` (${test.name})`} of ${test.action}`
      const problem = await this.runTest(source, test, signal)
      if (problem === undefined) passed++
      else failures.push(`${label}: ${problem}`)
    }
    return { passed, failures }
  }

  private async runTest (source: PluginSourceParts, test: PluginTest, signal: AbortSignal | undefined): Promise<string | undefined> {
    const action = source.manifest.actions.find(a => a.name === test.action)
    if (action === undefined) return `no action ${test.action} in the manifest`
    const inputProblem = this.schemaProblems(action.input, test.input)
    if (inputProblem !== undefined) return `the input does not match the input schema: ${inputProblem}`
    let output: unknown
    try {
      output = (await this.sandbox.run({ code: source.code, action: test.action, input: test.input, limits: this.limitsOf(source.manifest), egress: source.manifest.egress, signal })).output
    } catch (err) {
      if (notAVerdict(err, signal)) throw err
      const message = (err as Error).message
      if (test.expectError !== undefined && message.includes(test.expectError)) return undefined
      return `failed: ${message}`
    }
    if (test.expectError !== undefined) return `expected an error containing "${test.expectError}", got ${JSON.stringify(output)?.slice(0, 300)}`
    const outputProblem = this.schemaProblems(action.output, output)
    if (outputProblem !== undefined) return `the result does not match the output schema: ${outputProblem} (got ${JSON.stringify(output)?.slice(0, 300)})`
    if (test.expect !== undefined && !isDeepStrictEqual(output, test.expect)) return `expected ${JSON.stringify(test.expect)?.slice(0, 300)}, got ${JSON.stringify(output)?.slice(0, 300)}`
    if (test.assert !== undefined) {
      let verdict: unknown
      try { verdict = await evaluate(test.assert, { input: test.input, output }) } catch (err) { return `assert "${test.assert}" failed to evaluate: ${(err as Error).message}` }
      if (verdict !== true) return `assert "${test.assert}" is not true for ${JSON.stringify(output)?.slice(0, 300)}`
    }
    return undefined
  }

  private rejected (failures: string[], rounds?: number): Error {
    this.counts.rejected++
    return Object.assign(new Unprocessable(`the plugin did not pass its checks in the sandbox${rounds === undefined ? '' : ` after ${rounds} LLM answers`}: ${failures.slice(0, 3).join('; ')}`), {
      details: { failures: failures.slice(0, MAX_FAILURES_SHOWN), ...(rounds === undefined ? {} : { rounds }) }
    })
  }

  /** A person's plugin: stored as version 1 only when it passes its checks (422 with every failure otherwise). */
  async create (owner: Owner, req: CreatePluginRequest): Promise<{ plugin: PluginDoc, version: VersionDoc }> {
    const source = { code: req.code, manifest: req.manifest, tests: req.tests }
    const verdict = await this.verify(source)
    if (verdict.failures.length > 0) throw this.rejected(verdict.failures)
    return this.store(owner, { name: req.name, description: req.description ?? '', platform: req.platform ?? 'custom' }, source, 'written', verdict.passed)
  }

  /** A new version of an existing plugin, after the same checks. */
  async addVersion (owner: Owner, pluginId: string, source: PluginSourceParts, origin: PluginVersion['origin']): Promise<{ plugin: PluginDoc, version: VersionDoc }> {
    const plugin = await this.plugins.get(owner, pluginId)
    const verdict = await this.verify(source)
    if (verdict.failures.length > 0) throw this.rejected(verdict.failures)
    const version = await this.insertVersion(owner, plugin._id, plugin.latestVersion + 1, source, origin, verdict.passed)
    // Only ever moves forward, even when two versions are added at once.
    await this.plugins.collection.updateOne({ _id: plugin._id, latestVersion: { $lt: version.version } }, {
      $set: { latestVersion: version.version, actions: source.manifest.actions.map(a => a.name), updatedAt: new Date() }
    })
    return { plugin: await this.plugins.get(owner, plugin._id), version }
  }

  private async insertVersion (owner: Owner, pluginId: string, version: number, source: PluginSourceParts, origin: PluginVersion['origin'], testsPassed: number): Promise<VersionDoc> {
    const doc: VersionDoc = {
      _id: `${pluginId}:v${version}`, ownerId: owner.id, pluginId, version, origin, code: source.code,
      manifestJson: JSON.stringify(source.manifest), testsJson: JSON.stringify(source.tests), testsPassed, createdAt: new Date()
    }
    try {
      await this.versions.collection.insertOne(doc)
    } catch (err) {
      if (isDuplicateKey(err)) throw new Conflict(`version ${version} of plugin ${pluginId} was just added by someone else; try again`)
      throw err
    }
    return doc
  }

  private async store (owner: Owner, meta: { name: string, description: string, platform: string }, source: PluginSourceParts, origin: PluginVersion['origin'], testsPassed: number, id = `plg_${randomBytes(8).toString('hex')}`) {
    const version = await this.insertVersion(owner, id, 1, source, origin, testsPassed)
    return { plugin: await this.insertPlugin(owner, id, meta, version), version }
  }

  private async insertPlugin (owner: Owner, id: string, meta: { name: string, description: string, platform: string }, version: VersionDoc): Promise<PluginDoc> {
    const now = new Date()
    const actions = (JSON.parse(version.manifestJson) as PluginManifest).actions.map(a => a.name)
    return this.plugins.insert(owner, { _id: id, ...meta, latestVersion: 1, actions, createdAt: now, updatedAt: now })
  }

  /**
   * One round of a durable generation (the 'plugin-generate' step, queued by the orchestrator):
   * asks the LLM for the plugin, with the failures of the earlier rounds (their step outputs),
   * checks it in the sandbox and stores it once everything passes; otherwise the next round
   * is added to the run, up to R3SN_PLUGIN_REPAIR_ROUNDS, then the run fails with the last failures.
   * A round that resumes after a crash never asks again what an earlier round was told.
   */
  readonly generationStep: StepHandler = {
    sideEffects: true,
    run: (ctx) => this.generationRound(ctx)
  }

  private async generationRound (ctx: StepContext): Promise<GenerationRound | Expand> {
    const req = ctx.scope.trigger as GeneratePluginRequest
    const { round } = ctx.input as { round: number }
    const owner = { id: ctx.ownerId, admin: false }
    const meta = { name: req.appName, description: req.description ?? `Generated for ${req.appName}`, platform: req.platform }
    // One plugin id per generation, so a round re-run after a crash finds what it already stored.
    const id = `plg_${createHash('sha256').update(ctx.executionId).digest('hex').slice(0, 16)}`
    const stored = await this.versions.collection.findOne({ _id: `${id}:v1` })
    if (stored !== null) {
      // (A crash may have come between the version and the plugin document.)
      await this.insertPlugin(owner, id, meta, stored).catch((err: unknown) => { if (!isDuplicateKey(err)) throw err })
      return { round, failures: [], pluginId: id }
    }

    const progress = (data: Record<string, unknown>) => this.bus.emit('user', owner.id, 'plugin:progress', { appName: req.appName, executionId: ctx.executionId, ...data })
    progress({ stage: round === 1 ? 'generating' : 'repairing', round })
    const reply = await this.llm.chat({ messages: generationMessages(req, ctx.scope.steps as Record<string, { output: GenerationRound }>, round), schema: { name: 'Plugin', schema: PluginDraft }, signal: ctx.signal }).catch((err: Error) => {
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
      const verdict = await this.verify(answer, ctx.signal)
      failures = verdict.failures
      if (failures.length === 0) {
        const { plugin, version } = await this.store(owner, meta, answer, 'generated', verdict.passed, id)
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
    if (round < 1 + this.config.pluginRepairRounds) {
      this.counts.repairRounds++
      return new Expand(result, [generationRoundStep(round + 1)])
    }
    this.counts.rejected++
    throw new StepError(`the plugin did not pass its checks in the sandbox after ${round} LLM answers: ${failures.slice(0, 3).join('; ')}`, 'R3SN_UNPROCESSABLE', false, { failures: shown, rounds: round })
  }

  /** What a generation that ended answers: the stored plugin, or the error it ended with (422 with the failed checks, 409 if cancelled, 502 for the LLM). */
  async generationResult (ended: ExecutionDoc) {
    if (ended.status !== 'completed') {
      const error = ended.error ?? { message: `plugin generation ${ended.status}`, code: 'R3SN_ERROR' }
      const statusCode = error.code === 'R3SN_UNPROCESSABLE' ? 422 : error.code === 'R3SN_CANCELLED' ? 409 : error.code?.startsWith('R3SN_LLM_') === true ? 502 : 500
      throw Object.assign(new Error(error.message), { statusCode, code: error.code ?? 'R3SN_ERROR', details: { ...(error.details as object | undefined), executionId: ended._id } })
    }
    const { pluginId, round } = decodeJson(ended.resultJson) as GenerationRound
    const owner = { id: ended.ownerId, admin: false }
    const plugin = await this.plugins.get(owner, pluginId ?? '')
    return {
      executionId: ended._id,
      plugin: toPlugin(plugin),
      version: toVersion(await this.versions.get(owner, `${plugin._id}:v1`)),
      rounds: round,
      usage: { promptTokens: ended.usage?.promptTokens ?? 0, completionTokens: ended.usage?.completionTokens ?? 0 }
    }
  }

  /** A version to run: the pinned one, or the latest. */
  async version (ownerId: string, pluginId: string, version?: number): Promise<VersionDoc> {
    const owner = { id: ownerId, admin: false }
    const plugin = await this.plugins.get(owner, pluginId)
    return this.versions.get(owner, `${plugin._id}:v${version ?? plugin.latestVersion}`)
  }

  /** The owner's plugins, newest first. */
  async list (owner: Owner): Promise<PluginDoc[]> {
    return this.plugins.find(owner, {}, { sort: { createdAt: -1 } })
  }

  async get (owner: Owner, pluginId: string): Promise<PluginDoc> {
    return this.plugins.get(owner, pluginId)
  }

  /** Every version of a plugin, oldest first. */
  async listVersions (owner: Owner, pluginId: string): Promise<VersionDoc[]> {
    const plugin = await this.plugins.get(owner, pluginId)
    return this.versions.find(owner, { pluginId: plugin._id }, { sort: { version: 1 } })
  }

  /** Deletes a plugin and its versions. */
  async delete (owner: Owner, pluginId: string): Promise<void> {
    await this.plugins.delete(owner, pluginId)
    await this.versions.collection.deleteMany(this.versions.scope(owner, { pluginId }))
  }

  /**
   * The step that runs one action of a plugin (its latest version unless `version` pins one),
   * checked before anything is stored: an unknown action, parameters that do not fit its input
   * schema, or a credential the plugin does not take (or of another type) are a 400.
   */
  async actionStep (owner: Owner, pluginId: string, req: { action: string, parameters: unknown, version?: number, credentialId?: string }): Promise<WorkflowStep> {
    const { action, parameters, version, credentialId } = req
    const doc = await this.version(owner.id, pluginId, version)
    const manifest = JSON.parse(doc.manifestJson) as PluginManifest
    const spec = manifest.actions.find(a => a.name === action)
    if (spec === undefined) throw new BadRequest(`plugin ${doc.pluginId} v${doc.version} has no action ${action} (actions: ${manifest.actions.map(a => a.name).join(', ')})`)
    const problem = this.schemaProblems(spec.input, parameters)
    if (problem !== undefined) throw new BadRequest(`invalid parameters for ${action}: ${problem}`)
    if (credentialId !== undefined) {
      if (manifest.credential === undefined) throw new BadRequest(`plugin ${doc.pluginId} takes no credential`)
      await this.hub.checkCredential(owner.id, credentialId, manifest.credential.type)
    }
    return {
      id: 'action', type: 'plugin', plugin: doc.pluginId, action, input: literal(parameters),
      ...(version === undefined ? {} : { pluginVersion: version }), ...(credentialId === undefined ? {} : { credential: credentialId })
    }
  }

  readonly stepHandler: StepHandler = {
    sideEffects: true,
    validate: (step) => step.plugin === undefined ? 'a plugin step needs plugin (its id)' : step.action === undefined ? 'a plugin step needs an action' : undefined,
    run: (ctx) => this.runStep(ctx)
  }

  private async runStep (ctx: StepContext): Promise<unknown> {
    const { step } = ctx
    const doc = await this.version(ctx.ownerId, step.plugin as string, step.pluginVersion).catch((err: Error) => {
      throw new StepError(err.message, 'R3SN_PLUGIN_NOT_FOUND', false)
    })
    const manifest = JSON.parse(doc.manifestJson) as PluginManifest
    const action = manifest.actions.find(a => a.name === step.action)
    if (action === undefined) throw new StepError(`plugin ${doc.pluginId} v${doc.version} has no action ${step.action ?? ''} (actions: ${manifest.actions.map(a => a.name).join(', ')})`, 'R3SN_BAD_INPUT', false)
    const inputProblem = this.schemaProblems(action.input, ctx.input ?? {})
    if (inputProblem !== undefined) throw new StepError(`invalid parameters for ${action.name}: ${inputProblem}`, 'R3SN_BAD_INPUT', false)
    const credential = step.credential === undefined
      ? undefined
      : await this.hub.credentials.secretFor(ctx.ownerId, step.credential, 'http').catch((err: Error) => { throw new StepError(err.message, 'R3SN_BAD_CREDENTIAL', false) })
    // The execution records the version it ran.
    await ctx.emit('plugin.run', { pluginId: doc.pluginId, version: doc.version, action: action.name })
    const started = Date.now()
    this.counts.runs++
    try {
      const result = await this.sandbox.run({ code: doc.code, action: action.name, input: ctx.input ?? {}, limits: this.limitsOf(manifest), egress: manifest.egress, credential, signal: ctx.signal })
      const outputProblem = this.schemaProblems(action.output, result.output)
      if (outputProblem !== undefined) throw new StepError(`plugin ${doc.pluginId} v${doc.version} ${action.name} returned a result that does not match its output schema: ${outputProblem}`, 'R3SN_PLUGIN_OUTPUT', false)
      await this.record(ctx, doc, action.name, true, Date.now() - started)
      return result.output
    } catch (err) {
      this.counts.runFailures++
      await this.record(ctx, doc, action.name, false, Date.now() - started, (err as Error).message)
      throw err
    }
  }

  private async record (ctx: StepContext, doc: VersionDoc, action: string, ok: boolean, durationMs: number, error?: string): Promise<void> {
    await this.runs.insertOne({ pluginId: doc.pluginId, ownerId: ctx.ownerId, version: doc.version, action, ok, durationMs, ...(error === undefined ? {} : { error: error.slice(0, 500) }), executionId: ctx.executionId, at: new Date() })
      .catch(() => {}) // statistics must never fail a run
  }

  async analytics (owner: Owner, pluginId: string): Promise<PluginAnalytics> {
    await this.plugins.get(owner, pluginId)
    const runs = await this.runs.find({ pluginId, ownerId: owner.id }, { projection: { action: 1, version: 1, ok: 1, durationMs: 1 } }).toArray()
    const byAction = new Map<string, { runs: number, failures: number, durations: number[] }>()
    const byVersion = new Map<number, { runs: number, failures: number }>()
    for (const r of runs) {
      const a = byAction.get(r.action) ?? { runs: 0, failures: 0, durations: [] }
      a.runs++
      if (!r.ok) a.failures++
      a.durations.push(r.durationMs)
      byAction.set(r.action, a)
      const v = byVersion.get(r.version) ?? { runs: 0, failures: 0 }
      v.runs++
      if (!r.ok) v.failures++
      byVersion.set(r.version, v)
    }
    return {
      success: true,
      pluginId,
      actions: [...byAction].map(([action, a]) => {
        const sorted = a.durations.sort((x, y) => x - y)
        return { action, runs: a.runs, failures: a.failures, p50DurationMs: percentile(sorted, 0.5), p95DurationMs: percentile(sorted, 0.95) }
      }),
      versions: [...byVersion].sort((x, y) => x[0] - y[0]).map(([version, v]) => ({ version, ...v }))
    }
  }

  async status () {
    return { initialized: true, plugins: await this.plugins.collection.countDocuments({}), ...this.counts, sandbox: this.sandbox.stats }
  }
}

declare module 'fastify' {
  interface FastifyInstance { pluginFactory: PluginFactory }
}

async function pluginFactory (app: FastifyInstance, opts: { config: Config }) {
  const factory = new PluginFactory(app.mongo.db, app.llm, app.sandbox, app.integrationHub, opts.config, app.runEvents)
  await factory.init()
  app.decorate('pluginFactory', factory)
  app.engineStatus.register('pluginFactory', () => factory.status())
}

export default fp(pluginFactory, { name: 'plugin-factory', dependencies: ['mongo', 'engine-status', 'run-events', 'llm', 'sandbox', 'integration-hub'] })
