/**
 * The sandbox's worker threads (./worker.ts) and the runs waiting for them: a worker takes up
 * to RUNS_PER_WORKER runs, preferring an idle or new worker; when every slot is taken, runs wait
 * in a FIFO queue of at most maxQueued, past which a run fails at once with R3SN_SANDBOX_BUSY.
 * A watchdog replaces a worker that stops answering. Time in the queue is not charged to a run.
 */
import type { FastifyBaseLogger } from 'fastify'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { SandboxError, type FromWorker, type NewTask, type SandboxLimits, type ToWorker, type WireError, type WireResult, type WorkerInit } from './types.js'

/** Runs a worker interleaves at their await points; a run that computes holds the thread until its next await. */
export const RUNS_PER_WORKER = 4
/**
 * A worker silent (no heartbeat) for longer than the CPU budgets of all its runs plus this is
 * stuck in something QuickJS's interrupt handler does not reach: it is terminated and replaced.
 */
const STUCK_GRACE_MS = 5000
const WATCHDOG_MS = 1000

// lib is ES2023 without DOM, so the WebAssembly global has no types here; this is all we use of it.
const wasm = (globalThis as unknown as { WebAssembly: { compile (bytes: Uint8Array): Promise<object> } }).WebAssembly

/** Where the release-sync wasm file is, found from quickjs-emscripten (which depends on it). */
function wasmPath (): string {
  const require = createRequire(import.meta.url)
  return createRequire(require.resolve('quickjs-emscripten/package.json')).resolve('@jitl/quickjs-wasmfile-release-sync/wasm')
}

/**
 * A worker thread on ./worker: the compiled file next to this one under dist/, or, when this
 * file runs as TypeScript (tsx: tests, dev), the .ts source with tsx's loader registered
 * inside the worker (Node 20 does not pass the parent's module hooks to workers).
 */
function startWorker (workerData: WorkerInit): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { workerData })
  const source = new URL('./worker.ts', import.meta.url).href
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(tsx => { tsx.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(boot, { eval: true, workerData })
}

/** The pool size R3SN_SANDBOX_WORKERS asks for: 0 means one per core but one (the event loop keeps a core), at least 1. */
export function sandboxPoolSize (configured: number): number {
  return configured > 0 ? configured : Math.max(1, availableParallelism() - 1)
}

function checkLimits (limits: SandboxLimits): void {
  const { memoryBytes, cpuMs, timeoutMs, maxOutputBytes } = limits
  if (!(memoryBytes >= 1024 * 1024 && memoryBytes <= 1024 * 1024 * 1024)) throw new RangeError('sandbox limits: memoryBytes must be between 1 MiB and 1 GiB')
  for (const [name, v] of Object.entries({ cpuMs, timeoutMs, maxOutputBytes })) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`sandbox limits: ${name} must be a positive number`)
  }
}

interface Task {
  id: number
  message: ToWorker & { type: 'run' }
  limits: SandboxLimits
  label: string
  signal: AbortSignal | undefined
  cancelled: Int32Array
  queuedAt: number
  resolve: (result: WireResult) => void
  reject: (err: unknown) => void
  onAbort?: () => void
  /** Set once the caller has been answered (a cancelled run keeps its worker slot until the worker lets go). */
  settled: boolean
}

interface PoolWorker {
  thread: Worker
  tasks: Map<number, Task>
  ready: Promise<void>
  heardAt: number
  retired: boolean
}

export type PoolStatus = {
  initialized: boolean
  /** Worker threads the pool may start (R3SN_SANDBOX_WORKERS). */
  poolSize: number
  /** Worker threads started so far (they start on demand and stay). */
  workers: number
  runsPerWorker: number
  /** Workers running at least one run. */
  busy: number
  /** Runs inside workers now. */
  running: number
  /** Runs waiting for a worker, in order. */
  queued: number
  maxQueued: number
  /** How long the oldest queued run has waited. */
  oldestQueuedMs: number
  /** Runs since start that had to wait for a worker, and the longest wait. */
  waitedRuns: number
  maxWaitMs: number
  /** Runs refused because the queue was full (R3SN_SANDBOX_BUSY). */
  refusedRuns: number
  /** Workers terminated and replaced because they stopped answering. */
  restarts: number
}

export interface PoolOptions {
  poolSize: number
  maxQueued: number
  /** R3SN_HTTP_ALLOWED_HOSTS, for ctx.fetch's egress check in the workers. */
  allowedHosts: string[]
  log?: FastifyBaseLogger
}

export class WorkerPool {
  readonly poolSize: number
  readonly maxQueued: number
  private compiled: object | undefined
  private loading: Promise<void> | undefined
  private readonly workers: PoolWorker[] = []
  private readonly queue: Task[] = []
  private nextId = 1
  private closed = false
  private watchdog: NodeJS.Timeout | undefined
  private readonly counts = { waitedRuns: 0, maxWaitMs: 0, refusedRuns: 0, restarts: 0 }

  constructor (private readonly opts: PoolOptions) {
    this.poolSize = opts.poolSize
    this.maxQueued = opts.maxQueued
  }

  /** Reads and compiles the wasm once (workers share the compiled module) and starts one warm worker. */
  async init (): Promise<void> {
    this.loading ??= (async () => {
      this.compiled = await wasm.compile(await readFile(wasmPath()))
      if (this.workers.length === 0) await this.spawn().ready
    })().catch((err: unknown) => {
      this.loading = undefined
      throw err
    })
    return this.loading
  }

  status (): PoolStatus {
    const running = this.workers.reduce((n, w) => n + w.tasks.size, 0)
    const oldest = this.queue[0]
    return {
      initialized: this.compiled !== undefined,
      poolSize: this.poolSize,
      workers: this.workers.length,
      runsPerWorker: RUNS_PER_WORKER,
      busy: this.workers.filter(w => w.tasks.size > 0).length,
      running,
      queued: this.queue.length,
      maxQueued: this.maxQueued,
      oldestQueuedMs: oldest === undefined ? 0 : Math.round(performance.now() - oldest.queuedAt),
      ...this.counts,
      maxWaitMs: Math.round(this.counts.maxWaitMs)
    }
  }

  /** Fails what is queued and running, and stops the workers. */
  async close (): Promise<void> {
    this.closed = true
    clearInterval(this.watchdog)
    const err = new Error('the sandbox is shutting down')
    for (const task of this.queue.splice(0)) this.answer(task, err)
    await Promise.all([...this.workers].map(w => this.retire(w, err)))
  }

  /** Queues a run (FIFO) and hands it to a worker as soon as one has a free slot. */
  async submit (fields: NewTask, label: string, signal: AbortSignal | undefined): Promise<WireResult> {
    checkLimits(fields.limits)
    signal?.throwIfAborted()
    await this.init()
    signal?.throwIfAborted()
    if (this.closed) throw new Error('the sandbox is shutting down')
    if (this.queue.length >= this.maxQueued && this.freeWorker() === undefined) {
      this.counts.refusedRuns++
      this.opts.log?.warn({ queued: this.queue.length, poolSize: this.poolSize }, 'sandbox queue full: a plugin run was refused')
      throw new SandboxError(`the sandbox is busy: all ${this.poolSize * RUNS_PER_WORKER} run slots are taken and ${this.queue.length} runs are waiting (R3SN_SANDBOX_MAX_QUEUE); try again shortly`, 'R3SN_SANDBOX_BUSY')
    }
    const id = this.nextId++
    const cancelled = new SharedArrayBuffer(4)
    return new Promise<WireResult>((resolve, reject) => {
      const task: Task = {
        id, label, signal, limits: fields.limits, cancelled: new Int32Array(cancelled), queuedAt: performance.now(), resolve, reject, settled: false,
        message: { ...fields, id, cancelled, type: 'run' } as ToWorker & { type: 'run' }
      }
      if (signal !== undefined) {
        task.onAbort = () => this.cancel(task)
        signal.addEventListener('abort', task.onAbort, { once: true })
      }
      this.queue.push(task)
      this.dispatch()
    })
  }

  /** A worker with a free slot: an idle one, else a new one while the pool has room, else the least busy. */
  private freeWorker (): PoolWorker | undefined {
    const live = this.workers.filter(w => !w.retired)
    const idle = live.find(w => w.tasks.size === 0)
    if (idle !== undefined) return idle
    if (live.length < this.poolSize) return this.spawn()
    let best: PoolWorker | undefined
    for (const w of live) if (w.tasks.size < RUNS_PER_WORKER && (best === undefined || w.tasks.size < best.tasks.size)) best = w
    return best
  }

  private dispatch (): void {
    while (this.queue.length > 0 && !this.closed) {
      const worker = this.freeWorker()
      if (worker === undefined) return
      const task = this.queue.shift() as Task
      const waited = performance.now() - task.queuedAt
      if (worker.tasks.size === 0) {
        worker.thread.ref()
        worker.heardAt = performance.now()
      }
      worker.tasks.set(task.id, task)
      worker.thread.postMessage(task.message)
      if (waited >= 1) {
        this.counts.waitedRuns++
        this.counts.maxWaitMs = Math.max(this.counts.maxWaitMs, waited)
        this.opts.log?.info({ action: task.label, waitedMs: Math.round(waited), queued: this.queue.length, poolSize: this.poolSize }, 'sandbox run started after waiting for a free worker')
      }
    }
  }

  /** A cancelled run: dropped from the queue, or told to stop (its worker slot is freed once the worker lets go). */
  private cancel (task: Task): void {
    const i = this.queue.indexOf(task)
    if (i >= 0) this.queue.splice(i, 1)
    else {
      Atomics.store(task.cancelled, 0, 1)
      this.workers.find(w => w.tasks.has(task.id))?.thread.postMessage({ type: 'abort', id: task.id } satisfies ToWorker)
    }
    this.answer(task, task.signal?.reason)
  }

  /** Answers the caller once. */
  private answer (task: Task, err: unknown, result?: WireResult): void {
    if (task.settled) return
    task.settled = true
    if (task.onAbort !== undefined) task.signal?.removeEventListener('abort', task.onAbort)
    if (result !== undefined) task.resolve(result)
    else task.reject(err)
  }

  private spawn (): PoolWorker {
    const thread = startWorker({ wasmModule: this.compiled as object, allowedHosts: this.opts.allowedHosts })
    thread.unref()
    let ready!: { resolve: () => void, reject: (err: unknown) => void }
    const worker: PoolWorker = { thread, tasks: new Map(), heardAt: performance.now(), retired: false, ready: new Promise((resolve, reject) => { ready = { resolve, reject } }) }
    worker.ready.catch(() => {}) // a worker that fails to start fails its runs instead
    thread.on('message', (message: FromWorker) => {
      worker.heardAt = performance.now()
      if (message.type === 'ready') ready.resolve()
      else if (message.type === 'done') this.done(worker, message)
    })
    thread.on('error', err => {
      ready.reject(err)
      this.opts.log?.error({ err }, 'a sandbox worker failed')
      void this.retire(worker, new Error(`the sandbox worker failed: ${err.message}`))
    })
    thread.on('exit', code => {
      const err = new Error(`the sandbox worker exited (code ${code})`)
      ready.reject(err)
      void this.retire(worker, err)
    })
    this.workers.push(worker)
    this.watchdog ??= setInterval(() => this.checkStuck(), WATCHDOG_MS).unref()
    return worker
  }

  private done (worker: PoolWorker, message: FromWorker & { type: 'done' }): void {
    const task = worker.tasks.get(message.id)
    if (task === undefined) return
    worker.tasks.delete(message.id)
    if (worker.tasks.size === 0) worker.thread.unref()
    if (message.ok) this.answer(task, undefined, message.result)
    else this.answer(task, this.fromWire(message.error, task))
    this.dispatch()
  }

  private fromWire (error: WireError, task: Task): unknown {
    if (error.kind === 'sandbox') return new SandboxError(error.message, error.code)
    if (error.kind === 'aborted') return task.signal?.reason ?? new Error('the run was cancelled')
    return Object.assign(new Error(error.message), { name: error.name, stack: error.stack })
  }

  /** Terminates a worker (if it still runs) and fails its runs; the queue moves on to the others or a new one. */
  private async retire (worker: PoolWorker, err: unknown): Promise<void> {
    if (worker.retired) return
    worker.retired = true
    this.workers.splice(this.workers.indexOf(worker), 1)
    for (const task of worker.tasks.values()) this.answer(task, err)
    worker.tasks.clear()
    this.dispatch()
    await worker.thread.terminate()
  }

  /** A worker busy past every CPU budget it holds (plus a grace) is stuck outside the interrupt handler's reach. */
  private checkStuck (): void {
    const now = performance.now()
    for (const worker of [...this.workers]) {
      if (worker.tasks.size === 0) continue
      const budget = [...worker.tasks.values()].reduce((sum, t) => sum + t.limits.cpuMs, STUCK_GRACE_MS)
      if (now - worker.heardAt <= budget) continue
      this.counts.restarts++
      this.opts.log?.error({ silentMs: Math.round(now - worker.heardAt), runs: worker.tasks.size }, 'a sandbox worker stopped answering; it is replaced')
      void this.retire(worker, new SandboxError(`the sandbox worker running this stopped answering for ${Math.round(now - worker.heardAt)} ms and was replaced`, 'R3SN_SANDBOX_TIMEOUT'))
    }
  }
}
