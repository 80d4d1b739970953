import { Type } from '@sinclair/typebox'
import { StepError } from '../runtime/steps.js'
import { exchange } from './http.js'
import { defineAction } from './types.js'

// Slack errors that go away on their own; every other `ok: false` is a problem with the request or the token.
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'])

export const postMessage = defineAction({
  name: 'slack.postMessage',
  description: 'Posts a message to a Slack channel (or a thread with threadTs) through chat.postMessage, with a slack credential holding a bot token. ' +
    'Slack errors such as channel_not_found fail at once; ratelimited, 429 and 5xx are retryable.',
  input: Type.Object({
    channel: Type.String({ minLength: 1, maxLength: 200, description: 'Channel id (C...) or name.' }),
    text: Type.String({ minLength: 1, maxLength: 40_000, description: 'The message, or its fallback text when blocks are given.' }),
    blocks: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 50, description: 'Block Kit blocks.' })),
    threadTs: Type.Optional(Type.String({ pattern: '^\\d+\\.\\d+$', description: 'ts of the parent message, to reply in its thread.' }))
  }, { additionalProperties: false }),
  output: Type.Object({
    ok: Type.Literal(true),
    channel: Type.String({ description: 'The channel id.' }),
    ts: Type.String({ description: 'The message\'s ts, its id within the channel.' })
  }),
  credential: { type: 'slack', required: true, fields: ['token'] },
  run: async (input, ctx) => {
    const token = ctx.credential?.token
    if (token === undefined || token === '') throw new StepError('slack.postMessage: the credential needs a token', 'R3SN_BAD_CREDENTIAL', false)
    // No egress check: the base URL is operator configuration (R3SN_SLACK_BASE_URL), not something a workflow can set.
    const url = new URL(`${ctx.config.slackBaseUrl}/chat.postMessage`)
    const body = JSON.stringify({ channel: input.channel, text: input.text, blocks: input.blocks, thread_ts: input.threadTs })
    const answer = await exchange(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
      body
    }, ctx, 30_000, false)
    const reply = answer.body as { ok?: unknown, error?: unknown, channel?: unknown, ts?: unknown } | string
    if (typeof reply !== 'object' || reply === null) {
      throw new StepError(`slack: unexpected answer from ${url.host}: ${String(reply).slice(0, 200)}`, 'SLACK_BAD_RESPONSE', false)
    }
    if (reply.ok !== true) {
      const error = typeof reply.error === 'string' ? reply.error : 'unknown_error'
      throw new StepError(`slack: ${error}`, `SLACK_${error.toUpperCase()}`, TRANSIENT.has(error))
    }
    return { ok: true as const, channel: String(reply.channel ?? input.channel), ts: String(reply.ts ?? '') }
  }
})
