import { Type, type Static } from '@sinclair/typebox'

const Stats = {
  runs: Type.Integer(),
  successes: Type.Integer(),
  failures: Type.Integer(),
  successRate: Type.Union([Type.Number(), Type.Null()]),
  p50DurationMs: Type.Union([Type.Number(), Type.Null()], { description: 'Over the last 50 runs.' }),
  failureClasses: Type.Record(Type.String(), Type.Integer(), { description: 'Error code -> failures.' }),
  diagnoses: Type.Record(Type.String(), Type.Integer(), { description: 'Self-debugging diagnosis class -> count.' }),
  recovered: Type.Integer({ description: 'Diagnoses whose remedy made the step succeed (at most one per step run: a remedy tried before it that failed is counted in outcomes as applied-failed).' }),
  recoveredRuns: Type.Integer({ description: 'Runs (step runs, for a tool) that succeeded after self-debugging applied a remedy.' }),
  repairRounds: Type.Integer({ description: 'LLM repair rounds spent: each proposal of corrected input or a patch, whether applied or rejected.' }),
  outcomes: Type.Record(Type.String(), Type.Integer(), { description: 'Self-debugging diagnosis outcome (recovered, applied-failed, rejected, not-applied) -> count.' }),
  tokens: Type.Integer({ description: 'LLM tokens spent (prompt + completion).' })
}

export const LearningResponse = Type.Object({
  success: Type.Literal(true),
  strategies: Type.Array(Type.Object({
    fingerprint: Type.String({ description: 'Normalised prompt + plan shape.' }),
    prompt: Type.String(),
    intent: Type.String(),
    planShape: Type.String({ description: 'type:action per step, in order.' }),
    ...Stats,
    promptTokens: Type.Integer(),
    completionTokens: Type.Integer(),
    reused: Type.Integer({ description: 'Runs that reused this plan without planning.' }),
    reusable: Type.Boolean({ description: 'Reliable enough to be reused now.' })
  })),
  tools: Type.Array(Type.Object({ tool: Type.String({ description: 'An integration action, <pluginId>.<action>, or agent:<id>.' }), ...Stats }))
}, { $id: 'LearningResponse', description: 'What the self-evolving engine learned.' })
export type LearningResponse = Static<typeof LearningResponse>
