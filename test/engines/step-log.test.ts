import t from 'tap'
import { build, runWorkflow } from '../helper.js'

t.test('a step logs through a logger bound to its execution, step and attempt', async t => {
  const { client, logs } = await build(t)
  const { answer, execution } = await runWorkflow(client, {
    name: 'logs',
    steps: [
      { id: 'first', type: 'transform', expression: '1' },
      { id: 'say', type: 'integration', action: 'core.log', input: { message: 'hello from a step', level: 'warn', data: { n: '=steps.first.output' } } }
    ]
  })
  t.equal(answer.status, 'completed')
  const line = logs.map(l => JSON.parse(l) as Record<string, unknown>).find(l => l.msg === 'hello from a step')
  t.match(line, { level: 40, executionId: execution.executionId, stepId: 'say', attempt: 1, data: { n: 1 }, engine: 'orchestrator' })
})
