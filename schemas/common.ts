import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { ErrorCodeSchema } from './errors.js'

/**
 * A reference to a shared schema, typed as the schema it points to. `annotations` document this
 * use of it: a response's description, or examples for one operation (they become the
 * OpenAPI media example that Swagger UI pre-fills).
 */
export function ref<T extends TSchema & { $id?: string }> (schema: T, annotations: { description?: string, examples?: unknown[] } = {}) {
  if (schema.$id === undefined) throw new Error('ref() needs a schema with $id')
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id, annotations))
}

export const ErrorBody = Type.Object({
  success: Type.Literal(false),
  statusCode: Type.Integer({ description: 'HTTP status code, repeated for clients that only see the body.' }),
  code: ErrorCodeSchema,
  error: Type.String({ description: 'HTTP status text.' }),
  message: Type.String({ description: 'What went wrong. For 5xx only a request id to quote.' }),
  details: Type.Optional(Type.Unknown({ description: 'Structured detail, e.g. the list of validation failures.' }))
}, { $id: 'ErrorBody', description: 'The one shape of every error response.' })
export type ErrorBody = Static<typeof ErrorBody>

export const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, description: 'The id the create or list answer gave (e.g. `workflow.id`).' })
}, { $id: 'IdParams', additionalProperties: false })

export const OkResponse = Type.Object({
  success: Type.Literal(true)
}, { $id: 'OkResponse', description: 'Done.', examples: [{ success: true }] })

/** Error responses keyed by status, for route schemas. */
export function errors (...codes: number[]) {
  return Object.fromEntries(codes.map(c => [c, ref(ErrorBody)])) as Record<number, ReturnType<typeof ref<typeof ErrorBody>>>
}
