import type { TSchema } from '@sinclair/typebox'
import { ErrorBody, IdParams, OkResponse } from './common.js'
import { EngineStatus, EnginesStatusResponse, HealthResponse, ReadyResponse } from './health.js'
import { Execution, ExecutionAccepted, ExecutionError, ExecutionEvent, ExecutionList, ExecutionListQuery, ExecutionResponse, ExecutionResult, EventList, EventsQuery, StepRun } from './executions.js'
import { ExecuteWorkflowRequest, HookParams, HookQuery, RetryPolicy, Workflow, WorkflowAnalytics, WorkflowDefinition, WorkflowList, WorkflowResponse, WorkflowStep, WorkflowTrigger, WorkflowVersionQuery } from './workflows.js'
import { ApiKey, ApiKeyList, ApiKeyListQuery, ApiKeyResponse, CreateApiKeyRequest, CreatedApiKey } from './keys.js'

/** Every shared schema, added once with app.addSchema; their $id names the OpenAPI component. */
export const sharedSchemas: TSchema[] = [
  ErrorBody, IdParams, OkResponse,
  HealthResponse, ReadyResponse, EngineStatus, EnginesStatusResponse,
  ApiKey, CreateApiKeyRequest, CreatedApiKey, ApiKeyList, ApiKeyListQuery, ApiKeyResponse,
  RetryPolicy, WorkflowStep, WorkflowTrigger, WorkflowDefinition, Workflow, WorkflowResponse, WorkflowList, WorkflowVersionQuery,
  ExecuteWorkflowRequest, HookParams, HookQuery, WorkflowAnalytics,
  ExecutionError, StepRun, Execution, ExecutionResponse, ExecutionResult, ExecutionAccepted, ExecutionListQuery, ExecutionList,
  ExecutionEvent, EventsQuery, EventList
]
