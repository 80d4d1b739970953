import type { FastifyBaseLogger } from 'fastify'
import { Stop, type Runner } from './runner.js'
import type { Instances } from './instances.js'
import { TERMINAL, type ExecutionStore } from './store.js'

export interface WorkerOptions {
  instanceId: string
  concurrency: number
  /** Poll interval while there is work; doubles up to idlePollMs while there is none. */
  pollMs: number
  idlePollMs: number
  /** A claim that died after its lease insert blocks that epoch this long. */
  claimGraceMs: number
  sweepMs: number
  /** A queue entry without execution (its create died) is removed after this long. */
  orphanGraceMs: number
}

/** How soon this instance takes up again a run it stopped on an unexpected failure (a busy or failing-over database, say). */
const RESUME_AFTER_FAILURE_MS = 1000

/**
 * Claims unfinished executions and runs them, at most `concurrency` at a time, in order of
 * priority then age: queued ones, ones whose holder is gone (its instance's heartbeat went
 * silent), and ones this instance holds but no longer runs. A periodic sweep puts back in the
 * queue any unfinished execution that lost its entry, so none is ever stranded.
 */
export class Worker {
  readonly active = new Map<string, { abort: AbortController, done: Promise<void> }>()
  /** Runs of this instance that stopped on an unexpected failure: claimed again from this time on. */
  private readonly notBefore = new Map<string, number>()
  /** Runs held by an instance this one has not seen in the registry yet, and since when. */
  private readonly unknownHolder = new Map<string, number>()
  private timer: NodeJS.Timeout | undefined
  private sweepTimer: NodeJS.Timeout | undefined
  private inFlightPoll: Promise<void> = Promise.resolve()
  private inFlightSweep: Promise<void> = Promise.resolve()
  private delay: number
  private polling = false
  private again = false
  private stopping = false

  constructor (
    private readonly store: ExecutionStore,
    private readonly runner: Runner,
    private readonly instances: Instances,
    private readonly log: FastifyBaseLogger,
    private readonly opts: WorkerOptions
  ) {
    this.delay = opts.pollMs
  }

  start (): void {
    this.schedule(0)
    const sweep = () => { this.inFlightSweep = this.sweep() }
    sweep()
    this.sweepTimer = setInterval(sweep, this.opts.sweepMs).unref()
  }

  /** Polls now rather than at the next tick (new work was queued, a slot freed up, a peer went silent). */
  kick (): void {
    if (this.stopping) return
    this.delay = this.opts.pollMs
    if (this.polling) { this.again = true; return }
    this.schedule(0)
  }

  /** Stops claiming, stops the runs in flight at their next await point, and leaves them resumable. */
  async stop (): Promise<void> {
    this.stopping = true
    clearTimeout(this.timer)
    clearInterval(this.sweepTimer)
    this.abortAll('shutdown')
    await this.inFlightPoll
    await this.inFlightSweep
    await Promise.all([...this.active.values()].map(r => r.done))
  }

  /** Stops every run in flight: the instance is closing, or its heartbeat went silent and others may take its runs over. */
  abortAll (reason: 'shutdown' | 'fenced'): void {
    for (const run of this.active.values()) run.abort.abort(new Stop(reason))
  }

  /** Cancels a run of this instance at once (other instances notice within a heartbeat). */
  cancelLocal (executionId: string): void {
    this.active.get(executionId)?.abort.abort(new Stop('cancelled'))
  }

  private schedule (ms: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { this.inFlightPoll = this.poll() }, ms)
  }

  private async sweep (): Promise<void> {
    if (this.stopping) return
    try {
      const requeued = await this.store.sweep(this.opts.orphanGraceMs)
      if (requeued > 0) {
        this.log.warn({ requeued }, 'sweep: unfinished executions without a queue entry were queued again')
        this.kick()
      }
    } catch (err) {
      this.log.warn({ err }, 'sweep failed; trying again at the next one')
    }
  }

  private claimable (entry: { id: string, holder: string | null }, now: number): boolean {
    if (this.active.has(entry.id) || (this.notBefore.get(entry.id) ?? 0) > now) return false
    return entry.holder === null || this.holderGone(entry.id, entry.holder, now)
  }

  /** Whether the instance holding a run is gone (this one counts as gone for a run it holds but no longer runs). */
  private holderGone (id: string, holder: string, now: number): boolean {
    if (holder === this.opts.instanceId) return true
    const state = this.instances.state(holder)
    if (state !== 'unknown') { this.unknownHolder.delete(id); return state === 'dead' }
    // A holder that registered after this instance last read the registry, or one silent so long it was forgotten: a lease tells them apart.
    const since = this.unknownHolder.get(id) ?? now
    this.unknownHolder.set(id, since)
    return now - since >= this.opts.claimGraceMs
  }

  private async poll (): Promise<void> {
    if (this.stopping) return
    this.polling = true
    let found = false
    try {
      // An instance that could not write its heartbeat for a lease claims nothing: others may be taking its runs.
      if (this.active.size < this.opts.concurrency && this.instances.state(this.opts.instanceId) === 'live') {
        const now = Date.now()
        const entries = await this.store.queued(1000)
        const listed = new Set(entries.map(e => e.id))
        for (const map of [this.notBefore, this.unknownHolder]) for (const id of map.keys()) if (!listed.has(id)) map.delete(id)
        const candidates = entries.filter(e => this.claimable(e, now))
        found = candidates.length > 0
        for (const entry of candidates) {
          if (this.stopping || this.active.size >= this.opts.concurrency) break
          const doc = await this.store.get(entry.id)
          // No execution yet (a create under way, or one that died: the sweep removes it), or one that ended.
          if (doc === null) continue
          if (TERMINAL.includes(doc.status)) { this.notBefore.delete(entry.id); await this.store.closeLog(doc, entry); continue }
          // The queue entry is written last by a claim: the lease recorded on the run is the word on who holds it.
          if (doc.lease !== null && !this.holderGone(entry.id, doc.lease.owner, now)) continue
          const lease = await this.store.claim(doc, entry, this.opts.instanceId, this.opts.claimGraceMs)
          // (Kept until the claim got an answer, so a database still failing is tried again at a later poll.)
          this.notBefore.delete(entry.id)
          if (lease === null) continue
          const abort = new AbortController()
          const done = this.runner.run(doc, lease, abort)
            .then(resume => { if (resume) this.notBefore.set(doc._id, Date.now() + RESUME_AFTER_FAILURE_MS) })
            .catch(err => this.log.error({ err, executionId: doc._id }, 'run crashed'))
            .finally(() => { this.active.delete(doc._id); this.kick() })
          this.active.set(doc._id, { abort, done })
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'polling for executions failed; trying again')
      found = true
    } finally {
      this.polling = false
      // Idle: back off, so an instance with nothing to do costs next to nothing (kick() wakes it).
      this.delay = found || this.active.size > 0 || this.notBefore.size > 0 ? this.opts.pollMs : Math.min(this.delay * 2, this.opts.idlePollMs)
      if (!this.stopping) this.schedule(this.again ? 0 : this.delay)
      this.again = false
    }
  }
}
