import type { TSchema } from '@sinclair/typebox'
import { Value, ValueErrorType } from '@sinclair/typebox/value'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { StepProblem } from './steps.js'

/**
 * Checks a step input against its action's schema before any run, as far as the input is
 * known then: literal values are checked, "=expression" values (resolved at run time) are
 * not, and neither is anything whose verdict an expression could change (the object or
 * array holding it, a union around it). A required field that is absent, or a field the
 * schema does not allow, is wrong whatever the expressions give.
 */

/** One field of an input that cannot fit the schema: `path` is a JSON pointer into the input ("" for the whole input). */
export interface FieldProblem { path: string, message: string }

const escapeKey = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')

/** The input as the step would see it with no expression in it ("==" escapes resolved), and where its expressions are. */
export function staticInput (input: unknown): { value: unknown, dynamic: string[] } {
  const dynamic: string[] = []
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      if (value.startsWith('==')) return value.slice(1)
      if (value.startsWith('=')) dynamic.push(path)
      return value
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}/${i}`))
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${path}/${escapeKey(k)}`)]))
    }
    return value
  }
  // A step without input runs with {} (as the runtime does).
  return { value: walk(input ?? {}, ''), dynamic }
}

/** Whether an expression sits at `path` or inside it. */
function dependsOnExpressions (path: string, dynamic: string[]): boolean {
  return dynamic.some(d => d === path || d.startsWith(`${path}/`))
}

interface RawProblem extends FieldProblem {
  /** About a key's presence (required, or not allowed), which no expression value changes. */
  keyOnly: boolean
}

function known (raw: RawProblem[], dynamic: string[]): FieldProblem[] {
  const seen = new Set<string>()
  const out: FieldProblem[] = []
  for (const p of raw) {
    if (!p.keyOnly && dependsOnExpressions(p.path, dynamic)) continue
    const key = `${p.path}\n${p.message}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ path: p.path, message: p.message })
  }
  return out
}

const KEY_ONLY = new Set([ValueErrorType.ObjectRequiredProperty, ValueErrorType.ObjectAdditionalProperties])

/** Known problems of a step input against a TypeBox schema (integration actions, checked with TypeBox at run time too). */
export function typeboxInputProblems (schema: TSchema, input: unknown): FieldProblem[] {
  const { value, dynamic } = staticInput(input)
  if (Value.Check(schema, value)) return []
  // TypeBox reports a union as one error at its path (never its variants' errors), so every error stands alone.
  const errors = [...Value.Errors(schema, value)]
  // A missing property is also reported as a value of the wrong type: say only that it is missing.
  const missing = new Set(errors.filter(e => e.type === ValueErrorType.ObjectRequiredProperty).map(e => e.path))
  const raw = errors.filter(e => e.type === ValueErrorType.ObjectRequiredProperty || !missing.has(e.path))
    .map(e => ({ path: e.path, message: e.message, keyOnly: KEY_ONLY.has(e.type) }))
  return known(raw, dynamic)
}

// Same options as the plugin factory's run-time check of plugin inputs.
const ajv = new Ajv({ strict: false, allErrors: true })
const validators = new Map<string, ValidateFunction>()

function validator (schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema)
  let fn = validators.get(key)
  if (fn === undefined) {
    fn = ajv.compile(schema as object)
    if (validators.size > 2000) validators.clear()
    validators.set(key, fn)
  }
  return fn
}

/** Where an Ajv error's sub-errors live: an anyOf/oneOf's branches, an if's then/else. */
function branchesOf (e: ErrorObject): string | undefined {
  if (e.keyword === 'anyOf' || e.keyword === 'oneOf') return `${e.schemaPath}/`
  if (e.keyword === 'if') return `${e.schemaPath.replace(/\/if$/, '')}/${String((e.params as { failingKeyword?: string }).failingKeyword)}/`
  return undefined
}

/** Known problems of a step input against a JSON Schema (a plugin action's manifest input). */
export function jsonSchemaInputProblems (schema: unknown, input: unknown): FieldProblem[] {
  const { value, dynamic } = staticInput(input)
  let check: ValidateFunction
  try {
    check = validator(schema)
  } catch {
    return [] // (stored manifests compile; should one not, the run reports it)
  }
  if (check(value)) return []
  const errors = check.errors ?? []
  // A branch's own errors only explain why its anyOf/oneOf/if failed; the composite's verdict stands for them.
  const branches = errors.flatMap(e => { const b = branchesOf(e); return b === undefined ? [] : [b] })
  const raw: RawProblem[] = []
  for (const e of errors) {
    if (branches.some(b => e.schemaPath.startsWith(b))) continue
    const params = e.params as { missingProperty?: string, additionalProperty?: string }
    const key = e.keyword === 'required' ? params.missingProperty : e.keyword === 'additionalProperties' ? params.additionalProperty : undefined
    if (key !== undefined) {
      raw.push({ path: `${e.instancePath}/${escapeKey(key)}`, message: e.keyword === 'required' ? 'is required' : 'is not allowed (an unexpected property)', keyOnly: true })
    } else {
      raw.push({ path: e.instancePath, message: e.message ?? 'is invalid', keyOnly: false })
    }
  }
  return known(raw, dynamic)
}

/** A step's problem for these fields, worded as the run-time check words it ("invalid input for core.delay: /ms Expected required property"). */
export function inputProblem (what: string, fields: FieldProblem[]): StepProblem | undefined {
  if (fields.length === 0) return undefined
  return { message: `invalid input for ${what}: ${fields.slice(0, 5).map(p => `${p.path || '/'} ${p.message}`).join('; ')}`, fields }
}
