import type { FastifyBaseLogger } from 'fastify'
import { Stop, type Runner } from './runner.js'
import { TERMINAL, type ExecutionStore } from './store.js'

export interface WorkerOptions {
  instanceId: string
  concurrency: number
  pollMs: number
  leaseMs: number
}

/** How soon this instance takes up again a run it stopped on an unexpected failure (a busy or failing-over database, say). */
const RESUME_AFTER_FAILURE_MS = 1000

/**
 * Claims queued executions (and running ones whose lease expired) and runs them,
 * at most `concurrency` at a time, in order of priority then age.
 */
export class Worker {
  readonly active = new Map<string, { abort: AbortController, done: Promise<void> }>()
  /** Runs of this instance that stopped on an unexpected failure: claimed again from this time on, not at their lease's end. */
  private readonly resumeAt = new Map<string, number>()
  private timer: NodeJS.Timeout | undefined
  private inFlightPoll: Promise<void> = Promise.resolve()
  private polling = false
  private again = false
  private stopping = false

  constructor (
    private readonly store: ExecutionStore,
    private readonly runner: Runner,
    private readonly log: FastifyBaseLogger,
    private readonly opts: WorkerOptions
  ) {}

  start (): void {
    this.schedule(0)
  }

  /** Polls now rather than at the next tick (new work was queued, or a slot freed up). */
  kick (): void {
    if (this.stopping) return
    if (this.polling) { this.again = true; return }
    this.schedule(0)
  }

  /** Stops claiming, stops the runs in flight at their next await point, and leaves them resumable. */
  async stop (): Promise<void> {
    this.stopping = true
    clearTimeout(this.timer)
    for (const run of this.active.values()) run.abort.abort(new Stop('shutdown'))
    await this.inFlightPoll
    await Promise.all([...this.active.values()].map(r => r.done))
  }

  /** Cancels a run of this instance at once (other instances notice within a heartbeat). */
  cancelLocal (executionId: string): void {
    this.active.get(executionId)?.abort.abort(new Stop('cancelled'))
  }

  private schedule (ms: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { this.inFlightPoll = this.poll() }, ms)
  }

  private async poll (): Promise<void> {
    if (this.stopping) return
    this.polling = true
    try {
      const free = this.opts.concurrency - this.active.size
      if (free > 0) {
        const now = Date.now()
        const resuming = [...this.resumeAt].filter(([, at]) => at <= now).map(([id]) => ({ id, leaseExpired: true }))
        const candidates = [...resuming, ...await this.store.claimable(free + this.active.size + 5)]
        for (const { id, leaseExpired } of candidates) {
          if (this.stopping || this.active.size >= this.opts.concurrency) break
          if (this.active.has(id)) continue
          const doc = await this.store.get(id)
          // A queue entry left behind by a crash between the final write and the dequeue.
          if (doc === null || TERMINAL.includes(doc.status)) { this.resumeAt.delete(id); await this.store.dequeue(id); continue }
          // Running without a lease expiry: another instance is claiming it right now, unless that claim died long ago.
          const claimDied = (doc.lease?.claimedAt.getTime() ?? 0) < Date.now() - this.opts.leaseMs
          if (doc.status === 'running' && !leaseExpired && !claimDied) continue
          const lease = await this.store.claim(doc, this.opts.instanceId, this.opts.leaseMs)
          // (Kept until the claim got an answer, so a database still failing is tried again at the next poll.)
          this.resumeAt.delete(id)
          if (lease === null) continue
          const abort = new AbortController()
          const done = this.runner.run(doc, lease, abort)
            .then(resume => { if (resume) this.resumeAt.set(doc._id, Date.now() + RESUME_AFTER_FAILURE_MS) })
            .catch(err => this.log.error({ err, executionId: doc._id }, 'run crashed'))
            .finally(() => { this.active.delete(doc._id); this.kick() })
          this.active.set(doc._id, { abort, done })
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'polling for executions failed; trying again')
    } finally {
      this.polling = false
      if (!this.stopping) this.schedule(this.again ? 0 : this.opts.pollMs)
      this.again = false
    }
  }
}
