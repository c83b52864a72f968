import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { cellArea, latLngToCell } from 'h3-js'
import { buildTestApp } from '../helpers/app'
import type { RegionReport } from '../../web/src/region-report/api'

// GET /api/regions/:key/report (issue 8, the printable region report) on the shared demo database:
// every figure is checked against the endpoint it summarises or against SQL of its own.

let app: FastifyInstance

/** 铁西区: a county of the demo with cells at every level, resources and enforcement records. */
const COUNTY = '210106'

beforeAll(async () => {
  app = await buildTestApp()
})
afterAll(async () => {
  await app?.close()
})

async function report(key: string): Promise<RegionReport> {
  const res = await app.inject(`/api/regions/${encodeURIComponent(key)}/report`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as RegionReport
}

describe('GET /api/regions/:key/report', () => {
  it('gives a county its level, shares and top sources as the region endpoint does, and its cells per level', async () => {
    const [body, region] = await Promise.all([report(COUNTY), app.inject(`/api/regions/${COUNTY}`).then((r) => r.json())])
    expect(body.region).toMatchObject({
      kind: 'division',
      code: COUNTY,
      name: region.name,
      rank: 'county',
      level: region.level,
      highestLevel: region.highestLevel,
      stale: region.stale,
      areaKm2: region.areaKm2,
    })
    expect(body.region.shares).toEqual(region.shares)
    expect(body.region.level).toBeGreaterThan(0)
    // The region endpoint lists the top 5; the report the top 8, in the same order.
    expect(body.topSources.slice(0, region.topSources.length).map((s) => `${s.kind}:${s.id}`)).toEqual(
      region.topSources.map((s: { kind: string; id: number }) => `${s.kind}:${s.id}`),
    )
    // The sources behind its highest cells: at that level, or one below when those cells rose by accumulation.
    expect(body.topSources.every((s) => [body.region.highestLevel, body.region.highestLevel - 1].includes(s.level) && s.name.length > 0)).toBe(true)

    const { rows } = await app.db.raw<{ rows: Array<{ level: number; n: number; stale: number }> }>(
      `SELECT c.level, count(*)::int AS n, count(*) FILTER (WHERE c.stale)::int AS stale
       FROM region_cell rc JOIN cell c ON c.id = rc.cell_id AND c.res = 8
       WHERE rc.region_kind = 'division' AND rc.region_key = ? AND c.level > 0 GROUP BY c.level`,
      [COUNTY],
    )
    for (const level of [1, 2, 3, 4] as const) expect(body.region.cells[String(level) as '1']).toBe(rows.find((r) => r.level === level)?.n ?? 0)
    expect(body.region.staleCells).toBe(rows.reduce((sum, r) => sum + r.stale, 0))
    // The cells with no source fill up the rest of the county: about its area over the area of a
    // res-8 cell there (≈ 0.5 km² at 41.8° N), plus the cells on its border.
    const total = Object.values(body.region.cells).reduce((a, b) => a + b, 0)
    const [minLon, minLat, maxLon, maxLat] = body.region.bbox
    const cellKm2 = cellArea(latLngToCell((minLat + maxLat) / 2, (minLon + maxLon) / 2, 8), 'km2')
    expect(body.region.cells['0']).toBeGreaterThan(0)
    expect(total).toBeGreaterThan(body.region.areaKm2 / cellKm2)
    expect(total).toBeLessThan((body.region.areaKm2 / cellKm2) * 1.3)
  })

  it('counts the enforcement behind the enterprises in the county like the overdue list and SQL do', async () => {
    const body = await report(COUNTY)
    const overdue = (await app.inject(`/api/enforcement/overdue?division=${COUNTY}&limit=1`)).json()
    expect(body.enforcement.hiddenDangers.overdue).toBe(overdue.counts.hidden_danger)
    expect(body.enforcement.violations.overdue).toBe(overdue.counts.violation)
    expect(body.enforcement.hiddenDangers.overdue + body.enforcement.violations.overdue).toBeGreaterThan(0)

    const enterprises = await app.db('enterprise').whereLike('division_code', `${COUNTY}%`).count<{ n: string }[]>({ n: '*' }).first()
    expect(body.enforcement.enterprises).toBe(Number(enterprises!.n))
    const penalties = await app
      .db('penalty as p')
      .join('enterprise as e', 'e.id', 'p.enterprise_id')
      .whereLike('e.division_code', `${COUNTY}%`)
      .where('p.decided_at', '>=', body.since)
      .first(app.db.raw('count(*)::int AS n'), app.db.raw('coalesce(sum(p.amount_yuan), 0)::float8 AS yuan'))
    expect(body.enforcement.penalties).toMatchObject({ count: penalties.n, amountYuan: penalties.yuan })
    const inspections = await app
      .db('inspection as i')
      .join('enterprise as e', 'e.id', 'i.enterprise_id')
      .whereLike('e.division_code', `${COUNTY}%`)
      .where('i.inspected_at', '>=', body.since)
      .first(app.db.raw('count(*)::int AS n'))
    expect(body.enforcement.inspections.done).toBe(inspections.n)
    expect(body.enforcement.inspections.done).toBeGreaterThan(0)
    const open = await app
      .db('hidden_danger as h')
      .join('enterprise as e', 'e.id', 'h.enterprise_id')
      .whereLike('e.division_code', `${COUNTY}%`)
      .where('h.status', 'open')
      .first(app.db.raw('count(*)::int AS n'))
    expect(body.enforcement.hiddenDangers.open).toBe(open.n)
  })

  it('counts resources inside and near the county, and lists the nearest rescue teams nearest first', async () => {
    const body = await report(COUNTY)
    const { rows } = await app.db.raw<{ rows: Array<{ kind: string; inside: number; near: number }> }>(
      `SELECT r.kind, count(*) FILTER (WHERE ST_Intersects(r.geom, d.geom))::int AS inside,
         count(*) FILTER (WHERE ST_DWithin(r.geom::geography, d.geom::geography, 5000))::int AS near
       FROM resource r, division d WHERE d.code = ? GROUP BY r.kind`,
      [COUNTY],
    )
    for (const kind of body.resources.byKind) {
      const expected = rows.find((r) => r.kind === kind.kind)
      expect(kind, kind.kind).toEqual({ kind: kind.kind, inside: expected?.inside ?? 0, near: expected?.near ?? 0 })
      expect(kind.near).toBeGreaterThanOrEqual(kind.inside)
    }
    const teams = body.resources.nearestTeams
    expect(teams).toHaveLength(5)
    const insideTeams = rows.find((r) => r.kind === 'rescue_team')?.inside ?? 0
    expect(teams.filter((t) => t.distanceM === 0)).toHaveLength(Math.min(5, insideTeams))
    for (let i = 1; i < teams.length; i++) {
      const [a, b] = [teams[i - 1]!, teams[i]!]
      expect(a.distanceM < b.distanceM || (a.distanceM === b.distanceM && a.centreDistanceM <= b.centreDistanceM)).toBe(true)
    }
  })

  it('gives the change history of the county: totals like GET /api/changes, twelve months, the latest changes', async () => {
    const body = await report(COUNTY)
    const changes = (await app.inject(`/api/changes?since=${body.since}&region=${COUNTY}&limit=5000`)).json()
    type Item = { before: number; after: number; firstGraded: boolean }
    const firstGraded = changes.items.filter((c: Item) => c.firstGraded && c.after !== c.before).length
    const raised = changes.items.filter((c: Item) => !c.firstGraded && c.after > c.before).length
    const lowered = changes.items.filter((c: Item) => !c.firstGraded && c.after < c.before).length
    expect(body.changes.firstGraded).toBe(firstGraded)
    expect(body.changes.raised).toBe(raised)
    expect(body.changes.lowered).toBe(lowered)
    // The demo's full grading run is the first grading of every graded cell: counted as such, not as raised.
    expect(body.changes.firstGraded).toBeGreaterThan(0)
    expect(body.changes.months).toHaveLength(12)
    expect(body.changes.months.at(-1)!.month).toBe(body.today.slice(0, 7))
    expect(body.changes.months.reduce((sum, m) => sum + m.firstGraded, 0)).toBeGreaterThanOrEqual(body.changes.firstGraded)
    expect(body.changes.months.reduce((sum, m) => sum + m.raised, 0)).toBeGreaterThanOrEqual(body.changes.raised)
    expect(body.changes.recent.length).toBe(Math.min(10, changes.items.length))
    expect(body.changes.recent[0]!.h3).toBe(changes.items[0].h3)
  })

  it('draws the map of a county with its analysis cells and of the city with coarser cells', async () => {
    const county = await report(COUNTY)
    expect(county.map.res).toBe(8)
    const graded = Object.entries(county.region.cells)
      .filter(([l]) => l !== '0')
      .reduce((a, [, n]) => a + n, 0)
    // Cells that touch the county, so at least those mapped into it.
    expect(county.map.cells.length).toBeGreaterThanOrEqual(graded)
    expect(county.map.outline.type).toMatch(/Polygon$/)
    const [minLon, minLat, maxLon, maxLat] = county.region.bbox
    for (const cell of county.map.cells.slice(0, 50)) {
      expect(cell.level).toBeGreaterThan(0)
      for (const [lon, lat] of cell.ring) {
        expect(lon).toBeGreaterThan(minLon - 0.05)
        expect(lon).toBeLessThan(maxLon + 0.05)
        expect(lat).toBeGreaterThan(minLat - 0.05)
        expect(lat).toBeLessThan(maxLat + 0.05)
      }
    }

    const city = await report('210100')
    expect(city.region.rank).toBe('city')
    expect(city.map.res).toBeLessThan(8)
    expect(city.map.cells.length).toBeGreaterThan(0)
    expect(city.map.cells.length).toBeLessThanOrEqual(3000)
  })

  it('reports on a management grid by its code', async () => {
    const grid = await app.db('mgmt_grid').orderBy('id').first('id', 'code', 'name')
    const body = await report(grid.code)
    expect(body.region).toMatchObject({ kind: 'mgmt_grid', key: String(grid.id), code: grid.code, name: grid.name, rank: 'grid' })
    expect(body.dataVersion).toBeGreaterThan(0)
  })

  it('answers 404 naming an unknown region, 400 for a malformed key, 401 without a session', async () => {
    const unknown = await app.inject('/api/regions/999999/report')
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error).toMatchObject({ code: 'not_found', message: expect.stringContaining('999999') })

    const malformed = await app.inject('/api/regions/bad%20key/report')
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().error.details[0].field).toBe('key')

    const anonymous = await buildTestApp({}, { as: null })
    try {
      expect((await anonymous.inject(`/api/regions/${COUNTY}/report`)).statusCode).toBe(401)
    } finally {
      await anonymous.close()
    }
  })
})
