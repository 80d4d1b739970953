import { Type } from '@sinclair/typebox'
import { defineAction } from './types.js'

export const delay = defineAction({
  name: 'core.delay',
  description: 'Waits, then passes on. Cancellation interrupts the wait.',
  input: Type.Object({ ms: Type.Integer({ minimum: 0, maximum: 3_600_000 }) }, { additionalProperties: false }),
  run: ({ ms }, { signal }) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve({ delayedMs: ms }), ms)
    signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason) }, { once: true })
  })
})

export const log = defineAction({
  name: 'core.log',
  description: 'Writes a message to the service log and returns it.',
  input: Type.Object({
    message: Type.String({ maxLength: 10_000 }),
    level: Type.Optional(Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')])),
    data: Type.Optional(Type.Unknown())
  }, { additionalProperties: false }),
  run: async ({ message, level, data }, ctx) => {
    ctx.log[level ?? 'info']({ executionId: ctx.executionId, data }, message)
    return { logged: true, message }
  }
})
