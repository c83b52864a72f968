import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { wgs84ToGcj02 } from '../../server/domain/coords'
import { RESOURCE_KINDS } from '../../server/domain/resources'
import { buildTestApp } from '../helpers/app'

// Read-only checks of GET /api/incident/context on the shared graded demo database.
let app: FastifyInstance

beforeAll(async () => {
  app = await buildTestApp()
})
afterAll(async () => {
  await app.close()
})

type Rows<T> = { rows: T[] }

/**
 * Runs `work` until the sources, cells and shelters of the shared demo database are the same
 * before and after it: other test files may write and regrade it meanwhile.
 */
async function whileUnchanged<T>(work: () => Promise<T>): Promise<T> {
  const fingerprint = async () =>
    (
      await app.db.raw<Rows<{ f: string }>>(
        `SELECT concat_ws('|',
         (SELECT md5(string_agg(h3 || level || stale, ',' ORDER BY h3)) FROM cell WHERE res = 8),
         (SELECT md5(string_agg(concat_ws(',', id, status, is_major, ST_AsText(geom)), ';' ORDER BY id)) FROM hidden_danger),
         (SELECT md5(string_agg(concat_ws(',', id, level, ST_AsText(geom)), ';' ORDER BY id)) FROM area_assessment),
         (SELECT md5(string_agg(concat_ws(',', id, level, grade, r, ST_AsText(geom)), ';' ORDER BY id)) FROM major_hazard),
         (SELECT md5(string_agg(concat_ws(',', id, major_hazard_id, q_t), ';' ORDER BY id)) FROM major_hazard_substance),
         (SELECT md5(string_agg(concat_ws(',', id, kind, status, ST_AsText(geom)), ';' ORDER BY id)) FROM resource)) AS f`,
      )
    ).rows[0]!.f
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await fingerprint()
    const result = await work()
    if ((await fingerprint()) === before) return result
  }
  throw new Error('the demo database kept changing under the test')
}

async function context(query: string) {
  const res = await app.inject(`/api/incident/context?${query}`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

/** Ids of rows of `table` whose geometry comes within `radiusM` of the point (exact, no pre-filter). */
async function within(table: string, extra: string, lon: number, lat: number, radiusM: number, key = 'id'): Promise<string[]> {
  const { rows } = await app.db.raw<Rows<{ key: string }>>(
    `SELECT ${key}::text AS key FROM ${table} WHERE ${extra}
       AND ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(?::float8, ?::float8), 4326)::geography, true) <= ?
     ORDER BY 1`,
    [lon, lat, radiusM],
  )
  return rows.map((r) => r.key)
}

const sorted = (xs: Array<string | number>) => xs.map(String).sort()

describe('GET /api/incident/context', () => {
  it('at a major hazard installation lists it with its enterprise and substances', async () => {
    const { hazard, body, nearby, row, substances } = await whileUnchanged(async () => {
      const { rows } = await app.db.raw<Rows<{ id: string; lon: number; lat: number; enterprise: string }>>(
        `SELECT m.id, ST_X(m.geom) AS lon, ST_Y(m.geom) AS lat, e.name AS enterprise
         FROM major_hazard m JOIN enterprise e ON e.id = m.enterprise_id
         WHERE (SELECT count(*) FROM major_hazard_substance s WHERE s.major_hazard_id = m.id) >= 1
         ORDER BY (SELECT count(*) FROM major_hazard_substance s WHERE s.major_hazard_id = m.id) DESC, m.id LIMIT 1`,
      )
      const hazard = rows[0]!
      return {
        hazard,
        body: await context(`lon=${hazard.lon}&lat=${hazard.lat}&radiusM=1500`),
        nearby: await within('major_hazard', 'TRUE', hazard.lon, hazard.lat, 1500),
        row: await app.db('major_hazard').where({ id: hazard.id }).first(),
        substances: (await app
          .db('major_hazard_substance')
          .where({ major_hazard_id: hazard.id })
          .select('name', 'cas', 'hazard_class', 'q_t', 'critical_q_t')) as Array<Record<string, unknown>>,
      }
    })
    expect(body.query).toEqual({ lon: hazard.lon, lat: hazard.lat, crs: 'wgs84', radiusM: 1500 })
    const listed = body.riskSources.majorHazards.find((m: { id: number }) => m.id === Number(hazard.id))
    expect(listed).toBeDefined()
    expect(listed.distanceM).toBe(0)
    expect(listed.enterprise.name).toBe(hazard.enterprise)
    expect(listed).toMatchObject({ name: row.name, level: row.level, grade: row.grade, r: row.r })
    expect(listed.substances).toHaveLength(substances.length)
    expect(listed.substances).toEqual(
      expect.arrayContaining(substances.map((s) => ({ name: s.name, cas: s.cas, hazardClass: s.hazard_class, qT: s.q_t, criticalQT: s.critical_q_t }))),
    )
    // every installation within the radius, no more, nearest first
    expect(sorted(body.riskSources.majorHazards.map((m: { id: number }) => m.id))).toEqual(nearby)
    const distances = body.riskSources.majorHazards.map((m: { distanceM: number }) => m.distanceM)
    expect(distances).toEqual([...distances].sort((a, b) => a - b))
  })

  it('lists exactly the cells, hidden dangers, areas and shelters within the radius', async () => {
    const radiusM = 5000
    const { body, expected } = await whileUnchanged(async () => {
      const { rows } = await app.db.raw<Rows<{ lon: number; lat: number }>>(
        `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM hidden_danger WHERE is_major AND status = 'open' ORDER BY id LIMIT 1`,
      )
      const { lon, lat } = rows[0]!
      return {
        body: await context(`lon=${lon}&lat=${lat}&radiusM=${radiusM}`),
        expected: {
          cells: await within('cell', 'res = 8', lon, lat, radiusM, 'h3'),
          dangers: await within('hidden_danger', "is_major AND status <> 'verified'", lon, lat, radiusM),
          areas: await within('area_assessment', 'TRUE', lon, lat, radiusM),
          shelters: await within('resource', "kind = 'shelter'", lon, lat, radiusM),
        },
      }
    })
    expect(sorted(body.cells.map((c: { h3: string }) => c.h3))).toEqual(expected.cells)
    expect(body.cells.length).toBeGreaterThan(0)
    expect(body.cells[0]).toEqual({
      h3: expect.any(String),
      level: expect.any(Number),
      stale: expect.any(Boolean),
      rule: expect.any(String),
      distanceM: expect.any(Number),
    })
    const dangers = body.riskSources.hiddenDangers
    expect(sorted(dangers.map((h: { id: number }) => h.id))).toEqual(expected.dangers)
    expect(dangers[0].distanceM).toBe(0)
    expect(dangers[0]).toMatchObject({ status: 'open', enterprise: { name: expect.any(String) } })
    expect(sorted(body.riskSources.areaAssessments.map((a: { id: number }) => a.id))).toEqual(expected.areas)
    expect(sorted(body.shelters.map((s: { id: number }) => s.id))).toEqual(expected.shelters)
    for (const s of body.shelters) {
      expect(s.capacity).toBeGreaterThan(0)
      expect(s.distanceM).toBeLessThanOrEqual(radiusM)
    }
  })

  it('finds an area assessment the incident lies in, at distance 0', async () => {
    const { area, body } = await whileUnchanged(async () => {
      const { rows } = await app.db.raw<Rows<{ id: string; lon: number; lat: number }>>(
        'SELECT id, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM area_assessment ORDER BY id LIMIT 1',
      )
      const area = rows[0]!
      return { area, body: await context(`lon=${area.lon}&lat=${area.lat}&radiusM=100`) }
    })
    const listed = body.riskSources.areaAssessments.find((a: { id: number }) => a.id === Number(area.id))
    expect(listed).toMatchObject({ distanceM: 0, level: expect.any(Number), assessor: expect.any(String) })
  })

  it('gives the three nearest available resources of each kind, as the nearest query does', async () => {
    const [lon, lat] = [123.43, 41.8]
    const body = await context(`lon=${lon}&lat=${lat}`)
    expect(Object.keys(body.nearestByKind).sort()).toEqual([...RESOURCE_KINDS].sort())
    for (const kind of RESOURCE_KINDS) {
      const expected = (await app.inject(`/api/resources/nearest?lon=${lon}&lat=${lat}&k=3&kind=${kind}`)).json().items
      expect(body.nearestByKind[kind]).toEqual(expected)
      expect(expected).toHaveLength(3)
      for (const item of expected) expect(item).toMatchObject({ kind, status: 'available' })
    }
    expect(body.nearestByKind.shelter[0]).toHaveProperty('capacity')
    expect(body.nearestByKind.rescue_team[0]).toHaveProperty('headcount')
    expect(body.nearestByKind.depot[0].items.length).toBeGreaterThan(0)
  })

  it('converts a GCJ-02 incident point to WGS 84', async () => {
    const [lon, lat] = [123.43, 41.8]
    const [x, y] = wgs84ToGcj02(lon, lat)
    const body = await context(`lon=${x}&lat=${y}&crs=gcj02&radiusM=1000`)
    expect(body.query.crs).toBe('gcj02')
    expect(body.query.lon).toBeCloseTo(lon, 6)
    expect(body.query.lat).toBeCloseTo(lat, 6)
  })

  it.each([
    ['negative radius', 'lon=123.4&lat=41.8&radiusM=-1', 'radiusM'],
    ['zero radius', 'lon=123.4&lat=41.8&radiusM=0', 'radiusM'],
    ['radius above 50 km', 'lon=123.4&lat=41.8&radiusM=50001', 'radiusM'],
    ['radius not a number', 'lon=123.4&lat=41.8&radiusM=far', 'radiusM'],
    ['longitude out of range', 'lon=-180.5&lat=41.8', 'lon'],
    ['latitude out of range', 'lon=123.4&lat=91', 'lat'],
    ['longitude missing', 'lat=41.8', 'lon'],
    ['unknown crs', 'lon=123.4&lat=41.8&crs=utm', 'crs'],
  ])('rejects %s with 400 naming the parameter', async (_name, query, field) => {
    const res = await app.inject(`/api/incident/context?${query}`)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().error.code).toBe('invalid_input')
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field)
  })
})
