import type { FastifyReply } from 'fastify'
import type { Orchestrator } from '../engines/orchestrator.js'
import { decodeJson, strategyOf, type ExecutionDoc } from '../engines/runtime/store.js'
import type { ExecuteResponse, Strategy } from '../schemas/execute.js'
import type { StepResult } from '../schemas/executions.js'

export function runResult (ended: ExecutionDoc) {
  return {
    success: true as const,
    executionId: ended._id,
    status: ended.status,
    ...(ended.resultJson === undefined ? {} : { result: decodeJson(ended.resultJson) }),
    error: ended.error,
    executionTime: ended.executionTime
  }
}

/** A workflow run's answer: the run result plus each step that ran, in order, with its output (or error) and duration. */
export function workflowRunResult (ended: ExecutionDoc) {
  const steps: StepResult[] = ended.steps.map(s => ({
    stepId: s.stepId,
    status: s.status,
    ...(s.outputJson === undefined ? {} : { output: decodeJson(s.outputJson) }),
    ...(s.error === undefined ? {} : { error: s.error }),
    durationMs: s.durationMs ?? null
  }))
  return { ...runResult(ended), steps }
}

/** A prompt run's answer: the run result plus what was asked, the strategy and the tokens used. */
export function promptResult (ended: ExecutionDoc): ExecuteResponse {
  const strategy = strategyOf(ended) as Strategy | null
  return { ...runResult(ended), prompt: ended.prompt ?? '', planner: strategy?.planner ?? null, strategy, usage: ended.usage }
}

/** How a request asks to wait: sync (default) up to timeoutMs (default R3SN_SYNC_TIMEOUT_MS), or async. */
export interface RunWait { mode?: 'sync' | 'async', timeoutMs?: number }

/**
 * Answers a started run: sync waits for the end (`endedStatus`, 200 unless the run creates
 * something, with the answer), and answers 202 with the executionId when the wait runs out;
 * async answers 202 at once.
 */
export async function replyWithRun (reply: FastifyReply, orchestrator: Orchestrator, doc: ExecutionDoc, wait: RunWait, answer: (ended: ExecutionDoc) => unknown = runResult, endedStatus = 200) {
  const accepted = (status: ExecutionDoc['status']) => ({ success: true as const, executionId: doc._id, status, ...(doc.prompt === undefined ? {} : { prompt: doc.prompt }) })
  if (wait.mode === 'async') return reply.code(202).send(accepted(doc.status))
  const ended = await orchestrator.waitForEnd(doc._id, wait.timeoutMs ?? orchestrator.syncTimeoutMs)
  if (ended === null) return reply.code(202).send(accepted((await orchestrator.currentStatus(doc._id)) ?? doc.status))
  return reply.code(endedStatus).send(await answer(ended))
}
