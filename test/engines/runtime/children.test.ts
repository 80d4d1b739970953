import t from 'tap'
import { build, caller, createUser, eventually, sharedApp, type Call } from '../../helper.js'

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

t.test('parallel: branches are validated at save, naming the branch and the step', async t => {
  const { call } = await user()
  const bad: [unknown, RegExp][] = [
    [{ id: 'p', type: 'parallel', branches: { a: [{ id: 'x', type: 'transform' }] } }, /step "p": branch "a": step "x": a transform step needs an expression/],
    [{ id: 'p', type: 'parallel', branches: { a: [{ id: 'x', type: 'transform', expression: '1', next: 'y' }] } }, /step "p": branch "a": step "x": next points to a missing step "y"/],
    [{ id: 'p', type: 'parallel', branches: {} }, /step "p": a parallel step needs branches/],
    [{ id: 'p', type: 'parallel', branches: { a: [{ id: 'x', type: 'transform', expression: '1' }] }, items: 'x' }, /step "p": items is only for foreach steps/],
    [{ id: 'p', type: 'parallel', branches: { a: [{ id: 'x', type: 'transform', expression: '1' }] }, forMs: 5 }, /step "p": forMs is not for parallel steps/],
    [{ id: 'f', type: 'foreach', items: '[1]', steps: [{ id: 'y', type: 'nope' }] }, /body\/steps\/0\/steps\/0\/type must/],
    [{ id: 'f', type: 'foreach', items: '[1', steps: [{ id: 'y', type: 'transform', expression: '1' }] }, /step "f": bad JSONata expression in items/],
    [{ id: 'f', type: 'foreach', items: '[1]', steps: [{ id: 'y', type: 'transform', expression: '1' }, { id: 'y', type: 'transform', expression: '2' }] }, /step "f": step "y": the id is used twice/]
  ]
  for (const [step, message] of bad) {
    const res = await call('POST', '/api/workflows', { name: 'bad', steps: [step] })
    t.equal(res.status, 400, JSON.stringify(step))
    t.match(res.body.message, message)
  }
})

const branch = (expression: string) => [{ id: 's', type: 'transform', expression }]
const failing = [{ id: 'bad', type: 'condition', expression: '"no"' }]
const waitsForever = [{ id: 'hold', type: 'wait', signal: 'never' }]

t.test('parallel join all: each branch\'s result under its name; a failed branch fails the step', async t => {
  const { call } = await user()
  const ok = await save(call, [
    { id: 'both', type: 'parallel', input: { n: '=trigger.n' }, branches: { twice: branch('trigger.n * 2'), thrice: branch('trigger.n * 3'), same: branch('trigger') } },
    { id: 'sum', type: 'transform', expression: 'steps.both.output.twice + steps.both.output.thrice' }
  ])
  const run = await ended(call, await start(call, ok, { n: 5 }))
  t.equal(run.status, 'completed')
  t.same(run.steps[0]?.output, { twice: 10, thrice: 15, same: { n: 5 } }, 'a branch\'s trigger is the step\'s input')
  t.equal(run.result, 25)
  t.match(run.steps[0]?.waitingFor?.children, { total: 3, started: 3 })
  const branchRun = await status(call, `${run.executionId}:both:1:thrice`)
  t.match(branchRun, { status: 'completed', result: 15, parentId: run.executionId, parentStepId: 'both' })

  const bad = await save(call, [{ id: 'both', type: 'parallel', branches: { fine: branch('1'), broken: failing, stuck: waitsForever } }])
  const failed = await ended(call, await start(call, bad))
  t.equal(failed.status, 'failed')
  t.match(failed.error, { code: 'R3SN_CHILD_FAILED', stepId: 'both', message: /branch "broken"/, details: { branch: 'broken' } })
  t.equal((await ended(call, `${failed.executionId}:both:1:stuck`)).status, 'cancelled', 'a branch still going once the join is decided is cancelled')
})

t.test('parallel join any and first-success; maxConcurrency bounds the branches at once', async t => {
  const { call } = await user()
  const any = await save(call, [{ id: 'race', type: 'parallel', join: 'any', branches: { quick: branch('"quick"'), stuck: waitsForever } }])
  const anyRun = await ended(call, await start(call, any))
  t.equal(anyRun.status, 'completed')
  t.same(anyRun.result, { quick: 'quick' }, 'any: the first branch to end')
  t.equal((await ended(call, `${anyRun.executionId}:race:1:stuck`)).status, 'cancelled')

  const firstSuccess = await save(call, [{ id: 'race', type: 'parallel', join: 'first-success', branches: { broken: failing, fine: branch('"fine"') } }])
  const fsRun = await ended(call, await start(call, firstSuccess))
  t.equal(fsRun.status, 'completed')
  t.same(fsRun.result, { fine: 'fine' }, 'first-success: a failed branch does not decide')

  const allFail = await save(call, [{ id: 'race', type: 'parallel', join: 'first-success', branches: { one: failing, two: failing } }])
  const allRun = await ended(call, await start(call, allFail))
  t.equal(allRun.status, 'failed')
  t.match(allRun.error, { code: 'R3SN_CHILD_FAILED', message: /every branch failed/ })

  const anyFail = await save(call, [{ id: 'race', type: 'parallel', join: 'any', maxConcurrency: 1, branches: { broken: failing, fine: branch('1') } }])
  const anyFailRun = await ended(call, await start(call, anyFail))
  t.equal(anyFailRun.status, 'failed', 'any: the first branch to end decides, failed or not')
  t.match(anyFailRun.error, { details: { branch: 'broken' } })
  t.equal((await call('GET', `/api/executions/${anyFailRun.executionId}:race:1:fine/status`)).status, 404, 'maxConcurrency 1: the second branch had not started')

  const serial = await save(call, [{ id: 'p', type: 'parallel', maxConcurrency: 1, branches: { a: branch('"a"'), b: branch('"b"'), c: branch('"c"') } }])
  const serialRun = await ended(call, await start(call, serial))
  t.same(serialRun.result, { a: 'a', b: 'b', c: 'c' })
  const starts = (await events(call, serialRun.executionId)).filter(e => e.type === 'step.child').map(e => e.data.branch)
  t.same(starts, ['a', 'b', 'c'], 'one branch at a time, in order')
})

t.test('foreach: outputs in item order with concurrency; skip, collect and fail; the item cap', async t => {
  const { call } = await user()
  const each = await save(call, [
    { id: 'each', type: 'foreach', items: 'trigger.names', concurrency: 3, input: { greeting: '=trigger.greeting' }, steps: [{ id: 'greet', type: 'transform', expression: 'trigger.input.greeting & " " & trigger.item & " #" & $string(trigger.index)' }] }
  ])
  const names = Array.from({ length: 10 }, (_, i) => `n${i}`)
  const run = await ended(call, await start(call, each, { names, greeting: 'hi' }))
  t.equal(run.status, 'completed')
  t.same(run.result, names.map((n, i) => `hi ${n} #${i}`), 'in item order')
  t.match(run.steps[0]?.waitingFor?.children, { total: 10, started: 10, running: [] })
  const log = await events(call, run.executionId)
  t.equal(log.filter(e => e.type === 'step.child').length, 10, 'one child per item')

  // Items 1 and 3 fail (a condition that gets no boolean).
  const mixed = (onItemError?: string) => save(call, [{ id: 'each', type: 'foreach', items: '[0, 1, 2, 3, 4]', concurrency: 2, ...(onItemError === undefined ? {} : { onItemError }), steps: [
    { id: 'check', type: 'condition', expression: 'trigger.item % 2 = 1 ? "odd" : true' },
    { id: 'out', type: 'transform', expression: 'trigger.item * 10' }
  ] }])
  const skipped = await ended(call, await start(call, await mixed('skip')))
  t.same(skipped.result, [0, 20, 40], 'skip: failed items are left out')
  const collected = await ended(call, await start(call, await mixed('collect')))
  t.match(collected.result, [0, { error: { code: 'R3SN_BAD_CONDITION', index: 1 } }, 20, { error: { index: 3 } }, 40], 'collect: each failed item has its error in its place')
  const failedRun = await ended(call, await start(call, await mixed()))
  t.equal(failedRun.status, 'failed')
  t.match(failedRun.error, { code: 'R3SN_CHILD_FAILED', stepId: 'each', message: /item [13] / })

  const capped = await save(call, [{ id: 'each', type: 'foreach', items: '[1..20]', maxItems: 5, steps: [{ id: 'x', type: 'transform', expression: '1' }] }])
  const cappedRun = await ended(call, await start(call, capped))
  t.equal(cappedRun.status, 'failed')
  t.match(cappedRun.error, { code: 'R3SN_TOO_MANY_ITEMS', message: /20 items, more than maxItems \(5\)/ })
  t.notOk((await events(call, cappedRun.executionId)).some(e => e.type === 'step.child'), 'nothing started')

  const notArray = await save(call, [{ id: 'each', type: 'foreach', items: '"text"', steps: [{ id: 'x', type: 'transform', expression: '1' }] }])
  t.match((await ended(call, await start(call, notArray))).error, { code: 'R3SN_BAD_ITEMS' })
  const empty = await save(call, [{ id: 'each', type: 'foreach', items: '[]', steps: [{ id: 'x', type: 'transform', expression: '1' }] }])
  t.same((await ended(call, await start(call, empty))).result, [], 'no items: an empty output at once')
})

t.test('a child\'s report lost (its write failed) is made good by the parent\'s own check of its children', async t => {
  let lose = 0
  const { baseUrl, adminKey, logs } = await build(t, { childCheckMs: 300 }, { faults: write => { if (write === 'signal' && lose > 0) { lose--; throw new Error('injected: the report is lost') } } })
  const call = caller(baseUrl, (await createUser(baseUrl, adminKey, 'lost')).key)
  const child = await save(call, [{ id: 'pause', type: 'wait', forMs: 200 }, { id: 'out', type: 'transform', expression: '"from the child"' }], 'child')
  const parent = await save(call, [{ id: 'call', type: 'workflow', workflowId: child }])
  lose = 1
  const run = await ended(call, await start(call, parent))
  t.equal(run.status, 'completed')
  t.equal(run.result, 'from the child')
  t.equal(lose, 0, 'the child\'s report was lost')
  t.ok(logs.some(line => line.includes('telling a parent run')), 'the lost report was logged')
})

t.test('timeoutMs bounds a step that waits for children: they are cancelled and the step fails', async t => {
  const { call } = await user()
  const slow = await save(call, [{ id: 'p', type: 'parallel', timeoutMs: 300, branches: { stuck: waitsForever, quick: branch('1') } }])
  const run = await ended(call, await start(call, slow))
  t.equal(run.status, 'failed')
  t.match(run.error, { code: 'R3SN_STEP_TIMEOUT', stepId: 'p', message: /1 child execution\(s\) still going/ })
  t.equal((await ended(call, `${run.executionId}:p:1:stuck`)).status, 'cancelled')
})
