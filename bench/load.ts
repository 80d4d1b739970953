/**
 * The load generator of bench:workflow, in its own process so that the service's CPU can be
 * told from the load's: autocannon with the options given as JSON in argv[2]; prints its result as JSON.
 */
import autocannon from 'autocannon'

const result = await autocannon(JSON.parse(process.argv[2] as string) as autocannon.Options)
process.stdout.write(JSON.stringify({ ok: result['2xx'], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, latency: result.latency }))
