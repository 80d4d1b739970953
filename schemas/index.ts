import type { TSchema } from '@sinclair/typebox'
import { ErrorBody, IdParams, OkResponse } from './common.js'
import { EngineStatus, EnginesStatusResponse, HealthResponse, ReadyResponse } from './health.js'
import { ApiKey, ApiKeyList, ApiKeyListQuery, ApiKeyResponse, CreateApiKeyRequest, CreatedApiKey } from './keys.js'

/** Every shared schema, added once with app.addSchema; their $id names the OpenAPI component. */
export const sharedSchemas: TSchema[] = [
  ErrorBody, IdParams, OkResponse,
  HealthResponse, ReadyResponse, EngineStatus, EnginesStatusResponse,
  ApiKey, CreateApiKeyRequest, CreatedApiKey, ApiKeyList, ApiKeyListQuery, ApiKeyResponse
]
