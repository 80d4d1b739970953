import createError from '@fastify/error'

// Domain errors: thrown anywhere, shaped once by the error handler in app.ts.
export const NotFound = createError<[string]>('R3SN_NOT_FOUND', '%s not found', 404)
export const Unauthorized = createError<[string]>('R3SN_UNAUTHORIZED', '%s', 401)
export const Forbidden = createError<[string]>('R3SN_FORBIDDEN', '%s', 403)
export const BadRequest = createError<[string]>('R3SN_BAD_REQUEST', '%s', 400)
/** A request that is well-formed but asks for more than allowed; `details` names the field as schema errors do. */
export const Invalid = createError<[string]>('R3SN_VALIDATION', '%s', 400)
export const Conflict = createError<[string]>('R3SN_CONFLICT', '%s', 409)
export const Unprocessable = createError<[string]>('R3SN_UNPROCESSABLE', '%s', 422)
export const Unavailable = createError<[string]>('R3SN_UNAVAILABLE', '%s', 503)
