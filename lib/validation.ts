import { AjvCompiler } from '@fastify/ajv-compiler'
import type { TSchema } from '@sinclair/typebox'

/** Ajv options of the HTTP API (Fastify's `ajv.customOptions`): unknown fields are refused with a 400 rather than dropped silently. */
export const AJV_OPTIONS = { removeAdditional: false, coerceTypes: 'array', useDefaults: true } as const

/** A compiled check, as Ajv returns it: `errors` holds the failures of the last call. */
export interface Validator {
  (value: unknown): boolean
  errors?: { instancePath: string, keyword?: string, message?: string, params?: Record<string, unknown> }[] | null
}
/** What @fastify/ajv-compiler's pool really is (its published types describe another signature). */
export type ValidatorPool = (externalSchemas: unknown, options?: { customOptions?: object }) => (route: { schema?: unknown, httpPart?: string }) => Validator
export const ajvPool = AjvCompiler() as unknown as ValidatorPool

/**
 * Compiles JSON payloads' checks as the HTTP API checks a JSON body: the same Ajv, options and
 * shared schemas, no type coercion (["x"] is not "x"). Other transports' payloads (WebSocket
 * frames) are checked with it, so a rule means the same everywhere.
 */
export function jsonValidator (shared: TSchema[]): (schema: TSchema) => Validator {
  const compile = ajvPool(shared, { customOptions: { ...AJV_OPTIONS, coerceTypes: false } })
  return schema => compile({ schema, httpPart: 'body' })
}
