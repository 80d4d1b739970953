import Fastify from 'fastify'
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'
import { routes } from '../app.js'
import openapi from '../plugins/openapi.js'

const root = resolve(fileURLToPath(import.meta.url), '../..')
export const specPath = resolve(root, 'openapi.yaml')
export const clientTypesPath = resolve(root, 'test/client/schema.ts')

/** The spec as the app serves it: a bare app with only the openapi plugin and the routes, no database. */
export async function renderSpec (): Promise<string> {
  const app = Fastify()
  await app.register(openapi)
  await app.register(routes)
  await app.ready()
  const yaml = app.swagger({ yaml: true })
  await app.close()
  return yaml
}

/** TypeScript types for openapi-fetch, generated from the spec. */
export async function renderClientTypes (yaml: string): Promise<string> {
  const header = '// Generated from openapi.yaml by `npm run openapi`. Do not edit.\n\n'
  return header + astToString(await openapiTS(yaml))
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const yaml = await renderSpec()
  await writeFile(specPath, yaml)
  await writeFile(clientTypesPath, await renderClientTypes(yaml))
  console.log(`wrote ${specPath} and ${clientTypesPath}`)
}
