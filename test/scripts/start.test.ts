import t, { type Test } from 'tap'
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildInputs, buildNeeded, STAMP } from '../../scripts/start.js'

/** A project shaped like this one: what the build reads, and a dist/ built from it. */
function project (t: Test) {
  const dir = t.testdir({
    'tsconfig.json': '{}',
    'tsconfig.build.json': JSON.stringify({ include: ['*.ts', 'lib', 'absent'] }),
    'package.json': '{"name":"x"}',
    'server.ts': 'export {}',
    'README.md': 'not a source',
    lib: { 'a.ts': 'export const a = 1', 'types.d.ts': '', deep: { 'b.ts': 'export const b = 2', 'data.json': '{}' }, node_modules: { 'c.ts': '' } },
    test: { 'x.test.ts': 'not built' }
  })
  const built = () => {
    const { hash } = buildNeeded(dir)
    mkdirSync(join(dir, 'dist'), { recursive: true })
    writeFileSync(join(dir, 'dist/server.js'), '')
    writeFileSync(join(dir, STAMP), `${hash}\n`)
  }
  return { dir, built }
}

t.test('the inputs are the build\'s: tsconfig.build.json\'s folders and the files the build reads, nothing else', async t => {
  const { dir } = project(t)
  t.same(buildInputs(dir), ['lib/a.ts', 'lib/deep/b.ts', 'lib/deep/data.json', 'package.json', 'server.ts', 'tsconfig.build.json', 'tsconfig.json'])
})

t.test('a fresh clone builds; a current build starts at once; any change to a source builds again', async t => {
  const { dir, built } = project(t)
  t.match(buildNeeded(dir), { needed: true, why: 'no build yet' })
  built()
  t.match(buildNeeded(dir), { needed: false })

  // A git pull that changes a file.
  writeFileSync(join(dir, 'lib/deep/b.ts'), 'export const b = 3')
  t.match(buildNeeded(dir), { needed: true, why: /changed/ })
  built()
  t.match(buildNeeded(dir), { needed: false })

  // Mtimes do not count: an old mtime on a changed file still builds, a touched file that did not change does not.
  writeFileSync(join(dir, 'lib/a.ts'), 'export const a = 2')
  utimesSync(join(dir, 'lib/a.ts'), new Date(0), new Date(0))
  t.match(buildNeeded(dir), { needed: true })
  built()
  utimesSync(join(dir, 'server.ts'), new Date(), new Date())
  t.match(buildNeeded(dir), { needed: false })

  // A new file, a removed one, a changed tsconfig.
  writeFileSync(join(dir, 'lib/new.ts'), '')
  t.match(buildNeeded(dir), { needed: true })
  built()
  rmSync(join(dir, 'lib/new.ts'))
  t.match(buildNeeded(dir), { needed: true })
  built()
  writeFileSync(join(dir, 'tsconfig.json'), '{"compilerOptions":{}}')
  t.match(buildNeeded(dir), { needed: true })
  built()

  // Files outside the build change nothing.
  writeFileSync(join(dir, 'README.md'), 'edited')
  writeFileSync(join(dir, 'test/x.test.ts'), 'edited')
  t.match(buildNeeded(dir), { needed: false })
})

t.test('a build that failed (no stamp written) or a dist/ without the server builds again', async t => {
  const { dir, built } = project(t)
  built()
  rmSync(join(dir, STAMP))
  t.match(buildNeeded(dir), { needed: true })
  built()
  rmSync(join(dir, 'dist/server.js'))
  t.match(buildNeeded(dir), { needed: true, why: 'no build yet' })
})
