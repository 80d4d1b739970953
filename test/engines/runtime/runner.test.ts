import t from 'tap'
import { backoffDelay } from '../../../engines/runtime/failure-decision.js'

t.test('backoff: fixed waits initialDelayMs every time; exponential doubles up to maxDelayMs', async t => {
  const attempts = [1, 2, 3, 4, 5, 6]
  t.same(attempts.map(n => backoffDelay(undefined, n)), [1000, 1000, 1000, 1000, 1000, 1000], 'no policy: a second each time')
  t.same(attempts.map(n => backoffDelay({ maxAttempts: 9, initialDelayMs: 150 }, n)), [150, 150, 150, 150, 150, 150], 'fixed is the default')
  t.same(attempts.map(n => backoffDelay({ maxAttempts: 9, backoff: 'fixed', initialDelayMs: 0 }, n)), [0, 0, 0, 0, 0, 0])
  t.same(attempts.map(n => backoffDelay({ maxAttempts: 9, backoff: 'exponential', initialDelayMs: 50, maxDelayMs: 150 }, n)), [50, 100, 150, 150, 150, 150], 'doubles, capped')
  t.same(attempts.map(n => backoffDelay({ maxAttempts: 9, backoff: 'exponential' }, n)), [1000, 2000, 4000, 8000, 16000, 32000], 'defaults: from a second')
  t.equal(backoffDelay({ maxAttempts: 20, backoff: 'exponential' }, 19), 60_000, 'capped at a minute by default')
  t.equal(backoffDelay({ maxAttempts: 20, backoff: 'exponential', initialDelayMs: 3_600_000, maxDelayMs: 3_600_000 }, 20), 3_600_000, 'large numbers stay finite')
})
