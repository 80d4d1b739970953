import type { Static, TSchema } from '@sinclair/typebox'
import type { Owner } from '../lib/mongo.js'
import { findUnstorable, Invalid, validationDetails, validationMessage } from '../lib/errors.js'
import { jsonValidator, type Validator } from '../lib/validation.js'
import { sharedSchemas } from '../schemas/index.js'
import { ClientPayloads } from '../schemas/realtime.js'
import { createAgent, decideApproval, executePrompt, executeWorkflow, executionOf, generatedPlugin, generatePlugin, type Engines } from './operations.js'

/** How long a session that asked for a plugin waits to report its failure (the execution itself goes on regardless). */
export const GENERATION_WAIT_MS = 15 * 60_000

/**
 * What a message transport (the WebSocket /ws, Socket.IO) gives a command: the caller, and
 * the following of executions, which the transport carries out (subscriptions, replay, fan-out).
 */
export interface Session {
  readonly owner: Owner
  /** The connection, named in the user events it caused so that their broadcast skips it (it gets the reply). */
  readonly origin: string
  /** Whether the connection is still open and this owner's (it may close while a command awaits). */
  readonly open: boolean
  /** The last seq sent of an execution this session already follows; undefined when it does not follow it. */
  following (executionId: string): number | undefined
  /** Throws R3SN_LIMIT when the session may not follow one more execution; called before a run is started for it. */
  ensureRoom (): void
  /** Sends the execution's events after seq `since`, then live; `kind` names its progress, completed and failed events. Nothing once the session is closed. */
  follow (executionId: string, since: number, kind: 'workflow' | 'prompt'): void
  unfollow (executionId: string): void
  /** Follows every run of the owner from now on; with `since` (ms) first replays what happened after it. */
  followAll (since?: number): Promise<void>
  unfollowAll (): void
  /** A failure found after the answer (a generation that failed), sent as an error in reply to the command. */
  fail (err: unknown): void
}

/** One client event a message transport maps to an operation. */
export interface Command {
  /** The payload's schema (schemas/realtime.ts); checkPayload applies it before run. */
  readonly payload: TSchema
  /** The event that answers it. */
  readonly answer: string
  /** Runs it: the answer's data, or undefined to answer nothing (the session closed meanwhile). Errors are thrown. */
  run (engines: Engines, session: Session, data: unknown): Promise<object | undefined>
}

function command<S extends TSchema> (payload: S, answer: string, run: (engines: Engines, session: Session, data: Static<S>) => Promise<object | undefined>): Command {
  return { payload, answer, run: run as Command['run'] }
}

/**
 * The client events that are operations, by name: a transport authenticates, checks the payload
 * (checkPayload), calls `run` and sends `answer` with what it returns, or an error frame with the
 * thrown error shaped by describeError. `auth` and `ping` belong to the transport itself.
 */
export const commands: ReadonlyMap<string, Command> = new Map([
  ['execution:subscribe', command(ClientPayloads['execution:subscribe'], 'execution:subscribed', async (engines, session, data) => {
    if ('all' in data) {
      await session.followAll(data.since === undefined ? undefined : Date.parse(data.since))
      return session.open ? data : undefined
    }
    const { executionId, since } = data
    // Already followed: the events go on from where they are, with no second replay.
    const sent = session.following(executionId)
    if (sent !== undefined) return { executionId, since: sent }
    await executionOf(engines, session.owner, executionId)
    if (!session.open) return undefined
    session.follow(executionId, since ?? 0, 'workflow')
    return { executionId, since: since ?? 0 }
  })],
  ['execution:unsubscribe', command(ClientPayloads['execution:unsubscribe'], 'execution:unsubscribed', async (_engines, session, data) => {
    if ('all' in data) session.unfollowAll()
    else session.unfollow(data.executionId)
    return data
  })],
  ['workflow:execute', command(ClientPayloads['workflow:execute'], 'workflow:progress', async (engines, session, { workflowId, triggerData, priority }) => {
    session.ensureRoom()
    const doc = await executeWorkflow(engines, session.owner, workflowId, { triggerData, priority })
    session.follow(doc._id, 0, 'workflow')
    return { executionId: doc._id, workflowId, status: doc.status }
  })],
  ['prompt:execute', command(ClientPayloads['prompt:execute'], 'prompt:progress', async (engines, session, { prompt, context }) => {
    session.ensureRoom()
    // Streamed: the plan's tokens arrive as prompt:progress {stage: 'planning', tokens} while the LLM writes it.
    const doc = await executePrompt(engines, session.owner, { prompt, context }, { stream: true })
    session.follow(doc._id, 0, 'prompt')
    return { executionId: doc._id, prompt, status: doc.status }
  })],
  ['plugin:generate', command(ClientPayloads['plugin:generate'], 'plugin:progress', async (engines, session, request) => {
    // A durable execution of several LLM calls and sandbox runs: the session's next commands are not
    // held up; progress and the result arrive as plugin:* user events, a failure as an error in reply.
    const doc = await generatePlugin(engines, session.owner, request)
    engines.orchestrator.waitForEnd(doc._id, GENERATION_WAIT_MS)
      .then(async ended => { if (ended !== null && ended.status !== 'completed') await generatedPlugin(engines, ended) })
      .catch((err: unknown) => { session.fail(err) })
    return { appName: request.appName, executionId: doc._id, stage: 'accepted' }
  })],
  ['agent:create', command(ClientPayloads['agent:create'], 'agent:created', async (engines, session, definition) => {
    return { agent: await createAgent(engines, session.owner, definition, session.origin) }
  })],
  ['approval:decide', command(ClientPayloads['approval:decide'], 'approval:decided', async (engines, session, input) => {
    return await decideApproval(engines, session.owner, input)
  })]
])

// A Map: an event name from a client ("__proto__", "toString") must never reach Object.prototype.
const payloads = new Map<string, TSchema>(Object.entries(ClientPayloads))
let compile: ((schema: TSchema) => Validator) | undefined
const checks = new Map<string, Validator>()

/** Whether a client may send this event (the commands, plus the transport's own `auth` and `ping`). */
export function isClientEvent (event: string): boolean {
  return payloads.has(event)
}

/** The field a bare string stands for, where the original's clients send one (`execution:subscribe "<id>"`). */
const BARE_FIELD = new Map([
  ['execution:subscribe', 'executionId'],
  ['execution:unsubscribe', 'executionId'],
  ['auth', 'token'],
  ['prompt:execute', 'prompt']
])

/**
 * Reads a client event's payload and checks it as the HTTP API checks a body: the same validator
 * (Ajv, its options, no coercion), then the same boundary checks (no NUL or lone surrogate, no
 * non-finite number, no nesting past 64 levels). No payload is `{}`, and a bare string is the
 * event's main field. Throws R3SN_VALIDATION with the HTTP API's details, paths starting at
 * data/ where HTTP's start at body/.
 */
export function readPayload (event: string, raw: unknown): unknown {
  const schema = payloads.get(event)
  if (schema === undefined) throw new Error(`not a client event: ${event}`)
  const bare = BARE_FIELD.get(event)
  const data = raw === undefined || raw === null ? {} : typeof raw === 'string' && bare !== undefined ? { [bare]: raw } : raw
  let check = checks.get(event)
  if (check === undefined) {
    compile ??= jsonValidator(sharedSchemas)
    checks.set(event, check = compile(schema))
  }
  if (!check(data)) {
    const details = validationDetails(check.errors ?? [], 'data')
    throw Object.assign(new Invalid(`${event}: ${details.length > 0 ? validationMessage(details) : 'data is invalid'}`), { details })
  }
  const unstorable = findUnstorable(data, 'data')
  if (unstorable !== undefined) throw Object.assign(new Invalid(`${event}: ${unstorable.path} ${unstorable.message}`), { details: [unstorable] })
  return data
}
