import { spawn } from 'node:child_process'
import { provideDatabase } from '../lib/embedded-db.js'

/**
 * `npm test`: typecheck everything once, then run tap against MONGODB_URI, or,
 * when it is unset, against the embedded database (FerretDB over PostgreSQL) in a temporary
 * folder and stopped afterwards whatever the outcome.
 */
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

let database: Awaited<ReturnType<typeof provideDatabase>> | undefined
let code = 1
try {
  database = await provideDatabase({ log: line => console.log(line) })
  if (database.embedded) console.log(`# embedded FerretDB over PostgreSQL for the tests at ${database.uri}`)
  const env = { ...process.env, MONGODB_URI: database.uri }
  code = await run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], env)
  if (code !== 0) console.error('typecheck failed')
  else {
    let tail = ''
    code = await run('npx', ['tap', ...process.argv.slice(2)], env, chunk => { tail = (tail + chunk).slice(-4000) })
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
