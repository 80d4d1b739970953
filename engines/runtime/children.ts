import { createHash } from 'node:crypto'
import type { ExecutionError, Waiting } from '../../schemas/executions.js'
import type { WorkflowStep } from '../../schemas/workflows.js'
import type { Owner } from '../../lib/mongo.js'
import { compileError, evaluate } from './expressions.js'
import { StepError, Wait, WaitOver, type StepContext, type StepHandler, type StepProblem } from './steps.js'
import { decodeJson, TERMINAL, type ExecutionDoc, type ExecutionStore, type NewExecution } from './store.js'

/** A child's end as its parent hears of it: a signal named child:<childId> kept for the parent. */
export interface ChildReport { status: 'completed' | 'failed' | 'cancelled', result?: unknown, error?: ExecutionError | null, endTime: string }

export const childSignal = (childId: string): string => `child:${childId}`

export function childReport (doc: ExecutionDoc): ChildReport {
  return {
    status: doc.status as ChildReport['status'],
    ...(doc.status === 'completed' ? { result: decodeJson(doc.resultJson) ?? null } : { error: doc.error }),
    endTime: (doc.endTime ?? new Date()).toISOString()
  }
}

/** What the steps that run child executions need of the orchestrator. */
export interface ChildRuntime {
  store: ExecutionStore
  /** Queues a child under its id (orchestrator.queue); false when it exists already (started before a crash). */
  start (owner: Owner, spec: NewExecution, id: string): Promise<boolean>
  /** Cancels a child (and its own children); one that ended already is left as it is. */
  cancel (owner: Owner, id: string): Promise<void>
  /** Wakes a waiting run (a child of it ended) for any instance to resume. */
  wake (id: string): Promise<void>
  /** The workflow a workflow step runs, or undefined when the owner has no such workflow (version). */
  workflow (owner: Owner, id: string, version?: number): Promise<NewExecution | undefined>
  maxDepth: number
  /** The safety net: a waiting parent looks at its children itself at least this often. */
  checkMs: number
}

/**
 * The children one step runs and how their ends are joined. Child i's id is the step
 * attempt's idempotency key (parentId:stepId:attempt) followed by `:suffix(i)` (the workflow
 * step's only child has the key itself), so a parent resumed after a crash starts none twice:
 * creating a run under an id that exists does nothing.
 */
interface FanOut {
  total: number
  concurrency: number
  suffix (i: number): string
  spec (i: number): Promise<NewExecution>
  /** The step's output once the reports decide it (or a StepError thrown), else undefined: wait on. */
  join (reports: Map<number, ChildReport>, ids: (i: number) => string): { output: unknown } | undefined
}

const WAIT_FIELDS = ['until', 'forMs', 'signal', 'onTimeout', 'approvers', 'message'] as const
const MAX_ID_LENGTH = 160
const DEFAULT_FOREACH_CONCURRENCY = 4
const DEFAULT_MAX_ITEMS = 1000

/** Ids stay readable unless nesting made them too long for a path segment: then a hash of the same text. */
function childId (key: string): string {
  return key.length <= MAX_ID_LENGTH ? key : `exe_${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`
}

const due = (iso: string | undefined): boolean => iso !== undefined && Date.parse(iso) <= Date.now()

function failed (message: string, details: Record<string, unknown>): StepError {
  return new StepError(message, 'R3SN_CHILD_FAILED', false, details)
}

function childFailure (r: ChildReport): string {
  return `${r.status}${r.error?.message === undefined ? '' : `: ${r.error.message}`}`
}

/**
 * Runs the fan-out's children, at most `concurrency` at once, and waits for them durably (a
 * Wait: the parent holds no slot). Each child's end is reported to the parent as a signal and
 * wakes it (see Orchestrator.childEnded); woken, the step reads the reports, starts more
 * children or decides. The parent's record keeps only a counter and the ids running (at
 * most `concurrency`), never a list per child. A report lost to a crash (the child ended,
 * its instance died before telling) is made good by the safety net: the wait also ends
 * after `checkMs`, and then the children still running are read one by one.
 */
async function runChildren (rt: ChildRuntime, ctx: StepContext, fan: FanOut): Promise<Wait | WaitOver> {
  const { executionId, ownerId, step, waiting } = ctx
  const owner: Owner = { id: ownerId, admin: false }
  const prefix = childId(ctx.idempotencyKey)
  const idOf = (i: number): string => fan.suffix(i) === '' ? prefix : childId(`${ctx.idempotencyKey}:${fan.suffix(i)}`)
  const previous = waiting?.children
  const deadline = previous?.deadline ?? (step.timeoutMs === undefined ? undefined : new Date(Date.now() + step.timeoutMs).toISOString())
  const started = previous?.started ?? 0

  const signals = started === 0 ? new Map() : await rt.store.signalsLike(executionId, 'child:')
  const reports = new Map<number, ChildReport>()
  let running: number[] = []
  for (let i = 0; i < started; i++) {
    const report = signals.get(childSignal(idOf(i)))?.payload as ChildReport | undefined
    if (report !== undefined) reports.set(i, report)
    else running.push(i)
  }
  const create = async (i: number, spec: NewExecution): Promise<void> => {
    const id = idOf(i)
    if (await rt.start(owner, spec, id)) await ctx.emit('step.child', { childId: id, index: i, ...(fan.suffix(i) === '' || /^\d+$/.test(fan.suffix(i)) ? {} : { branch: fan.suffix(i) }) })
  }
  // The safety net: a report may have been lost to a crash between a child's end and its telling
  // (or a child recorded as started never created: see below).
  if (due(waiting?.until) && running.length > 0) {
    for (const i of running) {
      const child = await rt.store.get(idOf(i))
      if (child === null) {
        await create(i, { ...await fan.spec(i), parent: { id: executionId, stepId: step.id, depth: ctx.depth + 1 } })
      } else if (TERMINAL.includes(child.status)) {
        const report = childReport(child)
        // (Kept for the next waking; if that write fails, the next check reads the child again.)
        await rt.store.putSignal({ _id: executionId, ownerId }, childSignal(child._id), report).catch(() => false)
        reports.set(i, report)
      }
    }
    running = running.filter(i => !reports.has(i))
  }
  const reported = () => [...reports.keys()].map(i => childSignal(idOf(i)))
  const cancelRunning = async () => { for (const i of running) await rt.cancel(owner, idOf(i)) }

  let decided: { output: unknown } | undefined
  try {
    decided = fan.join(reports, idOf)
  } catch (err) {
    await cancelRunning()
    throw err
  }
  if (decided !== undefined) {
    await cancelRunning()
    return new WaitOver(decided.output, { consumed: () => rt.store.consumeSignals(executionId, reported()) })
  }
  if (due(deadline)) {
    await cancelRunning()
    throw new StepError(`step "${step.id}" timed out after ${step.timeoutMs ?? 0} ms with ${running.length} child execution(s) still going (cancelled)`, 'R3SN_STEP_TIMEOUT', false, { deadline })
  }

  // Children are recorded as started before they are created (once the wait is recorded):
  // a run that ended is no longer among the open ones, so creating it again after a crash
  // would run it twice. One recorded and never created (a crash in between) is created by
  // the safety net above, which looks for it everywhere first.
  const starting: { i: number, spec: NewExecution }[] = []
  for (let next = started; running.length + starting.length < fan.concurrency && next < fan.total; next++) {
    if (ctx.depth + 1 > rt.maxDepth) throw new StepError(`step "${step.id}" would start a child execution at depth ${ctx.depth + 1}, deeper than the limit of ${rt.maxDepth} (R3SN_MAX_WORKFLOW_DEPTH): a workflow that calls itself?`, 'R3SN_DEPTH_EXCEEDED', false, { depth: ctx.depth + 1, maxDepth: rt.maxDepth })
    starting.push({ i: next, spec: { ...await fan.spec(next), parent: { id: executionId, stepId: step.id, depth: ctx.depth + 1 } } })
  }
  running = [...running, ...starting.map(s => s.i)]
  const wakeAt = Math.min(Date.now() + rt.checkMs, deadline === undefined ? Infinity : Date.parse(deadline))
  const children = { prefix, total: fan.total, started: started + starting.length, ended: reports.size, running: running.map(idOf), ...(deadline === undefined ? {} : { deadline }) }
  const wait: Waiting = { until: new Date(wakeAt).toISOString(), children }
  return new Wait(wait, async () => {
    for (const { i, spec } of starting) await create(i, spec)
    // A child that ended while this run was on its way to the wait found it running and woke nothing: look once more.
    const now = await rt.store.signalsLike(executionId, 'child:')
    if (running.some(i => now.has(childSignal(idOf(i))))) await rt.wake(executionId)
  })
}

function onlyFor (step: WorkflowStep): string | undefined {
  const field = WAIT_FIELDS.find(f => step[f] !== undefined)
  return field === undefined ? undefined : `${field} is not for ${step.type} steps`
}

/** `workflow`: runs another workflow of the same user as a child execution; its result is the output. */
export function workflowStep (rt: ChildRuntime, lookup: (owner: Owner, id: string, version?: number) => Promise<{ exists: boolean }>): StepHandler {
  return {
    sideEffects: false,
    waits: true,
    validate: step => {
      if (step.workflowId === undefined) return 'a workflow step needs a workflowId'
      return onlyFor(step)
    },
    check: async (owner, step, context) => {
      if (step.workflowId === context?.workflowId) return 'a workflow step may not run its own workflow (the recursion would never end)'
      const found = await lookup(owner, step.workflowId as string, step.version)
      return found.exists ? undefined : `no workflow "${step.workflowId as string}"${step.version === undefined ? '' : ` v${step.version}`} of yours`
    },
    run: async ctx => {
      const { step } = ctx
      return runChildren(rt, ctx, {
        total: 1,
        concurrency: 1,
        suffix: () => '',
        spec: async () => {
          const spec = await rt.workflow({ id: ctx.ownerId, admin: false }, step.workflowId as string, step.version)
          if (spec === undefined) throw new StepError(`no workflow "${step.workflowId as string}"${step.version === undefined ? '' : ` v${step.version}`} of the run's owner`, 'R3SN_WORKFLOW_NOT_FOUND', false)
          return { ...spec, trigger: ctx.input ?? {} }
        },
        join: (reports, ids) => {
          const r = reports.get(0)
          if (r === undefined) return undefined
          if (r.status !== 'completed') throw failed(`child execution ${ids(0)} ${childFailure(r)}`, { childId: ids(0), status: r.status, error: r.error })
          return { output: r.result ?? null }
        }
      })
    }
  }
}

/** `parallel`: each branch runs as a child execution (an inline plan); joined all, any or first-success. */
export function parallelStep (rt: ChildRuntime): StepHandler {
  return {
    sideEffects: false,
    waits: true,
    validate: step => {
      if (step.branches === undefined || Object.keys(step.branches).length === 0) return 'a parallel step needs branches: {name: [steps]}'
      if (Object.keys(step.branches).length > 50) return 'a parallel step has at most 50 branches (a foreach goes over many items)'
      return onlyFor(step)
    },
    run: async ctx => {
      const { step } = ctx
      const branches = step.branches as Record<string, WorkflowStep[]>
      const names = Object.keys(branches)
      const join = step.join ?? 'all'
      const first = (reports: Map<number, ChildReport>, ok: (r: ChildReport) => boolean): number | undefined =>
        [...reports].filter(([, r]) => ok(r)).sort(([a, x], [b, y]) => Date.parse(x.endTime) - Date.parse(y.endTime) || a - b)[0]?.[0]
      return runChildren(rt, ctx, {
        total: names.length,
        concurrency: step.maxConcurrency ?? names.length,
        suffix: i => names[i] as string,
        spec: async i => ({ type: 'workflow', trigger: ctx.input ?? (ctx.scope.trigger ?? {}), plan: branches[names[i] as string] as WorkflowStep[] }),
        join: (reports, ids) => {
          const failure = (i: number, r: ChildReport) => failed(`branch "${names[i] as string}" (${ids(i)}) ${childFailure(r)}`, { branch: names[i], childId: ids(i), status: r.status, error: r.error })
          if (join === 'all') {
            const bad = first(reports, r => r.status !== 'completed')
            if (bad !== undefined) throw failure(bad, reports.get(bad) as ChildReport)
            if (reports.size < names.length) return undefined
            return { output: Object.fromEntries(names.map((n, i) => [n, reports.get(i)?.result ?? null])) }
          }
          const winner = first(reports, r => join === 'any' || r.status === 'completed')
          if (winner !== undefined) {
            const r = reports.get(winner) as ChildReport
            if (r.status !== 'completed') throw failure(winner, r)
            return { output: { [names[winner] as string]: r.result ?? null } }
          }
          if (reports.size < names.length) return undefined
          throw failed(`every branch failed (join first-success): ${names.map((n, i) => `${n} ${childFailure(reports.get(i) as ChildReport)}`).join('; ')}`, { errors: Object.fromEntries(names.map((n, i) => [n, reports.get(i)?.error ?? null])) })
        }
      })
    }
  }
}

/** The items of a foreach step, from its expression over the run's scope. */
async function itemsOf (step: WorkflowStep, scope: unknown): Promise<unknown[]> {
  const source = (step.items as string).replace(/^=/, '')
  let items: unknown
  try {
    items = await evaluate(source, scope)
  } catch (err) {
    throw new StepError(`JSONata: ${(err as Error).message}`, 'R3SN_EXPRESSION_FAILED', false)
  }
  if (items === undefined) return []
  if (!Array.isArray(items)) throw new StepError(`items gave ${JSON.stringify(items)?.slice(0, 100) ?? 'nothing'}, not an array`, 'R3SN_BAD_ITEMS', false)
  const max = step.maxItems ?? DEFAULT_MAX_ITEMS
  if (items.length > max) throw new StepError(`items gave ${items.length} items, more than maxItems (${max})`, 'R3SN_TOO_MANY_ITEMS', false, { count: items.length, maxItems: max })
  return items
}

/** `foreach`: the steps run for each item as a child execution, `concurrency` at once; the outputs in item order. */
export function foreachStep (rt: ChildRuntime): StepHandler {
  return {
    sideEffects: false,
    waits: true,
    validate: (step): string | StepProblem | undefined => {
      if (step.items === undefined || step.steps === undefined) return 'a foreach step needs items (an expression giving an array) and steps'
      const err = compileError(step.items.replace(/^=/, ''))
      if (err !== undefined) return `bad JSONata expression in items: ${err}`
      return onlyFor(step)
    },
    run: async ctx => {
      const { step } = ctx
      // (Computed again on each waking from the same recorded outputs: only the count and the item at hand matter.)
      const items = await itemsOf(step, ctx.scope)
      const mode = step.onItemError ?? 'fail'
      return runChildren(rt, ctx, {
        total: items.length,
        concurrency: step.concurrency ?? DEFAULT_FOREACH_CONCURRENCY,
        suffix: i => String(i),
        spec: async i => ({ type: 'workflow', trigger: { item: items[i] ?? null, index: i, ...(ctx.input === undefined ? {} : { input: ctx.input }) }, plan: step.steps as WorkflowStep[] }),
        join: (reports, ids) => {
          if (mode === 'fail') {
            for (const [i, r] of [...reports].sort(([a], [b]) => a - b)) {
              if (r.status !== 'completed') throw failed(`item ${i} (${ids(i)}) ${childFailure(r)}`, { index: i, childId: ids(i), status: r.status, error: r.error })
            }
          }
          if (reports.size < items.length) return undefined
          const output: unknown[] = []
          for (let i = 0; i < items.length; i++) {
            const r = reports.get(i) as ChildReport
            if (r.status === 'completed') output.push(r.result ?? null)
            else if (mode === 'collect') output.push({ error: { ...r.error, status: r.status, index: i } })
          }
          return { output }
        }
      })
    }
  }
}
