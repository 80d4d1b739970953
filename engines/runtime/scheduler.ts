import { Cron } from 'croner'
import type { FastifyBaseLogger } from 'fastify'
import type { WorkflowDoc, WorkflowStore } from './workflows.js'
import { LogThrottle } from '../../lib/log-throttle.js'

export type StartScheduled = (workflow: WorkflowDoc, tick: Date) => Promise<void>

/** How often the list of scheduled workflows is read again (local changes reread it at once). */
const REFRESH_MS = 10_000

/**
 * Fires schedule triggers. Every instance checks every schedule; each tick becomes an
 * execution whose id is derived from the workflow and the tick time, so the unique
 * insert lets exactly one instance start it. The list of scheduled workflows is kept and
 * read again every REFRESH_MS or after a change on this instance; a workflow is read once
 * more before its tick fires, so one deleted or changed elsewhere never fires a stale tick.
 */
export class Scheduler {
  /** Warnings a loop repeats while the database is away: once a minute, with a count. */
  private readonly warnings: LogThrottle
  private timer: NodeJS.Timeout | undefined
  private readonly startedAt: Date
  private scheduled: WorkflowDoc[] = []
  private readAt = 0
  private stale = true
  /** Per workflow: every tick up to this time has been handled. */
  private readonly handledUpTo = new Map<string, Date>()
  private readonly crons = new Map<string, { key: string, cron: Cron }>()

  constructor (
    private readonly workflows: WorkflowStore,
    private readonly start: StartScheduled,
    private readonly log: FastifyBaseLogger,
    private readonly tickMs: number,
    /** The time now (tests pass their own clock). */
    private readonly clock: () => Date = () => new Date()
  ) {
    this.warnings = new LogThrottle(this.log)
    this.startedAt = clock()
  }

  run (): void {
    this.timer = setInterval(() => { void this.check() }, this.tickMs)
  }

  stop (): void {
    clearInterval(this.timer)
    for (const { cron } of this.crons.values()) cron.stop()
  }

  /** A workflow changed on this instance: read the list again at the next check. */
  invalidate (): void {
    this.stale = true
  }

  /** Starts every tick in (last handled, now]; ticks before a workflow's last update, or before this instance started, are not its own. */
  async check (now = this.clock()): Promise<void> {
    try {
      if (this.stale || now.getTime() - this.readAt >= REFRESH_MS) {
        this.stale = false
        this.readAt = now.getTime()
        this.scheduled = await this.workflows.scheduled()
        for (const id of this.crons.keys()) if (!this.scheduled.some(wf => wf._id === id)) this.forget(id)
      }
      for (const wf of this.scheduled) {
        const cron = this.cronOf(wf)
        const handled = this.handledUpTo.get(wf._id) ?? this.startedAt
        let tick = cron.nextRun(handled > wf.updatedAt ? handled : wf.updatedAt)
        if (tick === null || tick > now) continue
        const current = await this.workflows.current(wf._id)
        if (current === null || current.updatedAt.getTime() !== wf.updatedAt.getTime()) { this.stale = true; continue }
        while (tick !== null && tick <= now) {
          await this.start(wf, tick)
          tick = cron.nextRun(tick)
        }
        this.handledUpTo.set(wf._id, now)
      }
    } catch (err) {
      this.warnings.warn({ err }, 'schedule check failed')
    }
  }

  private forget (id: string): void {
    this.crons.get(id)?.cron.stop()
    this.crons.delete(id)
    this.handledUpTo.delete(id)
  }

  private cronOf (wf: WorkflowDoc): Cron {
    const key = `${wf.trigger.cron ?? ''}|${wf.trigger.timezone ?? 'UTC'}`
    const cached = this.crons.get(wf._id)
    if (cached?.key === key) return cached.cron
    const cron = new Cron(wf.trigger.cron ?? '', { paused: true, timezone: wf.trigger.timezone ?? 'UTC' })
    this.crons.set(wf._id, { key, cron })
    return cron
  }
}
