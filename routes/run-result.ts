import type { FastifyReply } from 'fastify'
import type { Orchestrator } from '../engines/orchestrator.js'
import { decodeJson, type ExecutionDoc } from '../engines/runtime/store.js'

/**
 * Answers a started run: sync waits for the end (200 with the result), and answers 202
 * with the executionId when the wait runs out; async answers 202 at once.
 */
export async function replyWithRun (reply: FastifyReply, orchestrator: Orchestrator, doc: ExecutionDoc, wait: number | false) {
  if (wait === false) return reply.code(202).send({ success: true as const, executionId: doc._id, status: doc.status })
  const ended = await orchestrator.waitForEnd(doc._id, wait)
  if (ended === null) return reply.code(202).send({ success: true as const, executionId: doc._id, status: (await orchestrator.store.get(doc._id))?.status ?? doc.status })
  return reply.code(200).send({
    success: true as const,
    executionId: ended._id,
    status: ended.status,
    ...(ended.resultJson === undefined ? {} : { result: decodeJson(ended.resultJson) }),
    error: ended.error,
    executionTime: ended.executionTime
  })
}
