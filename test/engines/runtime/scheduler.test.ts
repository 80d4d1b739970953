import t from 'tap'
import Fastify from 'fastify'
import { Scheduler } from '../../../engines/runtime/scheduler.js'
import type { WorkflowDoc, WorkflowStore } from '../../../engines/runtime/workflows.js'

// The scheduler on a clock the test moves by hand, over an in-memory list of workflows: no timers, no database.
const T0 = new Date('2030-01-07T10:00:00.000Z') // a Monday
const at = (ms: number) => new Date(T0.getTime() + ms)
const log = Fastify({ logger: false }).log

function workflow (id: string, trigger: WorkflowDoc['trigger'], updatedAt = at(-60_000)): WorkflowDoc {
  return { _id: id, ownerId: 'u1', name: id, description: '', trigger, triggerType: 'schedule', stepsJson: '[]', version: 1, createdAt: updatedAt, updatedAt } as WorkflowDoc
}

/** An in-memory WorkflowStore: the list the scheduler reads, and what `current` answers (as changed by another instance). */
function store (initial: WorkflowDoc[]) {
  const docs = new Map(initial.map(w => [w._id, w]))
  const reads = { scheduled: 0, current: 0 }
  let failing = false
  const fake = {
    scheduled: async () => {
      reads.scheduled++
      if (failing) throw new Error('database down')
      return [...docs.values()]
    },
    current: async (id: string) => { reads.current++; return docs.get(id) ?? null }
  }
  return { store: fake as unknown as WorkflowStore, docs, reads, fail: (on: boolean) => { failing = on } }
}

function scheduler (workflows: WorkflowStore, startedAt = T0) {
  const started: string[] = []
  const s = new Scheduler(workflows, async (wf, tick) => { started.push(`${wf._id}@${tick.getTime() - T0.getTime()}`) }, log, 100, () => startedAt)
  return { s, started }
}

t.test('every tick in (last check, now] starts once, in order; none before the instance started', async t => {
  const { store: ws } = store([workflow('every_second', { type: 'schedule', cron: '* * * * * *' })])
  const { s, started } = scheduler(ws)
  await s.check(at(0))
  t.same(started, [], 'nothing at the start itself')
  await s.check(at(3500))
  t.same(started, ['every_second@1000', 'every_second@2000', 'every_second@3000'], 'three ticks, in order, after a late check')
  await s.check(at(3900))
  t.equal(started.length, 3, 'a check between ticks starts nothing')
  await s.check(at(4000))
  await s.check(at(4000))
  t.same(started.slice(3), ['every_second@4000'], 'a tick is started once however often it is checked')
})

t.test('ticks before the workflow\'s last update are not fired', async t => {
  const { store: ws } = store([workflow('changed', { type: 'schedule', cron: '* * * * * *' }, at(2500))])
  const { s, started } = scheduler(ws)
  await s.check(at(4200))
  t.same(started, ['changed@3000', 'changed@4000'])
})

t.test('a workflow deleted or changed on another instance fires no stale tick, and the list is read again', async t => {
  const { store: ws, docs, reads } = store([workflow('a', { type: 'schedule', cron: '* * * * * *' }), workflow('b', { type: 'schedule', cron: '* * * * * *' })])
  const { s, started } = scheduler(ws)
  await s.check(at(1000))
  t.same(started, ['a@1000', 'b@1000'])
  t.equal(reads.scheduled, 1)

  docs.delete('a')
  docs.set('b', workflow('b', { type: 'schedule', cron: '*/5 * * * * *' }, at(1500)))
  await s.check(at(2000))
  t.same(started.slice(2), [], 'neither the deleted nor the changed workflow fired on its old schedule')
  await s.check(at(5000))
  t.equal(reads.scheduled, 2, 'the stale list was read again')
  t.same(started.slice(2), ['b@5000'], 'the changed workflow runs on its new schedule; the deleted one never again')
})

t.test('the list is read again every 10 s, or at once after a local change', async t => {
  const { store: ws, docs, reads } = store([])
  const { s, started } = scheduler(ws)
  await s.check(at(100))
  t.equal(reads.scheduled, 1)
  docs.set('late', workflow('late', { type: 'schedule', cron: '* * * * * *' }))
  await s.check(at(5000))
  t.equal(reads.scheduled, 1, 'within 10 s the kept list is used')
  t.same(started, [])
  await s.check(at(10_100))
  t.equal(reads.scheduled, 2, 'after 10 s it is read again')
  t.equal(started.length, 10, 'and the ticks since the instance started are caught up')

  docs.set('local', workflow('local', { type: 'schedule', cron: '* * * * * *' }, at(10_500)))
  s.invalidate()
  await s.check(at(11_000))
  t.equal(reads.scheduled, 3, 'a local change rereads at the next check')
  t.ok(started.includes('local@11000'))
})

t.test('cron time zones: 9:00 in New York is 14:00 UTC in winter', async t => {
  const { store: ws } = store([workflow('standup', { type: 'schedule', cron: '0 9 * * 1-5', timezone: 'America/New_York' })])
  const { s, started } = scheduler(ws)
  await s.check(at(3 * 3_600_000))
  t.same(started, [], 'not yet at 13:00 UTC')
  await s.check(at(4 * 3_600_000))
  t.same(started, [`standup@${4 * 3_600_000}`])
})

t.test('a failing read is logged and the next check goes on', async t => {
  const { store: ws, fail } = store([workflow('a', { type: 'schedule', cron: '* * * * * *' })])
  const { s, started } = scheduler(ws)
  fail(true)
  await t.resolves(s.check(at(1000)), 'a failed check does not throw')
  t.same(started, [])
  fail(false)
  s.invalidate()
  await s.check(at(2000))
  t.same(started, ['a@1000', 'a@2000'], 'the missed tick is caught up')
})

t.test('run checks on its timer with the clock, and stop ends it', async t => {
  let now = T0
  const { store: ws } = store([workflow('a', { type: 'schedule', cron: '* * * * * *' })])
  const fired: number[] = []
  const s = new Scheduler(ws, async (_wf, tick) => { fired.push(tick.getTime() - T0.getTime()) }, log, 5, () => now)
  t.teardown(() => s.stop())
  now = at(2000)
  s.run()
  await new Promise<void>(resolve => { const i = setInterval(() => { if (fired.length >= 2) { clearInterval(i); resolve() } }, 5) })
  t.same(fired, [1000, 2000])
  s.stop()
})
