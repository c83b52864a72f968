import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { typed } from '../../http/schemas'

/** Where the page fetches the PMTiles file; the name is fixed whatever the file is called on disk. */
export const BASEMAP_PMTILES_URL = '/basemap/region.pmtiles'

/** `GET /basemap/config.json`. */
const basemapConfigResponse = {
  type: 'object',
  properties: { pmtiles: { type: ['string', 'null'], description: 'path of the PMTiles file on this service; null: the division basemap alone' } },
  required: ['pmtiles'],
} as const

/**
 * The optional street basemap (BASEMAP_PMTILES, README "Basemap"): the PMTiles file itself, served
 * byte-range by byte-range, and whether there is one. The file is served as it is (the browser's
 * `pmtiles` reader asks for the header, directories and tiles by HTTP Range) rather than decoded
 * here into z/x/y tiles: no tile cache or decompression in the service, the file is read-only
 * and one static file streams from the disk with ETag and Last-Modified like the web app, and a
 * CDN or proxy in front can cache it unchanged. Public: the public portal draws it too.
 */
export default async function basemapRoutes(fastify: FastifyInstance, options: { file: string | null }): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/config.json',
    {
      schema: {
        description: 'Whether the service has a street basemap (BASEMAP_PMTILES) and where the page reads it',
        tags: ['basemap'],
        response: { 200: basemapConfigResponse },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-cache')
      return { pmtiles: options.file ? BASEMAP_PMTILES_URL : null }
    },
  )

  const file = options.file
  if (!file) return
  // @fastify/static (send) answers Range with 206 and Content-Range, HEAD, If-None-Match/If-Range
  // with the file's ETag; only this one file of its folder is reachable (serve: false).
  await app.register(fastifyStatic, {
    root: path.dirname(file),
    serve: false,
    acceptRanges: true,
    etag: true,
    lastModified: true,
    cacheControl: true,
    maxAge: 3_600_000,
  })
  app.get(BASEMAP_PMTILES_URL.slice('/basemap'.length), { schema: { hide: true } }, async (_request, reply) => {
    return reply.sendFile(path.basename(file))
  })
}
