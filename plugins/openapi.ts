import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import pkg from '../package.json' with { type: 'json' }
import { STATUS_CODES } from 'node:http'
import { sharedSchemas } from '../schemas/index.js'
import { ErrorBody, ref } from '../schemas/common.js'
import { ERROR_RESPONSES } from '../schemas/errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false for a route that never touches the database, so it cannot answer 503 (the spec says so). */
    usesDatabase?: boolean
  }
}

/** OpenAPI describes no message protocol: the realtime transports are told in prose (the README has the details). */
const REALTIME = [
  '## Realtime: WebSocket and Socket.IO',
  'The same events on two transports, on this port: raw JSON frames `{event, data, id?}` on `/ws` (a reply echoes `id`), ' +
    'and Socket.IO at `/socket.io/` (`io(baseUrl)`; a request sent with an acknowledgement gets its reply `{event, data}` through it). ' +
    'Authenticate with the `auth {token, userId?}` event, or at the handshake (`Authorization: Bearer`, or Socket.IO\'s `auth: {token}`).',
  '- Client events: `auth`, `ping`, `execution:subscribe {executionId, since?}` or a bare execution id, `execution:subscribe {all: true, since?}` ' +
    '(every run of the user), `execution:unsubscribe`, `workflow:execute {workflowId, triggerData?}`, `prompt:execute {prompt, context?}`, ' +
    '`agent:create` (an AgentDefinition), `plugin:generate` (a GeneratePluginRequest), `approval:decide {executionId, stepId, decision, comment?}`.',
  '- Server events: `auth:ok`, `pong`, `error {code, message, event, details?}`, `execution:subscribed`, `execution:unsubscribed`, ' +
    '`execution:event` (an ExecutionEvent), `workflow:progress`, `workflow:completed`, `workflow:failed`, `prompt:progress`, ' +
    '`prompt:completed`, `prompt:failed`, `agent:created {agent}`, `plugin:progress`, `plugin:generated`, `approval:decided`, `notification` (a Notification).',
  'Payloads are checked with the same schemas and answered with the same `R3SN_*` codes as the HTTP routes.'
].join('\n')

/**
 * Shared schemas, the OpenAPI 3.1 document, Swagger UI at /docs and the spec at
 * /openapi.json and /openapi.yaml. Registered both by the app and by
 * scripts/openapi.ts (without a database), so the committed spec is what the app serves.
 */
async function openapi (app: FastifyInstance) {
  for (const schema of sharedSchemas) app.addSchema(schema)

  // One place documents the errors any route may answer: 401 where a key is needed, 400 where
  // there is input to check, 413 where there is a body, 503 where the database is asked (auth
  // included), 500 everywhere. Routes list only the errors of their own.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, public: true }
    if (route.schema === undefined || route.schema.hide === true) return
    const isPublic = route.config?.public === true
    const { body, params, querystring } = route.schema
    route.schema.response = {
      ...(body !== undefined || params !== undefined || querystring !== undefined ? { 400: ref(ErrorBody) } : {}),
      ...(isPublic ? {} : { 401: ref(ErrorBody) }),
      ...(body !== undefined ? { 413: ref(ErrorBody) } : {}),
      500: ref(ErrorBody),
      ...(route.config?.usesDatabase === false ? {} : { 503: ref(ErrorBody) }),
      ...(route.schema.response as object)
    }
    if (isPublic) route.schema.security = []
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'R3SN API',
        version: pkg.version,
        description: INTRO + '\n\n' + REALTIME
      },
      // Relative, so the spec is the same wherever the app listens, and Swagger UI calls the instance that serves it.
      servers: [{ url: '/', description: 'This instance (the host that serves this document)' }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An R3SN API key: the admin key printed at first start (or R3SN_ADMIN_KEY), or one made with POST /api/keys or `npm run key`.' } },
        responses: errorResponses() as never
      },
      security: [{ bearerAuth: [] }],
      tags: TAGS
    },
    refResolver: {
      // Component names are the schemas' $id, so generated clients get stable type names.
      buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}`
    },
    transformObject: (documentObject) => documentOperations((documentObject as { openapiObject: unknown }).openapiObject as OpenApiDocument) as never
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger())
  app.get('/openapi.yaml', { schema: { hide: true }, config: { public: true } }, async (_req, reply) =>
    reply.type('application/yaml; charset=utf-8').send(app.swagger({ yaml: true })))
}

/** Tags in the order Swagger UI shows them; every tag a route uses is declared here (a test checks). */
const TAGS = [
  { name: 'execute', description: 'Run a prompt: it is planned (by the LLM, or by the offline planner without one) and the plan runs as a durable execution' },
  { name: 'workflows', description: 'Workflow definitions (versioned), runs, webhook ids and analytics' },
  { name: 'executions', description: 'Executions of every kind: status, durable event logs, cancel and retry' },
  { name: 'agents', description: 'LLM agents with tools, limits and memory; running one needs an LLM' },
  { name: 'integrations', description: 'The built-in connectors (HTTP, webhook, email, Slack, core utilities) and their actions' },
  { name: 'credentials', description: 'Secrets for integrations and plugins, encrypted at rest; values are never returned' },
  { name: 'plugins', description: 'Plugins that run in the QuickJS sandbox: written by a person or generated by the LLM, versioned, self-tested' },
  { name: 'hooks', description: 'Webhook triggers (no API key: the hook id is the secret)' },
  { name: 'notifications', description: 'What happened to your runs, plugins, keys and schedules; also sent live as the `notification` event (WebSocket and Socket.IO)' },
  { name: 'keys', description: 'API keys: create (the secret is shown once), list and revoke' },
  { name: 'engines', description: 'Engine status and what the self-evolving engine learned' },
  { name: 'metrics', description: 'Prometheus metrics of an instance, for operators (admin key)' },
  { name: 'health', description: 'Liveness and readiness, without a key' }
]

const INTRO = [
  'Self-hostable backend for AI-driven automation. Authenticate with `Authorization: Bearer <api key>` (Swagger UI: Authorize).',
  '',
  'Every request body below comes with an example that works as it is on a fresh instance: "Try it out", then "Execute". ' +
    'Operations that need an LLM (agents, plugin generation) answer 503 until OPENAI_API_KEY is set (prompts run without one, through the offline planner), and credentials until R3SN_ENCRYPTION_KEY is.',
  '',
  'Every error has the ErrorBody shape `{success: false, statusCode, code, error, message, details?}`; `code` is one of the `R3SN_*` codes listed with ErrorBody. ' +
    '503 answers carry `Retry-After` (seconds). Runs are durable: a sync request that waits longer than its timeoutMs answers 202 with the executionId, and the run goes on.',
  '',
  'Headers: R3SN accepts no Idempotency-Key; it sends one (`executionId:stepId:attempt`) on every outgoing call of a step (http.request, webhook.send), so a retried step can be told from a new one.'
].join('\n')

/** components.responses: one per error status, each with its own description and example. */
function errorResponses () {
  return Object.fromEntries(Object.entries(ERROR_RESPONSES).map(([status, r]) => [r.name, {
    description: r.description,
    ...(status === '429' || status === '503'
      ? { headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } } } }
      : {}),
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/ErrorBody' },
        example: { success: false, statusCode: Number(status), code: r.code, error: STATUS_CODES[Number(status)], message: r.message }
      }
    }
  }]))
}

interface Media { schema?: { $ref?: string }, example?: unknown }
interface Operation { requestBody?: { content?: Record<string, Media> }, responses: Record<string, { $ref?: string, content?: Record<string, Media> }> }
interface OpenApiDocument { paths: Record<string, Record<string, Operation>>, components: { schemas: Record<string, { examples?: unknown[] }> } }

/**
 * The last touches @fastify/swagger cannot make from route schemas: each error response points
 * at its shared description (components.responses), and a request body or 2xx answer whose
 * schema has examples shows the first as the media example, which Swagger UI pre-fills.
 */
function documentOperations (doc: OpenApiDocument): OpenApiDocument {
  const exampleOf = (media: Media) => {
    if (media.example !== undefined || media.schema?.$ref === undefined) return
    const example = doc.components.schemas[media.schema.$ref.replace('#/components/schemas/', '')]?.examples?.[0]
    // A copy: a shared object would be written as a YAML alias (*a1), which some tools do not read.
    if (example !== undefined) media.example = structuredClone(example)
  }
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const media of Object.values(op.requestBody?.content ?? {})) exampleOf(media)
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) {
          for (const media of Object.values(response.content ?? {})) exampleOf(media)
          continue
        }
        const shared = ERROR_RESPONSES[Number(status)]
        if (shared === undefined) throw new Error(`${method.toUpperCase()} ${path} lists ${status}, which schemas/errors.ts ERROR_RESPONSES does not describe`)
        op.responses[status] = { $ref: `#/components/responses/${shared.name}` }
      }
    }
  }
  return doc
}

export default fp(openapi, { name: 'openapi' })
