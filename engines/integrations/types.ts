import type { TSchema, Static } from '@sinclair/typebox'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../config.js'

export interface ActionContext {
  executionId: string
  /** executionId:stepId:attempt; actions with side effects pass it on (http.request sends Idempotency-Key). */
  idempotencyKey: string
  signal: AbortSignal
  log: FastifyBaseLogger
  config: Config
}

export interface IntegrationAction<I extends TSchema = TSchema> {
  name: string
  description: string
  input: I
  run (input: Static<I>, ctx: ActionContext): Promise<unknown>
}

export function defineAction<I extends TSchema> (action: IntegrationAction<I>): IntegrationAction<I> {
  return action
}
