import t from 'tap'
import { validateDefinition, nextStepId, gotoTarget } from '../../../engines/runtime/definition.js'
import { StepRegistry, type StepHandler } from '../../../engines/runtime/steps.js'
import { IntegrationHub } from '../../../engines/integration-hub.js'
import { builtinActions } from '../../../engines/integrations/index.js'
import type { WorkflowDefinition, WorkflowStep } from '../../../schemas/workflows.js'
import type { Config } from '../../../config.js'

// No database: the step types as the orchestrator registers them, with the real integration catalog.
const pure: StepHandler = { sideEffects: false, run: async () => null }
const registry = new StepRegistry()
registry.register('transform', pure)
registry.register('condition', pure)
registry.register('integration', new IntegrationHub({} as Config, undefined as never, builtinActions).stepHandler)
registry.register('agent', { ...pure, validate: step => step.agent === undefined ? 'an agent step needs an agent (its id)' : undefined })

const def = (steps: unknown[], trigger?: unknown) => ({ name: 'w', steps, ...(trigger === undefined ? {} : { trigger }) }) as WorkflowDefinition
const refused = (steps: unknown[], trigger?: unknown): unknown => {
  try {
    validateDefinition(def(steps, trigger), registry)
    return undefined
  } catch (err) {
    return err
  }
}

t.test('a valid definition gives back its trigger (manual when none is given)', async t => {
  t.same(validateDefinition(def([{ id: 'a', type: 'transform', expression: '1' }]), registry), { type: 'manual' })
  const schedule = { type: 'schedule', cron: '*/5 * * * *', timezone: 'Europe/Paris' }
  t.same(validateDefinition(def([{ id: 'a', type: 'transform', expression: '1' }], schedule), registry), schedule)
  t.same(validateDefinition(def([{ id: 'a', type: 'integration', action: 'core.log', input: { message: '=trigger.text' } }], { type: 'webhook' }), registry), { type: 'webhook' })
})

t.test('each problem is a 400 naming the step and what is wrong', async t => {
  const cases: [string, unknown[], RegExp][] = [
    ['duplicate id', [{ id: 'a', type: 'transform', expression: '1' }, { id: 'a', type: 'transform', expression: '2' }], /^step "a": the id is used twice$/],
    ['no handler', [{ id: 'a', type: 'plugin', plugin: 'p', action: 'x' }], /^step "a": no handler for step type "plugin" yet \(available: agent, condition, integration, transform\)$/],
    ['missing then', [{ id: 'a', type: 'condition', expression: 'true', then: 'b' }], /^step "a": then points to a missing step "b"$/],
    ['missing else', [{ id: 'a', type: 'condition', expression: 'true', else: 'b' }], /^step "a": else points to a missing step "b"$/],
    ['missing next', [{ id: 'a', type: 'transform', expression: '1', next: 'b' }], /^step "a": next points to a missing step "b"$/],
    ['missing goto', [{ id: 'a', type: 'transform', expression: '1', onError: 'goto:nowhere' }], /^step "a": onError points to a missing step "nowhere"$/],
    ['transform without expression', [{ id: 'a', type: 'transform' }], /^step "a": a transform step needs an expression$/],
    ['condition without expression', [{ id: 'a', type: 'condition' }], /^step "a": a condition step needs an expression$/],
    ['then on a transform', [{ id: 'a', type: 'transform', expression: '1', then: 'a' }], /^step "a": then\/else are only for condition steps$/],
    ['bad JSONata', [{ id: 'a', type: 'transform', expression: '$sum(' }], /^step "a": bad JSONata expression: /],
    ['bad input JSONata', [{ id: 'a', type: 'integration', action: 'core.log', input: { message: '=trigger.(' } }], /^step "a": bad JSONata expression in input "=trigger\.\(": /],
    ['nested bad input JSONata', [{ id: 'a', type: 'integration', action: 'core.log', input: { message: ['ok', { deep: '=$sum(' }] } }], /bad JSONata expression in input "=\$sum\("/],
    ['retry caps below the first delay', [{ id: 'a', type: 'transform', expression: '1', retry: { maxAttempts: 2, initialDelayMs: 500, maxDelayMs: 100 } }], /^step "a": retry\.maxDelayMs is below retry\.initialDelayMs$/],
    ['unknown action', [{ id: 'a', type: 'integration', action: 'nope.nope' }], /^step "a": unknown integration action "nope\.nope"/],
    ['handler check', [{ id: 'a', type: 'agent' }], /^step "a": an agent step needs an agent \(its id\)$/],
    ['endless loop', [{ id: 'a', type: 'transform', expression: '1', next: 'b' }, { id: 'b', type: 'transform', expression: '2', next: 'a' }], /^step "a": the steps a -> b -> a loop forever/],
    ['self loop', [{ id: 'x', type: 'transform', expression: '1' }, { id: 'a', type: 'transform', expression: '1', next: 'a' }], /^step "a": the steps a -> a loop forever/]
  ]
  for (const [label, steps, message] of cases) {
    t.match(refused(steps), { statusCode: 400, code: 'R3SN_BAD_REQUEST', message }, label)
  }
})

t.test('the first problem wins, in the order: trigger, duplicate ids, each step in turn, then cycles', async t => {
  const twice = [{ id: 'a', type: 'transform' }, { id: 'a', type: 'transform' }]
  t.match(refused(twice, { type: 'schedule' }), { message: 'trigger: a schedule trigger needs a cron expression' })
  t.match(refused(twice), { message: 'step "a": the id is used twice' })
  t.match(refused([{ id: 'a', type: 'transform', expression: '1', next: 'b' }, { id: 'b', type: 'transform', next: 'a' }]), { message: 'step "b": a transform step needs an expression' })
})

t.test('triggers: cron only for schedules, and it must parse', async t => {
  const steps = [{ id: 'a', type: 'transform', expression: '1' }]
  t.match(refused(steps, { type: 'schedule', cron: 'every tuesday' }), { statusCode: 400, message: /^trigger: bad cron expression "every tuesday": / })
  t.match(refused(steps, { type: 'schedule' }), { message: 'trigger: a schedule trigger needs a cron expression' })
  t.match(refused(steps, { type: 'webhook', cron: '* * * * *' }), { message: 'trigger: cron is only for schedule triggers' })
  t.match(refused(steps, { type: 'schedule', cron: '* * * * *', timezone: 'Mars/Olympus' }), { statusCode: 400, message: 'trigger: unknown time zone "Mars/Olympus" (an IANA name such as Europe/Paris or UTC)' })
  t.equal(refused(steps, { type: 'schedule', cron: '0 9 * * 1-5', timezone: 'America/New_York' }), undefined, 'five fields and a zone')
  t.equal(refused(steps, { type: 'schedule', cron: '*/10 * * * * *' }), undefined, 'six fields (seconds)')
})

t.test('an integration step\'s literal input is checked; expressions wait for the run', async t => {
  const err = refused([{ id: 'call', type: 'integration', action: 'http.request', input: { url: 42 } }]) as { message: string, details?: { path: string, stepId: string }[] }
  t.match(err, { statusCode: 400, message: /^step "call": / })
  t.match(err.details, [{ path: /^body\/steps\/0\/input\/url/, stepId: 'call' }], 'details point into the request body')
  t.equal(refused([{ id: 'call', type: 'integration', action: 'http.request', input: { url: '=trigger.url' } }]), undefined)
  t.match(refused([{ id: 'call', type: 'integration', action: 'http.request' }]), { message: /^step "call": / }, 'a required field missing')
})

t.test('loops: a cycle through a condition may end and is allowed', async t => {
  t.equal(refused([
    { id: 'a', type: 'transform', expression: '1' },
    { id: 'c', type: 'condition', expression: 'false', then: 'a' }
  ]), undefined)
  t.equal(refused([
    { id: 'a', type: 'transform', expression: '1', next: 'c' },
    { id: 'b', type: 'transform', expression: '2', next: '$end' },
    { id: 'c', type: 'condition', expression: 'true', then: 'a', else: 'b' }
  ]), undefined)
  t.equal(refused([{ id: 'a', type: 'transform', expression: '1', next: '$end', onError: 'goto:a' }]), undefined, 'goto is not an unconditional edge')
})

t.test('nextStepId and gotoTarget', async t => {
  const steps = [
    { id: 'a', type: 'transform', expression: '1' },
    { id: 'b', type: 'transform', expression: '1', next: 'd' },
    { id: 'c', type: 'transform', expression: '1', next: '$end' },
    { id: 'd', type: 'transform', expression: '1' }
  ] as WorkflowStep[]
  t.same(steps.map((_, i) => nextStepId(steps, i)), ['b', 'd', null, null])
  t.equal(gotoTarget('goto:recover'), 'recover')
  t.equal(gotoTarget('continue'), undefined)
  t.equal(gotoTarget(undefined), undefined)
})
