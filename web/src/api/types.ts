import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson'
import type { Level } from './contract'

/** Properties of an enterprise in `GET /api/enterprises`. */
export interface EnterpriseSummary {
  id: number
  /** Unified social credit code (GB 32100-2015), 18 characters; null for an enterprise registered by its external id alone. */
  uscc: string | null
  /** The register's own id (企业编号), where given. */
  externalId: string | null
  name: string
  /** null: unknown (the register gave none the GB/T 4754 table knows). */
  industry: string | null
  highHazard: boolean
  scale: 'large' | 'medium' | 'small' | 'micro' | null
  tier: 'city' | 'county' | 'township' | null
  divisionCode: string
  mgmtGridId: number | null
  creditStatus: 'good' | 'warned' | 'blacklisted'
  level: Level
  synthetic: boolean
}

/** Properties of one enterprise from `GET /api/enterprises/:id`. */
export interface EnterpriseDetail extends EnterpriseSummary {
  affiliation: 'central' | 'province' | 'city' | 'county' | 'township' | null
  /** The industry as the register wrote it, and the GB/T 4754 code it resolved to. */
  industrySource?: string | null
  industryClass?: string | null
  /** division: placed at the division its address names (an approximate location). */
  locatedBy?: 'point' | 'division'
  centralVertical: boolean
  tierSource: 'rule' | 'explicit'
  tierReason: string | null
  address: string | null
  responsiblePerson: string | null
  responsiblePhone: string | null
  inherentLevel: Level
  levelReason: Record<string, unknown> | null
  /** ISO date (YYYY-MM-DD) of the last risk report. */
  lastReportedAt: string | null
  reportDueAt: string | null
  divisionName: string | null
  industryDepartment: string | null
  specialistDepartments: string[]
  mgmtGridName: string | null
  majorHazards: number
  safetyRisks: number
  openHiddenDangers: number
}

/** A paginated GeoJSON collection as the list endpoints return it. */
export type PagedCollection<G extends Point | MultiPolygon | Polygon, P> = FeatureCollection<G, P> & {
  numberMatched: number
  numberReturned: number
}

export type EnterpriseCollection = PagedCollection<Point, EnterpriseSummary>

export type EnterpriseFeature = Feature<Point, EnterpriseDetail>
