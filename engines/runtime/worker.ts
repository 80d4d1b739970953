import type { FastifyBaseLogger } from 'fastify'
import { Stop, type Runner } from './runner.js'
import type { Instances } from './instances.js'
import type { Metrics } from '../../plugins/metrics.js'
import { TERMINAL, type ExecutionDoc, type ExecutionStore, type Holding, type Lease, type QueueEntry } from './store.js'
import { LogThrottle, logError } from '../../lib/log-throttle.js'

export interface WorkerOptions {
  instanceId: string
  concurrency: number
  /** Poll interval while there is work; doubles up to idlePollMs while there is none. */
  pollMs: number
  idlePollMs: number
  /** A claim that died after its lease insert blocks that epoch this long; a held run waits this long before others may take it. */
  claimGraceMs: number
  sweepMs: number
  /** An ended run still in the open ones this long after its end is moved to the history by the sweep. */
  orphanGraceMs: number
  metrics: Metrics
}

/** How soon this instance takes up again a run it stopped on an unexpected failure (a busy or failing-over database, say). */
const RESUME_AFTER_FAILURE_MS = 1000
/** Runs an instance holds for its next free slot, per slot of concurrency. */
const HELD_PER_SLOT = 4

/**
 * Runs executions, at most `concurrency` at a time. A run created on this instance starts at
 * once when a slot is free, or is held for the next free slot (no poll, no claim round trip
 * then); the rest are claimed from the database in order of priority then age: queued ones
 * nobody holds, held ones that waited a lease, and ones whose holder is gone (its instance's
 * heartbeat went silent).
 */
export class Worker {
  /** Warnings a loop repeats while the database is away: once a minute, with a count. */
  private readonly warnings: LogThrottle
  readonly active = new Map<string, { abort: AbortController, done: Promise<void> }>()
  /** Runs this instance holds for its next free slot, priority first, then age. */
  private held: ExecutionDoc[] = []
  /** Slots promised to runs being created or claimed right now. */
  private reserved = 0
  /** Runs of this instance that stopped on an unexpected failure: claimed again from this time on. */
  private readonly notBefore = new Map<string, number>()
  /** Runs suspended here at a wait that may be due at once: the poll looks once they left their slot (a poll before skips them as local). */
  private readonly pollAfter = new Set<string>()
  /** Runs held by an instance this one has not seen in the registry yet, and since when. */
  private readonly unknownHolder = new Map<string, number>()
  private timer: NodeJS.Timeout | undefined
  private sweepTimer: NodeJS.Timeout | undefined
  private inFlightPoll: Promise<void> = Promise.resolve()
  private inFlightSweep: Promise<void> = Promise.resolve()
  private delay: number
  private polling = false
  private again = false
  /** The last poll found more to claim than it had slots for. */
  private backlog = false
  private stopping = false
  /** The unfinished runs by status as the last poll read them, for the metrics (no read of its own). */
  private seen: { at: number, byStatus: Record<string, number> } | undefined

  constructor (
    private readonly store: ExecutionStore,
    private readonly runner: Runner,
    private readonly instances: Instances,
    private readonly log: FastifyBaseLogger,
    private readonly opts: WorkerOptions
  ) {
    this.warnings = new LogThrottle(this.log)
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

  /** A run of this instance was suspended (a signal or a child's end may have woken it already): poll once it left its slot. */
  pollWhenDone (executionId: string): void {
    if (this.active.has(executionId)) this.pollAfter.add(executionId)
    else this.kick()
  }

  /**
   * How this instance takes a run it is about to create: at once (a slot is reserved until
   * `adopt`), held for its next slot, or not at all (any instance's poll claims it).
   */
  reserve (): Holding | undefined {
    if (this.stopping || this.instances.state(this.opts.instanceId) !== 'live') return undefined
    if (this.active.size + this.reserved < this.opts.concurrency) {
      this.reserved++
      return { instanceId: this.opts.instanceId, start: true }
    }
    if (this.held.length < this.opts.concurrency * HELD_PER_SLOT) return { instanceId: this.opts.instanceId, start: false }
    return undefined
  }

  /** Takes the run created under `reserve()`'s answer (null: none was created). */
  adopt (doc: ExecutionDoc | null, holding: Holding | undefined): void {
    if (holding?.start === true) this.reserved--
    if (doc === null || holding === undefined || this.stopping) { this.kick(); return }
    if (holding.start) {
      this.launch(doc, doc.lease as Lease, false)
      return
    }
    this.held.push(doc)
    this.held.sort((a, b) => b.priority - a.priority || a.createdAt.getTime() - b.createdAt.getTime())
    this.next()
  }

  /** Stops claiming, stops the runs in flight at their next await point, and leaves them resumable. */
  async stop (): Promise<void> {
    this.stopping = true
    clearTimeout(this.timer)
    clearInterval(this.sweepTimer)
    this.abortAll('shutdown')
    // Held runs are left as they are: others take them over once this instance is marked stopped.
    this.held = []
    await this.inFlightPoll
    await this.inFlightSweep
    await Promise.all([...this.active.values()].map(r => r.done))
  }

  /** Stops every run in flight: the instance is closing, or its heartbeat went silent and others may take its runs over. */
  abortAll (reason: 'shutdown' | 'fenced'): void {
    for (const run of this.active.values()) run.abort.abort(new Stop(reason))
  }

  /** Cancels a run of this instance at once (other instances notice within a heartbeat); true when it was running here. */
  cancelLocal (executionId: string): boolean {
    this.held = this.held.filter(d => d._id !== executionId)
    const run = this.active.get(executionId)
    run?.abort.abort(new Stop('cancelled'))
    return run !== undefined
  }

  /** What the queue gauges show: this instance's runs and slots, and the last poll's view of the database. */
  load () {
    return { running: this.active.size, held: this.held.length, slots: this.opts.concurrency, seen: this.seen }
  }

  /** Whether the run is running or held here. */
  isLocal (executionId: string): boolean {
    return this.active.has(executionId) || this.held.some(d => d._id === executionId)
  }

  private schedule (ms: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { this.inFlightPoll = this.poll() }, ms)
  }

  private launch (doc: ExecutionDoc, lease: Lease, resumed: boolean): void {
    const abort = new AbortController()
    const done = this.runner.run(doc, lease, abort, resumed)
      .then(resume => { if (resume) this.notBefore.set(doc._id, Date.now() + RESUME_AFTER_FAILURE_MS) })
      .catch(err => this.log.error({ ...logError(err), executionId: doc._id }, 'run crashed'))
      .finally(() => {
        this.active.delete(doc._id)
        if (this.pollAfter.delete(doc._id)) this.kick()
        this.next()
      })
    this.active.set(doc._id, { abort, done })
  }

  /** A slot freed up: the next held run starts (it holds its lease already), else the queue is polled if it had more. */
  private next (): void {
    // (An instance whose heartbeat went silent starts nothing: others may be taking its runs.)
    if (this.stopping || this.instances.state(this.opts.instanceId) !== 'live') return
    while (this.held.length > 0 && this.active.size + this.reserved < this.opts.concurrency) {
      const doc = this.held.shift() as ExecutionDoc
      this.launch(doc, doc.lease as Lease, false)
    }
    if (this.held.length === 0 && this.backlog) this.kick()
  }

  /** Held runs that waited a lease are let go, so that any instance with a free slot takes them. */
  private async releaseStale (now: number): Promise<void> {
    const stale = this.held.filter(d => (d.lease?.claimedAt.getTime() ?? 0) <= now - this.opts.claimGraceMs)
    if (stale.length === 0) return
    this.held = this.held.filter(d => !stale.includes(d))
    for (const doc of stale) await this.store.release(doc._id, 1)
    this.log.info({ released: stale.length }, 'runs held for a slot here waited a lease; any instance may take them now')
  }

  private async sweep (): Promise<void> {
    if (this.stopping) return
    try {
      const moved = await this.store.sweep(this.opts.orphanGraceMs)
      if (moved > 0) {
        this.opts.metrics.sweptRuns.inc(moved)
        this.log.warn({ moved }, 'sweep: ended executions an instance left behind were moved to the history')
      }
    } catch (err) {
      this.warnings.warn({ err }, 'sweep failed; trying again at the next one')
    }
  }

  private claimable (entry: QueueEntry, now: number): boolean {
    if (TERMINAL.includes(entry.status) || this.isLocal(entry._id) || (this.notBefore.get(entry._id) ?? 0) > now) return false
    // A waiting run has no holder: it is due once its wake time passed (a wake sets it to now).
    if (entry.status === 'waiting') return entry.holder === null && entry.wakeAt != null && entry.wakeAt.getTime() <= now
    if (entry.holder === null) return true
    // Held here but neither running nor held any more (it stopped on a failure, or is being created right now): once it waited a lease.
    if (entry.holder === this.opts.instanceId) return this.notBefore.has(entry._id) || (entry.lease?.claimedAt.getTime() ?? 0) <= now - this.opts.claimGraceMs
    return this.holderGone(entry._id, entry.holder, now)
  }

  /** Whether the instance holding a run is gone. */
  private holderGone (id: string, holder: string, now: number): boolean {
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
    /** The next time a waiting run falls due, if before the next poll. */
    let nextWake = Infinity
    try {
      // An instance that could not write its heartbeat for a lease claims nothing: others may be taking its runs.
      await this.releaseStale(Date.now())
      if (this.active.size + this.reserved < this.opts.concurrency && this.instances.state(this.opts.instanceId) === 'live') {
        const now = Date.now()
        const entries = await this.store.queued(1000)
        const byStatus: Record<string, number> = {}
        for (const e of entries) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1
        this.seen = { at: Date.now(), byStatus }
        const listed = new Set(entries.map(e => e._id))
        for (const map of [this.notBefore, this.unknownHolder]) for (const id of map.keys()) if (!listed.has(id)) map.delete(id)
        for (const e of entries) if (e.status === 'waiting' && e.wakeAt != null && e.wakeAt.getTime() > now) nextWake = Math.min(nextWake, e.wakeAt.getTime())
        const candidates = entries.filter(e => this.claimable(e, now))
        found = candidates.length > 0
        this.backlog = candidates.length > this.opts.concurrency - this.active.size - this.reserved
        for (const entry of candidates) {
          if (this.stopping || this.active.size + this.reserved >= this.opts.concurrency) break
          const doc = await this.store.get(entry._id)
          // (Read again: another instance may have claimed it since the list was read.)
          if (doc === null || !this.claimable(doc, Date.now())) continue
          // A holder that died between recording the end in the history and removing the open record.
          if (doc.holder !== null && await this.store.closeFinished(doc)) continue
          this.reserved++
          const lease = await this.store.claim(doc, this.opts.instanceId, this.opts.claimGraceMs).finally(() => { this.reserved-- })
          // (Kept until the claim got an answer, so a database still failing is tried again at a later poll.)
          this.notBefore.delete(entry._id)
          this.opts.metrics.leaseClaims.inc({ result: lease === null ? 'lost' : 'won' })
          if (lease !== null && doc.holder !== null && doc.holder !== this.opts.instanceId) this.opts.metrics.leaseTakeovers.inc()
          if (lease === null || this.stopping) continue
          this.launch(doc, lease, doc.status !== 'queued')
        }
      }
    } catch (err) {
      this.warnings.warn({ err }, 'polling for executions failed; trying again')
      found = true
    } finally {
      this.polling = false
      // Idle: back off, so an instance with nothing to do costs next to nothing (kick() wakes it).
      this.delay = found || this.active.size > 0 || this.held.length > 0 || this.notBefore.size > 0 ? this.opts.pollMs : Math.min(this.delay * 2, this.opts.idlePollMs)
      if (!this.stopping) this.schedule(this.again ? 0 : Math.max(0, Math.min(this.delay, nextWake - Date.now())))
      this.again = false
    }
  }
}
