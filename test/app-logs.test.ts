import t from 'tap'
import { build, caller, createUser, eventually } from './helper.js'

type Line = Record<string, unknown> & { msg: string, level: number }

function parse (logs: string[]): Line[] {
  return logs.map(l => JSON.parse(l) as Line)
}

t.test('one log line per request, with what an operator looks for; a 4xx has no stack', async t => {
  const { baseUrl, adminKey, logs } = await build(t, { logLevel: 'info' })
  const { key } = await createUser(baseUrl, adminKey, 'log-reader')
  const call = caller(baseUrl, key)
  const anonymous = caller(baseUrl)
  const booted = logs.length

  const answers = [
    await anonymous('GET', '/health'),
    await call('GET', '/api/executions?limit=5'),
    await call('GET', '/api/workflows/wf_missing'),
    await call('POST', '/api/workflows', { name: 'bad', steps: 'not a list' }),
    await anonymous('GET', '/api/workflows')
  ]
  t.same(answers.map(a => a.status), [200, 200, 404, 400, 401])

  const requestLines = async () => parse(logs.slice(booted)).filter(l => l.msg === 'request')
  // (onResponse runs once the answer is out: the client may read it a moment before the line is written.)
  const lines = await eventually(async () => { const found = await requestLines(); return found.length >= answers.length ? found : undefined }, 10_000, 'a line for each request')
  t.equal(lines.length, answers.length, 'exactly one line per request')
  t.notOk(logs.some(l => /"msg":"(incoming request|request completed)"/.test(l)), "Fastify's own two entries are gone")
  for (const raw of logs) t.equal(raw.trimEnd().includes('\n'), false, 'every entry is one line')

  t.match(lines.map(l => [l.method, l.route, l.url, l.statusCode, l.code]), [
    ['GET', '/health', '/health', 200, undefined],
    ['GET', '/api/executions', '/api/executions?limit=5', 200, undefined],
    ['GET', '/api/workflows/:id', '/api/workflows/wf_missing', 404, 'R3SN_NOT_FOUND'],
    ['POST', '/api/workflows', '/api/workflows', 400, 'R3SN_VALIDATION'],
    ['GET', '/api/workflows', '/api/workflows', 401, 'R3SN_UNAUTHORIZED']
  ])
  for (const line of lines) {
    t.equal(line.level, 30, 'at info')
    t.type(line.responseTime, 'number')
    t.match(line.reqId, /\S/, 'with the request id')
  }
  t.same(lines.map(l => l.userId), [undefined, 'log-reader', 'log-reader', 'log-reader', undefined], 'the user when authenticated')
  t.notOk(logs.slice(booted).some(l => l.includes('"stack"')), 'no stack for client errors')
  t.notOk(logs.some(l => l.includes(key)), 'the key is never logged')
})

t.test('a run logs its lifecycle with its executionId: queued, started, completed; its steps stay out of the info log', async t => {
  const { client, logs } = await build(t, { logLevel: 'info' })
  const created = await client.POST('/api/workflows', { body: { name: 'two steps', steps: [{ id: 'a', type: 'transform', expression: '1' }, { id: 'b', type: 'transform', expression: 'steps.a.output + 1' }] } })
  const workflowId = created.data?.workflow.id as string
  const ran = await client.POST('/api/workflows/{id}/execute', { params: { path: { id: workflowId } }, body: { triggerData: {} } })
  const executionId = ran.data?.executionId as string
  t.match(executionId, /\S/)

  const lifecycle = await eventually(async () => {
    const mine = parse(logs).filter(l => l.executionId === executionId)
    return mine.some(l => l.msg === 'execution completed') ? mine : undefined
  }, 10_000, 'the completed line')
  t.same(lifecycle.map(l => l.msg), ['execution queued', 'execution started', 'execution completed'], 'one line each, none per step')
  t.match(lifecycle[0], { level: 30, type: 'workflow', workflowId, userId: /\S/ })
  t.match(lifecycle[2], { level: 30, status: 'completed', type: 'workflow' })
  t.type(lifecycle[2]?.executionTime, 'number')

  // A run that fails says so with its error code and step.
  const failing = await client.POST('/api/workflows', { body: { name: 'fails', steps: [{ id: 'boom', type: 'transform', expression: '$error("no")' }] } })
  const failed = await client.POST('/api/workflows/{id}/execute', { params: { path: { id: failing.data?.workflow.id as string } }, body: { triggerData: {} } })
  const failedId = failed.data?.executionId as string
  const end = await eventually(async () => parse(logs).find(l => l.executionId === failedId && l.msg === 'execution failed'), 10_000, 'the failed line')
  t.match(end, { level: 30, status: 'failed', stepId: 'boom', code: /^R3SN_/ })
})
