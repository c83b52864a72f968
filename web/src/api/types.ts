import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson'

/** A risk level (DESIGN §2): 4 red 重大, 3 orange 较大, 2 yellow 一般, 1 blue 低, 0 none identified. */
export type Level = 0 | 1 | 2 | 3 | 4

export type DivisionRank = 'city' | 'county' | 'township'

/** Properties of a division unit from `GET /api/divisions`. */
export interface DivisionProperties {
  /** GB/T 2260 code: 6 digits, 9 for a township. */
  code: string
  name: string
  nameEn: string | null
  rank: DivisionRank
  parentCode: string | null
  /** True where the polygon is synthetic demo geometry. */
  synthetic: boolean
  /** A point inside the polygon to place its label. */
  label: Point | null
}

export type DivisionCollection = FeatureCollection<MultiPolygon | Polygon, DivisionProperties>

/** Properties of an enterprise in `GET /api/enterprises`. */
export interface EnterpriseSummary {
  id: number
  /** Unified social credit code (GB 32100-2015), 18 characters. */
  uscc: string
  name: string
  industry: string
  highHazard: boolean
  scale: 'large' | 'medium' | 'small' | 'micro'
  tier: 'city' | 'county' | 'township' | null
  divisionCode: string
  mgmtGridId: number | null
  creditStatus: 'good' | 'warned' | 'blacklisted'
  level: Level
  synthetic: boolean
}

/** Properties of one enterprise from `GET /api/enterprises/:id`. */
export interface EnterpriseDetail extends EnterpriseSummary {
  affiliation: 'central' | 'province' | 'city' | 'county' | 'township'
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

/** `GET /api/health`. */
export interface Health {
  status: 'ok'
  postgres: string
  postgis: string
  embedded: boolean
  pendingMigrations?: string[]
}

/** The body of every API error response (DESIGN §9). */
export interface ApiErrorBody {
  error: {
    code: string
    message: string
    details: Array<{ field?: string; message: string; [extra: string]: unknown }>
  }
}
