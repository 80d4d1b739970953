import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { toPlugin, toVersion } from '../engines/plugin-factory.js'
import { generatedPlugin, generatePlugin } from '../commands/operations.js'
import { errors, IdParams, OkResponse, ref } from '../schemas/common.js'
import { Invalid } from '../lib/errors.js'
import { ExecutionAccepted, ExecutionResult } from '../schemas/executions.js'
import {
  CreatePluginRequest, ExecutePluginRequest, GeneratedPlugin, GeneratePluginRequest, PluginAnalytics, PluginList,
  PluginResponse, PluginSource, PluginVersionList, PluginVersionParams, selfTestBudgetProblem, type PluginManifest
} from '../schemas/plugins.js'
import { replyWithRun } from './run-result.js'

const plugins: FastifyPluginAsyncTypebox = async (app) => {
  /** 400 naming body/tests when the self-tests ask for more CPU together than one plugin may use. */
  const checkTestBudget = (source: { manifest: PluginManifest, tests: unknown[] }) => {
    const problem = selfTestBudgetProblem(source.tests.length, app.pluginFactory.limitsOf(source.manifest).cpuMs)
    if (problem !== undefined) throw Object.assign(new Invalid(`body/tests ${problem}`), { details: [{ path: 'body/tests', message: problem }] })
  }

  app.post('/api/plugins/generate', {
    schema: {
      operationId: 'generatePlugin', tags: ['plugins'], summary: 'Have the LLM write a plugin; stored only once its self-tests pass in the sandbox',
      description: 'A durable execution (type plugin-generation): when the request leaves actions or platform out, a first step (propose) asks the LLM for them (422 when its proposal is not usable); then one step per LLM answer: failures are fed back to the LLM for up to R3SN_PLUGIN_REPAIR_ROUNDS repair rounds; then 422 with the last failures in details. A crash resumes it without asking the LLM again what it already answered. Sync (default) waits up to timeoutMs, then answers 202 with the executionId. Progress goes to the user\'s WebSockets as plugin:progress, the result as plugin:generated.',
      body: ref(GeneratePluginRequest),
      response: { 201: ref(GeneratedPlugin), 202: ref(ExecutionAccepted), ...errors(400, 409, 422, 502, 503) }
    }
  }, async (req, reply) => {
    const doc = await generatePlugin(app, req.user, req.body)
    return replyWithRun(reply, app.orchestrator, doc, req.body, async ended => ({ success: true as const, ...await generatedPlugin(app, ended) }), 201)
  })

  app.post('/api/plugins', {
    schema: {
      operationId: 'createPlugin', tags: ['plugins'], summary: 'Store a plugin written by a person, after the same sandbox checks',
      description: 'Stores a plugin written by a person: the code is compiled in the QuickJS sandbox and every self-test must pass there first (422 with the failures otherwise). The answer holds version 1.',
      body: ref(CreatePluginRequest),
      response: { 201: ref(PluginResponse), ...errors(400, 422, 503) }
    }
  }, async (req, reply) => {
    checkTestBudget(req.body)
    const { plugin, version } = await app.pluginFactory.create(req.user, req.body)
    return reply.code(201).send({ success: true as const, plugin: toPlugin(plugin), version: toVersion(version) })
  })

  app.get('/api/plugins', {
    schema: {
      operationId: 'listPlugins', tags: ['plugins'], summary: 'List your plugins, newest first',
      description: 'Your plugins, newest first, with their latest version\'s actions.',
      response: { 200: ref(PluginList) }
    }
  }, async (req) => ({ success: true as const, plugins: (await app.pluginFactory.list(req.user)).map(toPlugin) }))

  app.get('/api/plugins/:id', {
    schema: {
      operationId: 'getPlugin', tags: ['plugins'], summary: 'Get a plugin and its latest version',
      description: 'A plugin and its latest version (code, manifest, tests).',
      params: ref(IdParams),
      response: { 200: ref(PluginResponse), ...errors(400, 404) }
    }
  }, async (req) => {
    const plugin = await app.pluginFactory.get(req.user, req.params.id)
    return { success: true as const, plugin: toPlugin(plugin), version: toVersion(await app.pluginFactory.version(req.user.id, plugin._id)) }
  })

  app.delete('/api/plugins/:id', {
    schema: {
      operationId: 'deletePlugin', tags: ['plugins'], summary: 'Delete a plugin and its versions',
      description: 'Deletes the plugin and all its versions. Steps that name it fail from their next run (R3SN_PLUGIN_NOT_FOUND).',
      params: ref(IdParams),
      response: { 200: ref(OkResponse), ...errors(400, 404) }
    }
  }, async (req) => {
    await app.pluginFactory.delete(req.user, req.params.id)
    return { success: true as const }
  })

  app.get('/api/plugins/:id/versions', {
    schema: {
      operationId: 'listPluginVersions', tags: ['plugins'], summary: 'Every version of a plugin, oldest first',
      description: 'Every version of the plugin, oldest first, with who wrote it: a person, the LLM, or self-debugging (a patch).',
      params: ref(IdParams),
      response: { 200: ref(PluginVersionList), ...errors(400, 404) }
    }
  }, async (req) => {
    return { success: true as const, versions: (await app.pluginFactory.listVersions(req.user, req.params.id)).map(toVersion) }
  })

  app.get('/api/plugins/:id/versions/:version', {
    schema: {
      operationId: 'getPluginVersion', tags: ['plugins'], summary: 'One version of a plugin',
      description: 'One version of a plugin, as it was stored; versions never change.',
      params: ref(PluginVersionParams),
      response: { 200: ref(PluginResponse), ...errors(400, 404) }
    }
  }, async (req) => {
    const plugin = await app.pluginFactory.get(req.user, req.params.id)
    return { success: true as const, plugin: toPlugin(plugin), version: toVersion(await app.pluginFactory.version(req.user.id, plugin._id, req.params.version)) }
  })

  app.post('/api/plugins/:id/versions', {
    schema: {
      operationId: 'addPluginVersion', tags: ['plugins'], summary: 'Add a version (code, manifest, tests) after the sandbox checks; older versions never change',
      description: 'Adds the next version after the same sandbox checks as createPlugin. Steps without pluginVersion use it from their next run; older versions stay as they were.',
      params: ref(IdParams), body: ref(PluginSource),
      response: { 201: ref(PluginResponse), ...errors(400, 404, 409, 422, 503) }
    }
  }, async (req, reply) => {
    checkTestBudget(req.body)
    const { plugin, version } = await app.pluginFactory.addVersion(req.user, req.params.id, req.body, 'written')
    return reply.code(201).send({ success: true as const, plugin: toPlugin(plugin), version: toVersion(version) })
  })

  app.post('/api/plugins/:id/execute', {
    schema: {
      operationId: 'executePlugin', tags: ['plugins'], summary: 'Run a plugin action in the sandbox as a durable execution',
      description: 'Runs a plugin action in the sandbox as a durable execution (type plugin), within the manifest\'s limits and egress allowlist. Sync (default) waits up to timeoutMs.',
      params: ref(IdParams), body: ref(ExecutePluginRequest),
      response: { 200: ref(ExecutionResult), 202: ref(ExecutionAccepted), ...errors(400, 404) }
    }
  }, async (req, reply) => {
    const { action, version, credentialId } = req.body
    const parameters = req.body.parameters ?? {}
    const step = await app.pluginFactory.actionStep(req.user, req.params.id, { action, parameters, version, credentialId })
    const execution = await app.orchestrator.queue(req.user, { type: 'plugin', trigger: { pluginId: step.plugin, action, parameters }, plan: [step] })
    return replyWithRun(reply, app.orchestrator, execution, req.body)
  })

  app.get('/api/plugins/:id/analytics', {
    schema: {
      operationId: 'getPluginAnalytics', tags: ['plugins'], summary: 'Runs, failures and p50/p95 duration per action; runs and failures per version',
      description: 'For each action: runs, failures and p50/p95 durations; for each version: runs and failures.',
      params: ref(IdParams),
      response: { 200: ref(PluginAnalytics), ...errors(400, 404) }
    }
  }, async (req) => app.pluginFactory.analytics(req.user, req.params.id))
}

export default plugins
