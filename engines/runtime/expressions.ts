import jsonata, { type Expression } from 'jsonata'

// Compiled JSONata expressions, shared by every run (compiling costs more than evaluating).
const cache = new Map<string, Expression>()
const CACHE_LIMIT = 5000

export function compile (source: string): Expression {
  let expr = cache.get(source)
  if (expr === undefined) {
    expr = jsonata(source)
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
    cache.set(source, expr)
  }
  return expr
}

/** The error of an expression that does not compile, or undefined. */
export function compileError (source: string): string | undefined {
  try {
    compile(source)
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

/**
 * A copy of the result, never a part of the scope: `steps` alone would hand back the runner's
 * own outputs, which it goes on changing (and which would then hold themselves).
 */
export async function evaluate (source: string, scope: unknown): Promise<unknown> {
  const result: unknown = await compile(source).evaluate(scope)
  if (result === null || typeof result !== 'object') return result
  const text = JSON.stringify(result)
  return text === undefined ? undefined : JSON.parse(text)
}

/** Visits every "=expression" string inside a step input. "==" escapes a literal "=". */
export function expressionsIn (value: unknown, visit: (source: string) => void): void {
  if (typeof value === 'string') {
    if (value.startsWith('=') && !value.startsWith('==')) visit(value.slice(1))
  } else if (Array.isArray(value)) {
    for (const v of value) expressionsIn(v, visit)
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) expressionsIn(v, visit)
  }
}

/** Resolves a step input: "=expr" strings are evaluated over the scope, the rest is kept as is. */
export async function resolveInput (value: unknown, scope: unknown): Promise<unknown> {
  if (typeof value === 'string') {
    if (value.startsWith('==')) return value.slice(1)
    return value.startsWith('=') ? evaluate(value.slice(1), scope) : value
  }
  if (Array.isArray(value)) return Promise.all(value.map(v => resolveInput(v, scope)))
  if (value !== null && typeof value === 'object') {
    // fromEntries: a "__proto__" key (from JSON.parse) stays a key, never the prototype.
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveInput(v, scope)] as const))
    return Object.fromEntries(entries)
  }
  return value
}

/** Marks data as literal: strings that start with "=" get the "==" escape, so no expression runs (for LLM and user data put into step inputs). */
export function literal (value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith('=') ? `=${value}` : value
  if (Array.isArray(value)) return value.map(literal)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)]))
  return value
}
