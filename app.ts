import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { AjvCompiler } from '@fastify/ajv-compiler'
import { describeError, errorBody } from './lib/errors.js'
import type { Config } from './config.js'
import db from './plugins/db.js'
import auth from './plugins/auth.js'
import engines from './plugins/engines.js'
import runEvents from './plugins/run-events.js'
import openapi from './plugins/openapi.js'
import healthRoutes from './routes/health.js'
import engineRoutes from './routes/engines.js'
import keyRoutes from './routes/keys.js'
import workflowRoutes from './routes/workflows.js'
import executionRoutes from './routes/executions.js'
import hookRoutes from './routes/hooks.js'
import credentialRoutes from './routes/credentials.js'
import integrationHub from './engines/integration-hub.js'
import orchestrator from './engines/orchestrator.js'
import type { WriteFaults } from './engines/runtime/store.js'
import agentEngine from './engines/agent-engine.js'
import universalExecutor from './engines/universal-executor.js'
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
import realtime from './plugins/realtime.js'

export interface AppOptions {
  /** Pretty logs for a person at a terminal (server.ts decides; tests never). */
  prettyLogs?: boolean
  /** Where logs go instead of stdout (tests read them to prove secrets are redacted). */
  logStream?: { write (line: string): void }
  /** Tests only: called before each write of the run lifecycle; throwing makes that write fail. */
  faults?: WriteFaults
}

/** What @fastify/ajv-compiler's pool really is (its published types describe another signature). */
type ValidatorPool = (externalSchemas: unknown, options?: { customOptions?: object }) => (route: { httpPart?: string }) => unknown
const ajvPool = AjvCompiler() as unknown as ValidatorPool

export function fastifyOptions (config: Config, opts: AppOptions = {}): FastifyServerOptions {
  return {
    logger: {
      level: config.logLevel,
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', '*.secret', '*.apiKey', '*.adminKey', '*.password', '*.token'],
        censor: '[redacted]'
      },
      ...(opts.prettyLogs === true ? { transport: { target: 'pino-pretty' } } : {}),
      ...(opts.logStream === undefined ? {} : { stream: opts.logStream })
    },
    // Unknown fields are refused with a 400 rather than dropped silently.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
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
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true
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
}

/** Builds the whole app. The caller awaits ready() or listen() and owns close(). */
export function buildApp (config: Config, opts: AppOptions = {}) {
  const app = Fastify(fastifyOptions(config, opts)).withTypeProvider<TypeBoxTypeProvider>()

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation !== undefined) {
      const details = err.validation.map(v => ({ path: `${err.validationContext ?? ''}${v.instancePath}`, message: v.message ?? 'is invalid' }))
      return reply.code(400).send(errorBody(400, 'R3SN_VALIDATION', err.message, details))
    }
    const { body, retryAfterSeconds, log } = describeError(err, req.id)
    if (log === 'warn') req.log.warn({ err }, 'database unavailable')
    if (log === 'error') req.log.error({ err }, 'request failed')
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds))
    return reply.code(body.statusCode).send(body)
  })
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(errorBody(404, 'R3SN_ROUTE_NOT_FOUND', `Route ${req.method} ${req.url.split('?')[0]} not found`)))

  // The plugin graph, in order. Each engine names what it depends on, so a wrong order fails at boot.
  app.register(db, { config })
  app.register(auth, { config })
  app.register(engines)
  app.register(runEvents)
  app.register(llm, { config })
  app.register(sandbox, { config })
  app.register(integrationHub, { config })
  app.register(pluginFactory, { config })
  app.register(agentEngine, { config })
  app.register(selfEvolving, { config })
  app.register(universalExecutor, { config })
  app.register(selfDebugging, { config })
  app.register(orchestrator, { config, faults: opts.faults })
  app.register(realtime, { config })
  app.register(openapi)
  app.register(routes)
  return app
}
