/**
 * Tile SQL: one statement per tile, built from a layer's static fragments with every value bound.
 * Both encoders run the same selection: rows whose indexed EPSG:3857 geometry overlaps the tile
 * envelope grown by the buffer (`&&` on the column, the envelope built by ST_TileEnvelope so the
 * column is never transformed).
 */
import type { SelectionContext, SourceLayer, SqlFragment, TileLayer } from './layers'
import type { TileCoord } from './tile'

/** Tile side in tile units (MVT extent). */
export const TILE_EXTENT = 4096
/** Tile units kept beyond each tile edge, so strokes and symbols do not stop at the edge. */
export const TILE_BUFFER = 64

/**
 * The deployment's outline within the buffered tile, as a FROM item `outline(clip, g)`: `clip` says
 * whether there is any top-level division (none: nothing is cut), `g` is the union of the top-level
 * divisions cut to the tile grown by its buffer (NULL when none reaches the tile). Cut to the tile
 * first, so that each cell is tested against a few dozen vertices rather than the whole outline;
 * computed once per tile and source layer.
 */
function outlineItem(tile: TileCoord): SqlFragment {
  const envelope = 'ST_TileEnvelope(?, ?, ?, margin => ?)'
  const env = [tile.z, tile.x, tile.y, TILE_BUFFER / TILE_EXTENT]
  return {
    sql:
      '(SELECT EXISTS (SELECT 1 FROM division WHERE parent_code IS NULL) AS clip, ' +
      `(SELECT ST_Union(ST_Intersection(d.geom_3857, ${envelope})) FROM division d WHERE d.parent_code IS NULL AND d.geom_3857 && ${envelope}) AS g) outline`,
    bindings: [...env, ...env],
  }
}

/**
 * The geometry a source layer draws, as an SQL expression over its FROM clause (and `outline` when
 * the layer is cut to the outline): the stored 3857 geometry, or for clipToOutline layers the part
 * of it inside the outline. Cells wholly inside (nearly all) are passed through untouched; only
 * those that cross the outline pay for the intersection.
 */
function drawnGeometry(source: SourceLayer): string {
  const g = source.geom3857
  if (!source.clipToOutline) return g
  return `(CASE WHEN NOT outline.clip OR ST_CoveredBy(${g}, outline.g) THEN ${g} ELSE ST_CollectionExtract(ST_Intersection(${g}, outline.g), 3) END)`
}

/**
 * Rows of one source layer in a tile: `id`, the fields, and `geom` computed by `geom` from the
 * layer's drawn geometry (drawnGeometry), limited to the viewer's jurisdiction when the layer names
 * enterprises and to the deployment's outline when it is cut to it. `tileSpace` adds the `tile` CTE
 * (scale factors) to the FROM clause.
 */
function selection(source: SourceLayer, tile: TileCoord, ctx: SelectionContext, geomOf: (drawn: string) => SqlFragment, tileSpace = false): SqlFragment {
  const bindings: unknown[] = []
  const columns = source.fields.map((f) => {
    if (f.bind) bindings.push(...f.bind(ctx))
    return `${f.sql} AS "${f.name}"`
  })
  const geom = geomOf(drawnGeometry(source))
  bindings.push(...geom.bindings)
  let from = `${tileSpace ? 'tile, ' : ''}${source.from}`
  if (source.clipToOutline) {
    const outline = outlineItem(tile)
    from += `, ${outline.sql}`
    bindings.push(...outline.bindings)
  }
  bindings.push(tile.z, tile.x, tile.y, TILE_BUFFER / TILE_EXTENT)
  let where = `${source.geom3857} && ST_TileEnvelope(?, ?, ?, margin => ?)`
  if (source.clipToOutline) where += ` AND (NOT outline.clip OR (outline.g IS NOT NULL AND ST_Intersects(${source.geom3857}, outline.g)))`
  if (source.where) {
    const extra = source.where(ctx)
    where += ` AND (${extra.sql})`
    bindings.push(...extra.bindings)
  }
  if (source.enterpriseDivision && ctx.divisionPrefix) {
    // LIKE 'prefix%' with the prefix escaped: the same test as the API's jurisdiction checks.
    where += ` AND ${source.enterpriseDivision} LIKE ?`
    bindings.push(`${ctx.divisionPrefix.replace(/[\\%_]/g, '\\$&')}%`)
  }
  if (source.enterpriseDivision && ctx.gridId !== undefined && ctx.gridId !== null) {
    where += ` AND ${source.enterpriseGrid ?? 'NULL'} IS NOT DISTINCT FROM ?::int`
    bindings.push(ctx.gridId)
  }
  return {
    sql: `SELECT ${source.id} AS id, ${columns.join(', ')}, ${geom.sql} AS geom FROM ${from} WHERE ${where}`,
    bindings,
  }
}

/** The source layers drawn at this zoom. */
export function sourcesAt(layer: TileLayer, z: number): SourceLayer[] {
  return layer.sources.filter((s) => z >= s.minzoom)
}

/**
 * The PostGIS encoder: `ST_AsMVT` over `ST_AsMVTGeom` rows, one aggregate per source layer,
 * concatenated (an MVT tile is a sequence of layers). Returns one row `{ tile: Buffer }`, empty
 * when no source layer has a feature.
 */
export function mvtQuery(layer: TileLayer, tile: TileCoord, ctx: SelectionContext): SqlFragment {
  const parts: string[] = []
  const bindings: unknown[] = []
  for (const source of sourcesAt(layer, tile.z)) {
    const rows = selection(source, tile, ctx, (drawn) => ({
      sql: `ST_AsMVTGeom(${drawn}, ST_TileEnvelope(?, ?, ?), ?::int, ?::int, true)`,
      bindings: [tile.z, tile.x, tile.y, TILE_EXTENT, TILE_BUFFER],
    }))
    parts.push(`(SELECT ST_AsMVT(q, ?::text, ?::int, 'geom', 'id') FROM (${rows.sql}) q)`)
    bindings.push(source.name, TILE_EXTENT, ...rows.bindings)
  }
  return { sql: `SELECT ${parts.length ? parts.join(' || ') : "''::bytea"} AS tile`, bindings }
}

/**
 * The Node encoder's query: what ST_AsMVTGeom does, in SQL that needs no protobuf. Geometry goes to
 * tile space (ST_Affine with the same factors ST_AsMVTGeom uses: x' = (x − xmin)·extent/width,
 * y' = (ymax − y)·extent/height, y pointing down), is snapped to the integer grid, stripped of
 * collinear points, clipped to the buffered tile, snapped again (clipping interpolates), made valid
 * and reduced to its basic type. Points are only snapped. Rows whose geometry vanishes are dropped.
 * Returns one row with a JSON array per source layer (`l0`, `l1`, …) of
 * `{ id, <fields>, geom: GeoJSON in tile units }`; ring orientation is fixed by the encoder.
 */
export function tileSpaceQuery(layer: TileLayer, tile: TileCoord, ctx: SelectionContext): { query: SqlFragment; sources: SourceLayer[] } {
  const sources = sourcesAt(layer, tile.z)
  const parts: string[] = []
  const bindings: unknown[] = [tile.z, tile.x, tile.y]
  const box = 'ST_MakeEnvelope(?::float8, ?::float8, ?::float8, ?::float8)'
  const boxBindings = [-TILE_BUFFER, -TILE_BUFFER, TILE_EXTENT + TILE_BUFFER, TILE_EXTENT + TILE_BUFFER]
  sources.forEach((source, i) => {
    const geom = (drawn: string): SqlFragment => {
      const toTile = `ST_SnapToGrid(ST_Affine(${drawn}, tile.fx, 0, 0, tile.fy, tile.xoff, tile.yoff), 1)`
      return source.geometry === 'point'
        ? { sql: toTile, bindings: [] }
        : {
            sql: `ST_CollectionExtract(ST_MakeValid(ST_SnapToGrid(ST_ClipByBox2D(ST_Simplify(${toTile}, 0), ${box}), 1)), 3)`,
            bindings: boxBindings,
          }
    }
    const rows = selection(source, tile, ctx, geom, true)
    const keys = ['id', ...source.fields.map((f) => `"${f.name}"`)].join(', ')
    parts.push(
      `(SELECT coalesce(json_agg(f), '[]'::json) FROM (SELECT ${keys}, ST_AsGeoJSON(geom, 0)::json AS geom FROM (${rows.sql}) s ` +
        `WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom) AND geom && ${box}) f) AS l${i}`,
    )
    bindings.push(...rows.bindings, ...boxBindings)
  })
  const sql =
    'WITH tile AS (SELECT fx, fy, -xmin * fx AS xoff, -ymax * fy AS yoff FROM (' +
    `SELECT ST_XMin(env) AS xmin, ST_YMax(env) AS ymax, ${TILE_EXTENT} / (ST_XMax(env) - ST_XMin(env)) AS fx, ` +
    `-(${TILE_EXTENT} / (ST_YMax(env) - ST_YMin(env))) AS fy FROM (SELECT ST_TileEnvelope(?, ?, ?) AS env) e) m) ` +
    `SELECT ${parts.length ? parts.join(', ') : 'NULL AS none'}`
  return { query: { sql, bindings }, sources }
}

/** The EPSG:4326 extent of a layer's rows as [minLon, minLat, maxLon, maxLat], null when it has none. */
export function boundsQuery(layer: TileLayer, ctx: SelectionContext): SqlFragment {
  const bindings: unknown[] = []
  const extents = layer.sources.map((source) => {
    let sql = `SELECT ST_Extent(${source.geom4326})::geometry AS e FROM ${source.from}`
    if (source.where) {
      const extra = source.where(ctx)
      sql += ` WHERE ${extra.sql}`
      bindings.push(...extra.bindings)
    }
    return sql
  })
  return {
    sql: `SELECT ST_XMin(b) AS min_lon, ST_YMin(b) AS min_lat, ST_XMax(b) AS max_lon, ST_YMax(b) AS max_lat FROM (SELECT ST_Extent(e) AS b FROM (${extents.join(' UNION ALL ')}) u) x`,
    bindings,
  }
}
