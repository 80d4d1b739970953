import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import pkg from '../package.json' with { type: 'json' }
import { sharedSchemas } from '../schemas/index.js'
import { ErrorBody, ref } from '../schemas/common.js'

/** OpenAPI describes no message protocol: the realtime transports are told in prose (the README has the details). */
const REALTIME = [
  '## Realtime: WebSocket and Socket.IO',
  'The same events on two transports, on this port: raw JSON frames `{event, data, id?}` on `/ws` (a reply echoes `id`), ' +
    'and Socket.IO at `/socket.io/` (`io(baseUrl)`; a request sent with an acknowledgement gets its reply `{event, data}` through it). ' +
    'Authenticate with the `auth {token, userId?}` event, or at the handshake (`Authorization: Bearer`, or Socket.IO\'s `auth: {token}`).',
  '- Client events: `auth`, `ping`, `execution:subscribe {executionId, since?}` or a bare execution id, `execution:subscribe {all: true, since?}` ' +
    '(every run of the user), `execution:unsubscribe`, `workflow:execute {workflowId, triggerData?}`, `prompt:execute {prompt, context?}`, ' +
    '`agent:create` (an AgentDefinition), `plugin:generate` (a GeneratePluginRequest).',
  '- Server events: `auth:ok`, `pong`, `error {code, message, event, details?}`, `execution:subscribed`, `execution:unsubscribed`, ' +
    '`execution:event` (an ExecutionEvent), `workflow:progress`, `workflow:completed`, `workflow:failed`, `prompt:progress`, ' +
    '`prompt:completed`, `prompt:failed`, `agent:created {agent}`, `plugin:progress`, `plugin:generated`, `notification` (a Notification).',
  'Payloads are checked with the same schemas and answered with the same `R3SN_*` codes as the HTTP routes.'
].join('\n')

/**
 * Shared schemas, the OpenAPI 3.1 document, Swagger UI at /docs and the spec at
 * /openapi.json and /openapi.yaml. Registered both by the app and by
 * scripts/openapi.ts (without a database), so the committed spec is what the app serves.
 */
async function openapi (app: FastifyInstance) {
  for (const schema of sharedSchemas) app.addSchema(schema)

  // One place documents auth: routes not marked public need a key and may answer 401;
  // every route may answer 500. Both in the one error shape.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, public: true }
    if (route.schema === undefined || route.schema.hide === true) return
    const isPublic = route.config?.public === true
    route.schema.response = { ...(isPublic ? {} : { 401: ref(ErrorBody) }), 500: ref(ErrorBody), ...(route.schema.response as object) }
    if (isPublic) route.schema.security = []
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'R3SN API',
        version: pkg.version,
        description: 'Self-hostable backend for AI-driven automation. Every error has the ErrorBody shape. ' +
          'Authenticate with `Authorization: Bearer <api key>`.\n\n' + REALTIME
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An R3SN API key.' } }
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'engines', description: 'Engine status' },
        { name: 'keys', description: 'API keys' },
        { name: 'workflows', description: 'Workflow definitions, runs and analytics' },
        { name: 'executions', description: 'Executions and their durable event logs' },
        { name: 'hooks', description: 'Webhook triggers (no API key: the hook id is the secret)' },
        { name: 'notifications', description: 'What happened to your runs, plugins, keys and schedules; also sent live as the `notification` event (WebSocket and Socket.IO)' }
      ]
    },
    refResolver: {
      // Component names are the schemas' $id, so generated clients get stable type names.
      buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}`
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger())
  app.get('/openapi.yaml', { schema: { hide: true }, config: { public: true } }, async (_req, reply) =>
    reply.type('application/yaml; charset=utf-8').send(app.swagger({ yaml: true })))
}

export default fp(openapi, { name: 'openapi' })
