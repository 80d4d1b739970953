import t from 'tap'
import { eventually, sharedApp, type Call } from '../../helper.js'

// One app for the file; each test has a user of its own. Tests assert order and outcome, never time.
const user = sharedApp({ maxWorkflowDepth: 3 })

interface Run { executionId: string, status: string, result?: unknown, error?: { code: string, message: string, stepId?: string, details?: Record<string, unknown> } | null, parentId?: string, parentStepId?: string, steps: { stepId: string, status: string, output?: unknown, waitingFor?: { children?: { prefix: string, total: number, started: number, ended: number, running: string[] } } }[] }

async function save (call: Call, steps: unknown[], name = 'children'): Promise<string> {
  const created = await call('POST', '/api/workflows', { name, steps })
  if (created.status !== 201) throw new Error(`creating the workflow failed: ${created.text}`)
  return created.body.workflow.id as string
}

async function start (call: Call, workflowId: string, triggerData: unknown = {}): Promise<string> {
  const ran = await call('POST', `/api/workflows/${workflowId}/execute`, { mode: 'async', triggerData })
  return ran.body.executionId as string
}

async function status (call: Call, id: string): Promise<Run> {
  return (await call('GET', `/api/executions/${id}/status`)).body.execution
}

async function ended (call: Call, id: string): Promise<Run> {
  return eventually(async () => {
    const e = await status(call, id)
    return ['completed', 'failed', 'cancelled'].includes(e.status) ? e : undefined
  }, 60_000, `run ${id} to end`)
}

async function events (call: Call, id: string) {
  return ((await call('GET', `/api/executions/${id}/events`)).body.events as { type: string, stepId?: string, data: Record<string, unknown> }[])
}

t.test('a workflow step runs another workflow as a child execution: result mapped back, linked both ways', async t => {
  const { call } = await user()
  const child = await save(call, [{ id: 'double', type: 'transform', expression: 'trigger.n * 2' }], 'double')
  const parent = await save(call, [
    { id: 'call', type: 'workflow', workflowId: child, input: { n: '=trigger.n' } },
    { id: 'after', type: 'transform', expression: 'steps.call.output + 1' }
  ], 'parent')
  const id = await start(call, parent, { n: 20 })
  const run = await ended(call, id)
  t.equal(run.status, 'completed')
  t.equal(run.result, 41, 'the child\'s result is the step\'s output')
  t.equal(run.steps[0]?.output, 40)
  const childId = run.steps[0]?.waitingFor?.children?.prefix as string
  t.equal(childId, `${id}:call:1`, 'the child\'s id comes from parentId:stepId:attempt')
  const childRun = await status(call, childId)
  t.match(childRun, { status: 'completed', result: 40, parentId: id, parentStepId: 'call', trigger: { n: 20 } }, 'the child records its parent')
  const log = await events(call, id)
  t.match(log.find(e => e.type === 'step.child'), { stepId: 'call', data: { childId } }, 'the parent\'s log names the child')
  const types = log.map(e => e.type)
  t.ok(types.indexOf('step.waiting') < types.indexOf('execution.resumed'), 'the parent waited durably for the child, then was resumed')
})

t.test('a failed child fails the workflow step, and its onError applies', async t => {
  const { call } = await user()
  const child = await save(call, [{ id: 'bad', type: 'condition', expression: '"not a boolean"' }], 'bad child')
  const failing = await save(call, [{ id: 'call', type: 'workflow', workflowId: child }])
  const run = await ended(call, await start(call, failing))
  t.equal(run.status, 'failed')
  t.match(run.error, { code: 'R3SN_CHILD_FAILED', stepId: 'call', message: /failed: a condition must produce true or false/ })
  t.match(run.error?.details, { childId: `${run.executionId}:call:1`, status: 'failed', error: { code: 'R3SN_BAD_CONDITION' } })

  const tolerant = await save(call, [
    { id: 'call', type: 'workflow', workflowId: child, onError: 'continue' },
    { id: 'after', type: 'transform', expression: 'steps.call.error.code' }
  ])
  const went = await ended(call, await start(call, tolerant))
  t.equal(went.status, 'completed')
  t.equal(went.result, 'R3SN_CHILD_FAILED', 'onError continue goes on with the error in scope')
})

t.test('cancelling the parent cancels the child (and a cancelled child fails its step)', async t => {
  const { call } = await user()
  const slow = await save(call, [{ id: 'hold', type: 'wait', signal: 'go' }], 'waits for a signal')
  const parent = await save(call, [{ id: 'call', type: 'workflow', workflowId: slow }])
  const id = await start(call, parent)
  const childId = `${id}:call:1`
  await eventually(async () => (await status(call, childId).catch(() => undefined))?.status === 'waiting' || undefined, 30_000, 'the child to wait')
  const cancelled = await call('POST', `/api/executions/${id}/cancel`, {})
  t.equal(cancelled.status, 200)
  t.equal((await ended(call, id)).status, 'cancelled')
  t.equal((await ended(call, childId)).status, 'cancelled', 'the child was cancelled with its parent')

  const other = await start(call, parent)
  const otherChild = `${other}:call:1`
  await eventually(async () => (await status(call, otherChild).catch(() => undefined))?.status === 'waiting' || undefined, 30_000, 'the child to wait')
  await call('POST', `/api/executions/${otherChild}/cancel`, {})
  const run = await ended(call, other)
  t.equal(run.status, 'failed', 'a child cancelled on its own fails its parent\'s step')
  t.match(run.error, { code: 'R3SN_CHILD_FAILED', details: { status: 'cancelled' } })
})

t.test('recursion is bounded: a self-reference is refused at save, a deeper cycle fails at the depth limit', async t => {
  const { call } = await user()
  const a = await save(call, [{ id: 'x', type: 'transform', expression: '1' }], 'a')
  const self = await call('PUT', `/api/workflows/${a}`, { name: 'a', steps: [{ id: 'again', type: 'workflow', workflowId: a }] })
  t.equal(self.status, 400)
  t.match(self.body.message, /step "again": a workflow step may not run its own workflow/)
  const missing = await call('POST', '/api/workflows', { name: 'm', steps: [{ id: 'call', type: 'workflow', workflowId: 'wf_nope' }] })
  t.equal(missing.status, 400)
  t.match(missing.body.message, /step "call": no workflow "wf_nope" of yours/)
  const wrongField = await call('POST', '/api/workflows', { name: 'm', steps: [{ id: 't', type: 'transform', expression: '1', workflowId: a }] })
  t.match(wrongField.body.message, /step "t": workflowId is only for workflow steps/)

  // a -> b -> a -> ...: each save is fine on its own; the run stops at the depth limit (3 here).
  const b = await save(call, [{ id: 'toA', type: 'workflow', workflowId: a }], 'b')
  const put = await call('PUT', `/api/workflows/${a}`, { name: 'a', steps: [{ id: 'toB', type: 'workflow', workflowId: b }] })
  t.equal(put.status, 200)
  const id = await start(call, a)
  const run = await ended(call, id)
  t.equal(run.status, 'failed')
  t.match(run.error, { code: 'R3SN_CHILD_FAILED' })
  // The deepest run is the one that hit the limit.
  let deepest = run
  for (let depth = 0; depth < 5 && deepest.error?.details?.childId !== undefined; depth++) deepest = await status(call, deepest.error.details.childId as string)
  t.match(deepest.error, { code: 'R3SN_DEPTH_EXCEEDED', message: /deeper than the limit of 3/ })
})
