/**
 * What the main thread (plugins/sandbox.ts, ./pool.ts) and a worker thread (./worker.ts)
 * share: a run's limits, the error a run fails with, and the messages that cross between them.
 * The worker imports this, not plugins/sandbox.ts, so its import graph stays free of Fastify.
 */
import { StepError } from '../../lib/step-error.js'

export interface SandboxLimits {
  /** Heap the plugin may use on top of the interpreter's own baseline. */
  memoryBytes: number
  /** Time spent executing inside QuickJS; waiting for host fetches is not counted. */
  cpuMs: number
  /** Wall clock for the whole run, fetches included. */
  timeoutMs: number
  /** Size of the action's return value, JSON-encoded. */
  maxOutputBytes: number
}

export const DEFAULT_LIMITS: SandboxLimits = Object.freeze({ memoryBytes: 32 * 1024 * 1024, cpuMs: 1000, timeoutMs: 10_000, maxOutputBytes: 1024 * 1024 })

export interface SandboxRun {
  /** An ES module exporting one function per action: `export async function getUser (input, ctx) {...}`. */
  code: string
  action: string
  input: unknown
  limits: SandboxLimits
  /** Hosts (or host:port) ctx.fetch may reach: the plugin manifest's allowlist. */
  egress: string[]
  /** An `http` credential the host adds to a fetch that asks for it; plugin code never sees it. */
  credential?: Record<string, string>
  signal?: AbortSignal
}

export interface SandboxResult { output: unknown, durationMs: number, cpuMs: number, fetches: number, logs: string[] }

export type SandboxErrorCode = 'R3SN_PLUGIN_COMPILE' | 'R3SN_PLUGIN_EXPORT' | 'R3SN_PLUGIN_ERROR' | 'R3SN_SANDBOX_CPU' | 'R3SN_SANDBOX_MEMORY' |
  'R3SN_SANDBOX_OUTPUT' | 'R3SN_SANDBOX_TIMEOUT' | 'R3SN_SANDBOX_BUSY' | 'R3SN_EGRESS_DENIED' | 'R3SN_BAD_INPUT'

/**
 * A failed sandbox run. Only a timeout and a full queue are retryable: a slow server may answer
 * next time and a busy pool may have room, the same code hits the same limit again.
 */
export class SandboxError extends StepError {
  declare readonly code: SandboxErrorCode
  /** The HTTP status when the error reaches a client: 503 for a full queue (a plugin's own failures are not HTTP errors). */
  readonly statusCode: number | undefined
  constructor (message: string, code: SandboxErrorCode) {
    super(message, code, code === 'R3SN_SANDBOX_TIMEOUT' || code === 'R3SN_SANDBOX_BUSY')
    this.name = 'SandboxError'
    this.statusCode = code === 'R3SN_SANDBOX_BUSY' ? 503 : undefined
  }
}

/** A size as the limits' messages say it: bytes, KiB or MiB. */
export function byteSize (n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KiB` : `${n} bytes`
}

// ---- what crosses between the main thread and a worker ----

export interface WorkerInit { wasmModule: object, allowedHosts: string[] }
interface TaskFields { id: number, code: string, limits: SandboxLimits, egress: string[], credential?: Record<string, string>, cancelled: SharedArrayBuffer }
export type WorkerTask = TaskFields & ({ kind: 'run', action: string, input: string } | { kind: 'exports' })
/** A task before the pool gives it an id and a cancellation flag. */
export type NewTask = WorkerTask extends infer T ? T extends WorkerTask ? Omit<T, 'id' | 'cancelled'> : never : never
export type ToWorker = (WorkerTask & { type: 'run' }) | { type: 'abort', id: number }
/** A run's result with its output still JSON text (parsed on the main thread). */
export interface WireResult { output: string, durationMs: number, cpuMs: number, fetches: number, logs: string[] }
export type WireError = { kind: 'sandbox', code: SandboxErrorCode, message: string } | { kind: 'aborted' } | { kind: 'error', name: string, message: string, stack?: string }
export type FromWorker = { type: 'ready' } | { type: 'beat' } | { type: 'done', id: number, ok: true, result: WireResult } | { type: 'done', id: number, ok: false, error: WireError }
