import { isTransientDbError } from './errors.js'

/** What a throttle writes to: pino's (and so Fastify's) logger has these. */
export interface WarnLogger {
  warn (obj: object, msg: string): void
  error (obj: object, msg: string): void
}

/**
 * An error as log fields. Expected conditions (the database unreachable or busy, an R3SN_*
 * client error) become `error: { type, code, message }`: their stack says nothing an
 * operator can act on, and a loop that hits one every few seconds made a 30-line entry each
 * time. Anything else stays `err`, which pino prints with its stack.
 */
export function logError (err: unknown): { err: unknown } | { error: { type: string, code?: unknown, message: string } } {
  const code = (err as { code?: unknown } | null | undefined)?.code
  const expected = (typeof code === 'string' && code.startsWith('R3SN_')) || isTransientDbError(err)
  if (!expected || !(err instanceof Error)) return { err }
  return { error: { type: err.name, ...(code === undefined ? {} : { code }), message: err.message } }
}

/** How repeats of one warning are told apart: its message and its error's code (or type). */
function keyOf (msg: string, fields: { err?: unknown }): string {
  const e = fields.err as { code?: unknown, name?: unknown } | null | undefined
  return `${msg}\u0000${String(e?.code ?? e?.name ?? '')}`
}

/**
 * Logs a warning that a loop may repeat (a poll, a sweep, a heartbeat failing while the
 * database is away) at most once per interval per message and error code; the next line
 * says how many were swallowed since (`repeated`). An idle instance used to repeat a
 * warning with its stack every few seconds for as long as a database hiccup lasted.
 */
export class LogThrottle {
  private readonly seen = new Map<string, { loggedAt: number, repeated: number }>()
  private readonly intervalMs: number
  private readonly now: () => number

  constructor (private readonly log: WarnLogger, opts: { intervalMs?: number, now?: () => number } = {}) {
    this.intervalMs = opts.intervalMs ?? 60_000
    this.now = opts.now ?? Date.now
  }

  warn (fields: Record<string, unknown> & { err?: unknown }, msg: string): void { this.write('warn', fields, msg) }
  error (fields: Record<string, unknown> & { err?: unknown }, msg: string): void { this.write('error', fields, msg) }

  private write (level: 'warn' | 'error', fields: Record<string, unknown> & { err?: unknown }, msg: string): void {
    const key = keyOf(msg, fields)
    const now = this.now()
    const last = this.seen.get(key)
    if (last !== undefined && now - last.loggedAt < this.intervalMs) {
      last.repeated++
      return
    }
    this.forgetOld(now)
    this.seen.set(key, { loggedAt: now, repeated: 0 })
    const { err, ...rest } = fields
    const logged = 'err' in fields ? { ...rest, ...logError(err) } : rest
    this.log[level](last === undefined || last.repeated === 0 ? logged : { ...logged, repeated: last.repeated }, msg)
  }

  /** Keys unseen for an interval carry nothing worth keeping (bounds the map when codes vary). */
  private forgetOld (now: number): void {
    if (this.seen.size < 64) return
    for (const [key, entry] of this.seen) if (now - entry.loggedAt >= this.intervalMs) this.seen.delete(key)
  }
}
