/**
 * The sandbox's worker thread: runs plugin code in WebAssembly QuickJS off the main event
 * loop. plugins/sandbox.ts owns a pool of these and sends them runs; each run here gets a
 * fresh QuickJS runtime and context on a wasm instance it has to itself. A worker interleaves
 * the runs it is given at their await points (a run waiting for ctx.fetch uses no CPU).
 *
 * Cancellation comes two ways: a shared flag the interrupt handler reads while QuickJS runs
 * (a busy worker reads no messages), and an `abort` message that wakes a run waiting for a fetch.
 */
import { parentPort, workerData } from 'node:worker_threads'
import {
  newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC,
  type QuickJSContext, type QuickJSDeferredPromise, type QuickJSHandle, type QuickJSRuntime, type QuickJSWASMModule
} from 'quickjs-emscripten'
import { checkEgress, credentialHeaders, egressDispatcher, HEADER_NAME, HEADER_VALUE, setHeader } from '../lib/egress.js'
import { StepError } from '../lib/step-error.js'
import { DEFAULT_LIMITS, SandboxError, type SandboxLimits, type ToWorker, type WireError, type WireResult, type WorkerInit, type WorkerTask } from './sandbox.js'

// The emscripten build declares a 16 MiB memory (about 11 MiB of it free heap); it refuses a smaller one.
const BASE_PAGES = 256
const PAGE_BYTES = 65536
// The wasm frames live on Node's own stack: past roughly 1 MiB of QuickJS stack V8 overflows first and the host throws.
const MAX_STACK_BYTES = 256 * 1024
// A worker runs a few runs at a time; idle instances beyond these are dropped.
const MAX_IDLE_MODULES = 2
// An instance whose heap grew past this keeps that memory committed; it is dropped rather than pooled.
const MAX_POOLED_BYTES = 64 * 1024 * 1024
const MAX_FETCHES = 100
const MAX_RESPONSE_BYTES = 5 * 1024 * 1024
const MAX_LOG_LINES = 100
const MAX_LOG_CHARS = 1000
const MAX_STACK_CHARS = 2000

/**
 * Runs inside every context before the plugin. It holds JSON and the host functions in a
 * closure, so the plugin sees only `ctx` and cannot swap JSON.parse under the host.
 */
const BOOTSTRAP = `(hostFetch, hostLog) => {
  'use strict'
  const { parse, stringify } = JSON
  const { keys, freeze } = Object
  const text = v => {
    if (typeof v === 'string') return v
    try { const s = stringify(v); return s === undefined ? String(v) : s } catch { return String(v) }
  }
  const ctx = freeze({
    fetch: async (url, init) => {
      const res = parse(await hostFetch(stringify({ url: String(url), init: init ?? {} })))
      let json = null
      try { json = parse(res.body) } catch {}
      return { status: res.status, headers: res.headers, body: res.body, json }
    },
    log: (...args) => { hostLog(args.map(text).join(' ').slice(0, ${MAX_LOG_CHARS})) }
  })
  return freeze({
    call: async (fn, input) => fn(parse(input), ctx),
    encode: value => value === undefined ? 'null' : stringify(value),
    exports: ns => stringify(keys(ns).filter(k => typeof ns[k] === 'function'))
  })
}`

function byteSize (n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KiB` : `${n} bytes`
}

type Phase = 'load' | 'run' | 'output'

// lib is ES2023 without DOM, so the WebAssembly global has no types here; this is all we use of it.
interface WasmApi {
  Memory: new (descriptor: { initial: number, maximum: number }) => object
  RuntimeError: new () => Error
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

interface Dumped { name?: string, message?: string, stack?: string }

/** An error thrown inside QuickJS, read out as plain data. */
function describe (value: unknown): { name: string, message: string, stack: string } {
  if (value !== null && typeof value === 'object' && 'message' in value) {
    const e = value as Dumped
    // The bootstrap's frames are the host's business, not the plugin author's.
    const stack = String(e.stack ?? '').split('\n').filter(l => !l.includes('r3sn:bootstrap')).join('\n')
    return { name: String(e.name ?? 'Error'), message: String(e.message), stack: stack.slice(0, MAX_STACK_CHARS).trimEnd() }
  }
  let text: string
  try { text = JSON.stringify(value) ?? String(value) } catch { text = String(value) }
  return { name: 'thrown value', message: text.slice(0, MAX_STACK_CHARS), stack: '' }
}

/** A fetch that failed on the host side: it rejects inside the plugin with this name and message. */
class FetchFailure extends Error {
  override name = 'FetchError'
}

/** The run was cancelled; the main thread rejects with its signal's reason. */
class Aborted extends Error {}

interface SessionRequest {
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
class Session {
  readonly runtime: QuickJSRuntime
  readonly context: QuickJSContext
  readonly logs: string[] = []
  fetches = 0
  cpuMs = 0
  /** After an out-of-memory or a host exception the wasm instance is not reused. */
  tainted = false
  /** The first refused fetch; a run that then fails reports R3SN_EGRESS_DENIED with it. */
  denied: string | undefined
  private droppedLogs = 0
  private sliceStart: number | undefined
  private stop: 'cpu' | 'timeout' | 'abort' | undefined
  private readonly deadline: number
  private readonly owned: QuickJSHandle[] = []
  private readonly inFlight = new Map<QuickJSDeferredPromise, string>()
  private readonly completions: (() => void)[] = []
  private readonly controller = new AbortController()
  private wake: (() => void) | undefined
  private readonly onAbort = () => this.wake?.()
  private closed = false
  private helpers: QuickJSHandle | undefined

  constructor (module: QuickJSWASMModule, readonly req: SessionRequest, private readonly allowedHosts: string[], readonly started: number) {
    this.deadline = started + req.limits.timeoutMs
    this.runtime = module.newRuntime()
    this.runtime.setMemoryLimit(req.limits.memoryBytes)
    this.runtime.setMaxStackSize(MAX_STACK_BYTES)
    this.runtime.setInterruptHandler(() => this.shouldInterrupt())
    this.context = this.runtime.newContext()
    req.signal.addEventListener('abort', this.onAbort)
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
    if (err instanceof HeapExhausted || err instanceof wasm.RuntimeError) {
      return new SandboxError(`the plugin ran out of memory (limit ${byteSize(this.req.limits.memoryBytes)}): ${(err as Error).message}`, 'R3SN_SANDBOX_MEMORY')
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
    if (this.denied !== undefined) {
      return new SandboxError(this.denied === err.message ? this.denied : `${this.denied} (the plugin then failed with ${err.name}: ${err.message})`, 'R3SN_EGRESS_DENIED')
    }
    return new SandboxError(phase === 'load' ? `the plugin threw while loading: ${detail}` : `the plugin's ${action ?? 'action'} threw ${detail}`, 'R3SN_PLUGIN_ERROR')
  }

  /** The bootstrap's helpers (call, encode, exports), with ctx.fetch and ctx.log wired to the host. */
  boot (): QuickJSHandle {
    const { context } = this
    const fetchFn = this.own(context.newFunction('fetch', spec => this.startFetch(context.getString(spec))))
    const logFn = this.own(context.newFunction('log', line => { this.log(context.getString(line)) }))
    const factory = this.slice(() => context.evalCode(BOOTSTRAP, 'r3sn:bootstrap', { type: 'global', strict: true }))
    if (factory.error !== undefined) throw this.fail(factory.error, 'run')
    this.own(factory.value)
    const helpers = this.slice(() => context.callFunction(factory.value, context.undefined, fetchFn, logFn))
    if (helpers.error !== undefined) throw this.fail(helpers.error, 'run')
    this.helpers = this.own(helpers.value)
    return helpers.value
  }

  /** Calls helpers[name](...args) inside QuickJS; the result handle is owned by the session. */
  callHelper (name: string, args: QuickJSHandle[], phase: Phase, action?: string): QuickJSHandle {
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

  /** ctx.fetch's host side: returns the QuickJS promise at once and settles it when the host work ends. */
  private startFetch (spec: string): QuickJSHandle {
    const deferred = this.context.newPromise()
    let host = 'an invalid URL'
    const work = (async () => {
      const { url: text, init } = JSON.parse(spec) as { url: string, init: Record<string, unknown> }
      if (++this.fetches > MAX_FETCHES) throw new FetchFailure(`ctx.fetch: a run may make at most ${MAX_FETCHES} requests`)
      let url: URL
      try { url = new URL(text) } catch { throw new FetchFailure(`ctx.fetch: invalid URL ${JSON.stringify(text.slice(0, 200))}`) }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchFailure(`ctx.fetch: only http and https URLs can be fetched, not ${url.protocol}`)
      host = url.host
      await this.checkHost(url)
      return this.exchange(url, init)
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

  /** The plugin's egress allowlist first, then the operator's policy (private addresses need R3SN_HTTP_ALLOWED_HOSTS). */
  private async checkHost (url: URL): Promise<void> {
    const hostname = url.hostname.toLowerCase()
    const bare = hostname.replace(/^\[|\]$/g, '')
    const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port
    const egress = this.req.egress.map(h => h.trim().toLowerCase())
    const listed = [hostname, bare, `${hostname}:${port}`, `${bare}:${port}`].some(h => egress.includes(h))
    if (!listed) {
      this.denied ??= `ctx.fetch: ${bare} is not in the plugin's egress allowlist (${egress.length === 0 ? 'empty' : egress.join(', ')})`
      throw Object.assign(new FetchFailure(this.denied), { name: 'EgressDenied' })
    }
    try {
      await checkEgress(url, this.allowedHosts)
    } catch (err) {
      if (!(err instanceof StepError) || err.code !== 'R3SN_EGRESS_DENIED') throw new FetchFailure(`ctx.fetch: ${(err as Error).message}`)
      this.denied ??= `ctx.fetch: ${bare} is refused by the server's egress policy: ${err.message}`
      throw Object.assign(new FetchFailure(this.denied), { name: 'EgressDenied' })
    }
  }

  private async exchange (url: URL, init: Record<string, unknown>) {
    const headers: Record<string, string> = {}
    if (init.headers !== undefined) {
      if (init.headers === null || typeof init.headers !== 'object' || Array.isArray(init.headers)) throw new FetchFailure('ctx.fetch: headers must be an object of strings')
      for (const [k, v] of Object.entries(init.headers)) {
        if (typeof v !== 'string' || !HEADER_NAME.test(k) || !HEADER_VALUE.test(v)) throw new FetchFailure(`ctx.fetch: header ${JSON.stringify(k.slice(0, 100))} must be a valid name with a string value`)
        setHeader(headers, k, v)
      }
    }
    let body: string | undefined
    if (init.body !== undefined && init.body !== null) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
      if (typeof init.body !== 'string' && !Object.keys(headers).some(h => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
    }
    if (init.credential === true) {
      if (this.req.credential === undefined) throw new FetchFailure('ctx.fetch: credential: true, but this run has no credential')
      // The credential overrides headers of the same name the plugin set.
      for (const [k, v] of Object.entries(credentialHeaders(this.req.credential, 'ctx.fetch'))) setHeader(headers, k, v)
    }
    const method = typeof init.method === 'string' ? init.method.toUpperCase() : 'GET'
    const remaining = Math.max(1, this.deadline - performance.now())
    const own = typeof init.timeoutMs === 'number' && init.timeoutMs > 0 && init.timeoutMs < remaining ? init.timeoutMs : undefined
    // Past the run's own deadline the run fails with R3SN_SANDBOX_TIMEOUT; a shorter timeout the plugin asks for rejects inside it.
    const signal = own === undefined ? this.controller.signal : AbortSignal.any([this.controller.signal, AbortSignal.timeout(own)])
    let res: Response
    try {
      res = await fetch(url, { method, headers, body, signal, redirect: 'manual', dispatcher: egressDispatcher(this.allowedHosts) } as RequestInit)
    } catch (err) {
      if (signal.aborted && !this.controller.signal.aborted) throw new FetchFailure(`ctx.fetch: ${url.host} did not answer within ${own} ms`)
      const cause = (err as Error).cause
      // Refused at connect time: the name now resolves to a private address (DNS rebinding).
      if (cause instanceof StepError && cause.code === 'R3SN_EGRESS_DENIED') {
        this.denied ??= `ctx.fetch: ${url.hostname} is refused by the server's egress policy: ${cause.message}`
        throw Object.assign(new FetchFailure(this.denied), { name: 'EgressDenied' })
      }
      throw new FetchFailure(`ctx.fetch: request to ${url.host} failed: ${cause instanceof Error ? cause.message : (err as Error).message}`)
    }
    const cap = Math.min(MAX_RESPONSE_BYTES, Math.floor(this.req.limits.memoryBytes / 4))
    const chunks: Uint8Array[] = []
    let size = 0
    if (res.body !== null) {
      const reader = res.body.getReader()
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) {
          size += r.value.byteLength
          if (size > cap) {
            await reader.cancel().catch(() => {})
            throw new FetchFailure(`ctx.fetch: the answer from ${url.host} is larger than ${byteSize(cap)}`)
          }
          chunks.push(r.value)
        }
      } catch (err) {
        if (err instanceof FetchFailure) throw err
        throw new FetchFailure(`ctx.fetch: reading the answer from ${url.host} failed: ${(err as Error).message}`)
      }
    }
    return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.concat(chunks).toString('utf8') }
  }

  get collectedLogs (): string[] {
    return this.droppedLogs === 0 ? this.logs : [...this.logs, `... ${this.droppedLogs} more log lines dropped`]
  }

  /** Disposes everything; false when QuickJS could not be torn down cleanly (the wasm instance is then discarded). */
  close (): boolean {
    this.closed = true
    this.req.signal.removeEventListener('abort', this.onAbort)
    this.controller.abort()
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

/** Instances whose heap ran full under the host: they are not reused. */
const exhausted = new WeakMap<QuickJSWASMModule, boolean>()

class HeapExhausted extends Error {
  constructor () {
    super('the wasm heap is full')
  }
}

/**
 * quickjs-emscripten copies host strings into the wasm heap with an unchecked malloc: on a
 * full heap it writes through a null pointer and corrupts the instance. This makes it throw.
 * (`module` is a protected field of QuickJSWASMModule; without it the traps still end the run.)
 */
function guardMalloc (module: QuickJSWASMModule): QuickJSWASMModule {
  const em = (module as unknown as { module?: { _malloc?: (size: number) => number } }).module
  const malloc = em?._malloc
  if (em === undefined || typeof malloc !== 'function') return module
  em._malloc = (size: number) => {
    const ptr = malloc(size)
    if (ptr === 0) {
      exhausted.set(module, true)
      throw new HeapExhausted()
    }
    return ptr
  }
  return module
}

/** The wasm memory maximum for a run: the build's 16 MiB base plus the plugin's allowance. */
function pagesFor (memoryBytes: number): number {
  return BASE_PAGES + Math.ceil(memoryBytes / PAGE_BYTES)
}

// ---- the worker's side of the pool ----

const init = workerData as WorkerInit
const idle: { pages: number, module: QuickJSWASMModule }[] = []
const running = new Map<number, AbortController>()

async function instantiate (pages: number): Promise<QuickJSWASMModule> {
  const wasmMemory = new wasm.Memory({ initial: BASE_PAGES, maximum: pages })
  return guardMalloc(await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmModule: init.wasmModule, wasmMemory })))
}

async function acquire (pages: number): Promise<QuickJSWASMModule> {
  const i = idle.findIndex(m => m.pages === pages)
  if (i >= 0) return idle.splice(i, 1)[0]!.module
  return instantiate(pages)
}

function release (pages: number, module: QuickJSWASMModule): void {
  if (module.getWasmMemory().buffer.byteLength > MAX_POOLED_BYTES) return
  idle.push({ pages, module })
  if (idle.length > MAX_IDLE_MODULES) idle.shift()
}

/** One session on a pooled wasm instance; the instance goes back to the pool only if the session ended cleanly. */
async function session<T> (req: SessionRequest, started: number, body: (session: Session) => Promise<T>): Promise<T> {
  const pages = pagesFor(req.limits.memoryBytes)
  const module = await acquire(pages)
  if (req.signal.aborted || Atomics.load(req.cancelled, 0) !== 0) {
    release(pages, module)
    throw new Aborted()
  }
  const session = new Session(module, req, init.allowedHosts, started)
  try {
    session.boot()
    return await body(session)
  } catch (err) {
    throw session.explainHostFailure(err)
  } finally {
    if (session.close() && !session.tainted && exhausted.get(module) !== true) release(pages, module)
  }
}

async function execute (task: WorkerTask & { kind: 'run' }, req: SessionRequest, started: number): Promise<WireResult> {
  return session(req, started, async session => {
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
  return session(req, started, async session => {
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

/**
 * While it has runs, the worker says so every second; the main thread replaces a worker
 * silent for longer than its runs could compute without an await (see STUCK_GRACE_MS there).
 */
let heartbeat: NodeJS.Timeout | undefined
const BEAT_MS = 1000

async function handle (task: WorkerTask): Promise<void> {
  const started = performance.now()
  const controller = new AbortController()
  running.set(task.id, controller)
  heartbeat ??= setInterval(() => parentPort?.postMessage({ type: 'beat' }), BEAT_MS)
  const req: SessionRequest = { limits: task.limits, egress: task.egress, credential: task.credential, signal: controller.signal, cancelled: new Int32Array(task.cancelled) }
  try {
    const result = task.kind === 'run' ? await execute(task, req, started) : await exportsOf(task, req, started)
    parentPort?.postMessage({ type: 'done', id: task.id, ok: true, result })
  } catch (err) {
    parentPort?.postMessage({ type: 'done', id: task.id, ok: false, error: toWire(err) })
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
release(pagesFor(DEFAULT_LIMITS.memoryBytes), await instantiate(pagesFor(DEFAULT_LIMITS.memoryBytes)))
parentPort?.postMessage({ type: 'ready' })
