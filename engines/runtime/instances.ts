import type { FastifyBaseLogger } from 'fastify'
import type { Collection, Db } from 'mongodb'
import { LogThrottle, logError } from '../../lib/log-throttle.js'

interface InstanceDoc { _id: string, heartbeatAt: Date, startedAt: Date, stopped?: boolean }

/** Registry entries of instances silent this long are deleted (a crashed instance leaves its own). */
const FORGET_AFTER_MS = 3_600_000

/**
 * The instances sharing the database, each with a heartbeat. A run's holder is alive exactly
 * while its instance's heartbeat is younger than the lease: one small write per instance per
 * beat, however many runs it holds. An instance whose own heartbeat could not be written for
 * a lease knows that others may take its runs over, and says so (`selfStale`): its runs stop.
 */
export class Instances {
  /** Warnings a loop repeats while the database is away: once a minute, with a count. */
  private readonly warnings: LogThrottle
  private readonly collection: Collection<InstanceDoc>
  /**
   * Every instance in the registry, with its last heartbeat and when this instance saw that
   * heartbeat change (local time: liveness never compares two machines' clocks).
   */
  private readonly seen = new Map<string, { heartbeat: number, changedAt: number, stopped: boolean }>()
  /** Peers alive at the last beat, to notice one that went silent. */
  private livePeers = new Set<string>()
  private lastOwnBeat = Date.now()
  private timer: NodeJS.Timeout | undefined
  private beating: Promise<void> = Promise.resolve()

  constructor (
    db: Db,
    readonly id: string,
    private readonly leaseMs: number,
    private readonly beatMs: number,
    private readonly log: FastifyBaseLogger,
    private readonly on: { peerLost: () => void, selfStale: () => void }
  ) {
    this.warnings = new LogThrottle(this.log)
    this.collection = db.collection('instances')
  }

  async start (): Promise<void> {
    await this.beat()
    let inFlight = false
    let staleReported = false
    this.timer = setInterval(() => {
      // A heartbeat that failed or hangs for a lease: others may be taking this instance's runs over.
      if (Date.now() - this.lastOwnBeat >= this.leaseMs && !staleReported) { staleReported = true; this.on.selfStale() }
      if (inFlight) return
      inFlight = true
      this.beating = this.beat()
        .then(() => { staleReported = false })
        .catch(err => this.warnings.warn({ err }, 'instance heartbeat failed'))
        .finally(() => { inFlight = false })
    }, this.beatMs).unref()
  }

  /** Says it stopped, so other instances take over at once whatever it still held. */
  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.beating
    await this.collection.updateOne({ _id: this.id }, { $set: { stopped: true } }).catch(err => this.log.warn(logError(err), 'leaving the instance registry failed'))
  }

  /**
   * Whether the instance that holds a run is alive: its heartbeat changed within a lease.
   * 'unknown': not in the registry as last read (it may have registered since; the caller waits a lease).
   */
  state (instanceId: string): 'live' | 'dead' | 'unknown' {
    if (instanceId === this.id) return Date.now() - this.lastOwnBeat < this.leaseMs ? 'live' : 'dead'
    const seen = this.seen.get(instanceId)
    if (seen === undefined) return 'unknown'
    return !seen.stopped && Date.now() - seen.changedAt < this.leaseMs ? 'live' : 'dead'
  }

  /** The other instances alive now (the realtime fan-out sends to them; alone, it sends nothing). */
  peers (): string[] {
    return [...this.seen.keys()].filter(id => id !== this.id && this.state(id) === 'live')
  }

  private async beat (): Promise<void> {
    const now = new Date()
    await this.collection.updateOne({ _id: this.id }, { $set: { heartbeatAt: now, stopped: false }, $setOnInsert: { startedAt: now } }, { upsert: true, timeoutMS: this.leaseMs })
    this.lastOwnBeat = now.getTime()
    const docs = await this.collection.find({}, { timeoutMS: this.leaseMs }).toArray()
    const previous = new Map(this.seen)
    this.seen.clear()
    for (const d of docs) {
      const heartbeat = d.heartbeatAt.getTime()
      if (heartbeat < now.getTime() - FORGET_AFTER_MS) { await this.collection.deleteOne({ _id: d._id, heartbeatAt: d.heartbeatAt }); continue }
      const before = previous.get(d._id)
      this.seen.set(d._id, { heartbeat, changedAt: before === undefined || before.heartbeat !== heartbeat ? Date.now() : before.changedAt, stopped: d.stopped === true })
    }
    // A peer that left or went silent held runs, maybe: look for them now rather than at the next idle poll.
    const live = new Set(this.peers())
    const lost = [...this.livePeers].some(id => !live.has(id))
    this.livePeers = live
    if (lost) this.on.peerLost()
  }
}
