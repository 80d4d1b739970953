import t from 'tap'
import { ClientPayloads } from '../../schemas/realtime.js'
import { readPayload, commands, isClientEvent } from '../../commands/table.js'

t.test('every client event but the transport\'s own (auth, ping) is a command, with its payload schema', async t => {
  const events = Object.keys(ClientPayloads).filter(e => e !== 'auth' && e !== 'ping')
  t.same([...commands.keys()].sort(), events.sort())
  for (const [event, command] of commands) t.equal(command.payload, ClientPayloads[event as keyof typeof ClientPayloads], `${event}: its schema in schemas/realtime.ts`)
  for (const name of ['__proto__', 'constructor', 'toString', 'teleport']) t.notOk(isClientEvent(name), `"${name}" is no client event`)
})

t.test('readPayload refuses as the HTTP API does: details with paths under data/', async t => {
  const refusal = (event: string, data: unknown) => { try { readPayload(event, data); return undefined } catch (err) { return err as { code: string, statusCode: number, message: string, details: unknown } } }
  t.equal(refusal('agent:create', { name: 'a', instructions: 'b' }), undefined)
  t.match(refusal('agent:create', { name: 'a', instructions: 'b', extra: 1 }), {
    code: 'R3SN_VALIDATION', statusCode: 400,
    message: 'agent:create: data/extra is not allowed (must NOT have additional properties)',
    details: [{ path: 'data/extra', keyword: 'additionalProperties', property: 'extra' }]
  })
  t.match(refusal('prompt:execute', {}), { details: [{ path: 'data/prompt', keyword: 'required' }] })
  t.match(refusal('workflow:execute', { workflowId: 'wf', priority: '5' }), { details: [{ path: 'data/priority', keyword: 'type' }] }, 'no type coercion, as for a JSON body')
  t.match(refusal('workflow:execute', { workflowId: 'a\u0000b' }), { code: 'R3SN_VALIDATION', details: [{ path: 'data/workflowId', message: /U\+0000/ }] }, 'the boundary checks too')
})

t.test('readPayload takes the original\'s shapes: no payload, a bare id, auth with a userId', async t => {
  t.same(readPayload('execution:subscribe', 'exec-1'), { executionId: 'exec-1' }, 'a bare string is the execution id')
  t.same(readPayload('execution:unsubscribe', 'exec-1'), { executionId: 'exec-1' })
  t.same(readPayload('auth', { userId: 'u1', token: 'k' }), { userId: 'u1', token: 'k' })
  t.same(readPayload('ping', undefined), {}, 'no payload is an empty one')
  t.same(readPayload('execution:subscribe', { all: true, since: '2026-12-03T10:00:00.000Z' }), { all: true, since: '2026-12-03T10:00:00.000Z' })
  t.throws(() => readPayload('execution:subscribe', { all: true, since: 'yesterday' }), { code: 'R3SN_VALIDATION' }, 'since of a user-wide subscribe is a time')
  t.throws(() => readPayload('agent:create', 'Bob'), { code: 'R3SN_VALIDATION' }, 'a bare string only where it names one field')
  t.throws(() => readPayload('execution:subscribe', 5), { code: 'R3SN_VALIDATION' })
})
