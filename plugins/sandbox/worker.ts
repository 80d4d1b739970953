/**
 * The sandbox's worker thread: runs plugin code in WebAssembly QuickJS off the main event
 * loop. ./pool.ts owns a pool of these and sends them runs; each run here is a ./session.ts on
 * a wasm instance it has to itself (./modules.ts). A worker interleaves the runs it is given at
 * their await points (a run waiting for ctx.fetch uses no CPU).
 *
 * Cancellation comes two ways: a shared flag the interrupt handler reads while QuickJS runs
 * (a busy worker reads no messages), and an `abort` message that wakes a run waiting for a fetch.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { ModulePool, pagesFor } from './modules.js'
import { Aborted, runSession, type SessionRequest } from './session.js'
import { byteSize, DEFAULT_LIMITS, SandboxError, type FromWorker, type ToWorker, type WireError, type WireResult, type WorkerInit, type WorkerTask } from './types.js'

const init = workerData as WorkerInit
const modules = new ModulePool(init.wasmModule)
const running = new Map<number, AbortController>()

async function execute (task: WorkerTask & { kind: 'run' }, req: SessionRequest, started: number): Promise<WireResult> {
  return runSession(modules, init.allowedHosts, req, started, async session => {
    const { context } = session
    const ns = await session.load(task.code)
    const fn = session.own(context.getProp(ns, task.action))
    if (context.typeof(fn) !== 'function') {
      const names = JSON.parse(context.getString(session.callHelper('exports', [ns], 'load'))) as string[]
      throw new SandboxError(`the plugin does not export a function "${task.action}"; it exports ${names.length === 0 ? 'no functions' : names.join(', ')}`, 'R3SN_PLUGIN_EXPORT')
    }
    const promise = session.callHelper('call', [fn, session.own(context.newString(task.input))], 'run', task.action)
    const value = await session.settle(promise, 'run', task.action)
    const encoded = session.callHelper('encode', [value], 'output', task.action)
    if (context.typeof(encoded) !== 'string') throw new SandboxError(`the output of ${task.action} is not JSON (a ${context.typeof(value)})`, 'R3SN_SANDBOX_OUTPUT')
    const json = context.getString(encoded)
    const bytes = Buffer.byteLength(json)
    if (bytes > task.limits.maxOutputBytes) {
      throw new SandboxError(`the output of ${task.action} is ${byteSize(bytes)} as JSON, more than the ${byteSize(task.limits.maxOutputBytes)} allowed`, 'R3SN_SANDBOX_OUTPUT')
    }
    return {
      output: json,
      durationMs: +(performance.now() - session.started).toFixed(3),
      cpuMs: +session.cpuMs.toFixed(3),
      fetches: session.fetches,
      logs: session.collectedLogs
    }
  })
}

async function exportsOf (task: WorkerTask & { kind: 'exports' }, req: SessionRequest, started: number): Promise<WireResult> {
  return runSession(modules, init.allowedHosts, req, started, async session => {
    const ns = await session.load(task.code)
    const json = session.context.getString(session.callHelper('exports', [ns], 'load'))
    return { output: json, durationMs: +(performance.now() - session.started).toFixed(3), cpuMs: +session.cpuMs.toFixed(3), fetches: 0, logs: [] }
  })
}

/** An error as plain data for the main thread (class identity does not cross threads). */
function toWire (err: unknown): WireError {
  if (err instanceof Aborted) return { kind: 'aborted' }
  if (err instanceof SandboxError) return { kind: 'sandbox', code: err.code, message: err.message }
  const e = err instanceof Error ? err : new Error(String(err))
  return { kind: 'error', name: e.name, message: e.message, stack: e.stack }
}

function send (message: FromWorker): void {
  parentPort?.postMessage(message)
}

/**
 * While it has runs, the worker says so every second; the main thread replaces a worker
 * silent for longer than its runs could compute without an await (see STUCK_GRACE_MS in ./pool.ts).
 */
let heartbeat: NodeJS.Timeout | undefined
const BEAT_MS = 1000

async function handle (task: WorkerTask): Promise<void> {
  const started = performance.now()
  const controller = new AbortController()
  running.set(task.id, controller)
  heartbeat ??= setInterval(() => send({ type: 'beat' }), BEAT_MS)
  const req: SessionRequest = { limits: task.limits, egress: task.egress, credential: task.credential, signal: controller.signal, cancelled: new Int32Array(task.cancelled) }
  try {
    const result = task.kind === 'run' ? await execute(task, req, started) : await exportsOf(task, req, started)
    send({ type: 'done', id: task.id, ok: true, result })
  } catch (err) {
    send({ type: 'done', id: task.id, ok: false, error: toWire(err) })
  } finally {
    running.delete(task.id)
    if (running.size === 0) {
      clearInterval(heartbeat)
      heartbeat = undefined
    }
  }
}

parentPort?.on('message', (message: ToWorker) => {
  if (message.type === 'abort') running.get(message.id)?.abort()
  else void handle(message)
})

// Warm one instance for the default limits, then say so.
const warm = pagesFor(DEFAULT_LIMITS.memoryBytes)
modules.release(warm, await modules.instantiate(warm))
send({ type: 'ready' })
