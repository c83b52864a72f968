import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { latLngToCell } from 'h3-js'
import { createKnex } from '../../server/db/knex'
import { buildTestApp } from '../helpers/app'
import { regionLevel } from '../../server/domain/region-level'
import { DEFAULT_RULES } from '../../server/domain/rules'

// The grading calculators, the explanation of cells and regions, the change feed and full runs,
// on the shared graded demo database.
let app: FastifyInstance

beforeAll(async () => {
  app = await buildTestApp()
})
afterAll(async () => {
  await app?.close()
})

const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload })
const get = (url: string) => app.inject({ method: 'GET', url })

/** Expects a 400 whose details name `field`. */
function expectInvalid(res: Awaited<ReturnType<typeof get>>, field: string) {
  expect(res.statusCode).toBe(400)
  const { error } = res.json()
  expect(error.code).toBe('invalid_input')
  expect(error.details.map((d: { field: string }) => d.field)).toContain(field)
}

describe('POST /api/grading/major-hazard (GB 18218-2018)', () => {
  // A substance with β = 1 (no class, no toxic-gas name) and 100+ residents (α = 2): R = 2 · q/Q.
  const grade = (population500m: number, substances: object[]) => post('/api/grading/major-hazard', { population500m, substances })
  const plain = (q: number, Q = 1) => ({ name: '乙醇', q, Q })

  it.each([
    [50, 100, 1, 4],
    [49.995, 99.99, 2, 3],
    [25, 50, 2, 3],
    [24.995, 49.99, 3, 2],
    [5, 10, 3, 2],
    [4.995, 9.99, 4, 1],
  ])('q/Q = %d with α 2 → R %d → grade %d, level %d', async (ratio, R, grade_, level) => {
    const res = await grade(100, [plain(ratio)])
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ R, alpha: 2, grade: grade_, level, identified: true })
  })

  it.each([
    [0, 0.5],
    [1, 1],
    [29, 1],
    [30, 1.2],
    [49, 1.2],
    [50, 1.5],
    [99, 1.5],
    [100, 2],
    [5000, 2],
  ])('α for %d residents within 500 m is %d', async (population, alpha) => {
    const res = await grade(population, [plain(10)])
    expect(res.json()).toMatchObject({ alpha, R: alpha * 10 })
  })

  it('identifies S exactly at 1 despite floating-point sums, and not below it', async () => {
    expect((await grade(10, [plain(0.7), plain(0.2), plain(0.1)])).json()).toMatchObject({ S: 1, identified: true, R: 1, grade: 4, level: 1 })
    expect((await grade(10, [plain(0.73)])).json()).toMatchObject({ S: 0.73, identified: false, level: 0 })
  })

  it('takes β from the toxic-gas table (name or CAS), the class table, or the explicit value', async () => {
    const res = await grade(10, [
      { name: '液氯', q: 1, Q: 1 },
      { name: 'x', cas: '7783-06-4', q: 1, Q: 1 },
      { name: '丙烷', class: 'w2', q: 1, Q: 1 },
      { name: '光气', beta: 7, q: 1, Q: 1 },
    ])
    expect(res.json().betas).toEqual([4, 5, 1.5, 7])
  })

  it.each([
    ['critical quantity missing', [{ name: 'x', q: 1 }], 10, 'substances[0].Q'],
    ['zero quantity', [{ name: 'x', q: 0, Q: 1 }], 10, 'substances[0].q'],
    ['unknown class', [{ name: 'x', class: 'Q9', q: 1, Q: 1 }], 10, 'substances[0].class'],
    ['negative population', [{ name: 'x', q: 1, Q: 1 }], -1, 'population500m'],
    ['no substances', [], 10, 'substances'],
  ])('rejects %s naming the field', async (_name, substances, population, field) => {
    expectInvalid(await grade(population, substances), field)
  })
})

describe('POST /api/grading/lec and /api/grading/matrix', () => {
  // D = 72 cannot be formed from the standard sets; 75 = 0.5 × 10 × 15 is the smallest D above 70.
  it.each([
    [{ L: 1, E: 10, C: 7 }, 70, 1],
    [{ L: 0.5, E: 10, C: 15 }, 75, 2],
    [{ L: 0.1, E: 6, C: 100 }, 60, 1],
    [{ L: 3, E: 6, C: 7 }, 126, 2],
    [{ L: 0.5, E: 6, C: 100 }, 300, 3],
    [{ L: 3, E: 3, C: 40 }, 360, 4],
  ])('LEC %o → D %d, level %d', async (input, D, level) => {
    const res = await post('/api/grading/lec', input)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ D, level, ruleVersion: expect.any(String) })
  })

  it.each([
    [1, 1, 1, 1],
    [2, 4, 8, 1],
    [3, 3, 9, 2],
    [3, 4, 12, 2],
    [3, 5, 15, 3],
    [4, 4, 16, 3],
    [4, 5, 20, 4],
    [5, 5, 25, 4],
  ])('matrix L %d × S %d = %d → level %d', async (L, S, R, level) => {
    expect((await post('/api/grading/matrix', { L, S })).json()).toMatchObject({ R, level })
  })

  it.each([
    ['/api/grading/lec', { L: 4, E: 6, C: 7 }, 'L'],
    ['/api/grading/lec', { L: 3, E: 5, C: 7 }, 'E'],
    ['/api/grading/lec', { L: 3, E: 6 }, 'C'],
    ['/api/grading/matrix', { L: 2, S: 6 }, 'S'],
    ['/api/grading/matrix', { L: 2.5, S: 3 }, 'L'],
    ['/api/grading/matrix', { L: 2, S: 3, E: 1 }, 'E'],
  ])('%s %o → 400 naming %s', async (url, payload, field) => {
    expectInvalid(await post(url, payload), field)
  })
})

describe('GET /api/uscc/:code (GB 32100-2015)', () => {
  it('accepts a valid code and names the problem of an invalid one', async () => {
    const { uscc } = await app.db('enterprise').first('uscc')
    expect((await get(`/api/uscc/${uscc}`)).json()).toEqual({ valid: true })
    expect((await get(`/api/uscc/${uscc.toLowerCase()}`)).json()).toEqual({ valid: true })
    const wrongCheck = uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0')
    expect((await get(`/api/uscc/${wrongCheck}`)).json()).toMatchObject({ valid: false, reason: expect.stringMatching(/check character expected/) })
    expect((await get('/api/uscc/91210102MA0')).json()).toMatchObject({ valid: false, reason: 'must be 18 characters, got 11' })
    expect((await get(`/api/uscc/${uscc.slice(0, 8)}I${uscc.slice(9)}`)).json().reason).toMatch(/illegal character "I" at position 9/)
  })
})

describe('explanations', () => {
  it('GET /api/cells/:h3 for a red demo cell lists sources that account for its level, each with its rule', async () => {
    const cells = await app.db('cell').where({ res: 8, level: 4 }).select('h3', 'rule').orderBy('h3')
    expect(cells.length).toBeGreaterThan(0)
    const byRule = new Map(cells.map((c: { h3: string; rule: string }) => [c.rule, c.h3]))
    for (const [rule, h3] of byRule) {
      const res = await get(`/api/cells/${h3}`)
      expect(res.statusCode).toBe(200)
      const cell = res.json()
      expect(cell).toMatchObject({ h3, level: 4, rule })
      const levels = cell.sources.map((s: { level: number }) => s.level)
      for (const s of cell.sources) expect(s.ruleText.length).toBeGreaterThan(10)
      if (rule === 'highest') {
        expect(Math.max(...levels)).toBe(4)
      } else {
        // accumulation: n sources one level below raise the cell to red
        expect(Math.max(...levels)).toBe(3)
        expect(levels.filter((l: number) => l === 3).length).toBeGreaterThanOrEqual(3)
      }
    }
  })

  it('GET /api/regions/210106: grade from its area shares, highest cell level, shares summing to 1, named top sources at its highest level', async () => {
    const res = await get('/api/regions/210106')
    expect(res.statusCode).toBe(200)
    const region = res.json()
    expect(region).toMatchObject({ kind: 'division', key: '210106', name: '铁西区' })
    const shares = region.shares as Record<string, number>
    expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3)
    const highest = Math.max(
      ...Object.entries(shares)
        .filter(([, share]) => share > 0)
        .map(([level]) => Number(level)),
    )
    // the grade comes from the shares (rule 2026.2); the highest cell level is reported beside it
    expect(region.highestLevel).toBe(highest)
    expect(region.level).toBe(regionLevel(shares, DEFAULT_RULES).level)
    expect(region.level).toBeGreaterThan(0)
    expect(region.level).toBeLessThanOrEqual(region.highestLevel)
    expect(region.ruleVersion).toBe(DEFAULT_RULES.version)
    expect(region.explanation).toMatch(/of the area is/)
    expect(region.topSources.length).toBeGreaterThan(0)
    for (const s of region.topSources) {
      expect(s.name).toEqual(expect.any(String))
      expect(s.name.length).toBeGreaterThan(0)
    }
    // the sources behind the region's highest cells: at that level, or one below when those cells rose by accumulation
    expect([region.highestLevel, region.highestLevel - 1]).toContain(region.topSources[0].level)
    expect((await get('/api/regions/219999')).statusCode).toBe(404)
  })
})

describe('GET /api/changes', () => {
  it('returns the level changes a write made, with before/after and cause, and filters by region', async () => {
    // A point of 210106 whose cell is not red yet, from a lattice over the district.
    const levels = new Map<string, number>(
      (await app.db('cell').where({ res: 8 }).select('h3', 'level')).map((c: { h3: string; level: number }) => [c.h3, c.level]),
    )
    const { rows } = await app.db.raw<{ rows: Array<{ lon: string; lat: string }> }>(
      `SELECT lon, lat FROM division d CROSS JOIN generate_series(123.20, 123.45, 0.004) AS lon CROSS JOIN generate_series(41.70, 41.85, 0.004) AS lat
       WHERE d.code = '210106' AND ST_Contains(ST_Buffer(d.geom::geography, -500)::geometry, ST_SetSRID(ST_MakePoint(lon, lat), 4326))
       ORDER BY lat, lon`,
    )
    const spot = rows.map((r) => ({ lon: Number(r.lon), lat: Number(r.lat) })).find((p) => (levels.get(latLngToCell(p.lat, p.lon, 8)) ?? 0) < 4)
    expect(spot).toBeDefined()
    const { lon, lat } = spot!
    const h3 = latLngToCell(lat, lon, 8)
    const since = new Date(Date.now() - 1000).toISOString()
    const d = 0.001 // degrees: a ≈ 170 m square, inside the cell's neighbourhood
    const created = await post('/api/area-assessments', {
      name: '变更测试区域',
      kind: 'area',
      assessor: '测试',
      assessedAt: new Date().toISOString().slice(0, 10),
      method: 'stated',
      stated: { level: 4, method: '专家判定' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [lon - d, lat - d],
            [lon + d, lat - d],
            [lon + d, lat + d],
            [lon - d, lat + d],
            [lon - d, lat - d],
          ],
        ],
      },
    })
    expect(created.statusCode).toBe(201)
    const area = created.json()
    expect(area.regrade.changedCells).toBeGreaterThan(0)

    const feed = await get(`/api/changes?since=${encodeURIComponent(since)}&limit=5000`)
    expect(feed.statusCode).toBe(200)
    const item = feed.json().items.find((i: { h3: string }) => i.h3 === h3)
    expect(item).toMatchObject({ before: levels.get(h3) ?? 0, after: 4, cause: { kind: 'area_assessment', id: area.id, action: 'created' } })
    const inRegion = (await get(`/api/changes?since=${encodeURIComponent(since)}&region=210106&limit=5000`)).json().items
    expect(inRegion.map((i: { h3: string }) => i.h3)).toContain(h3)
    const elsewhere = (await get(`/api/changes?since=${encodeURIComponent(since)}&region=210123&limit=5000`)).json().items
    expect(elsewhere.map((i: { h3: string }) => i.h3)).not.toContain(h3)
    expectInvalid(await get('/api/changes?since=yesterday'), 'since')

    // Put the demo back as it was.
    expect((await app.inject({ method: 'DELETE', url: `/api/area-assessments/${area.id}` })).statusCode).toBe(200)
    expect((await app.db('cell').where({ res: 8, h3 }).first('level'))?.level ?? 0).toBe(levels.get(h3) ?? 0)
  })
})

describe('full grading runs', () => {
  async function waitForRun(id: number) {
    for (const started = Date.now(); Date.now() - started < 170_000;) {
      const res = await get(`/api/grading/runs/${id}`)
      // The embedded database has one connection, which the run holds: 503 until it ends.
      if (res.statusCode === 200 && res.json().status !== 'running') return res.json()
      expect([200, 503]).toContain(res.statusCode)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    throw new Error(`run ${id} did not finish`)
  }

  it('POST /api/grading/runs → 202, 409 while it runs, then done with counts', { timeout: 180_000 }, async () => {
    // On a real server a second connection holds the grading lock, so the run is certainly still
    // running when the second POST arrives. The embedded database is one session: no such lock.
    const blocker = inject('embedded') ? null : createKnex({ url: inject('databaseUrl'), embedded: false, statementTimeoutMs: 60_000 })
    const hold = await blocker?.transaction()
    await hold?.raw("SELECT pg_advisory_xact_lock(hashtext('riskmap.grading'))")
    let runId: number
    try {
      const first = await post('/api/grading/runs', {})
      expect(first.statusCode).toBe(202)
      expect(first.json()).toMatchObject({ kind: 'full', status: 'running', ruleVersion: expect.any(String) })
      runId = first.json().id
      if (hold) {
        const second = await post('/api/grading/runs', {})
        expect(second.statusCode).toBe(409)
        expect(second.json().error).toMatchObject({ code: 'conflict', message: `full regrade run ${runId} is still running`, details: [{ runId }] })
      }
    } finally {
      await hold?.rollback()
      await blocker?.destroy()
    }
    const run = await waitForRun(runId!)
    expect(run).toMatchObject({ id: runId!, status: 'done', error: null, finishedAt: expect.any(String) })
    expect(run.counts.enterprises).toBeGreaterThan(1000)
    expect(run.counts.cells).toBeGreaterThan(100)
    expect(run.counts).toHaveProperty('changedCells')
    expect(run.counts).toHaveProperty('regions')
  })
})
