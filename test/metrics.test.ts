import t from 'tap'
import { startFakeLlm } from './fixtures/fake-llm.js'
import { greet } from './fixtures/greet-plugin.js'
import { wsConnect } from './fixtures/ws-client.js'
import { build, caller, createUser, eventually, llmConfig, runWorkflow } from './helper.js'

interface Sample { name: string, labels: Record<string, string>, value: number }

/** Parses the Prometheus text format strictly: every line is a comment or `name{labels} value`; anything else fails. */
function parse (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line)
    if (m === null) throw new Error(`not a Prometheus text line: ${JSON.stringify(line)}`)
    const labels: Record<string, string> = {}
    const body = m[2] ?? ''
    const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy
    let read = 0
    for (let p = pair.exec(body); p !== null; p = pair.exec(body)) {
      labels[p[1] as string] = (p[2] as string).replace(/\\(.)/g, (_, c: string) => c === 'n' ? '\n' : c)
      read = pair.lastIndex
    }
    if (read !== body.length) throw new Error(`bad labels in ${JSON.stringify(line)}`)
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) })
  }
  return samples
}

/** The value of the one sample with this name and these labels (among others); undefined when there is none. */
function value (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`)
  return found[0]?.value
}

const fake = await startFakeLlm(t)

t.test('GET /metrics counts the work done, for admins only, in the Prometheus text format', async t => {
  const { app, baseUrl, adminKey, client, config } = await build(t, llmConfig(fake))
  const admin = caller(baseUrl, adminKey)
  const scrape = async () => {
    const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } })
    t.equal(res.status, 200)
    t.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/)
    return parse(await res.text())
  }

  // Refused without a key and for a user who is not an admin, in the one error shape.
  const anonymous = await caller(baseUrl)('GET', '/metrics')
  t.match(anonymous, { status: 401, body: { success: false, statusCode: 401, code: 'R3SN_UNAUTHORIZED' } })
  const user = await createUser(baseUrl, adminKey, 'metrics_user')
  const nonAdmin = await caller(baseUrl, user.key)('GET', '/metrics')
  t.match(nonAdmin, { status: 403, body: { success: false, statusCode: 403, code: 'R3SN_FORBIDDEN' } })
  t.equal((await admin('GET', '/no/such/route')).status, 404)

  // A workflow run that completes and one that fails (a condition that is not a boolean: no retry, no remedy).
  const ok = await runWorkflow(client, { name: 'double', steps: [{ id: 'x', type: 'transform', expression: 'trigger.n * 2' }] }, { n: 2 })
  t.equal(ok.execution.status, 'completed')
  const bad = await runWorkflow(client, { name: 'broken', steps: [{ id: 'c', type: 'condition', expression: '"yes"' }] })
  t.match(bad.execution, { status: 'failed', error: { code: 'R3SN_BAD_CONDITION' } })

  // A prompt planned by the (fake) LLM.
  fake.script({ json: { intent: 'tell the time', agents: [], integrations: [], plugins: [], steps: [{ id: 'now', type: 'integration', action: 'core.time', input: {} }] }, usage: { prompt_tokens: 321, completion_tokens: 45 } })
  const prompt = await admin('POST', '/api/execute', { prompt: 'what time is it' })
  t.match(prompt.body, { status: 'completed', planner: 'llm' })

  // A generated plugin (its self-test runs in the sandbox), then one run of it.
  fake.script({ json: greet(), usage: { prompt_tokens: 100, completion_tokens: 20 } })
  const generated = await admin('POST', '/api/plugins/generate', { appName: 'Greeter', actions: ['greet a person by name'], platform: 'rest-api' })
  t.equal(generated.status, 201)
  const ran = await admin('POST', `/api/plugins/${generated.body.plugin.id as string}/execute`, { action: 'greet', parameters: { name: 'Grace' } })
  t.match(ran.body, { status: 'completed', result: { message: 'Hello, Grace!' } })

  const ws = await wsConnect(baseUrl, adminKey)
  t.teardown(() => { ws.close() })
  await ws.waitFor(f => f.event === 'auth:ok')

  const m = await scrape()
  t.ok(m.length > 0 && m.every(s => s.name.startsWith('r3sn_')), 'every metric is named r3sn_*')

  // HTTP: route patterns, never paths.
  t.equal(value(m, 'r3sn_http_requests_total', { method: 'GET', route: '/metrics', status: '401' }), 1)
  t.equal(value(m, 'r3sn_http_requests_total', { method: 'GET', route: '/metrics', status: '403' }), 1)
  t.equal(value(m, 'r3sn_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }), 1)
  t.equal(value(m, 'r3sn_http_requests_total', { method: 'POST', route: '/api/workflows', status: '201' }), 2)
  t.equal(value(m, 'r3sn_http_requests_total', { method: 'POST', route: '/api/workflows/:id/execute', status: '200' }), 2)
  t.equal(value(m, 'r3sn_http_request_duration_seconds_count', { method: 'POST', route: '/api/workflows', status_class: '2xx' }), 2)
  t.notOk(m.some(s => s.labels.route?.includes(ok.workflowId)), 'no id in a route label')

  // Runs, by type and status: exact, as nothing else runs on this app.
  for (const [type, status, n] of [['workflow', 'completed', 1], ['workflow', 'failed', 1], ['prompt', 'completed', 1], ['plugin-generation', 'completed', 1], ['plugin', 'completed', 1]] as const) {
    t.equal(value(m, 'r3sn_runs_ended_total', { type, status }), n, `${type} runs ${status}`)
    t.equal(value(m, 'r3sn_run_duration_seconds_count', { type, status }), n, `${type} ${status} run durations`)
  }
  t.equal(value(m, 'r3sn_runs_queued_total', { type: 'workflow' }), 2)
  t.equal(value(m, 'r3sn_runs_started_total', { type: 'workflow', resumed: 'false' }), 2)
  t.equal(value(m, 'r3sn_step_duration_seconds_count', { type: 'transform', status: 'completed' }), 1)
  t.equal(value(m, 'r3sn_step_duration_seconds_count', { type: 'condition', status: 'failed' }), 1)
  t.equal(value(m, 'r3sn_step_duration_seconds_count', { type: 'plan', status: 'completed' }), 1)
  t.equal(value(m, 'r3sn_self_debugging_diagnoses_total', { class: 'unknown', action: 'none', outcome: 'not-applied' }), 1, 'the failed condition was diagnosed, with no remedy')

  // The LLM: by purpose and model, with the tokens the fake reported.
  t.equal(value(m, 'r3sn_llm_calls_total', { purpose: 'plan', model: 'test-model', result: 'success' }), 1)
  t.equal(value(m, 'r3sn_llm_tokens_total', { purpose: 'plan', model: 'test-model', kind: 'prompt' }), 321)
  t.equal(value(m, 'r3sn_llm_tokens_total', { purpose: 'plan', model: 'test-model', kind: 'completion' }), 45)
  t.equal(value(m, 'r3sn_llm_calls_total', { purpose: 'plugin-generation', model: 'test-model', result: 'success' }), 1)
  t.equal(value(m, 'r3sn_llm_tokens_total', { purpose: 'plugin-generation', model: 'test-model', kind: 'prompt' }), 100)
  t.equal(value(m, 'r3sn_llm_call_duration_seconds_count', { purpose: 'plan' }), 1)

  // The sandbox: the self-test and the run (at least: generation may run more checks), none refused.
  t.ok((value(m, 'r3sn_sandbox_runs_total') ?? 0) >= 2, 'sandbox runs counted')
  t.equal(value(m, 'r3sn_sandbox_refused_runs_total'), 0)
  t.equal(value(m, 'r3sn_sandbox_pool_size'), app.sandbox.poolSize)
  t.equal(value(m, 'r3sn_sandbox_queue_capacity'), config.sandboxMaxQueue)
  t.ok((value(m, 'r3sn_sandbox_workers') ?? 0) >= 1)

  // Gauges read at scrape time: the realtime connection, the worker's slots.
  t.equal(value(m, 'r3sn_realtime_connections'), 1)
  t.equal(value(m, 'r3sn_worker_slots'), config.concurrency)
  t.type(value(m, 'r3sn_worker_runs', { state: 'running' }), 'number')
  t.equal(value(m, 'r3sn_lease_takeovers_total'), 0)
  t.equal(value(m, 'r3sn_realtime_slow_consumers_total'), undefined, 'no slow consumer was dropped')
  t.equal(value(m, 'r3sn_db_errors_total', { source: 'runtime' }), undefined, 'no database operation failed')

  // The closed socket leaves the gauge.
  ws.close()
  await eventually(async () => value(await scrape(), 'r3sn_realtime_connections') === 0 ? true : undefined, 10_000, 'the connection gauge to drop')
})

t.test('a failed database write of a run is counted as a database error', async t => {
  let failOnce = true
  const { baseUrl, adminKey, client } = await build(t, {}, {
    faults: write => {
      if (write === 'run.end' && failOnce) { failOnce = false; throw new Error('injected: the database refused the write') }
    }
  })
  const created = await client.POST('/api/workflows', { body: { name: 'pure', steps: [{ id: 'x', type: 'transform', expression: '1' }] } })
  await client.POST('/api/workflows/{id}/execute', { params: { path: { id: created.data!.workflow.id } }, body: {} })
  const m = await eventually(async () => {
    const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } })
    const samples = parse(await res.text())
    return value(samples, 'r3sn_runs_ended_total', { type: 'workflow', status: 'completed' }) === 1 ? samples : undefined
  }, 30_000, 'the run to end after its failed write')
  t.equal(value(m, 'r3sn_db_errors_total', { source: 'runtime', kind: 'other', code: 'none' }), 1)
  t.equal(value(m, 'r3sn_runs_stopped_total', { reason: 'failure' }), 1, 'the run stopped and resumed from its record')
})
