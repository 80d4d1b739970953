import { Type } from '@sinclair/typebox'
import { StepError } from '../runtime/steps.js'
import { defineAction } from './types.js'

// {{ name }} or {{ a.b.c }}; array items by index ({{ items.0.sku }}). Anything else between braces is left as written.
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)\s*\}\}/g

/** The value at a dotted path, own properties only (so {{ constructor }} is missing, not a function). */
function lookup (values: unknown, path: string): unknown {
  let current = values
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

export const template = defineAction({
  name: 'text.template',
  description: 'Fills {{ name }} and {{ a.b.c }} placeholders from `values`. Strings go in as they are, other values JSON-encoded. ' +
    'A placeholder without a value fails the step, listing them, unless allowMissing (then it becomes empty).',
  input: Type.Object({
    template: Type.String({ maxLength: 100_000 }),
    values: Type.Record(Type.String(), Type.Unknown()),
    allowMissing: Type.Optional(Type.Boolean({ default: false }))
  }, { additionalProperties: false }),
  output: Type.Object({ text: Type.String() }),
  run: async ({ template, values, allowMissing }) => {
    const missing = new Set<string>()
    const text = template.replace(PLACEHOLDER, (_, path: string) => {
      const value = lookup(values, path)
      if (value === undefined) { missing.add(path); return '' }
      return typeof value === 'string' ? value : JSON.stringify(value)
    })
    if (missing.size > 0 && allowMissing !== true) {
      throw new StepError(`text.template: no value for ${[...missing].map(m => `{{ ${m} }}`).join(', ')}`, 'R3SN_BAD_INPUT', false)
    }
    return { text }
  }
})
