import type { TSchema } from '@sinclair/typebox'
import { ErrorBody, IdParams, OkResponse } from './common.js'
import { EngineStatus, EnginesStatusResponse, HealthResponse, ReadyResponse } from './health.js'
import { Diagnosis, TokenUsage, Execution, ExecutionAccepted, ExecutionError, ExecutionEvent, ExecutionList, ExecutionListQuery, ExecutionResponse, ExecutionResult, EventList, EventsQuery, StepResult, StepRun, Waiting, SignalParams, SignalRequest, SignalAccepted, ApprovalParams, ApprovalRequest, ApprovalAccepted, ReplayOf, ReplayRequest, ReplayAccepted, Spend } from './executions.js'
import { Budget, ExecuteWorkflowRequest, HookParams, HookQuery, RetryPolicy, Workflow, WorkflowAnalytics, WorkflowDefinition, WorkflowList, WorkflowResponse, WorkflowStep, WorkflowTrigger, WorkflowVersionQuery } from './workflows.js'
import { Credential, CreateCredentialRequest, CredentialList, CredentialResponse, UpdateCredentialRequest } from './credentials.js'
import { ExecuteAccepted, ExecuteRequest, ExecuteResponse, Strategy, TransientAgent } from './execute.js'
import { Agent, AgentDefinition, AgentLimits, AgentList, AgentListQuery, AgentPromptRequest, AgentResponse, ExecuteAgentRequest } from './agents.js'
import { ExecuteIntegrationRequest, Integration, IntegrationActionInfo, IntegrationList, IntegrationParams } from './integrations.js'
import { CreatePluginRequest, ExecutePluginRequest, GeneratedPlugin, GeneratePluginRequest, Plugin, PluginActionSpec, PluginAnalytics, PluginLimits, PluginList, PluginManifest, PluginResponse, PluginSource, PluginTest, PluginVersion, PluginVersionList, PluginVersionParams } from './plugins.js'
import { LearningResponse } from './learning.js'
import { MarkNotificationsRequest, MarkNotificationsResponse, Notification, NotificationData, NotificationKind, NotificationList, NotificationListQuery } from './notifications.js'
import { ApiKey, ApiKeyList, ApiKeyListQuery, ApiKeyResponse, CreateApiKeyRequest, CreatedApiKey, UserBudgetRequest, UserBudgetResponse, UserParams } from './keys.js'

/** Every shared schema, added once with app.addSchema; their $id names the OpenAPI component. */
export const sharedSchemas: TSchema[] = [
  ErrorBody, IdParams, OkResponse,
  HealthResponse, ReadyResponse, EngineStatus, EnginesStatusResponse,
  ApiKey, CreateApiKeyRequest, CreatedApiKey, ApiKeyList, ApiKeyListQuery, ApiKeyResponse, UserParams, UserBudgetRequest, UserBudgetResponse,
  RetryPolicy, WorkflowStep, Budget, WorkflowTrigger, WorkflowDefinition, Workflow, WorkflowResponse, WorkflowList, WorkflowVersionQuery,
  ExecuteWorkflowRequest, HookParams, HookQuery, WorkflowAnalytics,
  ExecutionError, Waiting, StepRun, Diagnosis, TokenUsage, Spend, ReplayOf, Execution, ExecutionResponse, StepResult, ExecutionResult, ExecutionAccepted, ExecutionListQuery, ExecutionList,
  ExecutionEvent, EventsQuery, EventList, SignalParams, SignalRequest, SignalAccepted, ApprovalParams, ApprovalRequest, ApprovalAccepted, ReplayRequest, ReplayAccepted,
  Credential, CreateCredentialRequest, UpdateCredentialRequest, CredentialResponse, CredentialList,
  TransientAgent, Strategy, ExecuteRequest, ExecuteResponse, ExecuteAccepted,
  AgentLimits, AgentDefinition, Agent, AgentResponse, AgentList, AgentListQuery, ExecuteAgentRequest, AgentPromptRequest,
  IntegrationActionInfo, Integration, IntegrationList, IntegrationParams, ExecuteIntegrationRequest,
  PluginLimits, PluginActionSpec, PluginManifest, PluginTest, PluginSource, CreatePluginRequest, GeneratePluginRequest,
  PluginVersion, Plugin, PluginResponse, PluginList, PluginVersionList, PluginVersionParams, GeneratedPlugin, ExecutePluginRequest, PluginAnalytics,
  LearningResponse,
  NotificationKind, NotificationData, Notification, NotificationListQuery, NotificationList, MarkNotificationsRequest, MarkNotificationsResponse
]
