import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { Server as Engine } from 'engine.io'
import { Server as SocketIoServer } from 'socket.io'
import type { Config } from '../config.js'
import { clientErrorCode, errorBody } from '../lib/errors.js'
import type { Owner } from '../lib/mongo.js'
import { SocketIoConnection, type Ack } from './connections.js'
import type { Realtime } from './realtime.js'

export const SOCKET_IO_PATH = '/socket.io/'

/** An error that refuses a Socket.IO handshake: the client's connect_error has the message and `data` {code, message}. */
function refusal (code: string, message: string): Error {
  return Object.assign(new Error(message), { data: { code, message } })
}

/**
 * Socket.IO beside the raw WebSocket, on the same port and through the same realtime core, for
 * the original R3SN's clients (`io('http://host:3000')`). Requests under /socket.io/ go to
 * Engine.IO (long polling and the WebSocket upgrade); everything else goes on to Fastify as
 * before. Every client event is a command of commands/table.ts, as on /ws; one sent with an
 * acknowledgement gets its reply through it. The key comes in the handshake (`auth: {token}`, or
 * an Authorization header) or in an `auth` event. Long polling needs sticky sessions behind a
 * load balancer; the WebSocket transport does not.
 */
export function attachSocketIo (app: FastifyInstance, rt: Realtime, config: Config): { close: () => Promise<void> } {
  const engine = new Engine({
    maxHttpBufferSize: config.wsMaxFrameBytes,
    pingInterval: config.wsHeartbeatMs
  })
  const io = new SocketIoServer({ path: SOCKET_IO_PATH, serveClient: false })
  io.bind(engine)

  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown, userId?: unknown }
    const header = /^Bearer\s+(\S+)\s*$/i.exec(socket.handshake.headers.authorization ?? '')?.[1]
    const token = typeof auth.token === 'string' ? auth.token : header
    if (token === undefined) { next(); return } // an `auth` event may follow
    app.apiKeys.verify(token).then(owner => {
      if (owner === null) return next(refusal('R3SN_UNAUTHORIZED', 'Invalid or revoked API key'))
      if (auth.userId !== undefined && auth.userId !== owner.id) return next(refusal('R3SN_FORBIDDEN', `userId ${JSON.stringify(auth.userId)} is not the user of this API key`))
      ;(socket.data as { owner?: Owner }).owner = owner
      next()
    }, (err: unknown) => { next(err instanceof Error ? err : new Error(String(err))) })
  })

  io.on('connection', socket => {
    const conn = new SocketIoConnection(socket)
    const client = rt.connect(conn, (socket.data as { owner?: Owner }).owner ?? null)
    socket.on('disconnect', () => { rt.disconnect(client) })
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? args.pop() as Ack : undefined
      rt.receive(client, { event, data: args[0], replyTo: ack === undefined ? undefined : conn.expectReply(ack) })
    })
  })

  // Requests under /socket.io/ are Engine.IO's; the listeners Fastify and @fastify/websocket put on the server get the rest.
  const server = app.server
  const ours = (req: IncomingMessage) => (req.url ?? '').startsWith(SOCKET_IO_PATH)
  const requestListeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[]
  const upgradeListeners = server.listeners('upgrade') as ((req: IncomingMessage, socket: Duplex, head: Buffer) => void)[]
  server.removeAllListeners('request')
  server.removeAllListeners('upgrade')
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!ours(req)) { for (const listener of requestListeners) listener.call(server, req, res); return }
    shapeRefusals(res)
    engine.handleRequest(req, res)
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!ours(req)) { for (const listener of upgradeListeners) listener.call(server, req, socket, head); return }
    engine.handleUpgrade(req, socket, head)
  })

  return {
    close: async () => {
      server.removeAllListeners('request')
      server.removeAllListeners('upgrade')
      for (const listener of requestListeners) server.on('request', listener)
      for (const listener of upgradeListeners) server.on('upgrade', listener)
      await new Promise<void>(resolve => { io.close(() => { resolve() }) })
    }
  }
}

/** Engine.IO refuses a bad request with its own `{code, message}`: the client gets the one error shape instead. */
function shapeRefusals (res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res)
  const end = res.end.bind(res)
  let refused = 0
  res.writeHead = ((statusCode: number, ...rest: unknown[]) => {
    if (statusCode < 400) return (writeHead as (...args: unknown[]) => ServerResponse)(statusCode, ...rest)
    refused = statusCode
    return res
  }) as typeof res.writeHead
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (refused === 0) return (end as (...args: unknown[]) => ServerResponse)(chunk, ...rest)
    let said: { code?: unknown, message?: unknown } = {}
    try { said = JSON.parse(String(chunk)) as typeof said } catch { /* kept empty: the status says enough */ }
    const message = `Socket.IO handshake refused: ${typeof said.message === 'string' ? said.message : 'bad request'}`
    const text = JSON.stringify(errorBody(refused, clientErrorCode(refused), message, typeof said.code === 'number' ? { engineIoCode: said.code } : undefined))
    writeHead(refused, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
    return end(text)
  }) as typeof res.end
}
