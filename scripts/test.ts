import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { provideDatabase } from '../lib/embedded-db.js'

/**
 * `npm test`: typecheck everything once, then run tap against MONGODB_URI, or,
 * when it is unset, against the embedded database (FerretDB over PostgreSQL) in a temporary
 * folder and stopped afterwards whatever the outcome. Every test file runs but the heavy tier.
 * `npm test -- <files>` runs just those files (heavy or not).
 * `npm run test:heavy` (this script with --heavy): the heavy tier alone, without the typecheck.
 */

/**
 * The heavy tier: durability under SIGKILL and injected faults, several instances and server
 * processes at once (the built service on its embedded database too), load and abuse, and fuzzing. Minutes of wall clock that `npm test` leaves out; CI
 * runs them after it (.ci/run).
 */
const HEAVY = [
  'test/engines/children-durability.test.ts',
  'test/engines/durability.test.ts',
  'test/engines/kill-durability.test.ts',
  'test/engines/lifecycle-faults.test.ts',
  'test/engines/prompt-durability.test.ts',
  'test/engines/wait-durability.test.ts',
  'test/fuzz.test.ts',
  'test/transports/realtime-abuse.test.ts',
  'test/server.test.ts'
]
// A file that moved would silently leave this tier (and join the fast one): refuse instead.
const missing = HEAVY.filter(file => !existsSync(file))
if (missing.length > 0) {
  console.error(`scripts/test.ts: HEAVY names files that do not exist: ${missing.join(', ')}`)
  process.exit(1)
}

function run (command: string, args: string[], env: NodeJS.ProcessEnv, onOutput?: (chunk: string) => void): Promise<number> {
  return new Promise(resolve => {
    const child = spawn(command, args, { stdio: ['inherit', onOutput === undefined ? 'inherit' : 'pipe', 'inherit'], env })
    child.stdout?.on('data', (chunk: Buffer) => { process.stdout.write(chunk); onOutput?.(chunk.toString()) })
    child.on('exit', (code, signal) => resolve(code ?? (signal !== null ? 1 : 0)))
  })
}

// Ctrl-C reaches the children too (same process group); stay alive to clean up after them.
process.on('SIGINT', () => {})
process.on('SIGTERM', () => {})

const heavy = process.argv[2] === '--heavy'
const args = process.argv.slice(heavy ? 3 : 2)
// Files named on the command line run whatever their tier; tap skips no file it is given.
const named = args.some(a => !a.startsWith('-'))
const tapArgs = heavy
  // Two at a time: these tests lean on leases and timers, and each one loads the machine.
  // A file may take minutes on a loaded machine (tap's limit is otherwise 300 s a file).
  ? ['--jobs=2', '--timeout=900', ...args, ...(named ? [] : HEAVY)]
  // (Setting exclude replaces tap's default, which skips fixture folders: that is kept.)
  : [...args, '--exclude=**/fixtures/**', ...HEAVY.map(file => `--exclude=${file}`)]

let database: Awaited<ReturnType<typeof provideDatabase>> | undefined
let code = 1
try {
  database = await provideDatabase({ log: line => console.log(line) })
  if (database.embedded) console.log(`# embedded FerretDB over PostgreSQL for the tests at ${database.uri}`)
  const env = { ...process.env, MONGODB_URI: database.uri }
  code = heavy ? 0 : await run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], env)
  if (code !== 0) console.error('typecheck failed')
  else {
    let tail = ''
    code = await run('npx', ['tap', ...tapArgs], env, chunk => { tail = (tail + chunk).slice(-4000) })
    // tap's closing line is "# { total: N, pass: P, fail: F }"; repeat it in the plain form CI reads.
    const summary = /# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?/.exec(tail)
    if (summary !== null) console.log(`\ntests: ${summary[2]} passed, ${summary[3] ?? 0} failed`)
  }
} catch (err) {
  console.error((err as Error).message)
} finally {
  await database?.release()
}
process.exit(code)
