import { Type } from '@sinclair/typebox'

/**
 * Every R3SN_* code the service answers with: in HTTP error bodies, realtime `error` frames and
 * close reasons, and the `error.code` of a failed run. One line each, for the spec's enum.
 * test/openapi-docs.test.ts fails when the source throws a code that is missing here.
 */
export const ERROR_CODES = {
  // The request itself
  R3SN_BAD_REQUEST: 'The request is malformed or contradicts itself.',
  R3SN_VALIDATION: 'A value breaks the schema; `details` lists each failure with its path.',
  R3SN_BAD_JSON: 'The body is not JSON, or is empty while Content-Type says JSON.',
  R3SN_BAD_CONTENT_LENGTH: 'Content-Length does not match the body.',
  R3SN_BAD_URL: 'The URL cannot be decoded.',
  R3SN_URI_TOO_LONG: 'A path segment is longer than any id.',
  R3SN_HEADERS_TOO_LARGE: 'The request headers are too large.',
  R3SN_LENGTH_REQUIRED: 'A body was sent without a length.',
  R3SN_BODY_TOO_LARGE: 'The body is over the 1 MiB limit.',
  R3SN_UNSUPPORTED_MEDIA_TYPE: 'The body is not application/json.',
  R3SN_NOT_ACCEPTABLE: 'The Accept header asks for something other than JSON.',
  R3SN_REQUEST_TIMEOUT: 'The request took too long to arrive.',
  R3SN_ROUTE_NOT_FOUND: 'No route has this path.',
  R3SN_METHOD_NOT_ALLOWED: 'The path exists, not for this method; the Allow header lists those it answers.',
  R3SN_UPGRADE_REQUIRED: 'A plain GET on a WebSocket endpoint.',
  R3SN_BAD_UPGRADE: 'A WebSocket handshake was refused (a missing key, an unsupported version).',
  // Who asks
  R3SN_UNAUTHORIZED: 'No API key, or an unknown or revoked one.',
  R3SN_FORBIDDEN: 'The key may not do this (an admin-only action, another user\'s resource).',
  // What is asked for
  R3SN_NOT_FOUND: 'The resource does not exist, or is not yours.',
  R3SN_CONFLICT: 'The resource is not in a state that allows this (a run that already ended, a concurrent change).',
  R3SN_UNPROCESSABLE: 'Well-formed but unusable: a generated or written plugin failed its checks (`details` has the failures).',
  // The service
  R3SN_RATE_LIMITED: 'Too many realtime frames on one connection; this one was dropped.',
  R3SN_LIMIT: 'Too many realtime connections for this user.',
  R3SN_SLOW_CONSUMER: 'A realtime client read too slowly and was disconnected.',
  R3SN_BAD_FRAME: 'A realtime frame is not {event, data?, id?} JSON.',
  R3SN_UNKNOWN_EVENT: 'A realtime event the server does not know.',
  R3SN_UNAVAILABLE: 'The database (or a needed part, such as the LLM) cannot serve the request now; Retry-After says when to try again.',
  R3SN_INTERNAL: 'An unexpected failure; the message has only a request id to quote.',
  R3SN_ERROR: 'A run ended without a more precise code.',
  // The LLM
  R3SN_LLM_NOT_CONFIGURED: 'The operation needs an LLM and none is configured (set OPENAI_API_KEY).',
  R3SN_LLM_AUTH: 'The LLM server refused the key.',
  R3SN_LLM_BAD_REQUEST: 'The LLM server refused the request.',
  R3SN_LLM_MODEL: 'The LLM server does not know the model.',
  R3SN_LLM_RATE_LIMITED: 'The LLM server kept rate limiting after the retries.',
  R3SN_LLM_UNAVAILABLE: 'The LLM server failed (5xx) after the retries.',
  R3SN_LLM_UNREACHABLE: 'The LLM server cannot be reached.',
  R3SN_LLM_FAILED: 'The LLM call failed for another reason.',
  R3SN_LLM_INVALID_OUTPUT: 'The LLM answered something that does not fit the expected schema.',
  // Runs and steps
  R3SN_PLAN_INVALID: 'The planner could not make a usable plan for the prompt.',
  R3SN_BAD_INPUT: 'A step\'s input does not fit its action\'s schema.',
  R3SN_BAD_CREDENTIAL: 'A step\'s credential is missing, of the wrong type or unusable.',
  R3SN_BAD_CONDITION: 'A condition step produced something other than true or false.',
  R3SN_EXPRESSION_FAILED: 'A JSONata expression failed.',
  R3SN_STEP_TIMEOUT: 'A step attempt ran past its timeoutMs.',
  R3SN_CANCELLED: 'The run was cancelled.',
  R3SN_BUDGET_EXCEEDED: 'The run reached one of its budgets (details.budget names it: llmTokens, llmCalls, steps, sandboxCpuMs or wallMs) and was stopped before the call or step that would go past it.',
  R3SN_WAIT_TIMEOUT: 'A wait or approval step timed out and its onTimeout is fail.',
  R3SN_BAD_WAIT: 'A wait step\'s until expression gave something that is not a time.',
  R3SN_APPROVAL_REJECTED: 'An approver rejected the approval step.',
  R3SN_RUN_ABORTED: 'The run cannot go on (its plan is inconsistent).',
  R3SN_CHILD_FAILED: 'A child execution of a workflow, parallel or foreach step failed or was cancelled (details say which).',
  R3SN_WORKFLOW_NOT_FOUND: 'A workflow step names a workflow (or version) of yours that does not exist.',
  R3SN_DEPTH_EXCEEDED: 'A child execution would nest deeper than R3SN_MAX_WORKFLOW_DEPTH.',
  R3SN_BAD_ITEMS: 'A foreach step\'s items expression gave something that is not an array.',
  R3SN_TOO_MANY_ITEMS: 'A foreach step was given more items than its maxItems.',
  R3SN_AGENT_NOT_FOUND: 'A step names an agent that does not exist.',
  R3SN_AGENT_MAX_STEPS: 'An agent reached limits.maxSteps while still calling tools.',
  R3SN_AGENT_MAX_TOKENS: 'An agent used more than limits.maxTokens.',
  R3SN_EGRESS_DENIED: 'An outgoing call to a host that is not allowed.',
  R3SN_DNS_FAILED: 'An outgoing call\'s host name does not resolve.',
  // Plugins and the sandbox
  R3SN_PLUGIN_NOT_FOUND: 'A step names a plugin (or version) that does not exist.',
  R3SN_PLUGIN_COMPILE: 'The plugin code does not compile.',
  R3SN_PLUGIN_EXPORT: 'The plugin does not export the action\'s function.',
  R3SN_PLUGIN_ERROR: 'The plugin code threw.',
  R3SN_PLUGIN_OUTPUT: 'The plugin returned a result that does not fit its output schema.',
  R3SN_SANDBOX_BUSY: 'Every sandbox slot is taken and the queue is full; try again shortly.',
  R3SN_SANDBOX_CPU: 'A plugin run used more than its CPU limit.',
  R3SN_SANDBOX_MEMORY: 'A plugin run used more than its memory limit.',
  R3SN_SANDBOX_OUTPUT: 'A plugin result is larger than its maxOutputBytes.',
  R3SN_SANDBOX_TIMEOUT: 'A plugin run took longer than its timeoutMs.'
} as const satisfies Record<`R3SN_${string}`, string>

export type ErrorCode = keyof typeof ERROR_CODES

/** The code of an error, as an enum; its description lists what each code means. */
export const ErrorCodeSchema = Type.Unsafe<ErrorCode>({
  type: 'string',
  enum: Object.keys(ERROR_CODES),
  description: 'Stable machine-readable error code:\n' + Object.entries(ERROR_CODES).map(([code, meaning]) => `- \`${code}\`: ${meaning}`).join('\n')
})

/**
 * One documented answer per error status (OpenAPI components.responses), so a 404 reads
 * differently from a 409. `code` is the usual code of the status, for the example.
 */
export const ERROR_RESPONSES: Record<number, { name: string, description: string, code: ErrorCode, message: string }> = {
  400: { name: 'BadRequest', code: 'R3SN_VALIDATION', message: 'body/prompt is required (must have required property \'prompt\')', description: 'Bad request: the body, query or path breaks the schema (R3SN_VALIDATION, with one entry per failure in `details`), is not JSON (R3SN_BAD_JSON), or contradicts itself (R3SN_BAD_REQUEST). Fix the request; repeating it will not help.' },
  401: { name: 'Unauthorized', code: 'R3SN_UNAUTHORIZED', message: 'Invalid or revoked API key', description: 'Unauthorized: no `Authorization: Bearer <api key>` header, or the key is unknown or revoked (R3SN_UNAUTHORIZED).' },
  403: { name: 'Forbidden', code: 'R3SN_FORBIDDEN', message: 'Only admins can create keys for other users or admin keys', description: 'Forbidden: the key is valid but may not do this, e.g. an admin-only action or a userId that is not the key\'s (R3SN_FORBIDDEN).' },
  404: { name: 'NotFound', code: 'R3SN_NOT_FOUND', message: 'Workflow not found', description: 'Not found: no such resource, or it belongs to another user (R3SN_NOT_FOUND). Ids of other users\' resources are never confirmed.' },
  409: { name: 'Conflict', code: 'R3SN_CONFLICT', message: 'Workflow wf_0a1b2c has no webhook trigger', description: 'Conflict: the resource is not in a state that allows this, e.g. cancelling a run that has ended, retrying one that has not failed, or a change that raced another (R3SN_CONFLICT). Read it again and decide.' },
  413: { name: 'PayloadTooLarge', code: 'R3SN_BODY_TOO_LARGE', message: 'Request body is too large', description: 'Payload too large: the body is over the 1 MiB limit (R3SN_BODY_TOO_LARGE).' },
  422: { name: 'Unprocessable', code: 'R3SN_UNPROCESSABLE', message: 'The plugin failed its self-tests', description: 'Unprocessable: the request is well-formed but its content failed the checks, e.g. a plugin whose self-tests fail in the sandbox (R3SN_UNPROCESSABLE, the failures in `details`).' },
  429: { name: 'TooManyRequests', code: 'R3SN_RATE_LIMITED', message: 'Too many requests', description: 'Too many requests (R3SN_RATE_LIMITED): wait for the seconds in Retry-After, then try again.' },
  502: { name: 'BadGateway', code: 'R3SN_LLM_UNAVAILABLE', message: 'the LLM server failed (HTTP 500)', description: 'Bad gateway: the LLM server failed, refused the request or answered something unusable (an R3SN_LLM_* code). The run is stored; its executionId is in `details`.' },
  503: { name: 'ServiceUnavailable', code: 'R3SN_UNAVAILABLE', message: 'The database cannot take this request right now; try again shortly', description: 'Service unavailable: the database cannot take the request right now, every sandbox slot is busy (R3SN_SANDBOX_BUSY), or the operation needs an LLM and none is configured (R3SN_UNAVAILABLE). Retry-After says when to try again; nothing was changed.' },
  500: { name: 'InternalError', code: 'R3SN_INTERNAL', message: 'Internal error; quote request id req-1', description: 'Internal error (R3SN_INTERNAL): a fault on our side. The message only has a request id to quote; the details are in the service log.' }
}
