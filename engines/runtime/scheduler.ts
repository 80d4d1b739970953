import { Cron } from 'croner'
import type { FastifyBaseLogger } from 'fastify'
import type { WorkflowDoc, WorkflowStore } from './workflows.js'

export type StartScheduled = (workflow: WorkflowDoc, tick: Date) => Promise<void>

/**
 * Fires schedule triggers. Every instance checks every schedule; each tick becomes an
 * execution whose id is derived from the workflow and the tick time, so the unique
 * insert lets exactly one instance start it.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined
  private lastCheck = new Date()
  private readonly crons = new Map<string, { key: string, cron: Cron }>()

  constructor (
    private readonly workflows: WorkflowStore,
    private readonly start: StartScheduled,
    private readonly log: FastifyBaseLogger,
    private readonly tickMs: number
  ) {}

  run (): void {
    this.timer = setInterval(() => { void this.check() }, this.tickMs)
  }

  stop (): void {
    clearInterval(this.timer)
    for (const { cron } of this.crons.values()) cron.stop()
  }

  /** Starts every tick in (last check, now]; ticks before a workflow's last update are not its own. */
  async check (now = new Date()): Promise<void> {
    const from = this.lastCheck
    this.lastCheck = now
    try {
      const scheduled = await this.workflows.scheduled()
      for (const id of this.crons.keys()) if (!scheduled.some(wf => wf._id === id)) this.forget(id)
      for (const wf of scheduled) {
        const cron = this.cronOf(wf)
        let tick = cron.nextRun(from > wf.updatedAt ? from : wf.updatedAt)
        while (tick !== null && tick <= now) {
          await this.start(wf, tick)
          tick = cron.nextRun(tick)
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'schedule check failed')
    }
  }

  private forget (id: string): void {
    this.crons.get(id)?.cron.stop()
    this.crons.delete(id)
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
