import t from 'tap'
import { backoffDelay, decideAfterFailure, isRetryable, retriesLeft, type FailedAttempt } from '../../engines/runtime/failure-decision.js'
import { StepError, type Remedy } from '../../engines/runtime/steps.js'
import type { WorkflowStep } from '../../schemas/workflows.js'

// Pure: no database, no app.
const step = (over: Partial<WorkflowStep> = {}): WorkflowStep => ({ id: 's', type: 'integration', action: 'http.request', ...over })
const failed = (over: Partial<FailedAttempt> = {}): FailedAttempt => ({ step: step(), attempt: 1, retryable: true, next: 'after', ...over })
const retry3 = { maxAttempts: 3, backoff: 'exponential' as const, initialDelayMs: 100, maxDelayMs: 250 }
const remedy = (retry?: Remedy['retry']): Remedy => ({ diagnosis: { class: 'transient', evidence: { code: 'X', message: 'x' }, action: retry === undefined ? 'none' : 'retry', detail: '' }, ...(retry === undefined ? {} : { retry }) })

t.test('isRetryable: all but a StepError thrown with retryable false', async t => {
  t.equal(isRetryable(new Error('boom')), true)
  t.equal(isRetryable('a string'), true)
  t.equal(isRetryable(new StepError('5xx', 'R3SN_UPSTREAM')), true)
  t.equal(isRetryable(new StepError('bad input', 'R3SN_BAD_INPUT', false)), false)
})

t.test('backoffDelay: fixed, or doubling up to maxDelayMs', async t => {
  t.equal(backoffDelay(undefined, 1), 1000, 'no policy: a second')
  t.equal(backoffDelay({ maxAttempts: 3, backoff: 'fixed', initialDelayMs: 40 }, 3), 40)
  t.same([1, 2, 3, 4].map(n => backoffDelay(retry3, n)), [100, 200, 250, 250])
  t.equal(backoffDelay({ maxAttempts: 9, backoff: 'exponential' }, 30), 60_000, 'capped at a minute by default')
})

t.test('retriesLeft: the step\'s own policy, one attempt without one', async t => {
  t.equal(retriesLeft(step(), 1, true), false)
  t.equal(retriesLeft(step({ retry: retry3 }), 2, true), true)
  t.equal(retriesLeft(step({ retry: retry3 }), 3, true), false)
  t.equal(retriesLeft(step({ retry: retry3 }), 1, false), false, 'not for a failure that is not retryable')
})

t.test('retry: while the step\'s own policy has attempts left, with its backoff', async t => {
  t.same(decideAfterFailure(failed({ step: step({ retry: retry3 }), attempt: 1 })), { kind: 'retry', delayMs: 100 })
  t.same(decideAfterFailure(failed({ step: step({ retry: retry3 }), attempt: 2 })), { kind: 'retry', delayMs: 200 })
  t.same(decideAfterFailure(failed({ step: step({ retry: retry3, onError: 'continue' }), attempt: 2 })), { kind: 'retry', delayMs: 200 }, 'before onError')
  t.same(decideAfterFailure(failed({ step: step({ retry: retry3 }), attempt: 1, remedy: remedy({ delayMs: 5 }) })), { kind: 'retry', delayMs: 100 }, 'before a remedy')
})

t.test('no retry once the policy is spent or the failure is not retryable', async t => {
  t.same(decideAfterFailure(failed({ step: step({ retry: retry3 }), attempt: 3 })), { kind: 'fail' })
  t.same(decideAfterFailure(failed({ step: step({ retry: retry3 }), attempt: 1, retryable: false })), { kind: 'fail' })
  t.same(decideAfterFailure(failed()), { kind: 'fail' }, 'a step without a policy has one attempt')
})

t.test('remedy: self-debugging\'s retry, with its changed step when it has one', async t => {
  t.same(decideAfterFailure(failed({ remedy: remedy({ delayMs: 250 }) })), { kind: 'remedy', delayMs: 250 })
  const changed = step({ input: { url: 'https://example.com' } })
  t.same(decideAfterFailure(failed({ remedy: remedy({ delayMs: 0, step: changed }) })), { kind: 'remedy', delayMs: 0, step: changed })
  t.same(decideAfterFailure(failed({ step: step({ onError: 'goto:done' }), remedy: remedy({ delayMs: 0 }) })), { kind: 'remedy', delayMs: 0 }, 'before onError')
  t.same(decideAfterFailure(failed({ retryable: false, remedy: remedy({ delayMs: 0, step: changed }) })), { kind: 'remedy', delayMs: 0, step: changed }, 'also for a failure the step itself would not retry (bad input)')
})

t.test('a diagnosis without a retry decides nothing', async t => {
  t.same(decideAfterFailure(failed({ remedy: remedy() })), { kind: 'fail' })
  t.same(decideAfterFailure(failed({ step: step({ onError: 'continue' }), remedy: remedy() })), { kind: 'continue', next: 'after' })
})

t.test('continue: onError continue goes to the next step, goto:<id> to that step', async t => {
  t.same(decideAfterFailure(failed({ step: step({ onError: 'continue' }) })), { kind: 'continue', next: 'after' })
  t.same(decideAfterFailure(failed({ step: step({ onError: 'continue' }), next: null })), { kind: 'continue', next: null }, 'the last step: the run ends')
  t.same(decideAfterFailure(failed({ step: step({ onError: 'goto:cleanup' }) })), { kind: 'continue', next: 'cleanup' })
  t.same(decideAfterFailure(failed({ step: step({ onError: 'goto:cleanup' }), next: null })), { kind: 'continue', next: 'cleanup' })
})

t.test('fail: onError fail, or none', async t => {
  t.same(decideAfterFailure(failed({ step: step({ onError: 'fail' }) })), { kind: 'fail' })
  t.same(decideAfterFailure(failed({ step: step({ retry: retry3, onError: 'fail' }), attempt: 3, remedy: remedy() })), { kind: 'fail' })
})
