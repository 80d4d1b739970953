import fp from 'fastify-plugin'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { Db } from 'mongodb'
import type { Config } from '../config.js'
import type { Owner } from '../plugins/db.js'
import { Conflict } from '../schemas/errors.js'
import type { WorkflowAnalytics, WorkflowDefinition, WorkflowStep, WorkflowTrigger } from '../schemas/workflows.js'
import { validateDefinition } from './runtime/definition.js'
import { evaluate, literal } from './runtime/expressions.js'
import { planStep, type PromptTrigger } from './universal-executor.js'
import type { AgentStepInput } from './agent-engine.js'
import { GENERATION_STEP, generationRoundStep } from './plugin-factory.js'
import type { GeneratePluginRequest } from '../schemas/plugins.js'
import { Runner } from './runtime/runner.js'
import { Scheduler } from './runtime/scheduler.js'
import { StepError, StepRegistry, type StepDebugger, type StepHandler } from './runtime/steps.js'
import { ExecutionStore, TERMINAL, type ExecutionDoc, type NewExecution } from './runtime/store.js'
import { Worker } from './runtime/worker.js'
import { stepsOf, WorkflowStore, type WorkflowDoc } from './runtime/workflows.js'

async function evaluateStep (source: string | undefined, scope: unknown): Promise<unknown> {
  try {
    return await evaluate(source ?? '', scope)
  } catch (err) {
    throw new StepError(`JSONata: ${(err as Error).message}`, 'R3SN_EXPRESSION_FAILED', false)
  }
}

const transform: StepHandler = {
  sideEffects: false,
  run: async ({ step, scope }) => (await evaluateStep(step.expression, scope)) ?? null
}

const condition: StepHandler = {
  sideEffects: false,
  run: async ({ step, scope }) => {
    const value = await evaluateStep(step.expression, scope)
    if (typeof value !== 'boolean') throw new StepError(`a condition must produce true or false, got ${JSON.stringify(value) ?? 'nothing'}`, 'R3SN_BAD_CONDITION', false)
    return value
  }
}

function percentile (sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number
}

/** Runs every execution on the durable runtime: queue, leases, steps, schedules and retention. */
export class Orchestrator {
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  readonly store: ExecutionStore
  readonly workflows: WorkflowStore
  private readonly worker: Worker
  private readonly scheduler: Scheduler
  private retentionTimer: NodeJS.Timeout | undefined

  constructor (
    db: Db,
    private readonly log: FastifyBaseLogger,
    private readonly config: Config,
    readonly steps: StepRegistry,
    hooks: { debugger?: StepDebugger, onEnded?: (doc: ExecutionDoc) => Promise<void> } = {}
  ) {
    this.store = new ExecutionStore(db)
    this.workflows = new WorkflowStore(db)
    const runner = new Runner(this.store, steps, log, {
      instanceId: this.instanceId, leaseMs: config.leaseMs, heartbeatMs: Math.min(500, config.leaseMs / 3), maxStepRuns: 1000, debugger: hooks.debugger,
      onEnded: hooks.onEnded === undefined ? undefined : async (id) => {
        const doc = await this.store.get(id)
        if (doc !== null) await hooks.onEnded?.(doc)
      }
    })
    this.worker = new Worker(this.store, runner, log, { instanceId: this.instanceId, concurrency: config.concurrency, pollMs: config.pollMs, leaseMs: config.leaseMs })
    this.scheduler = new Scheduler(this.workflows, (wf, tick) => this.startScheduled(wf, tick), log, config.schedulerTickMs)
  }

  get syncTimeoutMs (): number { return this.config.syncTimeoutMs }

  async init (): Promise<void> {
    await this.store.init()
    await this.workflows.init()
  }

  start (): void {
    this.worker.start()
    this.scheduler.run()
    this.retentionTimer = setInterval(() => {
      this.pruneExpired().catch(err => this.log.warn({ err }, 'retention job failed'))
    }, this.config.retentionIntervalMs)
  }

  async close (): Promise<void> {
    this.scheduler.stop()
    clearInterval(this.retentionTimer)
    await this.worker.stop()
  }

  /** Throws a 400 naming the step and the problem; returns the trigger to store. */
  validate (def: WorkflowDefinition): WorkflowTrigger {
    return validateDefinition(def, this.steps)
  }

  /** Queues a run of the workflow's current version, owned by the workflow's owner. */
  async startWorkflow (wf: WorkflowDoc, triggerData: unknown, opts: { priority?: number, id?: string } = {}): Promise<ExecutionDoc | null> {
    const doc = await this.store.create({ id: wf.ownerId, admin: false }, {
      id: opts.id, type: 'workflow', workflowId: wf._id, workflowVersion: wf.version, priority: opts.priority, trigger: triggerData ?? {}, plan: stepsOf(wf)
    })
    this.worker.kick()
    return doc
  }

  /** Queues a prompt: its first step plans it (LLM or offline) and adds the plan after itself. */
  async executePrompt (owner: Owner, prompt: string, context: Record<string, unknown> = {}, opts: { stream?: boolean } = {}): Promise<ExecutionDoc> {
    const trigger: PromptTrigger = { prompt, context, ...(opts.stream === true ? { stream: true } : {}) }
    return this.queue(owner, { type: 'prompt', prompt, trigger, plan: [planStep()] })
  }

  /** Queues an agent run: one agent step, which grows into turns and tool calls. */
  async executeAgent (owner: Owner, agentId: string, input: AgentStepInput): Promise<ExecutionDoc> {
    return this.queue(owner, { type: 'agent', trigger: input, plan: [{ id: 'agent', type: 'agent', agent: agentId, input: literal(input) }] })
  }

  /** Queues a plugin generation: one step per LLM answer, each added by the round before it. */
  async generatePlugin (owner: Owner, req: GeneratePluginRequest): Promise<ExecutionDoc> {
    return this.queue(owner, { type: 'plugin-generation', trigger: req, plan: [generationRoundStep(1)] })
  }

  /** Queues a run of steps the caller has checked (one integration or plugin action). */
  async startSteps (owner: Owner, type: ExecutionDoc['type'], trigger: unknown, plan: WorkflowStep[]): Promise<ExecutionDoc> {
    return this.queue(owner, { type, trigger, plan })
  }

  private async queue (owner: Owner, spec: NewExecution): Promise<ExecutionDoc> {
    const doc = await this.store.create(owner, spec) as ExecutionDoc
    this.worker.kick()
    return doc
  }

  private async startScheduled (wf: WorkflowDoc, tick: Date): Promise<void> {
    const created = await this.startWorkflow(wf, { scheduledAt: tick.toISOString() }, { id: `sched_${wf._id}_${tick.getTime()}` })
    if (created !== null) this.log.info({ workflowId: wf._id, tick }, 'schedule fired')
  }

  /**
   * The execution once it has ended, or null if it is still going after timeoutMs. A run on
   * this instance counts as ended once its end hook (learning) is done, so the next request
   * sees what it taught.
   */
  async waitForEnd (id: string, timeoutMs: number): Promise<ExecutionDoc | null> {
    const deadline = Date.now() + timeoutMs
    let endedHere = false
    let wake: () => void = () => {}
    const onEnded = (ended: string) => { if (ended === id) { endedHere = true; wake() } }
    this.store.on('ended', onEnded)
    try {
      for (;;) {
        const doc = await this.store.get(id)
        if (doc !== null && TERMINAL.includes(doc.status) && (endedHere || !this.worker.active.has(id))) return doc
        const left = deadline - Date.now()
        if (left <= 0) return null
        // Woken at once when the run ends on this instance; polls for runs on other instances.
        await new Promise<void>(resolve => {
          const timer = setTimeout(() => resolve(), Math.min(left, 250))
          wake = () => { clearTimeout(timer); resolve() }
          if (endedHere) wake()
        })
      }
    } finally {
      this.store.off('ended', onEnded)
    }
  }

  /** Asks a run to stop; a queued one is cancelled at once, a running one within a heartbeat. */
  async cancel (owner: Owner, id: string): Promise<ExecutionDoc> {
    const doc = await this.store.executions.get(owner, id)
    if (TERMINAL.includes(doc.status)) throw new Conflict(`Execution ${id} has already ended (${doc.status})`)
    await this.store.executions.update(owner, id, { $set: { cancelRequested: true } })
    const now = new Date()
    const error = { message: 'cancelled on request', code: 'R3SN_CANCELLED' }
    const queued = await this.store.collection.updateOne({ _id: id, status: 'queued' }, { $set: { status: 'cancelled', error, endTime: now, executionTime: 0 } })
    if (queued.modifiedCount === 1) {
      await this.store.dequeue(id)
      await this.store.appendEvent(doc, 'execution.cancelled', { error })
    }
    this.worker.cancelLocal(id)
    return this.store.executions.get(owner, id)
  }

  /** Queues a failed or cancelled run again; it resumes at the step that stopped it, completed steps kept. */
  async retry (owner: Owner, id: string): Promise<ExecutionDoc> {
    const doc = await this.store.executions.get(owner, id)
    if (doc.status !== 'failed' && doc.status !== 'cancelled') throw new Conflict(`Execution ${id} is ${doc.status}; only failed or cancelled runs can be retried`)
    const res = await this.store.collection.updateOne({ _id: id, status: doc.status, attempt: doc.attempt }, {
      $set: { status: 'queued', error: null, cancelRequested: false, endTime: null, executionTime: null, attempt: doc.attempt + 1 }
    })
    if (res.modifiedCount === 0) throw new Conflict(`Execution ${id} changed meanwhile; reload it and try again`)
    await this.store.enqueue(doc)
    await this.store.appendEvent(doc, 'execution.retried', { attempt: doc.attempt + 1, fromStep: doc.cursor })
    this.worker.kick()
    return this.store.executions.get(owner, id)
  }

  async analytics (owner: Owner, workflowId: string): Promise<WorkflowAnalytics> {
    await this.workflows.workflows.get(owner, workflowId)
    const runs = await this.store.collection.find({ workflowId, ownerId: owner.id }, { projection: { status: 1, steps: 1 } }).toArray()
    const byStatus: Record<string, number> = {}
    const perStep = new Map<string, { executions: number, successes: number, failures: number, retries: number, durations: number[] }>()
    for (const run of runs) {
      byStatus[run.status] = (byStatus[run.status] ?? 0) + 1
      for (const s of run.steps) {
        const stat = perStep.get(s.stepId) ?? { executions: 0, successes: 0, failures: 0, retries: 0, durations: [] }
        stat.executions++
        if (s.status === 'completed') stat.successes++
        if (s.status === 'failed') stat.failures++
        stat.retries += Math.max(0, s.attempts - 1)
        if (s.durationMs !== undefined) stat.durations.push(s.durationMs)
        perStep.set(s.stepId, stat)
      }
    }
    return {
      success: true,
      workflowId,
      executions: { total: runs.length, byStatus },
      steps: [...perStep].map(([stepId, s]) => {
        const sorted = s.durations.sort((a, b) => a - b)
        return { stepId, executions: s.executions, successes: s.successes, failures: s.failures, retries: s.retries, p50DurationMs: percentile(sorted, 0.5), p95DurationMs: percentile(sorted, 0.95) }
      })
    }
  }

  async pruneExpired (): Promise<number> {
    const pruned = await this.store.prune(new Date(Date.now() - this.config.retentionDays * 86_400_000))
    if (pruned > 0) this.log.info({ pruned }, 'retention: pruned ended executions')
    return pruned
  }

  async status () {
    return {
      initialized: true,
      instanceId: this.instanceId,
      activeExecutions: this.worker.active.size,
      queuedExecutions: await this.store.queue.countDocuments({ leaseExpiresAt: null }),
      historySize: await this.store.collection.countDocuments({})
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance { orchestrator: Orchestrator }
}

async function orchestrator (app: FastifyInstance, opts: { config: Config }) {
  const steps = new StepRegistry()
  steps.register('transform', transform)
  steps.register('condition', condition)
  steps.register('integration', app.integrationHub.stepHandler)
  steps.register('agent', app.agentEngine.stepHandler)
  steps.register('plugin', app.pluginFactory.stepHandler)
  steps.register(GENERATION_STEP, app.pluginFactory.generationStep)
  steps.register('plan', app.universalExecutor.planStep(steps))
  const orch = new Orchestrator(app.mongo.db, app.log.child({ engine: 'orchestrator' }), opts.config, steps, {
    debugger: app.selfDebugging,
    // Every run that ends here teaches the self-evolving engine (once per attempt, whichever instance ran it).
    onEnded: doc => app.selfEvolving.observe(doc)
  })
  await orch.init()
  app.decorate('orchestrator', orch)
  app.engines.register('orchestrator', () => orch.status())
  app.addHook('onReady', async () => { orch.start() })
  app.addHook('onClose', async () => { await orch.close() })
}

export default fp(orchestrator, { name: 'orchestrator', dependencies: ['db', 'engines', 'llm', 'integration-hub', 'plugin-factory', 'agent-engine', 'self-evolving', 'universal-executor', 'self-debugging'] })
