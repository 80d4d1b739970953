import { lookup } from 'node:dns/promises'
import dns from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import { Agent } from 'undici'
import { StepError } from './step-error.js'

// Egress checks shared by http.request and its kin (engines/integrations/) and the sandbox's
// ctx.fetch (plugins/sandbox/host-fetch.ts): one policy for every request a run makes.

/** A stored credential's secret fields, decrypted for one action run; never logged, stored or returned. */
export type CredentialData = Record<string, string>

/** Loopback, private, link-local, CGNAT, unspecified and multicast ranges (IPv4 and IPv6). */
export function isPrivateAddress (ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip
  if (isIP(v4) === 4) {
    const [a = 0, b = 0] = v4.split('.').map(Number)
    return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
  }
  const v6 = ip.toLowerCase()
  return v6 === '::' || v6 === '::1' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe8') || v6.startsWith('fe9') ||
    v6.startsWith('fea') || v6.startsWith('feb') || v6.startsWith('ff')
}

/**
 * Egress policy: a host listed in R3SN_HTTP_ALLOWED_HOSTS (host or host:port) may be
 * reached whatever its address; with "*" any other host may be reached unless it
 * resolves to a private, loopback or link-local address.
 */
export async function checkEgress (url: URL, allowed: string[]): Promise<void> {
  await egressAddress(url, allowed)
}

/**
 * The egress check, answering the address to connect to (the host's first address), for
 * clients that connect by address themselves (SMTP): what was checked is what is used.
 */
export async function egressAddress (url: URL, allowed: string[]): Promise<string> {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  const listed = allowed.includes(host) || allowed.includes(`${host}:${port}`)
  if (!listed && !allowed.includes('*')) throw new StepError(`host ${host} is not in R3SN_HTTP_ALLOWED_HOSTS`, 'R3SN_EGRESS_DENIED', false)
  const addresses = isIP(host) !== 0 ? [host] : (await lookup(host, { all: true }).catch(() => { throw new StepError(`cannot resolve ${host}`, 'R3SN_DNS_FAILED') })).map(a => a.address)
  if (!listed && addresses.some(isPrivateAddress)) {
    throw new StepError(`host ${host} resolves to a private or loopback address; list it in R3SN_HTTP_ALLOWED_HOSTS to allow it`, 'R3SN_EGRESS_DENIED', false)
  }
  return addresses[0] as string
}

const dispatchers = new Map<string, Agent>()

/**
 * The connection pool every outbound request uses: it checks the address it really connects
 * to, so a host that passed checkEgress cannot be re-pointed at a private address between
 * the check and the connection (DNS rebinding). Allowlisted hosts connect wherever they resolve.
 */
export function egressDispatcher (allowed: string[]): Agent {
  const key = allowed.join(',')
  let agent = dispatchers.get(key)
  if (agent === undefined) {
    const hosts = new Set(allowed.map(entry => entry.replace(/:\d+$/, '')))
    const guarded: LookupFunction = (hostname, options, callback) => {
      dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err !== null) { callback(err, '', 0); return }
        const list = addresses as dns.LookupAddress[]
        if (!hosts.has(hostname.toLowerCase()) && list.some(a => isPrivateAddress(a.address))) {
          callback(new StepError(`host ${hostname} resolves to a private or loopback address; list it in R3SN_HTTP_ALLOWED_HOSTS to allow it`, 'R3SN_EGRESS_DENIED', false), '', 0)
          return
        }
        if (options.all === true) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list)
        else callback(null, (list[0] as dns.LookupAddress).address, (list[0] as dns.LookupAddress).family)
      })
    }
    agent = new Agent({ connect: { lookup: guarded } })
    dispatchers.set(key, agent)
  }
  return agent
}

export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/** Sets a header, replacing any spelling of it already there (fetch would join duplicates with a comma). */
export function setHeader (headers: Record<string, string>, name: string, value: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key]
  headers[name] = value
}

/** The headers an http credential adds. A token wins over username/password if a credential holds both. */
/**
 * The headers an http credential adds: token -> Bearer, username+password -> Basic,
 * headerName+headerValue -> that header. `who` names the caller in messages (http.request, ctx.fetch).
 */
export function credentialHeaders (cred: CredentialData, who = 'http.request'): Record<string, string> {
  const out: Record<string, string> = {}
  const { token, username, password, headerName, headerValue } = cred
  if (username !== undefined && username !== '' && password !== undefined) {
    if (username.includes(':')) throw new StepError(`${who}: a Basic auth username cannot contain ":"`, 'R3SN_BAD_CREDENTIAL', false)
    out.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  }
  if (token !== undefined && token !== '') out.authorization = `Bearer ${token}`
  if (headerName !== undefined && headerName !== '' && headerValue !== undefined) {
    if (!HEADER_NAME.test(headerName)) throw new StepError(`${who}: the credential's headerName is not a valid header name`, 'R3SN_BAD_CREDENTIAL', false)
    Object.defineProperty(out, headerName, { value: headerValue, enumerable: true, writable: true, configurable: true }) // "__proto__" too is a header name
  }
  if (Object.keys(out).length === 0) {
    throw new StepError(`${who}: the credential needs token, or username and password, or headerName and headerValue`, 'R3SN_BAD_CREDENTIAL', false)
  }
  // Checked here, not by fetch: fetch's TypeError would pass for a retryable network error. The value itself stays out of the message.
  if (!Object.values(out).every(v => HEADER_VALUE.test(v))) {
    throw new StepError(`${who}: the credential holds characters a header cannot carry (line breaks or control characters)`, 'R3SN_BAD_CREDENTIAL', false)
  }
  return out
}
