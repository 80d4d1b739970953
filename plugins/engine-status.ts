import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

export interface EngineStatus { initialized: boolean, [metric: string]: unknown }
export type StatusFn = () => EngineStatus | Promise<EngineStatus>

/** Where each engine plugin registers its status function; GET /api/engines/status reads them all. */
export class EngineStatusRegistry {
  private readonly engines = new Map<string, StatusFn>()

  register (name: string, status: StatusFn): void {
    if (this.engines.has(name)) throw new Error(`engine ${name} is registered twice`)
    this.engines.set(name, status)
  }

  /** Every registered engine's status, keyed by the name it registered under. */
  async all (): Promise<Record<string, EngineStatus>> {
    const entries = await Promise.all([...this.engines].map(async ([name, fn]) => [name, await fn()] as const))
    return Object.fromEntries(entries)
  }
}

declare module 'fastify' {
  interface FastifyInstance { engineStatus: EngineStatusRegistry }
}

async function engineStatus (app: FastifyInstance) {
  app.decorate('engineStatus', new EngineStatusRegistry())
}

export default fp(engineStatus, { name: 'engine-status' })
