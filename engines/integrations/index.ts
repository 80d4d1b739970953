import type { IntegrationAction } from './types.js'
import * as core from './core.js'
import * as email from './email.js'
import * as http from './http.js'
import * as json from './json.js'
import * as slack from './slack.js'
import * as text from './text.js'
import * as webhook from './webhook.js'

/** Every built-in action, one integration per file. */
export const builtinActions = [
  http.request,
  core.delay, core.log, core.time,
  json.transform,
  text.template,
  webhook.send,
  email.send,
  slack.postMessage
] as IntegrationAction[]
