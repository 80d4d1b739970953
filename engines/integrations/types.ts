import type { TSchema, Static } from '@sinclair/typebox'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../config.js'
import type { CredentialData } from '../../lib/egress.js'

export type { CredentialData }

export interface ActionContext {
  executionId: string
  /** executionId:stepId:attempt; actions with side effects pass it on (http.request sends Idempotency-Key). */
  idempotencyKey: string
  signal: AbortSignal
  /** The step's logger, bound to { executionId, stepId, attempt }. */
  log: FastifyBaseLogger
  config: Config
  /** The credential the step names by id (checked against the action's `credential.type`). */
  credential?: CredentialData
}

export interface IntegrationAction<I extends TSchema = TSchema, O extends TSchema = TSchema> {
  /** `<integration>.<action>`, e.g. http.request; the integration is the part before the dot. */
  name: string
  description: string
  input: I
  output: O
  /** The credential the action uses: its type (credentials of another type are refused) and the fields it reads. */
  credential?: { type: string, required: boolean, fields: string[] }
  run (input: Static<I>, ctx: ActionContext): Promise<Static<O>>
}

export function defineAction<I extends TSchema, O extends TSchema> (action: IntegrationAction<I, O>): IntegrationAction<I, O> {
  return action
}
