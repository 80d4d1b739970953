import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

// Imports point down only: lib <- plugins <- engines <- commands <- transports, routes. schemas/ is a leaf
// anyone may import (it imports only schemas/); so are config.ts and package.json at the root.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Each folder's layer; a file may import its own layer or a lower one. */
const LAYERS = new Map<string, number>([
  ['schemas', 0], ['config.ts', 0], ['package.json', 0],
  ['lib', 1],
  ['plugins', 2],
  ['engines', 3],
  ['commands', 4],
  ['transports', 5], ['routes', 5]
])
/** Nothing in the layers may import these (the root plugin, the entry point, scripts, tests...). */
const ABOVE_ALL = 99
const CHECKED = ['schemas', 'lib', 'plugins', 'engines', 'commands', 'transports', 'routes']

function layerOf (path: string): { name: string, rank: number } {
  const name = (relative(root, path).split(sep)[0] ?? '').replace(/\.js$/, '.ts') // a root file, named as imported
  return { name, rank: LAYERS.get(name) ?? ABOVE_ALL }
}

/** Every module a source names: static imports and re-exports (type-only too), dynamic imports, `declare module` augmentations. */
export function importsOf (source: string): { specifier: string, line: number }[] {
  const info = ts.preProcessFile(source, true, true)
  const lineOf = (pos: number) => source.slice(0, pos).split('\n').length
  return [
    ...info.importedFiles.map(f => ({ specifier: f.fileName, line: lineOf(f.pos) })),
    ...(info.ambientExternalModules ?? []).map(name => ({ specifier: name, line: lineOf(source.indexOf(name)) }))
  ]
}

/** What in `source` (the text of `file`) points up a layer, as "file:line imports 'x' (layer a -> layer b)". */
export function upwardImports (file: string, source: string): string[] {
  const from = layerOf(file)
  const out: string[] = []
  for (const { specifier, line } of importsOf(source)) {
    if (!specifier.startsWith('.')) continue // packages and node: builtins
    const to = layerOf(resolve(dirname(file), specifier))
    const up = from.name === 'schemas' ? to.name !== 'schemas' && to.rank !== 0 : to.rank > from.rank
    if (up) out.push(`${relative(root, file)}:${line} imports '${specifier}' (${from.name} may not import ${to.name})`)
  }
  return out
}

function tsFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return tsFiles(path)
    return e.name.endsWith('.ts') ? [path] : []
  })
}

t.test('no file in lib, plugins, engines, commands, transports, routes or schemas imports a higher layer', async t => {
  const files = CHECKED.flatMap(dir => tsFiles(join(root, dir)))
  t.ok(files.length > 50, `${files.length} files read`)
  const found = files.flatMap(file => upwardImports(file, readFileSync(file, 'utf8')))
  t.same(found, [], found.length === 0 ? 'imports point down only' : `imports that point up:\n${found.join('\n')}`)
})

t.test('the check finds what points up, however it is written', async t => {
  const at = (path: string) => join(root, path)
  t.match(upwardImports(at('lib/x.ts'), "import type { ExecutionDoc } from '../engines/runtime/store.js'"),
    [/^lib\/x\.ts:1 imports '\.\.\/engines\/runtime\/store\.js' \(lib may not import engines\)$/])
  t.equal(upwardImports(at('plugins/x.ts'), "import a from 'fastify'\nimport {\n  b,\n  c\n} from '../routes/y.js'").length, 1, 'a multi-line import')
  t.match(upwardImports(at('plugins/x.ts'), "import a from 'fastify'\nimport {\n  b\n} from '../routes/y.js'"), [/^plugins\/x\.ts:4 imports/], 'named by the line of its module name')
  t.equal(upwardImports(at('engines/x.ts'), "export { y } from '../transports/realtime.js'").length, 1, 'a re-export')
  t.equal(upwardImports(at('engines/x.ts'), "const m = await import('../routes/plugins.js')").length, 1, 'a dynamic import')
  t.equal(upwardImports(at('lib/x.ts'), "declare module '../plugins/mongo.js' {\n  interface X { y: 1 }\n}").length, 1, 'a module augmentation')
  t.equal(upwardImports(at('routes/x.ts'), "import '../app.js'").length, 1, 'the root plugin is above every layer')
  t.equal(upwardImports(at('schemas/x.ts'), "import { z } from '../lib/errors.js'").length, 1, 'schemas import only schemas')
  t.same(upwardImports(at('engines/x.ts'), [
    "import { a } from '../lib/errors.js'", "import type { B } from '../plugins/llm.js'", "import { C } from './runtime/steps.js'",
    "import type { Config } from '../config.js'", "import { D } from '../schemas/plugins.js'", "import fp from 'fastify-plugin'",
    '// import { E } from "../routes/plugins.js" (a comment)'
  ].join('\n')), [], 'down, sideways, leaves, packages and comments pass')
  t.same(upwardImports(at('routes/x.ts'), "import { a } from '../transports/realtime.js'"), [], 'routes and transports share the top layer')
  t.same(upwardImports(at('transports/x.ts'), "import { commands } from '../commands/table.js'"), [], 'transports and routes call the commands')
  t.match(upwardImports(at('commands/x.ts'), "import { replyWithRun } from '../routes/run-result.js'"), [/\(commands may not import routes\)$/], 'the commands serve every transport and know none of them')
})
