/**
 * The demo city's four-colour picture in numbers (docs/region-grading.md, "The demo city"): the
 * share of its area at each level, city-wide and per district, and the district grades. Read by
 * `npm run demo-shares` and by the test that keeps the demo within its target ranges.
 */
import type { Knex } from 'knex'
import { cellArea } from 'h3-js'
import type { Level } from '../domain/levels'
import type { RuleSet } from '../domain/rules'
import { gradeCells, zoneRows } from '../grading/engine'
import { areaSource, enterpriseSources, type EnterpriseRecords, type PointSource } from '../grading/sources'
import type { DemoTables } from './generate'

/** Target share of the graded area (cells with a level) per level, [min, max], 0–1. */
export const DEMO_TARGET_SHARES: Readonly<Record<'1' | '2' | '3' | '4', readonly [number, number]>> = {
  4: [0.02, 0.08],
  3: [0.06, 0.16],
  2: [0.2, 0.4],
  1: [0.4, 0.7],
}

export interface DemoShares {
  /** Share of the city's whole area at each level 0..4 (0: no identified source). */
  city: Record<string, number>
  /** Share of the graded area (level ≥ 1) at each level 1..4. */
  graded: Record<string, number>
  /** Districts and counties (rank county): grade, highest cell level, shares. */
  districts: Array<{ code: string; name: string; level: number; highestLevel: number; shares: Record<string, number> }>
}

/** Reads the shares from the graded tables (region_level of the city and its counties). */
export async function demoShares(db: Knex): Promise<DemoShares> {
  const rows = (await db('division as d')
    .join('region_level as l', function () {
      this.on('l.region_key', '=', 'd.code').andOnVal('l.region_kind', '=', 'division')
    })
    .whereIn('d.rank', ['city', 'county'])
    .orderBy('d.code')
    .select('d.code', 'd.name', 'd.rank', 'l.level', 'l.max_level', 'l.shares')) as Array<{
    code: string
    name: string
    rank: string
    level: number
    max_level: number
    shares: Record<string, number>
  }>
  const city = rows.find((r) => r.rank === 'city')
  if (!city) throw new Error('no graded city: load the demo and run a full regrade first')
  const gradedTotal = ['1', '2', '3', '4'].reduce((sum, k) => sum + (city.shares[k] ?? 0), 0)
  const graded = Object.fromEntries(['1', '2', '3', '4'].map((k) => [k, gradedTotal > 0 ? (city.shares[k] ?? 0) / gradedTotal : 0]))
  return {
    city: city.shares,
    graded,
    districts: rows
      .filter((r) => r.rank === 'county')
      .map((r) => ({ code: r.code, name: r.name, level: r.level, highestLevel: r.max_level, shares: r.shares })),
  }
}

/**
 * The city-wide shares of the graded area per level of a generated demo set, computed without a
 * database by the grading engine's own pure steps (sources, impact zones, cell levels), weighted by
 * each cell's geodesic area. Equals what a full regrade of the loaded set stores at `res`.
 */
export function generatedDemoShares(tables: DemoTables, now: Date, res: number, rules: RuleSet): Record<'1' | '2' | '3' | '4', number> {
  const day = (s: string | null) => (s === null ? null : new Date(`${s}T00:00:00Z`))
  const xy = (g: { coordinates: number[] }) => ({ lon: g.coordinates[0]!, lat: g.coordinates[1]! })
  const byEnterprise = <T extends { enterprise_id: number }>(rows: readonly T[]) => {
    const map = new Map<number, T[]>()
    for (const r of rows) {
      let list = map.get(r.enterprise_id)
      if (!list) map.set(r.enterprise_id, (list = []))
      list.push(r)
    }
    return map
  }
  const hazards = byEnterprise(tables.major_hazard)
  const risks = byEnterprise(tables.safety_risk)
  const dangers = byEnterprise(tables.hidden_danger.filter((h) => h.status !== 'verified'))
  const points: PointSource[] = []
  for (const e of tables.enterprise) {
    const records: EnterpriseRecords = {
      id: e.id,
      industry: e.industry,
      highHazard: e.high_hazard,
      reportDueAt: day(e.report_due_at),
      impactRadiusM: e.impact_radius_m,
      ...xy(e.geom),
      majorHazards: (hazards.get(e.id) ?? []).map((m) => ({
        id: m.id,
        level: m.level as Level,
        impactRadiusM: m.impact_radius_m,
        reportedAt: day(m.reported_at)!,
        validUntil: day(m.valid_until),
        ...xy(m.geom),
      })),
      safetyRisks: (risks.get(e.id) ?? []).map((r) => ({
        id: r.id,
        level: r.level as Level,
        impactRadiusM: r.impact_radius_m,
        assessedAt: day(r.assessed_at)!,
        validUntil: day(r.valid_until),
        ...xy(r.geom),
      })),
      hiddenDangers: (dangers.get(e.id) ?? []).map((h) => ({ id: h.id, isMajor: h.is_major, status: h.status, ...xy(h.geom) })),
    }
    points.push(...enterpriseSources(records, now, rules).sources)
  }
  const areas = tables.area_assessment.map((a) =>
    areaSource({ id: a.id, level: a.level as Level, assessedAt: day(a.assessed_at)!, validUntil: day(a.valid_until), geometry: a.geom }, now, rules),
  )
  const cells = gradeCells(zoneRows(points, areas, res), rules)
  const area = { '1': 0, '2': 0, '3': 0, '4': 0 }
  for (const cell of cells.values()) if (cell.level > 0) area[String(cell.level) as '1'] += cellArea(cell.h3, 'km2')
  const total = area['1'] + area['2'] + area['3'] + area['4']
  return { '1': area['1'] / total, '2': area['2'] / total, '3': area['3'] / total, '4': area['4'] / total }
}
