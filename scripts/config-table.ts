import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EnvSchema } from '../config.js'

/** The README's configuration table, rendered from the env schema in config.ts. */
export function renderConfigTable (): string {
  const rows = Object.entries(EnvSchema.properties).map(([name, schema]) => {
    const s = schema as { default?: unknown, description?: string, anyOf?: { const: string }[] }
    const values = s.anyOf === undefined ? '' : ` One of ${s.anyOf.map(v => `\`${v.const}\``).join(', ')}.`
    const def = s.default === undefined ? '(unset)' : `\`${String(s.default)}\``
    return `| \`${name}\` | ${def} | ${s.description ?? ''}${values} |`
  })
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n')
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(renderConfigTable())
}
