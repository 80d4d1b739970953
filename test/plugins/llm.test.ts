import t from 'tap'
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import { Llm } from '../../plugins/llm.js'
import { startFakeLlm } from '../fixtures/fake-llm.js'
import { llmConfig, testConfig } from '../helper.js'

const log = Fastify({ logger: false }).log

t.test('tool calls, plain or streamed, come back whole; structured output is checked again', async t => {
  const fake = await startFakeLlm(t)
  const llm = new Llm(testConfig(llmConfig(fake)), log)
  const tools = [{ name: 'lookup', description: 'looks up', parameters: Type.Object({ q: Type.String() }) }]
  fake.script({ toolCalls: [{ id: 'a', name: 'lookup', arguments: { q: 'plain' } }] }, { toolCalls: [{ id: 'b', name: 'lookup', arguments: { q: 'streamed in pieces' } }], content: 'thinking' })
  const plain = await llm.chat({ messages: [{ role: 'user', content: 'hi' }], tools })
  t.same(plain.toolCalls, [{ id: 'a', name: 'lookup', arguments: '{"q":"plain"}' }])
  t.equal(plain.content, null)
  const pieces: string[] = []
  const streamed = await llm.chat({ messages: [{ role: 'user', content: 'hi' }], tools, onToken: text => pieces.push(text) })
  t.same(streamed.toolCalls, [{ id: 'b', name: 'lookup', arguments: '{"q":"streamed in pieces"}' }], 'tool call deltas are put together')
  t.equal(pieces.join(''), 'thinking')
  t.ok(streamed.usage.promptTokens > 0 && streamed.usage.completionTokens > 0, 'usage arrives with the stream')
  t.match(fake.chatRequests()[0]?.body.tools[0], { type: 'function', function: { name: 'lookup', parameters: { type: 'object', required: ['q'] } } })
  t.notOk('$id' in fake.chatRequests()[0]?.body.tools[0].function.parameters)

  fake.script({ json: { answer: 42 } }, { json: { answer: 'forty-two' } })
  const schema = { name: 'Answer', schema: Type.Object({ answer: Type.Integer() }) }
  t.same((await llm.chat({ messages: [{ role: 'user', content: 'q' }], schema })).parsed, { answer: 42 })
  await t.rejects(llm.chat({ messages: [{ role: 'user', content: 'q' }], schema }), { code: 'R3SN_LLM_INVALID_OUTPUT', retryable: false, message: /Answer does not match its schema: \/answer/ })
})

t.test('failures name their cause', async t => {
  const fake = await startFakeLlm(t)
  const llm = new Llm(testConfig({ ...llmConfig(fake), llmMaxRetries: 1 }), log)
  fake.script({ status: 500, error: { message: 'boom' }, headers: { 'retry-after-ms': '1' } }, { status: 500, error: { message: 'boom' }, headers: { 'retry-after-ms': '1' } })
  await t.rejects(llm.chat({ messages: [{ role: 'user', content: 'q' }] }), { code: 'R3SN_LLM_UNAVAILABLE', retryable: true, statusCode: 502 })
  t.equal(fake.chatRequests().length, 2, 'retried once, as configured')
  t.equal(llm.failures, 1)

  const unreachable = new Llm(testConfig({ ...llmConfig(fake), openaiBaseUrl: 'http://127.0.0.1:9/v1', llmMaxRetries: 0 }), log)
  await t.rejects(unreachable.chat({ messages: [{ role: 'user', content: 'q' }] }), { code: 'R3SN_LLM_UNREACHABLE', retryable: true, message: /127\.0\.0\.1:9/ })

  const none = new Llm(testConfig(), log)
  t.equal(none.configured, false)
  await t.rejects(none.chat({ messages: [{ role: 'user', content: 'q' }] }), { code: 'R3SN_LLM_NOT_CONFIGURED', statusCode: 503, message: /OPENAI_API_KEY/ })
})
