import { EventEmitter } from 'node:events'
import type { ExecutionEvent } from '../schemas/executions.js'

/**
 * The record a run ends with. Its type belongs to the engine that stores runs, a layer above
 * this one: engines/runtime/store.ts names it by augmenting this interface (as plugins augment
 * FastifyInstance), so the bus imports nothing from engines/.
 */
export interface RunRecordTypes {}
export type EndedRun = RunRecordTypes extends { ended: infer Doc } ? Doc : object

/**
 * What happens to runs on this instance, on one typed bus (as trigger.dev's run engine does):
 * engines publish, the realtime plugin and the sync wait listen.
 */
export interface RunEvents {
  /** An event appended to an execution's durable log; `runType` is the execution's type (prompt, workflow...). */
  event: [event: ExecutionEvent, ownerId: string, runType: string]
  /** A run stopped on this instance: its final record if it ended, null if it was left to be resumed. */
  ended: [executionId: string, doc: EndedRun | null]
  /** Tokens of a streamed plan as the LLM writes it. */
  tokens: [ownerId: string, executionId: string, text: string]
  /** The streamed plan is complete. */
  tokensEnd: [executionId: string]
  /**
   * A live message for all of a user's sockets (plugin:progress, plugin:generated, notification...);
   * `origin`, the connection that asked for it and got it as its reply, is skipped.
   */
  user: [ownerId: string, event: string, data: object, origin?: string]
}

export class RunEventBus extends EventEmitter<RunEvents> {
  constructor () {
    super()
    this.setMaxListeners(0)
  }
}
