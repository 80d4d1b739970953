import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { MongoError, MongoServerError } from 'mongodb'
import { isDuplicateKey } from '../lib/mongo.js'
import { isTransientDbError } from '../lib/errors.js'
import type { RunEventBus } from '../lib/run-events.js'
import type { SandboxPoolStatus } from './sandbox.js'

/** Seconds, from a few milliseconds (a pure step) to minutes (an agent run). */
const RUN_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900]
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
const LLM_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

/** More distinct values than this for a label fed by user input (an agent's model) are reported as "other". */
const MAX_FREE_LABEL_VALUES = 20

/** What the gauges read when Prometheus scrapes: each engine hands in its own reader. */
export interface MetricReaders {
  /** The orchestrator's worker: its runs and slots, and the open runs by status as its last poll read them. */
  queue: () => { running: number, held: number, slots: number, seen: { at: number, byStatus: Record<string, number> } | undefined }
  sandbox: () => SandboxPoolStatus
  realtimeConnections: () => number
}

/** A diagnosis of self-debugging once its outcome is known. */
export interface SettledDiagnosis { class: string, action: string, outcome: string }

/**
 * The Prometheus metrics of one app instance, in a registry of its own (several apps in one
 * process, as in the tests, never share a series). Engines count into the fields; gauges are
 * read at scrape time from what the engines keep anyway, so a scrape costs no database call.
 */
export class Metrics {
  readonly registry = new Registry()
  private readonly readers: Partial<MetricReaders> = {}
  private readonly models = new Set<string>()

  readonly httpRequests = this.counter('r3sn_http_requests_total', 'HTTP requests answered, by method, route pattern and status code', ['method', 'route', 'status'])
  readonly httpDuration = new Histogram({ name: 'r3sn_http_request_duration_seconds', help: 'Time to answer an HTTP request, by method, route pattern and status class', labelNames: ['method', 'route', 'status_class'], buckets: HTTP_BUCKETS, registers: [this.registry] })

  readonly runsQueued = this.counter('r3sn_runs_queued_total', 'Runs created (queued), by type', ['type'])
  readonly runsStarted = this.counter('r3sn_runs_started_total', 'Runs started on this instance, by type; resumed="true" for one taken up again after a stop or a takeover', ['type', 'resumed'])
  readonly runsEnded = this.counter('r3sn_runs_ended_total', 'Runs that ended on this instance, by type and final status', ['type', 'status'])
  readonly runsStopped = this.counter('r3sn_runs_stopped_total', 'Runs that stopped here without ending, left to be resumed: fenced (a newer lease holds it), shutdown, failure (the database or a bug)', ['reason'])
  readonly runDuration = new Histogram({ name: 'r3sn_run_duration_seconds', help: 'From a run\'s start to its end, by type and final status', labelNames: ['type', 'status'], buckets: RUN_BUCKETS, registers: [this.registry] })
  readonly stepDuration = new Histogram({ name: 'r3sn_step_duration_seconds', help: 'From a step\'s start to its end, all attempts, by step type and status', labelNames: ['type', 'status'], buckets: RUN_BUCKETS, registers: [this.registry] })
  readonly stepRetries = this.counter('r3sn_step_retries_total', 'Step attempts that failed and were tried again (retry policy or self-debugging), by step type', ['type'])

  readonly leaseClaims = this.counter('r3sn_lease_claims_total', 'Claims of queued or abandoned runs from the database, by result (won, or lost to another claim)', ['result'])
  readonly leaseTakeovers = this.counter('r3sn_lease_takeovers_total', 'Runs taken over from another instance whose heartbeat went silent', [])
  readonly sweptRuns = this.counter('r3sn_sweep_moved_runs_total', 'Ended runs a dead instance left among the open ones, moved to the history by the sweep', [])

  readonly diagnoses = this.counter('r3sn_self_debugging_diagnoses_total', 'Self-debugging diagnoses of failed steps, by failure class, action and outcome (recovered, applied-failed, rejected, not-applied)', ['class', 'action', 'outcome'])

  readonly llmCalls = this.counter('r3sn_llm_calls_total', 'LLM calls, by purpose, model and result', ['purpose', 'model', 'result'])
  readonly llmTokens = this.counter('r3sn_llm_tokens_total', 'LLM tokens spent, by purpose, model and kind (prompt, completion)', ['purpose', 'model', 'kind'])
  readonly llmErrors = this.counter('r3sn_llm_errors_total', 'Failed LLM calls, by purpose and error code', ['purpose', 'code'])
  readonly llmDuration = new Histogram({ name: 'r3sn_llm_call_duration_seconds', help: 'Time of an LLM call (retries included), by purpose', labelNames: ['purpose'], buckets: LLM_BUCKETS, registers: [this.registry] })

  readonly slowConsumers = this.counter('r3sn_realtime_slow_consumers_total', 'WebSocket and Socket.IO connections closed because they did not read fast enough, by transport', ['transport'])

  readonly dbErrors = this.counter('r3sn_db_errors_total', 'Failed database operations, by where (request, runtime), kind (transient, server, other) and code', ['source', 'kind', 'code'])
  readonly dbHeartbeatFailures = this.counter('r3sn_db_heartbeat_failures_total', 'Server checks of the database driver that failed (the database did not answer)', [])
  readonly dbReconnects = this.counter('r3sn_db_reconnects_total', 'Reconnections after the driver\'s server check got stuck (the watchdog in plugins/mongo.ts)', [])

  constructor () {
    this.gauge('r3sn_worker_runs', 'Runs on this instance: running, or held for its next free slot', ['state'], (g) => {
      const q = this.readers.queue?.()
      if (q === undefined) return
      g.set({ state: 'running' }, q.running)
      g.set({ state: 'held' }, q.held)
    })
    this.gauge('r3sn_worker_slots', 'Runs this instance runs at once at most (R3SN_CONCURRENCY)', [], (g) => {
      const q = this.readers.queue?.()
      if (q !== undefined) g.set(q.slots)
    })
    this.gauge('r3sn_queue_runs', 'Unfinished runs in the database by status, as this instance last read them (it reads them at each poll while it has a free slot; up to 1000)', ['status'], (g) => {
      const seen = this.readers.queue?.().seen
      if (seen === undefined) return
      for (const status of ['queued', 'running', 'waiting']) g.set({ status }, seen.byStatus[status] ?? 0)
    })
    this.gauge('r3sn_queue_read_timestamp_seconds', 'When r3sn_queue_runs was read from the database (Unix time)', [], (g) => {
      const seen = this.readers.queue?.().seen
      if (seen !== undefined) g.set(seen.at / 1000)
    })

    // The sandbox keeps its own counts (engine status shows them too): read, not counted twice.
    const sandbox = (read: (s: SandboxPoolStatus) => number) => () => {
      const s = this.readers.sandbox?.()
      return s === undefined ? undefined : read(s)
    }
    this.readCounter('r3sn_sandbox_runs_total', 'Plugin runs in the sandbox', sandbox(s => s.runs))
    this.readCounter('r3sn_sandbox_run_failures_total', 'Plugin runs in the sandbox that failed (the plugin threw, hit a limit, or was refused)', sandbox(s => s.failures))
    this.readCounter('r3sn_sandbox_refused_runs_total', 'Sandbox runs refused because the queue was full (R3SN_SANDBOX_BUSY)', sandbox(s => s.refusedRuns))
    this.readCounter('r3sn_sandbox_waited_runs_total', 'Sandbox runs that had to wait in the queue for a worker', sandbox(s => s.waitedRuns))
    this.readCounter('r3sn_sandbox_worker_restarts_total', 'Sandbox workers replaced because they stopped answering', sandbox(s => s.restarts))
    this.readGauge('r3sn_sandbox_pool_size', 'Sandbox worker threads the pool may start (R3SN_SANDBOX_WORKERS)', sandbox(s => s.poolSize))
    this.readGauge('r3sn_sandbox_workers', 'Sandbox worker threads started', sandbox(s => s.workers))
    this.readGauge('r3sn_sandbox_busy_workers', 'Sandbox worker threads running at least one run', sandbox(s => s.busy))
    this.readGauge('r3sn_sandbox_running_runs', 'Runs inside sandbox workers now', sandbox(s => s.running))
    this.readGauge('r3sn_sandbox_queued_runs', 'Sandbox runs waiting for a worker now', sandbox(s => s.queued))
    this.readGauge('r3sn_sandbox_queue_capacity', 'Sandbox runs that may wait before more are refused (R3SN_SANDBOX_MAX_QUEUE)', sandbox(s => s.maxQueued))
    this.readGauge('r3sn_realtime_connections', 'Open WebSocket and Socket.IO connections', () => this.readers.realtimeConnections?.())
  }

  /** Hands in what a gauge reads at scrape time. */
  read<K extends keyof MetricReaders> (name: K, reader: MetricReaders[K]): void {
    this.readers[name] = reader
  }

  /** Counts runs from the events their engines publish anyway (each event once it is stored). */
  observeRuns (bus: RunEventBus): void {
    bus.on('event', (event, _owner, type) => {
      switch (event.type) {
        case 'execution.queued': this.runsQueued.inc({ type }); break
        case 'execution.started': this.runsStarted.inc({ type, resumed: 'false' }); break
        case 'execution.resumed': this.runsStarted.inc({ type, resumed: 'true' }); break
        case 'execution.completed': this.runsEnded.inc({ type, status: 'completed' }); break
        case 'execution.failed': this.runsEnded.inc({ type, status: 'failed' }); break
        case 'execution.cancelled': this.runsEnded.inc({ type, status: 'cancelled' }); break
      }
    })
    bus.on('ended', (_id, doc) => {
      if (doc?.executionTime != null) this.runDuration.observe({ type: doc.type, status: doc.status }, doc.executionTime / 1000)
    })
  }

  settled (d: SettledDiagnosis): void {
    this.diagnoses.inc({ class: d.class, action: d.action, outcome: d.outcome })
  }

  /** An LLM call's model as a label: the configured ones and the first few others by name, then "other" (an agent's model is user input). */
  modelLabel (model: string): string {
    if (this.models.has(model)) return model
    if (this.models.size >= MAX_FREE_LABEL_VALUES) return 'other'
    this.models.add(model)
    return model
  }

  /** Counts a failed database operation (a duplicate key is the unique insert's normal "no", not a failure). */
  dbError (source: 'request' | 'runtime', err: unknown): void {
    if (isDuplicateKey(err)) return
    const kind = isTransientDbError(err) ? 'transient' : err instanceof MongoServerError ? 'server' : 'other'
    const code = err instanceof MongoServerError ? (err.codeName ?? String(err.code)) : err instanceof MongoError ? err.name : 'none'
    this.dbErrors.inc({ source, kind, code })
  }

  private counter<L extends string> (name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] })
  }

  private gauge (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void): void {
    this.registry.registerMetric(new Gauge({ name, help, labelNames, registers: [], collect () { collect(this) } }))
  }

  private readGauge (name: string, help: string, read: () => number | undefined): void {
    this.gauge(name, help, [], g => { const v = read(); if (v !== undefined) g.set(v) })
  }

  /** A counter whose total an engine keeps itself: set to that total at scrape time. */
  private readCounter (name: string, help: string, read: () => number | undefined): void {
    this.registry.registerMetric(new Counter({ name, help, registers: [], collect () { const v = read(); if (v !== undefined) { this.reset(); this.inc(v) } } }))
  }
}

declare module 'fastify' {
  interface FastifyInstance { metrics: Metrics }
}

/** Status codes as classes ("2xx"), so the latency histogram keeps few series. */
function statusClass (code: number): string {
  return `${Math.floor(code / 100)}xx`
}

async function metrics (app: FastifyInstance) {
  const m = new Metrics()
  app.decorate('metrics', m)
  // Route patterns, never paths: "/api/executions/:id", and "unmatched" for what no route answers (scanners).
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched'
    m.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) })
    m.httpDuration.observe({ method: req.method, route, status_class: statusClass(reply.statusCode) }, reply.elapsedTime / 1000)
  })
  // Where a request failed on the database (the error handler answers 503 for a transient one).
  app.addHook('onError', async (_req, _reply, err) => {
    if (err instanceof MongoError) m.dbError('request', err)
  })
}

export default fp(metrics, { name: 'metrics' })
