import t from 'tap'
import { ClientPayloads } from '../../schemas/realtime.js'
import { checkPayload, commands, isClientEvent } from '../../commands/table.js'

t.test('every client event but the transport\'s own (auth, ping) is a command, with its payload schema', async t => {
  const events = Object.keys(ClientPayloads).filter(e => e !== 'auth' && e !== 'ping')
  t.same([...commands.keys()].sort(), events.sort())
  for (const [event, command] of commands) t.equal(command.payload, ClientPayloads[event as keyof typeof ClientPayloads], `${event}: its schema in schemas/realtime.ts`)
  for (const name of ['__proto__', 'constructor', 'toString', 'teleport']) t.notOk(isClientEvent(name), `"${name}" is no client event`)
})

t.test('checkPayload refuses as the HTTP API does: details with paths under data/', async t => {
  const refusal = (event: string, data: unknown) => { try { checkPayload(event, data); return undefined } catch (err) { return err as { code: string, statusCode: number, message: string, details: unknown } } }
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
