import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { cellToLatLng, latLngToCell } from 'h3-js'
import { booleanPointInPolygon } from '@turf/turf'
import type { MultiPolygon, Polygon, Position } from 'geojson'
import { buildTestApp } from '../helpers/app'
import { signIn } from '../helpers/auth'
import { DEFAULT_RULES, PRIORITY_PARTS } from '../../server/domain/rules'
import { MAX_RANKING_MAP } from '../../server/http/bounds'
import type { RankedArea, RankingMapFeature } from '../../server/modules/ranking/service'

// GET /api/ranking (docs/ranking.md) on the shared demo database: scores are the sum of their parts,
// the inputs match SQL of the test's own, weights and scope apply, and the export has every row; the
// map (GET /api/ranking/map) draws the same ranking with valid outlines.

let app: FastifyInstance

/** 铁西区: the chemical-park district of the demo (docs/region-grading.md). */
const COUNTY = '210106'

interface Ranking {
  level: string
  ruleVersion: string
  weights: Record<string, number>
  total: number
  items: RankedArea[]
}

async function ranking(query: string, headers?: Record<string, string>): Promise<Ranking> {
  const res = await app.inject({ url: `/api/ranking${query}`, headers })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as Ranking
}

interface RankingMap {
  type: string
  ruleVersion: string
  total: number
  features: Array<Omit<RankingMapFeature, 'geometry'> & { geometry: Polygon | MultiPolygon }>
}

async function rankingMap(query: string, headers?: Record<string, string>): Promise<RankingMap> {
  const res = await app.inject({ url: `/api/ranking/map${query}`, headers })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as RankingMap
}

/** Every ring closed, with at least `minPositions` positions (a triangle closed is 4). */
function expectClosedRings(geometry: Polygon | MultiPolygon, minPositions: number): void {
  const polygons: Position[][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  expect(polygons.length).toBeGreaterThan(0)
  for (const ring of polygons.flat()) {
    expect(ring.length).toBeGreaterThanOrEqual(minPositions)
    expect(ring[ring.length - 1]).toEqual(ring[0])
  }
}

function expectPartsAddUp(items: RankedArea[]): void {
  for (const item of items) {
    expect(item.parts.map((p) => p.part)).toEqual([...PRIORITY_PARTS])
    expect(item.parts.reduce((sum, p) => sum + p.points, 0)).toBeCloseTo(item.score, 9)
  }
}

beforeAll(async () => {
  app = await buildTestApp()
})
afterAll(async () => {
  await app?.close()
})

describe('GET /api/ranking', () => {
  it('ranks every county, highest score first, each score the sum of its parts, with the region grade', async () => {
    const body = await ranking('?level=region&rank=county')
    const counties = await app.db('division').where({ rank: 'county' }).pluck('code')
    expect(body.ruleVersion).toBe(DEFAULT_RULES.version)
    expect(body.weights).toEqual(DEFAULT_RULES.ranking.weights)
    expect(body.total).toBe(counties.length)
    expect(body.items.map((i) => i.code).sort()).toEqual([...counties].sort())
    expectPartsAddUp(body.items)
    for (let i = 1; i < body.items.length; i++) expect(body.items[i]!.score).toBeLessThanOrEqual(body.items[i - 1]!.score)
    expect(body.items[0]!.rank).toBe(1)
    const levels = new Map((await app.db('region_level').where({ region_kind: 'division' }).select('region_key', 'level')).map((r) => [r.region_key, r.level]))
    for (const item of body.items) expect(item.level).toBe(levels.get(item.code) ?? 0)
    // The demo has red districts, backlog and coverage gaps: the ranking separates the counties.
    expect(new Set(body.items.map((i) => i.score)).size).toBeGreaterThan(body.items.length / 2)
  })

  it("counts a county's backlog and residents as SQL of its own does", async () => {
    const body = await ranking(`?level=region&rank=county&regionCode=${COUNTY}`)
    expect(body.items).toHaveLength(1)
    const item = body.items[0]!
    const { rows } = await app.db.raw<{ rows: Array<{ overdue: number; open_hd: number; population: number }> }>(
      `WITH ent AS (SELECT e.id FROM enterprise e, division d WHERE d.code = ? AND ST_Intersects(e.geom, d.geom))
       SELECT (SELECT count(*) FROM hidden_danger h JOIN ent ON ent.id = h.enterprise_id WHERE h.status = 'open' AND h.deadline < current_date)::int
            + (SELECT count(*) FROM violation v JOIN ent ON ent.id = v.enterprise_id WHERE v.status = 'open' AND v.deadline < current_date)::int AS overdue,
              (SELECT count(*) FROM hidden_danger h JOIN ent ON ent.id = h.enterprise_id WHERE h.status = 'open')::int AS open_hd,
              (SELECT coalesce(sum(m.population_500m), 0) FROM major_hazard m, division d WHERE d.code = ? AND ST_Intersects(m.geom, d.geom))::float8 AS population`,
      [COUNTY, COUNTY],
    )
    expect(item.inputs.overdue).toBe(rows[0]!.overdue)
    expect(item.inputs.openHiddenDangers).toBe(rows[0]!.open_hd)
    expect(item.inputs.population).toBe(rows[0]!.population)
    expect(item.inputs.overdue + item.inputs.openHiddenDangers).toBeGreaterThan(0)
    const part = (name: string) => item.parts.find((p) => p.part === name)!
    expect(part('riskLevel').points).toBe(Math.round(DEFAULT_RULES.ranking.weights.riskLevel * (item.level / 4) * 100) / 100)
    expect(part('overdue').points).toBe(
      Math.round(DEFAULT_RULES.ranking.weights.overdue * Math.min(1, item.inputs.overdue / DEFAULT_RULES.ranking.full.overdue) * 100) / 100,
    )
  })

  it('ranks the graded cells of a county; a cell has its level and the backlog of the enterprises in it', async () => {
    const body = await ranking(`?level=cell&regionCode=${COUNTY}&limit=5000`)
    const { rows: cells } = await app.db.raw<{ rows: Array<{ h3: string; level: number }> }>(
      `SELECT DISTINCT c.h3, c.level FROM cell c JOIN region_cell rc ON rc.cell_id = c.id AND rc.region_kind = 'division' AND rc.region_key LIKE ?
       WHERE c.res = 8 AND c.level > 0`,
      [`${COUNTY}%`],
    )
    expect(body.total).toBe(cells.length)
    expect(body.items).toHaveLength(cells.length)
    expectPartsAddUp(body.items)
    const level = new Map(cells.map((c) => [c.h3, c.level]))
    for (const item of body.items) expect(item.level).toBe(level.get(item.code))
    // Open hidden dangers per cell, from the enterprises' locations.
    const { rows: open } = await app.db.raw<{ rows: Array<{ lon: number; lat: number; n: number }> }>(
      `SELECT ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat, count(*)::int AS n FROM hidden_danger h JOIN enterprise e ON e.id = h.enterprise_id
       WHERE h.status = 'open' GROUP BY e.id`,
    )
    const perCell = new Map<string, number>()
    for (const r of open) {
      const h3 = latLngToCell(Number(r.lat), Number(r.lon), 8)
      perCell.set(h3, (perCell.get(h3) ?? 0) + r.n)
    }
    const withBacklog = body.items.filter((i) => i.inputs.openHiddenDangers > 0)
    expect(withBacklog.length).toBeGreaterThan(0)
    for (const item of body.items) expect(item.inputs.openHiddenDangers).toBe(perCell.get(item.code) ?? 0)
    // A risk cell (orange or red) has a response distance; a lower one has none.
    for (const item of body.items) expect(item.inputs.responseM === null).toBe(item.level < DEFAULT_RULES.ranking.coverage.minLevel)
  })

  it('takes weights from the request: only the level counts with every other weight 0', async () => {
    const weights = PRIORITY_PARTS.map((p) => `${p}:${p === 'riskLevel' ? 40 : 0}`).join(',')
    const body = await ranking(`?level=region&rank=township&regionCode=${COUNTY}&weights=${encodeURIComponent(weights)}&limit=5000`)
    expect(body.weights.riskLevel).toBe(40)
    expect(body.items.length).toBeGreaterThan(1)
    for (const item of body.items) expect(item.score).toBe(item.level * 10)
    expectPartsAddUp(body.items)
  })

  it.each([
    ['weights=population:10', 'weights.population'],
    ['weights=riskLevel:-2', 'weights.riskLevel'],
    ['weights=riskLevel', 'weights'],
    ['level=cell&rank=township', 'rank'],
    ['limit=5001', 'limit'],
    ['offset=1000001', 'offset'],
    ['regionCode=21a106', 'regionCode'],
    ['sort=score', 'sort'],
  ])('?%s → 400 naming %s', async (query, field) => {
    const res = await app.inject(`/api/ranking?${query}`)
    expect(res.statusCode, res.body).toBe(400)
    const body = res.json() as { error: { message: string; details?: Array<{ field?: string }> } }
    expect(JSON.stringify(body.error)).toContain(field)
  })

  it('answers 404 for a division that does not exist', async () => {
    const res = await app.inject('/api/ranking?regionCode=219999')
    expect(res.statusCode).toBe(404)
  })

  it("limits an inspector to the jurisdiction and counts only its enterprises' backlog", async () => {
    const inspector = await signIn(app, 'inspector')
    const prefix = inspector.user.divisionPrefix!
    const body = await ranking('?level=region&rank=township&limit=5000', inspector.headers)
    expect(body.items.length).toBeGreaterThan(0)
    for (const item of body.items) expect(item.code.startsWith(prefix)).toBe(true)
    const outside = (await app.db('division').where({ rank: 'county' }).whereNot('code', 'like', `${prefix}%`).first('code')).code as string
    const refused = await app.inject({ url: `/api/ranking?regionCode=${outside}`, headers: inspector.headers })
    expect(refused.statusCode).toBe(403)
    // A grid worker sees the counties, but only the backlog of the enterprises in the grid.
    const worker = await signIn(app, 'grid_worker')
    const [all, grid] = await Promise.all([ranking('?level=region&rank=county'), ranking('?level=region&rank=county', worker.headers)])
    const sum = (r: Ranking) => r.items.reduce((s, i) => s + i.inputs.openHiddenDangers, 0)
    const { rows } = await app.db.raw<{ rows: Array<{ n: number }> }>(
      `SELECT count(*)::int AS n FROM hidden_danger h JOIN enterprise e ON e.id = h.enterprise_id WHERE h.status = 'open' AND e.mgmt_grid_id = ?`,
      [worker.user.mgmtGridId],
    )
    expect(sum(grid)).toBe(rows[0]!.n)
    expect(sum(all)).toBeGreaterThan(sum(grid))
  })

  it('exports the whole ranking as CSV and XLSX, with the parts and the map link', async () => {
    const json = await ranking('?level=region&rank=township&limit=5000')
    const csv = await app.inject('/api/ranking/export.csv?level=region&rank=township')
    expect(csv.statusCode, csv.body).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines).toHaveLength(json.total + 1)
    expect(lines[0]).toContain('优先分值')
    const first = json.items[0]!
    expect(lines[1]!.startsWith(`1,${first.code},`)).toBe(true)
    expect(lines[1]).toContain(`/#sel=region:${first.code}`)
    const en = await app.inject('/api/ranking/export.csv?level=region&rank=county&lang=en')
    expect(en.body.split('\r\n')[0]).toContain('score')
    const xlsx = await app.inject('/api/ranking/export.xlsx?level=region&rank=county')
    expect(xlsx.statusCode).toBe(200)
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK')
    const bad = await app.inject('/api/ranking/export.csv?weights=foo:1')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('weights.foo')
  })
})

describe('GET /api/ranking/map', () => {
  it('draws the counties in rank order, the same ranks as the list, each outline a valid polygon', async () => {
    const [list, map] = await Promise.all([ranking('?level=region&rank=county&limit=5000'), rankingMap('?level=region&rank=county')])
    expect(map.type).toBe('FeatureCollection')
    expect(map.ruleVersion).toBe(DEFAULT_RULES.version)
    expect(map.total).toBe(list.total)
    expect(map.features.map((f) => f.id)).toEqual(list.items.map((_, i) => i + 1))
    expect(map.features.map((f) => [f.properties.code, f.properties.rank, f.properties.score, f.properties.level])).toEqual(
      list.items.map((i) => [i.code, i.rank, i.score, i.level]),
    )
    for (const f of map.features) {
      expect(f.properties.position).toBe(f.id)
      expect(f.properties.name).toBeTruthy()
      expect(f.properties.parts.map((p) => p.part)).toEqual([...PRIORITY_PARTS])
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type)
      expectClosedRings(f.geometry, 4)
    }
    // PostGIS reads each outline back as a valid polygon covering most of the county's area.
    const { rows } = await app.db.raw<{ rows: Array<{ code: string; valid: boolean; ratio: number }> }>(
      `SELECT d.code, ST_IsValid(g.geom) AS valid, ST_Area(g.geom) / ST_Area(d.geom) AS ratio
       FROM jsonb_to_recordset(?::jsonb) AS m(code text, geometry jsonb)
       CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(m.geometry::text), 4326) AS geom) g
       JOIN division d ON d.code = m.code`,
      [JSON.stringify(map.features.map((f) => ({ code: f.properties.code, geometry: f.geometry })))],
    )
    expect(rows).toHaveLength(map.features.length)
    for (const r of rows) {
      expect(r.valid, r.code).toBe(true)
      expect(Number(r.ratio), r.code).toBeCloseTo(1, 1)
    }
  })

  it("draws a county's cells as their H3 hexagons, in the list's order", async () => {
    const [list, map] = await Promise.all([ranking(`?level=cell&regionCode=${COUNTY}&limit=200`), rankingMap(`?level=cell&regionCode=${COUNTY}&limit=200`)])
    expect(map.total).toBe(list.total)
    expect(map.features.map((f) => [f.id, f.properties.code, f.properties.rank])).toEqual(list.items.map((i, k) => [k + 1, i.code, i.rank]))
    for (const f of map.features) {
      expect(f.geometry.type).toBe('Polygon')
      // h3 closes the ring in GeoJSON order: 7 positions for a hexagon, 6 for a pentagon.
      expectClosedRings(f.geometry, 6)
      const [lat, lon] = cellToLatLng(f.properties.code)
      expect(booleanPointInPolygon([lon, lat], f.geometry as Polygon)).toBe(true)
      expect(f.properties.label[0]).toBeCloseTo(lon, 9)
      expect(f.properties.label[1]).toBeCloseTo(lat, 9)
    }
  })

  it('draws the first `limit` areas (default 1000, at most MAX_RANKING_MAP) and counts all of them', async () => {
    const all = await rankingMap('?level=region&rank=township')
    expect(all.features.length).toBe(Math.min(all.total, 1000))
    const two = await rankingMap('?level=region&rank=township&limit=2')
    expect(two.total).toBe(all.total)
    expect(two.features.map((f) => f.properties.code)).toEqual(all.features.slice(0, 2).map((f) => f.properties.code))
    expect(MAX_RANKING_MAP).toBe(5000)
  })

  it.each([
    [`limit=${MAX_RANKING_MAP + 1}`, 'limit'],
    ['limit=0', 'limit'],
    ['offset=10', 'offset'],
    ['weights=population:10', 'weights.population'],
    ['level=cell&rank=grid', 'rank'],
    ['regionCode=2101', 'regionCode'],
  ])('?%s → 400 naming %s', async (query, field) => {
    const res = await app.inject(`/api/ranking/map?${query}`)
    expect(res.statusCode, res.body).toBe(400)
    expect(JSON.stringify((res.json() as { error: unknown }).error)).toContain(field)
  })

  it("keeps to the reader's scope as the list does: the jurisdiction, the grid's backlog, no session no map", async () => {
    const inspector = await signIn(app, 'inspector')
    const prefix = inspector.user.divisionPrefix!
    const [list, map] = await Promise.all([
      ranking('?level=region&rank=township&limit=5000', inspector.headers),
      rankingMap('?level=region&rank=township', inspector.headers),
    ])
    expect(map.features.length).toBeGreaterThan(0)
    expect(map.features.map((f) => f.properties.code)).toEqual(list.items.map((i) => i.code))
    for (const f of map.features) expect(f.properties.code.startsWith(prefix)).toBe(true)
    const outside = (await app.db('division').where({ rank: 'county' }).whereNot('code', 'like', `${prefix}%`).first('code')).code as string
    expect((await app.inject({ url: `/api/ranking/map?regionCode=${outside}`, headers: inspector.headers })).statusCode).toBe(403)
    const worker = await signIn(app, 'grid_worker')
    const [workerList, workerMap] = await Promise.all([
      ranking('?level=region&rank=county', worker.headers),
      rankingMap('?level=region&rank=county', worker.headers),
    ])
    expect(workerMap.features.map((f) => [f.properties.code, f.properties.score, f.properties.inputs.openHiddenDangers])).toEqual(
      workerList.items.map((i) => [i.code, i.score, i.inputs.openHiddenDangers]),
    )
    expect((await app.inject({ url: '/api/ranking/map', headers: { cookie: '' } })).statusCode).toBe(401)
  })
})
