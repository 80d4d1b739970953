import t from 'tap'
import { readFile } from 'node:fs/promises'
import { ConfigError, loadConfig } from '../config.js'
import { renderConfigTable } from '../scripts/config-table.js'

t.test('defaults apply when the environment is empty', async t => {
  t.match(loadConfig({}), {
    host: '127.0.0.1', port: 3000, mongodbUri: undefined, mongoDb: 'r3sn', dbTimeoutMs: 5000,
    dataDir: './data', adminKey: undefined, logLevel: 'info', concurrency: 32, leaseMs: 3000, httpAllowedHosts: ['*']
  })
  t.same(loadConfig({ R3SN_HTTP_ALLOWED_HOSTS: ' API.example.com, 127.0.0.1:8080 ,' }).httpAllowedHosts, ['api.example.com', '127.0.0.1:8080'])
  t.match(loadConfig({ PORT: '8080', MONGODB_URI: 'mongodb://h/' }), { port: 8080, mongodbUri: 'mongodb://h/' })
})

t.test('every bad variable is named in one error', async t => {
  const err = (() => { try { loadConfig({ PORT: '99999', R3SN_DB_NAME: 'a b', R3SN_DB_TIMEOUT_MS: 'soon' }) } catch (e) { return e } })()
  t.type(err, ConfigError)
  const problems = (err as ConfigError).problems
  t.equal(problems.length, 3)
  t.match(problems, [/^PORT="99999"/, /^R3SN_DB_NAME="a b"/, /^R3SN_DB_TIMEOUT_MS="soon"/])
})

t.test('the README configuration table matches config.ts', async t => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
  const table = /<!-- config-table -->\n([\s\S]*?)\n<!-- \/config-table -->/.exec(readme)?.[1]
  t.equal(table, renderConfigTable(), 'README.md is stale: paste the output of `npx tsx scripts/config-table.ts` between the config-table markers')
})
