/**
 * Vector tiles (docs/architecture.md §9). How the pieces fit:
 *  - layers.ts  the registry: every layer, its MVT layers, fields and zoom rules (static SQL only);
 *  - sql.ts     one statement per tile for each encoder, every value bound;
 *  - encode.ts  the Node encoder (vt-pbf) for a PostGIS without protobuf;
 *  - service.ts caching and rendering, apart from HTTP; cache.ts the byte-bounded LRU;
 *  - data-version.ts  the per-request data version read;
 *  - routes.ts  the HTTP handlers: validation, ETag/304, Cache-Control, gzip;
 *  - public.ts  the public tiles (`/tiles/public/…`): the latest publication, keyed by its id.
 * Caching: tiles are keyed by `data_version` (plus the date for the overdue layer), layer and z/x/y,
 * and the version is read for every request (coalesced, see DataVersionReader), so a tile is never
 * served from before the last committed write. ETags are `"<token>-<layer>-<z>-<x>-<y>"` (`-gzip`
 * for the gzipped representation); a URL carrying the current `?v=<token>` (as TileJSON gives it)
 * is immutable for a year, any other for 60 s.
 * Jurisdiction (docs/domain.md §8): the layers that name enterprises (enterprises, major_hazards, overdue)
 * give an inspector only the enterprises of their division-code prefix and their records; for those
 * tiles the prefix is part of the cache key and the ETag (`…-<y>-j<prefix>`) and responses vary by
 * cookie. Every other tile is the same for all viewers and cached once.
 */
import fp from 'fastify-plugin'
import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import tileRoutes from './routes'
import { TileService, type Encoder } from './service'
import { PUBLIC_TILE_LAYERS, type ZoomResolution } from './layers'
import { PublicTileService } from './public'

declare module 'fastify' {
  interface FastifyInstance {
    /** Vector tiles: the encoder in use, the tile cache, and uncached rendering with either encoder. */
    tiles: TileService
    /** Public tiles (`/tiles/public/…`): the latest publication, cached by its id. */
    publicTiles: PublicTileService
  }
}

export interface TilesPluginOptions {
  /** URL prefix of the tile routes (default `/tiles`). */
  routePrefix?: string
  /** Tile cache budget in bytes (default 64 MiB; 0 disables the cache). */
  cacheBytes?: number
  /** `auto` (default): ST_AsMVT when the database's PostGIS has protobuf, the Node encoder otherwise. */
  encoder?: Encoder | 'auto'
  /** Zoom → H3 resolution bands of the cells layer (default CELL_RESOLUTION_BY_ZOOM). */
  cellResolutions?: readonly ZoomResolution[]
}

/** Default tile cache budget: 64 MiB. */
export const DEFAULT_TILE_CACHE_BYTES = 64 * 1024 * 1024

/**
 * Whether the database can encode tiles: PGlite's PostGIS is built without protobuf, so ST_AsMVT
 * raises there (docs/architecture.md §10); a real PostGIS normally has it. Tried once at start-up.
 */
export async function detectEncoder(db: Knex, embedded: boolean, log: FastifyBaseLogger): Promise<Encoder> {
  if (embedded) return 'node'
  try {
    await db.raw(`SELECT ST_AsMVT(q, 'probe', 4096, 'geom') FROM (SELECT ST_AsMVTGeom(ST_SetSRID(ST_Point(0, 0), 3857), ST_TileEnvelope(0, 0, 0)) AS geom) q`)
    return 'postgis'
  } catch (err) {
    log.warn({ err }, 'ST_AsMVT is unavailable on this PostGIS (built without protobuf?): vector tiles are encoded in Node')
    return 'node'
  }
}

/**
 * Vector tiles as a named plugin: picks the encoder, creates the tile service (and its cache, freed
 * on close), decorates `app.tiles` and registers the routes under `routePrefix`.
 */
export default fp<TilesPluginOptions>(
  async (app, options) => {
    const encoder = !options.encoder || options.encoder === 'auto' ? await detectEncoder(app.readDb, app.dbInfo.embedded, app.log) : options.encoder
    // Tiles and the data version they are keyed by both come from the read handle (the replica when
    // configured), so a token never names data the tile's own database has not replayed yet.
    const service = new TileService(app.readDb, {
      encoder,
      analysisRes: app.grading.res,
      cacheBytes: options.cacheBytes ?? DEFAULT_TILE_CACHE_BYTES,
      ...(options.cellResolutions ? { cellResolutions: options.cellResolutions } : {}),
    })
    const publicService = new PublicTileService(app.readDb, {
      encoder,
      analysisRes: app.grading.res,
      cacheBytes: Math.floor((options.cacheBytes ?? DEFAULT_TILE_CACHE_BYTES) / 4),
      ...(options.cellResolutions ? { cellResolutions: options.cellResolutions } : {}),
    })
    app.decorate('tiles', service)
    app.decorate('publicTiles', publicService)
    app.addHook('onClose', async () => {
      service.cache.clear()
      publicService.cache.clear()
    })
    const prefix = options.routePrefix ?? '/tiles'
    await app.register(tileRoutes, { prefix, service })
    await app.register(tileRoutes, { prefix: `${prefix}/public`, service: publicService, layers: PUBLIC_TILE_LAYERS, access: 'public' })
  },
  { name: 'riskmap-tiles', fastify: '5.x', dependencies: ['riskmap-db'] },
)
