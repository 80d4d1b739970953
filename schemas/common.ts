import { Type, type Static, type TSchema } from '@sinclair/typebox'

/** A reference to a shared schema, typed as the schema it points to. */
export function ref<T extends TSchema & { $id?: string }> (schema: T) {
  if (schema.$id === undefined) throw new Error('ref() needs a schema with $id')
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id))
}

export const ErrorBody = Type.Object({
  success: Type.Literal(false),
  statusCode: Type.Integer({ description: 'HTTP status code, repeated for clients that only see the body.' }),
  code: Type.String({ description: 'Stable machine-readable error code, e.g. R3SN_NOT_FOUND.' }),
  error: Type.String({ description: 'HTTP status text.' }),
  message: Type.String({ description: 'What went wrong. For 5xx only a request id to quote.' }),
  details: Type.Optional(Type.Unknown({ description: 'Structured detail, e.g. the list of validation failures.' }))
}, { $id: 'ErrorBody', description: 'The one shape of every error response.' })
export type ErrorBody = Static<typeof ErrorBody>

export const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 })
}, { $id: 'IdParams', additionalProperties: false })

export const OkResponse = Type.Object({
  success: Type.Literal(true)
}, { $id: 'OkResponse' })

/** Error responses keyed by status, for route schemas. */
export function errors (...codes: number[]) {
  return Object.fromEntries(codes.map(c => [c, ref(ErrorBody)])) as Record<number, ReturnType<typeof ref<typeof ErrorBody>>>
}
