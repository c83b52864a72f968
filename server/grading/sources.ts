/**
 * Grading sources (docs/domain.md §3–§4.1): from an enterprise's records to its level and the point sources
 * it puts on the map, and from an area assessment to an area source. Pure functions.
 */
import type { MultiPolygon, Polygon } from 'geojson'
import { enterpriseLevel, isUnverifiedMajorHiddenDanger, type EnterpriseLevelResult, type HiddenDangerStatus } from '../domain/enterprise-level'
import { impactRadiusM, isStale } from '../domain/cell-level'
import type { Level } from '../domain/levels'
import type { RuleSet } from '../domain/rules'

export type PointSourceKind = 'enterprise' | 'major_hazard' | 'safety_risk' | 'hidden_danger'

/** An enterprise and every record that grades it, as loaded from the database. */
export interface EnterpriseRecords {
  id: number
  industry: string | null
  highHazard: boolean
  /** When the enterprise's next risk report is due; past it the enterprise is overdue (its data stale). */
  reportDueAt: Date | null
  /** Impact radius the enterprise reported for itself, metres (used for its baseline source). */
  impactRadiusM: number | null
  lon: number
  lat: number
  /** The point is only the label point of the division the enterprise's address names (located_by division). */
  approximate?: boolean
  majorHazards: Array<{ id: number; level: Level; impactRadiusM: number | null; reportedAt: Date; validUntil: Date | null; lon: number; lat: number }>
  safetyRisks: Array<{ id: number; level: Level; impactRadiusM: number | null; assessedAt: Date; validUntil: Date | null; lon: number; lat: number }>
  hiddenDangers: Array<{ id: number; isMajor: boolean; status: HiddenDangerStatus; lon: number; lat: number }>
}

/** A source located at a point with an impact radius (metres). */
export interface PointSource {
  kind: PointSourceKind
  id: number
  enterpriseId: number
  level: Level
  lon: number
  lat: number
  radiusM: number
  stale: boolean
}

/** A public-area assessment: its polygon influences the cells it intersects. */
export interface AreaSource {
  kind: 'area_assessment'
  id: number
  level: Level
  geometry: Polygon | MultiPolygon
  stale: boolean
}

/**
 * The enterprise's level and its point sources: every major hazard and safety risk, every major
 * hidden danger not yet verified (direct red, docs/domain.md §3.3), or — when it reports nothing — one
 * baseline source at the enterprise itself. An enterprise overdue on reporting makes all its
 * reported sources stale.
 */
export function enterpriseSources(e: EnterpriseRecords, now: Date, rules: RuleSet): { grade: EnterpriseLevelResult; sources: PointSource[] } {
  const grade = enterpriseLevel(
    {
      industry: e.industry,
      highHazard: e.highHazard,
      majorHazards: e.majorHazards.map(({ id, level }) => ({ id, level })),
      safetyRisks: e.safetyRisks.map(({ id, level }) => ({ id, level })),
      hiddenDangers: e.hiddenDangers.map(({ id, isMajor, status }) => ({ id, isMajor, status })),
    },
    rules,
  )
  const overdue = e.reportDueAt !== null && e.reportDueAt.getTime() < now.getTime()
  const sources: PointSource[] = []
  for (const m of e.majorHazards) {
    if (m.level === 0) continue
    sources.push({
      kind: 'major_hazard',
      id: m.id,
      enterpriseId: e.id,
      level: m.level,
      lon: m.lon,
      lat: m.lat,
      radiusM: impactRadiusM(m.level, m.impactRadiusM, rules),
      stale: overdue || isStale(m.reportedAt, m.validUntil, now, rules),
    })
  }
  for (const r of e.safetyRisks) {
    if (r.level === 0) continue
    sources.push({
      kind: 'safety_risk',
      id: r.id,
      enterpriseId: e.id,
      level: r.level,
      lon: r.lon,
      lat: r.lat,
      radiusM: impactRadiusM(r.level, r.impactRadiusM, rules),
      stale: overdue || isStale(r.assessedAt, r.validUntil, now, rules),
    })
  }
  if (rules.enterprise.directRedOnMajorHiddenDanger) {
    for (const h of e.hiddenDangers) {
      if (!isUnverifiedMajorHiddenDanger(h)) continue
      // A found hidden danger is current until verified: never stale.
      sources.push({
        kind: 'hidden_danger',
        id: h.id,
        enterpriseId: e.id,
        level: 4,
        lon: h.lon,
        lat: h.lat,
        radiusM: impactRadiusM(4, null, rules),
        stale: false,
      })
    }
  }
  if (sources.length === 0 && grade.level > 0) {
    sources.push({
      kind: 'enterprise',
      id: e.id,
      enterpriseId: e.id,
      level: grade.level,
      lon: e.lon,
      lat: e.lat,
      radiusM: impactRadiusM(grade.level, e.impactRadiusM, rules),
      stale: overdue,
    })
  }
  // An approximately located enterprise (docs/domain.md §4): its point stands for a whole division, so
  // nothing placed there grades a cell as if it were precise — neither its baseline nor a record that
  // took the enterprise's position. Its own level is still graded; records with their own position count.
  if (e.approximate) return { grade, sources: sources.filter((s) => s.lon !== e.lon || s.lat !== e.lat) }
  return { grade, sources }
}

/** An area assessment as a source: stale past its validity (or 12 months after assessment). */
export function areaSource(
  a: { id: number; level: Level; assessedAt: Date; validUntil: Date | null; geometry: Polygon | MultiPolygon },
  now: Date,
  rules: RuleSet,
): AreaSource {
  return { kind: 'area_assessment', id: a.id, level: a.level, geometry: a.geometry, stale: isStale(a.assessedAt, a.validUntil, now, rules) }
}
