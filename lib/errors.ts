import { STATUS_CODES } from 'node:http'
import { MongoError, MongoNetworkError, MongoServerError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb'
import createError from '@fastify/error'

// Domain errors: thrown anywhere, shaped once by the error handler in app.ts (describeError below).
export const NotFound = createError<[string]>('R3SN_NOT_FOUND', '%s not found', 404)
export const Unauthorized = createError<[string]>('R3SN_UNAUTHORIZED', '%s', 401)
export const Forbidden = createError<[string]>('R3SN_FORBIDDEN', '%s', 403)
export const BadRequest = createError<[string]>('R3SN_BAD_REQUEST', '%s', 400)
/** A request that is well-formed but asks for more than allowed; `details` names the field as schema errors do. */
export const Invalid = createError<[string]>('R3SN_VALIDATION', '%s', 400)
export const Conflict = createError<[string]>('R3SN_CONFLICT', '%s', 409)
export const Unprocessable = createError<[string]>('R3SN_UNPROCESSABLE', '%s', 422)
export const Unavailable = createError<[string]>('R3SN_UNAVAILABLE', '%s', 503)

/** The one error shape of every HTTP answer and WebSocket error frame. */
export interface ErrorShape {
  success: false
  statusCode: number
  code: string
  error: string
  message: string
  details?: unknown
}

export function errorBody (statusCode: number, code: string, message: string, details?: unknown): ErrorShape {
  return { success: false, statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(details === undefined ? {} : { details }) }
}

/** Server error codes that mean "try again": the server is stepping down, shutting down, overloaded or timed out. */
const TRANSIENT_CODES = new Set([6, 7, 50, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436])
/**
 * FerretDB answers InternalError (1) with its backend's message when PostgreSQL is unreachable,
 * restarting, overloaded, read-only (a standby during failover) or in a lock conflict: SQLSTATE
 * classes 08, 53 and 57P0x, and 25006, 40001, 40P01, 55P03.
 */
const TRANSIENT_BACKEND = /SQLSTATE (08|53|57P0|25006|40001|40P01|55P03)|conn closed|connection refused|database is locked|timeout/i

/**
 * Whether a database failure may simply be tried again (the server is unreachable, restarting
 * or busy). mongodb 6.22 lets a raw EPIPE through when it writes to a connection the server
 * has just closed; nothing else writes to a socket that way.
 */
export function isTransientDbError (err: unknown): boolean {
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError || err instanceof MongoTopologyClosedError) return true
  if ((err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return true
  if (err instanceof MongoError && (err.hasErrorLabel('RetryableWriteError') || err.hasErrorLabel('TransientTransactionError'))) return true
  if (err instanceof MongoServerError) {
    return TRANSIENT_CODES.has(Number(err.code)) || (Number(err.code) === 1 && TRANSIENT_BACKEND.test(err.message))
  }
  // Operation timeouts (timeoutMS) and the like carry no server code.
  return err instanceof MongoError && /timed out|timeout/i.test(err.message)
}

/** How an error is answered, and whether (and how loudly) it is logged. */
export interface Described { body: ErrorShape, retryAfterSeconds?: number, log?: 'warn' | 'error' }

/**
 * Codes for the framework's own client errors (Fastify's FST_*, Node's HTTP parser, the
 * WebSocket handshake), by status: a client sees only R3SN_* codes, whoever refused it.
 */
const CLIENT_CODES = new Map<number, string>(Object.entries({
  400: 'R3SN_BAD_REQUEST',
  401: 'R3SN_UNAUTHORIZED',
  403: 'R3SN_FORBIDDEN',
  404: 'R3SN_NOT_FOUND',
  405: 'R3SN_METHOD_NOT_ALLOWED',
  406: 'R3SN_NOT_ACCEPTABLE',
  408: 'R3SN_REQUEST_TIMEOUT',
  409: 'R3SN_CONFLICT',
  411: 'R3SN_LENGTH_REQUIRED',
  413: 'R3SN_BODY_TOO_LARGE',
  414: 'R3SN_URI_TOO_LONG',
  415: 'R3SN_UNSUPPORTED_MEDIA_TYPE',
  422: 'R3SN_UNPROCESSABLE',
  426: 'R3SN_UPGRADE_REQUIRED',
  429: 'R3SN_RATE_LIMITED',
  431: 'R3SN_HEADERS_TOO_LARGE'
}).map(([status, code]) => [Number(status), code]))

/** Fastify codes whose meaning is narrower than their status. */
const FASTIFY_CODES = new Map<string, string>([
  ['FST_ERR_CTP_INVALID_JSON_BODY', 'R3SN_BAD_JSON'],
  ['FST_ERR_CTP_EMPTY_JSON_BODY', 'R3SN_BAD_JSON'],
  ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 'R3SN_BAD_CONTENT_LENGTH'],
  ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 'R3SN_UNSUPPORTED_MEDIA_TYPE'],
  ['FST_ERR_CTP_BODY_TOO_LARGE', 'R3SN_BODY_TOO_LARGE'],
  ['FST_ERR_BAD_URL', 'R3SN_BAD_URL'],
  ['FST_ERR_MAX_PARAM_LENGTH', 'R3SN_URI_TOO_LONG'],
  ['FST_ERR_NOT_FOUND', 'R3SN_ROUTE_NOT_FOUND']
])

/** The R3SN code for a client error the framework raised (status in 400-499). */
export function clientErrorCode (statusCode: number, frameworkCode?: string): string {
  return (frameworkCode === undefined ? undefined : FASTIFY_CODES.get(frameworkCode)) ?? CLIENT_CODES.get(statusCode) ?? 'R3SN_BAD_REQUEST'
}

/** One failed schema rule as Ajv reports it (the fields used here). */
export interface SchemaFailure { instancePath: string, keyword?: string, message?: string, params?: Record<string, unknown> }
/** One entry of `details` of an R3SN_VALIDATION answer. */
export interface ValidationDetail { path: string, message: string, keyword?: string, property?: string }

/**
 * Schema failures as details a client can act on: `path` points at the offending value
 * (for an unknown or a missing property: that property, e.g. body/foo), and `property` names it.
 */
export function validationDetails (failures: readonly SchemaFailure[], context = ''): ValidationDetail[] {
  return oneOfLiterals(failures).map(f => {
    const at = `${context}${f.instancePath}`
    const keyword = typeof f.keyword === 'string' ? f.keyword : undefined
    const message = f.message ?? 'is invalid'
    const extra = f.params?.additionalProperty
    if (keyword === 'additionalProperties' && typeof extra === 'string') {
      return { path: `${at}/${extra}`, message: 'is not allowed (must NOT have additional properties)', keyword, property: extra }
    }
    const missing = f.params?.missingProperty
    if (keyword === 'required' && typeof missing === 'string') {
      return { path: `${at}/${missing}`, message: `is required (${message})`, keyword, property: missing }
    }
    return { path: at, message, ...(keyword === undefined ? {} : { keyword }) }
  })
}

/** The text of a validation answer: each failure as "<path> <message>". */
/**
 * A value that matches none of a union of literals (a step type, a decision) fails each literal
 * once, then the union: Ajv's "must be equal to constant" per branch becomes one "must be one of".
 */
function oneOfLiterals (failures: readonly SchemaFailure[]): SchemaFailure[] {
  const out: SchemaFailure[] = []
  for (const f of failures) {
    const last = out.at(-1)
    const allowed = f.params?.allowedValue
    if (f.keyword === 'const' && last?.keyword === 'enum' && last.instancePath === f.instancePath) {
      (last.params?.allowedValues as unknown[]).push(allowed)
      last.message = `must be one of: ${(last.params?.allowedValues as unknown[]).map(v => String(v)).join(', ')}`
    } else if (f.keyword === 'const') {
      out.push({ instancePath: f.instancePath, keyword: 'enum', message: `must be ${String(allowed)}`, params: { allowedValues: [allowed] } })
    } else if (!(f.keyword === 'anyOf' && last?.keyword === 'enum' && last.instancePath === f.instancePath)) {
      out.push(f)
    }
  }
  return out
}

export function validationMessage (details: readonly ValidationDetail[]): string {
  return details.map(d => `${d.path} ${d.message}`).join(', ')
}

/**
 * Shapes any thrown value for a client. Our own errors (code R3SN_*) are written for users and
 * keep their message at any status; schema failures are R3SN_VALIDATION with one detail each;
 * database trouble is 503 when transient; the framework's client errors get an R3SN_* code
 * (the original code in details); anything else at 5xx is internal: the client gets only an
 * id to quote, and the original is logged once.
 */
export function describeError (err: unknown, requestId: string): Described {
  const e = (err ?? {}) as { code?: unknown, statusCode?: unknown, message?: unknown, details?: unknown, validation?: unknown, validationContext?: unknown }
  const code = typeof e.code === 'string' ? e.code : undefined
  if (code?.startsWith('R3SN_') === true) {
    const statusCode = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500
    return { body: errorBody(statusCode, code, String(e.message), e.details), ...(statusCode === 503 ? { retryAfterSeconds: 5 } : {}) }
  }
  if (Array.isArray(e.validation)) {
    const details = validationDetails(e.validation as SchemaFailure[], typeof e.validationContext === 'string' ? e.validationContext : '')
    return { body: errorBody(400, 'R3SN_VALIDATION', details.length > 0 ? validationMessage(details) : String(e.message), details) }
  }
  if (isTransientDbError(err)) {
    return { body: errorBody(503, 'R3SN_UNAVAILABLE', 'The database cannot take this request right now; try again shortly'), retryAfterSeconds: 5, log: 'warn' }
  }
  const statusCode = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500
  if (statusCode < 500 && !(err instanceof MongoError)) {
    // Fastify's own client errors (FST_*: a bad content type, a body too large...) and other libraries'.
    return { body: errorBody(statusCode, clientErrorCode(statusCode, code), clip(String(e.message)), code === undefined ? undefined : { cause: code }) }
  }
  return { body: errorBody(500, 'R3SN_INTERNAL', `Internal error; quote request id ${requestId}`, { requestId }), log: 'error' }
}

/** Framework messages may quote the request (a whole URL); a client needs no more than a line of it. */
export function clip (text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`
}

/** U+0000 or a lone surrogate: PostgreSQL (under FerretDB, the default store) holds neither in text. */
// eslint-disable-next-line no-control-regex -- NUL is what it looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
/**
 * How deep request JSON may nest. MongoDB stores at most 100 levels, and engines walk user
 * JSON recursively (thousands of levels overflowed the stack with a 500).
 */
export const MAX_JSON_DEPTH = 64

/**
 * The first value in a request part that cannot be stored or walked, as a validation failure;
 * undefined when none. Numbers must be finite: JSON.parse reads 1e400 as Infinity, and Ajv's
 * coercion turns "Infinity" into a number that passes `maximum`. app.ts checks every HTTP
 * request with it (params, query, body); other transports can call it on what they receive.
 */
export function findUnstorable (value: unknown, path: string): { path: string, message: string } | undefined {
  const stack: [unknown, string, number][] = [[value, path, 0]]
  while (stack.length > 0) {
    const [current, at, depth] = stack.pop() as [unknown, string, number]
    if (typeof current === 'string') {
      if (UNSTORABLE.test(current)) return { path: at, message: 'must not contain U+0000 or an unpaired surrogate' }
      continue
    }
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { path: at, message: 'must be a finite number' }
      continue
    }
    if (current === null || typeof current !== 'object') continue
    if (depth >= MAX_JSON_DEPTH) return { path: clip(at, 200), message: `nests deeper than ${MAX_JSON_DEPTH} levels` }
    for (const [key, child] of Object.entries(current)) {
      if (UNSTORABLE.test(key)) return { path: `${at}/${JSON.stringify(key).slice(1, -1)}`, message: 'must not contain U+0000 or an unpaired surrogate (in a key)' }
      stack.push([child, `${at}/${key}`, depth + 1])
    }
  }
  return undefined
}
