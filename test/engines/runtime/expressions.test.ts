import t from 'tap'
import { compile, compileError, evaluate, expressionsIn, literal, resolveInput } from '../../../engines/runtime/expressions.js'

const scope = { trigger: { items: [{ price: 2 }, { price: 5 }], name: 'ada' }, steps: { first: { output: { n: 3 } } }, execution: { id: 'exe_1' } }

t.test('evaluate runs JSONata over the scope', async t => {
  t.same(await evaluate('{ "sum": $sum(trigger.items.price), "count": $count(trigger.items) }', scope), { sum: 7, count: 2 })
  t.equal(await evaluate('steps.first.output.n * 2', scope), 6)
  t.equal(await evaluate('"hello " & trigger.name', scope), 'hello ada')
  t.equal(await evaluate('trigger.missing', scope), undefined, 'a missing path is undefined')
  await t.rejects(evaluate('$unknownFunction()', scope), 'an evaluation error is thrown')
})

t.test('a result that is part of the scope is a copy, so the scope can neither change nor hold itself', async t => {
  const steps: Record<string, unknown> = { first: { output: 1 } }
  const copy = await evaluate('steps', { steps }) as Record<string, unknown>
  t.same(copy, { first: { output: 1 } })
  t.not(copy, steps)
  steps.second = { output: copy }
  t.same(copy, { first: { output: 1 } }, 'the copy does not see later steps')
  t.doesNotThrow(() => JSON.stringify(steps), 'no cycle')
})

t.test('compile caches; compileError reports what does not compile', async t => {
  t.equal(compile('1 + 1'), compile('1 + 1'), 'one compiled expression per source')
  t.equal(compileError('trigger.a'), undefined)
  t.type(compileError('$sum('), 'string')
  t.type(compileError('trigger.('), 'string')
})

t.test('expressionsIn visits every "=" string at any depth, and skips "==" literals', async t => {
  const seen: string[] = []
  expressionsIn({ a: '=trigger.a', b: ['plain', '=steps.x.output', { c: '==literal', d: '=1 + 1' }], e: 3, f: null, g: '=' }, s => seen.push(s))
  t.same(seen, ['trigger.a', 'steps.x.output', '1 + 1', ''])
  const none: string[] = []
  expressionsIn('plain', s => none.push(s))
  expressionsIn(undefined, s => none.push(s))
  t.same(none, [])
})

t.test('resolveInput evaluates "=" strings in place, unescapes "==", keeps the rest', async t => {
  const input = { url: '=trigger.name', literal: '==not an expression', nested: ['=steps.first.output.n', 'x', 4, null, true], plain: 'text' }
  t.same(await resolveInput(input, scope), { url: 'ada', literal: '=not an expression', nested: [3, 'x', 4, null, true], plain: 'text' })
  t.equal(await resolveInput('=execution.id', scope), 'exe_1')
  t.equal(await resolveInput(7, scope), 7)
})

t.test('resolveInput keeps a "__proto__" key from JSON as a key, never a prototype', async t => {
  const input = JSON.parse('{"__proto__": {"polluted": "=1 + 1"}, "ok": 1}') as Record<string, unknown>
  const resolved = await resolveInput(input, scope) as Record<string, unknown>
  t.same(Object.keys(resolved), ['__proto__', 'ok'])
  t.same(Object.getOwnPropertyDescriptor(resolved, '__proto__')?.value, { polluted: 2 })
  t.equal(Object.getPrototypeOf(resolved), Object.prototype)
  t.equal(({} as Record<string, unknown>).polluted, undefined)
})

t.test('literal escapes data so that no expression runs, and resolveInput gives it back unchanged', async t => {
  const data = { a: '=trigger.secret', b: ['==x', 'y', 1], c: { d: '=1' }, e: null }
  const escaped = literal(data)
  t.same(escaped, { a: '==trigger.secret', b: ['===x', 'y', 1], c: { d: '==1' }, e: null })
  const seen: string[] = []
  expressionsIn(escaped, s => seen.push(s))
  t.same(seen, [], 'nothing in it is an expression')
  t.same(await resolveInput(escaped, scope), data, 'a round trip')
})
