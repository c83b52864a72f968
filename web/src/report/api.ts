import type { MultiPolygon, Polygon, Position } from 'geojson'
import { getJson } from '../api/client'
import type { ResourceKind, SourceKind } from '../api/contract'
import type { Level } from '../api/contract'

type PerLevel = Record<'0' | '1' | '2' | '3' | '4', number>

/** `GET /api/regions/{code}/report` (server/modules/region-report/routes.ts). */
export interface RegionReport {
  generatedAt: string
  /** The database's date, YYYY-MM-DD. */
  today: string
  dataVersion: number
  /** Start (YYYY-MM-DD) of the window of changes, inspections and penalties. */
  since: string
  region: {
    kind: 'division' | 'mgmt_grid'
    key: string
    code: string
    name: string
    /** The English name where the division data has one. */
    nameEn?: string | null
    rank: string
    /** Grade from the shares of the area. */
    level: Level
    /** The highest cell level in the region (就高). */
    highestLevel: Level
    stale: boolean
    areaKm2: number
    shares: Partial<PerLevel>
    cells: PerLevel
    staleCells: number
    updatedAt: string | null
    bbox: [number, number, number, number]
  }
  topSources: Array<{ kind: SourceKind; id: number; level: Level; cells: number; name: string; enterprise: { id: number; name: string } | null }>
  changes: {
    /** Cells graded for the first time in the window: not level changes. */
    firstGraded: number
    raised: number
    lowered: number
    staleOnly: number
    months: Array<{ month: string; firstGraded: number; raised: number; lowered: number }>
    recent: Array<{ h3: string; before: Level; after: Level; beforeStale: boolean; afterStale: boolean; firstGraded: boolean; changedAt: string }>
  }
  resources: {
    nearM: number
    byKind: Array<{ kind: ResourceKind; inside: number; near: number }>
    nearestTeams: Array<{
      id: number
      name: string
      teamType: string | null
      headcount: number | null
      capabilities: string[]
      status: string
      dutyPhone: string | null
      distanceM: number
      centreDistanceM: number
    }>
  }
  enforcement: {
    enterprises: number
    blacklisted: number
    inspections: { done: number; withViolations: number; pending: number; lastDate: string | null }
    hiddenDangers: { open: number; overdue: number; majorOpen: number; awaitingVerification: number }
    violations: { open: number; overdue: number }
    penalties: { count: number; amountYuan: number; published: number }
  }
  map: { res: number; outline: Polygon | MultiPolygon; cells: Array<{ level: Level; stale: boolean; ring: Position[] }> }
}

export function fetchRegionReport(code: string, signal?: AbortSignal): Promise<RegionReport> {
  return getJson<RegionReport>(`/api/regions/${encodeURIComponent(code)}/report`, {}, signal)
}
