import { Type } from '@sinclair/typebox'
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { StepError } from '../runtime/steps.js'
import { defineAction } from './types.js'

/** Loopback, private, link-local, CGNAT, unspecified and multicast ranges (IPv4 and IPv6). */
export function isPrivateAddress (ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip
  if (isIP(v4) === 4) {
    const [a = 0, b = 0] = v4.split('.').map(Number)
    return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
  }
  const v6 = ip.toLowerCase()
  return v6 === '::' || v6 === '::1' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe8') || v6.startsWith('fe9') ||
    v6.startsWith('fea') || v6.startsWith('feb') || v6.startsWith('ff')
}

/**
 * Egress policy: a host listed in R3SN_HTTP_ALLOWED_HOSTS (host or host:port) may be
 * reached whatever its address; with "*" any other host may be reached unless it
 * resolves to a private, loopback or link-local address.
 */
export async function checkEgress (url: URL, allowed: string[]): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  if (allowed.includes(host) || allowed.includes(`${host}:${port}`)) return
  if (!allowed.includes('*')) throw new StepError(`host ${host} is not in R3SN_HTTP_ALLOWED_HOSTS`, 'R3SN_EGRESS_DENIED', false)
  const addresses = isIP(host) !== 0 ? [host] : (await lookup(host, { all: true }).catch(() => { throw new StepError(`cannot resolve ${host}`, 'R3SN_DNS_FAILED') })).map(a => a.address)
  if (addresses.some(isPrivateAddress)) {
    throw new StepError(`host ${host} resolves to a private or loopback address; list it in R3SN_HTTP_ALLOWED_HOSTS to allow it`, 'R3SN_EGRESS_DENIED', false)
  }
}

export const request = defineAction({
  name: 'http.request',
  description: 'Calls an HTTP endpoint. Sends Idempotency-Key: executionId:stepId:attempt. 5xx and 429 are retryable failures; other non-2xx fail at once.',
  input: Type.Object({
    method: Type.Optional(Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map(m => Type.Literal(m)))),
    url: Type.String({ pattern: '^https?://' }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    query: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    body: Type.Optional(Type.Unknown()),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 300_000 }))
  }, { additionalProperties: false }),
  run: async (input, ctx) => {
    const url = new URL(input.url)
    for (const [k, v] of Object.entries(input.query ?? {})) url.searchParams.set(k, String(v))
    await checkEgress(url, ctx.config.httpAllowedHosts)
    const headers: Record<string, string> = { 'idempotency-key': ctx.idempotencyKey, ...input.headers }
    let body: string | undefined
    if (input.body !== undefined) {
      body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body)
      if (typeof input.body !== 'string' && !Object.keys(headers).some(h => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
    }
    const signal = input.timeoutMs === undefined ? ctx.signal : AbortSignal.any([ctx.signal, AbortSignal.timeout(input.timeoutMs)])
    let res: Response
    try {
      res = await fetch(url, { method: input.method ?? 'GET', headers, body, signal, redirect: 'manual' })
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason
      throw new StepError(`request to ${url.host} failed: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`, 'HTTP_NETWORK')
    }
    const text = await res.text()
    const isJson = (res.headers.get('content-type') ?? '').includes('json')
    let parsed: unknown = text
    if (isJson && text !== '') { try { parsed = JSON.parse(text) } catch { parsed = text } }
    if (!res.ok) {
      const retryable = res.status >= 500 || res.status === 429
      throw new StepError(`HTTP ${res.status} from ${url.host}: ${text.slice(0, 500)}`, `HTTP_${res.status}`, retryable)
    }
    return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed }
  }
})
