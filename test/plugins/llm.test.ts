import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
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

t.test('a streamed tool call whose index is not a small number is refused, and no array prototype is touched', async t => {
  // A broken or hostile server: the SDK passes its index through as sent.
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const chunk = { id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ index: '__proto__', id: 'evil', type: 'function', function: { name: 'polluted', arguments: '' } }] }, finish_reason: null }] }
      res.end(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => server.close(() => resolve())))
  const llm = new Llm(testConfig(llmConfig({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: 'k' })), log)
  await t.rejects(llm.chat({ messages: [{ role: 'user', content: 'hi' }], onToken: () => {} }), { code: 'R3SN_LLM_INVALID_OUTPUT', message: /tool call with index "__proto__"/ })
  t.equal(([] as unknown as { name?: string }).name, undefined, 'Array.prototype is untouched')
})
