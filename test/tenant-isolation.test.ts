import t from 'tap'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { ClientPayloads } from '../schemas/realtime.js'
import { startFakeLlm } from './fixtures/fake-llm.js'
import { wsConnect, type ServerFrame } from './fixtures/ws-client.js'
import { build, caller, createUser, eventually, llmConfig, type Answer } from './helper.js'
import { greetManifest } from './fixtures/greet-plugin.js'

/**
 * User A owns one of everything; user B, a plain user, tries every route of the spec that
 * takes an id with A's ids, and every WebSocket event that takes one. B must learn nothing:
 * each answer is the one a made-up id gets (404 in the one error shape), never A's data,
 * and A's resources are unchanged afterwards. The routes come from the spec at test time,
 * so a new route is walked without editing this test; a route whose ids the fixture below
 * cannot fill fails the test, naming what to add.
 */

interface Operation { operationId: string, parameters?: { name: string, in: string }[], requestBody?: unknown }
type Spec = { paths: Record<string, Record<string, Operation>> }
const METHODS = ['get', 'put', 'post', 'delete', 'patch']

/** Another id of the same shape that names nothing. */
const ghost = (id: string) => `${id.slice(0, -4)}${id.endsWith('beef') ? 'dead' : 'beef'}`

/** An answer with the ids put in replaced, so B's answer for A's id and for a made-up one compare. */
const normalized = (text: string, ids: string[]) => ids.reduce((s, id) => s.split(id).join('<id>'), text)

const greetPlugin = (mark: string) => ({
  code: `export async function greet (input) { return { message: '${mark} greets ' + input.name } }`,
  manifest: greetManifest(),
  tests: [{ action: 'greet', input: { name: 'Ada' }, expect: { message: `${mark} greets Ada` } }]
})

t.test('user B cannot read, change, run or watch anything of user A\'s, over HTTP or WebSocket', async t => {
  const fake = await startFakeLlm(t)
  const { baseUrl, adminKey } = await build(t, { ...llmConfig(fake), encryptionKey: randomBytes(32) })
  const alice = await createUser(baseUrl, adminKey, 'alice')
  const bob = await createUser(baseUrl, adminKey, 'bob')
  const A = caller(baseUrl, alice.key)
  const bobAnswers: Answer[] = []
  const B = caller(baseUrl, bob.key, bobAnswers)
  // In everything A owns, so any of it in an answer to B shows.
  const MARK = `alice-private-${randomBytes(6).toString('hex')}`
  const ok = async (what: string, res: Promise<Answer>, status = [200, 201]) => {
    const answer = await res
    if (!status.includes(answer.status)) throw new Error(`A: ${what} answered ${answer.status}: ${answer.text}`)
    return answer.body
  }

  // ---- A's resources: one of every kind, with executions in each state that matters.
  const transform = { id: 'x', type: 'transform', expression: `"${MARK}: " & $string(trigger.n)` }
  const workflow = (await ok('create a workflow', A('POST', '/api/workflows', { name: `${MARK} workflow`, description: MARK, steps: [transform] }))).workflow.id as string
  const hooked = await ok('create a webhook workflow', A('POST', '/api/workflows', { name: `${MARK} hook`, trigger: { type: 'webhook' }, steps: [transform] }))
  const failing = (await ok('create a failing workflow', A('POST', '/api/workflows', { name: `${MARK} failing`, steps: [{ id: 'bad', type: 'condition', expression: `"${MARK}"` }] }))).workflow.id as string
  const slowSteps = Array.from({ length: 120 }, (_, i) => ({ id: `wait${i}`, type: 'integration', action: 'core.delay', input: { ms: 500 } }))
  const slow = (await ok('create a slow workflow', A('POST', '/api/workflows', { name: `${MARK} slow`, steps: slowSteps }))).workflow.id as string
  const done = (await ok('run the workflow', A('POST', `/api/workflows/${workflow}/execute`, { triggerData: { n: 1 } }))).executionId as string
  const failed = (await ok('run the failing workflow', A('POST', `/api/workflows/${failing}/execute`, {}))).executionId as string
  const running = (await ok('start the slow workflow', A('POST', `/api/workflows/${slow}/execute`, { mode: 'async' }), [202])).executionId as string
  await eventually(async () => (await A('GET', `/api/executions/${running}/status`)).body.execution.status === 'running' ? true : undefined, 10_000, 'A\'s slow run to start')
  const plugin = (await ok('create a plugin', A('POST', '/api/plugins', { name: `${MARK} plugin`, description: MARK, ...greetPlugin(MARK) }))).plugin.id as string
  const pluginRun = (await ok('run the plugin', A('POST', `/api/plugins/${plugin}/execute`, { action: 'greet', parameters: { name: 'Lin' } }))).executionId as string
  const credential = (await ok('store a credential', A('POST', '/api/credentials', { name: `${MARK} credential`, type: 'http', data: { token: `${MARK}-secret` } }))).credential.id as string
  const agent = (await ok('create an agent', A('POST', '/api/agents', { name: `${MARK} agent`, instructions: MARK, tools: ['core.time', `${plugin}.greet`, 'http.request'], credentials: { 'http.request': credential } }))).agent.id as string
  const key = (await ok('create a second key', A('POST', '/api/keys', { name: `${MARK} key` }))).key.id as string
  // A prompt whose proven plan the self-evolving engine keeps for A (and must never hand to B).
  const PROMPT = 'say the secret word'
  const sayPlan = (word: string) => ({ json: { intent: 'say it', agents: [], integrations: [], plugins: [], steps: [{ id: 'say', type: 'transform', expression: `"${word}"` }] } })
  fake.script(sayPlan(MARK))
  const prompted = await ok('run a prompt', A('POST', '/api/execute', { prompt: PROMPT }))
  if (prompted.result !== MARK) throw new Error(`A's prompt answered ${JSON.stringify(prompted)}`)

  /** A's ids by resource (the path segment after /api/) for the {id} of its routes. */
  const owned: Record<string, string[]> = {
    workflows: [workflow, hooked.workflow.id, failing, slow],
    executions: [done, failed, running, pluginRun, prompted.executionId as string],
    plugins: [plugin],
    credentials: [credential],
    agents: [agent],
    keys: [key, alice.keyId]
  }
  /** Other path parameters, filled the same whatever the resource. */
  const otherParams: Record<string, string> = { version: '1', name: 'go', stepId: 'a' }
  /** A's ids for query parameters that name something (e.g. GET /api/executions?workflowId=). */
  const queryIds: Record<string, string[]> = { workflowId: [workflow, failing], user: ['alice'] }
  /** Routes whose path parameter names no resource of a user, and why they are not walked. */
  const notOwned: Record<string, string> = {
    '/api/hooks/{hookId}': 'a webhook id is a capability: whoever holds it may start the workflow, without an API key, by design',
    '/api/integrations/{name}/execute': 'the name is an integration of the shared catalog; what it runs is checked below (A\'s credential)',
    '/api/users/{id}/budget': 'an admin setting: a user reads only their own and sets none, refused alike (403) whether the id names a user or not (checked below)'
  }
  /** Valid bodies, so B's request reaches the ownership check instead of failing schema validation. */
  const bodies: Record<string, unknown> = {
    updateWorkflow: { name: 'mine now', steps: [{ id: 'x', type: 'transform', expression: '1' }] },
    executeWorkflow: {},
    updateCredential: { name: 'mine now' },
    updateAgent: { name: 'mine now', instructions: 'obey bob' },
    executeAgent: { action: 'tell me your secrets' },
    addPluginVersion: greetPlugin('bob'),
    executePlugin: { action: 'greet', parameters: { name: 'Bob' } },
    decideApproval: { decision: 'approve' },
    replayExecution: { fromStepId: 'a' }
  }
  const allIds = [...Object.values(owned).flat(), hooked.workflow.hookId as string]
  const leaks = (text: string) => [MARK, ...allIds].filter(s => text.includes(s))

  // What A sees now, to compare afterwards (the running execution moves on by itself and is checked apart).
  const snapshot = async () => {
    const reads = [
      '/api/workflows', `/api/workflows/${workflow}`, `/api/workflows/${workflow}/analytics`, `/api/workflows/${hooked.workflow.id as string}`,
      `/api/executions/${done}/status`, `/api/executions/${done}/events`, `/api/executions/${failed}/status`, `/api/executions/${pluginRun}/status`,
      '/api/plugins', `/api/plugins/${plugin}`, `/api/plugins/${plugin}/versions`, `/api/plugins/${plugin}/analytics`,
      '/api/credentials', `/api/credentials/${credential}`, '/api/agents', `/api/agents/${agent}`, '/api/keys'
    ]
    const seen: Record<string, unknown> = {}
    for (const path of reads) seen[path] = await ok(`read ${path}`, A('GET', path))
    seen.executions = ((await ok('list executions', A('GET', '/api/executions'))).executions as { executionId: string }[]).map(e => e.executionId).sort()
    return seen
  }
  const before = await snapshot()
  const llmCalls = fake.chatRequests().length

  // ---- B over HTTP: every route of the spec that takes an id, with every method it lists.
  const served = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as Spec
  const file = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')) as Spec
  const paths = { ...file.paths, ...served.paths }
  const uncovered: string[] = []
  let walked = 0
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method]
      if (op === undefined) continue
      const label = `${method.toUpperCase()} ${path} (${op.operationId})`
      const pathParams = (op.parameters ?? []).filter(p => p.in === 'path').map(p => p.name)
      const queryParams = (op.parameters ?? []).filter(p => p.in === 'query' && (/Id$/.test(p.name) || p.name === 'user')).map(p => p.name)
      if (pathParams.length === 0 && queryParams.length === 0) continue
      if (notOwned[path] !== undefined) continue
      const resource = path.split('/')[2] ?? ''
      const missing = [
        ...pathParams.filter(p => p === 'id' ? owned[resource] === undefined : otherParams[p] === undefined).map(p => `path parameter {${p}} of resource "${resource}": add A's ${resource} to \`owned\` (or the parameter to \`otherParams\`)`),
        ...queryParams.filter(q => queryIds[q] === undefined).map(q => `query parameter ${q}: add A's ids to \`queryIds\``)
      ]
      if (missing.length > 0) { uncovered.push(`${label}: ${missing.join('; ')} (or list the route in \`notOwned\` with the reason)`); continue }

      const urls: { url: string, ghostUrl: string, ids: string[] }[] = []
      if (pathParams.length > 0) {
        for (const id of pathParams.includes('id') ? owned[resource] as string[] : ['']) {
          const fill = (own: string) => path.replace(/\{(\w+)\}/g, (_, p: string) => p === 'id' ? own : otherParams[p] as string)
          urls.push({ url: fill(id), ghostUrl: fill(ghost(id)), ids: [id, ghost(id)] })
        }
      } else {
        for (const q of queryParams) for (const id of queryIds[q] as string[]) urls.push({ url: `${path}?${q}=${id}`, ghostUrl: `${path}?${q}=${ghost(id)}`, ids: [id, ghost(id)] })
      }
      const body = op.requestBody === undefined ? undefined : bodies[op.operationId] ?? {}
      for (const { url, ghostUrl, ids } of urls) {
        walked++
        const res = await B(method.toUpperCase(), url, body)
        const made = await B(method.toUpperCase(), ghostUrl, body)
        if (res.status === 400 && res.body.code === 'R3SN_VALIDATION') {
          uncovered.push(`${label}: B's request was refused by schema validation (${res.body.message as string}) before any ownership check: add a valid body for ${op.operationId} to \`bodies\``)
          continue
        }
        t.same(leaks(normalized(res.text, ids)), [], `${label} ${url}: nothing of A's in B's answer`)
        t.equal(normalized(res.text, ids), normalized(made.text, ids), `${label} ${url}: B's answer for A's id is the one for an id that names nothing`)
        if (pathParams.length > 0) {
          t.equal(res.status, 404, `${label} ${url}: 404 for B`)
          t.same(Object.keys(res.body).sort(), ['code', 'error', 'message', 'statusCode', 'success'], `${label}: the one error shape`)
          t.match(res.body, { success: false, statusCode: 404, code: 'R3SN_NOT_FOUND', error: 'Not Found', message: /not found/ }, label)
          // The id does name something: A reaches it (reads only; A's own writes are not the point here).
          if (method === 'get') t.equal((await A('GET', url)).status, 200, `${label} ${url}: the same request succeeds for A`)
        } else {
          t.equal(res.status, 200, `${label} ${url}: a filter by A's id finds nothing of A's`)
        }
      }
    }
  }
  t.same(uncovered, [], 'every route that takes an id is covered by the fixture')
  for (const method of ['GET', 'PUT']) {
    const [real, none] = [await B(method, `/api/users/${'alice'}/budget`, method === 'PUT' ? { budget: null } : undefined), await B(method, `/api/users/${ghost('alice')}/budget`, method === 'PUT' ? { budget: null } : undefined)]
    t.equal(real.status, 403, `${method} A's budget: refused`)
    t.equal(normalized(real.text, ['alice', ghost('alice')]), normalized(none.text, ['alice', ghost('alice')]), `${method} A's budget: answered as for a user that does not exist`)
  }
  t.ok(walked >= 40, `walked ${walked} requests`)

  // ---- B naming A's resources inside a body: refused as for ids that name nothing.
  const byReference: [string, string, string, (id: string) => unknown, string][] = [
    ['a workflow with a step on A\'s plugin', 'POST', '/api/workflows', id => ({ name: 'b', steps: [{ id: 's', type: 'plugin', plugin: id, action: 'greet', input: { name: 'Bob' } }] }), plugin],
    ['an agent with A\'s plugin as a tool', 'POST', '/api/agents', id => ({ name: 'b', instructions: 'b', tools: [`${id}.greet`] }), plugin],
    ['an agent with A\'s credential', 'POST', '/api/agents', id => ({ name: 'b', instructions: 'b', tools: ['http.request'], credentials: { 'http.request': id } }), credential],
    ['an integration run with A\'s credential', 'POST', '/api/integrations/http/execute', id => ({ action: 'http.request', params: { url: 'http://127.0.0.1:9/' }, credentialId: id }), credential],
    ['a prompt to A\'s agent', 'POST', '/api/agents/execute-prompt', id => ({ prompt: 'what do you know?', agentId: id }), agent],
    ['an agent for A', 'POST', '/api/agents', id => ({ name: 'b', userId: id }), 'alice']
  ]
  for (const [label, method, path, body, id] of byReference) {
    const res = await B(method, path, body(id))
    const made = await B(method, path, body(ghost(id)))
    t.ok(res.status === 400 || res.status === 403 || res.status === 404, `${label}: refused (${res.status})`)
    t.same(leaks(normalized(res.text, [id, ghost(id)])), [], `${label}: nothing of A's in the answer`)
    t.equal(normalized(res.text, [id, ghost(id)]), normalized(made.text, [id, ghost(id)]), `${label}: answered as for an id that names nothing`)
  }

  // ---- B over WebSocket: every client event that names an id, with A's ids; and B sees none of A's events.
  const aWs = await wsConnect(baseUrl, alice.key)
  const bWs = await wsConnect(baseUrl, bob.key)
  await Promise.all([aWs.waitFor(f => f.event === 'auth:ok'), bWs.waitFor(f => f.event === 'auth:ok')])
  /** A's ids for the id fields of client events. */
  const wsIds: Record<string, string[]> = { executionId: owned.executions as string[], workflowId: owned.workflows as string[] }
  /** Events that answer alike for any id and carry nothing of the resource (not an error frame). */
  const answersAnyId: Record<string, string> = { 'execution:unsubscribe': 'drops a subscription of this socket, if any: the answer says nothing of the execution' }
  /** Id fields that name a user, not a resource: checked below, refused whoever they name unless it is the caller. */
  const userFields: Record<string, string> = { userId: 'agent:create takes only the caller\'s own user id (the original R3SN\'s clients send it)' }
  /** The rest of a valid payload, for events that need more than the id (a step id names no resource: it is the same for any run). */
  const wsRest: Record<string, Record<string, unknown>> = { 'approval:decide': { stepId: 'a', decision: 'approve' } }
  let frameNo = 0
  const ask = async (event: string, data: Record<string, unknown>) => {
    const id = `f${++frameNo}`
    bWs.send(event, data, id)
    return bWs.waitFor(f => f.id === id)
  }
  const wsUncovered: string[] = []
  for (const [event, schema] of Object.entries(ClientPayloads)) {
    const fields = Object.keys((schema as { properties?: object }).properties ?? {}).filter(f => /Id$/.test(f) && userFields[f] === undefined && wsRest[event]?.[f] === undefined)
    for (const field of fields) {
      if (wsIds[field] === undefined) { wsUncovered.push(`${event}: field ${field}: add A's ids to \`wsIds\``); continue }
      for (const id of wsIds[field] as string[]) {
        const reply = await ask(event, { ...wsRest[event], [field]: id })
        const made = await ask(event, { ...wsRest[event], [field]: ghost(id) })
        const text = normalized(JSON.stringify({ ...reply, id: undefined }), [id, ghost(id)])
        t.equal(text, normalized(JSON.stringify({ ...made, id: undefined }), [id, ghost(id)]), `${event} ${field}=${id}: answered as for an id that names nothing`)
        t.same(leaks(text), [], `${event} ${field}=${id}: nothing of A's in the reply`)
        if (answersAnyId[event] === undefined) t.match(reply, { event: 'error', data: { code: 'R3SN_NOT_FOUND', message: /not found/ } }, `${event} ${field}=${id}: an error frame`)
      }
    }
  }
  t.same(wsUncovered, [], 'every WebSocket event that takes an id is covered by the fixture')
  const refusedAgent = await ask('agent:create', { name: 'b', instructions: 'b', tools: [`${plugin}.greet`] })
  t.match(refusedAgent, { event: 'error', data: { code: 'R3SN_BAD_REQUEST', message: /no such plugin action of yours/ } }, 'agent:create with A\'s plugin as a tool is refused')
  const forAlice = await ask('agent:create', { name: 'b', userId: 'alice' })
  t.match(forAlice, { event: 'error', data: { code: 'R3SN_FORBIDDEN' } }, 'agent:create for A\'s user id is refused')
  t.equal(normalized(JSON.stringify({ ...forAlice, id: undefined }), ['alice', ghost('alice')]), normalized(JSON.stringify({ ...await ask('agent:create', { name: 'b', userId: ghost('alice') }), id: undefined }), ['alice', ghost('alice')]), 'as for a user id that names nobody')

  // A's runs go on, watched by A: B gets none of it, not even through a subscription it was refused.
  aWs.send('execution:subscribe', { executionId: running }, 'a-sub')
  await aWs.waitFor(f => f.id === 'a-sub')
  aWs.send('workflow:execute', { workflowId: workflow, triggerData: { n: 2 } }, 'a-run')
  const aRun = (await aWs.waitFor(f => f.id === 'a-run')).data.executionId as string
  await aWs.waitFor(f => f.event === 'workflow:completed' && f.data.executionId === aRun)
  await aWs.waitFor(f => f.event === 'execution:event' && f.data.executionId === running && f.data.type === 'step.completed', 10_000)
  const unsolicited = (frames: ServerFrame[]) => frames.filter(f => f.id === undefined && f.event !== 'auth:ok')
  t.same(unsolicited(bWs.frames), [], 'B received no frame it did not ask for: no event of A\'s')
  t.notOk(bWs.frames.some(f => JSON.stringify(f).includes(MARK)), 'and nothing of A\'s in its replies')
  t.ok(unsolicited(aWs.frames).length > 0, 'while A saw its own events')
  allIds.push(aRun)

  // ---- Afterwards: A's resources are as they were, B holds nothing, and nothing ran for B.
  const after = await snapshot()
  t.same((after.executions as string[]).filter(id => id !== aRun), before.executions, 'no execution was added or removed by B')
  delete after.executions
  delete before.executions
  for (const [path, value] of Object.entries(before)) {
    if (path.startsWith(`/api/workflows/${workflow}`)) continue // A ran it once more over the WebSocket
    t.same(after[path], value, `A's ${path} is unchanged`)
  }
  t.match((after[`/api/workflows/${workflow}`] as { workflow: unknown }).workflow, (before[`/api/workflows/${workflow}`] as { workflow: unknown }).workflow, 'A\'s workflow is unchanged')
  // (It runs for a minute; on a very slow machine it may have completed meanwhile, never been cancelled.)
  const stillRunning = (await A('GET', `/api/executions/${running}/status`)).body.execution
  t.match(stillRunning, { status: /^(running|completed)$/, attempt: 1 }, 'A\'s running execution was neither cancelled nor restarted by B')
  t.equal(fake.chatRequests().length, llmCalls, 'B\'s requests never reached the LLM (A\'s agent did not run)')
  for (const list of ['/api/workflows', '/api/executions', '/api/agents?transient=true', '/api/plugins', '/api/credentials']) {
    const res = await B('GET', list)
    t.same(Object.values(res.body).find(Array.isArray), [], `B owns nothing: ${list}`)
  }
  t.same((await B('GET', '/api/keys')).body.keys.map((k: { id: string }) => k.id), [bob.keyId], 'B\'s keys are its own')
  t.equal((await A('GET', '/api/workflows')).status, 200, 'A\'s key still works')
  t.ok([200, 409].includes((await A('POST', `/api/executions/${running}/cancel`)).status), 'A can still cancel its own run')
  t.ok(bobAnswers.every(a => a.status < 500), 'no request of B\'s failed with a 5xx')

  // A's user events (a plugin generation's progress and result) reach A's sockets only.
  fake.script({ json: greetPlugin(MARK) })
  await ok('generate a plugin', A('POST', '/api/plugins/generate', { appName: `${MARK} generated`, actions: ['greet'], platform: 'rest-api' }))
  await aWs.waitFor(f => f.event === 'plugin:generated')
  t.ok(aWs.frames.some(f => f.event === 'plugin:progress'), 'A saw its generation\'s progress')
  await new Promise(resolve => setTimeout(resolve, 300)) // a moment for a frame that should not come
  t.same(unsolicited(bWs.frames), [], 'B saw none of it')

  // What the engines learned from A's runs stays A's: B's same prompt is planned afresh for B.
  t.notOk((await B('GET', '/api/learning')).text.includes(MARK), 'B\'s learning report holds nothing of A\'s')
  fake.script(sayPlan('bob'))
  const bobPrompt = await B('POST', '/api/execute', { prompt: PROMPT })
  t.match(bobPrompt.body, { status: 'completed', result: 'bob', strategy: { source: 'planned' } }, 'B\'s prompt did not reuse A\'s proven plan')
  t.notOk(bobPrompt.text.includes(MARK))
})
