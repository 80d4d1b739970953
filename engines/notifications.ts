import fp from 'fastify-plugin'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { createHash, randomUUID } from 'node:crypto'
import type { Collection, Db, Filter } from 'mongodb'
import type { Config } from '../config.js'
import { isDuplicateKey, type OwnedDoc } from '../lib/mongo.js'
import type { RunEventBus } from '../lib/run-events.js'
import type { Notification, NotificationData, NotificationKind } from '../schemas/notifications.js'
import { decodeJson, type ExecutionDoc } from './runtime/store.js'
import { logError } from '../lib/log-throttle.js'

export type { Notification, NotificationKind } from '../schemas/notifications.js'

/** What a caller has to say; the engine adds the id, the time and the read mark. */
export interface NewNotification {
  kind: NotificationKind
  title: string
  message: string
  data?: NotificationData
  /**
   * Makes notify idempotent: a second notify with the same key for the same user stores and
   * sends nothing (at most one self-debugging notice per execution, one per skipped tick
   * however many instances saw it).
   */
  key?: string
}

/** Flat, with the fields queried at the top level: FerretDB pushes down only top-level equalities. */
interface NotificationDoc extends OwnedDoc {
  kind: NotificationKind
  title: string
  message: string
  ts: Date
  read: boolean
  data?: NotificationData
}

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 200

const clip = (text: string, max = 300) => text.length > max ? `${text.slice(0, max - 1)}…` : text

function toNotification (d: NotificationDoc): Notification {
  return { id: d._id, kind: d.kind, title: d.title, message: d.message, ts: d.ts.toISOString(), read: d.read, ...(d.data === undefined ? {} : { data: d.data }) }
}

const RUN_NAMES: Record<string, string> = { workflow: 'Workflow run', prompt: 'Prompt', agent: 'Agent run', plugin: 'Plugin run', 'plugin-generation': 'Plugin generation' }

/**
 * What a user hears about a run that ended: a final failure, self-debugging that acted on it,
 * a plugin generation's verdict. Cancelled runs say nothing (the user asked for it).
 */
export function runNotifications (doc: ExecutionDoc): NewNotification[] {
  const out: NewNotification[] = []
  const base = { executionId: doc._id, executionType: doc.type, ...(doc.workflowId === undefined ? {} : { workflowId: doc.workflowId }) }
  const runName = `${RUN_NAMES[doc.type] ?? 'Run'} ${doc._id}`
  const error = doc.error ?? { message: 'unknown error', code: 'STEP_FAILED' }
  const stepId = error.stepId

  if (doc.type === 'plugin-generation') {
    const appName = (decodeJson(doc.triggerJson) as { appName?: string } | undefined)?.appName ?? 'the app'
    if (doc.status === 'completed') {
      const { pluginId, round } = (decodeJson(doc.resultJson) ?? {}) as { pluginId?: string, round?: number }
      out.push({
        kind: 'plugin.generated', title: `Plugin for ${clip(appName, 80)} generated`,
        message: `The plugin for ${clip(appName, 80)} passed its self-tests in the sandbox${round === undefined ? '' : ` after ${round} LLM answer(s)`} and is stored${pluginId === undefined ? '' : ` as ${pluginId}`}.`,
        data: { ...base, ...(pluginId === undefined ? {} : { pluginId }) }
      })
      return out
    }
    // Failed checks are the generation's verdict; anything else (the LLM, the database) is a failed run.
    if (doc.status === 'failed' && error.code === 'R3SN_UNPROCESSABLE') {
      out.push({
        kind: 'plugin.rejected', title: `Plugin for ${clip(appName, 80)} rejected`,
        message: clip(`The generated plugin for ${appName} was not stored: ${error.message}`, 500),
        data: { ...base, errorCode: error.code }
      })
      return out
    }
  }

  if (doc.status === 'failed') {
    out.push({
      kind: 'execution.failed', title: `${runName} failed`,
      message: clip(`${runName} failed${stepId === undefined ? '' : ` at step "${stepId}"`}: ${error.message}`, 500),
      data: { ...base, ...(stepId === undefined ? {} : { stepId }), ...(error.code === undefined ? {} : { errorCode: error.code }) },
      // One per attempt: a run retried by hand that fails again is news again.
      key: `execution.failed:${doc._id}:${doc.attempt}`
    })
  }

  // Self-debugging diagnoses every step that failed for good; it "debugged" the run when it applied a remedy.
  const applied = (doc.diagnoses ?? []).filter(d => d.executionAttempt === doc.attempt && d.action !== 'none' && d.outcome !== 'rejected')
  if (applied.length > 0) {
    // Recovered: every step it applied remedies to ended on one that worked (an earlier one may have failed).
    const recovered = [...new Set(applied.map(d => d.stepId))].every(stepId => applied.some(d => d.stepId === stepId && d.outcome === 'recovered'))
    out.push({
      kind: 'execution.self_debugged', title: `${runName} needed self-debugging${recovered ? ' and recovered' : ''}`,
      message: clip(`Self-debugging applied ${applied.length} remed${applied.length === 1 ? 'y' : 'ies'} (${[...new Set(applied.map(d => d.action))].join(', ')}) ` +
        `to ${runName}; ${recovered ? 'the steps recovered' : 'not every step recovered'} and the run ${doc.status}.`, 500),
      data: { ...base, recovered, diagnoses: applied.length },
      key: `execution.self_debugged:${doc._id}`
    })
  }
  return out
}

/**
 * Durable per-user notifications: stored in `notifications`, then published live to every
 * socket of the user (the `notification` event, through the run event bus and the realtime
 * fan-out). Listens for runs that end on this instance itself; other engines and routes call notify.
 */
export class Notifications {
  private readonly notifications: Collection<NotificationDoc>
  private retentionTimer: NodeJS.Timeout | undefined
  private readonly onEnded = (_id: string, doc: ExecutionDoc | null) => {
    // Only the instance that ended a run gets 'ended', so each end is told once.
    if (doc === null) return
    for (const n of runNotifications(doc)) void this.notify(doc.ownerId, n)
  }

  constructor (db: Db, private readonly bus: RunEventBus, private readonly log: FastifyBaseLogger, private readonly config: Config) {
    this.notifications = db.collection('notifications')
  }

  async init (db: Db): Promise<void> {
    // FerretDB 1.24 uses no secondary index for a query (see README): there it would only make every insert dearer.
    const info = await db.admin().command({ buildInfo: 1 })
    if (info.ferretdbVersion === undefined) await this.notifications.createIndex({ ownerId: 1, ts: -1 })
  }

  start (): void {
    this.bus.on('ended', this.onEnded)
    this.retentionTimer = setInterval(() => {
      this.prune(new Date(Date.now() - this.config.retentionDays * 86_400_000)).catch(err => this.log.warn(logError(err), 'pruning notifications failed'))
    }, this.config.retentionIntervalMs).unref()
  }

  close (): void {
    this.bus.off('ended', this.onEnded)
    clearInterval(this.retentionTimer)
  }

  /**
   * Stores a notification for a user, then sends it to every socket of theirs. Never throws:
   * a notification that cannot be stored is logged (and still sent live), and the caller's
   * operation goes on. With a `key` already used for the user, nothing is stored or sent again.
   */
  async notify (ownerId: string, n: NewNotification): Promise<Notification> {
    const id = n.key === undefined ? `ntf_${randomUUID()}` : `ntf_${createHash('sha256').update(`${ownerId}\n${n.key}`).digest('hex').slice(0, 32)}`
    const doc: NotificationDoc = { _id: id, ownerId, kind: n.kind, title: n.title, message: n.message, ts: new Date(), read: false, ...(n.data === undefined ? {} : { data: n.data }) }
    const notification = toNotification(doc)
    try {
      await this.notifications.insertOne(doc)
    } catch (err) {
      if (isDuplicateKey(err)) return notification
      this.log.warn({ ...logError(err), ownerId, notification }, 'storing a notification failed; it is sent live only')
    }
    try {
      this.bus.emit('user', ownerId, 'notification', notification)
    } catch (err) {
      this.log.warn({ ...logError(err), ownerId, kind: n.kind }, 'publishing a notification failed')
    }
    return notification
  }

  /**
   * A user's notifications: newest first, or with `since` (exclusive) oldest first, as a
   * reconnecting client replays what it missed.
   */
  async list (ownerId: string, opts: { unread?: boolean, since?: string, limit?: number } = {}): Promise<Notification[]> {
    const filter: Filter<NotificationDoc> = { ownerId }
    if (opts.unread === true) filter.read = false
    if (opts.since !== undefined) filter.ts = { $gt: new Date(opts.since) }
    const limit = Math.min(Math.max(1, opts.limit ?? DEFAULT_LIMIT), MAX_LIMIT)
    const order = opts.since === undefined ? -1 : 1
    const docs = await this.notifications.find(filter, { sort: { ts: order, _id: order }, limit }).toArray()
    return docs.map(toNotification)
  }

  /** What a user missed since a time (exclusive), oldest first: the realtime transport's replay after a reconnect. */
  async listSince (ownerId: string, sinceIso: string, limit = DEFAULT_LIMIT): Promise<Notification[]> {
    return this.list(ownerId, { since: sinceIso, limit })
  }

  async unreadCount (ownerId: string): Promise<number> {
    return this.notifications.countDocuments({ ownerId, read: false })
  }

  // Every read and write below names the user's ownerId: another user's notification is never seen or changed.

  /** Marks the user's notifications read (these ids, or all); returns how many changed. Another user's ids change nothing. */
  async markRead (ownerId: string, ids: string[] | 'all'): Promise<number> {
    if (ids !== 'all' && ids.length === 0) return 0
    const filter: Filter<NotificationDoc> = ids === 'all' ? { ownerId, read: false } : { _id: { $in: ids }, ownerId, read: false }
    const res = await this.notifications.updateMany(filter, { $set: { read: true } })
    return res.modifiedCount
  }

  async prune (olderThan: Date): Promise<number> {
    return (await this.notifications.deleteMany({ ts: { $lt: olderThan } })).deletedCount
  }
}

declare module 'fastify' {
  interface FastifyInstance { notifications: Notifications }
}

async function notifications (app: FastifyInstance, opts: { config: Config }) {
  const engine = new Notifications(app.mongo.db, app.runEvents, app.log.child({ engine: 'notifications' }), opts.config)
  await engine.init(app.mongo.db)
  app.decorate('notifications', engine)
  engine.start()
  app.addHook('onClose', async () => { engine.close() })
}

export default fp(notifications, { name: 'notifications', dependencies: ['mongo', 'run-events'] })
