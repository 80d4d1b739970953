import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { Budget } from './schemas/workflows.js'

/**
 * Every environment variable R3SN reads, with its default and what it does.
 * The README's configuration table is checked against this schema by a test.
 */
export const EnvSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1', minLength: 1, description: 'Address the HTTP server listens on.' }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535, description: 'Port the HTTP server listens on (0 picks a free one).' }),
  MONGODB_URI: Type.Optional(Type.String({ pattern: '^mongodb(\\+srv)?://', description: 'MongoDB (or FerretDB) connection string. Unset: an embedded FerretDB over an embedded PostgreSQL in R3SN_DATA_DIR.' })),
  R3SN_POSTGRES_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'With MONGODB_URI unset: run the embedded FerretDB over this PostgreSQL instead of starting one.' })),
  R3SN_DB_NAME: Type.String({ default: 'r3sn', pattern: '^[A-Za-z0-9_-]{1,63}$', description: 'Database name inside the MongoDB server.' }),
  R3SN_DB_TIMEOUT_MS: Type.Integer({ default: 5000, minimum: 100, description: 'How long to wait for the database before boot fails or /ready answers 503.' }),
  R3SN_DATA_DIR: Type.String({ default: './data', minLength: 1, description: 'Folder for the embedded database (kept across restarts).' }),
  R3SN_ADMIN_KEY: Type.Optional(Type.String({ minLength: 24, description: 'Fixed admin API key (at least 24 characters). Unset: the first start creates one and prints it once.' })),
  R3SN_CONCURRENCY: Type.Integer({ default: 32, minimum: 1, maximum: 1000, description: 'Executions one instance runs at a time (a run waiting on the database or an HTTP call holds its slot).' }),
  R3SN_LEASE_MS: Type.Integer({ default: 3000, minimum: 500, description: 'How long an instance may stay silent (no heartbeat, written every quarter of this, at most each second) before other instances take over its running executions.' }),
  R3SN_POLL_MS: Type.Integer({ default: 500, minimum: 10, description: 'How often an instance looks for executions to claim while there is work.' }),
  R3SN_IDLE_POLL_MS: Type.Integer({ default: 5000, minimum: 10, description: 'Longest pause between looks for executions while idle (the pause doubles from R3SN_POLL_MS; new local work wakes it at once).' }),
  R3SN_SWEEP_MS: Type.Integer({ default: 30000, minimum: 10, description: 'How often an instance checks that every unfinished execution is queued (and removes what a crash left half-created).' }),
  R3SN_SYNC_TIMEOUT_MS: Type.Integer({ default: 30000, minimum: 1, description: 'How long a sync run waits before answering 202 with the executionId.' }),
  R3SN_MAX_WORKFLOW_DEPTH: Type.Integer({ default: 5, minimum: 1, maximum: 50, description: 'How deep child executions may nest (workflow, parallel and foreach steps): a run at this depth that starts another child fails with R3SN_DEPTH_EXCEEDED.' }),
  R3SN_CHILD_CHECK_MS: Type.Integer({ default: 30000, minimum: 10, description: 'A run waiting for child executions looks at them itself at least this often (a safety net: each child\'s end wakes it).' }),
  R3SN_RETENTION_DAYS: Type.Number({ default: 30, exclusiveMinimum: 0, description: 'Ended executions and their events older than this are pruned.' }),
  R3SN_RETENTION_INTERVAL_MS: Type.Integer({ default: 3600000, minimum: 10, description: 'How often the retention job runs.' }),
  R3SN_SCHEDULER_TICK_MS: Type.Integer({ default: 1000, minimum: 10, description: 'How often schedule triggers are checked.' }),
  R3SN_HTTP_ALLOWED_HOSTS: Type.String({ default: '*', description: 'Comma-separated hosts (or host:port) http.request may call; "*" allows any public host. Private, loopback and link-local addresses need an explicit entry.' }),
  R3SN_WS_MAX_FRAME_BYTES: Type.Integer({ default: 65536, minimum: 256, description: 'Largest event a client may send, on /ws (bigger frames close the socket with 1009) and Socket.IO (Engine.IO\'s maxHttpBufferSize).' }),
  R3SN_WS_MAX_BUFFERED_BYTES: Type.Integer({ default: 1048576, minimum: 1, description: 'Bytes queued for a slow realtime reader before it is cut off (close code 4008 on /ws; Socket.IO gets error R3SN_SLOW_CONSUMER, then a disconnect).' }),
  R3SN_WS_MAX_SUBSCRIPTIONS: Type.Integer({ default: 100, minimum: 1, description: 'Execution subscriptions per realtime connection (runs followed with {all: true} do not count).' }),
  R3SN_WS_MAX_CONNECTIONS_PER_USER: Type.Integer({ default: 50, minimum: 1, description: 'Open realtime connections per user, /ws and Socket.IO together (more close with 4429, or error R3SN_LIMIT on Socket.IO).' }),
  R3SN_WS_AUTH_TIMEOUT_MS: Type.Integer({ default: 5000, minimum: 10, description: 'Time a realtime client has to authenticate (then close code 4401, or error R3SN_UNAUTHORIZED on Socket.IO).' }),
  R3SN_WS_MAX_FRAMES_PER_SECOND: Type.Integer({ default: 100, minimum: 1, description: 'Events a realtime connection may send per second (a burst of as many is allowed); more are refused with R3SN_RATE_LIMITED. Pings have an allowance of their own.' }),
  R3SN_WS_HEARTBEAT_MS: Type.Integer({ default: 30000, minimum: 10, description: 'Ping interval (of Engine.IO too); a connection that missed the previous pong is dropped.' }),
  R3SN_WS_FANOUT_POLL_MS: Type.Integer({ default: 100, minimum: 10, description: 'Shortest pause between reads of this instance\'s cross-instance event inbox (it doubles up to 0.5 s while empty; alone, an instance reads nothing).' }),
  R3SN_ENCRYPTION_KEY: Type.Optional(Type.String({ pattern: '^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$', description: 'Key for stored credentials (AES-256-GCM): 32 bytes as 64 hex characters or base64. Needed to store credentials; the service refuses to boot without it once credentials exist.' })),
  OPENAI_API_KEY: Type.Optional(Type.String({ minLength: 1, description: 'API key of the OpenAI-compatible LLM server. Unset: prompts use the offline planner and agents are unavailable.' })),
  OPENAI_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'Base URL of an OpenAI-compatible server (Ollama, vLLM, LM Studio, Azure); default OpenAI.' })),
  R3SN_MODEL: Type.String({ default: 'gpt-4o-mini', minLength: 1, description: 'Model used for planning and agents unless an agent names its own.' }),
  R3SN_LLM_MAX_RETRIES: Type.Integer({ default: 3, minimum: 0, maximum: 10, description: 'Retries of an LLM call answered 429 or 5xx (exponential backoff, Retry-After honoured).' }),
  R3SN_LLM_TIMEOUT_MS: Type.Integer({ default: 60000, minimum: 100, description: 'Timeout of one LLM call.' }),
  R3SN_SLACK_BASE_URL: Type.String({ default: 'https://slack.com/api', pattern: '^https?://', description: 'Base URL of the Slack Web API used by slack.postMessage.' }),
  R3SN_SANDBOX_WORKERS: Type.Integer({ default: 0, minimum: 0, maximum: 256, description: 'Worker threads that run plugin code, off the event loop (0: one per CPU core but one, at least 1). Each takes up to 4 runs at once, interleaved at their awaits.' }),
  R3SN_SANDBOX_MAX_QUEUE: Type.Integer({ default: 1000, minimum: 0, description: 'Plugin runs that may wait, in order, for a free sandbox worker; past this a run fails at once with R3SN_SANDBOX_BUSY (503, retryable).' }),
  R3SN_PLUGIN_REPAIR_ROUNDS: Type.Integer({ default: 2, minimum: 0, maximum: 10, description: 'Times a generated plugin that fails its sandbox checks is sent back to the LLM with the failures before it is refused.' }),
  R3SN_LEARN_REUSE_PLANS: Type.Boolean({ default: true, description: 'Answer a repeated prompt with its proven plan instead of a planning call.' }),
  R3SN_LEARN_MIN_SUCCESSES: Type.Integer({ default: 1, minimum: 1, description: 'Successful runs a plan needs before it is reused.' }),
  R3SN_LEARN_MIN_SUCCESS_RATE: Type.Number({ default: 0.8, minimum: 0, maximum: 1, description: 'Success rate a plan needs to be reused (and its last run must have succeeded).' }),
  R3SN_SELF_DEBUG: Type.Boolean({ default: true, description: 'Diagnose failed steps and act: retry transient failures, let the LLM repair bad input or patch a plugin.' }),
  R3SN_SELF_DEBUG_MAX_RETRIES: Type.Integer({ default: 3, minimum: 0, maximum: 20, description: 'Extra retries self-debugging gives a step that failed transiently (beyond its own retry policy).' }),
  R3SN_SELF_DEBUG_MAX_REPAIRS: Type.Integer({ default: 4, minimum: 0, maximum: 10, description: 'Repairs (corrected input or a patched plugin) a step is run again with, per step; a learned repair counts, a rejected proposal does not.' }),
  R3SN_SELF_DEBUG_MAX_ROUNDS: Type.Integer({ default: 4, minimum: 0, maximum: 10, description: 'LLM repair rounds per step: each proposal (applied or rejected) is one; a rejected or failed one goes back to the LLM with what went wrong. 4: with independent wrong answers at rate p a step recovers with probability 1 - p^4 (99 % at p = 0.3, 87 % at 0.6).' }),
  R3SN_SELF_DEBUG_MAX_TOKENS: Type.Integer({ default: 60000, minimum: 0, description: 'LLM tokens (prompt + completion) the repair rounds of one step may spend; no round starts past it.' }),
  R3SN_BUDGET_LLM_TOKENS: Type.Optional(Type.Integer({ minimum: 0, description: 'Default budget of a run that gives none (nor its workflow): LLM tokens (prompt + completion); no call starts once they are spent. Unset: no limit.' })),
  R3SN_BUDGET_LLM_CALLS: Type.Optional(Type.Integer({ minimum: 0, description: 'Default budget: LLM calls per run (planning, agent turns, plugin generation, self-debugging repairs). Unset: no limit.' })),
  R3SN_BUDGET_STEPS: Type.Optional(Type.Integer({ minimum: 0, description: 'Default budget: step runs per run (a step in a loop counts each time; retries do not). Unset: no limit (runs stop at 1000 anyway).' })),
  R3SN_BUDGET_SANDBOX_CPU_MS: Type.Optional(Type.Integer({ minimum: 0, description: 'Default budget: CPU milliseconds of plugin code in the sandbox per run. Unset: no limit (each plugin run keeps its own CPU limit).' })),
  R3SN_BUDGET_WALL_MS: Type.Optional(Type.Integer({ minimum: 0, description: 'Default budget: milliseconds from a run\'s start (waits included) after which no step starts and a running one is stopped. Unset: no limit.' })),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(l => Type.Literal(l)), { default: 'info', description: 'pino log level.' })
})
export type Env = Static<typeof EnvSchema>

export interface Config {
  host: string
  port: number
  /** Connection string; server.ts fills it with the embedded database's when the env leaves it unset. */
  mongodbUri: string | undefined
  /** PostgreSQL for the embedded FerretDB instead of the embedded PostgreSQL (MONGODB_URI unset). */
  postgresUrl: string | undefined
  mongoDb: string
  dbTimeoutMs: number
  dataDir: string
  adminKey: string | undefined
  logLevel: Env['LOG_LEVEL']
  concurrency: number
  leaseMs: number
  pollMs: number
  idlePollMs: number
  sweepMs: number
  syncTimeoutMs: number
  maxWorkflowDepth: number
  childCheckMs: number
  retentionDays: number
  retentionIntervalMs: number
  schedulerTickMs: number
  httpAllowedHosts: string[]
  wsMaxFrameBytes: number
  wsMaxBufferedBytes: number
  wsMaxSubscriptions: number
  wsMaxConnectionsPerUser: number
  wsAuthTimeoutMs: number
  wsMaxFramesPerSecond: number
  wsHeartbeatMs: number
  wsFanoutPollMs: number
  /** 32 bytes, decoded from R3SN_ENCRYPTION_KEY. */
  encryptionKey: Buffer | undefined
  openaiApiKey: string | undefined
  openaiBaseUrl: string | undefined
  model: string
  llmMaxRetries: number
  llmTimeoutMs: number
  slackBaseUrl: string
  sandboxWorkers: number
  sandboxMaxQueue: number
  pluginRepairRounds: number
  learnReusePlans: boolean
  learnMinSuccesses: number
  learnMinSuccessRate: number
  selfDebug: boolean
  selfDebugMaxRetries: number
  selfDebugMaxRepairs: number
  /** R3SN_BUDGET_*: the budget of a run that gives none, field by field (see engines/runtime/budget.ts). */
  budgetDefaults: Budget
  selfDebugMaxRounds: number
  selfDebugMaxTokens: number
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

function decodeKey (text: string | undefined): Buffer | undefined {
  if (text === undefined) return undefined
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64')
}

/** Parses the environment once; throws a ConfigError listing every bad variable. */
export function loadConfig (env: NodeJS.ProcessEnv): Config {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const parsed = Value.Convert(EnvSchema, Value.Default(EnvSchema, structuredClone(raw)))
  const problems = [...Value.Errors(EnvSchema, parsed)].map(e => {
    const name = e.path.slice(1)
    const allowed = (e.schema.anyOf as { const: string }[] | undefined)?.map(s => s.const).join(', ')
    return `${name}=${JSON.stringify(raw[name])}: ${allowed ? `expected one of ${allowed}` : e.message}`
  })
  if (problems.length > 0) throw new ConfigError([...new Set(problems)])
  const e = parsed as Env
  return {
    host: e.HOST,
    port: e.PORT,
    mongodbUri: e.MONGODB_URI,
    postgresUrl: e.R3SN_POSTGRES_URL,
    mongoDb: e.R3SN_DB_NAME,
    dbTimeoutMs: e.R3SN_DB_TIMEOUT_MS,
    dataDir: e.R3SN_DATA_DIR,
    adminKey: e.R3SN_ADMIN_KEY,
    logLevel: e.LOG_LEVEL,
    concurrency: e.R3SN_CONCURRENCY,
    leaseMs: e.R3SN_LEASE_MS,
    pollMs: e.R3SN_POLL_MS,
    idlePollMs: e.R3SN_IDLE_POLL_MS,
    sweepMs: e.R3SN_SWEEP_MS,
    syncTimeoutMs: e.R3SN_SYNC_TIMEOUT_MS,
    maxWorkflowDepth: e.R3SN_MAX_WORKFLOW_DEPTH,
    childCheckMs: e.R3SN_CHILD_CHECK_MS,
    retentionDays: e.R3SN_RETENTION_DAYS,
    retentionIntervalMs: e.R3SN_RETENTION_INTERVAL_MS,
    schedulerTickMs: e.R3SN_SCHEDULER_TICK_MS,
    httpAllowedHosts: e.R3SN_HTTP_ALLOWED_HOSTS.split(',').map(h => h.trim().toLowerCase()).filter(h => h !== ''),
    wsMaxFrameBytes: e.R3SN_WS_MAX_FRAME_BYTES,
    wsMaxBufferedBytes: e.R3SN_WS_MAX_BUFFERED_BYTES,
    wsMaxSubscriptions: e.R3SN_WS_MAX_SUBSCRIPTIONS,
    wsMaxConnectionsPerUser: e.R3SN_WS_MAX_CONNECTIONS_PER_USER,
    wsAuthTimeoutMs: e.R3SN_WS_AUTH_TIMEOUT_MS,
    wsMaxFramesPerSecond: e.R3SN_WS_MAX_FRAMES_PER_SECOND,
    wsHeartbeatMs: e.R3SN_WS_HEARTBEAT_MS,
    wsFanoutPollMs: e.R3SN_WS_FANOUT_POLL_MS,
    encryptionKey: decodeKey(e.R3SN_ENCRYPTION_KEY),
    openaiApiKey: e.OPENAI_API_KEY,
    openaiBaseUrl: e.OPENAI_BASE_URL,
    model: e.R3SN_MODEL,
    llmMaxRetries: e.R3SN_LLM_MAX_RETRIES,
    llmTimeoutMs: e.R3SN_LLM_TIMEOUT_MS,
    slackBaseUrl: e.R3SN_SLACK_BASE_URL.replace(/\/+$/, ''),
    sandboxWorkers: e.R3SN_SANDBOX_WORKERS,
    sandboxMaxQueue: e.R3SN_SANDBOX_MAX_QUEUE,
    pluginRepairRounds: e.R3SN_PLUGIN_REPAIR_ROUNDS,
    learnReusePlans: e.R3SN_LEARN_REUSE_PLANS,
    learnMinSuccesses: e.R3SN_LEARN_MIN_SUCCESSES,
    learnMinSuccessRate: e.R3SN_LEARN_MIN_SUCCESS_RATE,
    selfDebug: e.R3SN_SELF_DEBUG,
    selfDebugMaxRetries: e.R3SN_SELF_DEBUG_MAX_RETRIES,
    selfDebugMaxRepairs: e.R3SN_SELF_DEBUG_MAX_REPAIRS,
    selfDebugMaxRounds: e.R3SN_SELF_DEBUG_MAX_ROUNDS,
    selfDebugMaxTokens: e.R3SN_SELF_DEBUG_MAX_TOKENS,
    budgetDefaults: {
      ...(e.R3SN_BUDGET_LLM_TOKENS === undefined ? {} : { llmTokens: e.R3SN_BUDGET_LLM_TOKENS }),
      ...(e.R3SN_BUDGET_LLM_CALLS === undefined ? {} : { llmCalls: e.R3SN_BUDGET_LLM_CALLS }),
      ...(e.R3SN_BUDGET_STEPS === undefined ? {} : { steps: e.R3SN_BUDGET_STEPS }),
      ...(e.R3SN_BUDGET_SANDBOX_CPU_MS === undefined ? {} : { sandboxCpuMs: e.R3SN_BUDGET_SANDBOX_CPU_MS }),
      ...(e.R3SN_BUDGET_WALL_MS === undefined ? {} : { wallMs: e.R3SN_BUDGET_WALL_MS })
    }
  }
}
