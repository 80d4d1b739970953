/**
 * The sandbox plugin: `app.sandbox` runs AI-generated plugin code in WebAssembly QuickJS, off
 * the event loop. The parts live in plugins/sandbox/: types (limits, SandboxError, the messages
 * between threads), pool (the worker threads and the queue), and the thread's side: worker
 * (message loop), session (one QuickJS run), modules (wasm instances), host-fetch (ctx.fetch),
 * bootstrap (the script that builds ctx).
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.js'
import { sandboxPoolSize, WorkerPool, type PoolStatus } from './sandbox/pool.js'
import { DEFAULT_LIMITS, SandboxError, type SandboxResult, type SandboxRun } from './sandbox/types.js'

export { DEFAULT_LIMITS, SandboxError } from './sandbox/types.js'
export type { SandboxErrorCode, SandboxLimits, SandboxResult, SandboxRun, ToWorker, WireError, WireResult, WorkerInit, WorkerTask } from './sandbox/types.js'
export { RUNS_PER_WORKER, sandboxPoolSize } from './sandbox/pool.js'

export type SandboxPoolStatus = PoolStatus & {
  runs: number
  failures: number
}

/**
 * Runs AI-generated plugin code in WebAssembly QuickJS, on a pool of worker threads so that a
 * plugin that computes never holds the event loop. Each run gets a fresh runtime and context
 * on a wasm instance it has to itself, whose linear memory has a hard maximum (QuickJS's own
 * memory limit cannot see most allocations in the emscripten build). A worker takes up to
 * RUNS_PER_WORKER runs, preferring an idle or new worker; when every slot is taken, runs wait
 * in a FIFO queue of at most R3SN_SANDBOX_MAX_QUEUE, past which a run fails at once with
 * R3SN_SANDBOX_BUSY. Time in the queue is not charged to a run's limits.
 */
export class Sandbox {
  stats = { runs: 0, failures: 0 }
  readonly poolSize: number
  readonly maxQueued: number
  private readonly pool: WorkerPool

  constructor (config: Config, log?: FastifyBaseLogger) {
    this.pool = new WorkerPool({ poolSize: sandboxPoolSize(config.sandboxWorkers), maxQueued: config.sandboxMaxQueue, allowedHosts: config.httpAllowedHosts, log })
    this.poolSize = this.pool.poolSize
    this.maxQueued = this.pool.maxQueued
  }

  /** Reads and compiles the wasm once (workers share the compiled module) and starts one warm worker. */
  async init (): Promise<void> {
    return this.pool.init()
  }

  async run (req: SandboxRun): Promise<SandboxResult> {
    this.stats.runs++
    try {
      return await this.execute(req)
    } catch (err) {
      this.stats.failures++
      throw err
    }
  }

  /** Evaluates the module in a fresh context with the default limits and lists its exported function names. */
  async exportsOf (code: string): Promise<string[]> {
    const result = await this.pool.submit({ kind: 'exports', code, limits: DEFAULT_LIMITS, egress: [] }, 'exports', undefined)
    return JSON.parse(result.output) as string[]
  }

  status (): SandboxPoolStatus {
    return { ...this.pool.status(), ...this.stats }
  }

  /** Fails what is queued and running, and stops the workers. */
  async close (): Promise<void> {
    await this.pool.close()
  }

  private async execute (req: SandboxRun): Promise<SandboxResult> {
    let input: string
    try {
      input = JSON.stringify(req.input) ?? 'null'
    } catch (err) {
      throw new SandboxError(`the input is not JSON: ${(err as Error).message}`, 'R3SN_BAD_INPUT')
    }
    const result = await this.pool.submit({ kind: 'run', code: req.code, action: req.action, input, limits: req.limits, egress: req.egress, credential: req.credential }, req.action, req.signal)
    return { ...result, output: JSON.parse(result.output) as unknown }
  }
}

declare module 'fastify' {
  interface FastifyInstance { sandbox: Sandbox }
}

async function sandbox (app: FastifyInstance, opts: { config: Config }) {
  const box = new Sandbox(opts.config, app.log.child({ plugin: 'sandbox' }))
  await box.init()
  app.decorate('sandbox', box)
  app.engineStatus.register('sandbox', () => box.status())
  app.metrics.read('sandbox', () => box.status())
  app.addHook('onClose', () => box.close())
}

export default fp(sandbox, { name: 'sandbox', dependencies: ['engine-status', 'metrics'] })
