import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { Value } from '@sinclair/typebox/value'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Config } from '../../config.js'
import type { ActionContext, CredentialData, IntegrationAction } from '../../engines/integrations/types.js'
import { builtinActions } from '../../engines/integrations/index.js'
import * as core from '../../engines/integrations/core.js'
import * as email from '../../engines/integrations/email.js'
import * as http from '../../engines/integrations/http.js'
import { egressDispatcher } from '../../lib/egress.js'
import * as json from '../../engines/integrations/json.js'
import * as slack from '../../engines/integrations/slack.js'
import * as text from '../../engines/integrations/text.js'
import * as webhook from '../../engines/integrations/webhook.js'
import { startServer, startSlack, startSmtp } from '../fixtures/loopback.js'
import { testConfig } from '../helper.js'

const baseConfig = testConfig()
const log = Fastify({ logger: false }).log

function context (opts: { config?: Partial<Config>, credential?: CredentialData, key?: string } = {}): ActionContext {
  return {
    executionId: 'exec1',
    idempotencyKey: opts.key ?? 'exec1:step1:1',
    signal: new AbortController().signal,
    log,
    config: { ...baseConfig, ...opts.config },
    credential: opts.credential
  }
}

/** Runs an action as the hub would: the input must be valid, and so must the output. */
async function run<A extends IntegrationAction> (t: Test, action: A, input: unknown, ctx: ActionContext): Promise<Record<string, unknown>> {
  t.ok(Value.Check(action.input, input), `valid ${action.name} input`)
  const output = await action.run(input as never, ctx)
  t.ok(Value.Check(action.output, output), `${action.name} output matches its schema: ${JSON.stringify([...Value.Errors(action.output, output)].map(e => `${e.path} ${e.message}`))}`)
  return output as Record<string, unknown>
}

t.test('the catalog lists every action with strict input and an output schema', async t => {
  t.same(builtinActions.map(a => a.name).sort(), [
    'core.delay', 'core.log', 'core.time', 'email.send', 'http.request', 'json.transform', 'slack.postMessage', 'text.template', 'webhook.send'
  ])
  for (const a of builtinActions) {
    t.equal(a.input.additionalProperties, false, `${a.name} refuses unknown input fields`)
    t.equal(a.output.type, 'object', `${a.name} declares its output`)
    t.ok(a.description.length > 20, `${a.name} says what it does`)
  }
  t.match(webhook.send.credential, { type: 'hmac', required: true, fields: ['secret'] })
  t.match(http.request.credential, { type: 'http', required: false })
})

t.test('core.delay and core.log', async t => {
  t.same(await run(t, core.delay, { ms: 5 }, context()), { delayedMs: 5 })
  t.same(await run(t, core.log, { message: 'hello', level: 'debug' }, context()), { logged: true, message: 'hello' })
})

t.test('core.time honours a zone and rejects an unknown one', async t => {
  const before = Date.now()
  const utc = await run(t, core.time, {}, context())
  t.equal(utc.timezone, 'UTC')
  t.ok((utc.epochMs as number) >= before && (utc.epochMs as number) <= Date.now())
  t.equal(new Date(utc.iso as string).getTime(), utc.epochMs)
  t.equal((utc.local as string).replace('+00:00', 'Z'), utc.iso, 'UTC wall clock equals the ISO time')

  const tokyo = await run(t, core.time, { timezone: 'asia/tokyo' }, context())
  t.equal(tokyo.timezone, 'Asia/Tokyo', 'the zone name is canonicalised')
  t.match(tokyo.local, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+09:00$/)
  t.equal(new Date(tokyo.local as string).getTime(), tokyo.epochMs, 'the local time is the same instant')

  await t.rejects(core.time.run({ timezone: 'Mars/Olympus_Mons' }, context()), { code: 'R3SN_BAD_INPUT', retryable: false, message: /unknown time zone "Mars\/Olympus_Mons"/ })
})

t.test('json.transform evaluates JSONata and reports bad expressions', async t => {
  const data = { items: [{ sku: 'a', price: 2 }, { sku: 'b', price: 5 }] }
  t.same(await run(t, json.transform, { data, expression: '{ "total": $sum(items.price), "skus": items.sku }' }, context()), { result: { total: 7, skus: ['a', 'b'] } })
  t.same(await run(t, json.transform, { data, expression: 'nothing.here' }, context()), { result: null }, 'no match is null')
  await t.rejects(json.transform.run({ data, expression: '$sum(items.price' }, context()), { code: 'R3SN_EXPRESSION_FAILED', retryable: false, message: /^json\.transform: / })
  await t.rejects(json.transform.run({ data, expression: '$number("abc")' }, context()), { code: 'R3SN_EXPRESSION_FAILED', retryable: false })
})

t.test('text.template fills placeholders and lists the missing ones', async t => {
  const values = { user: { name: 'Ada', tags: ['x', 'y'] }, count: 3, items: [{ sku: 'k1' }] }
  const out = await run(t, text.template, { template: 'Hi {{ user.name }}, {{count}} items {{ user.tags }} first {{ items.0.sku }}', values }, context())
  t.equal(out.text, 'Hi Ada, 3 items ["x","y"] first k1')
  await t.rejects(text.template.run({ template: '{{ user.name }} {{ user.email }} {{ order }} {{ constructor }}', values }, context()), {
    code: 'R3SN_BAD_INPUT', retryable: false, message: 'text.template: no value for {{ user.email }}, {{ order }}, {{ constructor }}'
  })
  const lenient = await run(t, text.template, { template: 'Hi {{ user.name }}{{ user.email }}!', values, allowMissing: true }, context())
  t.equal(lenient.text, 'Hi Ada!')
})

t.test('http.request adds the credential\'s authentication', async t => {
  const srv = await startServer(t)
  const call = (credential: CredentialData, headers?: Record<string, string>) =>
    run(t, http.request, { url: `${srv.url}/x`, ...(headers === undefined ? {} : { headers }) }, context({ credential }))

  const out = await call({ token: 'tok-123' }, { Authorization: 'Bearer from-input' })
  t.equal(out.status, 200)
  t.same(out.body, { ok: true })
  t.equal(srv.received[0]?.headers.authorization, 'Bearer tok-123', 'the credential replaces an Authorization header of the input')
  await call({ username: 'ada', password: 'p:w' })
  t.equal(srv.received[1]?.headers.authorization, `Basic ${Buffer.from('ada:p:w').toString('base64')}`)
  await call({ headerName: 'X-Api-Key', headerValue: 'k-456' })
  t.equal(srv.received[2]?.headers['x-api-key'], 'k-456')
  t.equal(srv.received[2]?.headers.authorization, undefined)
  await run(t, http.request, { url: `${srv.url}/y` }, context())
  t.equal(srv.received[3]?.headers.authorization, undefined, 'no credential, no authentication')

  await t.rejects(http.request.run({ url: `${srv.url}/z` }, context({ credential: { password: 'alone' } })), {
    code: 'R3SN_BAD_CREDENTIAL', retryable: false, message: /needs token, or username and password, or headerName and headerValue/
  })
  await t.rejects(http.request.run({ url: `${srv.url}/z` }, context({ credential: { token: 'a\r\nX-Evil: 1' } })), { code: 'R3SN_BAD_CREDENTIAL', retryable: false })
  t.equal(srv.received.length, 4, 'a bad credential sends nothing')
  await t.rejects(http.request.run({ url: 'http://exa mple.test/' }, context()), { code: 'R3SN_BAD_INPUT', retryable: false, message: /invalid URL/ })
})

t.test('webhook.send signs its payload', async t => {
  const srv = await startServer(t, r => r.path === '/fail' ? [503, { down: true }] : r.path === '/bad' ? [400, { no: true }] : [202, { received: true }])
  const secret = 'whsec-test-secret'
  const before = Math.floor(Date.now() / 1000)
  const out = await run(t, webhook.send, { url: `${srv.url}/hook`, payload: { order: 42, note: 'é' }, headers: { 'x-extra': '1', 'X-R3SN-Signature': 'forged' } },
    context({ credential: { secret } }))
  t.same(out, { status: 202, body: { received: true } })
  t.notMatch(JSON.stringify(out), secret, 'the secret stays out of the output')

  const req = srv.received[0]!
  t.equal(req.method, 'POST')
  t.same(JSON.parse(req.body), { order: 42, note: 'é' })
  t.equal(req.headers['content-type'], 'application/json')
  t.equal(req.headers['idempotency-key'], 'exec1:step1:1')
  t.equal(req.headers['x-extra'], '1')
  const ts = req.headers['x-r3sn-timestamp'] as string
  t.ok(Number(ts) >= before && Number(ts) <= Date.now() / 1000 + 1, 'the timestamp is unix seconds')
  const signature = req.headers['x-r3sn-signature'] as string
  t.match(signature, /^sha256=[0-9a-f]{64}$/, 'the input cannot replace the signature')
  t.ok(webhook.verifyWebhookSignature(secret, ts, req.body, signature), 'the receiver verifies the signature')
  t.ok(webhook.verifyWebhookSignature(secret, ts, Buffer.from(req.body), signature, 300), 'also from a Buffer, within the tolerance')
  t.notOk(webhook.verifyWebhookSignature('wrong-secret', ts, req.body, signature), 'a wrong secret fails')
  t.notOk(webhook.verifyWebhookSignature(secret, ts, req.body.replace('42', '43'), signature), 'a changed body fails')
  t.notOk(webhook.verifyWebhookSignature(secret, Number(ts) + 1, req.body, signature), 'a changed timestamp fails')
  t.notOk(webhook.verifyWebhookSignature(secret, ts, req.body, undefined), 'no signature fails')
  t.notOk(webhook.verifyWebhookSignature(secret, ts, req.body, signature, -1), 'an old timestamp fails with a tolerance')

  await t.rejects(webhook.send.run({ url: `${srv.url}/fail`, payload: {} }, context({ credential: { secret } })), { code: 'HTTP_503', retryable: true })
  await t.rejects(webhook.send.run({ url: `${srv.url}/bad`, payload: {} }, context({ credential: { secret } })), { code: 'HTTP_400', retryable: false })
  await t.rejects(webhook.send.run({ url: `${srv.url}/hook`, payload: {} }, context({ credential: {} })), { code: 'R3SN_BAD_CREDENTIAL', retryable: false })
})

t.test('webhook.send obeys the egress allowlist', async t => {
  const srv = await startServer(t)
  const credential = { secret: 's' }
  await t.rejects(webhook.send.run({ url: `${srv.url}/hook`, payload: 1 }, context({ credential, config: { httpAllowedHosts: ['*'] } })), {
    code: 'R3SN_EGRESS_DENIED', retryable: false, message: /private or loopback/
  })
  await t.rejects(webhook.send.run({ url: `${srv.url}/hook`, payload: 1 }, context({ credential, config: { httpAllowedHosts: ['example.com'] } })), {
    code: 'R3SN_EGRESS_DENIED', message: /not in R3SN_HTTP_ALLOWED_HOSTS/
  })
  t.equal(srv.received.length, 0, 'nothing was sent')
  const out = await run(t, webhook.send, { url: `${srv.url}/hook`, payload: 1 }, context({ credential, config: { httpAllowedHosts: ['127.0.0.1'] } }))
  t.equal(out.status, 200)
  t.equal(srv.received.length, 1)
})

t.test('email.send delivers over SMTP with the credential\'s login', async t => {
  const smtp = await startSmtp(t)
  const out = await run(t, email.send, { to: ['ada@example.test', 'blocked@blocked.test'], cc: 'cc@example.test', subject: 'Order 42 shipped', text: 'It is on its way.' },
    context({ credential: smtp.credential, key: 'exec1:mail:1' }))
  t.same(out.accepted, ['ada@example.test', 'cc@example.test'])
  t.same(out.rejected, ['blocked@blocked.test'], 'a refused recipient is reported, the others get the mail')
  t.notMatch(JSON.stringify(out), 'smtp-pass')

  t.equal(smtp.mails.length, 1)
  const mail = smtp.mails[0]!
  t.equal(mail.user, 'mailer', 'logged in with the credential')
  t.equal(mail.from, 'bot@r3sn.test', 'the credential\'s from is the default sender')
  t.same(mail.to, ['ada@example.test', 'cc@example.test'])
  t.match(mail.raw, /^Subject: Order 42 shipped$/m)
  t.match(mail.raw, /^To: ada@example\.test, blocked@blocked\.test$/m)
  t.match(mail.raw, /It is on its way\./)
  t.match(out.messageId, /^<r3sn\.[0-9a-f]{32}@r3sn\.test>$/)
  t.match(mail.raw, new RegExp(`^Message-ID: ${(out.messageId as string).replace(/[.]/g, '\\.')}$`, 'mi'))

  const again = await run(t, email.send, { to: 'ada@example.test', from: 'other@else.test', subject: 's', html: '<p>hi</p>' }, context({ credential: smtp.credential, key: 'exec1:mail:1' }))
  t.equal((again.messageId as string).split('@')[0], (out.messageId as string).split('@')[0], 'the same idempotency key gives the same Message-ID')
  t.equal(smtp.mails[1]?.from, 'other@else.test', 'the input\'s from wins')
  const next = await run(t, email.send, { to: 'ada@example.test', subject: 's', text: 't' }, context({ credential: smtp.credential, key: 'exec1:mail:2' }))
  t.not(next.messageId, out.messageId, 'another attempt, another Message-ID')
})

t.test('email.send failures: login, recipients, connection, egress, input', async t => {
  const smtp = await startSmtp(t)
  const input = { to: 'ada@example.test', subject: 's', text: 't' }
  await t.rejects(email.send.run(input, context({ credential: { ...smtp.credential, password: 'wrong' } })), { code: 'SMTP_EAUTH', retryable: false, message: /authentication failed/ })
  await t.rejects(email.send.run({ ...input, to: 'x@blocked.test' }, context({ credential: smtp.credential })), { code: 'SMTP_EENVELOPE', retryable: false })
  t.equal(smtp.mails.length, 0)

  const closed = createServer()
  await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
  const freePort = (closed.address() as AddressInfo).port
  await new Promise<void>(resolve => closed.close(() => resolve()))
  await t.rejects(email.send.run(input, context({ credential: { ...smtp.credential, port: String(freePort) } })), { retryable: true, message: /email\.send via 127\.0\.0\.1/ })

  await t.rejects(email.send.run(input, context({ credential: smtp.credential, config: { httpAllowedHosts: ['*'] } })), { code: 'R3SN_EGRESS_DENIED', retryable: false })
  const ok = await run(t, email.send, input, context({ credential: smtp.credential, config: { httpAllowedHosts: [`127.0.0.1:${smtp.port}`] } }))
  t.same(ok.accepted, ['ada@example.test'], 'host:port in the allowlist lets it through')

  await t.rejects(email.send.run({ to: 'a@b.test', subject: 's' }, context({ credential: smtp.credential })), { code: 'R3SN_BAD_INPUT', message: /text or html/ })
  await t.rejects(email.send.run(input, context({ credential: { host: '127.0.0.1' } })), { code: 'R3SN_BAD_CREDENTIAL', retryable: false, message: /host and port/ })
  t.notOk(Value.Check(email.send.input, { ...input, to: 'a@b.test\r\nBcc: evil@x.test' }), 'no header injection through an address')
})

t.test('slack.postMessage posts with the bot token', async t => {
  const srv = await startSlack(t, 'xoxb-good')
  const config = { slackBaseUrl: srv.apiUrl }
  const credential = { token: 'xoxb-good' }
  const out = await run(t, slack.postMessage, { channel: '#general', text: 'Deploy done', threadTs: '1699999999.000200', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*done*' } }] },
    context({ credential, config }))
  t.same(out, { ok: true, channel: 'C123', ts: '1700000000.000100' })
  const req = srv.received[0]!
  t.equal(req.path, '/api/chat.postMessage')
  t.equal(req.headers.authorization, 'Bearer xoxb-good')
  t.match(req.headers['content-type'], /^application\/json/)
  t.same(JSON.parse(req.body), { channel: '#general', text: 'Deploy done', thread_ts: '1699999999.000200', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*done*' } }] })

  const post = (channel: string, cred: CredentialData = credential) => slack.postMessage.run({ channel, text: 't' }, context({ credential: cred, config }))
  await t.rejects(post('missing'), { message: 'slack: channel_not_found', code: 'SLACK_CHANNEL_NOT_FOUND', retryable: false })
  await t.rejects(post('general', { token: 'xoxb-bad' }), { message: 'slack: invalid_auth', retryable: false })
  await t.rejects(post('busy'), { message: 'slack: ratelimited', retryable: true })
  await t.rejects(post('down'), { code: 'HTTP_503', retryable: true })
  await t.rejects(post('slow'), { code: 'HTTP_429', retryable: true })
  await t.rejects(post('general', {}), { code: 'R3SN_BAD_CREDENTIAL', retryable: false })
})

t.test('the connection itself re-checks the address: a name that turns private after the check is refused (DNS rebinding)', async t => {
  const server = await startServer(t)
  const port = new URL(server.url).port
  // checkEgress would refuse "localhost" up front; the dispatcher alone must refuse it too, at connect time.
  const refused = await fetch(`http://localhost:${port}/`, { dispatcher: egressDispatcher(['*']) } as RequestInit).then(() => undefined, (err: Error) => err.cause)
  t.match(refused, { code: 'R3SN_EGRESS_DENIED', message: /localhost resolves to a private or loopback address/ })
  t.equal(server.received.length, 0, 'nothing reached the server')
  const allowed = await fetch(`http://localhost:${port}/`, { dispatcher: egressDispatcher(['localhost']) } as RequestInit)
  t.equal(allowed.status, 200, 'an allowlisted name connects wherever it resolves')
  t.equal(server.received.length, 1)
})
