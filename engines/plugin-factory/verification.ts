import { isDeepStrictEqual } from 'node:util'
import { Ajv, type ValidateFunction } from 'ajv'
import { DEFAULT_LIMITS, SandboxError, type Sandbox, type SandboxLimits } from '../../plugins/sandbox.js'
import { selfTestBudgetProblem, type PluginManifest, type PluginTest } from '../../schemas/plugins.js'
import { evaluate } from '../runtime/expressions.js'
import type { PluginSourceParts } from './storage.js'

export interface Verification { passed: number, failures: string[] }

/** A sandbox failure that says nothing about the plugin: the pool was full, or the check was cancelled. */
function notAVerdict (err: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (err instanceof SandboxError && err.code === 'R3SN_SANDBOX_BUSY')
}

export function limitsOf (manifest: PluginManifest): SandboxLimits {
  return { ...DEFAULT_LIMITS, ...manifest.limits }
}

/**
 * What a plugin must pass before it is stored: its self-test budget, a manifest whose schemas
 * compile and whose every action is exported by the code and tested, and every self-test run
 * in the sandbox. Also checks values against an action's schemas (validators kept per schema text).
 */
export class Verifier {
  private readonly ajv = new Ajv({ strict: false, allErrors: true })
  private readonly validators = new Map<string, ValidateFunction>()

  constructor (private readonly sandbox: Sandbox) {}

  /** A compiled JSON Schema validator, kept per schema text (versions never change). */
  private validator (schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema)
    let fn = this.validators.get(key)
    if (fn === undefined) {
      fn = this.ajv.compile(schema as object)
      if (this.validators.size > 2000) this.validators.clear()
      this.validators.set(key, fn)
    }
    return fn
  }

  /** The problems of a value against a JSON Schema, or undefined. */
  schemaProblems (schema: unknown, value: unknown): string | undefined {
    const check = this.validator(schema)
    if (check(value)) return undefined
    return (check.errors ?? []).slice(0, 5).map(e => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join('; ')
  }

  /**
   * Compiles the code and runs every self-test in the sandbox; lists every failure. A full
   * sandbox queue or a cancellation (signal) is thrown, not counted as a failed check.
   */
  async verify (source: PluginSourceParts, signal?: AbortSignal): Promise<Verification> {
    const failures: string[] = []
    const { manifest, tests, code } = source
    const budget = selfTestBudgetProblem(tests.length, limitsOf(manifest).cpuMs)
    if (budget !== undefined) failures.push(`tests: ${budget}`)
    const names = manifest.actions.map(a => a.name)
    if (new Set(names).size !== names.length) failures.push('manifest: action names must be unique')
    for (const action of manifest.actions) {
      for (const part of ['input', 'output'] as const) {
        try { this.validator(action[part]) } catch (err) { failures.push(`manifest: ${action.name}.${part} is not a valid JSON Schema: ${(err as Error).message}`) }
      }
      if (!tests.some(t => t.action === action.name)) failures.push(`tests: action ${action.name} has no test`)
    }
    let exported: string[] = []
    try {
      exported = await this.sandbox.exportsOf(code)
    } catch (err) {
      if (notAVerdict(err, signal)) throw err
      failures.push(`code: ${(err as Error).message}`)
      return { passed: 0, failures }
    }
    for (const name of names) if (!exported.includes(name)) failures.push(`code: action ${name} is not exported as a function (exports: ${exported.join(', ') || 'none'})`)
    if (failures.length > 0) return { passed: 0, failures }

    let passed = 0
    for (const [i, test] of tests.entries()) {
      const label = `test ${i + 1}${test.name === undefined ? '' : ` (${test.name})`} of ${test.action}`
      const problem = await this.runTest(source, test, signal)
      if (problem === undefined) passed++
      else failures.push(`${label}: ${problem}`)
    }
    return { passed, failures }
  }

  private async runTest (source: PluginSourceParts, test: PluginTest, signal: AbortSignal | undefined): Promise<string | undefined> {
    const action = source.manifest.actions.find(a => a.name === test.action)
    if (action === undefined) return `no action ${test.action} in the manifest`
    const inputProblem = this.schemaProblems(action.input, test.input)
    if (inputProblem !== undefined) return `the input does not match the input schema: ${inputProblem}`
    let output: unknown
    try {
      output = (await this.sandbox.run({ code: source.code, action: test.action, input: test.input, limits: limitsOf(source.manifest), egress: source.manifest.egress, signal })).output
    } catch (err) {
      if (notAVerdict(err, signal)) throw err
      const message = (err as Error).message
      if (test.expectError !== undefined && message.includes(test.expectError)) return undefined
      return `failed: ${message}`
    }
    if (test.expectError !== undefined) return `expected an error containing "${test.expectError}", got ${JSON.stringify(output)?.slice(0, 300)}`
    const outputProblem = this.schemaProblems(action.output, output)
    if (outputProblem !== undefined) return `the result does not match the output schema: ${outputProblem} (got ${JSON.stringify(output)?.slice(0, 300)})`
    if (test.expect !== undefined && !isDeepStrictEqual(output, test.expect)) return `expected ${JSON.stringify(test.expect)?.slice(0, 300)}, got ${JSON.stringify(output)?.slice(0, 300)}`
    if (test.assert !== undefined) {
      let verdict: unknown
      try { verdict = await evaluate(test.assert, { input: test.input, output }) } catch (err) { return `assert "${test.assert}" failed to evaluate: ${(err as Error).message}` }
      if (verdict !== true) return `assert "${test.assert}" is not true for ${JSON.stringify(output)?.slice(0, 300)}`
    }
    return undefined
  }
}
