import t from 'tap'
import fc from 'fast-check'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { parse } from 'yaml'
import { startFakeLlm } from './fixtures/fake-llm.js'
import { build, caller, createUser, llmConfig, type Call } from './helper.js'
import { greet } from './fixtures/greet-plugin.js'

/**
 * Schema-driven fuzzing of every operation in openapi.yaml. Values are generated from the
 * request schemas, then broken (wrong types, missing and unknown fields, huge strings, deep
 * nesting, `$`/`.`/`__proto__` keys), sent with odd ids, query strings, content types, methods
 * and auth headers. Every answer must be below 500, and every 4xx in the one error shape.
 * A second user's data (alice) is snapshotted before and compared after: nothing the fuzzer
 * sends may change it.
 *
 * Reproduce a failure with the seed it prints: FUZZ_SEED=<seed> npm test -- test/fuzz.test.ts
 * (FUZZ_RUNS sets the number of requests per operation; the default keeps the file near a minute).
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 0x7fffffff))
const RUNS = Number(process.env.FUZZ_RUNS ?? 25)
/** Per request; a hang is a finding, not a reason to stall CI. */
const REQUEST_TIMEOUT_MS = 20_000

type Schema = Record<string, any>
interface Param { name: string, in: 'path' | 'query', required: boolean, schema: Schema }
interface Operation { method: string, path: string, operationId: string, params: Param[], body?: Schema, isPublic: boolean }

const spec = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, any>>, components: { schemas: Record<string, Schema> } }
const operations: Operation[] = Object.entries(spec.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({
  method: method.toUpperCase(),
  path,
  operationId: op.operationId as string,
  params: (op.parameters ?? []) as Param[],
  body: op.requestBody?.content?.['application/json']?.schema as Schema | undefined,
  isPublic: Array.isArray(op.security) && op.security.length === 0
})))

function resolve (schema: Schema): Schema {
  if (typeof schema.$ref !== 'string') return schema
  const target = spec.components.schemas[schema.$ref.replace('#/components/schemas/', '')]
  if (target === undefined) throw new Error(`unresolved ${schema.$ref as string}`)
  return resolve(target)
}

// ---- values a schema accepts ---------------------------------------------------------------

const safeKey = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,11}$/)
/** Free-form JSON (schemas without a type), with keys a store may choke on. */
const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>(tie => ({
  v: fc.oneof({ depthSize: 'small', maxDepth: 3 },
    fc.constantFrom(null, true, false, 0, -1, 1.5, '', 'x', '$where', 'a.b'),
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(safeKey, fc.constantFrom('$gt', 'a.b', '$', '.', 'constructor', 'toString', 'hasOwnProperty')), tie('v'), { maxKeys: 3 }))
})).v

/** A value the schema should accept (approximately: generation stays small and shallow). */
function valid (input: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(input)
  if (Array.isArray(schema.anyOf)) return fc.oneof(...(schema.anyOf as Schema[]).map(s => valid(s, depth)))
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]))
  if ('const' in schema) return fc.constant(schema.const)
  switch (schema.type) {
    case 'string': {
      if (typeof schema.pattern === 'string') {
        // fast-check cannot generate from a lookahead ("(?!...)"): generate without it, keep what the whole pattern accepts.
        const pattern = new RegExp(schema.pattern as string)
        return fc.stringMatching(new RegExp(pattern.source.replace(/\(\?[=!][^()]*(\([^()]*\)[^()]*)*\)/g, ''))).filter(s => pattern.test(s))
      }
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map(d => d.toISOString())
      const minLength = (schema.minLength as number | undefined) ?? 0
      return fc.string({ minLength, maxLength: Math.max(minLength, Math.min((schema.maxLength as number | undefined) ?? 30, 30)) })
    }
    case 'integer': return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 })
    case 'number': return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true })
    case 'boolean': return fc.boolean()
    case 'null': return fc.constant(null)
    case 'array': {
      const minLength = (schema.minItems as number | undefined) ?? 0
      return fc.array(valid(schema.items ?? {}, depth + 1), { minLength, maxLength: Math.max(minLength, Math.min((schema.maxItems as number | undefined) ?? 3, depth > 2 ? minLength : 3)) })
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>
      const required = new Set((schema.required ?? []) as string[])
      const keys = Object.keys(properties).filter(k => required.has(k) || depth < 4)
      const record = fc.record(Object.fromEntries(keys.map(k => [k, valid(properties[k] as Schema, depth + 1)])), { requiredKeys: keys.filter(k => required.has(k)) })
      const extra = schema.additionalProperties
      if (extra === undefined || extra === false) return record
      const minKeys = (schema.minProperties as number | undefined) ?? 0
      const values = extra === true ? anyJson : valid(extra as Schema, depth + 1)
      return fc.tuple(record, fc.dictionary(safeKey, values, { minKeys, maxKeys: Math.max(minKeys, Math.min((schema.maxProperties as number | undefined) ?? 3, 3)) }))
        .map(([known, rest]) => ({ ...rest, ...known }))
    }
    default: return anyJson
  }
}

// ---- ways to break a value -----------------------------------------------------------------

const HUGE = 'x'.repeat(200_000)
const ODD_STRINGS = ['', ' ', '\u0000', 'a\ud800b', '\udfff', '😀'.repeat(50), '<script>alert(1)</script>', '{{7*7}}', '${7*7}', '$where', 'a.b', '../../etc/passwd', 'Infinity', '-0', 'null', '\u202e', HUGE]
const WRONG_TYPES: unknown[] = [null, 0, -1, 1.5, 1e308, -1e308, true, 'x', [], [1, 'a'], {}, { a: 1 }]
const ODD_KEYS = ['__proto__', 'constructor', 'prototype', '$where', '$gt', '$set', 'a.b', '.', '$', '', 'toString', 'hasOwnProperty', 'valueOf', 'x'.repeat(1000), '😀', '\u0000']

/**
 * Deep nesting is written as text (JSON.stringify of thousands of levels overflows the stack):
 * a marker string stands in for it until the body is serialized.
 */
const DEEP_MARKER = /"\\u0001deep:(\d+):(array|object)\\u0001"/g
const deepMarker = (depth: number, shape: 'array' | 'object') => `\u0001deep:${depth}:${shape}\u0001`
function toJson (value: unknown): string {
  return JSON.stringify(value).replace(DEEP_MARKER, (_all, depth: string, shape: string) =>
    shape === 'array' ? `${'['.repeat(Number(depth))}1${']'.repeat(Number(depth))}` : `${'{"a":'.repeat(Number(depth))}1${'}'.repeat(Number(depth))}`)
}

type Mutation =
  | { kind: 'wrongType', at: number, value: unknown }
  | { kind: 'drop', at: number, pick: number }
  | { kind: 'extraKey', at: number, key: string, value: unknown }
  | { kind: 'oddString', at: number, value: string }
  | { kind: 'deep', at: number, depth: number, shape: 'array' | 'object' }
  | { kind: 'rootType', value: unknown }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('wrongType' as const), at: fc.nat(), value: fc.constantFrom(...WRONG_TYPES) }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), pick: fc.nat() }),
  fc.record({ kind: fc.constant('extraKey' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom(...ODD_KEYS), safeKey), value: fc.constantFrom<unknown>(1, 'x', null, { $gt: '' }, { polluted: true }) }),
  fc.record({ kind: fc.constant('oddString' as const), at: fc.nat(), value: fc.constantFrom(...ODD_STRINGS) }),
  fc.record({ kind: fc.constant('deep' as const), at: fc.nat(), depth: fc.constantFrom(40, 120, 1000, 5000), shape: fc.constantFrom('array' as const, 'object' as const) }),
  fc.record({ kind: fc.constant('rootType' as const), value: fc.constantFrom<unknown>(null, 1, 'x', [], [{}], true) })
)

/** Every container (object or array) inside a value, the value first. */
function containers (value: unknown, out: (Record<string, unknown> | unknown[])[] = []) {
  if (value === null || typeof value !== 'object') return out
  out.push(value as Record<string, unknown>)
  for (const child of Object.values(value)) containers(child, out)
  return out
}

/** Sets an own, enumerable property even for "__proto__", so JSON.stringify writes it. */
function setOwn (target: Record<string, unknown> | unknown[], key: string | number, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

function mutate (original: unknown, m: Mutation): unknown {
  if (m.kind === 'rootType') return m.value
  const value = structuredClone(original)
  const all = containers(value)
  const target = all[m.at % Math.max(all.length, 1)]
  if (target === undefined) return m.kind === 'extraKey' ? { [m.key]: m.value } : value
  const keys = Object.keys(target)
  const key = Array.isArray(target) ? keys.length > 0 ? Number(keys[m.at % keys.length]) : 0 : keys[m.at % Math.max(keys.length, 1)] ?? 'x'
  switch (m.kind) {
    case 'wrongType': setOwn(target, key, m.value); break
    case 'drop':
      if (Array.isArray(target)) target.splice(m.pick % Math.max(target.length, 1), 1)
      else if (keys.length > 0) delete target[keys[m.pick % keys.length] as string]
      break
    case 'extraKey':
      if (Array.isArray(target)) target.push({ [m.key]: m.value })
      else setOwn(target, m.key, m.value)
      break
    case 'oddString': setOwn(target, key, m.value); break
    case 'deep': setOwn(target, key, deepMarker(m.depth, m.shape)); break
  }
  return value
}

// ---- whole requests ------------------------------------------------------------------------

interface Ids { workflows: string[], executions: string[], credentials: string[], agents: string[], plugins: string[], keys: string[], hooks: string[] }
interface FuzzRequest { method: string, path: string, headers: Record<string, string>, body?: string, what: string }

const ODD_IDS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '..', '.', '%2e%2e', '%2F', '%00', '%20', '$where', '%24gt', 'a.b', '%7B%22%24gt%22%3A%22%22%7D', '%F0%9F%98%80', 'null', 'undefined', '0', '-1', '1e308', 'a'.repeat(200), 'a'.repeat(201), 'a'.repeat(4000)]
const INTEGRATIONS = ['core', 'http', 'json', 'text', 'webhook', 'email', 'slack']
const OVERSIZED = JSON.stringify({ name: 'x'.repeat(1_100_000) })
const GARBAGE_BODIES = ['{', '[', '{"a":', 'null', '""', '"text"', '[]', '1', 'true', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', '\u0000', 'ÿþ{', '<xml/>', 'a=1&b=2']
const CONTENT_TYPES = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'APPLICATION/JSON', 'application/json-patch+json', 'application/octet-stream', 'application/json, text/plain', '*/*']

function resourceOf (op: Operation): keyof Ids | 'integrations' | undefined {
  const match = /^\/api\/(workflows|executions|credentials|agents|plugins|keys|hooks|integrations)\//.exec(op.path)
  return match?.[1] as keyof Ids | 'integrations' | undefined
}

/** Path parameter values: the fuzzer's own ids (so requests get past the lookup), the victim's, and odd ones. */
function pathValue (op: Operation, param: Param, own: Ids, victim: Ids): fc.Arbitrary<string> {
  if (param.name === 'version') return fc.oneof(fc.constantFrom('1', '2', '0', '-1', '1.5', 'x', '99999999999999999999', '%20'), fc.nat({ max: 5 }).map(String))
  const resource = resourceOf(op)
  if (resource === 'integrations') return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...INTEGRATIONS) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_IDS) })
  const mine = resource === undefined ? [] : own[resource]
  const theirs = resource === undefined ? [] : victim[resource]
  return fc.oneof(
    { weight: mine.length > 0 ? 3 : 0, arbitrary: mine.length > 0 ? fc.constantFrom(...mine) : fc.constant('x') },
    { weight: theirs.length > 0 ? 2 : 0, arbitrary: theirs.length > 0 ? fc.constantFrom(...theirs) : fc.constant('x') },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_IDS) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent) }
  )
}

function queryValue (param: Param): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: valid(param.schema).map(v => typeof v === 'string' ? v : JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.constantFrom('', 'x', '-1', '0', '1.5', '1e400', 'Infinity', '-Infinity', 'NaN', 'true', '[]', '{}', '$where', '__proto__', 'a'.repeat(5000)) }
  )
}

function authHeader (key: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(`Bearer ${key}`) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '', 'Bearer', 'Bearer ', `bearer ${key}`, `Bearer  ${key}  `, `Basic ${Buffer.from('admin:admin').toString('base64')}`,
      `Bearer ${key}x`, `Bearer ${key.slice(0, -1)}`, `Token ${key}`, `Bearer ${key}, Bearer other`, `Bearer ${'a'.repeat(8000)}`, 'Bearer r3sn_\u00ff\u00fe', 'Bearer null', 'Bearer __proto__') }
  )
}

function requestFor (op: Operation, key: string, own: Ids, victim: Ids): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter(p => p.in === 'path')
  const queryParams = op.params.filter(p => p.in === 'query')
  const body: fc.Arbitrary<{ text?: string, what: string }> = op.body === undefined
    ? fc.oneof(
      { weight: 6, arbitrary: fc.constant({ what: 'no body' }) },
      { weight: 1, arbitrary: fc.constantFrom(...GARBAGE_BODIES).map(text => ({ text, what: 'garbage body' })) },
      { weight: 1, arbitrary: anyJson.map(v => ({ text: JSON.stringify(v), what: 'unexpected JSON body' })) })
    : fc.oneof(
      { weight: 2, arbitrary: valid(op.body).map(v => ({ text: JSON.stringify(v), what: 'schema-valid body' })) },
      { weight: 6, arbitrary: fc.tuple(valid(op.body), mutation).map(([v, m]) => ({ text: toJson(mutate(v, m)), what: `mutated body (${m.kind})` })) },
      { weight: 1, arbitrary: fc.constantFrom(...GARBAGE_BODIES).map(text => ({ text, what: 'garbage body' })) },
      { weight: 1, arbitrary: fc.constant({ text: OVERSIZED, what: 'oversized body' }) },
      { weight: 1, arbitrary: fc.constant({ what: 'no body' }) })
  const otherMethods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].filter(m => m !== op.method)
  return fc.record({
    method: fc.oneof({ weight: 12, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom(...otherMethods) }),
    path: fc.tuple(...pathParams.map(p => pathValue(op, p, own, victim))),
    query: fc.tuple(...queryParams.map(queryValue)),
    extraQuery: fc.option(fc.tuple(fc.constantFrom(...ODD_KEYS.filter(k => k !== '').map(encodeURIComponent), 'limit', 'since'), fc.constantFrom('1', 'x', '')), { freq: 4 }),
    body,
    contentType: fc.oneof({ weight: 10, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(undefined) }),
    auth: authHeader(key)
  }).map(r => {
    let path = op.path
    pathParams.forEach((p, i) => { path = path.replace(`{${p.name}}`, r.path[i] as string) })
    const query = queryParams.flatMap((p, i) => r.query[i] === undefined ? [] : [`${encodeURIComponent(p.name)}=${encodeURIComponent(r.query[i] as string)}`])
    if (r.extraQuery !== null) query.push(`${r.extraQuery[0]}=${encodeURIComponent(r.extraQuery[1])}`)
    const headers: Record<string, string> = {}
    if (r.auth !== undefined) headers.authorization = r.auth
    const sendsBody = r.body.text !== undefined && r.method !== 'GET'
    if (sendsBody && r.contentType !== undefined) headers['content-type'] = r.contentType
    return {
      method: r.method,
      path: query.length > 0 ? `${path}?${query.join('&')}` : path,
      headers,
      ...(sendsBody ? { body: r.body.text } : {}),
      what: `${r.body.what}, content-type ${headers['content-type'] ?? 'none'}, auth ${r.auth === `Bearer ${key}` ? 'valid' : JSON.stringify(r.auth?.slice(0, 40))}`
    }
  })
}

/** How a request is shown in a failure: enough to replay it with curl. */
function show (req: FuzzRequest) {
  const body = req.body === undefined ? '' : ` body(${req.body.length} chars)=${req.body.slice(0, 300)}`
  return `${req.method} ${req.path.slice(0, 300)} [${req.what}]${body}`
}

const R3SN_CODE = /^R3SN_[A-Z0-9_]+$/

/** Sends one request and checks the answer: no 5xx, every 4xx in the one error shape. Throws with the request and answer otherwise. */
async function check (baseUrl: string, req: FuzzRequest): Promise<number> {
  let res: Response
  try {
    res = await fetch(`${baseUrl}${req.path}`, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
  } catch (err) {
    throw new Error(`no answer (${(err as Error).message}; ${String((err as { cause?: unknown }).cause)}) to ${show(req)}`)
  }
  const text = await res.text()
  const fail = (why: string) => new Error(`${why}: ${show(req)} -> ${res.status} ${text.slice(0, 500)}`)
  if (res.status >= 500) throw fail('5xx')
  if (res.status < 400) return res.status
  let body: any
  try { body = JSON.parse(text) } catch { throw fail('a 4xx that is not JSON') }
  if (body === null || typeof body !== 'object' || body.success !== false) throw fail('a 4xx without success: false')
  if (body.statusCode !== res.status) throw fail('a 4xx whose statusCode is not the HTTP status')
  if (typeof body.code !== 'string' || !R3SN_CODE.test(body.code)) throw fail('a 4xx without an R3SN_* code')
  if (typeof body.error !== 'string' || typeof body.message !== 'string') throw fail('a 4xx without error and message')
  return res.status
}

// ---- the victim's data ---------------------------------------------------------------------

const greetPlugin = { name: 'Greeter', ...greet() }

/** One of everything a user can own, created through the API. */
async function seed (call: Call): Promise<Ids> {
  const must = async (method: string, path: string, body?: unknown) => {
    const res = await call(method, path, body)
    if (res.status >= 300) throw new Error(`seeding ${method} ${path} failed: ${res.status} ${res.text}`)
    return res.body
  }
  const workflow = (await must('POST', '/api/workflows', {
    name: 'seeded', description: 'kept as it is', trigger: { type: 'webhook' },
    steps: [{ id: 'double', type: 'transform', expression: '$trigger.n * 2' }]
  })).workflow
  const run = await must('POST', `/api/workflows/${workflow.id as string}/execute`, { triggerData: { n: 21 } })
  const credential = (await must('POST', '/api/credentials', { name: 'api', type: 'http', data: { token: 'tok_secret' } })).credential
  const agent = (await must('POST', '/api/agents', { name: 'helper', instructions: 'Help.', capabilities: [], tools: ['core.time'] })).agent
  const plugin = (await must('POST', '/api/plugins', greetPlugin)).plugin
  const keys = (await must('GET', '/api/keys')).keys as { id: string }[]
  return {
    workflows: [workflow.id], executions: [run.executionId], credentials: [credential.id], agents: [agent.id], plugins: [plugin.id],
    keys: keys.map(k => k.id), hooks: [workflow.hookId]
  }
}

/** Everything the user can read about their data. */
async function snapshot (call: Call, ids: Ids) {
  const read = async (path: string) => { const res = await call('GET', path); return { status: res.status, body: res.body } }
  const out: Record<string, unknown> = {}
  for (const path of ['/api/workflows', '/api/agents', '/api/credentials', '/api/plugins', '/api/executions', '/api/keys']) out[path] = await read(path)
  for (const id of ids.workflows) { out[`wf ${id}`] = await read(`/api/workflows/${id}`); out[`wf analytics ${id}`] = await read(`/api/workflows/${id}/analytics`) }
  for (const id of ids.executions) { out[`ex ${id}`] = await read(`/api/executions/${id}/status`); out[`ev ${id}`] = await read(`/api/executions/${id}/events`) }
  for (const id of ids.agents) out[`agent ${id}`] = await read(`/api/agents/${id}`)
  for (const id of ids.credentials) out[`cred ${id}`] = await read(`/api/credentials/${id}`)
  for (const id of ids.plugins) { out[`plugin ${id}`] = await read(`/api/plugins/${id}`); out[`versions ${id}`] = await read(`/api/plugins/${id}/versions`) }
  return out
}

// ---- the test ------------------------------------------------------------------------------

/** Requests that mutate come last, so the fuzzer's own ids stay useful for the rest. */
const ORDER = (op: Operation) => op.method === 'DELETE' ? 2 : /rotate|retry|cancel/.test(op.operationId) ? 1 : 0

t.test('schema-driven fuzz: no 5xx, every 4xx in the error shape, and another user\'s data unchanged', async t => {
  t.comment(`fuzz seed ${SEED} (${RUNS} requests per operation); reproduce with FUZZ_SEED=${SEED}`)
  // An LLM that always answers (plain text), so agent, prompt and plugin requests get past "no LLM configured".
  const fake = await startFakeLlm(t, { fallback: { content: 'Done.' } })
  const { baseUrl, adminKey } = await build(t, { ...llmConfig(fake), syncTimeoutMs: 3000, encryptionKey: randomBytes(32) })
  const alice = await createUser(baseUrl, adminKey, 'alice')
  const mallory = await createUser(baseUrl, adminKey, 'mallory')
  const asAlice = caller(baseUrl, alice.key)
  const victim = await seed(asAlice)
  const own = await seed(caller(baseUrl, mallory.key))
  // A hook id is the credential of its webhook (anyone who has it may start the workflow), so
  // the fuzzer does not get alice's.
  const victimIds = { ...victim, hooks: [] }
  const before = await snapshot(asAlice, victim)

  const statuses = new Map<number, number>()
  const ordered = [...operations].sort((a, b) => ORDER(a) - ORDER(b))
  t.equal(new Set(ordered.map(op => op.operationId)).size, operations.length, 'every operation has its own operationId')
  for (const [i, op] of ordered.entries()) {
    const result = await fc.check(fc.asyncProperty(requestFor(op, mallory.key, own, victimIds), async req => {
      const status = await check(baseUrl, req)
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }), { seed: SEED + i, numRuns: RUNS, endOnFailure: true })
    if (result.failed) {
      t.fail(`${op.operationId} (${op.method} ${op.path}): ${String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance)}\n  replay: FUZZ_SEED=${SEED} (operation seed ${SEED + i}, path ${result.counterexamplePath ?? ''})`)
    }
  }
  t.comment(`answers by status: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ')}`)

  t.same(await snapshot(asAlice, victim), before, 'alice\'s data is as it was')
})

t.test('a user\'s own invalid requests change nothing of theirs', async t => {
  t.comment(`fuzz seed ${SEED}`)
  const { baseUrl, adminKey } = await build(t, { syncTimeoutMs: 3000, encryptionKey: randomBytes(32) })
  const alice = await createUser(baseUrl, adminKey, 'alice')
  const asAlice = caller(baseUrl, alice.key)
  const ids = await seed(asAlice)
  const before = await snapshot(asAlice, ids)

  // Only requests that must be refused: a key that is not valid, or (with the valid key) a body
  // no schema accepts: unknown root field, a root of the wrong type, a required field missing,
  // broken JSON, a body over the limit, a media type no route takes.
  for (const [i, op] of operations.entries()) {
    if (op.path === '/health' || op.path === '/ready') continue
    const schema = op.body === undefined ? undefined : resolve(op.body)
    const strict = schema?.type === 'object' && schema.additionalProperties === false
    const required = (schema?.required ?? []) as string[]
    const refusals: fc.Arbitrary<{ auth?: string, contentType?: string, body?: string, what: string }>[] = [
      fc.constantFrom(undefined, 'Bearer', `Bearer ${alice.key}x`, `Basic ${alice.key}`, `Bearer ${alice.key.slice(0, -2)}`).map(auth => ({ auth, what: `auth ${JSON.stringify(auth)}` })),
      fc.constantFrom('{', '{"a":', '{"__proto__":{"x":1}}').map(body => ({ auth: `Bearer ${alice.key}`, body, contentType: 'application/json', what: 'broken JSON' })),
      fc.constant({ auth: `Bearer ${alice.key}`, body: OVERSIZED, contentType: 'application/json', what: 'oversized body' }),
      fc.constantFrom('application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x').map(contentType => ({ auth: `Bearer ${alice.key}`, body: 'a=1', contentType, what: `content-type ${contentType}` }))
    ]
    if (op.isPublic) refusals.splice(0, 1) // no key is needed there
    if (op.method === 'GET') refusals.splice(1) // a GET carries no body: only a bad key refuses it
    if (strict) {
      refusals.push(fc.tuple(valid(op.body as Schema), fc.constantFrom(...ODD_KEYS.filter(k => k !== ''))).map(([v, key]) => {
        setOwn(v as Record<string, unknown>, key, 1)
        return { auth: `Bearer ${alice.key}`, body: JSON.stringify(v), contentType: 'application/json', what: `unknown root field ${JSON.stringify(key)}` }
      }))
      refusals.push(fc.constantFrom<unknown>(null, 1, 'x', [], [{}]).map(v => ({ auth: `Bearer ${alice.key}`, body: JSON.stringify(v), contentType: 'application/json', what: 'root of a wrong type' })))
    }
    if (required.length > 0) {
      refusals.push(fc.tuple(valid(op.body as Schema), fc.constantFrom(...required)).map(([v, key]) => {
        delete (v as Record<string, unknown>)[key]
        return { auth: `Bearer ${alice.key}`, body: JSON.stringify(v), contentType: 'application/json', what: `missing ${key}` }
      }))
    }
    const pathParams = op.params.filter(p => p.in === 'path')
    const ownPath = fc.tuple(...pathParams.map(p => p.name === 'version' ? fc.constant('1') : resourceOf(op) === 'integrations' ? fc.constantFrom(...INTEGRATIONS) : fc.constantFrom(...(ids[resourceOf(op) as keyof Ids] ?? ['x']))))
    const result = await fc.check(fc.asyncProperty(ownPath, fc.oneof(...refusals), async (values, r) => {
      let path = op.path
      pathParams.forEach((p, k) => { path = path.replace(`{${p.name}}`, values[k] as string) })
      const headers: Record<string, string> = {}
      if (r.auth !== undefined) headers.authorization = r.auth
      if (r.contentType !== undefined) headers['content-type'] = r.contentType
      const req = { method: op.method, path, headers, ...(r.body === undefined || op.method === 'GET' ? {} : { body: r.body }), what: r.what }
      const status = await check(baseUrl, req)
      if (status < 400) throw new Error(`accepted (${status}) a request that must be refused: ${show(req)}`)
    }), { seed: SEED + i, numRuns: Math.max(6, Math.ceil(RUNS / 3)), endOnFailure: true })
    if (result.failed) t.fail(`${op.operationId}: ${String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance)} (FUZZ_SEED=${SEED})`)
  }
  t.same(await snapshot(asAlice, ids), before, 'nothing changed')
})

// ---- below HTTP: raw requests and WebSocket handshakes --------------------------------------

/** Sends bytes as they are; resolves with the status line, headers and body of the first answer. */
function rawExchange (baseUrl: string, request: string, head = false): Promise<{ status: number, head: string, body: string }> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request))
    let text = ''
    const done = () => {
      socket.destroy()
      const end = text.indexOf('\r\n\r\n')
      const head = end === -1 ? text : text.slice(0, end)
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? NaN)
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN)
      resolve({ status, head, body: end === -1 ? '' : text.slice(end + 4, Number.isNaN(length) ? undefined : end + 4 + length) })
    }
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no complete answer within 5 s; got ${JSON.stringify(text.slice(0, 300))}`)) }, 5_000)
    socket.on('data', chunk => {
      text += chunk.toString('latin1')
      // An interim answer (100 Continue) comes before the real one.
      while (/^HTTP\/1\.1 1(?!01)\d\d /.test(text) && text.includes('\r\n\r\n')) text = text.slice(text.indexOf('\r\n\r\n') + 4)
      const end = text.indexOf('\r\n\r\n')
      if (end === -1) return
      if (head || /^HTTP\/1\.1 101/.test(text)) { clearTimeout(timer); done(); return } // no body follows
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? NaN)
      if (!Number.isNaN(length) && text.length >= end + 4 + length) { clearTimeout(timer); done() }
    })
    socket.on('close', () => { clearTimeout(timer); if (text === '') reject(new Error('closed without an answer')); else done() })
    socket.on('error', () => {})
  })
}

const WS_KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const rawHeader = fc.oneof(
  fc.constantFrom('Connection: Upgrade', 'Connection: keep-alive, Upgrade', 'Connection: close', 'Upgrade: websocket', 'Upgrade: h2c', 'Upgrade: WebSocket', 'Upgrade: ',
    `Sec-WebSocket-Key: ${WS_KEY}`, 'Sec-WebSocket-Key: short', 'Sec-WebSocket-Key: ', `Sec-WebSocket-Key: ${'A'.repeat(300)}`,
    'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 8', 'Sec-WebSocket-Version: 99', 'Sec-WebSocket-Version: x',
    'Sec-WebSocket-Protocol: a, a', 'Sec-WebSocket-Protocol: ,', 'Sec-WebSocket-Extensions: permessage-deflate; x=1', 'Sec-WebSocket-Extensions: ;;',
    'Authorization: Bearer nope', 'Authorization: Basic x', 'Content-Length: -1', 'Content-Length: 1, 2', 'Transfer-Encoding: chunked',
    'Transfer-Encoding: gzip, chunked', 'Content-Type: application/json', 'Expect: 100-continue', 'Host: ', `X-Big: ${'a'.repeat(20_000)}`, 'Bad Header: x', 'X-Ctl: a\u0001b', 'X-Nul: \u0000')
)
/** Mostly a proper handshake with a few headers dropped or added, so that refusals near the valid one are reached. */
const rawHeaders = fc.oneof(
  fc.uniqueArray(rawHeader, { maxLength: 8 }),
  fc.tuple(fc.subarray(['Connection: Upgrade', 'Upgrade: websocket', `Sec-WebSocket-Key: ${WS_KEY}`, 'Sec-WebSocket-Version: 13'], { minLength: 2 }), fc.uniqueArray(rawHeader, { maxLength: 2 }))
    .map(([handshake, more]) => [...handshake, ...more])
)
const rawTarget = fc.constantFrom('/ws', '/ws', '/ws', '/ws?x=1', '/ws/', '/WS', '/api/workflows', '/api/nope', '/health', '/api/workflows/%E0%A4%A', `/api/workflows/${'a'.repeat(300)}`,
  'http://127.0.0.1/health', '*', '//api//workflows', '/api/workflows/..%2f..%2f', '/%00', '/\u00ff')
const rawMethod = fc.constantFrom('GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'PROPFIND', 'get', 'G=T')
const rawVersion = fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTX/1.1', '')

t.test('raw HTTP and WebSocket handshakes: every refusal in the error shape', async t => {
  t.comment(`fuzz seed ${SEED}`)
  const { baseUrl, adminKey } = await build(t)
  const statuses = new Map<number, number>()
  const result = await fc.check(fc.asyncProperty(rawMethod, rawTarget, rawVersion, rawHeaders, fc.boolean(), fc.constantFrom('', '{}', 'hello', '0\r\n\r\n', 'zz\r\n'),
    async (method, target, version, headers, withKey, body) => {
      // The body always arrives whole (a request that promises more bytes than it sends is rightly waited for).
      const chunked = headers.some(h => /^Transfer-Encoding: .*chunked/.test(h))
      const payload = chunked && body === '' ? '0\r\n\r\n' : body
      const length = chunked || headers.some(h => h.startsWith('Content-Length')) ? [] : [`Content-Length: ${payload.length}`]
      const lines = [`${method} ${target} ${version}`.trimEnd(), 'Host: 127.0.0.1', ...headers, ...length, ...(withKey ? [`Authorization: Bearer ${adminKey}`] : [])]
      const request = `${lines.join('\r\n')}\r\n\r\n${payload}`
      const what = JSON.stringify(request.slice(0, 400))
      const answer = await rawExchange(baseUrl, request, method === 'HEAD').catch((err: Error) => { throw new Error(`${err.message}: ${what}`) })
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
      if (Number.isNaN(answer.status)) throw new Error(`no HTTP answer to ${what}: ${JSON.stringify(answer.head.slice(0, 200))}`)
      if (answer.status >= 500) throw new Error(`5xx to ${what}: ${answer.head} ${answer.body.slice(0, 300)}`)
      if (answer.status < 400 || method === 'HEAD') return
      let parsed: any
      try { parsed = JSON.parse(answer.body) } catch { throw new Error(`a ${answer.status} that is not JSON to ${what}: ${JSON.stringify(answer.body.slice(0, 200))}`) }
      if (parsed?.success !== false || parsed.statusCode !== answer.status || !R3SN_CODE.test(String(parsed.code)) || typeof parsed.message !== 'string') {
        throw new Error(`a ${answer.status} outside the error shape to ${what}: ${answer.body.slice(0, 300)}`)
      }
    }), { seed: SEED, numRuns: RUNS * 8, endOnFailure: true })
  if (result.failed) t.fail(`${String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance)} (FUZZ_SEED=${SEED})`)
  else t.pass(`${result.numRuns} raw requests: no 5xx, every refusal in the error shape`)
  t.comment(`answers by status: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ')}`)
})
