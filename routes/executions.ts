import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Filter } from 'mongodb'
import { errors, IdParams, ref } from '../schemas/common.js'
import { BadRequest } from '../lib/errors.js'
import { ApprovalAccepted, ApprovalParams, ApprovalRequest, ReplayAccepted, ReplayRequest, EventList, EventsQuery, ExecutionAccepted, ExecutionList, ExecutionListQuery, ExecutionResponse, SignalAccepted, SignalParams, SignalRequest } from '../schemas/executions.js'
import { toExecution, type ExecutionDoc } from '../engines/runtime/store.js'
import { decideApproval, replayRun } from '../commands/operations.js'

// Cursor: the last item's createdAt and id, so pages stay stable while new runs arrive.
const encodeCursor = (d: ExecutionDoc) => Buffer.from(`${d.createdAt.getTime()}:${d._id}`).toString('base64url')
function decodeCursor (cursor: string): Filter<ExecutionDoc> {
  const [ms, ...rest] = Buffer.from(cursor, 'base64url').toString().split(':')
  const createdAt = new Date(Number(ms))
  const id = rest.join(':')
  if (Number.isNaN(createdAt.getTime()) || id === '') throw new BadRequest('cursor is not a nextCursor from this API')
  return { $or: [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }] }
}

const executions: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/executions', {
    schema: {
      operationId: 'listExecutions', tags: ['executions'], summary: 'List your executions, newest first, with filters and cursor pagination',
      description: 'Your executions of every type, newest first, 50 a page (limit up to 200). Filter by status, type or workflowId; pass the answer\'s nextCursor as cursor for the next page (null on the last).',
      querystring: ref(ExecutionListQuery),
      response: { 200: ref(ExecutionList), ...errors(400) }
    }
  }, async (req) => {
    const { status, type, workflowId, cursor } = req.query
    const limit = req.query.limit ?? 50
    const filter: Filter<ExecutionDoc> = {
      ...(status === undefined ? {} : { status }),
      ...(type === undefined ? {} : { type: type as ExecutionDoc['type'] }),
      ...(workflowId === undefined ? {} : { workflowId }),
      ...(cursor === undefined ? {} : decodeCursor(cursor))
    }
    const docs = await app.orchestrator.list(req.user, filter, limit + 1)
    const page = docs.slice(0, limit)
    const last = page.at(-1)
    return { success: true as const, executions: page.map(toExecution), nextCursor: docs.length > limit && last !== undefined ? encodeCursor(last) : null }
  })

  app.get('/api/executions/active', {
    schema: {
      operationId: 'listActiveExecutions', tags: ['executions'], summary: 'Your queued, running and waiting executions',
      description: 'Your executions that have not ended (queued, running, waiting), newest first. No paging: there are as many as you started and have not finished.',
      response: { 200: ref(ExecutionList) }
    }
  }, async (req) => {
    const docs = await app.orchestrator.listActive(req.user)
    return { success: true as const, executions: docs.map(toExecution), nextCursor: null }
  })

  app.get('/api/executions/:id/status', {
    schema: {
      operationId: 'getExecutionStatus', tags: ['executions'], summary: 'An execution with its steps, result and error',
      description: 'The full record of one execution: status, every step with its input, output, attempts and idempotency key, the result or error, token usage and self-debugging diagnoses.',
      params: ref(IdParams),
      response: { 200: ref(ExecutionResponse), ...errors(400, 404) }
    }
  }, async (req) => ({ success: true as const, execution: toExecution(await app.orchestrator.get(req.user, req.params.id)) }))

  app.get('/api/executions/:id/events', {
    schema: {
      operationId: 'listExecutionEvents', tags: ['executions'], summary: 'The durable event log of an execution, from seq `since` on',
      description: 'The execution\'s durable event log, in seq order (gap-free from 1), from seq `since` (exclusive) on. The same events stream live over WebSocket (execution:subscribe); read this to catch up after a disconnect.',
      params: ref(IdParams), querystring: ref(EventsQuery),
      response: { 200: ref(EventList), ...errors(400, 404) }
    }
  }, async (req) => {
    return { success: true as const, events: await app.orchestrator.events(req.user, req.params.id, req.query.since ?? 0, req.query.limit ?? 500) }
  })

  app.post('/api/executions/:id/cancel', {
    schema: {
      operationId: 'cancelExecution', tags: ['executions'], summary: 'Cancel a queued or running execution',
      description: 'Asks a queued, running or waiting execution to stop: it stops at its next await point and ends cancelled. 409 when it has already ended.',
      params: ref(IdParams),
      response: { 200: ref(ExecutionResponse), ...errors(400, 404, 409) }
    }
  }, async (req) => ({ success: true as const, execution: toExecution(await app.orchestrator.cancel(req.user, req.params.id)) }))

  app.post('/api/executions/:id/retry', {
    schema: {
      operationId: 'retryExecution', tags: ['executions'], summary: 'Resume a failed or cancelled execution from the step that stopped it',
      description: 'Starts a failed or cancelled execution again (attempt + 1) from the step that stopped it: steps that completed are not run again. 409 when it has not failed or been cancelled.',
      params: ref(IdParams),
      response: { 202: ref(ExecutionAccepted), ...errors(400, 404, 409) }
    }
  }, async (req, reply) => {
    const doc = await app.orchestrator.retry(req.user, req.params.id)
    return reply.code(202).send({ success: true as const, executionId: doc._id, status: doc.status })
  })

  app.post('/api/executions/:id/replay', {
    schema: {
      operationId: 'replayExecution', tags: ['executions'],
      summary: 'Start a new execution from a step of an ended one, reusing the outputs of the steps before it',
      description: 'A new execution of the same plan and trigger that starts at fromStepId: the steps the source ran before it are not run again (no side effect is repeated); ' +
        'their recorded outputs are copied as completed steps marked replayed. `input` replaces the step\'s input, checked as when a workflow is saved. ' +
        'Workflow runs and prompt runs that were planned can be replayed (400 for other types, or a step the source never reached); 409 while the source has not ended. The new run records replayOf.',
      params: ref(IdParams), body: ref(ReplayRequest),
      response: { 202: ref(ReplayAccepted), ...errors(400, 404, 409) }
    }
  }, async (req, reply) => {
    const doc = await replayRun(app, req.user, { executionId: req.params.id, ...req.body })
    return reply.code(202).send({ success: true as const, executionId: doc._id, status: doc.status, replayOf: doc.replayOf as NonNullable<ExecutionDoc['replayOf']> })
  })

  app.post('/api/executions/:id/signals/:name', {
    schema: {
      operationId: 'signalExecution', tags: ['executions'],
      summary: 'Send a named signal to an execution: a wait step for it completes with the payload as its output',
      description: 'The signal is stored with the run, so one sent before the run reaches its wait is not lost: the wait then completes at once. ' +
        'A signal sent again under the same name before a wait took it keeps the first payload. A run waiting for it resumes on any instance.',
      params: ref(SignalParams), body: ref(SignalRequest),
      response: { 202: ref(SignalAccepted), ...errors(400, 404, 409) }
    },
    // A signal without a payload may come without a body at all (curl -X POST).
    preValidation: async (req) => { req.body ??= {} }
  }, async (req, reply) => {
    const { id, name } = req.params
    const delivered = await app.orchestrator.signal(req.user, id, name, req.body.payload)
    return reply.code(202).send({ success: true as const, executionId: id, signal: name, delivered })
  })

  app.post('/api/executions/:id/approvals/:stepId', {
    schema: {
      operationId: 'decideApproval', tags: ['executions'],
      summary: 'Approve or reject an approval step that waits for your decision',
      description: 'Only the step\'s approvers may decide (403 for the run\'s owner when not one of them). approve: the run goes on with {decision, by, comment, at} as the step\'s output; ' +
        'reject: it fails with R3SN_APPROVAL_REJECTED. The decision is audited as an approval.decided event. 409 when the step is not waiting or was decided already.',
      params: ref(ApprovalParams), body: ref(ApprovalRequest),
      response: { 202: ref(ApprovalAccepted), ...errors(400, 403, 404, 409) }
    }
  }, async (req, reply) => {
    const decided = await decideApproval(app, req.user, { executionId: req.params.id, stepId: req.params.stepId, ...req.body })
    return reply.code(202).send({ success: true as const, ...decided })
  })
}

export default executions
