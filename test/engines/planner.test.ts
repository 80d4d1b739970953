import t from 'tap'
import { Planner } from '../../engines/planner.js'
import { IntegrationHub } from '../../engines/integration-hub.js'
import { PluginFactory } from '../../engines/plugin-factory.js'
import { builtinActions } from '../../engines/integrations/index.js'
import type { Config } from '../../config.js'

// The offline planner is pure: the real integration catalog and plugin schema checks, no database, no LLM.
const hub = new IntegrationHub({} as Config, undefined as never, builtinActions)
const noDb = { collection: () => ({}) }
const plugins = new PluginFactory(noDb as never, undefined as never, undefined as never, hub, {} as Config, undefined as never)
const executor = new Planner({ configured: false } as never, hub, undefined as never, plugins, undefined as never, undefined as never)
const plan = (prompt: string, credentials: { id: string, name: string, type: string }[] = [], catalog: Parameters<Planner['offlinePlan']>[2] = []) => executor.offlinePlan(prompt, credentials, catalog)
const refusal = (prompt: string, ...rest: [Parameters<typeof plan>[1]?, Parameters<typeof plan>[2]?]) => {
  try {
    plan(prompt, ...rest)
    return undefined
  } catch (err) {
    return err
  }
}

t.test('finds integration actions in the prompt, in the order they appear', async t => {
  const draft = plan('Wait 2 seconds, then fetch https://example.com/status. and tell me what time it is, in the log')
  t.same(draft.steps.map(s => s.action), ['core.delay', 'http.request', 'core.time', 'core.log'])
  t.same(draft.steps[0]?.input, { ms: 2000 })
  t.same(draft.steps[1]?.input, { method: 'GET', url: 'https://example.com/status' }, 'trailing punctuation is not part of the URL')
  t.match(draft, { intent: 'offline: core.delay, http.request, core.time, core.log', agents: [], integrations: ['core.delay', 'http.request', 'core.time', 'core.log'], plugins: [] })
})

t.test('the rules one by one', async t => {
  t.match(plan('post the form to http://127.0.0.1:9/hook').steps, [{ id: 'http_request', action: 'http.request', input: { method: 'POST', url: 'http://127.0.0.1:9/hook' } }], 'post, send or submit make a POST')
  t.match(plan('what is the timestamp').steps, [{ id: 'core_time', action: 'core.time', input: {} }])
  t.match(plan('pause for 250 ms').steps, [{ action: 'core.delay', input: { ms: 250 } }], 'milliseconds')
  t.match(plan('sleep 3 secs').steps, [{ action: 'core.delay', input: { ms: 3000 } }], 'seconds')
  t.match(plan('please log this').steps, [{ action: 'core.log', input: { message: 'please log this' } }])
  t.match(refusal('catalogs of timestamps'), { code: 'R3SN_PLAN_INVALID' }, 'whole words only: "catalogs" is no log, "timestamps" no timestamp')
})

t.test('email and Slack need a credential of their type', async t => {
  const smtp = { id: 'cred_1', name: 'mail', type: 'smtp' }
  const slack = { id: 'cred_2', name: 'team', type: 'slack' }
  t.match(plan('email ada@example.com the report', [smtp]).steps, [{ action: 'email.send', credential: 'cred_1', input: { to: 'ada@example.com', subject: 'Message from R3SN' } }])
  t.match(refusal('email ada@example.com the report'), { code: 'R3SN_PLAN_INVALID', retryable: false, message: /email\.send needs a credential of type smtp; add one with POST \/api\/credentials/ })
  t.same(plan('send it to ada@example.com and log it', [smtp]).steps.map(s => s.action), ['core.log'], 'an address without the word email is no email')
  t.match(plan('tell #ops on slack', [slack]).steps, [{ action: 'slack.postMessage', credential: 'cred_2', input: { channel: '#ops', text: 'tell #ops on slack' } }])
  t.match(refusal('tell #ops on slack'), { message: /slack\.postMessage needs a credential of type slack/ })
})

t.test('a plugin named in the prompt with one of its actions', async t => {
  const catalog = [
    { id: 'plg_1', name: 'Weather', actions: [{ name: 'today', description: '', input: { type: 'object' } }, { name: 'forecast', description: '', input: { type: 'object', required: ['city'] } }], credential: null }
  ]
  const draft = plan('ask Weather for today, then log it', [], catalog)
  t.same(draft.steps.map(s => [s.type, s.plugin ?? s.action, s.type === 'plugin' ? s.action : undefined]), [['plugin', 'plg_1', 'today'], ['integration', 'core.log', undefined]])
  t.same(draft.plugins, ['plg_1'])
  t.equal(plan('what is today in weather.com', [], catalog).steps.length, 1, 'the name as a word: "weather.com" still names Weather')
  t.match(refusal('Weather forecast please', [], catalog), { code: 'R3SN_PLAN_INVALID', message: /plugin Weather action forecast needs parameters the offline planner cannot fill/ })
  t.match(refusal('today is nice', [], catalog), { message: /found no integration or plugin/ }, 'an action without its plugin\'s name is not a match')
})

t.test('a prompt it cannot plan is a rejected plan that says what it knows', async t => {
  t.match(refusal('write me a poem'), { name: 'StepError', code: 'R3SN_PLAN_INVALID', retryable: false, message: /^the plan was rejected: the offline planner found no integration or plugin for this prompt .*set OPENAI_API_KEY/ })
})
