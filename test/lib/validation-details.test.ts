import t from 'tap'
import { validationDetails, validationMessage } from '../../lib/errors.js'
import { jsonValidator } from '../../lib/validation.js'
import { sharedSchemas } from '../../schemas/index.js'
import { WorkflowDefinition } from '../../schemas/workflows.js'

t.test('a value outside a union of literals is told what it may be, once', async t => {
  const check = jsonValidator(sharedSchemas)(WorkflowDefinition)
  const details = (value: unknown) => { check(value); return validationDetails(check.errors ?? [], 'body') }
  const badType = details({ name: 'x', steps: [{ id: 'a', type: 'bogus' }] })
  t.same(badType, [{ path: 'body/steps/0/type', message: 'must be one of: agent, integration, plugin, condition, transform, wait, approval, workflow, parallel, foreach', keyword: 'enum' }])
  t.equal(validationMessage(details({ name: 'x', trigger: { type: 'nope' }, steps: [{ id: 'a', type: 'transform', expression: '1' }] })), 'body/trigger/type must be one of: manual, webhook, schedule')
  t.same(details({ name: 'x', steps: [{ id: 'a', type: 'transform', expression: '1', extra: 1 }] }), [{ path: 'body/steps/0/extra', message: 'is not allowed (must NOT have additional properties)', keyword: 'additionalProperties', property: 'extra' }], 'other failures as before')
})
