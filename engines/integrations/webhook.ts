import { Type } from '@sinclair/typebox'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { StepError } from '../runtime/steps.js'
import { checkEgress, setHeader } from '../../lib/egress.js'
import { exchange, parseUrl } from './http.js'
import { defineAction } from './types.js'

function sign (secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`
}

/**
 * For receivers of webhook.send: true when `signatureHeader` (x-r3sn-signature) is the
 * HMAC of `${timestamp}.${rawBody}` under `secret`. Pass the body exactly as received,
 * before any JSON parsing. With `toleranceSeconds`, a timestamp further than that from
 * now is refused too, which stops replays of an old, validly signed request.
 */
export function verifyWebhookSignature (secret: string, timestamp: string | number, rawBody: string | Buffer, signatureHeader: string | undefined, toleranceSeconds?: number): boolean {
  if (signatureHeader === undefined || secret === '') return false
  const ts = String(timestamp)
  if (!/^\d+$/.test(ts)) return false
  if (toleranceSeconds !== undefined && Math.abs(Date.now() / 1000 - Number(ts)) > toleranceSeconds) return false
  const expected = Buffer.from(sign(secret, ts, rawBody))
  const given = Buffer.from(signatureHeader)
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export const send = defineAction({
  name: 'webhook.send',
  description: 'POSTs a JSON payload to a URL, signed: x-r3sn-timestamp (unix seconds) and x-r3sn-signature = "sha256=" + hex HMAC-SHA256(secret, "<timestamp>.<body>"), ' +
    'plus Idempotency-Key: executionId:stepId:attempt. 5xx and 429 are retryable failures; other non-2xx fail at once.',
  input: Type.Object({
    url: Type.String({ pattern: '^https?://' }),
    payload: Type.Unknown({ description: 'Sent as the JSON body.' }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Extra headers; cannot replace the signature, timestamp, idempotency or content-type headers.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 300_000 }))
  }, { additionalProperties: false }),
  output: Type.Object({
    status: Type.Integer(),
    body: Type.Unknown({ description: 'Parsed JSON when the answer is JSON, else the text.' })
  }),
  credential: { type: 'hmac', required: true, fields: ['secret'] },
  run: async (input, ctx) => {
    const secret = ctx.credential?.secret
    if (secret === undefined || secret === '') throw new StepError('webhook.send: the credential needs a secret', 'R3SN_BAD_CREDENTIAL', false)
    const url = parseUrl(input.url, 'webhook.send')
    await checkEgress(url, ctx.config.httpAllowedHosts)
    // undefined is not JSON; send null rather than an empty body the receiver cannot parse.
    const body = JSON.stringify(input.payload ?? null)
    const timestamp = String(Math.floor(Date.now() / 1000))
    const headers: Record<string, string> = { ...input.headers }
    setHeader(headers, 'content-type', 'application/json')
    setHeader(headers, 'idempotency-key', ctx.idempotencyKey)
    setHeader(headers, 'x-r3sn-timestamp', timestamp)
    setHeader(headers, 'x-r3sn-signature', sign(secret, timestamp, body))
    const answer = await exchange(url, { method: 'POST', headers, body }, ctx, input.timeoutMs)
    return { status: answer.status, body: answer.body }
  }
})
