import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { buildTestApp } from '../helpers/app'
import { publishViaDraft } from '../helpers/publish'
import { TILE_LAYERS } from '../../server/modules/tiles/layers'
import { tileAt, type TileCoord } from '../../server/modules/tiles/tile'
import type { Encoder } from '../../server/modules/tiles/service'

// Cells are drawn only inside the deployment's outline (the union of the top-level divisions): real
// tiles along the demo city's outline, decoded, every vertex of every cell mapped back to EPSG:3857
// and measured against the outline in PostGIS. On real PostGIS both encoders are checked; on the
// embedded database the Node encoder.

let app: FastifyInstance
const embedded = inject('embedded')
const encoders: Encoder[] = embedded ? ['node'] : ['postgis', 'node']
/** Half the Web Mercator world's side, metres. */
const HALF_WORLD = 20037508.342789244
/** A vertex may lie this many tile units outside the outline: snapping to the 4096 grid moves it by ≤ √2 / 2. */
const TOLERANCE_UNITS = 1
const ZOOMS = [5, 6, 7, 8, 10, 12, 14]

/** Points spread along the outline's longest ring, WGS 84. */
let along: Array<{ lon: number; lat: number }> = []

beforeAll(async () => {
  app = await buildTestApp()
  const { rows } = await app.db.raw<{ rows: Array<{ lon: number; lat: number }> }>(
    `WITH ring AS (
       SELECT ST_ExteriorRing(p.geom) AS r FROM (SELECT (ST_Dump(ST_Union(geom))).geom FROM division WHERE parent_code IS NULL) p
       ORDER BY ST_Area(p.geom) DESC LIMIT 1
     )
     SELECT ST_X(pt) AS lon, ST_Y(pt) AS lat FROM (SELECT ST_LineInterpolatePoint(r, f / 12.0) AS pt FROM ring, generate_series(0, 11) f) s`,
  )
  along = rows.map((r) => ({ lon: Number(r.lon), lat: Number(r.lat) }))
})
afterAll(async () => {
  await app?.close()
})

interface Cell {
  id: number
  properties: Record<string, unknown>
  /** Vertices as EPSG:3857 metres. */
  vertices: Array<[number, number]>
}

function decodeCells(bytes: Uint8Array, t: TileCoord): Cell[] {
  if (bytes.length === 0) return []
  const layer = new VectorTile(new PbfReader(bytes)).layers.cells
  if (!layer) return []
  const size = (2 * HALF_WORLD) / 2 ** t.z
  return Array.from({ length: layer.length }, (_, i) => {
    const f = layer.feature(i)
    const vertices = f
      .loadGeometry()
      .flatMap((ring) => ring.map((p) => [-HALF_WORLD + (t.x + p.x / layer.extent) * size, HALF_WORLD - (t.y + p.y / layer.extent) * size] as [number, number]))
    return { id: Number(f.id), properties: { ...f.properties }, vertices }
  })
}

/** The tiles at these zooms that hold a point of the outline, without repeats. */
function tilesAlong(): TileCoord[] {
  const seen = new Map<string, TileCoord>()
  for (const z of ZOOMS)
    for (const p of along) {
      const t = tileAt(p.lon, p.lat, z)
      seen.set(`${t.z}/${t.x}/${t.y}`, t)
    }
  return [...seen.values()]
}

/** For each cell: the farthest any of its vertices lies outside the outline (metres, 0 inside). */
async function distancesOutside(cells: Cell[]): Promise<Map<number, number>> {
  const points = cells.flatMap((c) => c.vertices.map(([x, y]) => ({ id: c.id, x, y })))
  const { rows } = await app.db.raw<{ rows: Array<{ id: string; d: number }> }>(
    `WITH outline AS (SELECT ST_Union(geom_3857) AS g FROM division WHERE parent_code IS NULL),
          p AS (SELECT * FROM json_to_recordset(?::json) AS p(id bigint, x float8, y float8))
     SELECT p.id, max(ST_Distance(outline.g, ST_SetSRID(ST_MakePoint(p.x, p.y), 3857))) AS d FROM p, outline GROUP BY p.id`,
    [JSON.stringify(points)],
  )
  return new Map(rows.map((r) => [Number(r.id), Number(r.d)]))
}

describe('cells cut to the outline', () => {
  it('finds the demo outline', () => {
    expect(along.length).toBe(12)
  })

  it('no cell vertex lies outside the outline, and the cut cells keep their level properties', async () => {
    const tiles = tilesAlong()
    let cut = 0
    let checked = 0
    for (const t of tiles) {
      for (const encoder of encoders) {
        const label = `${encoder} ${t.z}/${t.x}/${t.y}`
        const cells = decodeCells(await app.tiles.render(TILE_LAYERS.cells!, t, await app.tiles.state(), encoder), t)
        if (cells.length === 0) continue
        const outside = await distancesOutside(cells)
        const unit = (2 * HALF_WORLD) / 2 ** t.z / 4096
        // The stored cells of these features, and whether each crosses the outline.
        const { rows } = await app.db.raw<{ rows: Array<{ id: string; res: number; level: number; stale: boolean; crosses: boolean }> }>(
          `SELECT c.id, c.res, c.level, c.stale, NOT ST_CoveredBy(c.geom_3857, o.g) AS crosses
           FROM cell c, (SELECT ST_Union(geom_3857) AS g FROM division WHERE parent_code IS NULL) o WHERE c.id = ANY(?::bigint[])`,
          [cells.map((c) => c.id)],
        )
        const stored = new Map(rows.map((r) => [Number(r.id), r]))
        for (const c of cells) {
          const where = `${label} cell #${c.id}`
          const row = stored.get(c.id)
          expect(row, where).toBeDefined()
          expect(outside.get(c.id)! / unit, where).toBeLessThanOrEqual(TOLERANCE_UNITS)
          // A cut cell is still the cell: its level, resolution and H3 index as stored.
          expect(c.properties, where).toMatchObject({ res: row!.res, level: row!.level, stale: row!.stale })
          expect(typeof c.properties.h3, where).toBe('string')
          if (row!.crosses) cut++
          checked++
        }
      }
    }
    // The check means something only if cells along the outline do cross it in the data.
    expect(checked).toBeGreaterThan(50)
    expect(cut).toBeGreaterThan(10)
  })

  it('leaves out a cell that lies wholly outside the outline', async () => {
    // Stored cells wholly outside the outline, in a tile the layer draws.
    const { rows } = await app.db.raw<{ rows: Array<{ id: string; lon: number; lat: number; res: number }> }>(
      `SELECT c.id, ST_X(ST_Centroid(c.geom)) AS lon, ST_Y(ST_Centroid(c.geom)) AS lat, c.res FROM cell c
       WHERE c.res = 8 AND (c.level > 0 OR c.stale)
         AND NOT ST_Intersects(c.geom, (SELECT ST_Union(geom) FROM division WHERE parent_code IS NULL)) LIMIT 5`,
    )
    for (const r of rows) {
      const t = tileAt(Number(r.lon), Number(r.lat), 14)
      for (const encoder of encoders) {
        const cells = decodeCells(await app.tiles.render(TILE_LAYERS.cells!, t, await app.tiles.state(), encoder), t)
        expect(
          cells.map((c) => c.id),
          `${encoder} cell #${r.id}`,
        ).not.toContain(Number(r.id))
      }
    }
  })

  it('cuts the public cells of the latest publication too', async () => {
    await publishViaDraft(app, 'tiles-outline test')
    let checked = 0
    for (const t of tilesAlong().filter((x) => x.z <= 10)) {
      const res = await app.inject({ url: `/tiles/public/cells/${t.z}/${t.x}/${t.y}.mvt` })
      expect([200, 204], `${t.z}/${t.x}/${t.y}`).toContain(res.statusCode)
      if (res.statusCode === 204) continue
      const cells = decodeCells(res.rawPayload, t)
      const outside = await distancesOutside(cells)
      const unit = (2 * HALF_WORLD) / 2 ** t.z / 4096
      for (const c of cells) {
        expect(outside.get(c.id)! / unit, `public ${t.z}/${t.x}/${t.y} #${c.id}`).toBeLessThanOrEqual(TOLERANCE_UNITS)
        expect([0, 1, 2, 3, 4]).toContain(c.properties.level)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(10)
  })
})
