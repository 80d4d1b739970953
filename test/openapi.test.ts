import t from 'tap'
import { readFile } from 'node:fs/promises'
import SwaggerParser from '@apidevtools/swagger-parser'
import { parse } from 'yaml'
import { build } from './helper.js'
import { clientTypesPath, renderClientTypes, renderSpec, specPath } from '../scripts/openapi.js'

t.test('openapi.yaml and the generated client are up to date', async t => {
  const yaml = await renderSpec()
  const stale = 'is stale: run `npm run openapi` and commit the result'
  t.equal(await readFile(specPath, 'utf8'), yaml, `openapi.yaml ${stale}`)
  t.equal(await readFile(clientTypesPath, 'utf8'), await renderClientTypes(yaml), `test/client/schema.ts ${stale}`)
})

t.test('openapi.yaml is a valid OpenAPI 3.1 document with stable schema names', async t => {
  const doc = parse(await readFile(specPath, 'utf8'))
  await SwaggerParser.validate(structuredClone(doc))
  t.equal(doc.openapi, '3.1.0')
  t.ok(doc.components.schemas.ErrorBody, 'schemas are named by their $id')
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { operationId?: string, tags?: string[], summary?: string, responses: Record<string, unknown>, security?: unknown[] }>>)) {
    for (const [method, op] of Object.entries(item)) {
      t.ok(op.operationId && op.tags?.length && op.summary, `${method} ${path} has operationId, tags and summary`)
      t.ok(op.responses['500'], `${method} ${path} documents 500`)
      if (op.security === undefined) t.ok(op.responses['401'], `${method} ${path} needs a key and documents 401`)
    }
  }
})

t.test('the app serves the committed spec byte for byte, and Swagger UI, without a key', async t => {
  const { baseUrl } = await build(t)
  const yaml = await fetch(`${baseUrl}/openapi.yaml`)
  t.equal(yaml.status, 200)
  t.match(yaml.headers.get('content-type'), 'application/yaml')
  t.equal(await yaml.text(), await readFile(specPath, 'utf8'))
  const json = await fetch(`${baseUrl}/openapi.json`)
  t.same(await json.json(), parse(await readFile(specPath, 'utf8')))
  const docs = await fetch(`${baseUrl}/docs/`)
  t.equal(docs.status, 200)
  t.match(await docs.text(), /swagger-ui/i)
})
