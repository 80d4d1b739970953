import { STATUS_CODES } from 'node:http'
import { MongoError, MongoNetworkError, MongoServerError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb'

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
 * Shapes any thrown value for a client. Our own errors (code R3SN_*) are written for users and
 * keep their message at any status; database trouble is 503 when transient; anything else at
 * 5xx is internal: the client gets only an id to quote, and the original is logged once.
 */
export function describeError (err: unknown, requestId: string): Described {
  const e = (err ?? {}) as { code?: unknown, statusCode?: unknown, message?: unknown, details?: unknown }
  const code = typeof e.code === 'string' ? e.code : undefined
  if (code?.startsWith('R3SN_') === true) {
    const statusCode = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500
    return { body: errorBody(statusCode, code, String(e.message), e.details), ...(statusCode === 503 ? { retryAfterSeconds: 5 } : {}) }
  }
  if (isTransientDbError(err)) {
    return { body: errorBody(503, 'R3SN_UNAVAILABLE', 'The database cannot take this request right now; try again shortly'), retryAfterSeconds: 5, log: 'warn' }
  }
  const statusCode = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500
  if (statusCode < 500 && !(err instanceof MongoError)) {
    // Fastify's own client errors (FST_*: a bad content type, a body too large...).
    return { body: errorBody(statusCode, code ?? 'R3SN_ERROR', String(e.message)) }
  }
  return { body: errorBody(500, 'R3SN_INTERNAL', `Internal error; quote request id ${requestId}`, { requestId }), log: 'error' }
}
