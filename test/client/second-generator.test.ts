import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from '../helper.js'

/**
 * openapi.yaml through a second generator, @hey-api/openapi-ts (the tests' own client is
 * openapi-fetch's): its SDK and a small program using it must compile under --strict, and
 * the program must work against a real app. A spec change that breaks common generators
 * fails here, not in a user's build. Everything runs from node_modules: no network.
 */

const root = resolve(import.meta.dirname, '../..')

/** Runs a command; resolves its output, rejects with it on a non-zero exit. */
function run (args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } })
    let output = ''
    child.stdout.on('data', (c: Buffer) => { output += c.toString() })
    child.stderr.on('data', (c: Buffer) => { output += c.toString() })
    child.on('error', reject)
    child.on('exit', code => { if (code === 0) resolve(output); else reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`)) })
  })
}

// Exercises request bodies, path and query parameters, and the success and error unions of
// the responses, as a user's program would.
const usage = `import { createClient } from './sdk/client/index.js'
import { createWorkflow, executeWorkflow, getExecutionStatus, listExecutions } from './sdk/sdk.gen.js'
import type { ErrorBody, Execution, WorkflowDefinition } from './sdk/types.gen.js'

export async function example (baseUrl: string, apiKey: string): Promise<{ executionId: string, status: Execution['status'], listed: string[], missing: ErrorBody['code'] }> {
  const client = createClient({ baseUrl, headers: { authorization: \`Bearer \${apiKey}\` } })
  const definition: WorkflowDefinition = { name: 'second generator', steps: [{ id: 'double', type: 'transform', expression: '$trigger.n * 2' }] }
  const created = await createWorkflow({ client, body: definition })
  if (created.data === undefined) throw new Error(\`createWorkflow: \${JSON.stringify(created.error)}\`)
  const workflowId: string = created.data.workflow.id

  const ran = await executeWorkflow({ client, path: { id: workflowId }, body: { triggerData: { n: 21 } } })
  if (ran.data === undefined) throw new Error(\`executeWorkflow: \${JSON.stringify(ran.error)}\`)
  const executionId: string = ran.data.executionId

  const status = await getExecutionStatus({ client, path: { id: executionId } })
  if (status.data === undefined) throw new Error(\`getExecutionStatus: \${JSON.stringify(status.error)}\`)

  const list = await listExecutions({ client, query: { limit: 10 } })
  if (list.data === undefined) throw new Error(\`listExecutions: \${JSON.stringify(list.error)}\`)
  const listed: string[] = list.data.executions.map((e: Execution) => e.executionId)

  const missing = await getExecutionStatus({ client, path: { id: 'exec_missing' } })
  if (missing.error === undefined) throw new Error('a missing execution was found')
  return { executionId, status: status.data.execution.status, listed, missing: missing.error.code }
}
`

const tsconfig = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    // The generated client uses fetch, Request and Headers, as in a browser or Node 18+.
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    types: [],
    skipLibCheck: false
  },
  include: ['*.ts', 'sdk/**/*.ts']
}

t.test('@hey-api/openapi-ts generates a client from openapi.yaml that compiles under --strict and works', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'r3sn-hey-api-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  writeFileSync(join(dir, 'usage.ts'), usage)

  await run([join(root, 'node_modules/@hey-api/openapi-ts/bin/run.js'), '--input', join(root, 'openapi.yaml'), '--output', join(dir, 'sdk')], dir)
  // tsc prints its errors on stdout: they end up in the failure message.
  await run([join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], dir)
  t.pass('the generated SDK and a program using it compile under --strict')

  const { baseUrl, adminKey } = await build(t)
  const { example } = await import(pathToFileURL(join(dir, 'usage.ts')).href) as { example: (baseUrl: string, key: string) => Promise<{ executionId: string, status: string, listed: string[], missing: string }> }
  const result = await example(baseUrl, adminKey)
  t.equal(result.status, 'completed')
  t.ok(result.listed.includes(result.executionId), 'the run is listed')
  t.equal(result.missing, 'R3SN_NOT_FOUND', 'an error answer reads as ErrorBody')
})
