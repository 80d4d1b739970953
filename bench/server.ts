import { execFileSync, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'

/** Builds the service as `npm start` does (into dist/). */
export function buildService (): void {
  execFileSync('npm', ['run', 'build'], { stdio: 'ignore' })
}

/** The real service in a child process, as `npm start` runs it (dist/server.js, see buildService); resolves once it listens. */
export async function startService (env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['dist/server.js'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'inherit']
  })
  const lines: string[] = []
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.once('exit', code => reject(new Error(`the service exited with ${code}: ${lines.slice(-5).join('\n')}`)))
    createInterface({ input: child.stdout }).on('line', line => {
      lines.push(line)
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
      if (m?.[1] !== undefined) resolve(m[1])
    })
  })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  return { baseUrl, lines, pid: child.pid as number, stop: async (signal: NodeJS.Signals = 'SIGTERM') => { child.kill(signal); await exited } }
}

const TICKS_PER_SECOND = 100 // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, and its parent's pid. */
function stat (pid: number): { cpu: number, ppid: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND }
  } catch {
    return undefined
  }
}

/** The pids of processes and all their descendants but those under `stopAt` (PostgreSQL's backends are children of its postmaster). */
export function processTree (roots: number[], stopAt: number[] = []): number[] {
  const children = new Map<number, number[]>()
  for (const name of readdirSync('/proc')) {
    const pid = Number(name)
    if (!Number.isInteger(pid)) continue
    const s = stat(pid)
    if (s !== undefined) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid])
  }
  const all: number[] = []
  const walk = (pid: number) => { all.push(pid); for (const c of children.get(pid) ?? []) if (!stopAt.includes(c)) walk(c) }
  for (const r of roots) walk(r)
  return all
}

/** Starts measuring the CPU seconds these process trees use (each without the others' roots); the function returned says how many so far, per label. */
export function cpuMeter (trees: Record<string, number[]>): () => Record<string, number> {
  const allRoots = Object.values(trees).flat()
  const sample = () => Object.fromEntries(Object.entries(trees).map(([label, roots]) =>
    [label, processTree(roots, allRoots.filter(r => !roots.includes(r))).reduce((sum, pid) => sum + (stat(pid)?.cpu ?? 0), 0)]))
  const before = sample()
  return () => {
    const after = sample()
    return Object.fromEntries(Object.keys(trees).map(label => [label, (after[label] ?? 0) - (before[label] ?? 0)]))
  }
}

/** CPU seconds used by these process trees over `ms`, per label. */
export async function cpuOver (trees: Record<string, number[]>, ms: number): Promise<Record<string, number>> {
  const meter = cpuMeter(trees)
  await new Promise(resolve => setTimeout(resolve, ms))
  return meter()
}
