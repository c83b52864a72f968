import type { FastifyRequest } from 'fastify'
import type { Config } from '../config'

/**
 * The origin absolute links are built from (TileJSON tile URLs, OGC API links; docs/security.md
 * "Deployment"): PUBLIC_URL when set; behind trusted proxies (TRUST_PROXY hops) the host and protocol
 * they forward; otherwise the address the client connected to — never a Host header a client sent
 * directly, which could otherwise put another site into links a cache then serves to everybody.
 */
export function publicOrigin(request: FastifyRequest, config: Pick<Config, 'publicUrl' | 'trustProxy'>): string {
  if (config.publicUrl) return config.publicUrl
  if (config.trustProxy > 0) return `${request.protocol}://${request.host}`
  const socket = request.socket
  const address = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '')
  const host = address.includes(':') ? `[${address}]` : address
  return `${request.protocol}://${host}${socket.localPort ? `:${socket.localPort}` : ''}`
}
