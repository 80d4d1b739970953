import { Type } from '@sinclair/typebox'
import { createHash } from 'node:crypto'
import { isIP } from 'node:net'
import { createTransport } from 'nodemailer'
import { StepError } from '../runtime/steps.js'
import { egressAddress } from '../../lib/egress.js'
import { defineAction } from './types.js'

// a@b.c or "Name <a@b.c>"; no line breaks anywhere, so no header can be smuggled in.
const ADDRESS = '^([^<>\\r\\n]*<[^\\s@<>]+@[^\\s@<>]+>|[^\\s@<>]+@[^\\s@<>]+)$'
const Address = Type.String({ pattern: ADDRESS, maxLength: 320 })
const Addresses = Type.Union([Address, Type.Array(Address, { minItems: 1, maxItems: 100 })])

// Codes of failures that another attempt will meet again: credentials, TLS set-up, bad configuration.
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG', 'EOTP', 'EMAXRECIPIENTS'])

interface SmtpError extends Error { code?: string, responseCode?: number, permanent?: boolean }

/** A stable Message-ID for one attempt: a send resumed after a crash repeats it, so mail systems and receivers can drop the duplicate. */
function messageIdFor (idempotencyKey: string, from: string): string {
  const domain = /@([^\s@<>]+)>?\s*$/.exec(from)?.[1] ?? 'r3sn.invalid'
  return `<r3sn.${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`
}

export const send = defineAction({
  name: 'email.send',
  description: 'Sends an email over SMTP with an smtp credential (host, port; optional username, password, from, secure = "true" for implicit TLS). ' +
    'Needs text or html. The Message-ID derives from executionId:stepId:attempt. Connection failures are retryable; ' +
    'authentication failures and permanently rejected recipients fail at once.',
  input: Type.Object({
    to: Addresses,
    subject: Type.String({ maxLength: 998 }),
    text: Type.Optional(Type.String({ maxLength: 1_000_000 })),
    html: Type.Optional(Type.String({ maxLength: 1_000_000 })),
    from: Type.Optional(Type.String({ pattern: ADDRESS, maxLength: 320, description: 'Default: the credential\'s from.' })),
    cc: Type.Optional(Addresses),
    bcc: Type.Optional(Addresses),
    replyTo: Type.Optional(Address)
  }, { additionalProperties: false }),
  output: Type.Object({
    messageId: Type.String(),
    accepted: Type.Array(Type.String(), { description: 'Recipients the server accepted.' }),
    rejected: Type.Array(Type.String(), { description: 'Recipients the server refused (the mail went to the others).' })
  }),
  credential: { type: 'smtp', required: true, fields: ['host', 'port', 'username', 'password', 'from', 'secure'] },
  run: async (input, ctx) => {
    const cred = ctx.credential ?? {}
    const host = cred.host?.trim() ?? ''
    const port = Number(cred.port)
    if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new StepError('email.send: the credential needs host and port (1-65535)', 'R3SN_BAD_CREDENTIAL', false)
    }
    if (input.text === undefined && input.html === undefined) throw new StepError('email.send: give text or html', 'R3SN_BAD_INPUT', false)
    const from = input.from ?? cred.from
    if (from === undefined || from === '') throw new StepError('email.send: no sender; set from in the input or the credential', 'R3SN_BAD_INPUT', false)
    // The host comes from a user's credential, so it passes the same egress policy as http.request.
    let target: URL
    try {
      target = new URL(`smtp://${isIP(host) === 6 ? `[${host}]` : host}:${port}`)
    } catch {
      throw new StepError('email.send: the credential\'s host is not a valid host name', 'R3SN_BAD_CREDENTIAL', false)
    }
    // Connect to the address that was checked (no second lookup that DNS rebinding could turn private); TLS still verifies the name.
    const address = await egressAddress(target, ctx.config.httpAllowedHosts)

    const transport = createTransport({
      host: address,
      port,
      tls: { servername: isIP(host) === 0 ? host : undefined },
      secure: cred.secure === 'true',
      auth: cred.username === undefined || cred.username === '' ? undefined : { user: cred.username, pass: cred.password ?? '' },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000
    })
    try {
      const info = await transport.sendMail({
        from,
        to: input.to,
        cc: input.cc,
        bcc: input.bcc,
        replyTo: input.replyTo,
        subject: input.subject,
        text: input.text,
        html: input.html,
        messageId: messageIdFor(ctx.idempotencyKey, from),
        signal: ctx.signal
      })
      return { messageId: info.messageId, accepted: info.accepted.map(String), rejected: info.rejected.map(String) }
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason
      const e = err as SmtpError
      // An SMTP reply says itself whether it is final (5xx) or temporary (4xx, e.g. greylisting).
      const retryable = !PERMANENT_CODES.has(e.code ?? '') && e.permanent !== true && !(e.code === 'EENVELOPE' && e.responseCode === undefined)
      // The server's words on a failed login are not needed to act on it, and stay out of execution records.
      const what = e.code === 'EAUTH' ? `authentication failed${e.responseCode === undefined ? '' : ` (${e.responseCode})`}` : e.message
      throw new StepError(`email.send via ${host}:${port}: ${what}`, `SMTP_${e.code ?? 'ERROR'}`, retryable)
    } finally {
      transport.close()
    }
  }
})
