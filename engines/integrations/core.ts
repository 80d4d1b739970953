import { Type } from '@sinclair/typebox'
import { StepError } from '../runtime/steps.js'
import { defineAction } from './types.js'

export const delay = defineAction({
  name: 'core.delay',
  description: 'Waits, then passes on. Cancellation interrupts the wait.',
  input: Type.Object({ ms: Type.Integer({ minimum: 0, maximum: 3_600_000 }) }, { additionalProperties: false }),
  output: Type.Object({ delayedMs: Type.Integer({ minimum: 0 }) }),
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
  output: Type.Object({ logged: Type.Literal(true), message: Type.String() }),
  run: async ({ message, level, data }, ctx) => {
    // The step's logger already names the execution, the step and the attempt.
    ctx.log[level ?? 'info']({ data }, message)
    return { logged: true as const, message }
  }
})

/** The wall-clock time of `date` in `timeZone` as ISO 8601 with that zone's offset, e.g. 2024-03-31T04:00:00.000+02:00. */
function localIso (date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    timeZoneName: 'longOffset'
  }).formatToParts(date)
  const p = Object.fromEntries(parts.map(x => [x.type, x.value]))
  // longOffset reads "GMT+09:00", or plain "GMT" for a zero offset.
  const offset = (p.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00'
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${p.fractionalSecond}${offset}`
}

export const time = defineAction({
  name: 'core.time',
  description: 'The current time: UTC ISO 8601, epoch milliseconds, and the wall-clock time in an IANA time zone (default UTC) with its offset.',
  input: Type.Object({
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Paris (default UTC).' }))
  }, { additionalProperties: false }),
  output: Type.Object({
    iso: Type.String({ description: 'UTC, ISO 8601.' }),
    epochMs: Type.Integer(),
    timezone: Type.String({ description: 'The canonical zone name.' }),
    local: Type.String({ description: 'Wall-clock time in the zone, ISO 8601 with its UTC offset.' })
  }),
  run: async ({ timezone }) => {
    let zone: string
    try {
      // Intl knows the IANA database; it also canonicalises the name (europe/paris -> Europe/Paris).
      zone = new Intl.DateTimeFormat('en-US', { timeZone: timezone ?? 'UTC' }).resolvedOptions().timeZone
    } catch {
      throw new StepError(`core.time: unknown time zone "${timezone}" (use an IANA name such as Europe/Paris)`, 'R3SN_BAD_INPUT', false)
    }
    const now = new Date()
    return { iso: now.toISOString(), epochMs: now.getTime(), timezone: zone, local: localIso(now, zone) }
  }
})
