import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import type { Owner } from '../lib/mongo.js'
import { BadRequest, NotFound } from '../lib/errors.js'
import type { WorkflowStep } from '../schemas/workflows.js'
import { literal } from './runtime/expressions.js'
import { schemaProblems } from '../lib/schema-check.js'
import { CredentialStore } from './credential-store.js'
import { StepError, type StepContext, type StepHandler, type StepProblem } from './runtime/steps.js'
import { inputProblem, typeboxInputProblems } from './runtime/input-check.js'
import type { IntegrationAction } from './integrations/types.js'
import { builtinActions } from './integrations/index.js'

/** The catalog of built-in integration actions, the credentials they use, and the `integration` step type. */
export class IntegrationHub {
  private readonly actions = new Map<string, IntegrationAction>()

  constructor (private readonly config: Config, readonly credentials: CredentialStore, actions: IntegrationAction[]) {
    for (const action of actions) this.actions.set(action.name, action)
  }

  list (): IntegrationAction[] {
    return [...this.actions.values()]
  }

  get (name: string): IntegrationAction | undefined {
    return this.actions.get(name)
  }

  /** Why a step cannot run this action with this input and credential, or undefined. */
  problem (actionName: string | undefined, input: unknown, credential: string | undefined, checkInput: boolean): string | undefined {
    const names = [...this.actions.keys()].join(', ')
    if (actionName === undefined) return `an integration step needs an action (one of ${names})`
    const action = this.actions.get(actionName)
    if (action === undefined) return `unknown integration action "${actionName}" (one of ${names})`
    if (action.credential?.required === true && credential === undefined) return `${action.name} needs a credential of type ${action.credential.type}`
    if (action.credential === undefined && credential !== undefined) return `${action.name} takes no credential`
    const problems = checkInput ? schemaProblems(action.input, input ?? {}) : undefined
    return problems === undefined ? undefined : `invalid input for ${action.name}: ${problems}`
  }

  /**
   * What is wrong with a step before it runs: the action and credential, and its input as far
   * as it is known then (literal values and absent required fields; "=expressions" are checked at run time).
   */
  definitionProblem (actionName: string | undefined, input: unknown, credential: string | undefined): string | StepProblem | undefined {
    const problem = this.problem(actionName, input, credential, false)
    if (problem !== undefined) return problem
    const action = this.actions.get(actionName as string) as IntegrationAction
    return inputProblem(action.name, typeboxInputProblems(action.input, input))
  }

  /** Refuses (400) a credential the owner does not have or of another type than `type`. */
  async checkCredential (ownerId: string, credentialId: string, type: string): Promise<void> {
    await this.credentials.check(ownerId, credentialId, type).catch((err: Error) => { throw new BadRequest(err.message) })
  }

  /** The decrypted fields of a credential for one step run; plain Errors (the caller turns them into a step failure). */
  async secretFor (ownerId: string, credentialId: string, type: string): Promise<Record<string, string>> {
    return this.credentials.secretFor(ownerId, credentialId, type)
  }

  /** The owner's credentials as a planner may see them: id, name and type, never a secret. */
  async credentialSummaries (owner: Owner): Promise<{ id: string, name: string, type: string }[]> {
    return (await this.credentials.list(owner)).map(c => ({ id: c._id, name: c.name, type: c.type }))
  }

  /**
   * The step that runs one action of integration `integration` with these params, checked
   * before anything is stored (an unknown integration or action is a 404; bad params or
   * credential a 400). `action` is "<integration>.<action>" or just the action's part.
   */
  async actionStep (owner: Owner, integration: string, action: string, params: unknown, credentialId?: string): Promise<{ action: string, step: WorkflowStep }> {
    if (!this.list().some(a => a.name.startsWith(`${integration}.`))) throw new NotFound(`Integration ${integration}`)
    const name = action.includes('.') ? action : `${integration}.${action}`
    if (!name.startsWith(`${integration}.`)) throw new NotFound(`Action ${name} of integration ${integration}`)
    const problem = this.problem(name, params, credentialId, true)
    if (problem !== undefined) throw new BadRequest(problem)
    const spec = this.get(name)?.credential
    if (credentialId !== undefined && spec !== undefined) await this.checkCredential(owner.id, credentialId, spec.type)
    return { action: name, step: { id: 'action', type: 'integration', action: name, input: literal(params), ...(credentialId === undefined ? {} : { credential: credentialId }) } }
  }

  readonly stepHandler: StepHandler = {
    // One rule for every action: its start is recorded before it runs (most actions touch the outside world).
    sideEffects: true,
    validate: (step) => this.definitionProblem(step.action, step.input, step.credential),
    run: (ctx) => this.runStep(ctx)
  }

  private async runStep (ctx: StepContext): Promise<unknown> {
    const problem = this.problem(ctx.step.action, ctx.input, ctx.step.credential, true)
    if (problem !== undefined) throw new StepError(problem, 'R3SN_BAD_INPUT', false)
    const action = this.actions.get(ctx.step.action as string) as IntegrationAction
    const credential = ctx.step.credential === undefined || action.credential === undefined
      ? undefined
      : await this.secretFor(ctx.ownerId, ctx.step.credential, action.credential.type).catch((err: Error) => {
        throw new StepError(`${action.name}: ${err.message}`, 'R3SN_BAD_CREDENTIAL', false)
      })
    return action.run(ctx.input ?? {}, {
      executionId: ctx.executionId, idempotencyKey: ctx.idempotencyKey, signal: ctx.signal, log: ctx.log, config: this.config, credential
    })
  }
}

declare module 'fastify' {
  interface FastifyInstance { integrationHub: IntegrationHub }
}

async function integrationHub (app: FastifyInstance, opts: { config: Config }) {
  const credentials = new CredentialStore(app.mongo.db, opts.config.encryptionKey)
  // Refuses to boot when credentials exist but the key is missing or cannot read them.
  await credentials.init()
  const hub = new IntegrationHub(opts.config, credentials, builtinActions)
  app.decorate('integrationHub', hub)
  app.engineStatus.register('integrationHub', async () => ({
    initialized: true, actions: hub.list().length, credentials: await credentials.count(), encryptionKey: opts.config.encryptionKey !== undefined
  }))
}

export default fp(integrationHub, { name: 'integration-hub', dependencies: ['mongo', 'engine-status'] })
