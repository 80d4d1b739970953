/**
 * One run in a worker thread: a fresh QuickJS runtime and context on a wasm instance the run
 * has to itself, its limits (CPU through the interrupt handler, wall clock, cancellation), the
 * bootstrap's ctx wired to the host, and the errors a run ends with. Everything QuickJS
 * allocates for the run is disposed in `close()`.
 */
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten'
import { BOOTSTRAP, BOOTSTRAP_FILE, MAX_LOG_CHARS, type Helper } from './bootstrap.js'
import { HostFetch } from './host-fetch.js'
import { isWasmOutOfMemory, pagesFor, type ModulePool } from './modules.js'
import { byteSize, SandboxError, type SandboxLimits } from './types.js'

// The wasm frames live on Node's own stack: past roughly 1 MiB of QuickJS stack V8 overflows first and the host throws.
const MAX_STACK_BYTES = 256 * 1024
const MAX_LOG_LINES = 100
const MAX_STACK_CHARS = 2000

type Phase = 'load' | 'run' | 'output'

interface Dumped { name?: string, message?: string, stack?: string }

/** An error thrown inside QuickJS, read out as plain data. */
function describe (value: unknown): { name: string, message: string, stack: string } {
  if (value !== null && typeof value === 'object' && 'message' in value) {
    const e = value as Dumped
    // The bootstrap's frames are the host's business, not the plugin author's.
    const stack = String(e.stack ?? '').split('\n').filter(l => !l.includes(BOOTSTRAP_FILE)).join('\n')
    return { name: String(e.name ?? 'Error'), message: String(e.message), stack: stack.slice(0, MAX_STACK_CHARS).trimEnd() }
  }
  let text: string
  try { text = JSON.stringify(value) ?? String(value) } catch { text = String(value) }
  return { name: 'thrown value', message: text.slice(0, MAX_STACK_CHARS), stack: '' }
}

/** The run was cancelled; the main thread rejects with its signal's reason. */
export class Aborted extends Error {}

export interface SessionRequest {
  limits: SandboxLimits
  egress: string[]
  credential?: Record<string, string>
  /** Aborted by the main thread's abort message. */
  signal: AbortSignal
  /** Set to non-zero by the main thread when the run is cancelled. */
  cancelled: Int32Array
}

/**
 * One run: a fresh QuickJS runtime and context on a wasm instance the run has to itself.
 * Everything QuickJS allocates for the run is disposed in `close()`.
 */
export class Session {
  readonly runtime: QuickJSRuntime
  readonly context: QuickJSContext
  readonly logs: string[] = []
  cpuMs = 0
  /** After an out-of-memory or a host exception the wasm instance is not reused. */
  tainted = false
  private droppedLogs = 0
  private sliceStart: number | undefined
  private stop: 'cpu' | 'timeout' | 'abort' | undefined
  private readonly deadline: number
  private readonly owned: QuickJSHandle[] = []
  private readonly inFlight = new Map<QuickJSDeferredPromise, string>()
  private readonly completions: (() => void)[] = []
  private readonly http: HostFetch
  private wake: (() => void) | undefined
  private readonly onAbort = () => this.wake?.()
  private closed = false
  private helpers: QuickJSHandle | undefined

  constructor (module: QuickJSWASMModule, readonly req: SessionRequest, allowedHosts: string[], readonly started: number) {
    this.deadline = started + req.limits.timeoutMs
    this.http = new HostFetch({ egress: req.egress, credential: req.credential, allowedHosts, memoryBytes: req.limits.memoryBytes, deadline: this.deadline })
    this.runtime = module.newRuntime()
    this.runtime.setMemoryLimit(req.limits.memoryBytes)
    this.runtime.setMaxStackSize(MAX_STACK_BYTES)
    this.runtime.setInterruptHandler(() => this.shouldInterrupt())
    this.context = this.runtime.newContext()
    req.signal.addEventListener('abort', this.onAbort)
  }

  /** Requests ctx.fetch made (refused ones included). */
  get fetches (): number {
    return this.http.count
  }

  /** The main thread sets the shared flag (read even while QuickJS runs) and sends an abort message (which wakes a waiting run). */
  private aborted (): boolean {
    return this.req.signal.aborted || Atomics.load(this.req.cancelled, 0) !== 0
  }

  private shouldInterrupt (): boolean {
    if (this.stop !== undefined) return true
    const now = performance.now()
    if (this.sliceStart !== undefined && this.cpuMs + now - this.sliceStart > this.req.limits.cpuMs) this.stop = 'cpu'
    else if (now > this.deadline) this.stop = 'timeout'
    else if (this.aborted()) this.stop = 'abort'
    return this.stop !== undefined
  }

  /** Runs fn inside QuickJS and charges its time to the CPU budget. */
  slice<T> (fn: () => T): T {
    this.sliceStart = performance.now()
    try {
      return fn()
    } finally {
      this.cpuMs += performance.now() - this.sliceStart
      this.sliceStart = undefined
    }
  }

  own (handle: QuickJSHandle): QuickJSHandle {
    this.owned.push(handle)
    return handle
  }

  /** The run's limits and cancellation, checked between slices. */
  checkStop (): void {
    const now = performance.now()
    if (this.stop === undefined) {
      if (this.aborted()) this.stop = 'abort'
      else if (now >= this.deadline) this.stop = 'timeout'
      else if (this.cpuMs > this.req.limits.cpuMs) this.stop = 'cpu'
    }
    if (this.stop !== undefined) throw this.stopError()
  }

  private stopError (): unknown {
    const { limits } = this.req
    if (this.stop === 'abort') return new Aborted()
    if (this.stop === 'cpu') return new SandboxError(`the plugin used more than its ${limits.cpuMs} ms of CPU time (an endless loop?)`, 'R3SN_SANDBOX_CPU')
    const waiting = [...new Set(this.inFlight.values())]
    return new SandboxError(`the run exceeded its ${limits.timeoutMs} ms wall-clock limit${waiting.length > 0 ? ` while waiting for ${waiting.join(', ')}` : ''}`, 'R3SN_SANDBOX_TIMEOUT')
  }

  /**
   * An exception from the host side of the wasm (V8's own stack limit, a trap, a heap too full
   * for the host to copy a string in) leaves the instance unusable: it is not reused.
   */
  explainHostFailure (err: unknown): unknown {
    if (err instanceof SandboxError || err instanceof Aborted) return err
    this.tainted = true
    if (err instanceof RangeError && /call stack/i.test(err.message)) return new SandboxError('the plugin overflowed the host\'s call stack (endless recursion?)', 'R3SN_SANDBOX_MEMORY')
    if (isWasmOutOfMemory(err)) {
      return new SandboxError(`the plugin ran out of memory (limit ${byteSize(this.req.limits.memoryBytes)}): ${err.message}`, 'R3SN_SANDBOX_MEMORY')
    }
    return err
  }

  /** Turns an exception from QuickJS (the handle is consumed) into the error the run ends with. */
  fail (handle: QuickJSHandle, phase: Phase, action?: string): unknown {
    const err = describe(this.context.dump(handle))
    handle.dispose()
    if (this.stop !== undefined) return this.stopError()
    if (/out of memory/i.test(err.message)) {
      this.tainted = true
      return new SandboxError(`the plugin ran out of memory (limit ${byteSize(this.req.limits.memoryBytes)})`, 'R3SN_SANDBOX_MEMORY')
    }
    if (err.name === 'InternalError' && /stack overflow/i.test(err.message)) {
      return new SandboxError(`the plugin overflowed its ${byteSize(MAX_STACK_BYTES)} call stack (endless recursion?)`, 'R3SN_SANDBOX_MEMORY')
    }
    if (phase === 'output') return new SandboxError(`the output of ${action ?? 'the action'} is not JSON: ${err.name}: ${err.message}`, 'R3SN_SANDBOX_OUTPUT')
    const detail = `${err.name}: ${err.message}${err.stack === '' ? '' : `\n${err.stack}`}`
    if (phase === 'load' && (err.name === 'SyntaxError' || /could not load module/.test(err.message))) {
      return new SandboxError(`the plugin does not compile: ${detail}${/could not load module/.test(err.message) ? '\n(the sandbox provides no modules to import)' : ''}`, 'R3SN_PLUGIN_COMPILE')
    }
    const denied = this.http.denied
    if (denied !== undefined) {
      return new SandboxError(denied === err.message ? denied : `${denied} (the plugin then failed with ${err.name}: ${err.message})`, 'R3SN_EGRESS_DENIED')
    }
    return new SandboxError(phase === 'load' ? `the plugin threw while loading: ${detail}` : `the plugin's ${action ?? 'action'} threw ${detail}`, 'R3SN_PLUGIN_ERROR')
  }

  /** The bootstrap's helpers (call, encode, exports), with ctx.fetch and ctx.log wired to the host. */
  boot (): QuickJSHandle {
    const { context } = this
    const fetchFn = this.own(context.newFunction('fetch', spec => this.startFetch(context.getString(spec))))
    const logFn = this.own(context.newFunction('log', line => { this.log(context.getString(line)) }))
    const factory = this.slice(() => context.evalCode(BOOTSTRAP, BOOTSTRAP_FILE, { type: 'global', strict: true }))
    if (factory.error !== undefined) throw this.fail(factory.error, 'run')
    this.own(factory.value)
    const helpers = this.slice(() => context.callFunction(factory.value, context.undefined, fetchFn, logFn))
    if (helpers.error !== undefined) throw this.fail(helpers.error, 'run')
    this.helpers = this.own(helpers.value)
    return helpers.value
  }

  /** Calls helpers[name](...args) inside QuickJS; the result handle is owned by the session. */
  callHelper (name: Helper, args: QuickJSHandle[], phase: Phase, action?: string): QuickJSHandle {
    const helpers = this.helpers as QuickJSHandle
    const fn = this.own(this.context.getProp(helpers, name))
    const result = this.slice(() => this.context.callFunction(fn, this.context.undefined, ...args))
    if (result.error !== undefined) throw this.fail(result.error, phase, action)
    return this.own(result.value)
  }

  /** Evaluates the plugin module and returns its namespace. */
  async load (code: string): Promise<QuickJSHandle> {
    const result = this.slice(() => this.context.evalCode(code, 'plugin.js', { type: 'module', strict: true }))
    if (result.error !== undefined) throw this.fail(result.error, 'load')
    // A module with top-level await evaluates to a promise of its namespace.
    return this.settle(this.own(result.value), 'load')
  }

  /**
   * Drives QuickJS until the promise settles: applies finished host work, runs pending
   * jobs, and otherwise waits (not counted as CPU) for a fetch, the deadline or cancellation.
   */
  async settle (promise: QuickJSHandle, phase: Phase, action?: string): Promise<QuickJSHandle> {
    for (;;) {
      this.slice(() => {
        for (let done = this.completions.shift(); done !== undefined; done = this.completions.shift()) done()
        const jobs = this.runtime.executePendingJobs()
        if (jobs.error !== undefined) throw this.fail(jobs.error, phase, action)
      })
      const state = this.context.getPromiseState(promise)
      if (state.type === 'fulfilled') return state.notAPromise === true ? promise : this.own(state.value)
      if (state.type === 'rejected') throw this.fail(state.error, phase, action)
      this.checkStop()
      if (this.inFlight.size === 0 && this.completions.length === 0) {
        throw new SandboxError(phase === 'load'
          ? 'the plugin module never finishes loading: its top-level await waits for something nothing will resolve'
          : `the plugin's ${action ?? 'action'} never settles: it awaits something nothing will resolve`, 'R3SN_PLUGIN_ERROR')
      }
      if (this.completions.length === 0) {
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, Math.max(0, this.deadline - performance.now()))
          this.wake = () => { clearTimeout(timer); resolve() }
        })
      }
      this.wake = undefined
      this.checkStop()
    }
  }

  private log (line: string): void {
    if (this.logs.length < MAX_LOG_LINES) this.logs.push(line.slice(0, MAX_LOG_CHARS))
    else this.droppedLogs++
  }

  /** ctx.fetch's host side (./host-fetch.ts): returns the QuickJS promise at once and settles it when the host work ends. */
  private startFetch (spec: string): QuickJSHandle {
    const deferred = this.context.newPromise()
    let host = 'an invalid URL'
    const work = (async () => {
      const { url, init } = this.http.parse(spec)
      host = url.host
      return this.http.send(url, init)
    })()
    this.inFlight.set(deferred, host)
    work.then(
      answer => this.complete(deferred, () => {
        const text = this.context.newString(JSON.stringify(answer))
        deferred.resolve(text)
        text.dispose()
      }),
      (err: Error) => this.complete(deferred, () => {
        const error = this.context.newError({ name: err.name === 'EgressDenied' ? err.name : 'FetchError', message: err.message })
        deferred.reject(error)
        error.dispose()
      }))
    return deferred.handle
  }

  /** Queues a settled fetch for the next slice; after the run has ended it is dropped. */
  private complete (deferred: QuickJSDeferredPromise, settle: () => void): void {
    if (this.closed) return
    this.completions.push(() => {
      try {
        settle()
      } finally {
        this.inFlight.delete(deferred)
        deferred.dispose()
      }
    })
    this.wake?.()
  }

  get collectedLogs (): string[] {
    return this.droppedLogs === 0 ? this.logs : [...this.logs, `... ${this.droppedLogs} more log lines dropped`]
  }

  /** Disposes everything; false when QuickJS could not be torn down cleanly (the wasm instance is then discarded). */
  close (): boolean {
    this.closed = true
    this.req.signal.removeEventListener('abort', this.onAbort)
    this.http.abort()
    try {
      for (const deferred of this.inFlight.keys()) deferred.dispose()
      for (const handle of this.owned.reverse()) if (handle.alive) handle.dispose()
      this.context.dispose()
      this.runtime.dispose()
      return true
    } catch {
      return false
    }
  }
}

/** One session on a pooled wasm instance; the instance goes back to the pool only if the session ended cleanly. */
export async function runSession<T> (modules: ModulePool, allowedHosts: string[], req: SessionRequest, started: number, body: (session: Session) => Promise<T>): Promise<T> {
  const pages = pagesFor(req.limits.memoryBytes)
  const module = await modules.acquire(pages)
  if (req.signal.aborted || Atomics.load(req.cancelled, 0) !== 0) {
    modules.release(pages, module)
    throw new Aborted()
  }
  const session = new Session(module, req, allowedHosts, started)
  try {
    session.boot()
    return await body(session)
  } catch (err) {
    throw session.explainHostFailure(err)
  } finally {
    if (session.close() && !session.tainted) modules.release(pages, module)
  }
}
