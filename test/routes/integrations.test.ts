import t, { type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { verifyWebhookSignature } from '../../engines/integrations/webhook.js'
import { startRecorder } from '../fixtures/http-recorder.js'
import { startServer, startSlack, startSmtp, type Received } from '../fixtures/loopback.js'
import { build, caller, createUser, eventually, sharedApp, type Answer, type Call } from '../helper.js'

// One app for the tests that read no logs; each test has a user of its own.
const user = sharedApp({ encryptionKey: randomBytes(32) })

const execute = (call: Call, name: string, body: unknown) => call('POST', `/api/integrations/${name}/execute`, body)

/** The one error shape of the API. */
function isError (t: Test, answer: Answer, status: number, code: RegExp | string, message?: RegExp) {
  t.equal(answer.status, status, `${status}: ${answer.text}`)
  t.match(answer.body, { success: false, statusCode: status, code, error: String, message: message ?? String })
  t.same(Object.keys(answer.body).filter(k => k !== 'details').sort(), ['code', 'error', 'message', 'statusCode', 'success'])
}

const secret = (prefix: string) => `${prefix}${randomBytes(18).toString('hex')}`

t.test('GET /api/integrations lists every action by integration, with schemas and credential specs', async t => {
  const { baseUrl, key } = await user('alice')
  isError(t, await caller(baseUrl, undefined)('GET', '/api/integrations'), 401, /^R3SN_/)
  isError(t, await caller(baseUrl, 'not-a-key')('GET', '/api/integrations'), 401, /^R3SN_/)
  isError(t, await execute(caller(baseUrl, undefined), 'core', { action: 'time' }), 401, /^R3SN_/, undefined)

  const res = await caller(baseUrl, key)('GET', '/api/integrations')
  t.equal(res.status, 200)
  t.equal(res.body.success, true)
  const integrations = res.body.integrations as { name: string, actions: any[] }[]
  t.same(integrations.map(i => i.name), ['http', 'core', 'json', 'text', 'webhook', 'email', 'slack'], 'one entry per integration, in catalog order')
  t.same(Object.fromEntries(integrations.map(i => [i.name, i.actions.map(a => a.name)])), {
    http: ['http.request'],
    core: ['core.delay', 'core.log', 'core.time'],
    json: ['json.transform'],
    text: ['text.template'],
    webhook: ['webhook.send'],
    email: ['email.send'],
    slack: ['slack.postMessage']
  })
  for (const integration of integrations) {
    for (const action of integration.actions) {
      t.ok(action.name.startsWith(`${integration.name}.`), `${action.name} is grouped under ${integration.name}`)
      t.same(Object.keys(action).sort(), ['credential', 'description', 'input', 'name', 'output'])
      t.ok(typeof action.description === 'string' && action.description.length > 20, `${action.name} has a description`)
      t.match(action.input, { type: 'object', properties: Object, additionalProperties: false }, `${action.name} input is a strict JSON Schema`)
      t.match(action.output, { type: 'object', properties: Object }, `${action.name} output is a JSON Schema`)
      t.notOk('$id' in action.input, 'no internal $id')
    }
  }
  const byName = new Map(integrations.flatMap(i => i.actions).map(a => [a.name as string, a]))
  t.match(byName.get('core.delay').input, { properties: { ms: { type: 'integer', minimum: 0 } }, required: ['ms'] })
  t.match(byName.get('core.time').output, { properties: { iso: { type: 'string' }, epochMs: { type: 'integer' }, timezone: { type: 'string' }, local: { type: 'string' } } })
  for (const name of ['core.delay', 'core.log', 'core.time', 'json.transform', 'text.template']) t.equal(byName.get(name).credential, null, `${name} takes no credential`)
  t.same(byName.get('email.send').credential, { type: 'smtp', required: true, fields: ['host', 'port', 'username', 'password', 'from', 'secure'] })
  t.same(byName.get('slack.postMessage').credential, { type: 'slack', required: true, fields: ['token'] })
  t.same(byName.get('webhook.send').credential, { type: 'hmac', required: true, fields: ['secret'] })
  t.match(byName.get('http.request').credential, { type: 'http', required: false })
})

t.test('core.time runs as a one-step integration execution', async t => {
  const { call: alice } = await user('alice')
  const before = Date.now()

  for (const action of ['time', 'core.time']) {
    const res = await execute(alice, 'core', { action, params: { timezone: 'Asia/Tokyo' } })
    t.equal(res.status, 200, res.text)
    t.match(res.body, { success: true, executionId: String, status: 'completed', error: null, executionTime: Number })
    t.equal(res.body.result.timezone, 'Asia/Tokyo')
    t.match(res.body.result.local, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+09:00$/)
    t.ok(res.body.result.epochMs >= before && res.body.result.epochMs <= Date.now())

    const status = await alice('GET', `/api/executions/${res.body.executionId as string}/status`)
    t.equal(status.status, 200)
    const execution = status.body.execution
    t.match(execution, { executionId: res.body.executionId, type: 'integration', status: 'completed' })
    t.equal(execution.steps.length, 1, 'one step')
    t.match(execution.steps[0], { stepId: 'action', type: 'integration', status: 'completed', attempts: 1, input: { timezone: 'Asia/Tokyo' }, output: { timezone: 'Asia/Tokyo' } })
  }

  const listed = await alice('GET', '/api/executions?type=integration')
  t.equal(listed.body.executions.length, 2, 'both runs are listed as integration executions')

  // Optional params: an action whose input is all optional runs with none.
  const utc = await execute(alice, 'core', { action: 'time' })
  t.match(utc.body, { status: 'completed', result: { timezone: 'UTC' } })

  // An action's own failure after validation (an unknown zone) is a failed run, not a 400.
  const mars = await execute(alice, 'core', { action: 'time', params: { timezone: 'Mars/Olympus_Mons' } })
  t.equal(mars.status, 200)
  t.match(mars.body, { status: 'failed', error: { code: 'R3SN_BAD_INPUT', stepId: 'action', message: /unknown time zone "Mars\/Olympus_Mons"/ } })
})

t.test('email, slack and webhook with credentials reach loopback servers; the secrets appear in no answer and no log line', async t => {
  const smtpPassword = secret('smtp-pass-')
  const slackToken = secret('xoxb-')
  const hmacSecret = secret('whsec-')
  const smtp = await startSmtp(t, 'mailer', smtpPassword)
  const slack = await startSlack(t, slackToken)
  const hook = await startServer(t, () => [202, { received: true }])

  const { baseUrl, adminKey, logs } = await build(t, {
    encryptionKey: randomBytes(32), httpAllowedHosts: ['127.0.0.1'], slackBaseUrl: slack.apiUrl, logLevel: 'debug'
  })
  const answers: Answer[] = []
  const alice = caller(baseUrl, (await createUser(baseUrl, adminKey, 'alice')).key, answers)
  const credential = async (type: string, data: Record<string, string>) => {
    const res = await alice('POST', '/api/credentials', { name: `${type} credential`, type, data })
    t.equal(res.status, 201, res.text)
    return res.body.credential.id as string
  }
  const smtpId = await credential('smtp', smtp.credential)
  const slackId = await credential('slack', { token: slackToken })
  const hmacId = await credential('hmac', { secret: hmacSecret })

  // email.send
  const mail = await execute(alice, 'email', { action: 'send', credentialId: smtpId, params: { to: 'ada@example.test', subject: 'Order 42 shipped', text: 'It is on its way.' } })
  t.equal(mail.status, 200, mail.text)
  t.match(mail.body, { status: 'completed', error: null, result: { accepted: ['ada@example.test'], rejected: [], messageId: /^<r3sn\.[0-9a-f]{32}@r3sn\.test>$/ } })
  t.equal(smtp.mails.length, 1, 'the SMTP server got the message')
  t.same(smtp.logins, [{ username: 'mailer', ok: true }], 'with the credential\'s login')
  t.match(smtp.mails[0], { user: 'mailer', from: 'bot@r3sn.test', to: ['ada@example.test'] })
  t.match(smtp.mails[0]?.raw, /^Subject: Order 42 shipped$/m)
  t.match(smtp.mails[0]?.raw, /It is on its way\./)

  // slack.postMessage
  const posted = await execute(alice, 'slack', { action: 'slack.postMessage', credentialId: slackId, params: { channel: '#general', text: 'Deploy done' } })
  t.equal(posted.status, 200, posted.text)
  t.match(posted.body, { status: 'completed', result: { ok: true, channel: 'C123', ts: '1700000000.000100' } })
  t.equal(slack.received.length, 1)
  t.equal(slack.received[0]?.path, '/api/chat.postMessage')
  t.equal(slack.received[0]?.headers.authorization, `Bearer ${slackToken}`, 'the fake Slack got the bot token')
  t.match(JSON.parse(slack.received[0]?.body ?? '{}'), { channel: '#general', text: 'Deploy done' })

  // webhook.send
  const sent = await execute(alice, 'webhook', { action: 'send', credentialId: hmacId, params: { url: `${hook.url}/hook`, payload: { order: 42 } } })
  t.equal(sent.status, 200, sent.text)
  t.match(sent.body, { status: 'completed', result: { status: 202, body: { received: true } } })
  t.equal(hook.received.length, 1)
  const req = hook.received[0] as Received
  t.same(JSON.parse(req.body), { order: 42 })
  t.equal(req.headers['idempotency-key'], `${sent.body.executionId as string}:action:1`)
  const ts = req.headers['x-r3sn-timestamp'] as string
  const signature = req.headers['x-r3sn-signature'] as string
  t.ok(verifyWebhookSignature(hmacSecret, ts, req.body, signature, 300), 'the signature verifies with the credential\'s secret')
  t.notOk(verifyWebhookSignature('another-secret', ts, req.body, signature), 'and only with it')
  t.notMatch(JSON.stringify(req.headers) + req.body, hmacSecret, 'the secret itself is not sent')

  // Every answer the API gave, including the execution records and their events.
  for (const id of [mail.body.executionId, posted.body.executionId, sent.body.executionId] as string[]) {
    t.equal((await alice('GET', `/api/executions/${id}/status`)).status, 200)
    t.equal((await alice('GET', `/api/executions/${id}/events?since=0`)).status, 200)
  }
  await alice('GET', '/api/executions')
  await alice('GET', '/api/credentials')
  const allAnswers = answers.map(a => a.text).join('\n')
  const allLogs = logs.join('\n')
  t.ok(logs.length > 10, 'debug logging produced lines to check')
  for (const [what, value] of [['smtp password', smtpPassword], ['slack token', slackToken], ['hmac secret', hmacSecret]]) {
    t.notMatch(allAnswers, value as string, `the ${what as string} is in no API answer`)
    t.notMatch(allLogs, value as string, `the ${what as string} is in no log line`)
  }
})

t.test('bad requests are 400 (or 404) in the one error shape and create no execution', async t => {
  const { call: alice } = await user('alice')
  const slackRes = await alice('POST', '/api/credentials', { name: 'slack', type: 'slack', data: { token: 'xoxb-1' } })
  const httpRes = await alice('POST', '/api/credentials', { name: 'http', type: 'http', data: { token: 'tok-1' } })
  const slackId = slackRes.body.credential.id as string
  const httpId = httpRes.body.credential.id as string

  isError(t, await execute(alice, 'core', { action: 'delay', params: { ms: 'soon' } }), 400, 'R3SN_BAD_REQUEST', /invalid input for core\.delay: \/ms/)
  isError(t, await execute(alice, 'core', { action: 'delay', params: {} }), 400, 'R3SN_BAD_REQUEST', /invalid input for core\.delay/)
  isError(t, await execute(alice, 'core', { action: 'time', params: { timezone: 'UTC', extra: 1 } }), 400, 'R3SN_BAD_REQUEST', /invalid input for core\.time/)

  const unknownField = await execute(alice, 'core', { action: 'time', extra: true })
  isError(t, unknownField, 400, 'R3SN_VALIDATION')
  t.match(unknownField.body.details, [{ path: /^body/ }])
  const missing = await execute(alice, 'core', { params: {} })
  isError(t, missing, 400, 'R3SN_VALIDATION', /action/)
  isError(t, await execute(alice, 'core', { action: '' }), 400, 'R3SN_VALIDATION')
  isError(t, await execute(alice, 'core', { action: ['time'] }), 400, 'R3SN_VALIDATION', /body\/action must be string/)
  isError(t, await execute(alice, 'core', { action: 'time', timeoutMs: '100' }), 400, 'R3SN_VALIDATION', /integer/)
  isError(t, await execute(alice, 'core', { action: 'time', mode: 'later' }), 400, 'R3SN_VALIDATION')
  isError(t, await execute(alice, 'core', { action: 'time', params: ['x'] }), 400, 'R3SN_VALIDATION')
  isError(t, await execute(alice, 'core', { action: 'time', timeoutMs: 0 }), 400, 'R3SN_VALIDATION')
  isError(t, await execute(alice, 'core', { action: 'nope' }), 400, 'R3SN_BAD_REQUEST', /unknown integration action "core\.nope"/)

  const email = { to: 'ada@example.test', subject: 's', text: 't' }
  isError(t, await execute(alice, 'email', { action: 'send', params: email }), 400, 'R3SN_BAD_REQUEST', /email\.send needs a credential of type smtp/)
  isError(t, await execute(alice, 'email', { action: 'send', params: email, credentialId: slackId }), 400, 'R3SN_BAD_REQUEST',
    new RegExp(`credential ${slackId} is of type slack, this action needs type smtp`))
  isError(t, await execute(alice, 'http', { action: 'request', params: { url: 'http://127.0.0.1:9/' }, credentialId: slackId }), 400, 'R3SN_BAD_REQUEST',
    /is of type slack, this action needs type http/)
  isError(t, await execute(alice, 'email', { action: 'send', params: email, credentialId: 'cred_does-not-exist' }), 400, 'R3SN_BAD_REQUEST', /credential cred_does-not-exist not found/)
  isError(t, await execute(alice, 'core', { action: 'time', credentialId: httpId }), 400, 'R3SN_BAD_REQUEST', /core\.time takes no credential/)

  isError(t, await execute(alice, 'teleport', { action: 'now' }), 404, 'R3SN_NOT_FOUND', /Integration teleport not found/)
  isError(t, await execute(alice, 'core', { action: 'http.request', params: { url: 'http://127.0.0.1:9/' } }), 404, 'R3SN_NOT_FOUND', /Action http\.request of integration core not found/)
  isError(t, await execute(alice, 'core.time', { action: 'time' }), 404, 'R3SN_NOT_FOUND')

  const listed = await alice('GET', '/api/executions')
  t.equal(listed.status, 200)
  t.same(listed.body.executions, [], 'no execution was created')
})

t.test('another user\'s credential cannot be used, and its secret never leaves', async t => {
  const bobPassword = secret('bob-smtp-')
  const bobHmac = secret('bob-whsec-')
  const smtp = await startSmtp(t, 'bob', bobPassword)
  const hook = await startServer(t)
  const { baseUrl, adminKey, logs } = await build(t, { encryptionKey: randomBytes(32), httpAllowedHosts: ['127.0.0.1'], logLevel: 'debug' })
  const answers: Answer[] = []
  const alice = caller(baseUrl, (await createUser(baseUrl, adminKey, 'alice')).key, answers)
  const bob = caller(baseUrl, (await createUser(baseUrl, adminKey, 'bob')).key, answers)
  const admin = caller(baseUrl, adminKey, answers)

  const smtpId = (await bob('POST', '/api/credentials', { name: 'mail', type: 'smtp', data: { ...smtp.credential, from: 'bob@r3sn.test' } })).body.credential.id as string
  const hmacId = (await bob('POST', '/api/credentials', { name: 'hook', type: 'hmac', data: { secret: bobHmac } })).body.credential.id as string

  for (const [who, call] of [['alice', alice], ['the admin', admin]] as const) {
    isError(t, await execute(call, 'email', { action: 'send', credentialId: smtpId, params: { to: 'ada@example.test', subject: 's', text: 't' } }), 400, 'R3SN_BAD_REQUEST',
      new RegExp(`credential ${smtpId} not found`))
    isError(t, await execute(call, 'webhook', { action: 'send', credentialId: hmacId, params: { url: `${hook.url}/hook`, payload: { steal: true } } }), 400, 'R3SN_BAD_REQUEST',
      new RegExp(`credential ${hmacId} not found`))
    t.same((await call('GET', '/api/executions')).body.executions, [], `${who}: no execution`)
  }
  t.equal(smtp.logins.length, 0, 'no login reached the SMTP server')
  t.equal(smtp.mails.length, 0, 'no mail was sent')
  t.equal(hook.received.length, 0, 'nothing was signed with bob\'s secret')

  // Bob himself can use it.
  const own = await execute(bob, 'webhook', { action: 'send', credentialId: hmacId, params: { url: `${hook.url}/hook`, payload: { mine: true } } })
  t.match(own.body, { status: 'completed', result: { status: 200 } })
  const req = hook.received[0] as Received
  t.ok(verifyWebhookSignature(bobHmac, req.headers['x-r3sn-timestamp'] as string, req.body, req.headers['x-r3sn-signature'] as string))

  const all = answers.map(a => a.text).join('\n') + logs.join('\n')
  t.notMatch(all, bobPassword)
  t.notMatch(all, bobHmac)
})

t.test('mode async answers 202 at once; a sync wait that runs out answers 202 too', async t => {
  const { call: alice } = await user('alice')

  const res = await execute(alice, 'core', { action: 'delay', params: { ms: 300 }, mode: 'async' })
  t.equal(res.status, 202, res.text)
  t.match(res.body, { success: true, executionId: String, status: /^(queued|running)$/ }, 'answered before the run ended')
  t.notOk('result' in res.body)
  const id = res.body.executionId as string
  const done = await eventually(async () => {
    const s = await alice('GET', `/api/executions/${id}/status`)
    return s.body.execution.status === 'completed' ? s.body.execution : undefined
  }, 10_000, 'the async run to complete')
  t.match(done, { type: 'integration', result: { delayedMs: 300 }, steps: [{ stepId: 'action', status: 'completed' }] })

  // timeoutMs bounds how long the request waits, not the step: the run goes on after the 202.
  const waited = await execute(alice, 'core', { action: 'delay', params: { ms: 500 }, timeoutMs: 50 })
  t.equal(waited.status, 202, waited.text)
  t.match(waited.body, { success: true, executionId: String, status: /^(queued|running)$/ })
  const later = await eventually(async () => {
    const s = await alice('GET', `/api/executions/${waited.body.executionId as string}/status`)
    return s.body.execution.status === 'completed' ? s.body.execution : undefined
  }, 10_000, 'the waited-out run to complete')
  t.match(later, { result: { delayedMs: 500 } })
})

t.test('a failing action is a failed execution with a clear error in the 200 answer', async t => {
  const recorder = await startRecorder(t)
  const { call: alice } = await user('alice')

  const res = await execute(alice, 'http', { action: 'request', params: { url: `${recorder.url}/status/500` } })
  t.equal(res.status, 200, res.text)
  t.match(res.body, { success: true, status: 'failed', error: { code: 'HTTP_500', stepId: 'action', message: /^HTTP 500 from 127\.0\.0\.1:\d+/ } })
  t.notOk('result' in res.body)
  // No retry policy: self-debugging classes a 500 as transient and gives it 3 more tries with backoff.
  t.same(recorder.requests.map(r => r.idempotencyKey), [1, 2, 3, 4].map(n => `${res.body.executionId as string}:action:${n}`))
  const status = await alice('GET', `/api/executions/${res.body.executionId as string}/status`)
  t.match(status.body.execution, { type: 'integration', status: 'failed', error: { code: 'HTTP_500' }, steps: [{ stepId: 'action', status: 'failed', attempts: 4, error: { code: 'HTTP_500' } }] })
  t.same(status.body.execution.diagnoses.map((d: { class: string, action: string, outcome: string }) => [d.class, d.action, d.outcome]), [
    ['transient', 'retry', 'applied-failed'], ['transient', 'retry', 'applied-failed'], ['transient', 'retry', 'applied-failed'], ['transient', 'none', 'not-applied']
  ])

  const slow = await execute(alice, 'http', { action: 'request', params: { url: `${recorder.url}/slow?ms=500`, timeoutMs: 50 } })
  t.equal(slow.status, 200, slow.text)
  t.match(slow.body, { status: 'failed', error: { code: 'HTTP_NETWORK', stepId: 'action', message: /request to 127\.0\.0\.1:\d+ failed/ } })

  const denied = await execute(alice, 'http', { action: 'request', params: { url: 'http://10.0.0.1/' } })
  t.match(denied.body, { status: 'failed', error: { code: 'R3SN_EGRESS_DENIED', message: /not in R3SN_HTTP_ALLOWED_HOSTS/ } })

  const badExpression = await execute(alice, 'json', { action: 'transform', params: { data: {}, expression: '$sum(' } })
  t.match(badExpression.body, { status: 'failed', error: { code: 'R3SN_EXPRESSION_FAILED', message: /^json\.transform: / } })
})
