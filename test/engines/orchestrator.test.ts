import t from 'tap'
import { build, getEvents, runWorkflow, sharedApp } from '../helper.js'
import { startRecorder } from '../fixtures/http-recorder.js'

// One app for the tests that need no config of their own; each test has a user of its own.
const user = sharedApp()

t.test('transform and JSONata input mapping over trigger, earlier steps and the execution', async t => {
  const { client } = await user()
  const rec = await startRecorder(t)
  const { answer, execution } = await runWorkflow(client, {
    name: 'mapping',
    steps: [
      { id: 'total', type: 'transform', expression: '{ "sum": $sum(trigger.items.price), "count": $count(trigger.items) }' },
      { id: 'post', type: 'integration', action: 'http.request', input: { method: 'POST', url: `${rec.url}/ok`, body: { total: '=steps.total.output.sum', run: '=execution.id', literal: '==not an expression', nested: ['=steps.total.output.count'] } } },
      { id: 'echo', type: 'transform', expression: 'steps.post.output.body.body' }
    ]
  }, { items: [{ price: 2 }, { price: 5 }] })
  t.equal(answer.status, 'completed')
  t.same(answer.result, { total: 7, run: execution.executionId, literal: '=not an expression', nested: [2] })
  t.equal(rec.requests.length, 1)
  t.equal(rec.requests[0]?.idempotencyKey, `${execution.executionId}:post:1`, 'side effects carry executionId:stepId:attempt')
  t.same(execution.steps.map(s => [s.stepId, s.status, s.attempts]), [['total', 'completed', 1], ['post', 'completed', 1], ['echo', 'completed', 1]])
  t.same(execution.steps[0]?.output, { sum: 7, count: 2 }, 'each step\'s output is persisted')
  t.same(execution.trigger, { items: [{ price: 2 }, { price: 5 }] })
  t.ok(execution.steps.every(s => typeof s.durationMs === 'number' && s.endedAt !== undefined))
})

t.test('an expression that returns the scope itself gives a copy: the run ends with it as its output', async t => {
  const { client } = await user()
  const { answer, execution } = await runWorkflow(client, { name: 'scope', steps: [
    { id: 'first', type: 'transform', expression: '1' },
    { id: 'all', type: 'transform', expression: 'steps' }
  ] })
  t.equal(answer.status, 'completed')
  t.same(execution.steps[1]?.output, { first: { output: 1 } }, 'the outputs as they were when the step ran')
})

t.test('a condition branches to then or else', async t => {
  const { client } = await user()
  const def = {
    name: 'branch',
    steps: [
      { id: 'check', type: 'condition' as const, expression: 'trigger.amount > 100', then: 'big', else: 'small' },
      { id: 'small', type: 'transform' as const, expression: '"small order"', next: '$end' },
      { id: 'big', type: 'transform' as const, expression: '"big order"' }
    ]
  }
  const big = await runWorkflow(client, def, { amount: 500 })
  t.equal(big.answer.result, 'big order')
  t.same(big.execution.steps.map(s => s.stepId), ['check', 'big'])
  const small = await runWorkflow(client, def, { amount: 5 })
  t.equal(small.answer.result, 'small order')
  t.same(small.execution.steps.map(s => s.stepId), ['check', 'small'], '$end stops after the else branch')

  const notBoolean = await runWorkflow(client, { name: 'bad', steps: [{ id: 'c', type: 'condition', expression: 'trigger.amount' }] }, { amount: 3 })
  t.equal(notBoolean.answer.status, 'failed')
  t.match(notBoolean.answer.error, { code: 'R3SN_BAD_CONDITION', stepId: 'c', message: /true or false, got 3/ })
})

t.test('fixed and exponential backoff retry transient failures; idempotency keys count attempts', async t => {
  const { client } = await user()
  const rec = await startRecorder(t)
  const fixed = await runWorkflow(client, {
    name: 'fixed',
    steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${rec.url}/fail/fixed/2` }, retry: { maxAttempts: 3, backoff: 'fixed', initialDelayMs: 150 } }]
  })
  t.equal(fixed.answer.status, 'completed')
  t.equal(fixed.execution.steps[0]?.attempts, 3)
  const fixedCalls = rec.requests.filter(r => r.path === '/fail/fixed/2')
  t.same(fixedCalls.map(r => r.idempotencyKey), [1, 2, 3].map(n => `${fixed.execution.executionId}:call:${n}`))
  t.ok(fixedCalls[1]!.at - fixedCalls[0]!.at >= 145 && fixedCalls[2]!.at - fixedCalls[1]!.at >= 145, 'waits initialDelayMs between attempts')
  const fixedDelays = (await getEvents(client, fixed.execution.executionId)).filter(e => e.type === 'step.retrying').map(e => e.data.delayMs)
  t.same(fixedDelays, [150, 150])

  const expo = await runWorkflow(client, {
    name: 'exponential',
    steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${rec.url}/fail/expo/3` }, retry: { maxAttempts: 5, backoff: 'exponential', initialDelayMs: 50, maxDelayMs: 150 } }]
  })
  t.equal(expo.answer.status, 'completed')
  t.equal(expo.execution.steps[0]?.attempts, 4)
  const expoDelays = (await getEvents(client, expo.execution.executionId)).filter(e => e.type === 'step.retrying').map(e => e.data.delayMs)
  t.same(expoDelays, [50, 100, 150], 'doubles, capped at maxDelayMs')
  const expoCalls = rec.requests.filter(r => r.path === '/fail/expo/3')
  t.ok(expoCalls[3]!.at - expoCalls[2]!.at >= 145, 'the capped delay was really waited')

  const exhausted = await runWorkflow(client, {
    name: 'exhausted',
    steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${rec.url}/fail/never/99` }, retry: { maxAttempts: 2, initialDelayMs: 10 } }]
  })
  t.equal(exhausted.answer.status, 'failed')
  t.match(exhausted.answer.error, { code: 'HTTP_503', stepId: 'call' })
  t.equal(rec.requests.filter(r => r.path === '/fail/never/99').length, 2)

  const badRequest = await runWorkflow(client, {
    name: 'client error',
    steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${rec.url}/status/400` }, retry: { maxAttempts: 3, initialDelayMs: 10 } }]
  })
  t.match(badRequest.answer.error, { code: 'HTTP_400' })
  t.equal(rec.requests.filter(r => r.path === '/status/400').length, 1, 'a 4xx is not retried')
})

t.test('a step that runs past timeoutMs fails with a timeout', async t => {
  // Self-debugging would retry the timeout (a transient failure); this is about the runtime alone.
  const { client } = await build(t, { selfDebug: false })
  const rec = await startRecorder(t)
  const slow = await runWorkflow(client, {
    name: 'slow',
    steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${rec.url}/slow?ms=3000` }, timeoutMs: 200 }]
  })
  t.equal(slow.answer.status, 'failed')
  t.match(slow.answer.error, { code: 'R3SN_STEP_TIMEOUT', stepId: 'call', message: 'step timed out after 200 ms' })
  t.ok((slow.execution.steps[0]?.durationMs as number) < 3000, 'the step ended before the slow server answered (at 3 s)')

  const retried = await runWorkflow(client, {
    name: 'delay',
    steps: [{ id: 'wait', type: 'integration', action: 'core.delay', input: { ms: 1000 }, timeoutMs: 50, retry: { maxAttempts: 2, initialDelayMs: 10 } }]
  })
  t.match(retried.answer.error, { code: 'R3SN_STEP_TIMEOUT' })
  t.equal(retried.execution.steps[0]?.attempts, 2, 'a timeout is retryable')
})

t.test('onError: fail, continue and goto', async t => {
  const { client } = await user()
  const rec = await startRecorder(t)
  const failing = { type: 'integration' as const, action: 'http.request', input: { url: `${rec.url}/status/500` } }

  const fail = await runWorkflow(client, { name: 'fail', steps: [{ id: 'bad', ...failing }, { id: 'after', type: 'transform', expression: '"ran"' }] })
  t.equal(fail.answer.status, 'failed')
  t.match(fail.answer.error, { stepId: 'bad', code: 'HTTP_500' })
  t.same(fail.execution.steps.map(s => [s.stepId, s.status]), [['bad', 'failed']])

  const cont = await runWorkflow(client, { name: 'continue', steps: [{ id: 'bad', ...failing, onError: 'continue' }, { id: 'after', type: 'transform', expression: '{ "previous": steps.bad.output }' }] })
  t.equal(cont.answer.status, 'completed')
  t.same(cont.answer.result, { previous: null }, 'a failed step that continues has a null output')
  t.same(cont.execution.steps.map(s => [s.stepId, s.status]), [['bad', 'failed'], ['after', 'completed']])

  const jump = await runWorkflow(client, {
    name: 'goto',
    steps: [
      { id: 'bad', ...failing, onError: 'goto:recover' },
      { id: 'skipped', type: 'transform', expression: '"should not run"' },
      { id: 'recover', type: 'transform', expression: '"recovered"' }
    ]
  })
  t.equal(jump.answer.result, 'recovered')
  t.same(jump.execution.steps.map(s => s.stepId), ['bad', 'recover'])
})

t.test('http.request refuses private addresses unless allowed', async t => {
  const { client } = await build(t, { httpAllowedHosts: ['*'] })
  const rec = await startRecorder(t)
  const denied = await runWorkflow(client, {
    name: 'ssrf', steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: `${rec.url}/ok` }, retry: { maxAttempts: 3, initialDelayMs: 10 } }]
  })
  t.equal(denied.answer.status, 'failed')
  t.match(denied.answer.error, { code: 'R3SN_EGRESS_DENIED', message: /private or loopback/ })
  t.equal(rec.requests.length, 0, 'nothing was sent, and the refusal is not retried')

  // (A literal like this is refused when the workflow is saved; a value from an expression is checked when the step runs.)
  const badInput = await runWorkflow(client, {
    name: 'bad input', steps: [{ id: 'call', type: 'integration', action: 'http.request', input: { url: '=trigger.url' } }]
  }, { url: 'ftp://example.com' })
  t.match(badInput.answer.error, { code: 'R3SN_BAD_INPUT', message: /invalid input for http.request/ })
})

t.test('invalid definitions are refused with 400 naming the step and the problem, and nothing is stored', async t => {
  const { client } = await user()
  const cases: [string, unknown, RegExp][] = [
    ['plugin without plugin', [{ id: 'a', type: 'plugin', action: 'x' }], /step "a": a plugin step needs plugin \(its id\)/],
    ['agent without agent', [{ id: 'a', type: 'agent' }], /step "a": an agent step needs an agent/],
    ['missing goto', [{ id: 'a', type: 'transform', expression: '1', onError: 'goto:nowhere' }], /step "a": onError points to a missing step "nowhere"/],
    ['missing then', [{ id: 'a', type: 'condition', expression: 'true', then: 'b' }], /step "a": then points to a missing step "b"/],
    ['endless loop', [{ id: 'a', type: 'transform', expression: '1', next: 'b' }, { id: 'b', type: 'transform', expression: '2', next: 'a' }], /step "a": the steps a -> b -> a loop forever/],
    ['bad JSONata', [{ id: 'a', type: 'transform', expression: '$sum(' }], /step "a": bad JSONata expression/],
    ['bad input JSONata', [{ id: 'a', type: 'integration', action: 'core.log', input: { message: '=trigger.(' } }], /step "a": bad JSONata expression in input/],
    ['unknown action', [{ id: 'a', type: 'integration', action: 'nope.nope' }], /step "a": unknown integration action "nope.nope"/],
    ['duplicate id', [{ id: 'a', type: 'transform', expression: '1' }, { id: 'a', type: 'transform', expression: '2' }], /step "a": the id is used twice/],
    ['unknown type', [{ id: 'a', type: 'teleport' }], /body\/steps\/0\/type/],
    ['bad step id', [{ id: 'a-b', type: 'transform', expression: '1' }], /body\/steps\/0\/id must match pattern/],
    ['__proto__ as a step id', [{ id: '__proto__', type: 'transform', expression: '1' }], /step "__proto__": "__proto__" is reserved/],
    ['constructor as a step id', [{ id: 'constructor', type: 'transform', expression: '1' }], /step "constructor": "constructor" is reserved/]
  ]
  for (const [label, steps, message] of cases) {
    const res = await client.POST('/api/workflows', { body: { name: label, steps } as never })
    t.equal(res.response.status, 400, label)
    t.match(res.error, { success: false, statusCode: 400, message }, label)
  }
  const cron = await client.POST('/api/workflows', { body: { name: 'cron', trigger: { type: 'schedule', cron: 'every tuesday' }, steps: [{ id: 'a', type: 'transform', expression: '1' }] } })
  t.equal(cron.response.status, 400)
  t.match(cron.error, { message: /trigger: bad cron expression "every tuesday"/ })
  const noCron = await client.POST('/api/workflows', { body: { name: 'cron', trigger: { type: 'schedule' }, steps: [{ id: 'a', type: 'transform', expression: '1' }] } })
  t.match(noCron.error, { message: 'trigger: a schedule trigger needs a cron expression' })

  const loopWithExit = await client.POST('/api/workflows', { body: { name: 'loop', steps: [{ id: 'a', type: 'transform', expression: '1' }, { id: 'c', type: 'condition', expression: 'false', then: 'a' }] } })
  t.equal(loopWithExit.response.status, 201, 'a loop through a condition may end, so it is allowed')
  t.equal((await client.GET('/api/workflows')).data?.workflows.length, 1, 'none of the refused ones was stored')
})
