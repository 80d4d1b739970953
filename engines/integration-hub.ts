import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Value } from '@sinclair/typebox/value'
import type { Config } from '../config.js'
import { StepError, type StepHandler } from './runtime/steps.js'
import type { IntegrationAction } from './integrations/types.js'
import * as core from './integrations/core.js'
import * as http from './integrations/http.js'

/** The catalog of built-in integration actions, and the `integration` step type that runs them. */
export class IntegrationHub {
  private readonly actions = new Map<string, IntegrationAction>()

  constructor (private readonly config: Config, actions: IntegrationAction[]) {
    for (const action of actions) this.actions.set(action.name, action)
  }

  list (): IntegrationAction[] {
    return [...this.actions.values()]
  }

  readonly stepHandler: StepHandler = {
    // One rule for every action: its start is recorded before it runs (most actions touch the outside world).
    sideEffects: true,
    validate: (step) => {
      if (step.action === undefined) return `an integration step needs an action (one of ${[...this.actions.keys()].join(', ')})`
      if (!this.actions.has(step.action)) return `unknown integration action "${step.action}" (one of ${[...this.actions.keys()].join(', ')})`
      return undefined
    },
    run: async (ctx) => {
      const action = this.actions.get(ctx.step.action ?? '')
      if (action === undefined) throw new StepError(`unknown integration action "${ctx.step.action ?? ''}"`, 'R3SN_BAD_INPUT', false)
      const input = ctx.input ?? {}
      if (!Value.Check(action.input, input)) {
        const problems = [...Value.Errors(action.input, input)].slice(0, 5).map(e => `${e.path || '/'} ${e.message}`)
        throw new StepError(`invalid input for ${action.name}: ${problems.join('; ')}`, 'R3SN_BAD_INPUT', false)
      }
      return action.run(input, { executionId: ctx.executionId, idempotencyKey: ctx.idempotencyKey, signal: ctx.signal, log: ctx.log, config: this.config })
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance { integrationHub: IntegrationHub }
}

async function integrationHub (app: FastifyInstance, opts: { config: Config }) {
  const hub = new IntegrationHub(opts.config, [http.request, core.delay, core.log] as IntegrationAction[])
  app.decorate('integrationHub', hub)
  app.engines.register('integrationHub', () => ({ initialized: true, actions: hub.list().length }))
}

export default fp(integrationHub, { name: 'integration-hub', dependencies: ['engines'] })
