import t from 'tap'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { build, caller, eventually } from './helper.js'
import { EnvSchema } from '../config.js'
import { jsonValidator } from '../lib/validation.js'
import { sharedSchemas } from '../schemas/index.js'
import { ErrorBody } from '../schemas/common.js'
import { ERROR_CODES } from '../schemas/errors.js'

// The spec reads as documentation: what a person in Swagger UI and a client generator see.

const root = resolve(fileURLToPath(import.meta.url), '../..')

interface Media { schema?: { $ref?: string }, example?: unknown }
interface Parameter { name: string, in: string, example?: unknown }
interface Response { $ref?: string, description?: string, headers?: Record<string, unknown>, content?: Record<string, Media> }
interface Operation {
  operationId: string, summary?: string, description?: string, tags?: string[], security?: unknown[],
  parameters?: Parameter[], requestBody?: { content: Record<string, Media> }, responses: Record<string, Response>
}
const spec = parse(readFileSync(join(root, 'openapi.yaml'), 'utf8')) as {
  tags?: { name: string, description?: string }[]
  servers?: { url: string }[]
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }>, responses: Record<string, Response> }
}
const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path, name: `${method.toUpperCase()} ${path}` })))

t.test('every operation has a summary and a description', async t => {
  for (const op of operations) {
    t.ok(op.summary, `${op.name} has a summary`)
    t.ok(op.description, `${op.name} has a description`)
  }
})

t.test('every request body has an example, and so do the main answers', async t => {
  for (const op of operations) {
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
      t.not(media.example, undefined, `${op.name} has an example ${type} body (Swagger UI pre-fills it)`)
    }
  }
  // The answers a first user reads: a created or ended run.
  for (const [path, status] of [['/api/execute', '200'], ['/api/workflows', '201'], ['/api/workflows/{id}/execute', '200'], ['/api/plugins', '201']] as const) {
    t.not(spec.paths[path]?.post?.responses[status]?.content?.['application/json']?.example, undefined, `POST ${path} ${status} has an example`)
  }
})

t.test('every example matches its schema, as the app validates', async t => {
  const compile = jsonValidator(sharedSchemas)
  for (const schema of sharedSchemas as { $id: string, examples?: unknown[] }[]) {
    for (const example of schema.examples ?? []) {
      const check = compile(schema as never)
      t.ok(check(structuredClone(example)), `the example of ${schema.$id} is valid: ${JSON.stringify(check.errors)}`)
    }
  }
  const checkError = compile(ErrorBody)
  for (const [name, response] of Object.entries(spec.components.responses)) {
    t.ok(checkError(response.content?.['application/json']?.example), `the example of ${name} is an ErrorBody: ${JSON.stringify(checkError.errors)}`)
  }
})

t.test('errors are described once per status, and referenced', async t => {
  const descriptions = new Map<string, string>()
  for (const op of operations) {
    for (const [status, response] of Object.entries(op.responses)) {
      t.not(response.description, 'Default Response', `${op.name} ${status} is described`)
      if (Number(status) < 400) continue
      const name = response.$ref?.replace('#/components/responses/', '')
      t.ok(name !== undefined && spec.components.responses[name] !== undefined, `${op.name} ${status} refers to components.responses (${response.$ref ?? 'inline'})`)
      const shared = spec.components.responses[name ?? '']
      const statusOf = (shared?.content?.['application/json']?.example as { statusCode?: number } | undefined)?.statusCode
      t.equal(String(statusOf), status, `${op.name} ${status} refers to the ${status} response`)
    }
  }
  for (const [name, response] of Object.entries(spec.components.responses)) {
    const status = String((response.content?.['application/json']?.example as { statusCode: number }).statusCode)
    t.ok(response.description !== undefined && response.description.length > 20, `${name} says what it means`)
    t.notOk([...descriptions.values()].includes(response.description as string), `${name}'s description is its own`)
    descriptions.set(status, response.description as string)
    if (status === '429' || status === '503') t.ok(response.headers?.['Retry-After'], `${name} documents Retry-After`)
  }
  for (const status of ['400', '401', '403', '404', '409', '413', '429', '500', '503']) t.ok(descriptions.has(status), `${status} is described`)
})

t.test('503 on every route that asks the database; 401 on every route that needs a key', async t => {
  for (const op of operations) {
    if (op.path !== '/health') t.ok(op.responses['503'], `${op.name} documents 503`)
    if (op.security === undefined) t.ok(op.responses['401'], `${op.name} documents 401`)
    if (op.requestBody !== undefined) t.ok(op.responses['413'] && op.responses['400'], `${op.name} documents 400 and 413`)
  }
})

t.test('every tag used is declared with a description; servers are given', async t => {
  const declared = new Map((spec.tags ?? []).map(tag => [tag.name, tag.description]))
  for (const op of operations) {
    for (const tag of op.tags ?? []) t.ok(declared.get(tag), `${op.name}: tag ${tag} is declared with a description`)
  }
  t.ok(spec.servers?.length, 'servers are listed')
})

/** Every file of the service (not tests, scripts or benchmarks). */
function sourceFiles (dir = root, top = true): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return top && !['lib', 'plugins', 'engines', 'commands', 'transports', 'routes', 'schemas'].includes(name) ? [] : sourceFiles(path, false)
    return name.endsWith('.ts') ? [path] : []
  })
}

t.test('ErrorBody.code lists every R3SN_* code the source answers with', async t => {
  const listed = new Set(spec.components.schemas.ErrorBody?.properties?.code?.enum ?? [])
  t.same([...listed].sort(), Object.keys(ERROR_CODES).sort(), 'the spec\'s enum is the catalogue in schemas/errors.ts')
  // Environment variable names look the same; a literal ending in _ is a prefix (startsWith).
  const envNames = new Set(Object.keys(EnvSchema.properties))
  const used = new Map<string, string>()
  for (const file of sourceFiles()) {
    for (const [, code] of readFileSync(file, 'utf8').matchAll(/['"`](R3SN_[A-Z0-9_]*[A-Z0-9])['"`]/g)) {
      if (!envNames.has(code as string)) used.set(code as string, file.slice(root.length + 1))
    }
  }
  t.ok(used.size > 30, `found the codes in the source (${used.size})`)
  for (const [code, file] of used) t.ok(listed.has(code), `${code} (${file}) is in schemas/errors.ts ERROR_CODES`)
})

t.test('the examples work as they are, as Swagger UI sends them, on a fresh instance without an LLM', async t => {
  // Credentials need an encryption key (503 without one, as their description says): this instance has one.
  const { baseUrl, adminKey } = await build(t, { encryptionKey: randomBytes(32) })
  const needLlm = new Set(['executeAgent', 'executeAgentPrompt', 'generatePlugin'])
  // Ids for path parameters: what the create examples made (Swagger UI asks a person for them).
  const ids: Record<string, string> = {}
  // Signals and decisions need a run that waits for them, as a person trying them would have.
  const admin = caller(baseUrl, adminKey)
  const waiting = async (step: object) => {
    const workflow = (await admin('POST', '/api/workflows', { name: 'waits', steps: [step] })).body.workflow.id as string
    const run = (await admin('POST', `/api/workflows/${workflow}/execute`, { mode: 'async' })).body.executionId as string
    await eventually(async () => (await admin('GET', `/api/executions/${run}/status`)).body.execution.status === 'waiting' ? true : undefined, 30_000, 'the run to wait')
    return run
  }
  ids.signalled = await waiting({ id: 'wait', type: 'wait', signal: 'approved' })
  ids.decided = await waiting({ id: 'review', type: 'approval' })
  // A replay needs an ended run that reached the example's step (log).
  const replayable = (await admin('POST', '/api/workflows', { name: 'replayable', steps: [
    { id: 'greeting', type: 'transform', expression: '"Hello"' },
    { id: 'log', type: 'integration', action: 'core.log', input: { message: '=steps.greeting.output' } }
  ] })).body.workflow.id as string
  ids.replayed = (await admin('POST', `/api/workflows/${replayable}/execute`, {})).body.executionId as string
  const idOf = (op: typeof operations[number]) => op.path.includes('/signals/')
    ? ids.signalled
    : op.path.includes('/approvals/') ? ids.decided : op.path.endsWith('/replay') ? ids.replayed : ({ workflows: ids.workflow, plugins: ids.plugin, credentials: ids.credential, agents: ids.agent } as Record<string, string | undefined>)[op.tags?.[0] ?? '']
  const send = async (op: typeof operations[number], body: unknown) => {
    let missing = false
    const path = op.path.replace(/\{(\w+)\}/g, (_all, name: string) => {
      const param = op.parameters?.find(p => p.in === 'path' && p.name === name)
      const value = param?.example ?? (name === 'hookId' ? ids.hook : name === 'id' ? idOf(op) : undefined)
      if (value === undefined) missing = true
      return encodeURIComponent(String(value))
    })
    if (missing) return undefined
    const res = await fetch(`${baseUrl}${path}`, { method: op.method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return { status: res.status, body: await res.json() as Record<string, any> }
  }
  // Creates first (their answers give the ids the others need), in the spec's order.
  const withBody = operations.filter(op => op.requestBody !== undefined)
  const ordered = [...withBody.filter(op => !op.path.includes('{')), ...withBody.filter(op => op.path.includes('{'))]
  const tried = new Set<string>()
  for (const op of ordered) {
    const example = op.requestBody?.content['application/json']?.example
    const answer = await send(op, example)
    if (answer === undefined) continue
    tried.add(op.operationId)
    if (needLlm.has(op.operationId)) {
      t.equal(answer.status, 503, `${op.operationId} needs an LLM and says so: ${JSON.stringify(answer.body)}`)
      continue
    }
    t.ok(answer.status >= 200 && answer.status < 300, `${op.operationId} with its example answers 2xx: ${answer.status} ${JSON.stringify(answer.body)}`)
    if (answer.status === 200 && 'status' in answer.body) t.equal(answer.body.status, 'completed', `${op.operationId}'s run completed`)
    ids.workflow ??= answer.body.workflow?.id
    ids.plugin ??= answer.body.plugin?.id
    ids.credential ??= answer.body.credential?.id
    ids.agent ??= answer.body.agent?.id
    if (op.operationId === 'createWorkflow') {
      // The same example with a webhook trigger, for the hook's example.
      const hooked = await send(op, { ...(example as object), trigger: { type: 'webhook' } })
      ids.hook = hooked?.body.workflow?.hookId
    }
  }
  for (const op of withBody) t.ok(tried.has(op.operationId), `${op.operationId} was tried`)
})
