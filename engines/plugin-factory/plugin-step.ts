import type { Owner } from '../../lib/mongo.js'
import { BadRequest } from '../../lib/errors.js'
import type { Sandbox } from '../../plugins/sandbox.js'
import type { WorkflowStep } from '../../schemas/workflows.js'
import type { IntegrationHub } from '../integration-hub.js'
import { literal } from '../runtime/expressions.js'
import { StepError, type StepContext, type StepHandler } from '../runtime/steps.js'
import type { PluginRuns } from './analytics.js'
import { manifestOf, type PluginStore } from './storage.js'
import { limitsOf, type Verifier } from './verification.js'

/**
 * The `plugin` step: one action of a plugin (its latest version when the step starts, unless
 * `pluginVersion` pins one) run in the sandbox with the manifest's limits, egress and the
 * step's credential; parameters and result are checked against the action's schemas.
 */
export class PluginStep {
  readonly counts = { runs: 0, runFailures: 0 }

  constructor (
    private readonly store: PluginStore,
    private readonly verifier: Verifier,
    private readonly sandbox: Sandbox,
    private readonly hub: IntegrationHub,
    private readonly runs: PluginRuns
  ) {}

  /**
   * The step that runs one action of a plugin (its latest version unless `version` pins one),
   * checked before anything is stored: an unknown action, parameters that do not fit its input
   * schema, or a credential the plugin does not take (or of another type) are a 400.
   */
  async actionStep (owner: Owner, pluginId: string, req: { action: string, parameters: unknown, version?: number, credentialId?: string }): Promise<WorkflowStep> {
    const { action, parameters, version, credentialId } = req
    const doc = await this.store.version({ id: owner.id, admin: false }, pluginId, version)
    const manifest = manifestOf(doc)
    const spec = manifest.actions.find(a => a.name === action)
    if (spec === undefined) throw new BadRequest(`plugin ${doc.pluginId} v${doc.version} has no action ${action} (actions: ${manifest.actions.map(a => a.name).join(', ')})`)
    const problem = this.verifier.schemaProblems(spec.input, parameters)
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

  readonly handler: StepHandler = {
    sideEffects: true,
    validate: (step) => step.plugin === undefined ? 'a plugin step needs plugin (its id)' : step.action === undefined ? 'a plugin step needs an action' : undefined,
    run: (ctx) => this.run(ctx)
  }

  private async run (ctx: StepContext): Promise<unknown> {
    const { step } = ctx
    const doc = await this.store.version({ id: ctx.ownerId, admin: false }, step.plugin as string, step.pluginVersion).catch((err: Error) => {
      throw new StepError(err.message, 'R3SN_PLUGIN_NOT_FOUND', false)
    })
    const manifest = manifestOf(doc)
    const action = manifest.actions.find(a => a.name === step.action)
    if (action === undefined) throw new StepError(`plugin ${doc.pluginId} v${doc.version} has no action ${step.action ?? ''} (actions: ${manifest.actions.map(a => a.name).join(', ')})`, 'R3SN_BAD_INPUT', false)
    const inputProblem = this.verifier.schemaProblems(action.input, ctx.input ?? {})
    if (inputProblem !== undefined) throw new StepError(`invalid parameters for ${action.name}: ${inputProblem}`, 'R3SN_BAD_INPUT', false)
    const credential = step.credential === undefined
      ? undefined
      : await this.hub.secretFor(ctx.ownerId, step.credential, 'http').catch((err: Error) => { throw new StepError(err.message, 'R3SN_BAD_CREDENTIAL', false) })
    // The execution records the version it ran.
    await ctx.emit('plugin.run', { pluginId: doc.pluginId, version: doc.version, action: action.name })
    // The run's sandbox CPU budget: none left fails the step before the plugin runs; what is left caps this run.
    const cpuLeft = ctx.budget?.sandboxCpuLeft()
    const limits = limitsOf(manifest)
    const capped = cpuLeft !== undefined && cpuLeft < limits.cpuMs
    const started = Date.now()
    this.counts.runs++
    const record = (ok: boolean, error?: string) => this.runs.record({
      pluginId: doc.pluginId, ownerId: ctx.ownerId, version: doc.version, action: action.name, ok, durationMs: Date.now() - started, executionId: ctx.executionId, ...(error === undefined ? {} : { error })
    })
    try {
      const result = await this.sandbox.run({ code: doc.code, action: action.name, input: ctx.input ?? {}, limits: capped ? { ...limits, cpuMs: Math.max(1, Math.floor(cpuLeft)) } : limits, egress: manifest.egress, credential, signal: ctx.signal })
        .catch((err: unknown) => {
          // Stopped at its CPU limit: all of it was spent, and with the budget's cap, that is the budget's end.
          if ((err as { code?: string }).code === 'R3SN_SANDBOX_CPU') {
            ctx.budget?.chargeSandboxCpu(capped ? cpuLeft : limits.cpuMs)
            if (capped) ctx.budget?.sandboxCpuLeft()
          }
          throw err
        })
      ctx.budget?.chargeSandboxCpu(result.cpuMs)
      const outputProblem = this.verifier.schemaProblems(action.output, result.output)
      if (outputProblem !== undefined) throw new StepError(`plugin ${doc.pluginId} v${doc.version} ${action.name} returned a result that does not match its output schema: ${outputProblem}`, 'R3SN_PLUGIN_OUTPUT', false)
      await record(true)
      return result.output
    } catch (err) {
      this.counts.runFailures++
      await record(false, (err as Error).message)
      throw err
    }
  }
}
