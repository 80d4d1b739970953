// Generated from openapi.yaml by `npm run openapi`. Do not edit.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: the process answers
         * @description Answers 200 while the process runs; it does not ask the database (see /ready). No API key.
         */
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
        /**
         * Readiness: the database answers and takes writes
         * @description Answers 200 when the database answers a ping and takes a write; 503 otherwise, with Retry-After. No API key. Use it as a load balancer's readiness check.
         */
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
        /**
         * Status of every engine
         * @description Each engine's state and counters, keyed by engine: orchestrator (active runs, history), realtimeEngine (connected clients), universalExecutor (the planner: llm or offline, plans made), agentEngine, integrationHub, pluginFactory, sandbox, selfEvolvingEngine, selfDebuggingEngine.
         */
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
        /**
         * List API keys (yours; admins: everyone's)
         * @description Your keys, revoked ones included; admins see every user's keys, or one user's with ?user=. Secrets are never returned.
         */
        get: operations["listApiKeys"];
        put?: never;
        /**
         * Create an API key (the secret is shown once)
         * @description Creates a key for you (or, as an admin, for any user, possibly an admin key). The secret is in this answer only: only its SHA-256 is stored. Creating a key for a new user name creates that user.
         */
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
        /**
         * Revoke an API key; it stops working at once
         * @description Revokes a key: requests with it get 401 at once and its open WebSocket and Socket.IO connections are closed. The owner is notified.
         */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{id}/budget": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A user's default run budget
         * @description The budget a user's runs get where neither the request nor the workflow gives one (field by field), before the instance's R3SN_BUDGET_* defaults. Yours, or any user's for an admin.
         */
        get: operations["getUserBudget"];
        /**
         * Set a user's default run budget (admins)
         * @description Sets the budget of every run of the user that gives none of its own (field by field: the request's, else the workflow's, else this, else the instance's defaults); null removes it. It applies to runs started from then on, on this instance at once and on others within a second.
         */
        put: operations["setUserBudget"];
        post?: never;
        delete?: never;
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
        /**
         * List your workflows, newest first
         * @description Your workflows, newest first, each at its current version.
         */
        get: operations["listWorkflows"];
        put?: never;
        /**
         * Create a workflow (version 1)
         * @description Stores version 1 of a workflow. Checked before anything is stored: step ids unique, next/then/else/goto pointing at steps, actions known, and agents, plugins and credentials yours. A webhook trigger gets a hookId; a schedule trigger needs a cron and starts runs on it.
         */
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
        /**
         * Get a workflow (its current or an earlier version)
         * @description A workflow at its current version, or at an earlier one with ?version=.
         */
        get: operations["getWorkflow"];
        /**
         * Replace a workflow's definition (a new version)
         * @description Stores the definition as a new version (version + 1); runs already going keep the version they started with. Checked like createWorkflow; 409 when another update raced this one.
         */
        put: operations["updateWorkflow"];
        post?: never;
        /**
         * Delete a workflow, its versions and its webhook
         * @description Deletes the workflow, all its versions and its webhook id; its schedule stops.
         */
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
        /**
         * Run a workflow
         * @description Starts a run of the current version with triggerData as `trigger`. Sync (default) waits up to timeoutMs and answers the result with every step that ran; then, or with mode async, 202 with the executionId to follow.
         */
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
        /**
         * Replace the webhook id; the old one stops working at once
         * @description Gives the workflow's webhook trigger a new hook id; the old one answers 404 at once. 409 when the workflow has no webhook trigger.
         */
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
        /**
         * Runs by status; per step runs, failures, retries and p50/p95 durations
         * @description How the workflow's runs went: counts by status, and per step its runs, failures, retries and p50/p95 durations.
         */
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
        /**
         * List your executions, newest first, with filters and cursor pagination
         * @description Your executions of every type, newest first, 50 a page (limit up to 200). Filter by status, type or workflowId; pass the answer's nextCursor as cursor for the next page (null on the last).
         */
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
        /**
         * Your queued, running and waiting executions
         * @description Your executions that have not ended (queued, running, waiting), newest first. No paging: there are as many as you started and have not finished.
         */
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
        /**
         * An execution with its steps, result and error
         * @description The full record of one execution: status, every step with its input, output, attempts and idempotency key, the result or error, token usage and self-debugging diagnoses.
         */
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
        /**
         * The durable event log of an execution, from seq `since` on
         * @description The execution's durable event log, in seq order (gap-free from 1), from seq `since` (exclusive) on. The same events stream live over WebSocket (execution:subscribe); read this to catch up after a disconnect.
         */
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
        /**
         * Cancel a queued or running execution
         * @description Asks a queued, running or waiting execution to stop: it stops at its next await point and ends cancelled. 409 when it has already ended.
         */
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
        /**
         * Resume a failed or cancelled execution from the step that stopped it
         * @description Starts a failed or cancelled execution again (attempt + 1) from the step that stopped it: steps that completed are not run again. 409 when it has not failed or been cancelled.
         */
        post: operations["retryExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/executions/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a new execution from a step of an ended one, reusing the outputs of the steps before it
         * @description A new execution of the same plan and trigger that starts at fromStepId: the steps the source ran before it are not run again (no side effect is repeated); their recorded outputs are copied as completed steps marked replayed. `input` replaces the step's input, checked as when a workflow is saved. Workflow runs and prompt runs that were planned can be replayed (400 for other types, or a step the source never reached); 409 while the source has not ended. The new run records replayOf.
         */
        post: operations["replayExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/executions/{id}/signals/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a named signal to an execution: a wait step for it completes with the payload as its output
         * @description The signal is stored with the run, so one sent before the run reaches its wait is not lost: the wait then completes at once. A signal sent again under the same name before a wait took it keeps the first payload. A run waiting for it resumes on any instance.
         */
        post: operations["signalExecution"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/executions/{id}/approvals/{stepId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve or reject an approval step that waits for your decision
         * @description Only the step's approvers may decide (403 for the run's owner when not one of them). approve: the run goes on with {decision, by, comment, at} as the step's output; reject: it fails with R3SN_APPROVAL_REJECTED. The decision is audited as an approval.decided event. 409 when the step is not waiting or was decided already.
         */
        post: operations["decideApproval"];
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
        /**
         * Start a workflow from its webhook; the body becomes `trigger`
         * @description Starts a run of the workflow whose webhook trigger has this hook id; the JSON body becomes `trigger`. No API key: the unguessable hook id (Workflow.hookId) is the secret; rotate it with POST /api/workflows/{id}/hook/rotate. Async by default (202); ?mode=sync waits for the result.
         */
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
        /**
         * List your credentials (names and field names, no values), newest first
         * @description Your credentials, newest first: id, name, type and field names. Values are never returned.
         */
        get: operations["listCredentials"];
        put?: never;
        /**
         * Store a secret, encrypted; only its field names are ever returned
         * @description Stores a secret for integrations and plugins, encrypted with AES-256-GCM (R3SN_ENCRYPTION_KEY). Steps name it by id in `credential`; the answer and every later read show only the field names. 503 until R3SN_ENCRYPTION_KEY is set.
         */
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
        /**
         * Get a credential without its values
         * @description One credential without its values.
         */
        get: operations["getCredential"];
        /**
         * Rename a credential and/or replace its secret (rotation)
         * @description Renames the credential, or replaces every secret field at once (rotation). Runs pick up the new secret at their next step that uses it.
         */
        put: operations["updateCredential"];
        post?: never;
        /**
         * Delete a credential; steps that name it fail from their next run
         * @description Deletes the credential. Steps and agents that name it fail from their next run with R3SN_BAD_CREDENTIAL.
         */
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
        /**
         * Run the self-test prompt ("Return current timestamp") through the whole stack
         * @description Runs the built-in prompt through the planner, the orchestrator and an integration, with no credential and no outside call: a 200 with status completed shows the whole stack works. Works without an LLM.
         */
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
        /**
         * List your agents, newest first
         * @description Your agents, newest first. Agents that prompts' plans created for themselves are left out unless transient=true.
         */
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
        /**
         * Get an agent
         * @description One of your agents, with its instructions, tools, credentials per tool, limits and memory key.
         */
        get: operations["getAgent"];
        /**
         * Replace an agent's definition
         * @description Replaces the whole definition (fields left out get their defaults again). Runs already going keep the definition they started with.
         */
        put: operations["updateAgent"];
        post?: never;
        /**
         * Delete an agent and its memory
         * @description Deletes the agent and the conversation memory stored under its keys. Workflow steps that name it fail from their next run (R3SN_AGENT_NOT_FOUND).
         */
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
        /**
         * Run an agent on an action: a tool-calling loop, each LLM turn and tool call a durable step
         * @description Starts a durable run (type agent): the agent gets the action and params, calls its tools through the LLM's tool calling, and each LLM turn and tool call is a step. Needs an LLM: 503 until OPENAI_API_KEY is set. Sync (default) waits up to timeoutMs, then answers 202 with the executionId.
         */
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
        /**
         * Answer a prompt with an agent (yours, or a transient assistant with the credential-free actions)
         * @description Like executeAgent with a free prompt. Without agentId a transient assistant answers, with every integration action that needs no credential as its tools. Needs an LLM: 503 until OPENAI_API_KEY is set.
         */
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
        /**
         * The integration catalog, each action with its input and output JSON Schemas
         * @description Every built-in integration and its actions, each with its input and output JSON Schemas and the credential type it takes. These are the actions integration steps, agents' tools and POST /api/integrations/{name}/execute accept.
         */
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
        /**
         * Run one action as an execution (sync by default)
         * @description Runs one action as a durable execution (type integration). Bad params or credential are refused with 400 before anything is stored; an unknown action is a 404. Sync (default) waits up to timeoutMs.
         */
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
        /**
         * List your plugins, newest first
         * @description Your plugins, newest first, with their latest version's actions.
         */
        get: operations["listPlugins"];
        put?: never;
        /**
         * Store a plugin written by a person, after the same sandbox checks
         * @description Stores a plugin written by a person: the code is compiled in the QuickJS sandbox and every self-test must pass there first (422 with the failures otherwise). The answer holds version 1.
         */
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
        /**
         * Get a plugin and its latest version
         * @description A plugin and its latest version (code, manifest, tests).
         */
        get: operations["getPlugin"];
        put?: never;
        post?: never;
        /**
         * Delete a plugin and its versions
         * @description Deletes the plugin and all its versions. Steps that name it fail from their next run (R3SN_PLUGIN_NOT_FOUND).
         */
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
        /**
         * Every version of a plugin, oldest first
         * @description Every version of the plugin, oldest first, with who wrote it: a person, the LLM, or self-debugging (a patch).
         */
        get: operations["listPluginVersions"];
        put?: never;
        /**
         * Add a version (code, manifest, tests) after the sandbox checks; older versions never change
         * @description Adds the next version after the same sandbox checks as createPlugin. Steps without pluginVersion use it from their next run; older versions stay as they were.
         */
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
        /**
         * One version of a plugin
         * @description One version of a plugin, as it was stored; versions never change.
         */
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
        /**
         * Run a plugin action in the sandbox as a durable execution
         * @description Runs a plugin action in the sandbox as a durable execution (type plugin), within the manifest's limits and egress allowlist. Sync (default) waits up to timeoutMs.
         */
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
        /**
         * Runs, failures and p50/p95 duration per action; runs and failures per version
         * @description For each action: runs, failures and p50/p95 durations; for each version: runs and failures.
         */
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
        /**
         * What the self-evolving engine learned from your executions: per strategy and per tool
         * @description Per strategy (a prompt's plan shape) and per tool: runs, success rate, median duration, failure classes, self-debugging outcomes and tokens; and whether a proven plan is reused for the same prompt without planning.
         */
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
        /**
         * Your notifications, newest first (with since: what you missed, oldest first), and how many are unread
         * @description Your notifications, newest first (with since: those after it, oldest first, to catch up), and how many are unread. The same arrive live as the `notification` event.
         */
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
        /**
         * Mark notifications read: these ids, or all
         * @description Marks the listed notifications (or all of yours) read, and answers how many it marked and how many stay unread.
         */
        post: operations["markNotificationsRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics of this instance (admin key)
         * @description Counters, gauges and histograms of this instance in the Prometheus text format: HTTP requests, runs, steps, queue depth, leases, self-debugging, LLM calls and tokens, the sandbox pool, realtime connections and database errors (see the README, "Operations: metrics"). Needs an admin API key; scrape each instance.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
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
             *     - `R3SN_BUDGET_EXCEEDED`: The run reached one of its budgets (details.budget names it: llmTokens, llmCalls, steps, sandboxCpuMs or wallMs) and was stopped before the call or step that would go past it.
             *     - `R3SN_WAIT_TIMEOUT`: A wait or approval step timed out and its onTimeout is fail.
             *     - `R3SN_BAD_WAIT`: A wait step's until expression gave something that is not a time.
             *     - `R3SN_APPROVAL_REJECTED`: An approver rejected the approval step.
             *     - `R3SN_RUN_ABORTED`: The run cannot go on (its plan is inconsistent).
             *     - `R3SN_CHILD_FAILED`: A child execution of a workflow, parallel or foreach step failed or was cancelled (details say which).
             *     - `R3SN_WORKFLOW_NOT_FOUND`: A workflow step names a workflow (or version) of yours that does not exist.
             *     - `R3SN_DEPTH_EXCEEDED`: A child execution would nest deeper than R3SN_MAX_WORKFLOW_DEPTH.
             *     - `R3SN_BAD_ITEMS`: A foreach step's items expression gave something that is not an array.
             *     - `R3SN_TOO_MANY_ITEMS`: A foreach step was given more items than its maxItems.
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
            code: "R3SN_BAD_REQUEST" | "R3SN_VALIDATION" | "R3SN_BAD_JSON" | "R3SN_BAD_CONTENT_LENGTH" | "R3SN_BAD_URL" | "R3SN_URI_TOO_LONG" | "R3SN_HEADERS_TOO_LARGE" | "R3SN_LENGTH_REQUIRED" | "R3SN_BODY_TOO_LARGE" | "R3SN_UNSUPPORTED_MEDIA_TYPE" | "R3SN_NOT_ACCEPTABLE" | "R3SN_REQUEST_TIMEOUT" | "R3SN_ROUTE_NOT_FOUND" | "R3SN_METHOD_NOT_ALLOWED" | "R3SN_UPGRADE_REQUIRED" | "R3SN_BAD_UPGRADE" | "R3SN_UNAUTHORIZED" | "R3SN_FORBIDDEN" | "R3SN_NOT_FOUND" | "R3SN_CONFLICT" | "R3SN_UNPROCESSABLE" | "R3SN_RATE_LIMITED" | "R3SN_LIMIT" | "R3SN_SLOW_CONSUMER" | "R3SN_BAD_FRAME" | "R3SN_UNKNOWN_EVENT" | "R3SN_UNAVAILABLE" | "R3SN_INTERNAL" | "R3SN_ERROR" | "R3SN_LLM_NOT_CONFIGURED" | "R3SN_LLM_AUTH" | "R3SN_LLM_BAD_REQUEST" | "R3SN_LLM_MODEL" | "R3SN_LLM_RATE_LIMITED" | "R3SN_LLM_UNAVAILABLE" | "R3SN_LLM_UNREACHABLE" | "R3SN_LLM_FAILED" | "R3SN_LLM_INVALID_OUTPUT" | "R3SN_PLAN_INVALID" | "R3SN_BAD_INPUT" | "R3SN_BAD_CREDENTIAL" | "R3SN_BAD_CONDITION" | "R3SN_EXPRESSION_FAILED" | "R3SN_STEP_TIMEOUT" | "R3SN_CANCELLED" | "R3SN_BUDGET_EXCEEDED" | "R3SN_WAIT_TIMEOUT" | "R3SN_BAD_WAIT" | "R3SN_APPROVAL_REJECTED" | "R3SN_RUN_ABORTED" | "R3SN_CHILD_FAILED" | "R3SN_WORKFLOW_NOT_FOUND" | "R3SN_DEPTH_EXCEEDED" | "R3SN_BAD_ITEMS" | "R3SN_TOO_MANY_ITEMS" | "R3SN_AGENT_NOT_FOUND" | "R3SN_AGENT_MAX_STEPS" | "R3SN_AGENT_MAX_TOKENS" | "R3SN_EGRESS_DENIED" | "R3SN_DNS_FAILED" | "R3SN_PLUGIN_NOT_FOUND" | "R3SN_PLUGIN_COMPILE" | "R3SN_PLUGIN_EXPORT" | "R3SN_PLUGIN_ERROR" | "R3SN_PLUGIN_OUTPUT" | "R3SN_SANDBOX_BUSY" | "R3SN_SANDBOX_CPU" | "R3SN_SANDBOX_MEMORY" | "R3SN_SANDBOX_OUTPUT" | "R3SN_SANDBOX_TIMEOUT";
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
        /**
         * @description The process runs.
         * @example {
         *       "success": true,
         *       "status": "ok",
         *       "uptimeSeconds": 3600.5
         *     }
         */
        HealthResponse: {
            /** @enum {boolean} */
            success: true;
            /** @enum {string} */
            status: "ok";
            /** @description Seconds since the process started. */
            uptimeSeconds: number;
        };
        /**
         * @description The database answers and takes writes.
         * @example {
         *       "success": true,
         *       "status": "ready",
         *       "database": "ok"
         *     }
         */
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
        /** @description Every engine's status. */
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
            /** @description Its owner: what the key creates belongs to this user. */
            userId: string;
            /** @description May manage every user's keys. */
            admin: boolean;
            name: string;
            /** Format: date-time */
            createdAt: string;
            /** @description When it stopped working; null while it works. */
            revokedAt: string | null;
        };
        /**
         * @example {
         *       "name": "ci pipeline"
         *     }
         */
        CreateApiKeyRequest: {
            /** @description Owner of the new key; defaults to the caller. Only admins may name another user. */
            user?: string;
            /** @description Grant admin rights (admins only). Default false. */
            admin?: boolean;
            /** @description A label to recognise the key by. */
            name?: string;
        };
        /**
         * @description The new key; its secret is shown this once.
         * @example {
         *       "success": true,
         *       "key": {
         *         "id": "key_4f9a1c2b3d4e5f60",
         *         "userId": "ada",
         *         "admin": false,
         *         "name": "ci pipeline",
         *         "createdAt": "2025-01-01T12:00:00.000Z",
         *         "revokedAt": null
         *       },
         *       "secret": "r3sn_q5Yf0mZrK4b8xkq9v2xW7s1d3f6g8h0j2k4l6n8p0r2"
         *     }
         */
        CreatedApiKey: {
            /** @enum {boolean} */
            success: true;
            key: components["schemas"]["ApiKey"];
            /** @description The key itself. Shown only in this response; only its SHA-256 is stored. */
            secret: string;
        };
        /** @description API keys, without their secrets. */
        ApiKeyList: {
            /** @enum {boolean} */
            success: true;
            keys: components["schemas"]["ApiKey"][];
        };
        ApiKeyListQuery: {
            /** @description Only this user's keys (admins see every user's keys). */
            user?: string;
        };
        /** @description The key, without its secret. */
        ApiKeyResponse: {
            /** @enum {boolean} */
            success: true;
            key: components["schemas"]["ApiKey"];
        };
        UserParams: {
            /**
             * @description A user id (what keys name as their user).
             * @example ada
             */
            id: string;
        };
        /**
         * @example {
         *       "budget": {
         *         "llmCalls": 50,
         *         "llmTokens": 200000,
         *         "wallMs": 3600000
         *       }
         *     }
         */
        UserBudgetRequest: {
            /** @description The default budget of the user's runs; null removes it. */
            budget: components["schemas"]["Budget"] | null;
        };
        /**
         * @description A user's default run budget: a run's budget is, field by field, the request's, else its workflow's, else this, else the instance's defaults.
         * @example {
         *       "success": true,
         *       "userId": "ada",
         *       "budget": {
         *         "llmCalls": 50,
         *         "llmTokens": 200000,
         *         "wallMs": 3600000
         *       }
         *     }
         */
        UserBudgetResponse: {
            /** @enum {boolean} */
            success: true;
            userId: string;
            /** @description null: none; the instance's R3SN_BUDGET_* defaults apply. */
            budget: components["schemas"]["Budget"] | null;
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
            type: "agent" | "integration" | "plugin" | "condition" | "transform" | "wait" | "approval" | "workflow" | "parallel" | "foreach";
            /** @description A label for people; steps are referred to by id. */
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
            /** @description Per attempt, at most an hour (3600000). wait (for a signal) and approval: how long to wait, up to a year; then onTimeout. workflow, parallel and foreach: how long the step may wait for its children (up to a year); then the children still going are cancelled and the step fails with R3SN_STEP_TIMEOUT. */
            timeoutMs?: number;
            /** @description wait: the time to wait until, an ISO 8601 date-time (2030-01-01T09:00:00Z) or, after "=", a JSONata expression giving one (or epoch milliseconds), e.g. "=steps.plan.output.sendAt". */
            until?: string;
            /** @description wait: how long to wait, in milliseconds (up to a year). The run holds no memory, lease or worker slot meanwhile. */
            forMs?: number;
            /** @description wait: the signal to wait for, sent with POST /api/executions/{id}/signals/{name}; its payload becomes the step's output. A signal sent before the run got here completes the wait at once. */
            signal?: string;
            /** @description wait (for a signal) and approval: after timeoutMs without a signal or a decision, go on at this step (output {timedOut: true}), or fail the run with R3SN_WAIT_TIMEOUT (fail, the default). */
            onTimeout?: string | "fail";
            /** @description approval: the user ids who may decide (default the run's owner). Each gets an approval.requested notification. */
            approvers?: string[];
            /** @description approval: what the approvers are asked, shown in their notification. */
            message?: string;
            /** @description workflow: the workflow (yours) to run as a child execution; its result is this step's output, `input` its trigger data (default {}). */
            workflowId?: string;
            /** @description workflow: the version to run (pinned); default the latest when the step starts. */
            version?: number;
            /** @description parallel: named branches, each a list of steps run as a child execution (its `trigger` is this step's `input`, default the run's trigger). Output {<branch>: <its result>}. */
            branches?: {
                [key: string]: components["schemas"]["WorkflowStep"][];
            };
            /** @description parallel: all (default) waits for every branch and fails on the first failure; any takes the first branch to end (failed or not); first-success takes the first to succeed and fails only when every branch failed. Branches still going once the join is decided are cancelled. */
            join?: "all" | "any" | "first-success";
            /** @description parallel: branches running at once (default all of them). */
            maxConcurrency?: number;
            /** @description foreach: JSONata over {trigger, steps, execution} giving the array to go over (a leading "=" is allowed). */
            items?: string;
            /** @description foreach: the steps run for each item, as a child execution whose `trigger` is {item, index, input} (`input`: this step's input, resolved). */
            steps?: components["schemas"]["WorkflowStep"][];
            /** @description foreach: items running at once (default 4). */
            concurrency?: number;
            /** @description foreach: the most items accepted (default 1000); more fail the step with R3SN_TOO_MANY_ITEMS. */
            maxItems?: number;
            /** @description foreach: an item that failed fails the step (fail, the default: the items still going are cancelled), is left out of the output (skip), or has {error} in its place (collect). */
            onItemError?: "fail" | "skip" | "collect";
            /** @description After the last attempt fails: fail the run (default), continue with the next step, or goto:<stepId>. */
            onError?: string;
        };
        /**
         * @description Limits of one run. A run that reaches one fails with R3SN_BUDGET_EXCEEDED (details.budget names it) before the step or call that would go past it. Fields not given come from the workflow's budget, then the R3SN_BUDGET_* defaults.
         * @example {
         *       "llmCalls": 10,
         *       "llmTokens": 50000,
         *       "steps": 100,
         *       "wallMs": 600000
         *     }
         */
        Budget: {
            /** @description LLM tokens (prompt + completion): no LLM call starts once this many are spent (the size of a call is not known before it, so the call that crosses the limit ends; the next is refused). */
            llmTokens?: number;
            /** @description LLM calls: planning, agent turns, plugin generation, self-debugging repairs. */
            llmCalls?: number;
            /** @description Step runs (a step in a loop counts each time it runs; retries of one run do not; replayed copies do not). */
            steps?: number;
            /** @description CPU milliseconds of plugin code in the sandbox; a plugin run gets at most what is left as its CPU limit. */
            sandboxCpuMs?: number;
            /** @description Milliseconds from the run's start, waits included: no step starts after, and a step still running then is stopped. */
            wallMs?: number;
        };
        WorkflowTrigger: {
            /** @description manual: started through the API; webhook: also by POST /api/hooks/{hookId}; schedule: also on its cron. */
            type: "manual" | "webhook" | "schedule";
            /** @description schedule: cron expression (5 fields, or 6 with seconds). */
            cron?: string;
            /** @description schedule: IANA time zone, default UTC. */
            timezone?: string;
            /** @description schedule: what a tick does while the previous scheduled run is still going: start another (allow, the default) or skip the tick (skip), which notifies the owner (schedule.skipped). */
            overlap?: "allow" | "skip";
        };
        /**
         * @example {
         *       "name": "Greet and log",
         *       "description": "Builds a greeting from the trigger data and writes it to the service log.",
         *       "trigger": {
         *         "type": "manual"
         *       },
         *       "steps": [
         *         {
         *           "id": "greeting",
         *           "type": "transform",
         *           "expression": "\"Hello, \" & (trigger.name ? trigger.name : \"world\") & \"!\""
         *         },
         *         {
         *           "id": "log",
         *           "type": "integration",
         *           "action": "core.log",
         *           "input": {
         *             "message": "=steps.greeting.output",
         *             "level": "info"
         *           },
         *           "retry": {
         *             "maxAttempts": 3,
         *             "backoff": "exponential",
         *             "initialDelayMs": 500
         *           },
         *           "timeoutMs": 10000
         *         }
         *       ]
         *     }
         * @example {
         *       "name": "Fan out and join",
         *       "description": "Two branches at once, then one child execution per name; a workflow step would run another workflow of yours the same way ({type: workflow, workflowId}).",
         *       "steps": [
         *         {
         *           "id": "both",
         *           "type": "parallel",
         *           "join": "all",
         *           "branches": {
         *             "upper": [
         *               {
         *                 "id": "u",
         *                 "type": "transform",
         *                 "expression": "$uppercase(trigger.text)"
         *               }
         *             ],
         *             "length": [
         *               {
         *                 "id": "n",
         *                 "type": "transform",
         *                 "expression": "$length(trigger.text)"
         *               }
         *             ]
         *           },
         *           "input": {
         *             "text": "hello"
         *           }
         *         },
         *         {
         *           "id": "each",
         *           "type": "foreach",
         *           "items": "[\"ada\", \"grace\", \"linus\"]",
         *           "concurrency": 2,
         *           "onItemError": "collect",
         *           "steps": [
         *             {
         *               "id": "greet",
         *               "type": "transform",
         *               "expression": "\"Hello, \" & trigger.item & \" (\" & $string(trigger.index) & \")\""
         *             }
         *           ]
         *         }
         *       ]
         *     }
         */
        WorkflowDefinition: {
            name: string;
            description?: string;
            trigger?: components["schemas"]["WorkflowTrigger"];
            steps: components["schemas"]["WorkflowStep"][];
            budget?: components["schemas"]["Budget"];
        };
        Workflow: {
            id: string;
            name: string;
            description: string;
            trigger: components["schemas"]["WorkflowTrigger"];
            steps: components["schemas"]["WorkflowStep"][];
            budget?: components["schemas"]["Budget"];
            /** @description Starts at 1 and increases on every update. */
            version: number;
            /** @description webhook: POST /api/hooks/<hookId> starts the workflow without an API key. */
            hookId?: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /**
         * @description The workflow.
         * @example {
         *       "success": true,
         *       "workflow": {
         *         "id": "wf_3d2f7c1e-8a41-4f0b-9c6d-5e7a8b9c0d1e",
         *         "name": "Greet and log",
         *         "description": "Builds a greeting from the trigger data and writes it to the service log.",
         *         "trigger": {
         *           "type": "manual"
         *         },
         *         "steps": [
         *           {
         *             "id": "greeting",
         *             "type": "transform",
         *             "expression": "\"Hello, \" & (trigger.name ? trigger.name : \"world\") & \"!\""
         *           },
         *           {
         *             "id": "log",
         *             "type": "integration",
         *             "action": "core.log",
         *             "input": {
         *               "message": "=steps.greeting.output",
         *               "level": "info"
         *             },
         *             "retry": {
         *               "maxAttempts": 3,
         *               "backoff": "exponential",
         *               "initialDelayMs": 500
         *             },
         *             "timeoutMs": 10000
         *           }
         *         ],
         *         "version": 1,
         *         "createdAt": "2025-01-01T12:00:00.000Z",
         *         "updatedAt": "2025-01-01T12:00:00.000Z"
         *       }
         *     }
         */
        WorkflowResponse: {
            /** @enum {boolean} */
            success: true;
            workflow: components["schemas"]["Workflow"];
        };
        /** @description Your workflows, newest first. */
        WorkflowList: {
            /** @enum {boolean} */
            success: true;
            workflows: components["schemas"]["Workflow"][];
        };
        WorkflowVersionQuery: {
            /** @description An earlier version; default the current one. */
            version?: number;
        };
        /**
         * @example {
         *       "triggerData": {
         *         "name": "Ada"
         *       },
         *       "mode": "sync",
         *       "timeoutMs": 30000,
         *       "budget": {
         *         "steps": 50,
         *         "wallMs": 60000
         *       }
         *     }
         */
        ExecuteWorkflowRequest: {
            /** @description Available to every step as `trigger`. */
            triggerData?: unknown;
            /** @description sync (default) waits for the end, up to timeoutMs, then answers 202; async answers 202 at once. */
            mode?: "sync" | "async";
            /** @description How long sync waits. Default R3SN_SYNC_TIMEOUT_MS. */
            timeoutMs?: number;
            /** @description Higher runs first; default 5. */
            priority?: number;
            budget?: components["schemas"]["Budget"];
        };
        HookParams: {
            /** @description The workflow's hookId (a webhook trigger has one). */
            hookId: string;
        };
        HookQuery: {
            /** @description async (default) answers 202 at once; sync waits for the result. */
            mode?: "sync" | "async";
        };
        /** @description How the workflow's runs went. */
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
            /** @description What the runs spent in all, as budgets count it. */
            spend: {
                llmCalls: number;
                promptTokens: number;
                completionTokens: number;
                /** @description Step runs (replayed copies not counted). */
                steps: number;
                sandboxCpuMs: number;
                /** @description Summed over the runs that started. */
                wallMs: number;
            };
        };
        ExecutionError: {
            message: string;
            code?: string;
            stepId?: string;
            /** @description What a user needs to act on the failure, e.g. the failed checks of a generated plugin. */
            details?: unknown;
        };
        /** @description What a wait, approval, workflow, parallel or foreach step waits for. */
        Waiting: {
            /**
             * Format: date-time
             * @description When the wait ends by itself: the time waited for, or the timeout of a signal or an approval.
             */
            until?: string;
            /** @description The signal waited for (POST /api/executions/{id}/signals/{name}). */
            signal?: string;
            /** @description approval: who may decide (POST /api/executions/{id}/approvals/{stepId}). */
            approvers?: string[];
            /** @description approval: what the approvers are asked. */
            message?: string;
            /** @description workflow, parallel and foreach: the child executions the step waits for. */
            children?: {
                /** @description The child executions' ids: this (workflow step), or this:<branch> (parallel) or this:<index> (foreach). */
                prefix: string;
                /** @description Children the step runs in all. */
                total: number;
                /** @description Children started so far (in order). */
                started: number;
                /** @description Children ended so far. */
                ended: number;
                /** @description Ids of the children started and not ended yet. */
                running: string[];
                /**
                 * Format: date-time
                 * @description timeoutMs: when the step fails if its children are still going.
                 */
                deadline?: string;
            };
        };
        StepRun: {
            stepId: string;
            type: string;
            /** @description waiting: a wait or approval step whose run is suspended (see waitingFor). */
            status: "running" | "waiting" | "completed" | "failed" | "cancelled";
            waitingFor?: components["schemas"]["Waiting"];
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
            /**
             * @description A replay's copy of a step its source run ran: not run again, its output reused (see replayedFrom).
             * @enum {boolean}
             */
            replayed?: true;
            /** @description replayed: the execution the step ran in. */
            replayedFrom?: string;
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
            /** @description Of this diagnosis alone: pending (its remedy is being tried); recovered (the step then succeeded with it); applied-failed (it was tried and the step failed again); rejected (the proposal was refused before it was tried: corrected input that does not match the schema, a patch that fails the sandbox checks, or a repair that already failed for this input); not-applied (no remedy was possible or allowed); failed (records written before applied-failed and rejected existed: the step failed after it). */
            outcome: "pending" | "recovered" | "applied-failed" | "rejected" | "not-applied" | "failed";
            /** @description LLM repairs: which round of the step this proposal was (1, 2...); each round is told what the earlier ones proposed and what went wrong. Absent when no LLM was asked (a retry, a learned repair, nothing done). */
            round?: number;
            /** @description What went wrong with this remedy, as the next round is told: why the proposal was rejected (schema problems, sandbox failures, an earlier failure), or what the step answered when it failed again with it. */
            feedback?: string;
            /** @description The repair proposed: the corrected parameters (JSON) or the patched module, clipped to 20,000 characters. */
            proposal?: string;
            /** @description sha-256 of the whole proposal: an identical proposal that already failed for this input is refused without being tried. */
            proposalHash?: string;
            /** @description What a learned repair is kept under: the action (or plugin version), the error code and the failing input. */
            repairKey?: string;
            /** @description patch-plugin: the patched version the step runs on (stored only once it passed the sandbox checks). */
            pluginVersion?: number;
            /** @description The repair is one that worked before for the same action, error and input, tried again without an LLM call. */
            learned?: boolean;
            /** @description LLM tokens this diagnosis spent (prompt + completion). */
            tokens?: number;
            /** Format: date-time */
            at: string;
        };
        TokenUsage: {
            /** @description LLM calls made for this run. */
            calls: number;
            promptTokens: number;
            completionTokens: number;
        };
        /** @description What the run has spent of what a budget limits; its LLM calls and tokens are in usage. */
        Spend: {
            /** @description Step runs so far (replayed copies not counted). */
            steps: number;
            /** @description CPU milliseconds of plugin code in the sandbox. */
            sandboxCpuMs: number;
            /** @description Milliseconds since the run started (to its end once ended); null before it started. */
            wallMs: number | null;
        };
        /** @description A replay (POST /api/executions/{id}/replay): what it replays. */
        ReplayOf: {
            /** @description The run replayed. */
            executionId: string;
            /** @description The step this run started at; the steps before it are copies of the source's (replayed: true). */
            fromStepId: string;
        };
        Execution: {
            executionId: string;
            type: "workflow" | "prompt" | "agent" | "plugin" | "integration" | "plugin-generation";
            status: "queued" | "running" | "waiting" | "completed" | "failed" | "cancelled";
            workflowId?: string;
            workflowVersion?: number;
            /** @description A child execution (of a workflow, parallel or foreach step): the run that started it. */
            parentId?: string;
            /** @description A child execution: the step of the parent run that started it. */
            parentStepId?: string;
            /** @description type prompt: what was asked. */
            prompt?: string;
            /** @description type prompt: the strategy the planner chose (null until planned); see Strategy. */
            strategy?: unknown;
            usage: components["schemas"]["TokenUsage"];
            /** @description Self-debugging: each failed step it looked at, what it did and how that ended. */
            diagnoses: components["schemas"]["Diagnosis"][];
            replayOf?: components["schemas"]["ReplayOf"];
            budget?: components["schemas"]["Budget"];
            spent: components["schemas"]["Spend"];
            /** @description 0-10; higher runs first. */
            priority: number;
            /** @description The trigger data the run started with. */
            trigger?: unknown;
            steps: components["schemas"]["StepRun"][];
            result?: unknown;
            error: components["schemas"]["ExecutionError"] | null;
            /** @description How many times the run was started (1, then +1 per retry). */
            attempt: number;
            /** @description A cancel was asked for; the run stops at its next await point. */
            cancelRequested: boolean;
            /** @description status waiting: when the run wakes by itself (the time waited for, or a timeout); null: only a signal or a decision wakes it. */
            wakeAt?: string | null;
            /** Format: date-time */
            createdAt: string;
            startTime: string | null;
            endTime: string | null;
            /** @description Milliseconds from start to end. */
            executionTime: number | null;
        };
        /** @description The execution's full record. */
        ExecutionResponse: {
            /** @enum {boolean} */
            success: true;
            execution: components["schemas"]["Execution"];
        };
        StepResult: {
            stepId: string;
            /** @description waiting: a wait or approval step whose run is suspended (see waitingFor). */
            status: "running" | "waiting" | "completed" | "failed" | "cancelled";
            /** @description What the step returned (absent when it failed). */
            output?: unknown;
            error?: components["schemas"]["ExecutionError"];
            /** @description Milliseconds from the step's start to its end, retries included; null if it never ended. */
            durationMs: number | null;
        };
        /**
         * @description A run that ended while the request waited.
         * @example {
         *       "success": true,
         *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
         *       "status": "completed",
         *       "result": {
         *         "message": "Hello, Ada!",
         *         "level": "info"
         *       },
         *       "error": null,
         *       "executionTime": 35,
         *       "steps": [
         *         {
         *           "stepId": "greeting",
         *           "status": "completed",
         *           "output": "Hello, Ada!",
         *           "durationMs": 3
         *         },
         *         {
         *           "stepId": "log",
         *           "status": "completed",
         *           "output": {
         *             "message": "Hello, Ada!",
         *             "level": "info"
         *           },
         *           "durationMs": 5
         *         }
         *       ]
         *     }
         */
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
        /**
         * @description The run is queued or still running; follow it with /api/executions/{id}/status or /events.
         * @example {
         *       "success": true,
         *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
         *       "status": "queued"
         *     }
         */
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
        /** @description A page of executions, newest first. */
        ExecutionList: {
            /** @enum {boolean} */
            success: true;
            executions: components["schemas"]["Execution"][];
            /** @description Pass as cursor for the next page; null on the last page. */
            nextCursor: string | null;
        };
        ExecutionEvent: {
            executionId: string;
            /** @description Gap-free per execution, from 1. */
            seq: number;
            /** Format: date-time */
            ts: string;
            /** @description What happened, e.g. execution.started, step.started, step.completed, step.failed, execution.completed. */
            type: string;
            /** @description The step it is about, for step events. */
            stepId?: string;
            /** @description The event's details (a step's output, an error...). */
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
        /** @description Events in seq order. */
        EventList: {
            /** @enum {boolean} */
            success: true;
            events: components["schemas"]["ExecutionEvent"][];
        };
        SignalParams: {
            /** @description The execution that waits (or will wait) for the signal. */
            id: string;
            /**
             * @description The signal's name, as a wait step names it.
             * @example approved
             */
            name: string;
        };
        /**
         * @example {
         *       "payload": {
         *         "approvedBudget": 1200,
         *         "note": "go ahead"
         *       }
         *     }
         */
        SignalRequest: {
            /** @description Becomes the output of the wait step that receives the signal (null when absent). */
            payload?: unknown;
        };
        /** @description The signal is stored with the run; a run waiting for it resumes on the next free worker slot of any instance. */
        SignalAccepted: {
            /** @enum {boolean} */
            success: true;
            executionId: string;
            signal: string;
            /** @description waiting: the run was waiting for this signal and wakes now; stored: it is kept until the run reaches a wait for it (a signal sent again before then keeps the first payload). */
            delivered: "waiting" | "stored";
        };
        ApprovalParams: {
            id: string;
            /**
             * @description The approval step waiting for a decision.
             * @example review
             */
            stepId: string;
        };
        /**
         * @example {
         *       "decision": "approve",
         *       "comment": "Checked the recipients list"
         *     }
         */
        ApprovalRequest: {
            /** @description approve: the run goes on; reject: it fails with R3SN_APPROVAL_REJECTED. */
            decision: "approve" | "reject";
            /** @description Kept in the step's output and the approval.decided event. */
            comment?: string;
        };
        /** @description The decision is recorded; the run goes on (or fails) on the next free worker slot of any instance. */
        ApprovalAccepted: {
            /** @enum {boolean} */
            success: true;
            executionId: string;
            stepId: string;
            /** @description approve: the run goes on; reject: it fails with R3SN_APPROVAL_REJECTED. */
            decision: "approve" | "reject";
            /** @description The user who decided. */
            by: string;
            comment?: string;
            /** Format: date-time */
            at: string;
        };
        /**
         * @example {
         *       "fromStepId": "log",
         *       "input": {
         *         "message": "Replayed with a new message",
         *         "level": "warn"
         *       }
         *     }
         */
        ReplayRequest: {
            /** @description The step to run from: one the source run reached. The steps it ran before are not run again: their recorded outputs are copied (replayed: true). */
            fromStepId: string;
            /** @description New input for fromStepId, checked as when a workflow is saved (its action's input schema); "=" strings are JSONata as in a definition. Default: the step's input as the source ran it. */
            input?: unknown;
            budget?: components["schemas"]["Budget"];
        };
        /**
         * @description The replay is a new execution, queued or already running.
         * @example {
         *       "success": true,
         *       "executionId": "exe_2c4e6a8b-0d1f-4a3b-9c5d-7e9f1a3b5c7d",
         *       "status": "running",
         *       "replayOf": {
         *         "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
         *         "fromStepId": "log"
         *       }
         *     }
         */
        ReplayAccepted: {
            /** @enum {boolean} */
            success: true;
            /** @description The new run; follow it with /api/executions/{id}/status or /events. */
            executionId: string;
            status: "queued" | "running" | "waiting" | "completed" | "failed" | "cancelled";
            replayOf: components["schemas"]["ReplayOf"];
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
        /**
         * @example {
         *       "name": "Example API token",
         *       "type": "http",
         *       "data": {
         *         "token": "replace-with-the-real-token"
         *       }
         *     }
         */
        CreateCredentialRequest: {
            name: string;
            /** @description What the secret is for, e.g. http, smtp, slack, hmac; an action only accepts credentials of its own type. */
            type: string;
            /** @description The secret fields, e.g. {"token": "..."}: encrypted at rest (AES-256-GCM), never returned or logged. */
            data: {
                [key: string]: string;
            };
        };
        /**
         * @description At least one of name and data. New data replaces every secret field (rotates the secret); steps use it from their next run.
         * @example {
         *       "name": "Example API token (rotated)",
         *       "data": {
         *         "token": "replace-with-the-new-token"
         *       }
         *     }
         */
        UpdateCredentialRequest: {
            name?: string;
            /** @description The secret fields, e.g. {"token": "..."}: encrypted at rest (AES-256-GCM), never returned or logged. */
            data?: {
                [key: string]: string;
            };
        };
        /**
         * @description The credential, without its values.
         * @example {
         *       "success": true,
         *       "credential": {
         *         "id": "cred_7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
         *         "name": "Example API token",
         *         "type": "http",
         *         "fields": [
         *           "token"
         *         ],
         *         "createdAt": "2025-01-01T12:00:00.000Z",
         *         "updatedAt": "2025-01-01T12:00:00.000Z"
         *       }
         *     }
         */
        CredentialResponse: {
            /** @enum {boolean} */
            success: true;
            credential: components["schemas"]["Credential"];
        };
        /** @description Your credentials, without their values. */
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
        /**
         * @example {
         *       "prompt": "Return the current timestamp and log it",
         *       "context": {
         *         "requestedBy": "swagger-ui"
         *       },
         *       "mode": "sync",
         *       "timeoutMs": 30000
         *     }
         */
        ExecuteRequest: {
            /** @description What to do, in plain words. Without an LLM the offline planner understands URLs, the time, delays ("wait 2 s"), email to an address, Slack #channels, "log", and your plugins by name and action. */
            prompt: string;
            /** @description Data the plan may use, as `trigger.context`; shown to the planner. */
            context?: {
                [key: string]: unknown;
            };
            /** @description sync (default) waits for the end, up to timeoutMs, then answers 202; async answers 202 at once. */
            mode?: "sync" | "async";
            /** @description How long sync waits. Default R3SN_SYNC_TIMEOUT_MS. */
            timeoutMs?: number;
            budget?: components["schemas"]["Budget"];
        };
        /**
         * @description A prompt run that ended while the request waited.
         * @example {
         *       "success": true,
         *       "executionId": "exe_6f1c2a9e-4b7d-4d55-9a0e-2b8f3c1d7e40",
         *       "prompt": "Return the current timestamp and log it",
         *       "status": "completed",
         *       "planner": "offline",
         *       "strategy": {
         *         "intent": "offline: core.time, core.log",
         *         "planner": "offline",
         *         "agents": [],
         *         "integrations": [
         *           "core.time",
         *           "core.log"
         *         ],
         *         "plugins": [],
         *         "steps": [
         *           {
         *             "id": "core_time",
         *             "type": "integration",
         *             "action": "core.time",
         *             "input": {}
         *           },
         *           {
         *             "id": "core_log",
         *             "type": "integration",
         *             "action": "core.log",
         *             "input": {
         *               "message": "Return the current timestamp and log it"
         *             }
         *           }
         *         ],
         *         "source": "planned"
         *       },
         *       "result": {
         *         "message": "Return the current timestamp and log it",
         *         "level": "info"
         *       },
         *       "error": null,
         *       "usage": {
         *         "calls": 0,
         *         "promptTokens": 0,
         *         "completionTokens": 0
         *       },
         *       "executionTime": 42
         *     }
         */
        ExecuteResponse: {
            /** @enum {boolean} */
            success: true;
            /** @description Follow or look it up with /api/executions/{id}/status and /events. */
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
            /** @description Milliseconds from start to end. */
            executionTime: number | null;
        };
        /**
         * @description The prompt is queued or still running; follow it with /api/executions/{id}/status or /events, or over /ws.
         * @example {
         *       "success": true,
         *       "executionId": "exe_6f1c2a9e-4b7d-4d55-9a0e-2b8f3c1d7e40",
         *       "prompt": "Return the current timestamp and log it",
         *       "status": "running"
         *     }
         */
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
        /**
         * @example {
         *       "name": "researcher",
         *       "type": "researcher",
         *       "capabilities": [
         *         "reading web pages",
         *         "summarising"
         *       ],
         *       "instructions": "You research a topic with http.request and answer in three sentences.",
         *       "tools": [
         *         "http.request",
         *         "core.time"
         *       ],
         *       "limits": {
         *         "maxSteps": 5,
         *         "maxTokens": 20000
         *       },
         *       "memoryKey": "research"
         *     }
         */
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
        /**
         * @description The agent.
         * @example {
         *       "success": true,
         *       "agent": {
         *         "id": "agt_2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
         *         "name": "researcher",
         *         "type": "researcher",
         *         "capabilities": [
         *           "reading web pages",
         *           "summarising"
         *         ],
         *         "instructions": "You research a topic with http.request and answer in three sentences.",
         *         "model": null,
         *         "tools": [
         *           "http.request",
         *           "core.time"
         *         ],
         *         "credentials": {},
         *         "limits": {
         *           "maxSteps": 5,
         *           "maxTokens": 20000
         *         },
         *         "memoryKey": "research",
         *         "config": {},
         *         "transient": false,
         *         "createdAt": "2025-01-01T12:00:00.000Z",
         *         "updatedAt": "2025-01-01T12:00:00.000Z"
         *       }
         *     }
         */
        AgentResponse: {
            /** @enum {boolean} */
            success: true;
            agent: components["schemas"]["Agent"];
        };
        /** @description Your agents, newest first. */
        AgentList: {
            /** @enum {boolean} */
            success: true;
            agents: components["schemas"]["Agent"][];
        };
        AgentListQuery: {
            /** @description Include agents created by prompts. Default false. */
            transient?: boolean;
        };
        /**
         * @example {
         *       "action": "Tell me the current time in Paris",
         *       "params": {
         *         "timezone": "Europe/Paris"
         *       },
         *       "mode": "sync",
         *       "timeoutMs": 60000
         *     }
         */
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
            /** @description How long sync waits. Default R3SN_SYNC_TIMEOUT_MS. */
            timeoutMs?: number;
            budget?: components["schemas"]["Budget"];
        };
        /**
         * @example {
         *       "prompt": "What time is it in Tokyo?",
         *       "mode": "sync",
         *       "timeoutMs": 60000
         *     }
         */
        AgentPromptRequest: {
            prompt: string;
            /** @description Data for the agent, given to it as JSON with the prompt. */
            context?: {
                [key: string]: unknown;
            };
            /** @description Default: a transient assistant with every integration action that needs no credential. */
            agentId?: string;
            /** @description Continue the conversation stored under this key (default the agent's memoryKey). */
            memoryKey?: string;
            /** @description sync (default) waits up to timeoutMs; async answers 202 at once. */
            mode?: "sync" | "async";
            /** @description How long sync waits. Default R3SN_SYNC_TIMEOUT_MS. */
            timeoutMs?: number;
            budget?: components["schemas"]["Budget"];
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
        /** @description The integration catalog. */
        IntegrationList: {
            /** @enum {boolean} */
            success: true;
            integrations: components["schemas"]["Integration"][];
        };
        IntegrationParams: {
            /**
             * @description The integration, e.g. core, http, webhook, email, slack (GET /api/integrations lists them).
             * @example core
             */
            name: string;
        };
        /**
         * @example {
         *       "action": "time",
         *       "params": {
         *         "timezone": "Europe/Paris"
         *       },
         *       "mode": "sync",
         *       "timeoutMs": 30000
         *     }
         */
        ExecuteIntegrationRequest: {
            /** @description The action, with or without its integration prefix (request or http.request). */
            action: string;
            /** @description The action's input, checked against its schema. */
            params?: {
                [key: string]: unknown;
            };
            /** @description A stored credential of the type the action takes (see its `credential` in GET /api/integrations). */
            credentialId?: string;
            /** @description sync (default) waits for the end, up to timeoutMs, then answers 202; async answers 202 at once. */
            mode?: "sync" | "async";
            /** @description How long sync waits. Default R3SN_SYNC_TIMEOUT_MS. */
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
        /**
         * @example {
         *       "code": "export async function greet (input) { return { message: \"Hello, \" + input.name + \"!\" } }",
         *       "manifest": {
         *         "actions": [
         *           {
         *             "name": "greet",
         *             "description": "Greets someone by name",
         *             "input": {
         *               "type": "object",
         *               "properties": {
         *                 "name": {
         *                   "type": "string",
         *                   "minLength": 1
         *                 }
         *               },
         *               "required": [
         *                 "name"
         *               ],
         *               "additionalProperties": false
         *             },
         *             "output": {
         *               "type": "object",
         *               "properties": {
         *                 "message": {
         *                   "type": "string"
         *                 }
         *               },
         *               "required": [
         *                 "message"
         *               ]
         *             }
         *           }
         *         ],
         *         "egress": [],
         *         "limits": {
         *           "cpuMs": 500,
         *           "timeoutMs": 5000
         *         }
         *       },
         *       "tests": [
         *         {
         *           "name": "greets Ada",
         *           "action": "greet",
         *           "input": {
         *             "name": "Ada"
         *           },
         *           "expect": {
         *             "message": "Hello, Ada!"
         *           }
         *         }
         *       ]
         *     }
         */
        PluginSource: {
            /** @description An ES module exporting one (async) function per action: export async function name (input, ctx) { ... }. */
            code: string;
            manifest: components["schemas"]["PluginManifest"];
            /** @description Self-tests, run one after another in the sandbox before the plugin is stored: at least one per action, at most 100. Each may use the manifest's limits.cpuMs of CPU, so together they ask for their number times limits.cpuMs (default 1000), which must not exceed 120000 ms (400 otherwise). */
            tests: components["schemas"]["PluginTest"][];
        };
        /**
         * @example {
         *       "name": "greeter",
         *       "description": "Says hello",
         *       "platform": "custom",
         *       "code": "export async function greet (input) { return { message: \"Hello, \" + input.name + \"!\" } }",
         *       "manifest": {
         *         "actions": [
         *           {
         *             "name": "greet",
         *             "description": "Greets someone by name",
         *             "input": {
         *               "type": "object",
         *               "properties": {
         *                 "name": {
         *                   "type": "string",
         *                   "minLength": 1
         *                 }
         *               },
         *               "required": [
         *                 "name"
         *               ],
         *               "additionalProperties": false
         *             },
         *             "output": {
         *               "type": "object",
         *               "properties": {
         *                 "message": {
         *                   "type": "string"
         *                 }
         *               },
         *               "required": [
         *                 "message"
         *               ]
         *             }
         *           }
         *         ],
         *         "egress": [],
         *         "limits": {
         *           "cpuMs": 500,
         *           "timeoutMs": 5000
         *         }
         *       },
         *       "tests": [
         *         {
         *           "name": "greets Ada",
         *           "action": "greet",
         *           "input": {
         *             "name": "Ada"
         *           },
         *           "expect": {
         *             "message": "Hello, Ada!"
         *           }
         *         }
         *       ]
         *     }
         */
        CreatePluginRequest: {
            /** @description How prompts and people name it (the offline planner finds a plugin by its name and an action name in a prompt). */
            name: string;
            description?: string;
            /** @description A label, e.g. rest-api, saas, custom. */
            platform?: string;
            /** @description An ES module exporting one (async) function per action: export async function name (input, ctx) { ... }. */
            code: string;
            manifest: components["schemas"]["PluginManifest"];
            /** @description Self-tests, run one after another in the sandbox before the plugin is stored: at least one per action, at most 100. Each may use the manifest's limits.cpuMs of CPU, so together they ask for their number times limits.cpuMs (default 1000), which must not exceed 120000 ms (400 otherwise). */
            tests: components["schemas"]["PluginTest"][];
        };
        /**
         * @example {
         *       "appName": "Open-Meteo",
         *       "appPackage": "api.open-meteo.com",
         *       "actions": [
         *         "get the current temperature for a latitude and longitude"
         *       ],
         *       "platform": "rest-api",
         *       "description": "Free weather API, no key needed.",
         *       "mode": "sync",
         *       "timeoutMs": 120000
         *     }
         */
        GeneratePluginRequest: {
            /** @description The app or API the plugin talks to; also the plugin's name. */
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
        /**
         * @description The plugin and one of its versions.
         * @example {
         *       "success": true,
         *       "plugin": {
         *         "id": "plg_5e6f7a8b9c0d4e1f",
         *         "name": "greeter",
         *         "description": "Says hello",
         *         "platform": "custom",
         *         "latestVersion": 1,
         *         "actions": [
         *           "greet"
         *         ],
         *         "createdAt": "2025-01-01T12:00:00.000Z",
         *         "updatedAt": "2025-01-01T12:00:00.000Z"
         *       },
         *       "version": {
         *         "pluginId": "plg_5e6f7a8b9c0d4e1f",
         *         "version": 1,
         *         "origin": "written",
         *         "code": "export async function greet (input) { return { message: \"Hello, \" + input.name + \"!\" } }",
         *         "manifest": {
         *           "actions": [
         *             {
         *               "name": "greet",
         *               "description": "Greets someone by name",
         *               "input": {
         *                 "type": "object",
         *                 "properties": {
         *                   "name": {
         *                     "type": "string",
         *                     "minLength": 1
         *                   }
         *                 },
         *                 "required": [
         *                   "name"
         *                 ],
         *                 "additionalProperties": false
         *               },
         *               "output": {
         *                 "type": "object",
         *                 "properties": {
         *                   "message": {
         *                     "type": "string"
         *                   }
         *                 },
         *                 "required": [
         *                   "message"
         *                 ]
         *               }
         *             }
         *           ],
         *           "egress": [],
         *           "limits": {
         *             "cpuMs": 500,
         *             "timeoutMs": 5000
         *           }
         *         },
         *         "tests": [
         *           {
         *             "name": "greets Ada",
         *             "action": "greet",
         *             "input": {
         *               "name": "Ada"
         *             },
         *             "expect": {
         *               "message": "Hello, Ada!"
         *             }
         *           }
         *         ],
         *         "testsPassed": 1,
         *         "createdAt": "2025-01-01T12:00:00.000Z"
         *       }
         *     }
         */
        PluginResponse: {
            /** @enum {boolean} */
            success: true;
            plugin: components["schemas"]["Plugin"];
            version: components["schemas"]["PluginVersion"];
        };
        /** @description Your plugins, newest first. */
        PluginList: {
            /** @enum {boolean} */
            success: true;
            plugins: components["schemas"]["Plugin"][];
        };
        /** @description Every version, oldest first. */
        PluginVersionList: {
            /** @enum {boolean} */
            success: true;
            versions: components["schemas"]["PluginVersion"][];
        };
        PluginVersionParams: {
            id: string;
            version: number;
        };
        /** @description The plugin the LLM wrote, stored after its self-tests passed. */
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
        /**
         * @example {
         *       "action": "greet",
         *       "parameters": {
         *         "name": "Ada"
         *       },
         *       "mode": "sync",
         *       "timeoutMs": 30000
         *     }
         */
        ExecutePluginRequest: {
            /** @description One of the version's actions. */
            action: string;
            /** @description Checked against the action's input schema. */
            parameters?: unknown;
            /** @description Pin a version; default the latest. */
            version?: number;
            /** @description An http credential, for a plugin that declares one. */
            credentialId?: string;
            /** @description sync (default) waits for the end, up to timeoutMs, then answers 202; async answers 202 at once. */
            mode?: "sync" | "async";
            /** @description How long sync waits. Default R3SN_SYNC_TIMEOUT_MS. */
            timeoutMs?: number;
        };
        /** @description How the plugin's runs went. */
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
        /** @description What the self-evolving engine learned. */
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
                /** @description Diagnoses whose remedy made the step succeed (at most one per step run: a remedy tried before it that failed is counted in outcomes as applied-failed). */
                recovered: number;
                /** @description Runs (step runs, for a tool) that succeeded after self-debugging applied a remedy. */
                recoveredRuns: number;
                /** @description LLM repair rounds spent: each proposal of corrected input or a patch, whether applied or rejected. */
                repairRounds: number;
                /** @description Self-debugging diagnosis outcome (recovered, applied-failed, rejected, not-applied) -> count. */
                outcomes: {
                    [key: string]: number;
                };
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
                /** @description Diagnoses whose remedy made the step succeed (at most one per step run: a remedy tried before it that failed is counted in outcomes as applied-failed). */
                recovered: number;
                /** @description Runs (step runs, for a tool) that succeeded after self-debugging applied a remedy. */
                recoveredRuns: number;
                /** @description LLM repair rounds spent: each proposal of corrected input or a patch, whether applied or rejected. */
                repairRounds: number;
                /** @description Self-debugging diagnosis outcome (recovered, applied-failed, rejected, not-applied) -> count. */
                outcomes: {
                    [key: string]: number;
                };
                /** @description LLM tokens spent (prompt + completion). */
                tokens: number;
            }[];
        };
        /** @description What happened: a run of yours failed for good (execution.failed) or needed self-debugging (execution.self_debugged, recovered or not); a plugin generation stored a plugin (plugin.generated) or refused it after its checks failed (plugin.rejected); an API key of yours was created or revoked; a scheduled run of a workflow was not started (schedule.skipped); a run waits for your decision at an approval step (approval.requested: answer with POST /api/executions/{executionId}/approvals/{stepId}). */
        NotificationKind: "execution.failed" | "execution.self_debugged" | "plugin.generated" | "plugin.rejected" | "key.created" | "key.revoked" | "schedule.skipped" | "approval.requested";
        /** @description Ids of what the notification is about, by kind. */
        NotificationData: {
            executionId?: string;
            /** @description The run's type: workflow, prompt, agent, plugin... */
            executionType?: string;
            workflowId?: string;
            pluginId?: string;
            keyId?: string;
            /** @description execution.failed: the step the run failed at; approval.requested: the approval step waiting for a decision. */
            stepId?: string;
            /**
             * Format: date-time
             * @description approval.requested: when the approval times out, if it does.
             */
            until?: string;
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
        /** @description Notifications and the unread count. */
        NotificationList: {
            /** @enum {boolean} */
            success: true;
            notifications: components["schemas"]["Notification"][];
            /** @description How many of your notifications are unread (all of them, not only those listed). */
            unread: number;
        };
        /**
         * @description Either ids or all: true (not both).
         * @example {
         *       "all": true
         *     }
         */
        MarkNotificationsRequest: {
            /** @description The notifications to mark read (ids that are not yours are ignored). */
            ids?: string[];
            /**
             * @description Mark every notification of yours read.
             * @enum {boolean}
             */
            all?: true;
        };
        /**
         * @description What was marked.
         * @example {
         *       "success": true,
         *       "marked": 3,
         *       "unread": 0
         *     }
         */
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
            /** @description The process runs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "status": "ok",
                     *       "uptimeSeconds": 3600.5
                     *     }
                     */
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
            /** @description The database answers and takes writes. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "status": "ready",
                     *       "database": "ok"
                     *     }
                     */
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
            /** @description Every engine's status. */
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
            /** @description API keys, without their secrets. */
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
                /**
                 * @example {
                 *       "name": "ci pipeline"
                 *     }
                 */
                "application/json": components["schemas"]["CreateApiKeyRequest"];
            };
        };
        responses: {
            /** @description The new key; its secret is shown this once. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "key": {
                     *         "id": "key_4f9a1c2b3d4e5f60",
                     *         "userId": "ada",
                     *         "admin": false,
                     *         "name": "ci pipeline",
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "revokedAt": null
                     *       },
                     *       "secret": "r3sn_q5Yf0mZrK4b8xkq9v2xW7s1d3f6g8h0j2k4l6n8p0r2"
                     *     }
                     */
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
            /** @description The key, without its secret. */
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
    getUserBudget: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A user id (what keys name as their user).
                 * @example ada
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A user's default run budget: a run's budget is, field by field, the request's, else its workflow's, else this, else the instance's defaults. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "userId": "ada",
                     *       "budget": {
                     *         "llmCalls": 50,
                     *         "llmTokens": 200000,
                     *         "wallMs": 3600000
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UserBudgetResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    setUserBudget: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A user id (what keys name as their user).
                 * @example ada
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "budget": {
                 *         "llmCalls": 50,
                 *         "llmTokens": 200000,
                 *         "wallMs": 3600000
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["UserBudgetRequest"];
            };
        };
        responses: {
            /** @description A user's default run budget: a run's budget is, field by field, the request's, else its workflow's, else this, else the instance's defaults. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "userId": "ada",
                     *       "budget": {
                     *         "llmCalls": 50,
                     *         "llmTokens": 200000,
                     *         "wallMs": 3600000
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UserBudgetResponse"];
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
    listWorkflows: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Your workflows, newest first. */
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
                /**
                 * @example {
                 *       "name": "Greet and log",
                 *       "description": "Builds a greeting from the trigger data and writes it to the service log.",
                 *       "trigger": {
                 *         "type": "manual"
                 *       },
                 *       "steps": [
                 *         {
                 *           "id": "greeting",
                 *           "type": "transform",
                 *           "expression": "\"Hello, \" & (trigger.name ? trigger.name : \"world\") & \"!\""
                 *         },
                 *         {
                 *           "id": "log",
                 *           "type": "integration",
                 *           "action": "core.log",
                 *           "input": {
                 *             "message": "=steps.greeting.output",
                 *             "level": "info"
                 *           },
                 *           "retry": {
                 *             "maxAttempts": 3,
                 *             "backoff": "exponential",
                 *             "initialDelayMs": 500
                 *           },
                 *           "timeoutMs": 10000
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["WorkflowDefinition"];
            };
        };
        responses: {
            /** @description The workflow. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "workflow": {
                     *         "id": "wf_3d2f7c1e-8a41-4f0b-9c6d-5e7a8b9c0d1e",
                     *         "name": "Greet and log",
                     *         "description": "Builds a greeting from the trigger data and writes it to the service log.",
                     *         "trigger": {
                     *           "type": "manual"
                     *         },
                     *         "steps": [
                     *           {
                     *             "id": "greeting",
                     *             "type": "transform",
                     *             "expression": "\"Hello, \" & (trigger.name ? trigger.name : \"world\") & \"!\""
                     *           },
                     *           {
                     *             "id": "log",
                     *             "type": "integration",
                     *             "action": "core.log",
                     *             "input": {
                     *               "message": "=steps.greeting.output",
                     *               "level": "info"
                     *             },
                     *             "retry": {
                     *               "maxAttempts": 3,
                     *               "backoff": "exponential",
                     *               "initialDelayMs": 500
                     *             },
                     *             "timeoutMs": 10000
                     *           }
                     *         ],
                     *         "version": 1,
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
            /** @description The workflow. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "workflow": {
                     *         "id": "wf_3d2f7c1e-8a41-4f0b-9c6d-5e7a8b9c0d1e",
                     *         "name": "Greet and log",
                     *         "description": "Builds a greeting from the trigger data and writes it to the service log.",
                     *         "trigger": {
                     *           "type": "manual"
                     *         },
                     *         "steps": [
                     *           {
                     *             "id": "greeting",
                     *             "type": "transform",
                     *             "expression": "\"Hello, \" & (trigger.name ? trigger.name : \"world\") & \"!\""
                     *           },
                     *           {
                     *             "id": "log",
                     *             "type": "integration",
                     *             "action": "core.log",
                     *             "input": {
                     *               "message": "=steps.greeting.output",
                     *               "level": "info"
                     *             },
                     *             "retry": {
                     *               "maxAttempts": 3,
                     *               "backoff": "exponential",
                     *               "initialDelayMs": 500
                     *             },
                     *             "timeoutMs": 10000
                     *           }
                     *         ],
                     *         "version": 1,
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
                /**
                 * @example {
                 *       "name": "Greet and log",
                 *       "description": "Builds a greeting from the trigger data and writes it to the service log.",
                 *       "trigger": {
                 *         "type": "manual"
                 *       },
                 *       "steps": [
                 *         {
                 *           "id": "greeting",
                 *           "type": "transform",
                 *           "expression": "\"Hello, \" & (trigger.name ? trigger.name : \"world\") & \"!\""
                 *         },
                 *         {
                 *           "id": "log",
                 *           "type": "integration",
                 *           "action": "core.log",
                 *           "input": {
                 *             "message": "=steps.greeting.output",
                 *             "level": "info"
                 *           },
                 *           "retry": {
                 *             "maxAttempts": 3,
                 *             "backoff": "exponential",
                 *             "initialDelayMs": 500
                 *           },
                 *           "timeoutMs": 10000
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["WorkflowDefinition"];
            };
        };
        responses: {
            /** @description The workflow. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "workflow": {
                     *         "id": "wf_3d2f7c1e-8a41-4f0b-9c6d-5e7a8b9c0d1e",
                     *         "name": "Greet and log",
                     *         "description": "Builds a greeting from the trigger data and writes it to the service log.",
                     *         "trigger": {
                     *           "type": "manual"
                     *         },
                     *         "steps": [
                     *           {
                     *             "id": "greeting",
                     *             "type": "transform",
                     *             "expression": "\"Hello, \" & (trigger.name ? trigger.name : \"world\") & \"!\""
                     *           },
                     *           {
                     *             "id": "log",
                     *             "type": "integration",
                     *             "action": "core.log",
                     *             "input": {
                     *               "message": "=steps.greeting.output",
                     *               "level": "info"
                     *             },
                     *             "retry": {
                     *               "maxAttempts": 3,
                     *               "backoff": "exponential",
                     *               "initialDelayMs": 500
                     *             },
                     *             "timeoutMs": 10000
                     *           }
                     *         ],
                     *         "version": 1,
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
                /**
                 * @example {
                 *       "triggerData": {
                 *         "name": "Ada"
                 *       },
                 *       "mode": "sync",
                 *       "timeoutMs": 30000,
                 *       "budget": {
                 *         "steps": 50,
                 *         "wallMs": 60000
                 *       }
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "completed",
                     *       "result": {
                     *         "message": "Hello, Ada!",
                     *         "level": "info"
                     *       },
                     *       "error": null,
                     *       "executionTime": 35,
                     *       "steps": [
                     *         {
                     *           "stepId": "greeting",
                     *           "status": "completed",
                     *           "output": "Hello, Ada!",
                     *           "durationMs": 3
                     *         },
                     *         {
                     *           "stepId": "log",
                     *           "status": "completed",
                     *           "output": {
                     *             "message": "Hello, Ada!",
                     *             "level": "info"
                     *           },
                     *           "durationMs": 5
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "queued"
                     *     }
                     */
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
            /** @description The workflow. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "workflow": {
                     *         "id": "wf_3d2f7c1e-8a41-4f0b-9c6d-5e7a8b9c0d1e",
                     *         "name": "Greet and log",
                     *         "description": "Builds a greeting from the trigger data and writes it to the service log.",
                     *         "trigger": {
                     *           "type": "manual"
                     *         },
                     *         "steps": [
                     *           {
                     *             "id": "greeting",
                     *             "type": "transform",
                     *             "expression": "\"Hello, \" & (trigger.name ? trigger.name : \"world\") & \"!\""
                     *           },
                     *           {
                     *             "id": "log",
                     *             "type": "integration",
                     *             "action": "core.log",
                     *             "input": {
                     *               "message": "=steps.greeting.output",
                     *               "level": "info"
                     *             },
                     *             "retry": {
                     *               "maxAttempts": 3,
                     *               "backoff": "exponential",
                     *               "initialDelayMs": 500
                     *             },
                     *             "timeoutMs": 10000
                     *           }
                     *         ],
                     *         "version": 1,
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
            /** @description How the workflow's runs went. */
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
            /** @description A page of executions, newest first. */
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
            /** @description A page of executions, newest first. */
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
            /** @description The execution's full record. */
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
            /** @description Events in seq order. */
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
            /** @description The execution's full record. */
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
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "queued"
                     *     }
                     */
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
    replayExecution: {
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
                /**
                 * @example {
                 *       "fromStepId": "log",
                 *       "input": {
                 *         "message": "Replayed with a new message",
                 *         "level": "warn"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ReplayRequest"];
            };
        };
        responses: {
            /** @description The replay is a new execution, queued or already running. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_2c4e6a8b-0d1f-4a3b-9c5d-7e9f1a3b5c7d",
                     *       "status": "running",
                     *       "replayOf": {
                     *         "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *         "fromStepId": "log"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["ReplayAccepted"];
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
    signalExecution: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The execution that waits (or will wait) for the signal. */
                id: string;
                /**
                 * @description The signal's name, as a wait step names it.
                 * @example approved
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "payload": {
                 *         "approvedBudget": 1200,
                 *         "note": "go ahead"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["SignalRequest"];
            };
        };
        responses: {
            /** @description The signal is stored with the run; a run waiting for it resumes on the next free worker slot of any instance. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignalAccepted"];
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
    decideApproval: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /**
                 * @description The approval step waiting for a decision.
                 * @example review
                 */
                stepId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "decision": "approve",
                 *       "comment": "Checked the recipients list"
                 *     }
                 */
                "application/json": components["schemas"]["ApprovalRequest"];
            };
        };
        responses: {
            /** @description The decision is recorded; the run goes on (or fails) on the next free worker slot of any instance. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApprovalAccepted"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
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
                /** @description The workflow's hookId (a webhook trigger has one). */
                hookId: string;
            };
            cookie?: never;
        };
        /** @description Any JSON; passed to the run as its trigger data. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Ada"
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "completed",
                     *       "result": {
                     *         "message": "Hello, Ada!",
                     *         "level": "info"
                     *       },
                     *       "error": null,
                     *       "executionTime": 35,
                     *       "steps": [
                     *         {
                     *           "stepId": "greeting",
                     *           "status": "completed",
                     *           "output": "Hello, Ada!",
                     *           "durationMs": 3
                     *         },
                     *         {
                     *           "stepId": "log",
                     *           "status": "completed",
                     *           "output": {
                     *             "message": "Hello, Ada!",
                     *             "level": "info"
                     *           },
                     *           "durationMs": 5
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "queued"
                     *     }
                     */
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
            /** @description Your credentials, without their values. */
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
                /**
                 * @example {
                 *       "name": "Example API token",
                 *       "type": "http",
                 *       "data": {
                 *         "token": "replace-with-the-real-token"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["CreateCredentialRequest"];
            };
        };
        responses: {
            /** @description The credential, without its values. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "credential": {
                     *         "id": "cred_7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
                     *         "name": "Example API token",
                     *         "type": "http",
                     *         "fields": [
                     *           "token"
                     *         ],
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
            /** @description The credential, without its values. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "credential": {
                     *         "id": "cred_7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
                     *         "name": "Example API token",
                     *         "type": "http",
                     *         "fields": [
                     *           "token"
                     *         ],
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
                /**
                 * @example {
                 *       "name": "Example API token (rotated)",
                 *       "data": {
                 *         "token": "replace-with-the-new-token"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["UpdateCredentialRequest"];
            };
        };
        responses: {
            /** @description The credential, without its values. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "credential": {
                     *         "id": "cred_7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d",
                     *         "name": "Example API token",
                     *         "type": "http",
                     *         "fields": [
                     *           "token"
                     *         ],
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
                /**
                 * @example {
                 *       "prompt": "Return the current timestamp and log it",
                 *       "context": {
                 *         "requestedBy": "swagger-ui"
                 *       },
                 *       "mode": "sync",
                 *       "timeoutMs": 30000
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_6f1c2a9e-4b7d-4d55-9a0e-2b8f3c1d7e40",
                     *       "prompt": "Return the current timestamp and log it",
                     *       "status": "completed",
                     *       "planner": "offline",
                     *       "strategy": {
                     *         "intent": "offline: core.time, core.log",
                     *         "planner": "offline",
                     *         "agents": [],
                     *         "integrations": [
                     *           "core.time",
                     *           "core.log"
                     *         ],
                     *         "plugins": [],
                     *         "steps": [
                     *           {
                     *             "id": "core_time",
                     *             "type": "integration",
                     *             "action": "core.time",
                     *             "input": {}
                     *           },
                     *           {
                     *             "id": "core_log",
                     *             "type": "integration",
                     *             "action": "core.log",
                     *             "input": {
                     *               "message": "Return the current timestamp and log it"
                     *             }
                     *           }
                     *         ],
                     *         "source": "planned"
                     *       },
                     *       "result": {
                     *         "message": "Return the current timestamp and log it",
                     *         "level": "info"
                     *       },
                     *       "error": null,
                     *       "usage": {
                     *         "calls": 0,
                     *         "promptTokens": 0,
                     *         "completionTokens": 0
                     *       },
                     *       "executionTime": 42
                     *     }
                     */
                    "application/json": components["schemas"]["ExecuteResponse"];
                };
            };
            /** @description The prompt is queued or still running; follow it with /api/executions/{id}/status or /events, or over /ws. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_6f1c2a9e-4b7d-4d55-9a0e-2b8f3c1d7e40",
                     *       "prompt": "Return the current timestamp and log it",
                     *       "status": "running"
                     *     }
                     */
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
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_6f1c2a9e-4b7d-4d55-9a0e-2b8f3c1d7e40",
                     *       "prompt": "Return the current timestamp and log it",
                     *       "status": "completed",
                     *       "planner": "offline",
                     *       "strategy": {
                     *         "intent": "offline: core.time, core.log",
                     *         "planner": "offline",
                     *         "agents": [],
                     *         "integrations": [
                     *           "core.time",
                     *           "core.log"
                     *         ],
                     *         "plugins": [],
                     *         "steps": [
                     *           {
                     *             "id": "core_time",
                     *             "type": "integration",
                     *             "action": "core.time",
                     *             "input": {}
                     *           },
                     *           {
                     *             "id": "core_log",
                     *             "type": "integration",
                     *             "action": "core.log",
                     *             "input": {
                     *               "message": "Return the current timestamp and log it"
                     *             }
                     *           }
                     *         ],
                     *         "source": "planned"
                     *       },
                     *       "result": {
                     *         "message": "Return the current timestamp and log it",
                     *         "level": "info"
                     *       },
                     *       "error": null,
                     *       "usage": {
                     *         "calls": 0,
                     *         "promptTokens": 0,
                     *         "completionTokens": 0
                     *       },
                     *       "executionTime": 42
                     *     }
                     */
                    "application/json": components["schemas"]["ExecuteResponse"];
                };
            };
            /** @description The prompt is queued or still running; follow it with /api/executions/{id}/status or /events, or over /ws. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_6f1c2a9e-4b7d-4d55-9a0e-2b8f3c1d7e40",
                     *       "prompt": "Return the current timestamp and log it",
                     *       "status": "running"
                     *     }
                     */
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
            /** @description Your agents, newest first. */
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
                /**
                 * @example {
                 *       "name": "researcher",
                 *       "type": "researcher",
                 *       "capabilities": [
                 *         "reading web pages",
                 *         "summarising"
                 *       ],
                 *       "instructions": "You research a topic with http.request and answer in three sentences.",
                 *       "tools": [
                 *         "http.request",
                 *         "core.time"
                 *       ],
                 *       "limits": {
                 *         "maxSteps": 5,
                 *         "maxTokens": 20000
                 *       },
                 *       "memoryKey": "research"
                 *     }
                 */
                "application/json": components["schemas"]["AgentDefinition"];
            };
        };
        responses: {
            /** @description The agent. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "agent": {
                     *         "id": "agt_2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
                     *         "name": "researcher",
                     *         "type": "researcher",
                     *         "capabilities": [
                     *           "reading web pages",
                     *           "summarising"
                     *         ],
                     *         "instructions": "You research a topic with http.request and answer in three sentences.",
                     *         "model": null,
                     *         "tools": [
                     *           "http.request",
                     *           "core.time"
                     *         ],
                     *         "credentials": {},
                     *         "limits": {
                     *           "maxSteps": 5,
                     *           "maxTokens": 20000
                     *         },
                     *         "memoryKey": "research",
                     *         "config": {},
                     *         "transient": false,
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
            /** @description The agent. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "agent": {
                     *         "id": "agt_2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
                     *         "name": "researcher",
                     *         "type": "researcher",
                     *         "capabilities": [
                     *           "reading web pages",
                     *           "summarising"
                     *         ],
                     *         "instructions": "You research a topic with http.request and answer in three sentences.",
                     *         "model": null,
                     *         "tools": [
                     *           "http.request",
                     *           "core.time"
                     *         ],
                     *         "credentials": {},
                     *         "limits": {
                     *           "maxSteps": 5,
                     *           "maxTokens": 20000
                     *         },
                     *         "memoryKey": "research",
                     *         "config": {},
                     *         "transient": false,
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
                /**
                 * @example {
                 *       "name": "researcher",
                 *       "type": "researcher",
                 *       "capabilities": [
                 *         "reading web pages",
                 *         "summarising"
                 *       ],
                 *       "instructions": "You research a topic with http.request and answer in three sentences.",
                 *       "tools": [
                 *         "http.request",
                 *         "core.time"
                 *       ],
                 *       "limits": {
                 *         "maxSteps": 5,
                 *         "maxTokens": 20000
                 *       },
                 *       "memoryKey": "research"
                 *     }
                 */
                "application/json": components["schemas"]["AgentDefinition"];
            };
        };
        responses: {
            /** @description The agent. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "agent": {
                     *         "id": "agt_2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
                     *         "name": "researcher",
                     *         "type": "researcher",
                     *         "capabilities": [
                     *           "reading web pages",
                     *           "summarising"
                     *         ],
                     *         "instructions": "You research a topic with http.request and answer in three sentences.",
                     *         "model": null,
                     *         "tools": [
                     *           "http.request",
                     *           "core.time"
                     *         ],
                     *         "credentials": {},
                     *         "limits": {
                     *           "maxSteps": 5,
                     *           "maxTokens": 20000
                     *         },
                     *         "memoryKey": "research",
                     *         "config": {},
                     *         "transient": false,
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
                /**
                 * @example {
                 *       "action": "Tell me the current time in Paris",
                 *       "params": {
                 *         "timezone": "Europe/Paris"
                 *       },
                 *       "mode": "sync",
                 *       "timeoutMs": 60000
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "completed",
                     *       "result": {
                     *         "message": "Hello, Ada!",
                     *         "level": "info"
                     *       },
                     *       "error": null,
                     *       "executionTime": 35,
                     *       "steps": [
                     *         {
                     *           "stepId": "greeting",
                     *           "status": "completed",
                     *           "output": "Hello, Ada!",
                     *           "durationMs": 3
                     *         },
                     *         {
                     *           "stepId": "log",
                     *           "status": "completed",
                     *           "output": {
                     *             "message": "Hello, Ada!",
                     *             "level": "info"
                     *           },
                     *           "durationMs": 5
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "queued"
                     *     }
                     */
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
                /**
                 * @example {
                 *       "prompt": "What time is it in Tokyo?",
                 *       "mode": "sync",
                 *       "timeoutMs": 60000
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "completed",
                     *       "result": {
                     *         "message": "Hello, Ada!",
                     *         "level": "info"
                     *       },
                     *       "error": null,
                     *       "executionTime": 35,
                     *       "steps": [
                     *         {
                     *           "stepId": "greeting",
                     *           "status": "completed",
                     *           "output": "Hello, Ada!",
                     *           "durationMs": 3
                     *         },
                     *         {
                     *           "stepId": "log",
                     *           "status": "completed",
                     *           "output": {
                     *             "message": "Hello, Ada!",
                     *             "level": "info"
                     *           },
                     *           "durationMs": 5
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "queued"
                     *     }
                     */
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
            /** @description The integration catalog. */
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
                /**
                 * @description The integration, e.g. core, http, webhook, email, slack (GET /api/integrations lists them).
                 * @example core
                 */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "action": "time",
                 *       "params": {
                 *         "timezone": "Europe/Paris"
                 *       },
                 *       "mode": "sync",
                 *       "timeoutMs": 30000
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "completed",
                     *       "result": {
                     *         "message": "Hello, Ada!",
                     *         "level": "info"
                     *       },
                     *       "error": null,
                     *       "executionTime": 35,
                     *       "steps": [
                     *         {
                     *           "stepId": "greeting",
                     *           "status": "completed",
                     *           "output": "Hello, Ada!",
                     *           "durationMs": 3
                     *         },
                     *         {
                     *           "stepId": "log",
                     *           "status": "completed",
                     *           "output": {
                     *             "message": "Hello, Ada!",
                     *             "level": "info"
                     *           },
                     *           "durationMs": 5
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "queued"
                     *     }
                     */
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
                /**
                 * @example {
                 *       "appName": "Open-Meteo",
                 *       "appPackage": "api.open-meteo.com",
                 *       "actions": [
                 *         "get the current temperature for a latitude and longitude"
                 *       ],
                 *       "platform": "rest-api",
                 *       "description": "Free weather API, no key needed.",
                 *       "mode": "sync",
                 *       "timeoutMs": 120000
                 *     }
                 */
                "application/json": components["schemas"]["GeneratePluginRequest"];
            };
        };
        responses: {
            /** @description The plugin the LLM wrote, stored after its self-tests passed. */
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
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "queued"
                     *     }
                     */
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
            /** @description Your plugins, newest first. */
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
                /**
                 * @example {
                 *       "name": "greeter",
                 *       "description": "Says hello",
                 *       "platform": "custom",
                 *       "code": "export async function greet (input) { return { message: \"Hello, \" + input.name + \"!\" } }",
                 *       "manifest": {
                 *         "actions": [
                 *           {
                 *             "name": "greet",
                 *             "description": "Greets someone by name",
                 *             "input": {
                 *               "type": "object",
                 *               "properties": {
                 *                 "name": {
                 *                   "type": "string",
                 *                   "minLength": 1
                 *                 }
                 *               },
                 *               "required": [
                 *                 "name"
                 *               ],
                 *               "additionalProperties": false
                 *             },
                 *             "output": {
                 *               "type": "object",
                 *               "properties": {
                 *                 "message": {
                 *                   "type": "string"
                 *                 }
                 *               },
                 *               "required": [
                 *                 "message"
                 *               ]
                 *             }
                 *           }
                 *         ],
                 *         "egress": [],
                 *         "limits": {
                 *           "cpuMs": 500,
                 *           "timeoutMs": 5000
                 *         }
                 *       },
                 *       "tests": [
                 *         {
                 *           "name": "greets Ada",
                 *           "action": "greet",
                 *           "input": {
                 *             "name": "Ada"
                 *           },
                 *           "expect": {
                 *             "message": "Hello, Ada!"
                 *           }
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["CreatePluginRequest"];
            };
        };
        responses: {
            /** @description The plugin and one of its versions. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "plugin": {
                     *         "id": "plg_5e6f7a8b9c0d4e1f",
                     *         "name": "greeter",
                     *         "description": "Says hello",
                     *         "platform": "custom",
                     *         "latestVersion": 1,
                     *         "actions": [
                     *           "greet"
                     *         ],
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       },
                     *       "version": {
                     *         "pluginId": "plg_5e6f7a8b9c0d4e1f",
                     *         "version": 1,
                     *         "origin": "written",
                     *         "code": "export async function greet (input) { return { message: \"Hello, \" + input.name + \"!\" } }",
                     *         "manifest": {
                     *           "actions": [
                     *             {
                     *               "name": "greet",
                     *               "description": "Greets someone by name",
                     *               "input": {
                     *                 "type": "object",
                     *                 "properties": {
                     *                   "name": {
                     *                     "type": "string",
                     *                     "minLength": 1
                     *                   }
                     *                 },
                     *                 "required": [
                     *                   "name"
                     *                 ],
                     *                 "additionalProperties": false
                     *               },
                     *               "output": {
                     *                 "type": "object",
                     *                 "properties": {
                     *                   "message": {
                     *                     "type": "string"
                     *                   }
                     *                 },
                     *                 "required": [
                     *                   "message"
                     *                 ]
                     *               }
                     *             }
                     *           ],
                     *           "egress": [],
                     *           "limits": {
                     *             "cpuMs": 500,
                     *             "timeoutMs": 5000
                     *           }
                     *         },
                     *         "tests": [
                     *           {
                     *             "name": "greets Ada",
                     *             "action": "greet",
                     *             "input": {
                     *               "name": "Ada"
                     *             },
                     *             "expect": {
                     *               "message": "Hello, Ada!"
                     *             }
                     *           }
                     *         ],
                     *         "testsPassed": 1,
                     *         "createdAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
            /** @description The plugin and one of its versions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "plugin": {
                     *         "id": "plg_5e6f7a8b9c0d4e1f",
                     *         "name": "greeter",
                     *         "description": "Says hello",
                     *         "platform": "custom",
                     *         "latestVersion": 1,
                     *         "actions": [
                     *           "greet"
                     *         ],
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       },
                     *       "version": {
                     *         "pluginId": "plg_5e6f7a8b9c0d4e1f",
                     *         "version": 1,
                     *         "origin": "written",
                     *         "code": "export async function greet (input) { return { message: \"Hello, \" + input.name + \"!\" } }",
                     *         "manifest": {
                     *           "actions": [
                     *             {
                     *               "name": "greet",
                     *               "description": "Greets someone by name",
                     *               "input": {
                     *                 "type": "object",
                     *                 "properties": {
                     *                   "name": {
                     *                     "type": "string",
                     *                     "minLength": 1
                     *                   }
                     *                 },
                     *                 "required": [
                     *                   "name"
                     *                 ],
                     *                 "additionalProperties": false
                     *               },
                     *               "output": {
                     *                 "type": "object",
                     *                 "properties": {
                     *                   "message": {
                     *                     "type": "string"
                     *                   }
                     *                 },
                     *                 "required": [
                     *                   "message"
                     *                 ]
                     *               }
                     *             }
                     *           ],
                     *           "egress": [],
                     *           "limits": {
                     *             "cpuMs": 500,
                     *             "timeoutMs": 5000
                     *           }
                     *         },
                     *         "tests": [
                     *           {
                     *             "name": "greets Ada",
                     *             "action": "greet",
                     *             "input": {
                     *               "name": "Ada"
                     *             },
                     *             "expect": {
                     *               "message": "Hello, Ada!"
                     *             }
                     *           }
                     *         ],
                     *         "testsPassed": 1,
                     *         "createdAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
            /** @description Every version, oldest first. */
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
                /**
                 * @example {
                 *       "code": "export async function greet (input) { return { message: \"Hello, \" + input.name + \"!\" } }",
                 *       "manifest": {
                 *         "actions": [
                 *           {
                 *             "name": "greet",
                 *             "description": "Greets someone by name",
                 *             "input": {
                 *               "type": "object",
                 *               "properties": {
                 *                 "name": {
                 *                   "type": "string",
                 *                   "minLength": 1
                 *                 }
                 *               },
                 *               "required": [
                 *                 "name"
                 *               ],
                 *               "additionalProperties": false
                 *             },
                 *             "output": {
                 *               "type": "object",
                 *               "properties": {
                 *                 "message": {
                 *                   "type": "string"
                 *                 }
                 *               },
                 *               "required": [
                 *                 "message"
                 *               ]
                 *             }
                 *           }
                 *         ],
                 *         "egress": [],
                 *         "limits": {
                 *           "cpuMs": 500,
                 *           "timeoutMs": 5000
                 *         }
                 *       },
                 *       "tests": [
                 *         {
                 *           "name": "greets Ada",
                 *           "action": "greet",
                 *           "input": {
                 *             "name": "Ada"
                 *           },
                 *           "expect": {
                 *             "message": "Hello, Ada!"
                 *           }
                 *         }
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["PluginSource"];
            };
        };
        responses: {
            /** @description The plugin and one of its versions. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "plugin": {
                     *         "id": "plg_5e6f7a8b9c0d4e1f",
                     *         "name": "greeter",
                     *         "description": "Says hello",
                     *         "platform": "custom",
                     *         "latestVersion": 1,
                     *         "actions": [
                     *           "greet"
                     *         ],
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       },
                     *       "version": {
                     *         "pluginId": "plg_5e6f7a8b9c0d4e1f",
                     *         "version": 1,
                     *         "origin": "written",
                     *         "code": "export async function greet (input) { return { message: \"Hello, \" + input.name + \"!\" } }",
                     *         "manifest": {
                     *           "actions": [
                     *             {
                     *               "name": "greet",
                     *               "description": "Greets someone by name",
                     *               "input": {
                     *                 "type": "object",
                     *                 "properties": {
                     *                   "name": {
                     *                     "type": "string",
                     *                     "minLength": 1
                     *                   }
                     *                 },
                     *                 "required": [
                     *                   "name"
                     *                 ],
                     *                 "additionalProperties": false
                     *               },
                     *               "output": {
                     *                 "type": "object",
                     *                 "properties": {
                     *                   "message": {
                     *                     "type": "string"
                     *                   }
                     *                 },
                     *                 "required": [
                     *                   "message"
                     *                 ]
                     *               }
                     *             }
                     *           ],
                     *           "egress": [],
                     *           "limits": {
                     *             "cpuMs": 500,
                     *             "timeoutMs": 5000
                     *           }
                     *         },
                     *         "tests": [
                     *           {
                     *             "name": "greets Ada",
                     *             "action": "greet",
                     *             "input": {
                     *               "name": "Ada"
                     *             },
                     *             "expect": {
                     *               "message": "Hello, Ada!"
                     *             }
                     *           }
                     *         ],
                     *         "testsPassed": 1,
                     *         "createdAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
            /** @description The plugin and one of its versions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "plugin": {
                     *         "id": "plg_5e6f7a8b9c0d4e1f",
                     *         "name": "greeter",
                     *         "description": "Says hello",
                     *         "platform": "custom",
                     *         "latestVersion": 1,
                     *         "actions": [
                     *           "greet"
                     *         ],
                     *         "createdAt": "2025-01-01T12:00:00.000Z",
                     *         "updatedAt": "2025-01-01T12:00:00.000Z"
                     *       },
                     *       "version": {
                     *         "pluginId": "plg_5e6f7a8b9c0d4e1f",
                     *         "version": 1,
                     *         "origin": "written",
                     *         "code": "export async function greet (input) { return { message: \"Hello, \" + input.name + \"!\" } }",
                     *         "manifest": {
                     *           "actions": [
                     *             {
                     *               "name": "greet",
                     *               "description": "Greets someone by name",
                     *               "input": {
                     *                 "type": "object",
                     *                 "properties": {
                     *                   "name": {
                     *                     "type": "string",
                     *                     "minLength": 1
                     *                   }
                     *                 },
                     *                 "required": [
                     *                   "name"
                     *                 ],
                     *                 "additionalProperties": false
                     *               },
                     *               "output": {
                     *                 "type": "object",
                     *                 "properties": {
                     *                   "message": {
                     *                     "type": "string"
                     *                   }
                     *                 },
                     *                 "required": [
                     *                   "message"
                     *                 ]
                     *               }
                     *             }
                     *           ],
                     *           "egress": [],
                     *           "limits": {
                     *             "cpuMs": 500,
                     *             "timeoutMs": 5000
                     *           }
                     *         },
                     *         "tests": [
                     *           {
                     *             "name": "greets Ada",
                     *             "action": "greet",
                     *             "input": {
                     *               "name": "Ada"
                     *             },
                     *             "expect": {
                     *               "message": "Hello, Ada!"
                     *             }
                     *           }
                     *         ],
                     *         "testsPassed": 1,
                     *         "createdAt": "2025-01-01T12:00:00.000Z"
                     *       }
                     *     }
                     */
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
                /**
                 * @example {
                 *       "action": "greet",
                 *       "parameters": {
                 *         "name": "Ada"
                 *       },
                 *       "mode": "sync",
                 *       "timeoutMs": 30000
                 *     }
                 */
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
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "completed",
                     *       "result": {
                     *         "message": "Hello, Ada!",
                     *         "level": "info"
                     *       },
                     *       "error": null,
                     *       "executionTime": 35,
                     *       "steps": [
                     *         {
                     *           "stepId": "greeting",
                     *           "status": "completed",
                     *           "output": "Hello, Ada!",
                     *           "durationMs": 3
                     *         },
                     *         {
                     *           "stepId": "log",
                     *           "status": "completed",
                     *           "output": {
                     *             "message": "Hello, Ada!",
                     *             "level": "info"
                     *           },
                     *           "durationMs": 5
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ExecutionResult"];
                };
            };
            /** @description The run is queued or still running; follow it with /api/executions/{id}/status or /events. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "executionId": "exe_0b9e5d4c-1f2a-4c3b-8d7e-6f5a4b3c2d1e",
                     *       "status": "queued"
                     *     }
                     */
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
            /** @description How the plugin's runs went. */
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
            /** @description What the self-evolving engine learned. */
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
            /** @description Notifications and the unread count. */
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
                /**
                 * @example {
                 *       "all": true
                 *     }
                 */
                "application/json": components["schemas"]["MarkNotificationsRequest"];
            };
        };
        responses: {
            /** @description What was marked. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "success": true,
                     *       "marked": 3,
                     *       "unread": 0
                     *     }
                     */
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
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
