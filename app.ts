import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { clientErrorCode, clip, describeError, errorBody, findUnstorable, Invalid, type ErrorShape } from './lib/errors.js'
import { AJV_OPTIONS, ajvPool } from './lib/validation.js'
import { LogThrottle } from './lib/log-throttle.js'
import type { Owner } from './lib/mongo.js'
import type { Config } from './config.js'
import metrics from './plugins/metrics.js'
import mongo from './plugins/mongo.js'
import apiKeys from './plugins/api-keys.js'
import engineStatus from './plugins/engine-status.js'
import runEvents from './plugins/run-events.js'
import notifications from './engines/notifications.js'
import openapi from './plugins/openapi.js'
import healthRoutes from './routes/health.js'
import engineRoutes from './routes/engines.js'
import keyRoutes from './routes/keys.js'
import workflowRoutes from './routes/workflows.js'
import executionRoutes from './routes/executions.js'
import hookRoutes from './routes/hooks.js'
import credentialRoutes from './routes/credentials.js'
import notificationRoutes from './routes/notifications.js'
import metricsRoutes from './routes/metrics.js'
import integrationHub from './engines/integration-hub.js'
import orchestrator from './engines/orchestrator.js'
import type { WriteFaults } from './engines/runtime/store.js'
import agentEngine from './engines/agent-engine.js'
import planner from './engines/planner.js'
import llm from './plugins/llm.js'
import sandbox from './plugins/sandbox.js'
import pluginFactory from './engines/plugin-factory.js'
import pluginRoutes from './routes/plugins.js'
import selfEvolving from './engines/self-evolving.js'
import selfDebugging from './engines/self-debugging.js'
import learningRoutes from './routes/learning.js'
import executeRoutes from './routes/execute.js'
import agentRoutes from './routes/agents.js'
import integrationRoutes from './routes/integrations.js'
import realtime from './transports/realtime.js'

export interface AppOptions {
  /** Pretty logs for a person at a terminal (server.ts decides; tests never). */
  prettyLogs?: boolean
  /** Where logs go instead of stdout (tests read them to prove secrets are redacted). */
  logStream?: { write (line: string): void }
  /** Tests only: called before each write of the run lifecycle; throwing makes that write fail. */
  faults?: WriteFaults
}

export function fastifyOptions (config: Config, opts: AppOptions = {}): FastifyServerOptions {
  return {
    logger: {
      level: config.logLevel,
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', '*.secret', '*.apiKey', '*.adminKey', '*.password', '*.token'],
        censor: '[redacted]'
      },
      // One line per entry at a terminal too (pino-pretty otherwise prints each field on a line of its own).
      ...(opts.prettyLogs === true ? { transport: { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname' } } } : {}),
      ...(opts.logStream === undefined ? {} : { stream: opts.logStream })
    },
    // Unknown fields are refused with a 400 rather than dropped silently.
    ajv: { customOptions: AJV_OPTIONS },
    // Query strings and path params are text and need coercion ("5" -> 5); a JSON body is
    // already typed, so a wrong type there is refused rather than coerced (["x"] is not "x").
    schemaController: {
      compilersFactory: {
        buildValidator: ((externalSchemas: unknown, options?: { customOptions?: object }) => {
          const coercing = ajvPool(externalSchemas, options)
          const strict = ajvPool(externalSchemas, { ...options, customOptions: { ...options?.customOptions, coerceTypes: false } })
          return (route: { httpPart?: string }) => route.httpPart === 'body' ? strict(route) : coercing(route)
        }) as never
      }
    },
    // Fastify's own two entries per request ("incoming request", "request completed") are
    // replaced by one line from the onResponse hook in buildApp.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // As long as the longest id a schema accepts (IdParams), so a long id is a 404, not a 414.
    routerOptions: { maxParamLength: 200 },
    // A URL the router cannot decode (400) or a path segment over maxParamLength (414).
    frameworkErrors: (err, req, reply) => {
      const statusCode = err.statusCode ?? 400
      req.log.debug({ code: err.code }, 'request refused by the router')
      reply.raw.once('finish', () => { closeUpgradeSocket(req.raw) })
      return (reply as unknown as FastifyReply).code(statusCode).send(errorBody(statusCode, clientErrorCode(statusCode, err.code), clip(err.message), { cause: err.code }))
    },
    // What Node's HTTP parser refuses never reaches Fastify (headers too large, a malformed
    // request line, a header timeout): answered here, in the same shape, before the socket closes.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Duplex) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return
      const statusCode = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
      const message = statusCode === 431 ? 'The request headers are too large' : statusCode === 408 ? 'The request took too long to arrive' : 'The request is not valid HTTP'
      writeRawError(socket, errorBody(statusCode, clientErrorCode(statusCode), message, err.code === undefined ? undefined : { cause: err.code }))
      socket.destroy()
    }
  }
}

/**
 * Node detaches an upgrade request's socket from HTTP (and pauses it): once it has been answered
 * over HTTP instead, nothing else would ever close it.
 */
function closeUpgradeSocket (raw: IncomingMessage) {
  if ((raw as IncomingMessage & { upgrade?: boolean }).upgrade === true) raw.socket.destroy()
}

/** Answers on a socket no Fastify reply owns (a refused HTTP parse or WebSocket handshake). */
function writeRawError (socket: Duplex, body: ErrorShape, headers: Record<string, string> = {}) {
  if (!socket.writable) return
  const text = JSON.stringify(body)
  const lines = Object.entries({ ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`).join('')
  socket.write(`HTTP/1.1 ${body.statusCode} ${STATUS_CODES[body.statusCode] ?? 'Error'}\r\n${lines}\r\n${text}`)
}

/** Whether a serialized payload already is an error body (the error and not-found handlers wrote it). */
function isErrorShape (payload: unknown): boolean {
  return typeof payload === 'string' && payload.startsWith('{"success":false,"statusCode":')
}

/** The code of each error answer, for its request's log line. */
const errorCodes = new WeakMap<FastifyRequest, string | undefined>()
const ERROR_CODE = /^\{"success":false,"statusCode":\d+,"code":"([A-Z0-9_]+)"/

/**
 * The one log line of a request: what an operator greps for (route pattern, status, time,
 * request id through req.log, user), at info whatever the status; a 5xx also has its
 * "request failed" entry with the stack from the error handler.
 */
function logRequest (req: FastifyRequest, reply: FastifyReply) {
  const code = errorCodes.get(req)
  const user = (req as { user?: Owner | null }).user
  req.log.info({
    method: req.method,
    route: req.routeOptions.url,
    url: req.url,
    statusCode: reply.statusCode,
    responseTime: Math.round(reply.elapsedTime * 10) / 10,
    ...(user == null ? {} : { userId: user.id }),
    ...(code === undefined ? {} : { code })
  }, 'request')
}

/**
 * Routes as patterns, so a path that exists for other methods answers 405 with Allow
 * instead of 404. Filled by onRoute; ":param" matches one segment, "*" the rest.
 */
class RouteTable {
  private readonly routes: { pattern: RegExp, methods: Set<string> }[] = []
  add (url: string, methods: string[]) {
    const source = url.split('/').map(part => part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('/')
    const known = this.routes.find(r => r.pattern.source === `^${source}/?$`)
    if (known !== undefined) { for (const m of methods) known.methods.add(m); return }
    this.routes.push({ pattern: new RegExp(`^${source}/?$`), methods: new Set(methods) })
  }

  /** The methods a path answers to (empty when no route matches it). */
  allowed (path: string): string[] {
    const methods = new Set<string>()
    for (const r of this.routes) if (r.pattern.test(path)) for (const m of r.methods) methods.add(m)
    return [...methods].sort()
  }
}

/** The route plugins, in one list shared by the app and the OpenAPI writer. */
export async function routes (app: FastifyInstance) {
  await app.register(healthRoutes)
  await app.register(engineRoutes)
  await app.register(keyRoutes)
  await app.register(workflowRoutes)
  await app.register(executionRoutes)
  await app.register(hookRoutes)
  await app.register(credentialRoutes)
  await app.register(executeRoutes)
  await app.register(agentRoutes)
  await app.register(integrationRoutes)
  await app.register(pluginRoutes)
  await app.register(learningRoutes)
  await app.register(notificationRoutes)
  await app.register(metricsRoutes)
}

/** Builds the whole app. The caller awaits ready() or listen() and owns close(). */
export function buildApp (config: Config, opts: AppOptions = {}) {
  const app = Fastify(fastifyOptions(config, opts)).withTypeProvider<TypeBoxTypeProvider>()
  // Every request answered 503 while the database is away would otherwise warn once each.
  const dbWarnings = new LogThrottle(app.log)

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { body, retryAfterSeconds, log } = describeError(err, req.id)
    if (log === 'warn') dbWarnings.warn({ reqId: req.id, err }, 'database unavailable')
    if (log === 'error') req.log.error({ err }, 'request failed')
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds))
    return reply.code(body.statusCode).send(body)
  })

  // Refused before any handler stores, looks up or walks it (a NUL in an id failed its query,
  // deeply nested params overflowed the stack, ?limit=Infinity reached the database: all were
  // 500s). After validation, so that coerced values are checked.
  app.addHook('preHandler', async (req) => {
    for (const [part, value] of [['params', req.params], ['querystring', req.query], ['body', req.body]] as const) {
      const found = findUnstorable(value, part)
      if (found !== undefined) throw Object.assign(new Invalid(`${found.path} ${found.message}`), { details: [found] })
    }
  })

  const routeTable = new RouteTable()
  const websocketRoutes = new Set<string>()
  app.addHook('onRoute', route => {
    routeTable.add(route.url, Array.isArray(route.method) ? route.method : [route.method])
    if ((route as { websocket?: boolean }).websocket === true) websocketRoutes.add(route.url)
  })
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/'
    const allowed = routeTable.allowed(path)
    if (allowed.length > 0) {
      return reply.code(405).header('allow', allowed.join(', '))
        .send(errorBody(405, 'R3SN_METHOD_NOT_ALLOWED', `Route ${req.method} ${clip(path)} not found; ${clip(path)} answers ${allowed.join(', ')}`))
    }
    return reply.code(404).send(errorBody(404, 'R3SN_ROUTE_NOT_FOUND', `Route ${req.method} ${clip(path)} not found`))
  })
  // An upgrade request answered over HTTP (refused by auth or the router before @fastify/websocket
  // took it) left Node's detached socket open for good: a leak per request, and close() hung on it.
  app.addHook('onResponse', async (req, reply) => {
    closeUpgradeSocket(req.raw)
    logRequest(req, reply)
  })
  // A last guard for answers that bypass both handlers (a plugin's bare reply.code(404).send(),
  // such as a plain GET on a WebSocket route): every error leaves in the one shape.
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400) return payload
    if (isErrorShape(payload)) { errorCodes.set(req, ERROR_CODE.exec(payload as string)?.[1]); return payload }
    reply.removeHeader('content-length')
    reply.type('application/json; charset=utf-8')
    const shaped = shapeBareError(req.routeOptions.url, req.method, reply, websocketRoutes)
    errorCodes.set(req, shaped.code)
    return JSON.stringify(shaped)
  })

  // The plugin graph, in order. Each engine names what it depends on, so a wrong order fails at boot.
  app.register(metrics)
  app.register(mongo, { config })
  app.register(apiKeys, { config })
  app.register(engineStatus)
  app.register(runEvents)
  app.register(notifications, { config })
  app.register(llm, { config })
  app.register(sandbox, { config })
  app.register(integrationHub, { config })
  app.register(pluginFactory, { config })
  app.register(agentEngine, { config })
  app.register(selfEvolving, { config })
  app.register(planner, { config })
  app.register(selfDebugging, { config })
  app.register(orchestrator, { config, faults: opts.faults })
  app.register(realtime, { config })
  app.after(() => { shapeWebSocketRefusals(app) })
  // Node hands CONNECT (a proxy tunnel) to a 'connect' listener, never to Fastify, and drops it without one.
  app.server.on('connect', (_req: unknown, socket: Duplex) => {
    writeRawError(socket, errorBody(405, 'R3SN_METHOD_NOT_ALLOWED', 'CONNECT is not supported: this is not a proxy'))
    socket.destroy()
  })
  app.register(openapi)
  app.register(routes)
  return app
}

/** The error body for an answer a plugin sent without one. */
function shapeBareError (url: string | undefined, method: string, reply: FastifyReply, websocketRoutes: Set<string>): ErrorShape {
  if (url !== undefined && websocketRoutes.has(url) && reply.statusCode === 404 && method === 'GET') {
    // @fastify/websocket answers a plain GET on its routes with an empty 404.
    reply.code(426).header('upgrade', 'websocket')
    return errorBody(426, 'R3SN_UPGRADE_REQUIRED', `${url} is a WebSocket endpoint: send an upgrade request (Connection: Upgrade, Upgrade: websocket)`)
  }
  return errorBody(reply.statusCode, reply.statusCode >= 500 ? 'R3SN_INTERNAL' : clientErrorCode(reply.statusCode), STATUS_CODES[reply.statusCode] ?? 'Error')
}

/**
 * The ws library refuses a bad handshake (a missing or malformed Sec-WebSocket-Key, an
 * unsupported version) by writing text/html to the socket; with a wsClientError listener
 * it leaves the answer to us.
 */
function shapeWebSocketRefusals (app: FastifyInstance) {
  if (!app.hasDecorator('websocketServer')) return
  app.websocketServer.on('wsClientError', (err: Error, socket: Duplex) => {
    const statusCode = /method/i.test(err.message) ? 405 : 400
    const headers: Record<string, string> = /Sec-WebSocket-Version/i.test(err.message) ? { 'sec-websocket-version': '13, 8' } : {}
    writeRawError(socket, errorBody(statusCode, statusCode === 405 ? 'R3SN_METHOD_NOT_ALLOWED' : 'R3SN_BAD_UPGRADE', `WebSocket handshake refused: ${err.message}`), headers)
    socket.destroy()
  })
}
