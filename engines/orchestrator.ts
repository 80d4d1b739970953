import fp from 'fastify-plugin'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { Db, Filter } from 'mongodb'
import type { ExecutionEvent } from '../schemas/executions.js'
import type { Config } from '../config.js'
import type { Owner } from '../lib/mongo.js'
import type { Budget, WorkflowAnalytics, WorkflowDefinition, WorkflowStep, WorkflowTrigger } from '../schemas/workflows.js'
import { checkOwnedSteps, validateDefinition } from './runtime/definition.js'
import { inputProblem, jsonSchemaInputProblems } from './runtime/input-check.js'
import { evaluate } from './runtime/expressions.js'
import { GENERATION_STEP, manifestOf, type PluginFactory } from './plugin-factory.js'
import { Runner } from './runtime/runner.js'
import { Scheduler } from './runtime/scheduler.js'
import { StepError, StepRegistry, type StepDebugger, type StepHandler, type StepProblem } from './runtime/steps.js'
import { ExecutionStore, planOf, TERMINAL, type ExecutionDoc, type NewExecution, type WriteFaults } from './runtime/store.js'
import { approvalSignal, approvalStep, approversOf, waitStep, type ApprovalDecision } from './runtime/waits.js'
import { childReport, childSignal, foreachStep, parallelStep, workflowStep, type ChildRuntime } from './runtime/children.js'
import { Conflict, Forbidden, NotFound } from '../lib/errors.js'
import { Instances } from './runtime/instances.js'
import type { RunEventBus } from '../lib/run-events.js'
import { Worker } from './runtime/worker.js'
import { replayExecution, type ReplayRequest } from './runtime/replay.js'
import { effectiveBudget, spendOf } from './runtime/budget.js'
import type { Metrics } from '../plugins/metrics.js'
import { workflowExecution, workflowOwner, WorkflowStore, type WorkflowDoc } from './runtime/workflows.js'
import { logError } from '../lib/log-throttle.js'

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

/**
 * A plugin step, when its workflow is saved: the plugin is the owner's, the version (pinned,
 * or else the latest) exists and has the action, and the input fits the action's input schema
 * as far as it is known (expressions are checked at run time).
 */
function pluginStepCheck (factory: PluginFactory) {
  return async (owner: Owner, step: WorkflowStep): Promise<string | StepProblem | undefined> => {
    const version = await factory.version(owner.id, step.plugin as string, step.pluginVersion).catch((err: { code?: string }) => {
      if (err.code === 'R3SN_NOT_FOUND') return undefined
      throw err
    })
    if (version === undefined) return `no plugin "${step.plugin as string}"${step.pluginVersion === undefined ? '' : ` v${step.pluginVersion}`} of yours`
    const actions = manifestOf(version).actions
    const action = actions.find(a => a.name === step.action)
    if (action === undefined) return `plugin ${version.pluginId} v${version.version} has no action "${step.action as string}" (actions: ${actions.map(a => a.name).join(', ')})`
    return inputProblem(`plugin ${version.pluginId} v${version.version} ${action.name}`, jsonSchemaInputProblems(action.input, step.input))
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
  readonly instances: Instances
  private readonly worker: Worker
  private readonly scheduler: Scheduler
  private retentionTimer: NodeJS.Timeout | undefined

  constructor (
    db: Db,
    private readonly bus: RunEventBus,
    private readonly log: FastifyBaseLogger,
    private readonly config: Config,
    readonly steps: StepRegistry,
    private readonly hooks: {
      debugger?: StepDebugger
      onEnded?: (doc: ExecutionDoc) => Promise<void>
      /** A schedule tick that was not started (overlap: skip while the previous scheduled run is going). */
      onScheduleSkipped?: (wf: WorkflowDoc, tick: Date, blockingExecutionId: string) => Promise<void>
      faults?: WriteFaults
      metrics: Metrics
      /** A user's default run budget (set by an admin), between the request's or workflow's and the instance's defaults. */
      userBudget?: (userId: string) => Promise<Budget | undefined>
    }
  ) {
    this.store = new ExecutionStore(db, bus, log, hooks.metrics, hooks.faults)
    this.workflows = new WorkflowStore(db, () => this.scheduler.invalidate())
    this.instances = new Instances(db, this.instanceId, config.leaseMs, Math.min(1000, config.leaseMs / 4), log, {
      peerLost: () => this.worker.kick(),
      selfStale: () => {
        this.log.warn('this instance could not write its heartbeat for a lease; stopping its runs, which others may take over')
        this.worker.abortAll('fenced')
      }
    })
    const runner = new Runner(this.store, bus, steps, log, {
      instanceId: this.instanceId, heartbeatMs: Math.min(500, config.leaseMs / 4), maxStepRuns: 1000, debugger: hooks.debugger,
      onEnded: async doc => {
        await this.childEnded(doc).catch((err: unknown) => this.log.warn({ ...logError(err), executionId: doc._id }, 'telling a parent run (or the children) of a run\'s end failed; the parent finds out at its next check'))
        await hooks.onEnded?.(doc)
      },
      metrics: hooks.metrics,
      // A run suspended here may be due soon (a short wait, a signal that came meanwhile): the next poll looks.
      onWaiting: id => this.worker.pollWhenDone(id)
    })
    this.worker = new Worker(this.store, runner, this.instances, log, {
      instanceId: this.instanceId,
      concurrency: config.concurrency,
      pollMs: config.pollMs,
      idlePollMs: Math.max(config.pollMs, config.idlePollMs),
      claimGraceMs: config.leaseMs,
      sweepMs: config.sweepMs,
      orphanGraceMs: 6 * config.leaseMs,
      metrics: hooks.metrics
    })
    this.scheduler = new Scheduler(this.workflows, (wf, tick) => this.startScheduled(wf, tick), log, config.schedulerTickMs)
  }

  get syncTimeoutMs (): number { return this.config.syncTimeoutMs }

  /** This instance's runs and slots, and the unfinished runs as its last poll saw them: memory only, for the metrics. */
  load () { return this.worker.load() }

  async init (): Promise<void> {
    await this.store.init()
    await this.workflows.init()
  }

  async start (): Promise<void> {
    await this.instances.start()
    this.worker.start()
    this.scheduler.run()
    this.retentionTimer = setInterval(() => {
      this.pruneExpired().catch(err => this.log.warn(logError(err), 'retention job failed'))
    }, this.config.retentionIntervalMs)
  }

  async close (): Promise<void> {
    this.scheduler.stop()
    clearInterval(this.retentionTimer)
    await this.worker.stop()
    await this.store.close()
    await this.instances.stop()
  }

  /**
   * Throws a 400 naming the step and the problem (step inputs included, as far as they are
   * known before a run); returns the trigger to store.
   */
  async validate (owner: Owner, def: WorkflowDefinition, workflowId?: string): Promise<WorkflowTrigger> {
    const trigger = validateDefinition(def, this.steps)
    await checkOwnedSteps(owner, def, this.steps, workflowId)
    return trigger
  }

  /** What the workflow, parallel and foreach steps need of the orchestrator (see engines/runtime/children.ts). */
  childRuntime (): ChildRuntime {
    return {
      store: this.store,
      start: async (owner, spec, id) => await this.queue(owner, spec, id) !== null,
      cancel: async (owner, id) => {
        await this.cancel(owner, id).catch((err: { code?: string }) => {
          // (Ended meanwhile, or gone: nothing to cancel.)
          if (err.code !== 'R3SN_CONFLICT' && err.code !== 'R3SN_NOT_FOUND') throw err
        })
      },
      wake: async id => { if (await this.store.wake(id)) this.worker.kick() },
      workflow: async (owner, id, version) => {
        const wf = await this.workflows.get(owner, id, version).catch((err: { code?: string }) => {
          if (err.code === 'R3SN_NOT_FOUND') return undefined
          throw err
        })
        return wf === undefined ? undefined : workflowExecution(wf, {})
      },
      maxDepth: this.config.maxWorkflowDepth,
      checkMs: this.config.childCheckMs
    }
  }

  /**
   * A run ended: a child tells its parent (a signal child:<id>, kept until the parent's step
   * takes it, then a wake), and a run that did not complete while its step waited for children
   * (cancelled, say) cancels those still going. Whatever a crash here loses, the parent's own
   * check finds (R3SN_CHILD_CHECK_MS).
   */
  private async childEnded (doc: ExecutionDoc): Promise<void> {
    if (doc.parentId !== undefined) {
      await this.store.putSignal({ _id: doc.parentId, ownerId: doc.ownerId }, childSignal(doc._id), childReport(doc))
      if (await this.store.wake(doc.parentId)) this.worker.kick()
    }
    if (doc.status === 'completed') return
    const owner = { id: doc.ownerId, admin: false }
    for (const id of doc.steps.at(-1)?.waitingFor?.children?.running ?? []) await this.childRuntime().cancel(owner, id)
  }

  /**
   * The one way an execution is queued: it is created and, when this instance has room,
   * started here at once (or held for its next slot). The spec says what runs; each kind
   * is prepared by the code that owns it: workflowExecution (a workflow's current version;
   * its runs are workflowOwner's), promptExecution (planner), agentExecution (agent engine),
   * generationExecution (plugin factory), and one-action runs built from the steps that
   * pluginFactory.actionStep and integrationHub.actionStep check. With an `id` (a schedule tick's), null when that run exists already.
   */
  async queue (owner: Owner, spec: NewExecution): Promise<ExecutionDoc>
  async queue (owner: Owner, spec: NewExecution, id: string): Promise<ExecutionDoc | null>
  async queue (owner: Owner, spec: NewExecution, id?: string): Promise<ExecutionDoc | null> {
    const holding = this.worker.reserve()
    let doc: ExecutionDoc | null = null
    try {
      const budget = effectiveBudget(spec.budget, await this.hooks.userBudget?.(owner.id), this.config.budgetDefaults)
      doc = await this.store.create(owner, { ...spec, ...(id === undefined ? {} : { id }), ...(budget === undefined ? {} : { budget }) }, holding)
      // (Before adopt(), which may start it at once.)
      if (doc !== null) this.log.info({ executionId: doc._id, type: doc.type, userId: doc.ownerId, ...(doc.workflowId === undefined ? {} : { workflowId: doc.workflowId }) }, 'execution queued')
    } finally {
      this.worker.adopt(doc, holding)
    }
    if (doc === null && id === undefined) throw new Error('a fresh execution id collided')
    return doc
  }

  private async startScheduled (wf: WorkflowDoc, tick: Date): Promise<void> {
    const id = `sched_${wf._id}_${tick.getTime()}`
    if (wf.trigger.overlap === 'skip') {
      // (This tick's own run, started by another instance, is no overlap: the insert below finds it.)
      const going = await this.store.openScheduledRun(wf._id, id)
      if (going !== undefined) {
        this.log.info({ workflowId: wf._id, tick, going }, 'schedule tick skipped: the previous scheduled run is still going')
        await this.hooks.onScheduleSkipped?.(wf, tick, going)
        return
      }
    }
    const created = await this.queue(workflowOwner(wf), workflowExecution(wf, { scheduledAt: tick.toISOString() }), id)
    if (created !== null) this.log.info({ workflowId: wf._id, tick }, 'schedule fired')
  }

  /**
   * The execution once it has ended, or null if it is still going after timeoutMs. A run on
   * this instance is woken by its end (after its end hook, learning, so the next request sees
   * what it taught) with its final record in hand; a run elsewhere is polled, backing off to a second.
   */
  async waitForEnd (id: string, timeoutMs: number): Promise<ExecutionDoc | null> {
    const deadline = Date.now() + timeoutMs
    let ended: ExecutionDoc | null = null
    let wake: () => void = () => {}
    const onEnded = (endedId: string, doc: ExecutionDoc | null) => { if (endedId === id) { ended = doc; wake() } }
    this.bus.on('ended', onEnded)
    try {
      for (let polls = 0; ; polls++) {
        if (ended !== null) return ended
        const local = this.worker.isLocal(id)
        if (!local) {
          const doc = await this.store.get(id)
          if (doc !== null && TERMINAL.includes(doc.status)) return doc
        }
        const left = deadline - Date.now()
        if (left <= 0) return null
        const pause = local ? 2000 : Math.min(1000, 250 * 2 ** polls)
        await new Promise<void>(resolve => {
          const timer = setTimeout(() => resolve(), Math.min(left, pause))
          wake = () => { clearTimeout(timer); resolve() }
          if (ended !== null) wake()
        })
      }
    } finally {
      this.bus.off('ended', onEnded)
    }
  }

  /** Asks a run to stop; a queued one is cancelled at once, a running one within a heartbeat (or a lease, if its holder is gone). */
  async cancel (owner: Owner, id: string): Promise<ExecutionDoc> {
    // A queued run nobody holds, or held here and not started (cancelLocal drops it), ends at once.
    const doc = await this.store.requestCancel(owner, id, holder => holder === null || (holder === this.instanceId && !this.worker.cancelLocal(id)))
    this.worker.cancelLocal(id)
    this.worker.kick()
    // Cancel propagates down: the run's children still going (each cancels its own in turn).
    const children = this.childRuntime()
    for (const child of await this.store.openChildren(id)) await children.cancel({ id: child.ownerId, admin: false }, child._id)
    // A child cancelled while queued never runs, so it tells its parent here.
    if (doc.status === 'cancelled' && doc.parentId !== undefined) await this.childEnded(doc)
    // A queued run ends right here; a running one logs its end where it runs.
    if (doc.status === 'cancelled') this.log.info({ executionId: id, type: doc.type, status: doc.status, userId: owner.id }, 'execution cancelled')
    else this.log.info({ executionId: id, type: doc.type, status: doc.status, userId: owner.id }, 'execution cancel requested')
    return doc
  }

  /**
   * Sends a signal to the caller's run: kept until a wait for it takes it (the first of a name
   * is kept until then), and a run waiting for it is woken for any instance to resume.
   */
  async signal (owner: Owner, id: string, name: string, payload: unknown): Promise<'waiting' | 'stored'> {
    const doc = await this.store.getOwned(owner, id)
    if (TERMINAL.includes(doc.status)) throw new Conflict(`Execution ${id} has already ended (${doc.status})`)
    await this.store.putSignal(doc, name, payload)
    // (A run that gets to its wait meanwhile finds the signal there itself.)
    if (doc.status !== 'waiting' || doc.steps.at(-1)?.waitingFor?.signal !== name || !await this.store.wake(id)) return 'stored'
    this.worker.kick()
    return 'waiting'
  }

  /**
   * An approver's decision on an approval step that waits for one: kept as its signal, audited
   * as an approval.decided event, and the run woken. A user who is neither an approver nor the
   * run's owner (or an admin) is told it does not exist, as for any run of another user.
   */
  async decide (user: Owner, id: string, stepId: string, decision: ApprovalDecision['decision'], comment?: string): Promise<ApprovalDecision> {
    const doc = await this.store.get(id)
    if (doc === null) throw new NotFound(`Execution ${id}`)
    const last = doc.steps.at(-1)
    const waiting = last?.stepId === stepId && last.type === 'approval' && last.status === 'waiting' ? last.waitingFor : undefined
    const allowed = approversOf(planOf(doc).find(s => s.id === stepId), waiting, { id: doc.ownerId }).includes(user.id)
    if (!allowed && doc.ownerId !== user.id && !user.admin) throw new NotFound(`Execution ${id}`)
    if (!allowed) throw new Forbidden(`you are not an approver of step "${stepId}" of execution ${id}`)
    if (TERMINAL.includes(doc.status)) throw new Conflict(`Execution ${id} has already ended (${doc.status})`)
    if (waiting === undefined) throw new Conflict(`step "${stepId}" of execution ${id} is not waiting for a decision`)
    const decided: ApprovalDecision = { decision, by: user.id, ...(comment === undefined ? {} : { comment }), at: new Date().toISOString() }
    if (!await this.store.putSignal(doc, approvalSignal(stepId), decided)) throw new Conflict(`step "${stepId}" of execution ${id} was decided already`)
    await this.store.appendEvent(doc, 'approval.decided', { ...decided }, stepId)
    if (await this.store.wake(id)) this.worker.kick()
    return decided
  }

  /** Queues a failed or cancelled run again; it resumes at the step that stopped it, completed steps kept. */
  async retry (owner: Owner, id: string): Promise<ExecutionDoc> {
    const doc = await this.store.requeue(owner, id)
    this.worker.kick()
    this.log.info({ executionId: id, type: doc.type, attempt: doc.attempt, userId: owner.id }, 'execution queued again (retry)')
    return doc
  }

  /**
   * Starts a new run of the caller's ended workflow or prompt run from one of its steps: the
   * steps before are copied with their outputs (not run again), the step may get new input.
   */
  async replay (owner: Owner, id: string, req: ReplayRequest): Promise<ExecutionDoc> {
    const source = await this.store.getOwned(owner, id)
    const doc = await this.queue(owner, await replayExecution(owner, source, req, this.steps))
    this.log.info({ executionId: doc._id, replayOf: id, fromStepId: req.fromStepId, userId: owner.id }, 'execution replayed')
    return doc
  }

  /** The caller's execution (404 for another user's). */
  async get (owner: Owner, id: string): Promise<ExecutionDoc> {
    return this.store.getOwned(owner, id)
  }

  async list (owner: Owner, filter: Filter<ExecutionDoc>, limit: number): Promise<ExecutionDoc[]> {
    return this.store.list(owner, filter, { sort: { createdAt: -1, _id: -1 }, limit })
  }

  /** The caller's queued, running and waiting executions, newest first. */
  async listActive (owner: Owner): Promise<ExecutionDoc[]> {
    return this.store.listOpen(owner, 500)
  }

  /** The caller's execution's event log from seq `since` on. */
  async events (owner: Owner, id: string, since: number, limit: number): Promise<ExecutionEvent[]> {
    await this.store.getOwned(owner, id)
    return this.store.listEvents(id, since, limit)
  }

  /** An execution's event log from seq `since` on, for a caller that has checked its owner already (a live subscription). */
  async eventLog (id: string, since: number, limit: number): Promise<ExecutionEvent[]> {
    return this.store.listEvents(id, since, limit)
  }

  /** An execution's status as stored now, whoever holds it (undefined if there is no such execution). */
  async currentStatus (id: string): Promise<ExecutionDoc['status'] | undefined> {
    return (await this.store.get(id))?.status
  }

  async analytics (owner: Owner, workflowId: string): Promise<WorkflowAnalytics> {
    await this.workflows.get(owner, workflowId)
    const runs = await this.store.workflowRuns(owner, workflowId)
    const byStatus: Record<string, number> = {}
    const spend = { llmCalls: 0, promptTokens: 0, completionTokens: 0, steps: 0, sandboxCpuMs: 0, wallMs: 0 }
    const perStep = new Map<string, { executions: number, successes: number, failures: number, retries: number, durations: number[] }>()
    for (const run of runs) {
      byStatus[run.status] = (byStatus[run.status] ?? 0) + 1
      const spent = spendOf(run)
      spend.llmCalls += run.usage?.calls ?? 0
      spend.promptTokens += run.usage?.promptTokens ?? 0
      spend.completionTokens += run.usage?.completionTokens ?? 0
      spend.steps += spent.steps
      spend.sandboxCpuMs += spent.sandboxCpuMs
      spend.wallMs += spent.wallMs ?? 0
      for (const s of run.steps) {
        // (A replay's copies ran in the run they were copied from, and count there.)
        if (s.replayedFrom !== undefined) continue
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
      spend,
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

  /** Counts from the store, so they agree with the execution list whichever instance runs what. */
  async status () {
    const counts = await this.store.counts()
    return {
      initialized: true,
      instanceId: this.instanceId,
      activeExecutions: counts.open,
      queuedExecutions: counts.queued,
      runningHere: this.worker.active.size,
      historySize: counts.total
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance { orchestrator: Orchestrator }
}

async function orchestrator (app: FastifyInstance, opts: { config: Config, faults?: WriteFaults }) {
  const steps = new StepRegistry()
  steps.register('transform', transform)
  steps.register('condition', condition)
  steps.register('integration', app.integrationHub.stepHandler)
  steps.register('agent', app.agentEngine.stepHandler)
  steps.register('plugin', { ...app.pluginFactory.stepHandler, check: pluginStepCheck(app.pluginFactory) })
  steps.register(GENERATION_STEP, app.pluginFactory.generationStep)
  steps.register('plan', app.planner.planStep(steps))
  const orch = new Orchestrator(app.mongo.db, app.runEvents, app.log.child({ engine: 'orchestrator' }), opts.config, steps, {
    faults: opts.faults,
    metrics: app.metrics,
    userBudget: userId => app.apiKeys.budgetOf(userId),
    debugger: app.selfDebugging,
    // Every run that ends here teaches the self-evolving engine (once per attempt, whichever instance ran it).
    onEnded: doc => app.selfEvolving.observe(doc),
    // Every instance may see the same tick skipped: the key makes it one notification.
    onScheduleSkipped: async (wf, tick, going) => {
      await app.notifications.notify(wf.ownerId, {
        kind: 'schedule.skipped', title: `Scheduled run of ${wf.name} skipped`,
        message: `The run of workflow "${wf.name}" due at ${tick.toISOString()} was not started: its previous scheduled run ${going} is still going (trigger overlap: skip).`,
        data: { workflowId: wf._id, scheduledAt: tick.toISOString(), reason: 'overlap', blockingExecutionId: going },
        key: `schedule.skipped:${wf._id}:${tick.getTime()}`
      })
    }
  })
  steps.register('wait', waitStep(orch.store))
  const children = orch.childRuntime()
  steps.register('workflow', workflowStep(children, async (owner, id, version) => ({ exists: await children.workflow(owner, id, version) !== undefined })))
  steps.register('parallel', parallelStep(children))
  steps.register('foreach', foreachStep(children))
  // One notification per approver and step attempt (its idempotency key), however often the run is woken.
  steps.register('approval', approvalStep(orch.store, async ({ executionId, ownerId, step, approvers, until, key }) => {
    for (const approver of approvers) {
      await app.notifications.notify(approver, {
        kind: 'approval.requested', title: `Approval requested: step ${step.id} of run ${executionId}`,
        message: step.message ?? `Run ${executionId} of ${ownerId} waits for your decision at step "${step.id}": POST /api/executions/${executionId}/approvals/${step.id} {"decision": "approve" | "reject"}.`,
        data: { executionId, stepId: step.id, ...(until === undefined ? {} : { until }) },
        key: `approval.requested:${key}`
      })
    }
  }))
  await orch.init()
  app.decorate('orchestrator', orch)
  app.engineStatus.register('orchestrator', () => orch.status())
  app.metrics.read('queue', () => orch.load())
  app.metrics.observeRuns(app.runEvents)
  app.addHook('onReady', async () => { await orch.start() })
  app.addHook('onClose', async () => { await orch.close() })
}

export default fp(orchestrator, { name: 'orchestrator', dependencies: ['metrics', 'mongo', 'engine-status', 'run-events', 'llm', 'integration-hub', 'plugin-factory', 'agent-engine', 'self-evolving', 'planner', 'self-debugging', 'notifications', 'api-keys'] })
