import createClient from 'openapi-fetch'
import type { paths } from './schema.js'

/** A typed client generated from openapi.yaml: if the spec lies about a route, the tests stop compiling or fail. */
export function apiClient (baseUrl: string, apiKey?: string) {
  return createClient<paths>({
    baseUrl,
    headers: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }
  })
}
export type ApiClient = ReturnType<typeof apiClient>
