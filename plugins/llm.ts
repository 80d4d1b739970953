import fp from 'fastify-plugin'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import OpenAI from 'openai'
import type { TSchema } from '@sinclair/typebox'
import type { Config } from '../config.js'
import { schemaProblems } from '../lib/schema-check.js'
import { StepError } from '../lib/step-error.js'
import type { Metrics } from './metrics.js'
import { logError } from '../lib/log-throttle.js'

export type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam

type ChatBody = Omit<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming, 'stream'>

export interface ChatTool { name: string, description: string, parameters: TSchema }

export interface ChatRequest {
  /** What the call is for, as the metrics label it (plan, agent, plugin-proposal, plugin-generation, repair-input, patch-plugin). */
  purpose?: string
  messages: ChatMessage[]
  model?: string
  tools?: ChatTool[]
  /** Structured output: the reply must be JSON matching this schema (checked again here). */
  schema?: { name: string, schema: TSchema }
  /** Streams the reply; each piece of text goes to onToken as it arrives. */
  onToken?: (text: string) => void
  maxTokens?: number
  signal?: AbortSignal
}

/** One LLM call's token counts. */
export interface TokenUsage { promptTokens: number, completionTokens: number }

export interface ToolCall { id: string, name: string, arguments: string }
/** More tool calls in one answer than any model sends: a server that claims more is broken. */
const MAX_TOOL_CALLS = 128

export interface ChatResult {
  content: string | null
  toolCalls: ToolCall[]
  /** The reply parsed and checked against request.schema. */
  parsed?: unknown
  usage: TokenUsage
  model: string
  durationMs: number
}

/** An LLM call that failed; `retryable` tells the runtime whether another attempt may help. */
export class LlmError extends StepError {
  /** Met in a request (plugin generation), it is the upstream's failure: 502, or 503 when no LLM is configured. */
  readonly statusCode: number

  constructor (message: string, code: string, retryable: boolean) {
    super(message, code, retryable)
    this.name = 'LlmError'
    this.statusCode = code === 'R3SN_LLM_NOT_CONFIGURED' ? 503 : 502
  }
}

/** TypeBox schemas carry symbol keys; the wire wants plain JSON Schema. */
export function jsonSchema (schema: TSchema): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>
  delete plain.$id
  return plain
}

/**
 * The one door to the LLM: the openai SDK against OpenAI or any compatible server.
 * The SDK retries 429 and 5xx with exponential backoff (Retry-After honoured); what
 * still fails becomes an LlmError naming the cause, never the key.
 */
export class Llm {
  private readonly client: OpenAI | undefined
  readonly model: string
  private readonly baseUrl: string
  private readonly maxRetries: number
  calls = 0
  failures = 0

  constructor (config: Config, private readonly log: FastifyBaseLogger, private readonly metrics?: Metrics) {
    this.model = config.model
    this.baseUrl = config.openaiBaseUrl ?? 'https://api.openai.com/v1'
    this.maxRetries = config.llmMaxRetries
    this.client = config.openaiApiKey === undefined
      ? undefined
      : new OpenAI({ apiKey: config.openaiApiKey, baseURL: this.baseUrl, maxRetries: config.llmMaxRetries, timeout: config.llmTimeoutMs })
  }

  /** False without OPENAI_API_KEY: prompts then use the offline planner. */
  get configured (): boolean {
    return this.client !== undefined
  }

  async chat (req: ChatRequest): Promise<ChatResult> {
    if (this.client === undefined) throw new LlmError('no LLM is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)', 'R3SN_LLM_NOT_CONFIGURED', false)
    const model = req.model ?? this.model
    const started = Date.now()
    this.calls++
    const body: ChatBody = {
      model,
      messages: req.messages,
      ...(req.tools === undefined || req.tools.length === 0
        ? {}
        : { tools: req.tools.map(t => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: jsonSchema(t.parameters) } })) }),
      ...(req.schema === undefined ? {} : { response_format: { type: 'json_schema' as const, json_schema: { name: req.schema.name, schema: jsonSchema(req.schema.schema), strict: false } } }),
      ...(req.maxTokens === undefined ? {} : { max_tokens: req.maxTokens })
    }
    let result: Omit<ChatResult, 'durationMs' | 'parsed'>
    try {
      result = req.onToken === undefined ? await this.complete(body, req.signal) : await this.stream(body, req.onToken, req.signal)
    } catch (err) {
      this.failures++
      const explained = this.explain(err, model)
      this.count(req, model, started, undefined, explained)
      throw explained
    }
    const durationMs = Date.now() - started
    if (req.schema === undefined) { this.count(req, model, started, result.usage); return { ...result, durationMs } }
    // (Tokens were spent even on a reply that is no use.)
    let parsed: unknown
    try {
      parsed = JSON.parse(result.content ?? '')
    } catch {
      throw this.count(req, model, started, result.usage, new LlmError(`the LLM did not answer with JSON for ${req.schema.name}: ${(result.content ?? '').slice(0, 200)}`, 'R3SN_LLM_INVALID_OUTPUT', false))
    }
    const problems = schemaProblems(req.schema.schema, parsed)
    if (problems !== undefined) throw this.count(req, model, started, result.usage, new LlmError(`the LLM's ${req.schema.name} does not match its schema: ${problems}`, 'R3SN_LLM_INVALID_OUTPUT', false))
    this.count(req, model, started, result.usage)
    return { ...result, parsed, durationMs }
  }

  /** Counts a call in the metrics; returns the error it failed with, if any. */
  private count<E extends Error | undefined> (req: ChatRequest, model: string, started: number, usage: TokenUsage | undefined, err?: E): E {
    const m = this.metrics
    if (m === undefined) return err as E
    const purpose = req.purpose ?? 'unspecified'
    const labels = { purpose, model: m.modelLabel(model) }
    m.llmCalls.inc({ ...labels, result: err === undefined ? 'success' : 'error' })
    m.llmDuration.observe({ purpose }, (Date.now() - started) / 1000)
    if (usage !== undefined) {
      m.llmTokens.inc({ ...labels, kind: 'prompt' }, usage.promptTokens)
      m.llmTokens.inc({ ...labels, kind: 'completion' }, usage.completionTokens)
    }
    if (err !== undefined) m.llmErrors.inc({ purpose, code: (err as { code?: string }).code ?? 'aborted' })
    return err as E
  }

  private async complete (body: ChatBody, signal?: AbortSignal) {
    const res = await (this.client as OpenAI).chat.completions.create({ ...body, stream: false }, { signal })
    const message = res.choices[0]?.message
    return {
      content: message?.content ?? null,
      toolCalls: (message?.tool_calls ?? []).flatMap(c => c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : []),
      usage: { promptTokens: res.usage?.prompt_tokens ?? 0, completionTokens: res.usage?.completion_tokens ?? 0 },
      model: res.model
    }
  }

  private async stream (body: ChatBody, onToken: (text: string) => void, signal?: AbortSignal) {
    const chunks = await (this.client as OpenAI).chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal })
    let content = ''
    let model = body.model
    const calls = new Map<number, ToolCall>()
    const usage = { promptTokens: 0, completionTokens: 0 }
    for await (const chunk of chunks) {
      model = chunk.model ?? model
      if (chunk.usage != null) { usage.promptTokens = chunk.usage.prompt_tokens; usage.completionTokens = chunk.usage.completion_tokens }
      const delta = chunk.choices[0]?.delta
      if (delta?.content != null && delta.content !== '') { content += delta.content; onToken(delta.content) }
      for (const d of delta?.tool_calls ?? []) {
        // The index comes from the server: a number in range, never a key of an object.
        if (!Number.isInteger(d.index) || d.index < 0 || d.index >= MAX_TOOL_CALLS) {
          throw new LlmError(`the LLM server sent a tool call with index ${JSON.stringify(d.index)}`, 'R3SN_LLM_INVALID_OUTPUT', false)
        }
        let call = calls.get(d.index)
        if (call === undefined) calls.set(d.index, call = { id: '', name: '', arguments: '' })
        if (d.id !== undefined) call.id = d.id
        if (d.function?.name !== undefined) call.name += d.function.name
        if (d.function?.arguments !== undefined) call.arguments += d.function.arguments
      }
    }
    const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call)
    return { content: content === '' && toolCalls.length > 0 ? null : content, toolCalls, usage, model }
  }

  /** Turns SDK errors into messages that name the cause; the API key never appears in them. */
  private explain (err: unknown, model: string): Error {
    if (err instanceof LlmError) return err
    if (err instanceof OpenAI.APIUserAbortError) return err
    if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
      return new LlmError(`the LLM server at ${this.baseUrl} rejected the API key (HTTP ${err.status}); check OPENAI_API_KEY`, 'R3SN_LLM_AUTH', false)
    }
    if (err instanceof OpenAI.NotFoundError) {
      return new LlmError(`the LLM server at ${this.baseUrl} does not know the model "${model}" (HTTP 404); check R3SN_MODEL or the agent's model`, 'R3SN_LLM_MODEL', false)
    }
    if (err instanceof OpenAI.RateLimitError) return new LlmError(`the LLM server is rate limiting (HTTP 429) after ${this.maxRetries} retries; try again later`, 'R3SN_LLM_RATE_LIMITED', true)
    if (err instanceof OpenAI.APIConnectionError) return new LlmError(`cannot reach the LLM server at ${this.baseUrl}: ${err.message}`, 'R3SN_LLM_UNREACHABLE', true)
    if (err instanceof OpenAI.APIError && err.status !== undefined && err.status >= 500) {
      return new LlmError(`the LLM server failed (HTTP ${err.status}): ${err.message}`, 'R3SN_LLM_UNAVAILABLE', true)
    }
    if (err instanceof OpenAI.APIError) return new LlmError(`the LLM server refused the request (HTTP ${err.status ?? '?'}): ${err.message}`, 'R3SN_LLM_BAD_REQUEST', false)
    this.log.warn(logError(err), 'LLM call failed')
    return new LlmError(`LLM call failed: ${(err as Error).message}`, 'R3SN_LLM_FAILED', true)
  }
}

declare module 'fastify' {
  interface FastifyInstance { llm: Llm }
}

async function llm (app: FastifyInstance, opts: { config: Config }) {
  app.decorate('llm', new Llm(opts.config, app.log.child({ plugin: 'llm' }), app.metrics))
}

export default fp(llm, { name: 'llm', dependencies: ['metrics'] })
