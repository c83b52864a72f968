import type { FastifyRequest } from 'fastify'
import type { Config } from '../config'

/** A Host header naming this machine's loopback address: `localhost`, `127.0.0.1` or `[::1]`, with its port. */
const LOOPBACK_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?$/i

/**
 * The origin absolute links are built from (TileJSON tile URLs, OGC API links; docs/security.md
 * "Deployment"): PUBLIC_URL when set; behind trusted proxies (TRUST_PROXY hops) the host and protocol
 * they forward; otherwise the address the client connected to — never a Host header a client sent
 * directly, which could otherwise put another site into links a cache then serves to everybody. The
 * one name kept is a loopback one for a loopback connection on the same port: the page a browser
 * opened at http://localhost:3000 then loads its tiles from that origin, whose session cookie it
 * holds, not from 127.0.0.1 (another origin to the browser, so the staff map stayed blank).
 */
export function publicOrigin(request: FastifyRequest, config: Pick<Config, 'publicUrl' | 'trustProxy'>): string {
  if (config.publicUrl) return config.publicUrl
  if (config.trustProxy > 0) return `${request.protocol}://${request.host}`
  const socket = request.socket
  const address = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '')
  const named = LOOPBACK_HOST.exec(request.host ?? '')
  const namedPort = named ? Number(named[1] ?? (request.protocol === 'https' ? 443 : 80)) : null
  if (named && isLoopback(address) && namedPort === socket.localPort) return `${request.protocol}://${named[0].toLowerCase()}`
  const host = address.includes(':') ? `[${address}]` : address
  return `${request.protocol}://${host}${socket.localPort ? `:${socket.localPort}` : ''}`
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1'
}
