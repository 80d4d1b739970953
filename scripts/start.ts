import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * `npm start`: builds dist/ only when the sources changed since the last good build, then
 * runs dist/server.js in this process (signals reach close-with-grace directly). Compiling
 * on every start took 33-52 s on a loaded machine. "Changed" is a hash of the sources' paths
 * and contents, not their mtimes: a copy or an archive that keeps old mtimes, or a clock
 * that moved, cannot make a stale build look current.
 */

const root = resolve(fileURLToPath(import.meta.url), '../..')
/** Written after a build that succeeded; a failed build leaves the old one, so the next start builds again. */
export const STAMP = 'dist/.source-hash'
/** What the build reads besides the folders tsconfig.build.json includes. */
const BUILD_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json']

/** Every file the build depends on, relative to root, sorted. */
export function buildInputs (dir: string): string[] {
  const include = (JSON.parse(readFileSync(join(dir, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include
  const files = new Set(BUILD_FILES.filter(f => existsSync(join(dir, f))))
  const isSource = (name: string) => (name.endsWith('.ts') || name.endsWith('.json')) && !name.endsWith('.d.ts')
  for (const entry of include) {
    if (entry === '*.ts') {
      for (const f of readdirSync(dir, { withFileTypes: true })) if (f.isFile() && f.name.endsWith('.ts')) files.add(f.name)
      continue
    }
    if (!existsSync(join(dir, entry))) continue
    for (const f of readdirSync(join(dir, entry), { recursive: true, withFileTypes: true })) {
      const path = join(f.parentPath, f.name).slice(dir.length + 1)
      if (f.isFile() && isSource(f.name) && !path.split('/').includes('node_modules')) files.add(path)
    }
  }
  return [...files].sort()
}

export function sourceHash (dir: string): string {
  const hash = createHash('sha256')
  for (const file of buildInputs(dir)) hash.update(`${file}\0`).update(readFileSync(join(dir, file))).update('\0')
  return hash.digest('hex')
}

/** Whether dist/ must be built before starting: missing, or built from other sources. */
export function buildNeeded (dir: string): { needed: boolean, hash: string, why?: string } {
  const hash = sourceHash(dir)
  if (!existsSync(join(dir, 'dist/server.js'))) return { needed: true, hash, why: 'no build yet' }
  const stamp = existsSync(join(dir, STAMP)) ? readFileSync(join(dir, STAMP), 'utf8').trim() : ''
  if (stamp !== hash) return { needed: true, hash, why: 'the sources changed since the last build' }
  return { needed: false, hash }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { needed, hash, why } = buildNeeded(root)
  if (needed) {
    console.error(`building dist/ (${why})...`)
    const built = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' })
    if (built.status !== 0) process.exit(built.status ?? 1)
    writeFileSync(join(root, STAMP), `${hash}\n`)
  }
  await import(pathToFileURL(join(root, 'dist/server.js')).href)
}
