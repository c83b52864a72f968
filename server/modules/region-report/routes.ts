import type { FastifyInstance } from 'fastify'
import { errorResponses, typed } from '../../http/schemas'
import { notFound } from '../../errors'
import { MIN_PYRAMID_RES } from '../../grading/engine'
import { assertAreaCells } from '../../http/bounds'
import { readScope } from '../auth/access'
import { regionTopSources } from '../../grading/regions'
import { areaZoneCells } from '../../grading/zones'
import { RESOURCE_KINDS } from '../../domain/resources'
import { changes, getRegion, sourceNames } from '../cells'
import {
  enforcementSummary,
  gradedCells,
  mapCells,
  monthlyChanges,
  nearestTeams,
  regionCellIds,
  regionShape,
  resourceCounts,
  type RegionScope,
} from './repository'
import { cellsPerLevel, changeTotals, daysBefore, lastMonths, mapResolution } from './summary'
import { readDataState } from '../tiles'
import type { CellSourceKind } from '../../domain/cell-level'
import type { Level } from '../../domain/levels'
import type { Cause } from '../../grading/engine'
import { reportParams, reportResponse, type RegionReport } from './schemas'

/** The report looks back this many days for changes, inspections and penalties. */
const WINDOW_DAYS = 365
/** Months of the change chart (the window, by calendar month). */
const CHART_MONTHS = 12
/** Sources listed as the reasons for the region's level. */
const TOP_SOURCES = 8
/** Most recent cell changes listed. */
const RECENT_CHANGES = 10
/** Resources "near" the region: within this geodesic distance of it, metres. */
const NEAR_M = 5000
/** Rescue teams listed, nearest first. */
const NEAREST_TEAMS = 5
/** At most this many cells on the report's map; a larger region is drawn with coarser (pyramid) cells. */
const MAX_MAP_CELLS = 1500

/**
 * The printable region report (issue 8): everything the report page shows about one division unit
 * or management grid, in one read-only request.
 */
export default async function regionReportRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/regions/:key/report',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['regions'],
        summary: 'A region report: level, share of area and cells per level, top sources, changes, resources nearby, enforcement, a small map',
        params: reportParams,
        response: { 200: reportResponse, ...errorResponses },
      },
    },
    async (request) => {
      const db = app.db
      const res = app.grading.res
      const row = await getRegion(db, request.params.key)
      if (!row) throw notFound('region', request.params.key)
      assertAreaCells(Number(row.area_m2), res, 'key')
      const region: RegionScope = { kind: row.kind as RegionScope['kind'], key: row.key as string, code: request.params.key }
      const level = (row.level as Level | null) ?? 0
      // The sources behind the region's highest cells, as the region endpoint lists them.
      const highestLevel = (row.max_level as Level | null) ?? 0
      const state = await readDataState(db)
      const since = daysBefore(state.today, WINDOW_DAYS)
      const chartMonths = lastMonths(state.today, CHART_MONTHS)

      const [shape, graded, h3s, months, resources, teams, enforcement, top] = await Promise.all([
        regionShape(db, region),
        gradedCells(db, res, region),
        regionCellIds(db, res, region),
        monthlyChanges(db, res, region, `${chartMonths[0]!}-01`),
        resourceCounts(db, region, NEAR_M),
        nearestTeams(db, region, NEAREST_TEAMS),
        enforcementSummary(db, region, since),
        highestLevel > 0 ? regionTopSources(db, res, { kind: region.kind, key: region.key }, highestLevel, TOP_SOURCES) : Promise.resolve([]),
      ])
      if (!shape) throw notFound('region', request.params.key)
      const mapRes = mapResolution(res, graded.total, MAX_MAP_CELLS, MIN_PYRAMID_RES)
      const [names, cellChanges, cells] = await Promise.all([
        sourceNames(db, top, readScope(request.user)),
        h3s.length ? changes(db, res, new Date(`${since}T00:00:00Z`), new Date(), h3s, 5000) : Promise.resolve([]),
        mapCells(db, mapRes, region, MAX_MAP_CELLS * 2),
      ])
      const env = (row.bbox as { coordinates: number[][][] }).coordinates[0]!
      const bbox: RegionReport['region']['bbox'] = [env[0]![0]!, env[0]![1]!, env[2]![0]!, env[2]![1]!]
      return {
        generatedAt: new Date().toISOString(),
        today: state.today,
        dataVersion: state.version,
        since,
        region: {
          kind: region.kind,
          key: region.key,
          code: region.code,
          name: row.name as string,
          nameEn: (row.name_en as string | null) ?? null,
          rank: row.rank as string,
          level,
          highestLevel,
          stale: (row.stale as boolean | null) ?? false,
          areaKm2: Math.round((row.area_m2 as number) / 1e4) / 100,
          shares: (row.shares as RegionReport['region']['shares'] | null) ?? { 0: 1 },
          cells: cellsPerLevel(graded.byLevel, areaZoneCells(shape.geometry, res).length),
          staleCells: graded.stale,
          updatedAt: row.updated_at ? (row.updated_at as Date).toISOString() : null,
          bbox,
        },
        topSources: top.map((t) => ({
          ...t,
          kind: t.kind as CellSourceKind,
          level: t.level as Level,
          ...(names.get(`${t.kind}:${t.id}`) ?? { name: `${t.kind} ${t.id}`, enterprise: null }),
        })),
        changes: {
          ...changeTotals(cellChanges),
          months: chartMonths.map((month) => ({ month, ...(months.get(month) ?? { firstGraded: 0, raised: 0, lowered: 0 }) })),
          recent: cellChanges.slice(0, RECENT_CHANGES).map((c) => ({ ...c, before: c.before as Level, after: c.after as Level, cause: c.cause as Cause })),
        },
        resources: {
          nearM: NEAR_M,
          byKind: RESOURCE_KINDS.map((kind) => ({ kind, inside: resources.get(kind)?.inside ?? 0, near: resources.get(kind)?.within ?? 0 })),
          nearestTeams: teams,
        },
        enforcement,
        map: { res: mapRes, outline: shape.outline, cells },
      }
    },
  )
}
