import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { errors } from '../schemas/common.js'
import { Forbidden } from '../lib/errors.js'

const PrometheusText = Type.String({
  description: 'Prometheus text exposition format 0.0.4: `# HELP` and `# TYPE` lines, then one `name{labels} value` line per series.',
  examples: ['# HELP r3sn_runs_ended_total Runs that ended on this instance, by type and final status\n# TYPE r3sn_runs_ended_total counter\nr3sn_runs_ended_total{type="workflow",status="completed"} 3\n']
})

// Admin only, on the main port: the metrics show every user's activity in aggregate (run
// counts, LLM spend), and one listener with one key scheme is simpler to run and secure.
const metrics: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/metrics', {
    schema: {
      operationId: 'getMetrics', tags: ['metrics'], summary: 'Prometheus metrics of this instance (admin key)',
      description: 'Counters, gauges and histograms of this instance in the Prometheus text format: HTTP requests, runs, steps, queue depth, leases, self-debugging, LLM calls and tokens, the sandbox pool, realtime connections and database errors (see the README, "Operations: metrics"). Needs an admin API key; scrape each instance.',
      response: { 200: { description: 'The metrics', content: { 'text/plain': { schema: PrometheusText } } }, ...errors(401, 403) }
    }
  }, async (req, reply) => {
    if (!req.user.admin) throw new Forbidden('Metrics need an admin API key')
    const text = await app.metrics.registry.metrics()
    return reply.type(app.metrics.registry.contentType).send(text)
  })
}

export default metrics
