import { Type, type Static } from '@sinclair/typebox'
import { ref } from './common.js'

const ACTION_NAME = '^[A-Za-z_][A-Za-z0-9_]{0,63}$'

/** Self-tests one plugin (version) may have: each action needs at least one. */
export const MAX_SELF_TESTS = 100
/**
 * CPU time one plugin's self-tests may ask for together (tests times limits.cpuMs): they run one
 * after another on one sandbox worker before the plugin is stored, so this bounds what one request can take.
 */
export const MAX_SELF_TEST_CPU_MS = 120_000

/** Why a plugin's self-tests ask for too much CPU in total, or undefined. */
export function selfTestBudgetProblem (tests: number, cpuMs: number): string | undefined {
  const total = tests * cpuMs
  if (total <= MAX_SELF_TEST_CPU_MS) return undefined
  return `${tests} self-tests at limits.cpuMs ${cpuMs} ms each ask for ${total} ms of CPU, more than the ${MAX_SELF_TEST_CPU_MS} ms one plugin's self-tests may use together; write fewer tests or lower manifest.limits.cpuMs`
}

const TESTS_DESCRIPTION = `Self-tests, run one after another in the sandbox before the plugin is stored: at least one per action, at most ${MAX_SELF_TESTS}. ` +
  `Each may use the manifest's limits.cpuMs of CPU, so together they ask for their number times limits.cpuMs (default 1000), which must not exceed ${MAX_SELF_TEST_CPU_MS} ms (400 otherwise).`
const JsonSchemaObject = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description })

export const PluginLimits = Type.Object({
  memoryBytes: Type.Optional(Type.Integer({ minimum: 1_048_576, maximum: 268_435_456, description: 'Heap of one run. Default 32 MiB.' })),
  cpuMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000, description: 'Time executing JavaScript per run (waiting on fetches excluded). Default 1000. The self-tests together may ask for at most 120000 ms (their number times cpuMs).' })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 300_000, description: 'Wall clock per run, fetches included. Default 10000.' })),
  maxOutputBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 16_777_216, description: 'JSON size of an action\'s result. Default 1 MiB.' }))
}, { $id: 'PluginLimits', additionalProperties: false })
export type PluginLimits = Static<typeof PluginLimits>

const actionFields = {
  name: Type.String({ pattern: ACTION_NAME, description: 'The exported function that implements it.' }),
  description: Type.String({ maxLength: 2000 }),
  input: JsonSchemaObject('JSON Schema of the parameters.'),
  output: JsonSchemaObject('JSON Schema of the result.')
}
const manifestFields = {
  egress: Type.Array(Type.String({ minLength: 1, maxLength: 260, pattern: '^[A-Za-z0-9.\\-\\[\\]:]+$' }), { maxItems: 50, description: 'Hosts (or host:port) ctx.fetch may reach; private addresses also need R3SN_HTTP_ALLOWED_HOSTS.' }),
  credential: Type.Optional(Type.Object({ type: Type.Literal('http') }, { additionalProperties: false, description: 'The plugin takes an http credential; ctx.fetch(url, {credential: true}) adds it.' }))
}
const testFields = {
  name: Type.Optional(Type.String({ maxLength: 200 })),
  action: Type.String({ pattern: ACTION_NAME }),
  input: Type.Unknown({ description: 'Parameters, checked against the action\'s input schema.' }),
  expect: Type.Optional(Type.Unknown({ description: 'The exact result.' })),
  assert: Type.Optional(Type.String({ maxLength: 2000, description: 'JSONata over {input, output} that must be true.' })),
  expectError: Type.Optional(Type.String({ maxLength: 500, description: 'The run must fail with a message containing this.' }))
}

/** The example plugin of the spec: one action, greet {name} -> {message}, with its self-test. */
const GREET_EXAMPLE = {
  code: 'export async function greet (input) { return { message: "Hello, " + input.name + "!" } }',
  manifest: {
    actions: [{
      name: 'greet',
      description: 'Greets someone by name',
      input: { type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'], additionalProperties: false },
      output: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] }
    }],
    egress: [],
    limits: { cpuMs: 500, timeoutMs: 5000 }
  },
  tests: [{ name: 'greets Ada', action: 'greet', input: { name: 'Ada' }, expect: { message: 'Hello, Ada!' } }]
}

export const PluginActionSpec = Type.Object(actionFields, { $id: 'PluginActionSpec', additionalProperties: false })
export const PluginManifest = Type.Object({
  actions: Type.Array(ref(PluginActionSpec), { minItems: 1, maxItems: 50 }),
  ...manifestFields,
  limits: Type.Optional(ref(PluginLimits))
}, { $id: 'PluginManifest', additionalProperties: false })
export type PluginManifest = Static<typeof PluginManifest>

export const PluginTest = Type.Object(testFields, { $id: 'PluginTest', additionalProperties: false })
export type PluginTest = Static<typeof PluginTest>

/** What the LLM writes (self-contained, no $ref, for structured output), and what a person posts. */
export const PluginDraft = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 200_000, description: 'An ES module exporting one (async) function per action: export async function name (input, ctx) { ... }.' }),
  manifest: Type.Object({
    actions: Type.Array(Type.Object(actionFields, { additionalProperties: false }), { minItems: 1, maxItems: 50 }),
    ...manifestFields,
    limits: Type.Optional(Type.Object(PluginLimits.properties, { additionalProperties: false }))
  }, { additionalProperties: false }),
  tests: Type.Array(Type.Object(testFields, { additionalProperties: false }), { minItems: 1, maxItems: MAX_SELF_TESTS, description: TESTS_DESCRIPTION })
}, { additionalProperties: false })
export type PluginDraft = Static<typeof PluginDraft>

export const PluginSource = Type.Object({
  code: PluginDraft.properties.code,
  manifest: ref(PluginManifest),
  tests: Type.Array(ref(PluginTest), { minItems: 1, maxItems: MAX_SELF_TESTS, description: TESTS_DESCRIPTION })
}, { $id: 'PluginSource', additionalProperties: false, examples: [GREET_EXAMPLE] })

export const CreatePluginRequest = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, description: 'How prompts and people name it (the offline planner finds a plugin by its name and an action name in a prompt).' }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  platform: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A label, e.g. rest-api, saas, custom.' })),
  ...PluginSource.properties
}, {
  $id: 'CreatePluginRequest',
  additionalProperties: false,
  examples: [{ name: 'greeter', description: 'Says hello', platform: 'custom', ...GREET_EXAMPLE }]
})
export type CreatePluginRequest = Static<typeof CreatePluginRequest>

const appActions = (description: string) => Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: 20, description })
const appPlatform = (description: string) => Type.String({ minLength: 1, maxLength: 100, description })

export const GeneratePluginRequest = Type.Object({
  appName: Type.String({ minLength: 1, maxLength: 200, description: 'The app or API the plugin talks to; also the plugin\'s name.' }),
  appPackage: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'e.g. an npm package or API base the app is known by.' })),
  actions: Type.Optional(appActions('What the plugin should be able to do. Left out: the LLM first proposes them (a step "propose" of the generation), and the plugin is written for its proposal.')),
  platform: Type.Optional(appPlatform('e.g. web, rest-api, saas. Left out: proposed by the LLM with the actions.')),
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  mode: Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')], { description: 'sync (default) waits for the plugin, up to timeoutMs, then answers 202 with the executionId; async answers 202 at once.' })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 300_000, description: 'How long sync waits. Default R3SN_SYNC_TIMEOUT_MS.' }))
}, {
  $id: 'GeneratePluginRequest',
  additionalProperties: false,
  examples: [{ appName: 'Open-Meteo', appPackage: 'api.open-meteo.com', actions: ['get the current temperature for a latitude and longitude'], platform: 'rest-api', description: 'Free weather API, no key needed.', mode: 'sync', timeoutMs: 120000 }]
})
export type GeneratePluginRequest = Static<typeof GeneratePluginRequest>

/** What the LLM proposes for a generation request that leaves actions or platform out (self-contained, for structured output). */
export const PluginProposal = Type.Object({
  actions: appActions('What a plugin for the app should be able to do: short phrases, e.g. "send a message to a channel".'),
  platform: appPlatform('How the app is reached, e.g. rest-api, web, saas, graphql.')
})
export type PluginProposal = Static<typeof PluginProposal>

export const PluginVersion = Type.Object({
  pluginId: Type.String(),
  version: Type.Integer(),
  origin: Type.Union(['generated', 'written', 'patched'].map(o => Type.Literal(o)), { description: 'Who wrote it: the LLM, a person, or self-debugging.' }),
  code: Type.String(),
  manifest: ref(PluginManifest),
  tests: Type.Array(ref(PluginTest)),
  testsPassed: Type.Integer({ description: 'Self-tests that passed in the sandbox before it was stored (all of them).' }),
  createdAt: Type.String({ format: 'date-time' })
}, { $id: 'PluginVersion' })
export type PluginVersion = Static<typeof PluginVersion>

export const Plugin = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  platform: Type.String(),
  latestVersion: Type.Integer(),
  actions: Type.Array(Type.String(), { description: 'Actions of the latest version.' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' })
}, { $id: 'Plugin' })
export type Plugin = Static<typeof Plugin>

export const PluginResponse = Type.Object({ success: Type.Literal(true), plugin: ref(Plugin), version: ref(PluginVersion) }, {
  $id: 'PluginResponse',
  description: 'The plugin and one of its versions.',
  examples: [{
    success: true,
    plugin: { id: 'plg_5e6f7a8b9c0d4e1f', name: 'greeter', description: 'Says hello', platform: 'custom', latestVersion: 1, actions: ['greet'], createdAt: '2025-01-01T12:00:00.000Z', updatedAt: '2025-01-01T12:00:00.000Z' },
    version: { pluginId: 'plg_5e6f7a8b9c0d4e1f', version: 1, origin: 'written', ...GREET_EXAMPLE, testsPassed: 1, createdAt: '2025-01-01T12:00:00.000Z' }
  }]
})
export const PluginList = Type.Object({ success: Type.Literal(true), plugins: Type.Array(ref(Plugin)) }, { $id: 'PluginList', description: 'Your plugins, newest first.' })
export const PluginVersionList = Type.Object({ success: Type.Literal(true), versions: Type.Array(ref(PluginVersion)) }, { $id: 'PluginVersionList', description: 'Every version, oldest first.' })
export const PluginVersionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }), version: Type.Integer({ minimum: 1 }) }, { $id: 'PluginVersionParams', additionalProperties: false })

export const GeneratedPlugin = Type.Object({
  success: Type.Literal(true),
  executionId: Type.String({ description: 'The durable execution that generated it: one step per LLM answer.' }),
  plugin: ref(Plugin),
  version: ref(PluginVersion),
  rounds: Type.Integer({ description: 'LLM answers it took: 1, plus one per repair round.' }),
  spec: Type.Object({
    actions: Type.Array(Type.String()),
    platform: Type.String(),
    proposed: Type.Array(Type.Union([Type.Literal('actions'), Type.Literal('platform')]), { description: 'Which of the two the LLM proposed because the request left them out; empty when the request gave both.' })
  }, { description: 'What the plugin was written for: the request\'s actions and platform, as given, or the LLM\'s proposal for those it left out.' }),
  usage: Type.Object({ promptTokens: Type.Integer(), completionTokens: Type.Integer() })
}, { $id: 'GeneratedPlugin', description: 'The plugin the LLM wrote, stored after its self-tests passed.' })

export const ExecutePluginRequest = Type.Object({
  action: Type.String({ pattern: ACTION_NAME, description: 'One of the version\'s actions.' }),
  parameters: Type.Optional(Type.Unknown({ description: 'Checked against the action\'s input schema.' })),
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'Pin a version; default the latest.' })),
  credentialId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'An http credential, for a plugin that declares one.' })),
  mode: Type.Optional(Type.Union([Type.Literal('sync'), Type.Literal('async')], { description: 'sync (default) waits for the end, up to timeoutMs, then answers 202; async answers 202 at once.' })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 300_000, description: 'How long sync waits. Default R3SN_SYNC_TIMEOUT_MS.' }))
}, {
  $id: 'ExecutePluginRequest',
  additionalProperties: false,
  // For the plugin of CreatePluginRequest's example.
  examples: [{ action: 'greet', parameters: { name: 'Ada' }, mode: 'sync', timeoutMs: 30000 }]
})
export type ExecutePluginRequest = Static<typeof ExecutePluginRequest>

const Stats = {
  runs: Type.Integer(),
  failures: Type.Integer(),
  p50DurationMs: Type.Union([Type.Number(), Type.Null()]),
  p95DurationMs: Type.Union([Type.Number(), Type.Null()])
}
export const PluginAnalytics = Type.Object({
  success: Type.Literal(true),
  pluginId: Type.String(),
  actions: Type.Array(Type.Object({ action: Type.String(), ...Stats })),
  versions: Type.Array(Type.Object({ version: Type.Integer(), runs: Type.Integer(), failures: Type.Integer() }))
}, { $id: 'PluginAnalytics', description: 'How the plugin\'s runs went.' })
export type PluginAnalytics = Static<typeof PluginAnalytics>
