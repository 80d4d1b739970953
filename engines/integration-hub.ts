import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Value } from '@sinclair/typebox/value'
import type { Config } from '../config.js'
import { CredentialStore } from './credential-store.js'
import { StepError, type StepContext, type StepHandler, type StepProblem } from './runtime/steps.js'
import { literal } from './runtime/expressions.js'
import type { NewExecution } from './runtime/store.js'
import { inputProblem, typeboxInputProblems } from './runtime/input-check.js'
import type { IntegrationAction } from './integrations/types.js'
import { builtinActions } from './integrations/index.js'

/** The first problems of a value against a schema, for an error message. */
export function schemaProblems (schema: Parameters<typeof Value.Check>[0], value: unknown): string | undefined {
  if (Value.Check(schema, value)) return undefined
  return [...Value.Errors(schema, value)].slice(0, 5).map(e => `${e.path || '/'} ${e.message}`).join('; ')
}

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
      : await this.credentials.secretFor(ctx.ownerId, ctx.step.credential, action.credential.type).catch((err: Error) => {
        throw new StepError(`${action.name}: ${err.message}`, 'R3SN_BAD_CREDENTIAL', false)
      })
    return action.run(ctx.input ?? {}, {
      executionId: ctx.executionId, idempotencyKey: ctx.idempotencyKey, signal: ctx.signal, log: ctx.log, config: this.config, credential
    })
  }
}

/** One action, its parameters and credential already checked by the caller. */
export function integrationExecution (action: string, params: unknown, credentialId?: string): NewExecution {
  return {
    type: 'integration',
    trigger: { action, params },
    plan: [{ id: 'action', type: 'integration', action, input: literal(params), ...(credentialId === undefined ? {} : { credential: credentialId }) }]
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
  app.engines.register('integrationHub', async () => ({
    initialized: true, actions: hub.list().length, credentials: await credentials.count(), encryptionKey: opts.config.encryptionKey !== undefined
  }))
}

export default fp(integrationHub, { name: 'integration-hub', dependencies: ['db', 'engines'] })
