import { Type } from '@sinclair/typebox'
import { evaluate } from '../runtime/expressions.js'
import { StepError } from '../runtime/steps.js'
import { defineAction } from './types.js'

export const transform = defineAction({
  name: 'json.transform',
  description: 'Evaluates a JSONata expression over `data` and returns its value as `result` (null when the expression matches nothing). Expression errors fail at once.',
  input: Type.Object({
    data: Type.Unknown({ description: 'The value the expression reads.' }),
    expression: Type.String({ minLength: 1, maxLength: 100_000, description: 'JSONata, e.g. $sum(items.price).' })
  }, { additionalProperties: false }),
  output: Type.Object({ result: Type.Unknown() }),
  run: async ({ data, expression }) => {
    let value: unknown
    try {
      value = await evaluate(expression, data)
    } catch (err) {
      // Same code as the orchestrator's expression failures: retrying the same expression gives the same error.
      const e = err as Error & { position?: number }
      throw new StepError(`json.transform: ${e.message}${e.position === undefined ? '' : ` (at ${e.position})`}`, 'R3SN_EXPRESSION_FAILED', false)
    }
    // JSONata may answer undefined, functions or sequence arrays; keep what JSON can carry so the output can be stored.
    const json = value === undefined ? undefined : JSON.stringify(value)
    return { result: json === undefined ? null : JSON.parse(json) as unknown }
  }
})
