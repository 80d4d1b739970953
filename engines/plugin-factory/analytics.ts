import type { Collection, Db } from 'mongodb'
import type { PluginAnalytics } from '../../schemas/plugins.js'

interface RunDoc { pluginId: string, ownerId: string, version: number, action: string, ok: boolean, durationMs: number, error?: string, executionId: string, at: Date }

/** One run of a plugin action, as the analytics count it. */
export interface PluginRun { pluginId: string, ownerId: string, version: number, action: string, ok: boolean, durationMs: number, error?: string, executionId: string }

function percentile (sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number
}

/** Every run of a plugin action, and what they add up to per action and per version. */
export class PluginRuns {
  private readonly runs: Collection<RunDoc>

  constructor (db: Db) {
    this.runs = db.collection('plugin_runs')
  }

  async init (): Promise<void> {
    await this.runs.createIndex({ pluginId: 1, at: -1 })
  }

  /** Records a run; statistics never fail a run, so a failed write is dropped. */
  async record (run: PluginRun): Promise<void> {
    const { error, ...rest } = run
    await this.runs.insertOne({ ...rest, ...(error === undefined ? {} : { error: error.slice(0, 500) }), at: new Date() })
      .catch(() => {})
  }

  /** Runs, failures, p50/p95 per action, and runs/failures per version (the caller has checked the plugin is the owner's). */
  async analytics (ownerId: string, pluginId: string): Promise<PluginAnalytics> {
    const runs = await this.runs.find({ pluginId, ownerId }, { projection: { action: 1, version: 1, ok: 1, durationMs: 1 } }).toArray()
    const byAction = new Map<string, { runs: number, failures: number, durations: number[] }>()
    const byVersion = new Map<number, { runs: number, failures: number }>()
    for (const r of runs) {
      const a = byAction.get(r.action) ?? { runs: 0, failures: 0, durations: [] }
      a.runs++
      if (!r.ok) a.failures++
      a.durations.push(r.durationMs)
      byAction.set(r.action, a)
      const v = byVersion.get(r.version) ?? { runs: 0, failures: 0 }
      v.runs++
      if (!r.ok) v.failures++
      byVersion.set(r.version, v)
    }
    return {
      success: true,
      pluginId,
      actions: [...byAction].map(([action, a]) => {
        const sorted = a.durations.sort((x, y) => x - y)
        return { action, runs: a.runs, failures: a.failures, p50DurationMs: percentile(sorted, 0.5), p95DurationMs: percentile(sorted, 0.95) }
      }),
      versions: [...byVersion].sort((x, y) => x[0] - y[0]).map(([version, v]) => ({ version, ...v }))
    }
  }
}
