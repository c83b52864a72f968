import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/app'
import { signIn, type TestSession } from '../helpers/auth'
import { cellsAsOf } from '../../server/modules/history/repository'
import { handledReports } from '../helpers/reports'

// The charts' aggregates (/api/charts/*, web/charts.html) on the shared demo database, each checked
// against SQL of the test's own or another route's answer, for an unlimited reader and in scope.

let app: FastifyInstance
let inspector: TestSession
let gridWorker: TestSession
/** Reports of the test's own: closed after 1, 3 and 8 days, and one open past its deadline. */
let reports: Array<{ id: number; departmentId: number | null }>

type Counts = Record<'1' | '2' | '3' | '4', number>

async function get<T>(url: string, session?: TestSession): Promise<T> {
  const res = await app.inject({ url, headers: session?.headers })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as T
}

beforeAll(async () => {
  app = await buildTestApp()
  inspector = await signIn(app, 'inspector')
  gridWorker = await signIn(app, 'grid_worker')
  reports = await handledReports(app, [1, 3, 8, null])
})
afterAll(async () => {
  await app?.close()
})

describe('GET /api/charts/levels-by-district', () => {
  it('lists every county with the grade, highest level and area shares region_level holds', async () => {
    const body = await get<{
      ruleVersion: string
      items: Array<{ code: string; name: string; level: number; highestLevel: number; shares: Record<string, number> }>
    }>('/api/charts/levels-by-district')
    const counties = (await app.db('division').where({ rank: 'county' }).orderBy('code').select('code', 'name')) as Array<{ code: string; name: string }>
    expect(body.items.map((i) => [i.code, i.name])).toEqual(counties.map((c) => [c.code, c.name]))
    const stored = new Map(
      (
        (await app.db('region_level').where({ region_kind: 'division' }).select('region_key', 'level', 'max_level', 'shares')) as Array<{
          region_key: string
          level: number
          max_level: number
          shares: Record<string, number>
        }>
      ).map((r) => [r.region_key, r]),
    )
    let graded = 0
    for (const item of body.items) {
      const row = stored.get(item.code)
      if (!row) {
        expect(item).toMatchObject({ level: 0, highestLevel: 0, shares: { 0: 1 } })
        continue
      }
      graded += 1
      expect(item.level).toBe(row.level)
      expect(item.highestLevel).toBe(row.max_level)
      expect(item.shares).toEqual(row.shares)
      expect(Object.values(item.shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4)
    }
    expect(graded, 'the demo grades its counties').toBeGreaterThan(0)
  })
})

describe('GET /api/charts/level-history', () => {
  it('gives, for every day a level changed, the cells at each level that the history replays at the end of that day', async () => {
    const body = await get<{ resolution: number; cellAreaKm2: number; days: Array<{ day: string; cells: Counts }> }>('/api/charts/level-history')
    expect(body.resolution).toBe(app.grading.res)
    expect(body.cellAreaKm2).toBeGreaterThan(0)
    expect(body.days.length).toBeGreaterThan(0)
    const days = body.days.map((d) => d.day)
    expect(days).toEqual([...days].sort())
    const recorded = (await app
      .db('cell_level_history')
      .where({ res: body.resolution })
      .select(app.db.raw(`DISTINCT to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day`))) as Array<{ day: string }>
    expect(days).toEqual(recorded.map((r) => r.day).sort())
    // The first, a middle and the last day (the last one up to now: other test files may grade meanwhile, not before).
    for (const d of new Set([body.days[0]!, body.days[body.days.length >> 1]!, body.days[body.days.length - 1]!])) {
      const end = new Date(Math.min(Date.parse(`${d.day}T00:00:00Z`) + 86_400_000 - 1, Date.now()))
      const cells = await cellsAsOf(app.db, body.resolution, end)
      const expected: Counts = { 1: 0, 2: 0, 3: 0, 4: 0 }
      for (const c of cells) if (c.level > 0) expected[String(c.level) as keyof Counts] += 1
      expect(d.cells, d.day).toEqual(expected)
    }
  })
})

describe('GET /api/charts/sources', () => {
  async function expected(where: string, bindings: Array<string | number>) {
    const { rows } = await app.db.raw(
      `SELECT 'major_hazard' AS kind, m.level, count(*)::int AS n FROM major_hazard m JOIN enterprise e ON e.id = m.enterprise_id WHERE ${where} GROUP BY 2
       UNION ALL SELECT 'safety_risk', s.level, count(*)::int FROM safety_risk s JOIN enterprise e ON e.id = s.enterprise_id WHERE ${where} GROUP BY 2
       UNION ALL SELECT 'hidden_danger', 4, count(*)::int FROM hidden_danger h JOIN enterprise e ON e.id = h.enterprise_id WHERE h.is_major AND h.status IN ('open', 'rectified') AND ${where}`,
      [...bindings, ...bindings, ...bindings],
    )
    const out: Record<string, Counts> = {}
    for (const k of ['major_hazard', 'safety_risk', 'hidden_danger']) out[k] = { 1: 0, 2: 0, 3: 0, 4: 0 }
    for (const r of rows as Array<{ kind: string; level: number; n: number }>) out[r.kind]![String(r.level) as keyof Counts] += r.n
    return out
  }

  it('counts every source per kind and level for an unlimited reader', async () => {
    const body = await get<{ kinds: Record<string, Counts> }>('/api/charts/sources')
    const want = await expected('TRUE', [])
    for (const k of ['major_hazard', 'safety_risk', 'hidden_danger']) expect(body.kinds[k], k).toEqual(want[k])
    const areas = (await app.db('area_assessment').select('level').count('* as n').groupBy('level')) as Array<{ level: number; n: string }>
    const wantAreas: Counts = { 1: 0, 2: 0, 3: 0, 4: 0 }
    for (const a of areas) wantAreas[String(a.level) as keyof Counts] = Number(a.n)
    expect(body.kinds.area_assessment).toEqual(wantAreas)
    expect(body.kinds.major_hazard![4] + body.kinds.hidden_danger![4], 'the demo has red sources').toBeGreaterThan(0)
  })

  it("counts only an inspector's jurisdiction and a grid worker's grid", async () => {
    const prefix = inspector.user.divisionPrefix!
    const mine = await get<{ kinds: Record<string, Counts> }>('/api/charts/sources', inspector)
    const want = await expected('e.division_code LIKE ?', [`${prefix}%`])
    for (const k of ['major_hazard', 'safety_risk', 'hidden_danger']) expect(mine.kinds[k], k).toEqual(want[k])
    const areas = Number(((await app.db('area_assessment').whereLike('division_code', `${prefix}%`).count('* as n').first()) as { n: string }).n)
    expect(Object.values(mine.kinds.area_assessment!).reduce((a, b) => a + b, 0)).toBe(areas)
    const all = await get<{ kinds: Record<string, Counts> }>('/api/charts/sources')
    const total = (k: Record<string, Counts>) =>
      Object.values(k)
        .flatMap((c) => Object.values(c))
        .reduce((a, b) => a + b, 0)
    expect(total(mine.kinds)).toBeLessThan(total(all.kinds))
    const grid = await get<{ kinds: Record<string, Counts> }>('/api/charts/sources', gridWorker)
    const wantGrid = await expected('e.mgmt_grid_id = ?', [gridWorker.user.mgmtGridId!])
    for (const k of ['major_hazard', 'safety_risk', 'hidden_danger']) expect(grid.kinds[k], k).toEqual(wantGrid[k])
  })
})

describe('GET /api/charts/departments', () => {
  interface Item {
    departmentId: number | null
    name: string | null
    divisionName: string | null
    overdueHiddenDangers: number
    overdueViolations: number
    reportsClosed: number
    medianHandlingDays: number | null
    meanHandlingDays: number | null
    reportsOpenOverdue: number
  }
  const sum = (items: Item[], f: (i: Item) => number) => items.reduce((a, i) => a + f(i), 0)

  it('splits the overdue list among the departments, and times the closed reports', async () => {
    const { items } = await get<{ items: Item[] }>('/api/charts/departments')
    const overdue = await get<{ counts: { hidden_danger: number; violation: number } }>('/api/enforcement/overdue?limit=1')
    expect(sum(items, (i) => i.overdueHiddenDangers)).toBe(overdue.counts.hidden_danger)
    expect(sum(items, (i) => i.overdueViolations)).toBe(overdue.counts.violation)
    expect(overdue.counts.hidden_danger + overdue.counts.violation, 'the demo has overdue rectifications').toBeGreaterThan(0)
    for (let i = 1; i < items.length; i++) {
      expect(items[i]!.overdueHiddenDangers + items[i]!.overdueViolations).toBeLessThanOrEqual(
        items[i - 1]!.overdueHiddenDangers + items[i - 1]!.overdueViolations,
      )
    }
    for (const i of items.filter((x) => x.departmentId !== null)) expect(i.name, `department ${i.departmentId}`).toBeTruthy()
    // One department's figures from SQL of the test's own.
    const busiest = items.filter((i) => i.departmentId !== null).sort((a, b) => b.overdueHiddenDangers - a.overdueHiddenDangers)[0]!
    const [{ n }] = (await app
      .db('hidden_danger as h')
      .join('enterprise as e', 'e.id', 'h.enterprise_id')
      .where({ 'h.status': 'open', 'e.industry_department_id': busiest.departmentId })
      .whereRaw('h.deadline < current_date')
      .count('* as n')) as Array<{ n: string }>
    expect(busiest.overdueHiddenDangers).toBe(Number(n))
    const closed = (await app
      .db('public_report')
      .whereIn('status', ['closed', 'rejected'])
      .whereNotNull('closed_at')
      .select('department_id', app.db.raw('extract(epoch FROM (closed_at - created_at)) / 86400.0 AS days'))) as Array<{
      department_id: number | null
      days: number
    }>
    expect(sum(items, (i) => i.reportsClosed)).toBe(closed.length)
    for (const item of items.filter((i) => i.reportsClosed > 0)) {
      const days = closed
        .filter((c) => (c.department_id === null ? null : Number(c.department_id)) === item.departmentId)
        .map((c) => Number(c.days))
        .sort((a, b) => a - b)
      expect(days.length).toBe(item.reportsClosed)
      const median = days.length % 2 ? days[days.length >> 1]! : (days[days.length / 2 - 1]! + days[days.length / 2]!) / 2
      expect(item.medianHandlingDays).toBeCloseTo(median, 1)
    }
    // The test's own reports (one department: same place, same category) are in its figures.
    const own = items.find((i) => i.departmentId === reports[0]!.departmentId)!
    expect(new Set(reports.map((r) => r.departmentId)).size).toBe(1)
    expect(own.reportsClosed).toBeGreaterThanOrEqual(3)
    expect(own.reportsOpenOverdue).toBeGreaterThanOrEqual(1)
    const [{ open }] = (await app
      .db('public_report')
      .whereNotIn('status', ['closed', 'rejected'])
      .whereRaw('deadline_at < now()')
      .count('* as open')) as Array<{ open: string }>
    expect(sum(items, (i) => i.reportsOpenOverdue)).toBe(Number(open))
  })

  it("counts an inspector's jurisdiction only", async () => {
    const { items } = await get<{ items: Item[] }>('/api/charts/departments', inspector)
    const overdue = await get<{ counts: { hidden_danger: number; violation: number } }>('/api/enforcement/overdue?limit=1', inspector)
    expect(sum(items, (i) => i.overdueHiddenDangers)).toBe(overdue.counts.hidden_danger)
    expect(sum(items, (i) => i.overdueViolations)).toBe(overdue.counts.violation)
    const { items: all } = await get<{ items: Item[] }>('/api/charts/departments')
    expect(sum(items, (i) => i.overdueHiddenDangers + i.overdueViolations)).toBeLessThan(sum(all, (i) => i.overdueHiddenDangers + i.overdueViolations))
    const reports = await get<{ total: number }>('/api/reports?limit=1', inspector)
    const [{ closedOrOpen }] = (await app
      .db('public_report')
      .whereLike('division_code', `${inspector.user.divisionPrefix}%`)
      .count('* as closedOrOpen')) as Array<{ closedOrOpen: string }>
    expect(reports.total).toBe(Number(closedOrOpen))
    expect(sum(items, (i) => i.reportsClosed)).toBeLessThanOrEqual(reports.total)
  })
})
