// Generated from openapi.yaml by `npm run openapi`. Do not edit.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database answers and takes writes */
        get: operations["getReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/engines/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status of every engine */
        get: operations["getEnginesStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API keys (yours; admins: everyone's) */
        get: operations["listApiKeys"];
        put?: never;
        /** Create an API key (the secret is shown once) */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key; it stops working at once */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your workflows, newest first */
        get: operations["listWorkflows"];
        put?: never;
        /** Create a workflow (version 1) */
        post: operations["createWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a workflow (its current or an earlier version) */
        get: operations["getWorkflow"];
        /** Replace a workflow's definition (a new version) */
        put: operations["updateWorkflow"];
        post?: never;
        /** Delete a workflow, its versions and its webhook */
        delete: operations["deleteWorkflow"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a workflow */
        post: operations["executeWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/hook/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace the webhook id; the old one stops working at once */
        post: operations["rotateWorkflowHook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workflows/{id}/analytics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runs by status; per step runs, failures, retries and p50/p95 durations */
        get: operations["getWorkflowAnalytics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your executions, newest first, with filters and cursor pagination */
        get: operations["listExecutions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/executions/active": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your queued, running and waiting executions */
        get: operations["listActiveExecutions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/executions/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An execution with its steps, result and error */
        get: operations["getExecutionStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/executions/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The durable event log of an execution, from seq `since` on */
        get: operations["listExecutionEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/executions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a queued or running execution */
        post: operations["cancelExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/executions/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a failed or cancelled execution from the step that stopped it */
        post: operations["retryExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/hooks/{hookId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start a workflow from its webhook; the body becomes `trigger` */
        post: operations["triggerWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your credentials (names and field names, no values), newest first */
        get: operations["listCredentials"];
        put?: never;
        /** Store a secret, encrypted; only its field names are ever returned */
        post: operations["createCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/credentials/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a credential without its values */
        get: operations["getCredential"];
        /** Rename a credential and/or replace its secret (rotation) */
        put: operations["updateCredential"];
        post?: never;
        /** Delete a credential; steps that name it fail from their next run */
        delete: operations["deleteCredential"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Plan a prompt (LLM, or the offline planner without a key) and run the plan
         * @description The execution starts with a durable planning step whose output is the strategy; the plan's steps follow it. Sync (default) waits up to timeoutMs.
         */
        post: operations["executePrompt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/test/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run the self-test prompt ("Return current timestamp") through the whole stack */
        post: operations["selfTest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your agents, newest first */
        get: operations["listAgents"];
        put?: never;
        /**
         * Create an agent
         * @description Takes the original R3SN's agent fields too ({name, type, capabilities, config, userId}): see instructions, model, config and userId in AgentDefinition. 403 when userId is not the caller's.
         */
        post: operations["createAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an agent */
        get: operations["getAgent"];
        /** Replace an agent's definition */
        put: operations["updateAgent"];
        post?: never;
        /** Delete an agent and its memory */
        delete: operations["deleteAgent"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/{id}/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run an agent on an action: a tool-calling loop, each LLM turn and tool call a durable step */
        post: operations["executeAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/agents/execute-prompt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Answer a prompt with an agent (yours, or a transient assistant with the credential-free actions) */
        post: operations["executeAgentPrompt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The integration catalog, each action with its input and output JSON Schemas */
        get: operations["listIntegrations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/integrations/{name}/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run one action as an execution (sync by default) */
        post: operations["executeIntegration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/plugins/generate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Have the LLM write a plugin; stored only once its self-tests pass in the sandbox
         * @description A durable execution (type plugin-generation): when the request leaves actions or platform out, a first step (propose) asks the LLM for them (422 when its proposal is not usable); then one step per LLM answer: failures are fed back to the LLM for up to R3SN_PLUGIN_REPAIR_ROUNDS repair rounds; then 422 with the last failures in details. A crash resumes it without asking the LLM again what it already answered. Sync (default) waits up to timeoutMs, then answers 202 with the executionId. Progress goes to the user's WebSockets as plugin:progress, the result as plugin:generated.
         */
        post: operations["generatePlugin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/plugins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your plugins, newest first */
        get: operations["listPlugins"];
        put?: never;
        /** Store a plugin written by a person, after the same sandbox checks */
        post: operations["createPlugin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/plugins/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a plugin and its latest version */
        get: operations["getPlugin"];
        put?: never;
        post?: never;
        /** Delete a plugin and its versions */
        delete: operations["deletePlugin"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/plugins/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every version of a plugin, oldest first */
        get: operations["listPluginVersions"];
        put?: never;
        /** Add a version (code, manifest, tests) after the sandbox checks; older versions never change */
        post: operations["addPluginVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/plugins/{id}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One version of a plugin */
        get: operations["getPluginVersion"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/plugins/{id}/execute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a plugin action in the sandbox as a durable execution */
        post: operations["executePlugin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/plugins/{id}/analytics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runs, failures and p50/p95 duration per action; runs and failures per version */
        get: operations["getPluginAnalytics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/learning": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the self-evolving engine learned from your executions: per strategy and per tool */
        get: operations["getLearning"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your notifications, newest first (with since: what you missed, oldest first), and how many are unread */
        get: operations["listNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/notifications/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark notifications read: these ids, or all */
        post: operations["markNotificationsRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description The one shape of every error response. */
        ErrorBody: {
            /** @enum {boolean} */
            success: false;
            /** @description HTTP status code, repeated for clients that only see the body. */
            statusCode: number;
            /**
             * @description Stable machine-readable error code:
             *     - `R3SN_BAD_REQUEST`: The request is malformed or contradicts itself.
             *     - `R3SN_VALIDATION`: A value breaks the schema; `details` lists each failure with its path.
             *     - `R3SN_BAD_JSON`: The body is not JSON, or is empty while Content-Type says JSON.
             *     - `R3SN_BAD_CONTENT_LENGTH`: Content-Length does not match the body.
             *     - `R3SN_BAD_URL`: The URL cannot be decoded.
             *     - `R3SN_URI_TOO_LONG`: A path segment is longer than any id.
             *     - `R3SN_HEADERS_TOO_LARGE`: The request headers are too large.
             *     - `R3SN_LENGTH_REQUIRED`: A body was sent without a length.
             *     - `R3SN_BODY_TOO_LARGE`: The body is over the 1 MiB limit.
             *     - `R3SN_UNSUPPORTED_MEDIA_TYPE`: The body is not application/json.
             *     - `R3SN_NOT_ACCEPTABLE`: The Accept header asks for something other than JSON.
             *     - `R3SN_REQUEST_TIMEOUT`: The request took too long to arrive.
             *     - `R3SN_ROUTE_NOT_FOUND`: No route has this path.
             *     - `R3SN_METHOD_NOT_ALLOWED`: The path exists, not for this method; the Allow header lists those it answers.
             *     - `R3SN_UPGRADE_REQUIRED`: A plain GET on a WebSocket endpoint.
             *     - `R3SN_BAD_UPGRADE`: A WebSocket handshake was refused (a missing key, an unsupported version).
             *     - `R3SN_UNAUTHORIZED`: No API key, or an unknown or revoked one.
             *     - `R3SN_FORBIDDEN`: The key may not do this (an admin-only action, another user's resource).
             *     - `R3SN_NOT_FOUND`: The resource does not exist, or is not yours.
             *     - `R3SN_CONFLICT`: The resource is not in a state that allows this (a run that already ended, a concurrent change).
             *     - `R3SN_UNPROCESSABLE`: Well-formed but unusable: a generated or written plugin failed its checks (`details` has the failures).
             *     - `R3SN_RATE_LIMITED`: Too many realtime frames on one connection; this one was dropped.
             *     - `R3SN_LIMIT`: Too many realtime connections for this user.
             *     - `R3SN_SLOW_CONSUMER`: A realtime client read too slowly and was disconnected.
             *     - `R3SN_BAD_FRAME`: A realtime frame is not {event, data?, id?} JSON.
             *     - `R3SN_UNKNOWN_EVENT`: A realtime event the server does not know.
             *     - `R3SN_UNAVAILABLE`: The database (or a needed part, such as the LLM) cannot serve the request now; Retry-After says when to try again.
             *     - `R3SN_INTERNAL`: An unexpected failure; the message has only a request id to quote.
             *     - `R3SN_ERROR`: A run ended without a more precise code.
             *     - `R3SN_LLM_NOT_CONFIGURED`: The operation needs an LLM and none is configured (set OPENAI_API_KEY).
             *     - `R3SN_LLM_AUTH`: The LLM server refused the key.
             *     - `R3SN_LLM_BAD_REQUEST`: The LLM server refused the request.
             *     - `R3SN_LLM_MODEL`: The LLM server does not know the model.
             *     - `R3SN_LLM_RATE_LIMITED`: The LLM server kept rate limiting after the retries.
             *     - `R3SN_LLM_UNAVAILABLE`: The LLM server failed (5xx) after the retries.
             *     - `R3SN_LLM_UNREACHABLE`: The LLM server cannot be reached.
             *     - `R3SN_LLM_FAILED`: The LLM call failed for another reason.
             *     - `R3SN_LLM_INVALID_OUTPUT`: The LLM answered something that does not fit the expected schema.
             *     - `R3SN_PLAN_INVALID`: The planner could not make a usable plan for the prompt.
             *     - `R3SN_BAD_INPUT`: A step's input does not fit its action's schema.
             *     - `R3SN_BAD_CREDENTIAL`: A step's credential is missing, of the wrong type or unusable.
             *     - `R3SN_BAD_CONDITION`: A condition step produced something other than true or false.
             *     - `R3SN_EXPRESSION_FAILED`: A JSONata expression failed.
             *     - `R3SN_STEP_TIMEOUT`: A step attempt ran past its timeoutMs.
             *     - `R3SN_CANCELLED`: The run was cancelled.
             *     - `R3SN_RUN_ABORTED`: The run cannot go on (its plan is inconsistent).
             *     - `R3SN_AGENT_NOT_FOUND`: A step names an agent that does not exist.
             *     - `R3SN_AGENT_MAX_STEPS`: An agent reached limits.maxSteps while still calling tools.
             *     - `R3SN_AGENT_MAX_TOKENS`: An agent used more than limits.maxTokens.
             *     - `R3SN_EGRESS_DENIED`: An outgoing call to a host that is not allowed.
             *     - `R3SN_DNS_FAILED`: An outgoing call's host name does not resolve.
             *     - `R3SN_PLUGIN_NOT_FOUND`: A step names a plugin (or version) that does not exist.
             *     - `R3SN_PLUGIN_COMPILE`: The plugin code does not compile.
             *     - `R3SN_PLUGIN_EXPORT`: The plugin does not export the action's function.
             *     - `R3SN_PLUGIN_ERROR`: The plugin code threw.
             *     - `R3SN_PLUGIN_OUTPUT`: The plugin returned a result that does not fit its output schema.
             *     - `R3SN_SANDBOX_BUSY`: Every sandbox slot is taken and the queue is full; try again shortly.
             *     - `R3SN_SANDBOX_CPU`: A plugin run used more than its CPU limit.
             *     - `R3SN_SANDBOX_MEMORY`: A plugin run used more than its memory limit.
             *     - `R3SN_SANDBOX_OUTPUT`: A plugin result is larger than its maxOutputBytes.
             *     - `R3SN_SANDBOX_TIMEOUT`: A plugin run took longer than its timeoutMs.
             * @enum {string}
             */
            code: "R3SN_BAD_REQUEST" | "R3SN_VALIDATION" | "R3SN_BAD_JSON" | "R3SN_BAD_CONTENT_LENGTH" | "R3SN_BAD_URL" | "R3SN_URI_TOO_LONG" | "R3SN_HEADERS_TOO_LARGE" | "R3SN_LENGTH_REQUIRED" | "R3SN_BODY_TOO_LARGE" | "R3SN_UNSUPPORTED_MEDIA_TYPE" | "R3SN_NOT_ACCEPTABLE" | "R3SN_REQUEST_TIMEOUT" | "R3SN_ROUTE_NOT_FOUND" | "R3SN_METHOD_NOT_ALLOWED" | "R3SN_UPGRADE_REQUIRED" | "R3SN_BAD_UPGRADE" | "R3SN_UNAUTHORIZED" | "R3SN_FORBIDDEN" | "R3SN_NOT_FOUND" | "R3SN_CONFLICT" | "R3SN_UNPROCESSABLE" | "R3SN_RATE_LIMITED" | "R3SN_LIMIT" | "R3SN_SLOW_CONSUMER" | "R3SN_BAD_FRAME" | "R3SN_UNKNOWN_EVENT" | "R3SN_UNAVAILABLE" | "R3SN_INTERNAL" | "R3SN_ERROR" | "R3SN_LLM_NOT_CONFIGURED" | "R3SN_LLM_AUTH" | "R3SN_LLM_BAD_REQUEST" | "R3SN_LLM_MODEL" | "R3SN_LLM_RATE_LIMITED" | "R3SN_LLM_UNAVAILABLE" | "R3SN_LLM_UNREACHABLE" | "R3SN_LLM_FAILED" | "R3SN_LLM_INVALID_OUTPUT" | "R3SN_PLAN_INVALID" | "R3SN_BAD_INPUT" | "R3SN_BAD_CREDENTIAL" | "R3SN_BAD_CONDITION" | "R3SN_EXPRESSION_FAILED" | "R3SN_STEP_TIMEOUT" | "R3SN_CANCELLED" | "R3SN_RUN_ABORTED" | "R3SN_AGENT_NOT_FOUND" | "R3SN_AGENT_MAX_STEPS" | "R3SN_AGENT_MAX_TOKENS" | "R3SN_EGRESS_DENIED" | "R3SN_DNS_FAILED" | "R3SN_PLUGIN_NOT_FOUND" | "R3SN_PLUGIN_COMPILE" | "R3SN_PLUGIN_EXPORT" | "R3SN_PLUGIN_ERROR" | "R3SN_PLUGIN_OUTPUT" | "R3SN_SANDBOX_BUSY" | "R3SN_SANDBOX_CPU" | "R3SN_SANDBOX_MEMORY" | "R3SN_SANDBOX_OUTPUT" | "R3SN_SANDBOX_TIMEOUT";
            /** @description HTTP status text. */
            error: string;
            /** @description What went wrong. For 5xx only a request id to quote. */
            message: string;
            /** @description Structured detail, e.g. the list of validation failures. */
            details?: unknown;
        };
        IdParams: {
            /** @description The id the create or list answer gave (e.g. `workflow.id`). */
            id: string;
        };
        /**
         * @description Done.
         * @example {
         *       "success": true
         *     }
         */
        OkResponse: {
            /** @enum {boolean} */
            success: true;
        };
        HealthResponse: {
            /** @enum {boolean} */
            success: true;
            /** @enum {string} */
            status: "ok";
            uptimeSeconds: number;
        };
        ReadyResponse: {
            /** @enum {boolean} */
            success: true;
            /** @enum {string} */
            status: "ready";
            /** @enum {string} */
            database: "ok";
        };
        /** @description initialized plus the engine's own metrics. */
        EngineStatus: {
            initialized: boolean;
        } & {
            [key: string]: unknown;
        };
        EnginesStatusResponse: {
            /** @enum {boolean} */
            success: true;
            /** @description One entry per engine that exists, keyed by its name (e.g. orchestrator, agentEngine). */
            engines: {
                [key: string]: components["schemas"]["EngineStatus"];
            };
        };
        /** @description An API key without its secret. */
        ApiKey: {
            /** @description Key id, used to revoke it. */
            id: string;
            userId: string;
            admin: boolean;
            name: string;
            /** Format: date-time */
            createdAt: string;
            revokedAt: string | null;
        };
        CreateApiKeyRequest: {
            /** @description Owner of the new key; defaults to the caller. Only admins may name another user. */
            user?: string;
            /** @description Grant admin rights (admins only). Default false. */
            admin?: boolean;
            /** @description A label to recognise the key by. */
            name?: string;
        };
        CreatedApiKey: {
            /** @enum {boolean} */
            success: true;
            key: components["schemas"]["ApiKey"];
            /** @description The key itself. Shown only in this response; only its SHA-256 is stored. */
            secret: string;
        };
        ApiKeyList: {
            /** @enum {boolean} */
            success: true;
            keys: components["schemas"]["ApiKey"][];
        };
        ApiKeyListQuery: {
            /** @description Only this user's keys (admins see every user's keys). */
            user?: string;
        };
        ApiKeyResponse: {
            /** @enum {boolean} */
            success: true;
            key: components["schemas"]["ApiKey"];
        };
        RetryPolicy: {
            /** @description Attempts in all, the first included. */
            maxAttempts: number;
            /** @description Default fixed. */
            backoff?: "fixed" | "exponential";
            /** @description Delay before the second attempt. Default 1000. */
            initialDelayMs?: number;
            /** @description Cap for exponential backoff. Default 60000. */
            maxDelayMs?: number;
        };
        WorkflowStep: {
            /** @description Unique within the workflow; later steps read this step's output as steps.<id>.output. */
            id: string;
            type: "agent" | "integration" | "plugin" | "condition" | "transform";
            name?: string;
            /** @description integration: the action, e.g. http.request, core.delay, core.log; plugin: the plugin's action. */
            action?: string;
            /** @description integration: id of a stored credential the action uses (see /api/credentials); its secret never enters inputs, outputs or logs. */
            credential?: string;
            /** @description agent: id of the agent that runs this step; its input is {prompt} or {action, params}. */
            agent?: string;
            /** @description plugin: id of the plugin; `action` names one of its actions and `input` its parameters. */
            plugin?: string;
            /** @description plugin: the version to run (pinned); default the latest when the step starts. */
            pluginVersion?: number;
            /** @description The action's input. Any string value that starts with "=" is a JSONata expression over {trigger, steps, execution}; "==" escapes a literal "=". */
            input?: unknown;
            /** @description transform: JSONata producing the output; condition: JSONata producing a boolean. */
            expression?: string;
            /** @description condition: step to run when true (default: the next step). */
            then?: string;
            /** @description condition: step to run when false (default: the next step). */
            else?: string;
            /** @description Step to run after this one (default: the next in the list; "$end" ends the run). */
            next?: string | "$end";
            retry?: components["schemas"]["RetryPolicy"];
            /** @description Per attempt. */
            timeoutMs?: number;
            /** @description After the last attempt fails: fail the run (default), continue with the next step, or goto:<stepId>. */
            onError?: string;
        };
        WorkflowTrigger: {
            type: "manual" | "webhook" | "schedule";
            /** @description schedule: cron expression (5 fields, or 6 with seconds). */
            cron?: string;
            /** @description schedule: IANA time zone, default UTC. */
            timezone?: string;
            /** @description schedule: what a tick does while the previous scheduled run is still going: start another (allow, the default) or skip the tick (skip), which notifies the owner (schedule.skipped). */
            overlap?: "allow" | "skip";
        };
        WorkflowDefinition: {
            name: string;
            description?: string;
            trigger?: components["schemas"]["WorkflowTrigger"];
            steps: components["schemas"]["WorkflowStep"][];
        };
        Workflow: {
            id: string;
            name: string;
            description: string;
            trigger: components["schemas"]["WorkflowTrigger"];
            steps: components["schemas"]["WorkflowStep"][];
            /** @description Starts at 1 and increases on every update. */
            version: number;
            /** @description webhook: POST /api/hooks/<hookId> starts the workflow without an API key. */
            hookId?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        WorkflowResponse: {
            /** @enum {boolean} */
            success: true;
            workflow: components["schemas"]["Workflow"];
        };
        WorkflowList: {
            /** @enum {boolean} */
            success: true;
            workflows: components["schemas"]["Workflow"][];
        };
        WorkflowVersionQuery: {
            /** @description An earlier version; default the current one. */
            version?: number;
        };
        ExecuteWorkflowRequest: {
            /** @description Available to every step as `trigger`. */
            triggerData?: unknown;
            /** @description sync (default) waits for the end, up to timeoutMs, then answers 202; async answers 202 at once. */
            mode?: "sync" | "async";
            /** @description How long sync waits. Default R3SN_SYNC_TIMEOUT_MS. */
            timeoutMs?: number;
            /** @description Higher runs first; default 5. */
            priority?: number;
        };
        HookParams: {
            hookId: string;
        };
        HookQuery: {
            /** @description async (default) answers 202 at once; sync waits for the result. */
            mode?: "sync" | "async";
        };
        WorkflowAnalytics: {
            /** @enum {boolean} */
            success: true;
            workflowId: string;
            executions: {
                total: number;
                byStatus: {
                    [key: string]: number;
                };
            };
            steps: {
                stepId: string;
                /** @description Step runs. */
                executions: number;
                successes: number;
                failures: number;
                /** @description Attempts beyond the first. */
                retries: number;
                p50DurationMs: number | null;
                p95DurationMs: number | null;
            }[];
        };
        ExecutionError: {
            message: string;
            code?: string;
            stepId?: string;
            /** @description What a user needs to act on the failure, e.g. the failed checks of a generated plugin. */
            details?: unknown;
        };
        StepRun: {
            stepId: string;
            type: string;
            status: "running" | "completed" | "failed" | "cancelled";
            /** @description Attempts made in this run of the step. */
            attempts: number;
            /** @description executionId:stepId:attempt of the latest attempt. */
            idempotencyKey: string;
            input?: unknown;
            output?: unknown;
            error?: components["schemas"]["ExecutionError"];
            /** Format: date-time */
            startedAt: string;
            /** Format: date-time */
            endedAt?: string;
            durationMs?: number;
            /** @description LLM tokens (prompt + completion) the step spent (planning, agent turns). */
            tokens?: number;
        };
        Diagnosis: {
            stepId: string;
            /** @description The step attempt that failed. */
            attempt: number;
            /** @description The execution's attempt (1, then +1 per retry by hand); bounds count per execution attempt. */
            executionAttempt: number;
            /** @description transient (network, timeout, 429, 5xx), bad-input (schema or 4xx), plugin-bug (exception in plugin code), auth (401/403, credentials), policy (egress, sandbox limits), unknown. */
            class: "transient" | "bad-input" | "plugin-bug" | "auth" | "policy" | "unknown";
            evidence: {
                code: string;
                message: string;
            };
            /** @description What self-debugging did. */
            action: "retry" | "repair-input" | "patch-plugin" | "none";
            /** @description What changed: the corrected input, the new plugin version, or why nothing was done. */
            detail?: string;
            /** @description recovered: the step then succeeded; failed: it failed again; not-applied: no remedy was possible or allowed. */
            outcome: "pending" | "recovered" | "failed" | "not-applied";
            /** Format: date-time */
            at: string;
        };
        TokenUsage: {
            /** @description LLM calls made for this run. */
            calls: number;
            promptTokens: number;
            completionTokens: number;
        };
        Execution: {
            executionId: string;
            type: "workflow" | "prompt" | "agent" | "plugin" | "integration" | "plugin-generation";
            status: "queued" | "running" | "waiting" | "completed" | "failed" | "cancelled";
            workflowId?: string;
            workflowVersion?: number;
            /** @description type prompt: what was asked. */
            prompt?: string;
            /** @description type prompt: the strategy the planner chose (null until planned); see Strategy. */
            strategy?: unknown;
            usage: components["schemas"]["TokenUsage"];
            /** @description Self-debugging: each failed step it looked at, what it did and how that ended. */
            diagnoses: components["schemas"]["Diagnosis"][];
            priority: number;
            /** @description The trigger data the run started with. */
            trigger?: unknown;
            steps: components["schemas"]["StepRun"][];
            result?: unknown;
            error: components["schemas"]["ExecutionError"] | null;
            /** @description How many times the run was started (1, then +1 per retry). */
            attempt: number;
            cancelRequested: boolean;
            /** Format: date-time */
            createdAt: string;
            startTime: string | null;
            endTime: string | null;
            /** @description Milliseconds from start to end. */
            executionTime: number | null;
        };
        ExecutionResponse: {
            /** @enum {boolean} */
            success: true;
            execution: components["schemas"]["Execution"];
        };
        StepResult: {
            stepId: string;
            status: "running" | "completed" | "failed" | "cancelled";
            /** @description What the step returned (absent when it failed). */
            output?: unknown;
            error?: components["schemas"]["ExecutionError"];
            /** @description Milliseconds from the step's start to its end, retries included; null if it never ended. */
            durationMs: number | null;
        };
        /** @description A run that ended while the request waited. */
        ExecutionResult: {
            /** @enum {boolean} */
            success: true;
            executionId: string;
            status: "queued" | "running" | "waiting" | "completed" | "failed" | "cancelled";
            result?: unknown;
            error: components["schemas"]["ExecutionError"] | null;
            executionTime: number | null;
            /** @description Workflow runs (POST /api/workflows/{id}/execute, webhooks): each step that ran, in the order it started (a failed step with its error). The full records: /api/executions/{id}/status. */
            steps?: components["schemas"]["StepResult"][];
        };
        /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
        ExecutionAccepted: {
            /** @enum {boolean} */
            success: true;
            executionId: string;
            status: "queued" | "running" | "waiting" | "completed" | "failed" | "cancelled";
        };
        ExecutionListQuery: {
            status?: "queued" | "running" | "waiting" | "completed" | "failed" | "cancelled";
            type?: string;
            workflowId?: string;
            /** @description Default 50. */
            limit?: number;
            /** @description nextCursor of the previous page. */
            cursor?: string;
        };
        ExecutionList: {
            /** @enum {boolean} */
            success: true;
            executions: components["schemas"]["Execution"][];
            nextCursor: string | null;
        };
        ExecutionEvent: {
            executionId: string;
            /** @description Gap-free per execution, from 1. */
            seq: number;
            /** Format: date-time */
            ts: string;
            type: string;
            stepId?: string;
            data: {
                [key: string]: unknown;
            };
        };
        EventsQuery: {
            /** @description Only events with seq greater than this. */
            since?: number;
            /** @description Default 500. */
            limit?: number;
        };
        EventList: {
            /** @enum {boolean} */
            success: true;
            events: components["schemas"]["ExecutionEvent"][];
        };
        /** @description A stored secret, without its values. */
        Credential: {
            id: string;
            name: string;
            type: string;
            /** @description Names of the secret fields; their values are never returned. */
            fields: string[];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        CreateCredentialRequest: {
            name: string;
            /** @description What the secret is for, e.g. http, smtp, slack, hmac; an action only accepts credentials of its own type. */
            type: string;
            /** @description The secret fields, e.g. {"token": "..."}: encrypted at rest (AES-256-GCM), never returned or logged. */
            data: {
                [key: string]: string;
            };
        };
        /** @description At least one of name and data. New data replaces every secret field (rotates the secret); steps use it from their next run. */
        UpdateCredentialRequest: {
            name?: string;
            /** @description The secret fields, e.g. {"token": "..."}: encrypted at rest (AES-256-GCM), never returned or logged. */
            data?: {
                [key: string]: string;
            };
        };
        CredentialResponse: {
            /** @enum {boolean} */
            success: true;
            credential: components["schemas"]["Credential"];
        };
        CredentialList: {
            /** @enum {boolean} */
            success: true;
            credentials: components["schemas"]["Credential"][];
        };
        TransientAgent: {
            /** @description Agent steps of the plan name it in their `agent` field. */
            name: string;
            instructions: string;
            /** @description Integration actions the agent may call, e.g. http.request. */
            tools: string[];
        };
        /** @description How a prompt is carried out: its intent, the resources it needs and the plan. */
        Strategy: {
            intent: string;
            planner: "llm" | "offline";
            agents: components["schemas"]["TransientAgent"][];
            integrations: string[];
            plugins: string[];
            /** @description The plan, run as steps of this execution after the planning step. */
            steps: components["schemas"]["WorkflowStep"][];
            /** @description planner llm: the model that planned. */
            model?: string;
            /** @description learned: a proven plan for this prompt was reused without a planning call. */
            source?: "planned" | "learned";
            /** @description learned: the strategy record it came from (GET /api/learning). */
            fingerprint?: string;
        };
        ExecuteRequest: {
            prompt: string;
            /** @description Data the plan may use, as `trigger.context`; shown to the planner. */
            context?: {
                [key: string]: unknown;
            };
            /** @description sync (default) waits for the end, up to timeoutMs, then answers 202; async answers 202 at once. */
            mode?: "sync" | "async";
            /** @description How long sync waits. Default R3SN_SYNC_TIMEOUT_MS. */
            timeoutMs?: number;
        };
        /** @description A prompt run that ended while the request waited. */
        ExecuteResponse: {
            /** @enum {boolean} */
            success: true;
            executionId: string;
            prompt: string;
            status: "queued" | "running" | "waiting" | "completed" | "failed" | "cancelled";
            /** @description Who planned: the LLM, or the offline planner when no OPENAI_API_KEY is set. */
            planner: ("llm" | "offline") | null;
            /** @description Null when planning failed. */
            strategy: components["schemas"]["Strategy"] | null;
            /** @description The output of the plan's last step. */
            result?: unknown;
            error: components["schemas"]["ExecutionError"] | null;
            usage: components["schemas"]["TokenUsage"];
            executionTime: number | null;
        };
        /** @description The prompt is queued or still running; follow it with /api/executions/{id}/status or /events, or over /ws. */
        ExecuteAccepted: {
            /** @enum {boolean} */
            success: true;
            executionId: string;
            prompt: string;
            status: "queued" | "running" | "waiting" | "completed" | "failed" | "cancelled";
        };
        AgentLimits: {
            /**
             * @description LLM turns per run; a run still calling tools at the last turn stops with R3SN_AGENT_MAX_STEPS.
             * @default 10
             */
            maxSteps: number;
            /**
             * @description Prompt plus completion tokens per run; beyond it the run stops with R3SN_AGENT_MAX_TOKENS.
             * @default 50000
             */
            maxTokens: number;
        };
        AgentDefinition: {
            name: string;
            /** @description Free label, e.g. assistant, researcher, data-analysis; stored lowercased ("Research" is research). Default assistant. */
            type?: string;
            /** @description What the agent is good at; shown to the planner, and in the default instructions. */
            capabilities?: string[];
            /** @description The system prompt. Default config.instructions, else instructions made from name, type and capabilities ("You are <name>, a <type> agent. You are good at: ..."). */
            instructions?: string;
            /** @description Default config.model (when a string), else R3SN_MODEL. */
            model?: string;
            /** @description Free settings as the original R3SN's agents have them, stored and returned as given (at most 8192 bytes of JSON). Only two keys are read: config.model and config.instructions stand in for the top-level fields when those are left out. Other keys (tools, maxSteps, maxTokens, temperature, ...) are only kept: use tools and limits for what R3SN enforces. */
            config?: {
                [key: string]: unknown;
            };
            /** @description Accepted for the original R3SN's clients, and only when it is the caller's own user id (403 otherwise): an agent always belongs to the key that creates it. Not stored. */
            userId?: string;
            /** @description Integration actions the agent may call (e.g. http.request). */
            tools?: string[];
            /** @description Credential id per tool that needs one, e.g. {"slack.postMessage": "cred_..."}. */
            credentials?: {
                [key: string]: string;
            };
            limits?: components["schemas"]["AgentLimits"];
            /** @description Default memory: runs with the same key continue one conversation. */
            memoryKey?: string;
        };
        Agent: {
            id: string;
            name: string;
            type: string;
            capabilities: string[];
            instructions: string;
            model: string | null;
            tools: string[];
            credentials: {
                [key: string]: string;
            };
            limits: components["schemas"]["AgentLimits"];
            memoryKey: string | null;
            /** @description As given ({} when none was). */
            config: {
                [key: string]: unknown;
            };
            /** @description Created by a prompt's plan for that prompt only. */
            transient: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        AgentResponse: {
            /** @enum {boolean} */
            success: true;
            agent: components["schemas"]["Agent"];
        };
        AgentList: {
            /** @enum {boolean} */
            success: true;
            agents: components["schemas"]["Agent"][];
        };
        AgentListQuery: {
            /** @description Include agents created by prompts. Default false. */
            transient?: boolean;
        };
        ExecuteAgentRequest: {
            /** @description What the agent should do. */
            action: string;
            /** @description Data for the action, given to the agent as JSON. */
            params?: {
                [key: string]: unknown;
            };
            /** @description Continue the conversation stored under this key (default the agent's memoryKey). */
            memoryKey?: string;
            /** @description sync (default) waits up to timeoutMs; async answers 202 at once. */
            mode?: "sync" | "async";
            timeoutMs?: number;
        };
        AgentPromptRequest: {
            prompt: string;
            context?: {
                [key: string]: unknown;
            };
            /** @description Default: a transient assistant with every integration action that needs no credential. */
            agentId?: string;
            /** @description Continue the conversation stored under this key (default the agent's memoryKey). */
            memoryKey?: string;
            /** @description sync (default) waits up to timeoutMs; async answers 202 at once. */
            mode?: "sync" | "async";
            timeoutMs?: number;
        };
        IntegrationActionInfo: {
            /** @description integration.action, as used in `action` of integration steps. */
            name: string;
            description: string;
            /** @description JSON Schema of the input. */
            input: {
                [key: string]: unknown;
            };
            /** @description JSON Schema of the output. */
            output: {
                [key: string]: unknown;
            };
            credential: {
                /** @description The credential type it accepts (see /api/credentials). */
                type: string;
                required: boolean;
                /** @description Fields it reads from the credential. */
                fields: string[];
            } | null;
        };
        Integration: {
            name: string;
            actions: components["schemas"]["IntegrationActionInfo"][];
        };
        IntegrationList: {
            /** @enum {boolean} */
            success: true;
            integrations: components["schemas"]["Integration"][];
        };
        IntegrationParams: {
            name: string;
        };
        ExecuteIntegrationRequest: {
            /** @description The action, with or without its integration prefix (request or http.request). */
            action: string;
            /** @description The action's input, checked against its schema. */
            params?: {
                [key: string]: unknown;
            };
            credentialId?: string;
            mode?: "sync" | "async";
            timeoutMs?: number;
        };
        PluginLimits: {
            /** @description Heap of one run. Default 32 MiB. */
            memoryBytes?: number;
            /** @description Time executing JavaScript per run (waiting on fetches excluded). Default 1000. The self-tests together may ask for at most 120000 ms (their number times cpuMs). */
            cpuMs?: number;
            /** @description Wall clock per run, fetches included. Default 10000. */
            timeoutMs?: number;
            /** @description JSON size of an action's result. Default 1 MiB. */
            maxOutputBytes?: number;
        };
        PluginActionSpec: {
            /** @description The exported function that implements it. */
            name: string;
            description: string;
            /** @description JSON Schema of the parameters. */
            input: {
                [key: string]: unknown;
            };
            /** @description JSON Schema of the result. */
            output: {
                [key: string]: unknown;
            };
        };
        PluginManifest: {
            actions: components["schemas"]["PluginActionSpec"][];
            /** @description Hosts (or host:port) ctx.fetch may reach; private addresses also need R3SN_HTTP_ALLOWED_HOSTS. */
            egress: string[];
            /** @description The plugin takes an http credential; ctx.fetch(url, {credential: true}) adds it. */
            credential?: {
                /** @enum {string} */
                type: "http";
            };
            limits?: components["schemas"]["PluginLimits"];
        };
        PluginTest: {
            name?: string;
            action: string;
            /** @description Parameters, checked against the action's input schema. */
            input: unknown;
            /** @description The exact result. */
            expect?: unknown;
            /** @description JSONata over {input, output} that must be true. */
            assert?: string;
            /** @description The run must fail with a message containing this. */
            expectError?: string;
        };
        PluginSource: {
            /** @description An ES module exporting one (async) function per action: export async function name (input, ctx) { ... }. */
            code: string;
            manifest: components["schemas"]["PluginManifest"];
            /** @description Self-tests, run one after another in the sandbox before the plugin is stored: at least one per action, at most 100. Each may use the manifest's limits.cpuMs of CPU, so together they ask for their number times limits.cpuMs (default 1000), which must not exceed 120000 ms (400 otherwise). */
            tests: components["schemas"]["PluginTest"][];
        };
        CreatePluginRequest: {
            name: string;
            description?: string;
            platform?: string;
            /** @description An ES module exporting one (async) function per action: export async function name (input, ctx) { ... }. */
            code: string;
            manifest: components["schemas"]["PluginManifest"];
            /** @description Self-tests, run one after another in the sandbox before the plugin is stored: at least one per action, at most 100. Each may use the manifest's limits.cpuMs of CPU, so together they ask for their number times limits.cpuMs (default 1000), which must not exceed 120000 ms (400 otherwise). */
            tests: components["schemas"]["PluginTest"][];
        };
        GeneratePluginRequest: {
            appName: string;
            /** @description e.g. an npm package or API base the app is known by. */
            appPackage?: string;
            /** @description What the plugin should be able to do. Left out: the LLM first proposes them (a step "propose" of the generation), and the plugin is written for its proposal. */
            actions?: string[];
            /** @description e.g. web, rest-api, saas. Left out: proposed by the LLM with the actions. */
            platform?: string;
            description?: string;
            /** @description sync (default) waits for the plugin, up to timeoutMs, then answers 202 with the executionId; async answers 202 at once. */
            mode?: "sync" | "async";
            /** @description How long sync waits. Default R3SN_SYNC_TIMEOUT_MS. */
            timeoutMs?: number;
        };
        PluginVersion: {
            pluginId: string;
            version: number;
            /** @description Who wrote it: the LLM, a person, or self-debugging. */
            origin: "generated" | "written" | "patched";
            code: string;
            manifest: components["schemas"]["PluginManifest"];
            tests: components["schemas"]["PluginTest"][];
            /** @description Self-tests that passed in the sandbox before it was stored (all of them). */
            testsPassed: number;
            /** Format: date-time */
            createdAt: string;
        };
        Plugin: {
            id: string;
            name: string;
            description: string;
            platform: string;
            latestVersion: number;
            /** @description Actions of the latest version. */
            actions: string[];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        PluginResponse: {
            /** @enum {boolean} */
            success: true;
            plugin: components["schemas"]["Plugin"];
            version: components["schemas"]["PluginVersion"];
        };
        PluginList: {
            /** @enum {boolean} */
            success: true;
            plugins: components["schemas"]["Plugin"][];
        };
        PluginVersionList: {
            /** @enum {boolean} */
            success: true;
            versions: components["schemas"]["PluginVersion"][];
        };
        PluginVersionParams: {
            id: string;
            version: number;
        };
        GeneratedPlugin: {
            /** @enum {boolean} */
            success: true;
            /** @description The durable execution that generated it: one step per LLM answer. */
            executionId: string;
            plugin: components["schemas"]["Plugin"];
            version: components["schemas"]["PluginVersion"];
            /** @description LLM answers it took: 1, plus one per repair round. */
            rounds: number;
            /** @description What the plugin was written for: the request's actions and platform, as given, or the LLM's proposal for those it left out. */
            spec: {
                actions: string[];
                platform: string;
                /** @description Which of the two the LLM proposed because the request left them out; empty when the request gave both. */
                proposed: ("actions" | "platform")[];
            };
            usage: {
                promptTokens: number;
                completionTokens: number;
            };
        };
        ExecutePluginRequest: {
            action: string;
            /** @description Checked against the action's input schema. */
            parameters?: unknown;
            /** @description Pin a version; default the latest. */
            version?: number;
            /** @description An http credential, for a plugin that declares one. */
            credentialId?: string;
            mode?: "sync" | "async";
            timeoutMs?: number;
        };
        PluginAnalytics: {
            /** @enum {boolean} */
            success: true;
            pluginId: string;
            actions: {
                action: string;
                runs: number;
                failures: number;
                p50DurationMs: number | null;
                p95DurationMs: number | null;
            }[];
            versions: {
                version: number;
                runs: number;
                failures: number;
            }[];
        };
        LearningResponse: {
            /** @enum {boolean} */
            success: true;
            strategies: {
                /** @description Normalised prompt + plan shape. */
                fingerprint: string;
                prompt: string;
                intent: string;
                /** @description type:action per step, in order. */
                planShape: string;
                runs: number;
                successes: number;
                failures: number;
                successRate: number | null;
                /** @description Over the last 50 runs. */
                p50DurationMs: number | null;
                /** @description Error code -> failures. */
                failureClasses: {
                    [key: string]: number;
                };
                /** @description Self-debugging diagnosis class -> count. */
                diagnoses: {
                    [key: string]: number;
                };
                /** @description Diagnoses after which the step succeeded. */
                recovered: number;
                /** @description LLM tokens spent (prompt + completion). */
                tokens: number;
                promptTokens: number;
                completionTokens: number;
                /** @description Runs that reused this plan without planning. */
                reused: number;
                /** @description Reliable enough to be reused now. */
                reusable: boolean;
            }[];
            tools: {
                /** @description An integration action, <pluginId>.<action>, or agent:<id>. */
                tool: string;
                runs: number;
                successes: number;
                failures: number;
                successRate: number | null;
                /** @description Over the last 50 runs. */
                p50DurationMs: number | null;
                /** @description Error code -> failures. */
                failureClasses: {
                    [key: string]: number;
                };
                /** @description Self-debugging diagnosis class -> count. */
                diagnoses: {
                    [key: string]: number;
                };
                /** @description Diagnoses after which the step succeeded. */
                recovered: number;
                /** @description LLM tokens spent (prompt + completion). */
                tokens: number;
            }[];
        };
        /** @description What happened: a run of yours failed for good (execution.failed) or needed self-debugging (execution.self_debugged, recovered or not); a plugin generation stored a plugin (plugin.generated) or refused it after its checks failed (plugin.rejected); an API key of yours was created or revoked; a scheduled run of a workflow was not started (schedule.skipped). */
        NotificationKind: "execution.failed" | "execution.self_debugged" | "plugin.generated" | "plugin.rejected" | "key.created" | "key.revoked" | "schedule.skipped";
        /** @description Ids of what the notification is about, by kind. */
        NotificationData: {
            executionId?: string;
            /** @description The run's type: workflow, prompt, agent, plugin... */
            executionType?: string;
            workflowId?: string;
            pluginId?: string;
            keyId?: string;
            /** @description execution.failed: the step the run failed at. */
            stepId?: string;
            /** @description execution.failed, plugin.rejected: the code of the error the run ended with. */
            errorCode?: string;
            /** @description execution.self_debugged: every remedy self-debugging applied made its step succeed. */
            recovered?: boolean;
            /** @description execution.self_debugged: how many remedies self-debugging applied. */
            diagnoses?: number;
            /**
             * Format: date-time
             * @description schedule.skipped: the tick that was not started.
             */
            scheduledAt?: string;
            /** @description schedule.skipped: why (overlap: the previous scheduled run was still going). */
            reason?: string;
            /** @description schedule.skipped: the run that was still going. */
            blockingExecutionId?: string;
        };
        /** @description Something a user wants to hear about without asking; also sent live as the `notification` event to every socket of the user. */
        Notification: {
            id: string;
            kind: components["schemas"]["NotificationKind"];
            /** @description One line, for a list or a toast. */
            title: string;
            /** @description What happened, in a sentence or two. */
            message: string;
            /**
             * Format: date-time
             * @description When it happened.
             */
            ts: string;
            /** @description Marked read with POST /api/notifications/read. */
            read: boolean;
            data?: components["schemas"]["NotificationData"];
        };
        NotificationListQuery: {
            /** @description Only the unread ones. */
            unread?: boolean;
            /**
             * Format: date-time
             * @description Only those after this time (exclusive), oldest first: what a reconnecting client missed. Without it, newest first.
             */
            since?: string;
            /**
             * @description At most this many.
             * @default 50
             */
            limit: number;
        };
        NotificationList: {
            /** @enum {boolean} */
            success: true;
            notifications: components["schemas"]["Notification"][];
            /** @description How many of your notifications are unread (all of them, not only those listed). */
            unread: number;
        };
        /** @description Either ids or all: true (not both). */
        MarkNotificationsRequest: {
            /** @description The notifications to mark read (ids that are not yours are ignored). */
            ids?: string[];
            /**
             * @description Mark every notification of yours read.
             * @enum {boolean}
             */
            all?: true;
        };
        MarkNotificationsResponse: {
            /** @enum {boolean} */
            success: true;
            /** @description How many unread notifications this marked read. */
            marked: number;
            /** @description How many stay unread. */
            unread: number;
        };
    };
    responses: {
        /** @description Bad request: the body, query or path breaks the schema (R3SN_VALIDATION, with one entry per failure in `details`), is not JSON (R3SN_BAD_JSON), or contradicts itself (R3SN_BAD_REQUEST). Fix the request; repeating it will not help. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "success": false,
                 *       "statusCode": 400,
                 *       "code": "R3SN_VALIDATION",
                 *       "error": "Bad Request",
                 *       "message": "body/prompt is required (must have required property 'prompt')"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Unauthorized: no `Authorization: Bearer <api key>` header, or the key is unknown or revoked (R3SN_UNAUTHORIZED). */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "success": false,
                 *       "statusCode": 401,
                 *       "code": "R3SN_UNAUTHORIZED",
                 *       "error": "Unauthorized",
                 *       "message": "Invalid or revoked API key"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Forbidden: the key is valid but may not do this, e.g. an admin-only action or a userId that is not the key's (R3SN_FORBIDDEN). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "success": false,
                 *       "statusCode": 403,
                 *       "code": "R3SN_FORBIDDEN",
                 *       "error": "Forbidden",
                 *       "message": "Only admins can create keys for other users or admin keys"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Not found: no such resource, or it belongs to another user (R3SN_NOT_FOUND). Ids of other users' resources are never confirmed. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "success": false,
                 *       "statusCode": 404,
                 *       "code": "R3SN_NOT_FOUND",
                 *       "error": "Not Found",
                 *       "message": "Workflow not found"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Conflict: the resource is not in a state that allows this, e.g. cancelling a run that has ended, retrying one that has not failed, or a change that raced another (R3SN_CONFLICT). Read it again and decide. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "success": false,
                 *       "statusCode": 409,
                 *       "code": "R3SN_CONFLICT",
                 *       "error": "Conflict",
                 *       "message": "Workflow wf_0a1b2c has no webhook trigger"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Payload too large: the body is over the 1 MiB limit (R3SN_BODY_TOO_LARGE). */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "success": false,
                 *       "statusCode": 413,
                 *       "code": "R3SN_BODY_TOO_LARGE",
                 *       "error": "Payload Too Large",
                 *       "message": "Request body is too large"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Unprocessable: the request is well-formed but its content failed the checks, e.g. a plugin whose self-tests fail in the sandbox (R3SN_UNPROCESSABLE, the failures in `details`). */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "success": false,
                 *       "statusCode": 422,
                 *       "code": "R3SN_UNPROCESSABLE",
                 *       "error": "Unprocessable Entity",
                 *       "message": "The plugin failed its self-tests"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Too many requests (R3SN_RATE_LIMITED): wait for the seconds in Retry-After, then try again. */
        TooManyRequests: {
            headers: {
                /** @description Seconds to wait before trying again. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "success": false,
                 *       "statusCode": 429,
                 *       "code": "R3SN_RATE_LIMITED",
                 *       "error": "Too Many Requests",
                 *       "message": "Too many requests"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Internal error (R3SN_INTERNAL): a fault on our side. The message only has a request id to quote; the details are in the service log. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "success": false,
                 *       "statusCode": 500,
                 *       "code": "R3SN_INTERNAL",
                 *       "error": "Internal Server Error",
                 *       "message": "Internal error; quote request id req-1"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Bad gateway: the LLM server failed, refused the request or answered something unusable (an R3SN_LLM_* code). The run is stored; its executionId is in `details`. */
        BadGateway: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "success": false,
                 *       "statusCode": 502,
                 *       "code": "R3SN_LLM_UNAVAILABLE",
                 *       "error": "Bad Gateway",
                 *       "message": "the LLM server failed (HTTP 500)"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Service unavailable: the database cannot take the request right now, every sandbox slot is busy (R3SN_SANDBOX_BUSY), or the operation needs an LLM and none is configured (R3SN_UNAVAILABLE). Retry-After says when to try again; nothing was changed. */
        ServiceUnavailable: {
            headers: {
                /** @description Seconds to wait before trying again. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "success": false,
                 *       "statusCode": 503,
                 *       "code": "R3SN_UNAVAILABLE",
                 *       "error": "Service Unavailable",
                 *       "message": "The database cannot take this request right now; try again shortly"
                 *     }
                 */
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    getReady: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadyResponse"];
                };
            };
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getEnginesStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnginesStatusResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listApiKeys: {
        parameters: {
            query?: {
                /** @description Only this user's keys (admins see every user's keys). */
                user?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKey"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listWorkflows: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WorkflowDefinition"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getWorkflow: {
        parameters: {
            query?: {
                /** @description An earlier version; default the current one. */
                version?: number;
            };
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WorkflowDefinition"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true
                     *     }
                     */
                    "application/json": components["schemas"]["OkResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    executeWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExecuteWorkflowRequest"];
            };
        };
        responses: {
            /** @description A run that ended while the request waited. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    rotateWorkflowHook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getWorkflowAnalytics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowAnalytics"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listExecutions: {
        parameters: {
            query?: {
                status?: "queued" | "running" | "waiting" | "completed" | "failed" | "cancelled";
                type?: string;
                workflowId?: string;
                /** @description Default 50. */
                limit?: number;
                /** @description nextCursor of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listActiveExecutions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getExecutionStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listExecutionEvents: {
        parameters: {
            query?: {
                /** @description Only events with seq greater than this. */
                since?: number;
                /** @description Default 500. */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    cancelExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    retryExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    triggerWebhook: {
        parameters: {
            query?: {
                /** @description async (default) answers 202 at once; sync waits for the result. */
                mode?: "sync" | "async";
            };
            header?: never;
            path: {
                hookId: string;
            };
            cookie?: never;
        };
        /** @description Any JSON; passed to the run as its trigger data. */
        requestBody: {
            content: {
                "application/json": unknown;
            };
        };
        responses: {
            /** @description A run that ended while the request waited. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listCredentials: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CredentialList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createCredential: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCredentialRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CredentialResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CredentialResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateCredentialRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CredentialResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true
                     *     }
                     */
                    "application/json": components["schemas"]["OkResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    executePrompt: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExecuteRequest"];
            };
        };
        responses: {
            /** @description A prompt run that ended while the request waited. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecuteResponse"];
                };
            };
            /** @description The prompt is queued or still running; follow it with /api/executions/{id}/status or /events, or over /ws. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecuteAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    selfTest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A prompt run that ended while the request waited. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecuteResponse"];
                };
            };
            /** @description The prompt is queued or still running; follow it with /api/executions/{id}/status or /events, or over /ws. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecuteAccepted"];
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listAgents: {
        parameters: {
            query?: {
                /** @description Include agents created by prompts. Default false. */
                transient?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createAgent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AgentDefinition"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AgentDefinition"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true
                     *     }
                     */
                    "application/json": components["schemas"]["OkResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    executeAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExecuteAgentRequest"];
            };
        };
        responses: {
            /** @description A run that ended while the request waited. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    executeAgentPrompt: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AgentPromptRequest"];
            };
        };
        responses: {
            /** @description A run that ended while the request waited. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listIntegrations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntegrationList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    executeIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExecuteIntegrationRequest"];
            };
        };
        responses: {
            /** @description A run that ended while the request waited. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    generatePlugin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GeneratePluginRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GeneratedPlugin"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["Unprocessable"];
            500: components["responses"]["InternalError"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listPlugins: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createPlugin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePluginRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["Unprocessable"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getPlugin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deletePlugin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true
                     *     }
                     */
                    "application/json": components["schemas"]["OkResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listPluginVersions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginVersionList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    addPluginVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PluginSource"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["Unprocessable"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getPluginVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    executePlugin: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExecutePluginRequest"];
            };
        };
        responses: {
            /** @description A run that ended while the request waited. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExecutionAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getPluginAnalytics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id the create or list answer gave (e.g. `workflow.id`). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PluginAnalytics"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getLearning: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LearningResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listNotifications: {
        parameters: {
            query?: {
                /** @description Only the unread ones. */
                unread?: boolean;
                /** @description Only those after this time (exclusive), oldest first: what a reconnecting client missed. Without it, newest first. */
                since?: string;
                /** @description At most this many. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    markNotificationsRead: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MarkNotificationsRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MarkNotificationsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
