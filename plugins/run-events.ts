import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { RunEventBus } from '../lib/run-events.js'

declare module 'fastify' {
  interface FastifyInstance { runEvents: RunEventBus }
}

/** The one bus for run events, decorated before the engines that publish on it. */
async function runEvents (app: FastifyInstance) {
  const bus = new RunEventBus()
  app.decorate('runEvents', bus)
  app.addHook('onClose', async () => { bus.removeAllListeners() })
}

export default fp(runEvents, { name: 'run-events' })
