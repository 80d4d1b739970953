import { Type } from '@sinclair/typebox'
import { StepError } from '../runtime/steps.js'
import { checkEgress, credentialHeaders, egressDispatcher, setHeader } from '../../lib/egress.js'
import { defineAction, type ActionContext } from './types.js'

/** Parses a URL from step input; a malformed one is the input's fault, not a retryable failure. */
export function parseUrl (text: string, action: string): URL {
  try {
    return new URL(text)
  } catch {
    throw new StepError(`${action}: invalid URL ${JSON.stringify(text.slice(0, 200))}`, 'R3SN_BAD_INPUT', false)
  }
}

export interface HttpAnswer { status: number, headers: Record<string, string>, body: unknown }

/**
 * One HTTP exchange under the runtime's failure rules: network errors, 429 and 5xx are
 * retryable, any other non-2xx is not. JSON answers are parsed. Redirects are not followed,
 * so a redirect cannot lead past the egress check.
 */
export async function exchange (
  url: URL, init: { method: string, headers: Record<string, string>, body?: string }, ctx: ActionContext, timeoutMs?: number,
  /** false for a URL from operator configuration (not from a workflow): no connect-time egress check. */
  guarded = true
): Promise<HttpAnswer> {
  const signal = timeoutMs === undefined ? ctx.signal : AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)])
  let res: Response
  try {
    res = await fetch(url, { ...init, signal, redirect: 'manual', ...(guarded ? { dispatcher: egressDispatcher(ctx.config.httpAllowedHosts) } : {}) } as RequestInit)
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason
    const cause = (err as Error).cause
    if (cause instanceof StepError) throw cause
    throw new StepError(`request to ${url.host} failed: ${cause instanceof Error ? cause.message : (err as Error).message}`, 'HTTP_NETWORK')
  }
  const text = await res.text()
  const isJson = (res.headers.get('content-type') ?? '').includes('json')
  let body: unknown = text
  if (isJson && text !== '') { try { body = JSON.parse(text) } catch { body = text } }
  if (!res.ok) {
    const retryable = res.status >= 500 || res.status === 429
    throw new StepError(`HTTP ${res.status} from ${url.host}: ${text.slice(0, 500)}`, `HTTP_${res.status}`, retryable)
  }
  return { status: res.status, headers: Object.fromEntries(res.headers), body }
}

const CREDENTIAL_FIELDS = ['token', 'username', 'password', 'headerName', 'headerValue']

export const request = defineAction({
  name: 'http.request',
  description: 'Calls an HTTP endpoint. Sends Idempotency-Key: executionId:stepId:attempt. 5xx and 429 are retryable failures; other non-2xx fail at once. ' +
    'An optional http credential adds Authorization: Bearer <token>, Basic auth (username, password), or a custom header (headerName, headerValue).',
  input: Type.Object({
    method: Type.Optional(Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map(m => Type.Literal(m)))),
    url: Type.String({ pattern: '^https?://' }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    query: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    body: Type.Optional(Type.Unknown()),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 300_000 }))
  }, { additionalProperties: false }),
  output: Type.Object({
    status: Type.Integer({ description: 'HTTP status (2xx; a redirect is returned as is, not followed).' }),
    headers: Type.Record(Type.String(), Type.String()),
    body: Type.Unknown({ description: 'Parsed JSON when the answer is JSON, else the text.' })
  }),
  credential: { type: 'http', required: false, fields: CREDENTIAL_FIELDS },
  run: async (input, ctx) => {
    const url = parseUrl(input.url, 'http.request')
    for (const [k, v] of Object.entries(input.query ?? {})) url.searchParams.set(k, String(v))
    await checkEgress(url, ctx.config.httpAllowedHosts)
    const headers: Record<string, string> = { 'idempotency-key': ctx.idempotencyKey, ...input.headers }
    // The credential overrides headers of the same name in the input.
    if (ctx.credential !== undefined) for (const [k, v] of Object.entries(credentialHeaders(ctx.credential))) setHeader(headers, k, v)
    let body: string | undefined
    if (input.body !== undefined) {
      body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body)
      if (typeof input.body !== 'string' && !Object.keys(headers).some(h => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
    }
    return exchange(url, { method: input.method ?? 'GET', headers, body }, ctx, input.timeoutMs)
  }
})
