/**
 * The tile HTTP handlers (docs/architecture.md §9): `/{layer}/{z}/{x}/{y}.mvt` and TileJSON `/{layer}.json`.
 * They validate, ask the TileService, and set the caching headers; nothing here knows SQL.
 */
import type { FastifyInstance } from 'fastify'
import { AppError } from '../../errors'
import { bytesReply, errorResponses, typed } from '../../http/schemas'
import { publicOrigin } from '../../http/origin'
import { readScope, type Access } from '../auth/access'
import { TILE_LAYERS, type TileLayer } from './layers'
import { tileScopeKey, type TileService } from './service'
import { checkTile, MAX_ZOOM } from './tile'

/** Media type of a Mapbox Vector Tile. */
export const MVT_MEDIA_TYPE = 'application/vnd.mapbox-vector-tile'

/** Browser and CDN lifetime of a tile URL without the current `?v=`, seconds. */
const SHORT_MAX_AGE_S = 60
/** Lifetime of a versioned tile URL (`?v=` the current token), seconds: its bytes never change. */
const IMMUTABLE_MAX_AGE_S = 31_536_000

function unknownLayer(id: string, layers: Readonly<Record<string, TileLayer>>): AppError {
  const known = Object.keys(layers)
  return new AppError(404, 'not_found', `No tile layer "${id}"; the layers are ${known.join(', ')}`, [
    { field: 'layer', message: `unknown layer; one of ${known.join(', ')}`, layers: known },
  ])
}

/** The layer with this id in a registry, never a prototype property such as `constructor`. */
function layerOf(id: string, layers: Readonly<Record<string, TileLayer>>): TileLayer {
  const layer = Object.hasOwn(layers, id) ? layers[id] : undefined
  if (!layer) throw unknownLayer(id, layers)
  return layer
}

/** True when an Accept-Encoding header admits gzip (a q-value of 0 refuses it; `*` stands for it). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (!header) return false
  let star: boolean | null = null
  for (const part of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const ok = q === undefined || Number(q.slice(2)) > 0
    if (coding.trim() === 'gzip' || coding.trim() === 'x-gzip') return ok
    if (coding.trim() === '*') star = ok
  }
  return star ?? false
}

/** True when If-None-Match lists this entity tag (weak comparison, RFC 9110 §13.1.2) or is `*`. */
function matches(ifNoneMatch: string | undefined, etags: string[]): boolean {
  if (!ifNoneMatch) return false
  const tags = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''))
  return tags.includes('*') || tags.some((t) => etags.includes(t))
}

const tileParams = (layers: Readonly<Record<string, TileLayer>>) =>
  ({
    type: 'object',
    properties: {
      layer: { type: 'string', maxLength: 64, description: `tile layer: ${Object.keys(layers).join(', ')}` },
      z: { type: 'integer', minimum: 0, maximum: MAX_ZOOM, description: 'zoom' },
      x: { type: 'integer', minimum: 0, description: 'column, 0..2^z − 1' },
      y: { type: 'integer', minimum: 0, description: 'row from the north, 0..2^z − 1' },
    },
    required: ['layer', 'z', 'x', 'y'],
  }) as const

const layerParams = { type: 'object', properties: { layer: { type: 'string', maxLength: 64 } }, required: ['layer'] } as const

const versionQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { v: { type: 'string', maxLength: 40, description: 'data version from TileJSON; a current one makes the response immutable' } },
} as const

const tileJsonSchema = {
  type: 'object',
  properties: {
    tilejson: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    version: { type: 'string' },
    scheme: { type: 'string' },
    tiles: { type: 'array', items: { type: 'string' } },
    minzoom: { type: 'integer' },
    maxzoom: { type: 'integer' },
    bounds: { type: 'array', items: { type: 'number' } },
    center: { type: 'array', items: { type: 'number' } },
    attribution: { type: 'string' },
    vector_layers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          description: { type: 'string' },
          minzoom: { type: 'integer' },
          maxzoom: { type: 'integer' },
          fields: {
            type: 'object',
            additionalProperties: { type: 'string', enum: ['Number', 'String', 'Boolean'] },
            description: 'field name → type name (Number, String, Boolean), as GDAL and QGIS read them',
          },
        },
      },
    },
  },
} as const

/** The tileset metadata (MBTiles metadata.json): every value a string, as GDAL reads them. */
const tilesetMetadataSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    format: { type: 'string' },
    type: { type: 'string' },
    attribution: { type: 'string' },
    minzoom: { type: 'string' },
    maxzoom: { type: 'string' },
    bounds: { type: 'string' },
    center: { type: 'string' },
    json: { type: 'string', description: '{"vector_layers": […]} as text' },
  },
} as const

/** Credit shown by map clients under the layer. */
export const TILE_ATTRIBUTION = 'riskmap; demo data synthetic (示例)'

/** A source layer's description with what each of its fields means (TileJSON `fields` holds type names only). */
function describeFields(source: TileLayer['sources'][number]): string {
  return `${source.description}. Fields: ${source.fields.map((f) => `${f.name} — ${f.description.replace(/^(Number|String|Boolean): /, '')}`).join('; ')}`
}

/** The whole world in Web Mercator's latitude range, for a layer without rows. */
const WORLD: [number, number, number, number] = [-180, -85.05112878, 180, 85.05112878]

export interface TileRoutesOptions {
  service: TileService
  /** The layer registry served (default: the live layers, TILE_LAYERS). */
  layers?: Readonly<Record<string, TileLayer>>
  /** Who may fetch them (default 'staff': live data needs a session; the public layers are 'public'). */
  access?: Access
}

/** Registers the tile routes of one layer registry; the service is created by the tiles plugin. */
export default async function tileRoutes(fastify: FastifyInstance, options: TileRoutesOptions): Promise<void> {
  const app = typed(fastify)
  const { service } = options
  const layers = options.layers ?? TILE_LAYERS
  const access = options.access ?? 'staff'

  app.get(
    '/:layer/:z/:x/:y.mvt',
    {
      config: { access },
      schema: {
        tags: ['tiles'],
        summary: 'A Mapbox Vector Tile of a layer; 204 when empty; ETag, Cache-Control and gzip',
        params: tileParams(layers),
        querystring: versionQuery,
        response: {
          200: {
            description: 'Mapbox Vector Tile 2.1, gzip-encoded when the request accepts it',
            content: { [MVT_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary' } } },
          },
          204: { description: 'No feature in this tile', type: 'null' },
          304: { description: 'Not modified since the ETag given in If-None-Match', type: 'null' },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const layer = layerOf(request.params.layer, layers)
      const tile = checkTile(request.params.z, request.params.x, request.params.y)
      const state = await service.state()
      const token = service.token(layer, state)
      const gzipped = acceptsGzip(request.headers['accept-encoding'])
      // An inspector's tiles of the layers naming enterprises hold their jurisdiction only.
      const scope = service.jurisdictionOf(layer, tileScopeKey(readScope(request.user)))
      // One entity tag per content coding (RFC 9110 §8.8.3); If-None-Match accepts either.
      const etag = `"${token}-${layer.id}-${tile.z}-${tile.x}-${tile.y}${scope === null ? '' : `-j${scope}`}"`
      const gzipEtag = `${etag.slice(0, -1)}-gzip"`
      // Such a tile differs by session: a browser must not reuse one after another user signs in.
      reply.header('vary', layer.dependsOnJurisdiction ? 'accept-encoding, cookie, authorization' : 'accept-encoding')
      reply.header(
        'cache-control',
        // Staff tiles may sit in the browser's cache but never in a shared one (a CDN would serve
        // them without a session); the published public tiles are cacheable by anyone.
        `${access === 'public' ? 'public' : 'private'}, max-age=${request.query.v === token ? `${IMMUTABLE_MAX_AGE_S}, immutable` : SHORT_MAX_AGE_S}`,
      )
      if (matches(request.headers['if-none-match'], [etag, gzipEtag])) {
        return bytesReply(reply)
          .code(304)
          .header('etag', gzipped ? gzipEtag : etag)
          .send()
      }
      const encoded = await service.tile(layer, tile, state, scope)
      if (encoded.raw.length === 0) return bytesReply(reply).code(204).header('etag', etag).send()
      if (gzipped && encoded.gzip) {
        return bytesReply(reply).type(MVT_MEDIA_TYPE).header('content-encoding', 'gzip').header('etag', gzipEtag).send(encoded.gzip)
      }
      return bytesReply(reply).type(MVT_MEDIA_TYPE).header('etag', etag).send(encoded.raw)
    },
  )

  app.get(
    '/:layer.json',
    {
      config: { access },
      schema: {
        tags: ['tiles'],
        summary: 'TileJSON 3.0.0 of a layer: versioned tile URL template, vector layers and their fields, bounds',
        params: layerParams,
        response: { 200: tileJsonSchema, 304: { description: 'Not modified', type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const layer = layerOf(request.params.layer, layers)
      const state = await service.state()
      const token = service.token(layer, state)
      const origin = publicOrigin(request, app.config)
      // The document names the current version: clients revalidate it every time (cheap with the ETag).
      const etag = `"tilejson-${layer.id}-${token}"`
      reply.header('cache-control', 'no-cache').header('etag', etag)
      if (matches(request.headers['if-none-match'], [etag])) return bytesReply(reply).code(304).send()
      const { bounds, center } = await extentOf(layer, state)
      return {
        tilejson: '3.0.0',
        name: layer.id,
        description: layer.description,
        version: '1.0.0',
        scheme: 'xyz',
        tiles: [`${origin}${app.prefix}/${layer.id}/{z}/{x}/{y}.mvt?v=${token}`],
        minzoom: layer.minzoom,
        maxzoom: layer.maxzoom,
        bounds,
        center,
        attribution: TILE_ATTRIBUTION,
        vector_layers: vectorLayers(layer),
      }
    },
  )

  async function extentOf(layer: TileLayer, state: Awaited<ReturnType<TileService['state']>>) {
    const bounds = (await service.bounds(layer, state)) ?? WORLD
    const centre = [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2]
    const span = Math.max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1e-6)
    const centreZoom = Math.min(layer.maxzoom, Math.max(layer.minzoom, Math.floor(Math.log2(360 / span))))
    return { bounds, center: [centre[0]!, centre[1]!, centreZoom] }
  }

  // The tileset metadata in the MBTiles / tippecanoe `metadata.json` form, beside the `{z}` folders:
  // what GDAL's MVT driver reads when it opens one zoom level of the tileset
  // (`ogrinfo MVT:/vsicurl/http://host/tiles/cells/12 -oo TILE_EXTENSION=mvt`), to type the fields.
  app.get(
    '/:layer/metadata.json',
    {
      config: { access },
      schema: {
        tags: ['tiles'],
        summary: 'Tileset metadata in the MBTiles metadata.json form (for GDAL: strings, with the vector layers as a JSON string in `json`)',
        params: layerParams,
        response: { 200: tilesetMetadataSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const layer = layerOf(request.params.layer, layers)
      const { bounds, center } = await extentOf(layer, await service.state())
      reply.header('cache-control', 'no-cache')
      return {
        name: layer.id,
        description: layer.description,
        format: 'pbf',
        type: 'overlay',
        attribution: TILE_ATTRIBUTION,
        minzoom: String(layer.minzoom),
        maxzoom: String(layer.maxzoom),
        bounds: bounds.join(','),
        center: center.join(','),
        json: JSON.stringify({ vector_layers: vectorLayers(layer) }),
      }
    },
  )
}

/** TileJSON `vector_layers`: one per MVT layer, its fields typed with the names clients read. */
function vectorLayers(layer: TileLayer) {
  return layer.sources.map((s) => ({
    id: s.name,
    description: describeFields(s),
    minzoom: s.minzoom,
    maxzoom: layer.maxzoom,
    fields: Object.fromEntries(s.fields.map((f) => [f.name, f.type])),
  }))
}
