/**
 * Tile production, apart from HTTP: encodes a tile with the chosen encoder, keeps the encoded and
 * gzipped bytes in a byte-bounded LRU keyed by the data state, and answers TileJSON's bounds.
 */
import { promisify } from 'node:util'
import type { ReadScope } from '../auth/access'
import zlib from 'node:zlib'
import type { Knex } from 'knex'
import { ByteLruCache } from './cache'
import { DataVersionReader, readDataState, type DataState } from './data-version'
import { encodeTile, type TileSpaceRow } from './encode'
import { cellResolution, CELL_RESOLUTION_BY_ZOOM, type SelectionContext, type TileLayer, type ZoomResolution } from './layers'
import { boundsQuery, mvtQuery, sourcesAt, tileSpaceQuery } from './sql'
import type { TileCoord } from './tile'

const gzipAsync = promisify(zlib.gzip)

/**
 * zlib level 3: on these tiles it takes about half the time of the default level 6 for 3–6 % more
 * bytes, and a cache miss waits for it.
 */
const GZIP_LEVEL = 3
/** Tiles up to this size (bytes) are compressed on the event loop (≲ 0.2 ms); larger ones on the thread pool. */
const SYNC_GZIP_MAX_BYTES = 32 * 1024

/** Gzips a tile once, when it is encoded. */
async function gzip(raw: Buffer): Promise<Buffer> {
  return raw.length <= SYNC_GZIP_MAX_BYTES ? zlib.gzipSync(raw, { level: GZIP_LEVEL }) : gzipAsync(raw, { level: GZIP_LEVEL })
}

/** `postgis`: ST_AsMVT in the database; `node`: tile-space SQL encoded with vt-pbf. */
export type Encoder = 'postgis' | 'node'

/** A tile as cached and served. */
export interface EncodedTile {
  /** The MVT bytes; empty when no feature falls in the tile (served as 204). */
  raw: Buffer
  /** The same bytes gzipped once at encoding time, so cache hits never recompress; null when empty. */
  gzip: Buffer | null
  /** The data-state token the tile was encoded at (ETag and `?v=`). */
  token: string
}

export interface TileServiceOptions {
  encoder: Encoder
  /** H3 analysis resolution of the cells. */
  analysisRes: number
  /** Tile cache budget, bytes; 0 disables caching. */
  cacheBytes: number
  cellResolutions?: readonly ZoomResolution[]
}

/**
 * A tile that could not be encoded: names the layer, the tile and the encoder, and keeps the
 * driver's SQLSTATE as `code` so that a statement timeout still answers 503. Its text is logged,
 * never sent (the error handler hides 5xx details).
 */
export class TileRenderError extends Error {
  readonly code: string | undefined

  constructor(
    readonly layer: string,
    readonly tile: TileCoord,
    readonly encoder: Encoder,
    cause: unknown,
  ) {
    super(`tile ${layer}/${tile.z}/${tile.x}/${tile.y} (${encoder} encoder): ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'TileRenderError'
    this.code = (cause as { code?: unknown } | null)?.code as string | undefined
  }
}

/** Bookkeeping bytes charged per cache entry on top of its buffers (key, object, Map slot). */
const ENTRY_OVERHEAD_BYTES = 200

export class TileService {
  readonly encoder: Encoder
  readonly cache: ByteLruCache<EncodedTile>
  private readonly versions: DataVersionReader
  private readonly pending = new Map<string, Promise<EncodedTile>>()
  private readonly boundsCache = new Map<string, { token: string; bounds: Promise<[number, number, number, number] | null> }>()
  private lastVersion = 0

  constructor(
    private readonly db: Knex,
    private readonly options: TileServiceOptions,
  ) {
    this.encoder = options.encoder
    this.cache = new ByteLruCache(options.cacheBytes)
    this.versions = new DataVersionReader(() => this.readState())
  }

  /** What the tiles depend on, read from the database: the data version (public tiles: the publication). */
  protected readState(): Promise<DataState> {
    return readDataState(this.db)
  }

  /** The current data state (see DataVersionReader for why this is safe to call per request). */
  async state(): Promise<DataState> {
    const state = await this.versions.read()
    if (state.version > this.lastVersion) {
      // Entries of older versions can never be asked for again: free their memory now.
      if (this.lastVersion !== 0) this.cache.clear()
      this.lastVersion = state.version
    }
    return state
  }

  /** The token a layer's tiles are versioned by: the data version, and the date for date-dependent layers. */
  token(layer: TileLayer, state: DataState): string {
    return layer.dependsOnDate ? `${state.version}-${state.today.replaceAll('-', '')}` : String(state.version)
  }

  /** What a selection at zoom `z` binds besides the envelope. */
  context(z: number, state: DataState): SelectionContext {
    return { z, cellRes: cellResolution(z, this.options.analysisRes, this.options.cellResolutions ?? CELL_RESOLUTION_BY_ZOOM), today: state.today }
  }

  /**
   * The jurisdiction a layer's tiles are built for: the viewer's division-code prefix when the layer
   * names enterprises (TileLayer.dependsOnJurisdiction), otherwise null, so that every viewer shares
   * one tile. Part of the cache key and the ETag.
   */
  jurisdictionOf(layer: TileLayer, divisionPrefix: string | null | undefined): string | null {
    // `divisionPrefix` is a tile scope key (tileScopeKey): a division prefix, or `g<id>` for a grid.
    return layer.dependsOnJurisdiction && divisionPrefix ? divisionPrefix : null
  }

  /**
   * A tile from the cache, or encoded (once, however many requests ask for it at the same time) and
   * cached; `divisionPrefix` is the viewer's jurisdiction (null: none).
   */
  async tile(layer: TileLayer, tile: TileCoord, state: DataState, divisionPrefix: string | null = null): Promise<EncodedTile> {
    const token = this.token(layer, state)
    const scope = this.jurisdictionOf(layer, divisionPrefix)
    const key = `${token}/${layer.id}/${tile.z}/${tile.x}/${tile.y}${scope === null ? '' : `/j${scope}`}`
    const cached = this.cache.maxBytes > 0 ? this.cache.get(key) : undefined
    if (cached) return cached
    let pending = this.pending.get(key)
    if (!pending) {
      pending = (async () => {
        const raw = await this.render(layer, tile, state, this.encoder, scope)
        const encoded: EncodedTile = { raw, gzip: raw.length ? await gzip(raw) : null, token }
        if (this.cache.maxBytes > 0) this.cache.set(key, encoded, raw.length + (encoded.gzip?.length ?? 0) + ENTRY_OVERHEAD_BYTES)
        return encoded
      })().finally(() => this.pending.delete(key))
      this.pending.set(key, pending)
    }
    return pending
  }

  /**
   * Encodes one tile straight from the database, uncached, with this service's encoder or the one
   * given, for a viewer with this jurisdiction (null: none).
   */
  async render(layer: TileLayer, tile: TileCoord, state: DataState, encoder: Encoder = this.encoder, divisionPrefix: string | null = null): Promise<Buffer> {
    if (sourcesAt(layer, tile.z).length === 0) return Buffer.alloc(0)
    try {
      return await this.encode(layer, tile, state, encoder, this.jurisdictionOf(layer, divisionPrefix))
    } catch (err) {
      // Pool exhaustion is reported as is: the error handler answers 503 for it.
      if ((err as Error).name === 'KnexTimeoutError') throw err
      throw new TileRenderError(layer.id, tile, encoder, err)
    }
  }

  private async encode(layer: TileLayer, tile: TileCoord, state: DataState, encoder: Encoder, divisionPrefix: string | null): Promise<Buffer> {
    const ctx: SelectionContext = { ...this.context(tile.z, state), ...scopeOfKey(divisionPrefix) }
    if (encoder === 'postgis') {
      const q = mvtQuery(layer, tile, ctx)
      const { rows } = await this.db.raw<{ rows: Array<{ tile: Buffer | null }> }>(q.sql, q.bindings as Knex.RawBinding[])
      return rows[0]?.tile ?? Buffer.alloc(0)
    }
    const { query, sources } = tileSpaceQuery(layer, tile, ctx)
    const { rows } = await this.db.raw<{ rows: Array<Record<string, TileSpaceRow[]>> }>(query.sql, query.bindings as Knex.RawBinding[])
    return encodeTile(sources.map((s, i) => ({ name: s.name, rows: rows[0]?.[`l${i}`] ?? [] })))
  }

  /** The WGS 84 extent [minLon, minLat, maxLon, maxLat] of a layer's rows at this data state; null when it has none. */
  bounds(layer: TileLayer, state: DataState): Promise<[number, number, number, number] | null> {
    const token = this.token(layer, state)
    const hit = this.boundsCache.get(layer.id)
    if (hit && hit.token === token) return hit.bounds
    const q = boundsQuery(layer, { ...this.context(22, state), cellRes: this.options.analysisRes })
    const bounds = this.db
      .raw<{ rows: Array<{ min_lon: number | null; min_lat: number | null; max_lon: number | null; max_lat: number | null }> }>(
        q.sql,
        q.bindings as Knex.RawBinding[],
      )
      .then(({ rows }) => {
        const r = rows[0]
        if (!r || r.min_lon === null || r.min_lat === null || r.max_lon === null || r.max_lat === null) return null
        return [r.min_lon, r.min_lat, r.max_lon, r.max_lat] as [number, number, number, number]
      })
    bounds.catch(() => {
      if (this.boundsCache.get(layer.id)?.bounds === bounds) this.boundsCache.delete(layer.id)
    })
    this.boundsCache.set(layer.id, { token, bounds })
    return bounds
  }
}

/**
 * The key a viewer's tiles are selected and cached by (auth/access readScope): null for no limit,
 * an inspector's division-code prefix, or `g<id>` for a grid worker's management grid.
 */
export function tileScopeKey(scope: ReadScope): string | null {
  if (scope.all) return null
  if (scope.mgmtGridId !== null) return `g${scope.mgmtGridId}`
  return scope.divisionPrefix
}

function scopeOfKey(key: string | null): Pick<SelectionContext, 'divisionPrefix' | 'gridId'> {
  if (key === null) return { divisionPrefix: null }
  return key.startsWith('g') ? { divisionPrefix: null, gridId: Number(key.slice(1)) } : { divisionPrefix: key }
}
