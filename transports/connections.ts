import { randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import type { Socket } from 'socket.io'

/**
 * One client connection as the realtime core sees it, whatever carries it: a raw WebSocket on
 * /ws or a Socket.IO socket. The core sends events and replies, reads how much is waiting to be
 * sent, and closes; the adapters below map that onto their protocol.
 */
export interface Connection {
  /** Unique per connection: the originating socket of a user event is skipped by its broadcast. */
  readonly id: string
  readonly transport: 'websocket' | 'socket.io'
  readonly open: boolean
  /** Bytes accepted for sending and not yet handed to the network. */
  readonly bufferedBytes: number
  /** Sends an event; `replyTo` names the request it answers (a frame id, or a Socket.IO acknowledgement). */
  send (event: string, data: object, replyTo?: string): void
  /** Closes with a reason the client can act on (a WebSocket close code; Socket.IO gets an error event first). */
  close (code: number, reason: string, errorCode: string): void
  terminate (): void
  /** Called every heartbeat period: false when the previous check went unanswered. */
  heartbeat (): boolean
}

/** A raw WebSocket on /ws: frames are JSON `{event, data, id?}`, and the reply echoes the id. */
export class WebSocketConnection implements Connection {
  readonly id = randomUUID()
  readonly transport = 'websocket'
  private alive = true

  constructor (private readonly socket: WebSocket) {
    socket.on('pong', () => { this.alive = true })
  }

  get open (): boolean { return this.socket.readyState === this.socket.OPEN }
  get bufferedBytes (): number { return this.socket.bufferedAmount }

  send (event: string, data: object, replyTo?: string): void {
    this.socket.send(JSON.stringify(replyTo === undefined ? { event, data } : { event, data, id: replyTo }))
  }

  close (code: number, reason: string): void { this.socket.close(code, reason) }
  terminate (): void { this.socket.terminate() }

  heartbeat (): boolean {
    if (!this.alive) return false
    this.alive = false
    this.socket.ping()
    return true
  }
}

/** A Socket.IO acknowledgement: gets the reply as `{event, data}`, the frame a raw WebSocket would get without its id. */
export type Ack = (reply: { event: string, data: object }) => void

/**
 * A Socket.IO socket: events are emitted as they are; a request sent with an acknowledgement
 * gets its reply through it (and not as an event), one sent without gets the reply as an event.
 * Socket.IO keeps its own heartbeat, and has no close codes: the reason goes first as an `error`
 * event `{code, message}`.
 */
export class SocketIoConnection implements Connection {
  readonly id = randomUUID()
  readonly transport = 'socket.io'
  private readonly acks = new Map<string, Ack>()
  private nextAck = 0

  constructor (private readonly socket: Socket) {}

  get open (): boolean { return this.socket.connected }

  get bufferedBytes (): number {
    // Engine.IO's queue of packets not yet written, plus what the WebSocket under it holds.
    const conn = this.socket.conn as unknown as { writeBuffer: { data?: unknown }[], transport: { socket?: { bufferedAmount?: number } } }
    let bytes = conn.transport.socket?.bufferedAmount ?? 0
    for (const packet of conn.writeBuffer) if (typeof packet.data === 'string') bytes += packet.data.length
    return bytes
  }

  /** A request id standing for this acknowledgement until its reply is sent. */
  expectReply (ack: Ack): string {
    const id = `ack:${++this.nextAck}`
    this.acks.set(id, ack)
    return id
  }

  send (event: string, data: object, replyTo?: string): void {
    const ack = replyTo === undefined ? undefined : this.acks.get(replyTo)
    if (ack === undefined) {
      this.socket.emit(event, data)
      return
    }
    // One reply per acknowledgement: anything later about the same request arrives as an event.
    this.acks.delete(replyTo as string)
    ack({ event, data })
  }

  close (_code: number, reason: string, errorCode: string): void {
    this.socket.emit('error', { code: errorCode, message: reason })
    this.socket.disconnect(true)
  }

  terminate (): void { this.socket.disconnect(true) }
  heartbeat (): boolean { return true }
}
