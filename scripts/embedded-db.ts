import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/**
 * The repository root, found from this file whether it runs from source or from dist/: the
 * folder that holds the FerretDB module (dist/ holds a package.json too, copied by tsc).
 */
function projectRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'scripts', 'ferretdb', 'main.go'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('cannot find the project root')
    dir = up
  }
  return dir
}

const root = projectRoot()
const moduleDir = join(root, 'scripts', 'ferretdb')
export const ferretdbBinary = join(root, '.cache', 'ferretdb')

function mtime (path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0
}

/** Builds FerretDB from scripts/ferretdb when the binary is missing or older than its sources. */
export async function ensureFerretdb (log: (line: string) => void = () => {}): Promise<string> {
  const sources = ['go.mod', 'go.sum', 'main.go'].map(f => mtime(join(moduleDir, f)))
  if (mtime(ferretdbBinary) > Math.max(...sources)) return ferretdbBinary
  log('building FerretDB 1.24 from scripts/ferretdb (first run only; takes a minute or two)')
  await promisify(execFile)('go', ['build', '-o', ferretdbBinary, '.'], { cwd: moduleDir, maxBuffer: 16 * 1024 * 1024 })
    .catch((err: Error & { stderr?: string }) => {
      throw new Error(`building FerretDB failed (is Go installed?): ${err.stderr ?? err.message}`)
    })
  return ferretdbBinary
}

export interface EmbeddedDb {
  /** Connection string, with directConnection=true as FerretDB needs. */
  uri: string
  process: ChildProcess
  /** Stops FerretDB gracefully (SIGTERM), then waits for it to exit. */
  stop (): Promise<void>
}

/** Starts FerretDB over SQLite in dataDir on a free loopback port (or the given one). */
export async function startFerretdb (dataDir: string, opts: { port?: number, log?: (line: string) => void } = {}): Promise<EmbeddedDb> {
  const binary = await ensureFerretdb(opts.log)
  const dir = resolve(dataDir)
  mkdirSync(dir, { recursive: true })
  // Immediate transactions take SQLite's write lock up front, waiting for it (busy_timeout) instead
  // of failing with "database is locked" when a read-then-write transaction meets a concurrent writer.
  const child = spawn(binary, [
    `--listen-addr=127.0.0.1:${opts.port ?? 0}`, '--handler=sqlite', `--sqlite-url=file:${dir}/?_txlock=immediate`
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000) })
  const exited = new Promise<void>(res => child.once('exit', () => res()))

  // The first stdout line is the URI, printed once the listener is up.
  const firstLine = await new Promise<string>((res, rej) => {
    const lines = createInterface({ input: child.stdout })
    lines.once('line', line => { lines.close(); res(line.trim()) })
    child.once('error', rej)
    child.once('exit', code => rej(new Error(`FerretDB exited with code ${code}: ${stderr}`)))
  })
  return {
    uri: `${firstLine}?directConnection=true`,
    process: child,
    async stop () {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}

// `npm run ferretdb`: build the binary only.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureFerretdb(console.log).then(path => console.log(path), err => { console.error(err.message); process.exit(1) })
}

/**
 * The database a test run or benchmark uses: MONGODB_URI when set, otherwise a FerretDB
 * over SQLite in a temporary folder. release() stops it and removes the folder.
 */
export async function provideDatabase (log?: (line: string) => void): Promise<{ uri: string, embedded: boolean, release (): Promise<void> }> {
  const given = process.env.MONGODB_URI
  if (given !== undefined && given !== '') return { uri: given, embedded: false, release: async () => {} }
  const dir = mkdtempSync(join(tmpdir(), 'r3sn-ferretdb-'))
  const db = await startFerretdb(dir, { log })
  return {
    uri: db.uri,
    embedded: true,
    async release () {
      await db.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
