import type { FastifyBaseLogger } from 'fastify'
import type { Collection, ObjectId } from 'mongodb'
import { LogThrottle } from '../lib/log-throttle.js'

/** A message for one other instance: an execution event (with its run's type), or a user event (`event` set) for all of a user's sockets. */
export interface InboxDoc { _id?: ObjectId, to: string, ts: Date, ownerId: string, runType?: string, event?: string, eventJson: string }

/** Inbox messages older than this belong to an instance that died: removed now and then. */
const STALE_MS = 60_000

/**
 * Cross-instance delivery of live events, without an idle tailable cursor (which keeps FerretDB
 * busy doing nothing): each message goes to the inbox of every other live instance, and each
 * instance polls its own inbox (an equality FerretDB hands to PostgreSQL), deleting what it
 * read. Alone, an instance writes and reads nothing; idle, its poll backs off to maxPollMs.
 * Delivery needs no more: realtime checks each execution event's seq against the durable log.
 */
export class Fanout {
  /** Warnings a loop repeats while the database is away: once a minute, with a count. */
  private readonly warnings: LogThrottle
  private closed = false
  private loop: Promise<void> = Promise.resolve()
  private wake: () => void = () => {}

  constructor (
    private readonly inbox: Collection<InboxDoc>,
    private readonly cluster: { id: string, peers (): string[] },
    private readonly deliver: (doc: InboxDoc) => void,
    private readonly log: FastifyBaseLogger,
    private readonly opts: { minPollMs: number, maxPollMs: number }
  ) {
    this.warnings = new LogThrottle(this.log)
  }

  start (): void {
    this.loop = this.run()
  }

  async stop (): Promise<void> {
    this.closed = true
    this.wake()
    await this.loop
  }

  async publish (message: Omit<InboxDoc, 'to' | 'ts'>): Promise<void> {
    const peers = this.cluster.peers()
    if (peers.length === 0) return
    const ts = new Date()
    await this.inbox.insertMany(peers.map(to => ({ ...message, to, ts })))
  }

  private async run (): Promise<void> {
    let delay = this.opts.minPollMs
    let lastCleanup = Date.now()
    while (!this.closed) {
      let read = 0
      try {
        // Alone, nobody writes to this inbox (what a dead peer left is cleaned below, when there are peers again).
        if (this.cluster.peers().length > 0) {
          const docs = await this.inbox.find({ to: this.cluster.id }).sort({ _id: 1 }).limit(500).toArray()
          for (const doc of docs) this.deliver(doc)
          read = docs.length
          if (read > 0) await this.inbox.deleteMany({ to: this.cluster.id, _id: { $in: docs.map(d => d._id as ObjectId) } })
          if (Date.now() - lastCleanup > STALE_MS) {
            lastCleanup = Date.now()
            await this.inbox.deleteMany({ ts: { $lt: new Date(Date.now() - STALE_MS) } })
          }
        }
      } catch (err) {
        if (!this.closed) this.warnings.warn({ err }, 'reading the fan-out inbox failed; trying again')
      }
      delay = read > 0 ? this.opts.minPollMs : Math.min(delay * 2, this.opts.maxPollMs)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, delay)
        this.wake = () => { clearTimeout(timer); resolve() }
      })
    }
  }
}
