import fp from 'fastify-plugin'
import { randomUUID } from 'node:crypto'
import websocket from '@fastify/websocket'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { Collection } from 'mongodb'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import type { TSchema } from '@sinclair/typebox'
import type { Config } from '../config.js'
import type { Owner } from '../lib/mongo.js'
import type { ExecutionEvent } from '../schemas/executions.js'
import { Frame } from '../schemas/realtime.js'
import { describeError, Unauthorized } from '../lib/errors.js'
import type { RunEventBus } from '../lib/run-events.js'
import { Fanout, type InboxDoc } from './realtime-fanout.js'
import { WebSocketConnection, type Connection } from './connections.js'
import { attachSocketIo } from './socket-io.js'
import { userActivitySince, type Engines } from '../commands/operations.js'
import { commands, isClientEvent, readPayload, type Session } from '../commands/table.js'
import { LogThrottle } from '../lib/log-throttle.js'

/** Close codes a client can act on, with the error code a Socket.IO client is told instead. */
export const CLOSE = { unauthorized: 4401, slowConsumer: 4008, tooManyConnections: 4429 } as const
const CLOSE_ERRORS: Record<number, string> = { 4401: 'R3SN_UNAUTHORIZED', 4008: 'R3SN_SLOW_CONSUMER', 4429: 'R3SN_LIMIT' }

/** What a subscription's runs are told besides execution:event: prompt:* or workflow:*, or nothing more (agent and plugin runs followed as a user's). */
type RunKind = 'workflow' | 'prompt' | null
/**
 * A client following one execution from `firstSeq`. `auto` ones come from following all of a
 * user's runs and end with the run; `notBefore` (ms) skips events older than a user-wide replay asked for.
 */
interface Subscription { executionId: string, client: Client, nextSeq: number, pumping: boolean, dirty: boolean, kind: RunKind, auto: boolean, notBefore: number, firstSeq: number }
/** A token bucket: `tokens` left, refilled at the configured rate since `at`. */
interface Allowance { tokens: number, at: number }
export interface Client {
  conn: Connection
  owner: Owner | null
  subs: Map<string, Subscription>
  /** Following every run of its user (execution:subscribe {all: true}). */
  all: boolean
  /** Runs followed that way and ended, with their last seq: a late copy of an event already sent starts nothing again. */
  ended: Map<string, number>
  /** Frames are handled one after another, in the order they came (pings excepted). */
  inbox: Promise<void>
  /** This socket's log reads, one at a time, so one socket's replays cannot take every read slot. */
  reads: Promise<void>
  frames: Allowance
  pings: Allowance
}
/** A client event as a transport received it: `replyTo` names the request for the reply (a frame id, an acknowledgement). */
export interface Incoming { event: string, data: unknown, replyTo?: string }

const MAX_CONCURRENT_LOG_READS = 8
/** Events per log read of a replay; the next page is read once the socket has sent most of the previous one. */
const REPLAY_PAGE = 100
/**
 * A user-wide replay starts this long before the `since` asked for: an event written on another
 * instance just before it may not have reached the client yet. Repeats carry the same (executionId, seq).
 */
export const USER_REPLAY_MARGIN_MS = 2000
/** At most this many ended runs are replayed by a user-wide subscribe with `since` (open ones always are). */
const USER_REPLAY_MAX_RUNS = 200
/** How often the keys of open sockets are checked for a revocation made without the API. */
const KEY_SWEEP_MS = 2000
/** Internal fan-out message: a key was revoked (never sent to a client). */
const KEY_REVOKED = 'r3sn:key-revoked'
const TOKEN_BATCH_MS = 50
/** Other instances know of a new one after one registry heartbeat (at most 1 s), with a margin. */
const PEERS_SETTLE_MS = 2500
const ENDED = new Set(['execution.completed', 'execution.failed', 'execution.cancelled'])
/** Ended runs a client following all runs remembers (see Client.ended). */
const ENDED_REMEMBERED = 1000
const frameCheck = TypeCompiler.Compile(Frame)

class FrameError extends Error {
  constructor (readonly code: string, message: string) { super(message) }
}

function firstError (check: TypeCheck<TSchema>, value: unknown): string {
  const e = check.Errors(value).First()
  return e === undefined ? 'is invalid' : `${e.path === '' ? 'data' : `data${e.path}`} ${e.message.toLowerCase()}`
}

function kindOf (runType: string | undefined): RunKind {
  return runType === 'prompt' ? 'prompt' : runType === 'workflow' ? 'workflow' : null
}

/**
 * The realtime side of R3SN, for every message transport: the raw WebSocket (/ws) and
 * Socket.IO (transports/socket-io.ts) hand it connections (connections.ts) and client events.
 * Execution events come from the durable log: a subscription remembers the next seq it owes its
 * client and reads the log whenever a live event does not follow on, so replay-then-live has no
 * gap and no duplicate. Events written on other instances arrive through the fan-out inboxes
 * (realtime-fanout.ts). It is transport and fan-out only: an event is mapped to its command
 * (commands/table.ts), which checks the payload and runs the same operation as the HTTP route,
 * with the same errors.
 */
export class Realtime {
  /** A replay that keeps failing while the database is away warns once a minute, with a count. */
  private readonly warnings: LogThrottle
  private readonly clients = new Set<Client>()
  private readonly byExecution = new Map<string, Set<Subscription>>()
  /** Clients following all of a user's runs, by user id. */
  private readonly followingAll = new Map<string, Set<Client>>()
  private closed = false
  private startedAt = Date.now()
  private readonly fanout: Fanout
  private reading = 0
  private readonly readQueue: (() => void)[] = []

  private readonly orchestrator: Engines['orchestrator']

  constructor (
    private readonly engines: Engines & Pick<FastifyInstance, 'metrics'>,
    private readonly verify: (token: string) => Promise<Owner | null>,
    private readonly keyActive: (keyId: string) => Promise<boolean>,
    private readonly bus: RunEventBus,
    inbox: Collection<InboxDoc>,
    private readonly log: FastifyBaseLogger,
    private readonly config: Config
  ) {
    this.warnings = new LogThrottle(this.log)
    this.orchestrator = engines.orchestrator
    // An idle inbox is read at least every 0.5 s: a revocation reaches the other instances' sockets within a second.
    this.fanout = new Fanout(inbox, this.orchestrator.instances, doc => this.onRemote(doc), log, { minPollMs: config.wsFanoutPollMs, maxPollMs: Math.max(config.wsFanoutPollMs, 500) })
  }

  get connectedClients (): number { return this.clients.size }

  start (): void {
    this.startedAt = Date.now()
    this.bus.on('event', this.onLocalEvent)
    this.fanout.start()
  }

  async close (): Promise<void> {
    this.closed = true
    this.bus.off('event', this.onLocalEvent)
    for (const c of this.clients) c.conn.terminate()
    await this.fanout.stop()
  }

  /** A new connection; `owner` when its transport's handshake carried a valid key. The transport calls disconnect() when it closes. */
  connect (conn: Connection, owner: Owner | null): Client {
    const full = (): Allowance => ({ tokens: this.config.wsMaxFramesPerSecond, at: Date.now() })
    const client: Client = { conn, owner: null, subs: new Map(), all: false, ended: new Map(), inbox: Promise.resolve(), reads: Promise.resolve(), frames: full(), pings: full() }
    this.clients.add(client)
    const authTimer = setTimeout(() => { if (client.owner === null && this.clients.has(client)) this.shut(client, CLOSE.unauthorized, 'authenticate within the time limit') }, this.config.wsAuthTimeoutMs)
    authTimer.unref()
    if (owner !== null) this.admit(client, owner)
    return client
  }

  disconnect (client: Client): void {
    this.clients.delete(client)
    this.stopFollowingAll(client)
    for (const sub of client.subs.values()) this.dropSubscription(sub)
  }

  /** Drops connections that stopped answering pings. */
  heartbeat (): void {
    for (const c of this.clients) if (!c.conn.heartbeat()) c.conn.terminate()
  }

  /**
   * Closes every socket opened with a revoked key (4401): at once here, and on the other
   * instances when they read their inbox (at most 0.5 s later). Until then they refuse every
   * frame of such a socket anyway: each frame checks its key again.
   */
  async revokeKey (keyId: string): Promise<void> {
    this.closeKey(keyId)
    // The key is revoked whatever happens here; other instances still refuse its frames.
    await this.fanout.publish({ ownerId: '', event: KEY_REVOKED, eventJson: JSON.stringify({ keyId }) })
      .catch(err => this.log.warn({ err, keyId }, 'telling other instances of a revoked key failed'))
  }

  /** Closes the sockets of keys revoked without the API (the CLI, the database), which no instance was told of. */
  async closeInactiveKeys (inactive: (keyIds: string[]) => Promise<string[]>): Promise<void> {
    const keyIds = [...new Set([...this.clients].flatMap(c => c.owner?.keyId ?? []))]
    if (keyIds.length === 0) return
    for (const keyId of await inactive(keyIds)) this.closeKey(keyId)
  }

  private closeKey (keyId: string): void {
    for (const c of this.clients) if (c.owner?.keyId === keyId) this.shut(c, CLOSE.unauthorized, 'API key revoked')
  }

  /** Nothing more reaches or leaves this socket: its subscriptions end now, the close follows. */
  private shut (client: Client, code: number, reason: string): void {
    client.owner = null
    this.stopFollowingAll(client)
    for (const sub of client.subs.values()) this.dropSubscription(sub)
    client.conn.close(code, reason, CLOSE_ERRORS[code] ?? 'R3SN_UNAUTHORIZED')
  }

  private send (client: Client, event: string, data: object, replyTo?: string): void {
    const conn = client.conn
    if (!conn.open) return
    // A reader that does not keep up is cut off rather than allowed to grow our memory: nothing
    // more is queued for it, and the close follows what is already queued (ws drops the
    // connection if the closing handshake has not finished 30 s later).
    if (conn.bufferedBytes > this.config.wsMaxBufferedBytes) {
      this.log.info({ bufferedBytes: conn.bufferedBytes, transport: conn.transport }, 'realtime reader too slow; closing')
      this.engines.metrics.slowConsumers.inc({ transport: conn.transport })
      this.shut(client, CLOSE.slowConsumer, 'slow consumer: reconnect and resubscribe with since')
      return
    }
    conn.send(event, data, replyTo)
  }

  private async authenticate (client: Client, data: { token: string, userId?: string }, replyTo?: string): Promise<void> {
    const owner = await this.verify(data.token)
    if (owner === null) throw new FrameError('R3SN_UNAUTHORIZED', 'Invalid or revoked API key')
    // The original's clients also name the user: it must be the key's.
    if (data.userId !== undefined && data.userId !== owner.id) throw new FrameError('R3SN_FORBIDDEN', `userId ${JSON.stringify(data.userId)} is not the user of this API key`)
    this.admit(client, owner, replyTo)
  }

  private admit (client: Client, owner: Owner, replyTo?: string): void {
    const open = [...this.clients].filter(c => c.owner?.id === owner.id).length
    if (open >= this.config.wsMaxConnectionsPerUser) {
      this.shut(client, CLOSE.tooManyConnections, `at most ${this.config.wsMaxConnectionsPerUser} connections per user`)
      return
    }
    client.owner = owner
    this.send(client, 'auth:ok', { userId: owner.id }, replyTo)
  }

  /** A raw WebSocket frame: JSON `{event, data?, id?}`. A frame that is not one is answered with its id when it has one. */
  receiveFrame (client: Client, raw: string): void {
    let frame: unknown
    try { frame = JSON.parse(raw) } catch {
      return this.reply(client, new FrameError('R3SN_BAD_FRAME', 'a frame must be a JSON object {event, data?, id?}'))
    }
    if (!frameCheck.Check(frame)) {
      const id = (frame as { id?: unknown } | null)?.id
      const replyTo = typeof id === 'string' && id.length <= 200 ? id : undefined
      return this.reply(client, new FrameError('R3SN_BAD_FRAME', `bad frame: ${firstError(frameCheck, frame).replace(/^data/, 'frame')}`), replyTo)
    }
    this.receive(client, { event: frame.event, data: frame.data, replyTo: frame.id })
  }

  /**
   * Takes a client event: rate-limited here, at once; a ping is answered straight away (a storm
   * of other events does not hold it up), everything else is queued behind the connection's
   * earlier events.
   */
  receive (client: Client, incoming: Incoming): void {
    if (!client.conn.open) return // closing: nothing more is taken
    const { event, replyTo } = incoming
    const allowance = event === 'ping' ? client.pings : client.frames
    if (!this.take(allowance)) {
      return this.reply(client, new FrameError('R3SN_RATE_LIMITED', `too many frames: at most ${this.config.wsMaxFramesPerSecond} per second per connection${event === 'ping' ? ' (pings)' : ''}; this one was dropped`), replyTo, event)
    }
    // Answered from memory: a socket whose key was revoked is closed by now here, and within 0.5 s elsewhere.
    if (event === 'ping' && client.owner !== null) return this.send(client, 'pong', { ts: new Date().toISOString() }, replyTo)
    client.inbox = client.inbox.then(() => this.run(client, incoming))
  }

  /** Refills at the configured rate, up to one second's worth; false when nothing is left. */
  private take (allowance: Allowance): boolean {
    const now = Date.now()
    const rate = this.config.wsMaxFramesPerSecond
    allowance.tokens = Math.min(rate, allowance.tokens + (now - allowance.at) * rate / 1000)
    allowance.at = now
    if (allowance.tokens < 1) return false
    allowance.tokens--
    return true
  }

  private async run (client: Client, { event, data: raw, replyTo }: Incoming): Promise<void> {
    try {
      if (!isClientEvent(event)) throw new FrameError('R3SN_UNKNOWN_EVENT', `unknown event "${event}"`)
      // The HTTP API's checks: its schema rules, no NUL or lone surrogate, no nesting past what can be walked.
      const data = readPayload(event, raw)
      if (event === 'auth') return await this.authenticate(client, data as { token: string, userId?: string }, replyTo)
      const owner = client.owner
      if (owner === null) throw new FrameError('R3SN_UNAUTHORIZED', 'send auth {token} first')
      // A key revoked on another instance: refused from the moment the revocation is stored.
      if (owner.keyId !== undefined && !await this.keyActive(owner.keyId)) {
        this.send(client, 'error', { code: 'R3SN_UNAUTHORIZED', message: 'Invalid or revoked API key', event }, replyTo)
        if (client.owner === owner) this.shut(client, CLOSE.unauthorized, 'API key revoked')
        return
      }
      if (client.owner !== owner) return // closed meanwhile
      // One sent before its socket's auth was answered.
      if (event === 'ping') return this.send(client, 'pong', { ts: new Date().toISOString() }, replyTo)
      const command = commands.get(event)
      if (command === undefined) throw new FrameError('R3SN_UNKNOWN_EVENT', `unknown event "${event}"`)
      const answer = await command.run(this.engines, this.session(client, owner, event, replyTo), data)
      if (answer !== undefined) this.send(client, command.answer, answer, replyTo)
    } catch (err) {
      // Every request gets a reply, in the one error shape's terms.
      this.reply(client, err, replyTo, event)
    }
  }

  /** An error reply for any failure, shaped as HTTP errors are (internal ones logged once, with the id quoted to the client). */
  private reply (client: Client, err: unknown, replyTo?: string, event?: string): void {
    const about = event === undefined ? {} : { event }
    if (err instanceof FrameError) return this.send(client, 'error', { code: err.code, message: err.message, ...about }, replyTo)
    const requestId = `ws-${randomUUID()}`
    const { body, log } = describeError(err, requestId)
    if (log !== undefined) this.log[log]({ event, transport: client.conn.transport, err, requestId }, 'realtime event failed')
    this.send(client, 'error', { code: body.code, message: body.message, ...(body.details === undefined ? {} : { details: body.details }), ...about }, replyTo)
  }

  /** What a command sees of this connection: its owner and the executions it follows. */
  private session (client: Client, owner: Owner, event: string, replyTo?: string): Session {
    const open = () => client.owner === owner && client.conn.open
    return {
      owner,
      origin: client.conn.id,
      get open () { return open() },
      following: executionId => {
        const sub = client.subs.get(executionId)
        return sub === undefined || sub.auto ? undefined : sub.nextSeq - 1
      },
      ensureRoom: () => { this.ensureRoom(client) },
      follow: (executionId, since, kind) => { if (open()) this.subscribe(client, executionId, since, kind) },
      unfollow: executionId => {
        const sub = client.subs.get(executionId)
        if (sub !== undefined) this.dropSubscription(sub)
      },
      followAll: async since => { if (open()) await this.followAll(client, owner, since) },
      unfollowAll: () => { this.stopFollowingAll(client) },
      fail: err => { this.reply(client, err, replyTo, event) }
    }
  }

  /** Refuses a new subscription over the limit (before a run is started for it, so a refused frame changes nothing). */
  private ensureRoom (client: Client, executionId?: string): void {
    const explicit = [...client.subs.values()].filter(s => !s.auto).length
    if ((executionId === undefined || client.subs.get(executionId)?.auto !== false) && explicit >= this.config.wsMaxSubscriptions) {
      throw new FrameError('R3SN_LIMIT', `at most ${this.config.wsMaxSubscriptions} subscriptions per connection`)
    }
  }

  private subscribe (client: Client, executionId: string, since: number, kind: 'workflow' | 'prompt' = 'workflow'): void {
    this.ensureRoom(client, executionId)
    const existing = client.subs.get(executionId)
    // Already followed as one of the user's runs, with everything this asks for: it becomes this
    // subscription, and nothing is sent twice.
    if (existing?.auto === true && existing.notBefore === 0 && existing.firstSeq <= since + 1 && since < existing.nextSeq) {
      existing.auto = false
      existing.kind = kind
      return
    }
    if (existing !== undefined) this.dropSubscription(existing)
    this.addSubscription({ executionId, client, nextSeq: since + 1, pumping: false, dirty: false, kind, auto: false, notBefore: 0, firstSeq: since + 1 })
  }

  private addSubscription (sub: Subscription): void {
    sub.client.subs.set(sub.executionId, sub)
    let set = this.byExecution.get(sub.executionId)
    if (set === undefined) this.byExecution.set(sub.executionId, set = new Set())
    set.add(sub)
    void this.pump(sub)
    // Other instances start sending this one live events within a heartbeat of its start: what a
    // subscription made before then might have missed live is read from the log once that is over.
    const settled = this.startedAt + PEERS_SETTLE_MS - Date.now()
    if (settled > 0) setTimeout(() => { void this.pump(sub) }, settled).unref()
  }

  private dropSubscription (sub: Subscription): void {
    if (sub.client.subs.get(sub.executionId) === sub) sub.client.subs.delete(sub.executionId)
    const set = this.byExecution.get(sub.executionId)
    set?.delete(sub)
    if (set?.size === 0) this.byExecution.delete(sub.executionId)
  }

  /**
   * Follows every run of the user from now on, whichever transport or instance starts it. With
   * `since` (ms), first replays the events after it (less USER_REPLAY_MARGIN_MS) of the user's
   * runs that were open then or ended since, and what the user was told meanwhile.
   */
  private async followAll (client: Client, owner: Owner, since?: number): Promise<void> {
    client.all = true
    let set = this.followingAll.get(owner.id)
    if (set === undefined) this.followingAll.set(owner.id, set = new Set())
    set.add(client)
    if (since === undefined) return
    const notBefore = since - USER_REPLAY_MARGIN_MS
    const { runs, userEvents } = await userActivitySince(this.engines, owner, new Date(notBefore), USER_REPLAY_MAX_RUNS)
    if (client.owner !== owner || !client.conn.open) return
    for (const { event, data } of userEvents) this.send(client, event, data)
    for (const run of runs) {
      if (client.subs.has(run._id)) continue
      this.addSubscription({ executionId: run._id, client, nextSeq: 1, pumping: false, dirty: false, kind: kindOf(run.type), auto: true, notBefore, firstSeq: 1 })
    }
  }

  private stopFollowingAll (client: Client): void {
    if (!client.all) return
    client.all = false
    for (const [ownerId, set] of this.followingAll) {
      set.delete(client)
      if (set.size === 0) this.followingAll.delete(ownerId)
    }
    for (const sub of [...client.subs.values()]) if (sub.auto) this.dropSubscription(sub)
  }

  private deliver (sub: Subscription, ev: ExecutionEvent): void {
    if (ev.seq < sub.nextSeq) return
    if (ev.seq === sub.nextSeq && !sub.pumping) {
      this.emitEvent(sub, ev)
      return
    }
    void this.pump(sub)
  }

  /**
   * Sends everything from nextSeq on, in order, from the durable log, a page at a time: the
   * next page is read only once the socket has sent most of the last one, so a reader that
   * does not read costs neither memory nor database reads. A failed read is retried.
   */
  private async pump (sub: Subscription): Promise<void> {
    if (sub.pumping) { sub.dirty = true; return }
    sub.pumping = true
    const live = () => !this.closed && sub.client.subs.get(sub.executionId) === sub
    let more = true
    while (more && live()) {
      sub.dirty = false
      try {
        await this.drained(sub.client)
        if (!live()) break
        const events = await this.readLog(sub.client, sub.executionId, sub.nextSeq - 1)
        for (const ev of events) if (ev.seq === sub.nextSeq && live()) this.emitEvent(sub, ev)
        more = sub.dirty || events.length === REPLAY_PAGE
        // Live events of other sockets go out between the pages of a long replay.
        if (more) await new Promise(resolve => setImmediate(resolve))
      } catch (err) {
        this.warnings.warn({ err, executionId: sub.executionId }, 'reading the event log failed; retrying')
        await new Promise(resolve => setTimeout(resolve, 250))
      }
    }
    sub.pumping = false
  }

  /** Resolves once the connection's send buffer is below half its limit (or the connection is gone). */
  private async drained (client: Client): Promise<void> {
    while (client.conn.open && client.conn.bufferedBytes > this.config.wsMaxBufferedBytes / 2) {
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  }

  /**
   * Log reads for replays: one at a time per socket and a few at a time overall, so neither a
   * crowd of subscribers nor one socket's many replays can swamp the database or starve others.
   */
  private async readLog (client: Client, executionId: string, since: number): Promise<ExecutionEvent[]> {
    const previous = client.reads
    let done = () => {}
    client.reads = new Promise<void>(resolve => { done = resolve })
    await previous
    try {
      while (this.reading >= MAX_CONCURRENT_LOG_READS) await new Promise<void>(resolve => this.readQueue.push(resolve))
      this.reading++
      try {
        return await this.orchestrator.eventLog(executionId, since, REPLAY_PAGE)
      } finally {
        this.reading--
        this.readQueue.shift()?.()
      }
    } finally {
      done()
    }
  }

  private emitEvent (sub: Subscription, ev: ExecutionEvent): void {
    sub.nextSeq = ev.seq + 1
    // An auto subscription's run ends with its last event.
    if (sub.auto && ENDED.has(ev.type)) {
      this.dropSubscription(sub)
      const ended = sub.client.ended
      ended.set(sub.executionId, ev.seq)
      if (ended.size > ENDED_REMEMBERED) ended.delete(ended.keys().next().value as string)
    }
    if (sub.notBefore > 0 && Date.parse(ev.ts) < sub.notBefore) return
    this.send(sub.client, 'execution:event', ev)
    if (sub.kind === null) return
    // Runs are also told in workflow or prompt terms.
    if (ev.type === 'execution.completed') this.send(sub.client, `${sub.kind}:completed`, { executionId: ev.executionId, result: ev.data.result })
    else if (ev.type === 'execution.failed' || ev.type === 'execution.cancelled') this.send(sub.client, `${sub.kind}:failed`, { executionId: ev.executionId, error: ev.data.error })
    else if (ev.type.startsWith('step.')) this.send(sub.client, `${sub.kind}:progress`, { executionId: ev.executionId, stepId: ev.stepId, type: ev.type })
  }

  private readonly onLocalEvent = (ev: ExecutionEvent, ownerId: string, runType: string): void => {
    this.route(ev, ownerId, runType)
    this.fanout.publish({ ownerId, runType, eventJson: JSON.stringify(ev) }).catch(err => this.log.warn({ err }, 'fan-out publish failed'))
  }

  private onRemote (doc: InboxDoc): void {
    if (doc.event === KEY_REVOKED) this.closeKey((JSON.parse(doc.eventJson) as { keyId: string }).keyId)
    else if (doc.event !== undefined) this.sendToUser(doc.ownerId, doc.event, JSON.parse(doc.eventJson) as object)
    else this.route(JSON.parse(doc.eventJson) as ExecutionEvent, doc.ownerId, doc.runType)
  }

  /**
   * Sends an event to every connection of a user, on every instance: the one way engines
   * publish what is not an execution event (notification, agent:created, plugin:progress...).
   * `except` is the connection that asked for it, which got it as its reply.
   */
  async publish (ownerId: string, event: string, data: object, except?: string): Promise<void> {
    this.sendToUser(ownerId, event, data, except)
    await this.fanout.publish({ ownerId, event, eventJson: JSON.stringify(data) })
  }

  private sendToUser (ownerId: string, event: string, data: object, except?: string): void {
    for (const c of this.clients) if (c.owner?.id === ownerId && c.conn.id !== except) this.send(c, event, data)
  }

  private route (ev: ExecutionEvent, ownerId: string, runType: string | undefined): void {
    const served = new Set<Client>()
    for (const sub of [...this.byExecution.get(ev.executionId) ?? []]) {
      served.add(sub.client)
      this.deliver(sub, ev)
    }
    // Clients following all of the user's runs pick this one up from the event that shows it
    // (a retried run again from its retry), unless they were sent it already.
    for (const client of this.followingAll.get(ownerId) ?? []) {
      if (served.has(client) || client.subs.has(ev.executionId) || client.owner?.id !== ownerId) continue
      if (ev.seq <= (client.ended.get(ev.executionId) ?? 0)) continue
      const sub: Subscription = { executionId: ev.executionId, client, nextSeq: ev.seq, pumping: false, dirty: false, kind: kindOf(runType), auto: true, notBefore: 0, firstSeq: ev.seq }
      client.subs.set(ev.executionId, sub)
      let set = this.byExecution.get(ev.executionId)
      if (set === undefined) this.byExecution.set(ev.executionId, set = new Set())
      set.add(sub)
      this.deliver(sub, ev)
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance { realtime: Realtime }
}

async function realtime (app: FastifyInstance, opts: { config: Config }) {
  const { config } = opts
  const rt = new Realtime(app, token => app.apiKeys.verify(token), keyId => app.apiKeys.isActive(keyId), app.runEvents,
    app.mongo.db.collection<InboxDoc>('realtime_inbox'), app.log.child({ engine: 'realtime' }), config)
  app.decorate('realtime', rt)
  app.apiKeys.onRevoke(keyId => rt.revokeKey(keyId))
  app.engineStatus.register('realtimeEngine', () => ({ initialized: true, connectedClients: rt.connectedClients }))
  app.metrics.read('realtimeConnections', () => rt.connectedClients)

  await app.register(websocket, { options: { maxPayload: config.wsMaxFrameBytes } })
  // The key comes in the Authorization header at upgrade or in an auth frame, so the route is public to the HTTP hook.
  app.get('/ws', {
    websocket: true,
    config: { public: true },
    schema: { hide: true },
    // A key in the upgrade request is checked before the socket opens, so the first frame is already authenticated.
    preValidation: async (req) => {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1]
      if (token === undefined) return
      const owner = await app.apiKeys.verify(token)
      if (owner === null) throw new Unauthorized('Invalid or revoked API key')
      req.user = owner
    }
  }, (socket, req) => {
    const client = rt.connect(new WebSocketConnection(socket), req.user ?? null)
    socket.on('close', () => { rt.disconnect(client) })
    socket.on('message', (raw, isBinary) => { rt.receiveFrame(client, isBinary ? '' : raw.toString()) })
  })
  // Socket.IO on the same port, for the original R3SN's clients: the same events, through the same core.
  const io = attachSocketIo(app, rt, config)

  // Plan tokens are sent in small batches: one message per token would cost a fan-out write each.
  const pending = new Map<string, { ownerId: string, text: string }>()
  const flushOne = (executionId: string) => {
    const entry = pending.get(executionId)
    if (entry === undefined) return
    pending.delete(executionId)
    rt.publish(entry.ownerId, 'prompt:progress', { executionId, stage: 'planning', tokens: entry.text }).catch(err => app.log.warn({ err }, 'token publish failed'))
  }
  const flush = () => { for (const executionId of [...pending.keys()]) flushOne(executionId) }
  const onTokens = (ownerId: string, executionId: string, text: string) => {
    const entry = pending.get(executionId)
    if (entry !== undefined) { entry.text += text; return }
    if (pending.size === 0) setTimeout(flush, TOKEN_BATCH_MS)
    pending.set(executionId, { ownerId, text })
  }
  const onUserEvent = (ownerId: string, event: string, data: object, origin?: string) => {
    rt.publish(ownerId, event, data, origin).catch(err => app.log.warn({ err, event }, 'user event publish failed'))
  }
  app.runEvents.on('user', onUserEvent)
  // The last tokens go out before the plan's step.completed (publish sends locally at once).
  app.runEvents.on('tokens', onTokens)
  app.runEvents.on('tokensEnd', flushOne)
  app.addHook('onClose', async () => {
    app.runEvents.off('tokens', onTokens)
    app.runEvents.off('tokensEnd', flushOne)
    app.runEvents.off('user', onUserEvent)
  })

  const heartbeat = setInterval(() => rt.heartbeat(), config.wsHeartbeatMs)
  const keySweep = setInterval(() => {
    rt.closeInactiveKeys(keyIds => app.apiKeys.inactive(keyIds)).catch(err => app.log.warn({ err }, 'checking the keys of open sockets failed'))
  }, KEY_SWEEP_MS)
  app.addHook('onReady', async () => { rt.start() })
  app.addHook('preClose', async () => { clearInterval(heartbeat); clearInterval(keySweep); await rt.close(); await io.close() })
}

export default fp(realtime, { name: 'realtime', dependencies: ['metrics', 'mongo', 'api-keys', 'engine-status', 'run-events', 'llm', 'plugin-factory', 'agent-engine', 'planner', 'orchestrator', 'notifications'] })
