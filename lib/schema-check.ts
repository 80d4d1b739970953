import { Value } from '@sinclair/typebox/value'

/** The first problems of a value against a TypeBox schema, for an error message; undefined when it fits. */
export function schemaProblems (schema: Parameters<typeof Value.Check>[0], value: unknown): string | undefined {
  if (Value.Check(schema, value)) return undefined
  return [...Value.Errors(schema, value)].slice(0, 5).map(e => `${e.path || '/'} ${e.message}`).join('; ')
}
