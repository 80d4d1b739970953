import fp from 'fastify-plugin'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { createHash } from 'node:crypto'
import type { Collection, Db } from 'mongodb'
import type { Config } from '../config.js'
import { isDuplicateKey, type Owner } from '../lib/mongo.js'
import type { Diagnosis } from '../schemas/executions.js'
import type { LearningResponse } from '../schemas/learning.js'
import type { Strategy } from '../schemas/execute.js'
import type { WorkflowStep } from '../schemas/workflows.js'
import { planOf, strategyOf, TERMINAL, type ExecutionDoc } from './runtime/store.js'

/** Recent durations kept per record, for the p50. */
const SAMPLES = 50

interface Stats {
  runs: number
  successes: number
  failures: number
  durationsMs: number[]
  /** error code -> count */
  failureClasses: Record<string, number>
  /** self-debugging: diagnosis class -> count, and how many of them recovered the step (at most one per step run) */
  diagnoses: Record<string, number>
  recovered: number
  /** self-debugging: diagnosis outcome -> count (absent in records older than outcomes per diagnosis) */
  outcomes?: Record<string, number>
  /** runs (of the strategy, or step runs of the tool) that succeeded after self-debugging applied a remedy */
  recoveredRuns?: number
  /** LLM repair rounds spent (each proposal, applied or rejected) */
  repairRounds?: number
  /** LLM tokens spent (agent turns, planning) */
  tokens: number
}

interface StrategyDoc extends Stats {
  _id: string
  kind: 'strategy'
  ownerId: string
  fingerprint: string
  promptKey: string
  prompt: string
  intent: string
  strategyJson: string
  /** Failures since the last success: a learned plan that starts failing stops being reused. */
  consecutiveFailures: number
  promptTokens: number
  completionTokens: number
  reused: number
  rev: number
  updatedAt: Date
}

interface ToolDoc extends Stats {
  _id: string
  kind: 'tool'
  ownerId: string
  tool: string
  rev: number
  updatedAt: Date
}

type LearningDoc = StrategyDoc | ToolDoc

/** Lower case, words only: "Return the current timestamp!" and "return the current  timestamp" are one prompt. */
export function promptKey (prompt: string): string {
  return prompt.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
}

/** The plan's shape: step types and what they call, in order. */
export function planShape (steps: WorkflowStep[]): string {
  return steps.map(s => `${s.type}:${s.action ?? ''}${s.plugin === undefined ? '' : `@${s.plugin}`}`).join('>')
}

export function fingerprintOf (prompt: string, steps: WorkflowStep[]): string {
  return createHash('sha256').update(`${promptKey(prompt)}|${planShape(steps)}`).digest('hex').slice(0, 24)
}

/** What a step called, as a tool name: an integration action, a plugin action or an agent. */
function toolOf (step: WorkflowStep): string | undefined {
  if (step.type === 'integration') return step.action
  if (step.type === 'plugin') return `${step.plugin ?? ''}.${step.action ?? ''}`
  if (step.type === 'agent') return `agent:${step.agent ?? ''}`
  return undefined
}

function percentile (values: number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number
}

const emptyStats = (): Stats => ({ runs: 0, successes: 0, failures: 0, durationsMs: [], failureClasses: {}, diagnoses: {}, recovered: 0, tokens: 0 })

/**
 * Learns from every ended execution: statistics per strategy (prompt + plan shape) and per
 * tool, kept in `learnings`. A prompt whose learned plan has been reliable is answered with
 * that plan instead of a planning call; the planner is told how reliable each tool has been.
 */
export class SelfEvolving {
  readonly learnings: Collection<LearningDoc>
  private readonly observed: Collection<{ _id: string, at: Date }>
  readonly cache = { hits: 0, misses: 0 }

  constructor (db: Db, private readonly config: Config, private readonly log: FastifyBaseLogger) {
    this.learnings = db.collection('learnings')
    this.observed = db.collection('learnings_observed')
  }

  async init (): Promise<void> {
    await this.learnings.createIndex({ ownerId: 1, kind: 1 })
    await this.learnings.createIndex({ ownerId: 1, promptKey: 1 })
  }

  /**
   * Records an ended execution once (per attempt), whichever instance ran it: a unique
   * insert of executionId:attempt decides who counts it.
   */
  async observe (doc: ExecutionDoc): Promise<void> {
    if (!TERMINAL.includes(doc.status)) return
    // Nothing to learn from a run without tools or a plan: no write at all.
    const plan = new Map(planOf(doc).map(s => [s.id, s]))
    if (doc.type !== 'prompt' && !doc.steps.some(run => { const step = plan.get(run.stepId); return step !== undefined && toolOf(step) !== undefined })) return
    try {
      await this.observed.insertOne({ _id: `${doc._id}:${doc.attempt}`, at: new Date() })
    } catch (err) {
      if (isDuplicateKey(err)) return
      throw err
    }
    const diagnoses = doc.diagnoses ?? []
    for (const run of doc.steps) {
      const step = plan.get(run.stepId)
      const tool = step === undefined ? undefined : toolOf(step)
      if (tool === undefined || run.status === 'running' || run.status === 'cancelled') continue
      const ofStep = diagnoses.filter(d => d.stepId === run.stepId)
      await this.update<ToolDoc>(`tool:${doc.ownerId}:${tool}`, { kind: 'tool', ownerId: doc.ownerId, tool }, stats => {
        this.count(stats, run.status === 'completed', run.durationMs, run.error?.code, ofStep)
        stats.tokens = (stats.tokens ?? 0) + (run.tokens ?? 0)
      })
    }
    const strategy = strategyOf(doc) as Strategy | null
    if (doc.type !== 'prompt' || strategy === null || doc.status === 'cancelled') return
    const fingerprint = fingerprintOf(doc.prompt ?? '', strategy.steps)
    const ok = doc.status === 'completed'
    await this.update<StrategyDoc>(`strategy:${doc.ownerId}:${fingerprint}`, {
      kind: 'strategy', ownerId: doc.ownerId, fingerprint, promptKey: promptKey(doc.prompt ?? ''), prompt: doc.prompt ?? '', intent: strategy.intent,
      strategyJson: JSON.stringify({ ...strategy, source: 'planned' }), consecutiveFailures: 0, promptTokens: 0, completionTokens: 0, reused: 0
    }, stats => {
      this.count(stats, ok, doc.executionTime ?? undefined, doc.error?.code, diagnoses)
      stats.consecutiveFailures = ok ? 0 : stats.consecutiveFailures + 1
      stats.promptTokens += doc.usage?.promptTokens ?? 0
      stats.completionTokens += doc.usage?.completionTokens ?? 0
      stats.tokens = (stats.tokens ?? 0) + (doc.usage?.promptTokens ?? 0) + (doc.usage?.completionTokens ?? 0)
      if (strategy.source === 'learned') stats.reused++
    })
  }

  private count (stats: Stats, ok: boolean, durationMs: number | undefined, code: string | undefined, diagnoses: Diagnosis[]): void {
    stats.runs++
    if (ok) stats.successes++
    else {
      stats.failures++
      const key = (code ?? 'UNKNOWN').replace(/[.$]/g, '_')
      stats.failureClasses[key] = (stats.failureClasses[key] ?? 0) + 1
    }
    if (durationMs !== undefined) stats.durationsMs = [...stats.durationsMs, durationMs].slice(-SAMPLES)
    const outcomes = stats.outcomes ??= {}
    for (const d of diagnoses) {
      stats.diagnoses[d.class] = (stats.diagnoses[d.class] ?? 0) + 1
      outcomes[d.outcome] = (outcomes[d.outcome] ?? 0) + 1
      if (d.outcome === 'recovered') stats.recovered++
      if (d.round !== undefined) stats.repairRounds = (stats.repairRounds ?? 0) + 1
    }
    if (ok && diagnoses.some(d => d.outcome === 'recovered')) stats.recoveredRuns = (stats.recoveredRuns ?? 0) + 1
  }

  /** Read, change, write back if nobody wrote meanwhile (FerretDB has no atomic findAndModify). */
  private async update<T extends LearningDoc> (id: string, fresh: Omit<T, keyof Stats | '_id' | 'rev' | 'updatedAt'>, change: (doc: T) => void): Promise<void> {
    for (let tries = 0; tries < 20; tries++) {
      const current = await this.learnings.findOne({ _id: id }) as T | null
      const doc = (current ?? { _id: id, ...fresh, ...emptyStats(), rev: 0, updatedAt: new Date() }) as T
      change(doc)
      const next = { ...doc, rev: doc.rev + 1, updatedAt: new Date() }
      try {
        if (current === null) {
          await this.learnings.insertOne(next as LearningDoc)
          return
        }
        const res = await this.learnings.replaceOne({ _id: id, rev: current.rev }, next as LearningDoc)
        if (res.matchedCount === 1) return
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
      }
    }
    this.log.warn({ id }, 'learning update lost a race 20 times; skipped')
  }

  private reliable (doc: StrategyDoc): boolean {
    return doc.consecutiveFailures === 0 && doc.successes >= this.config.learnMinSuccesses && doc.successes / doc.runs >= this.config.learnMinSuccessRate
  }

  /** The proven plan for this prompt, if one has been reliable; counts cache hits and misses. */
  async learnedPlan (owner: Owner, prompt: string): Promise<Strategy | undefined> {
    if (!this.config.learnReusePlans) return undefined
    const candidates = await this.learnings.find({ ownerId: owner.id, kind: 'strategy', promptKey: promptKey(prompt) }).toArray() as StrategyDoc[]
    const best = candidates.filter(d => this.reliable(d)).sort((a, b) => b.successes - a.successes)[0]
    if (best === undefined) { this.cache.misses++; return undefined }
    this.cache.hits++
    return { ...JSON.parse(best.strategyJson) as Strategy, source: 'learned', fingerprint: best.fingerprint }
  }

  /** How each tool has done for this user, worst first, for the planner's prompt. */
  async toolReliability (owner: Owner): Promise<{ tool: string, runs: number, successRate: number, commonFailures: string[] }[]> {
    const tools = await this.learnings.find({ ownerId: owner.id, kind: 'tool' }).toArray() as ToolDoc[]
    return tools
      .filter(t => t.runs > 0)
      .map(t => ({
        tool: t.tool,
        runs: t.runs,
        successRate: +(t.successes / t.runs).toFixed(2),
        commonFailures: Object.entries(t.failureClasses).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([code]) => code)
      }))
      .sort((a, b) => a.successRate - b.successRate)
      .slice(0, 50)
  }

  async report (owner: Owner): Promise<LearningResponse> {
    const docs = await this.learnings.find({ ownerId: owner.id }).toArray()
    const shared = (d: Stats) => ({
      runs: d.runs,
      successes: d.successes,
      failures: d.failures,
      successRate: d.runs === 0 ? null : +(d.successes / d.runs).toFixed(3),
      p50DurationMs: percentile(d.durationsMs, 0.5),
      failureClasses: d.failureClasses,
      diagnoses: d.diagnoses,
      recovered: d.recovered,
      recoveredRuns: d.recoveredRuns ?? 0,
      repairRounds: d.repairRounds ?? 0,
      outcomes: d.outcomes ?? {},
      tokens: d.tokens ?? 0
    })
    return {
      success: true,
      strategies: docs.filter((d): d is StrategyDoc => d.kind === 'strategy').map(d => ({
        fingerprint: d.fingerprint, prompt: d.prompt, intent: d.intent, planShape: planShape((JSON.parse(d.strategyJson) as Strategy).steps),
        ...shared(d), promptTokens: d.promptTokens, completionTokens: d.completionTokens, reused: d.reused, reusable: this.reliable(d)
      })),
      tools: docs.filter((d): d is ToolDoc => d.kind === 'tool').map(d => ({ tool: d.tool, ...shared(d) }))
    }
  }

  async status () {
    const [strategies, tools] = await Promise.all([
      this.learnings.countDocuments({ kind: 'strategy' }),
      this.learnings.countDocuments({ kind: 'tool' })
    ])
    const lookups = this.cache.hits + this.cache.misses
    return {
      initialized: true,
      reusePlans: this.config.learnReusePlans,
      strategies,
      tools,
      planCache: { hits: this.cache.hits, misses: this.cache.misses, hitRate: lookups === 0 ? null : +(this.cache.hits / lookups).toFixed(3) }
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance { selfEvolving: SelfEvolving }
}

async function selfEvolving (app: FastifyInstance, opts: { config: Config }) {
  const engine = new SelfEvolving(app.mongo.db, opts.config, app.log.child({ engine: 'self-evolving' }))
  await engine.init()
  app.decorate('selfEvolving', engine)
  app.engineStatus.register('selfEvolvingEngine', () => engine.status())
}

export default fp(selfEvolving, { name: 'self-evolving', dependencies: ['mongo', 'engine-status'] })
