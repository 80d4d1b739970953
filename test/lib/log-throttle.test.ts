import t from 'tap'
import { MongoServerSelectionError } from 'mongodb'
import { LogThrottle, logError } from '../../lib/log-throttle.js'
import { NotFound } from '../../lib/errors.js'

function recorder () {
  const lines: { level: string, obj: Record<string, unknown>, msg: string }[] = []
  const log = {
    warn: (obj: object, msg: string) => { lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }) },
    error: (obj: object, msg: string) => { lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }) }
  }
  return { log, lines }
}

t.test('a warning repeated within the interval is logged once, and the next line counts the repeats', async t => {
  const { log, lines } = recorder()
  let now = 0
  const throttle = new LogThrottle(log, { intervalMs: 60_000, now: () => now })
  const err = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' })
  // An idle instance polling every 7 s through a database outage of two minutes.
  for (; now < 120_000; now += 7_000) throttle.warn({ err }, 'polling for executions failed; trying again')
  t.equal(lines.length, 2, 'one line per interval')
  t.notOk('repeated' in (lines[0]?.obj ?? {}), 'the first line has nothing to count')
  t.equal(lines[1]?.obj.repeated, 8, 'the second says how many it swallowed')
  t.equal(lines[1]?.level, 'warn')
})

t.test('different messages and different error codes are throttled apart', async t => {
  const { log, lines } = recorder()
  const throttle = new LogThrottle(log, { intervalMs: 1000, now: () => 0 })
  const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })
  const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET' })
  for (let i = 0; i < 3; i++) {
    throttle.warn({ err: refused }, 'sweep failed')
    throttle.warn({ err: reset }, 'sweep failed')
    throttle.warn({ err: refused }, 'schedule check failed')
    throttle.error({}, 'something without an error')
  }
  t.same(lines.map(l => [l.level, l.msg]), [
    ['warn', 'sweep failed'], ['warn', 'sweep failed'], ['warn', 'schedule check failed'], ['error', 'something without an error']
  ])
})

t.test('many distinct warnings do not grow the throttle without end, and an old one is logged again', async t => {
  const { log, lines } = recorder()
  let now = 0
  const throttle = new LogThrottle(log, { intervalMs: 10, now: () => now })
  for (let i = 0; i < 1000; i++) { throttle.warn({}, `warning ${i}`); now += 1 }
  t.equal(lines.length, 1000)
  t.ok((throttle as unknown as { seen: Map<string, unknown> }).seen.size <= 64 + 10)
  throttle.warn({}, 'warning 0')
  t.equal(lines.length, 1001)
})

t.test('expected errors are logged without their stack; unexpected ones keep it', async t => {
  const unreachable = new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:1', { type: 'Unknown', servers: new Map() } as never)
  t.same(logError(unreachable), { error: { type: 'MongoServerSelectionError', message: 'connect ECONNREFUSED 127.0.0.1:1' } })
  t.same(logError(new NotFound('workflow x')), { error: { type: 'FastifyError', code: 'R3SN_NOT_FOUND', message: 'workflow x not found' } })
  const bug = new TypeError('x is undefined')
  t.same(logError(bug), { err: bug }, 'a bug is logged as `err` (pino prints its stack)')
  t.same(logError('a string'), { err: 'a string' })

  const { log, lines } = recorder()
  new LogThrottle(log).warn({ err: unreachable, executionId: 'e1' }, 'heartbeat failed')
  t.same(lines[0]?.obj, { executionId: 'e1', error: { type: 'MongoServerSelectionError', message: 'connect ECONNREFUSED 127.0.0.1:1' } })
})
