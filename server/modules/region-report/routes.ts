import type { FastifyInstance } from 'fastify'
import { errorResponses } from '../../http/schemas'
import { notFound } from '../../errors'
import { MIN_PYRAMID_RES } from '../../grading/engine'
import { assertAreaCells } from '../../http/bounds'
import { readScope } from '../auth/access'
import { regionTopSources } from '../../grading/regions'
import { areaZoneCells } from '../../grading/zones'
import { RESOURCE_KINDS } from '../../domain/resources'
import { changes, getRegion, sourceNames } from '../cells'
import {
  enforcementSummary, gradedCells, mapCells, monthlyChanges, nearestTeams, regionCellIds, regionShape, resourceCounts, type RegionScope,
} from './repository'
import { cellsPerLevel, changeTotals, daysBefore, lastMonths, mapResolution } from './summary'
import { readDataState } from '../tiles'

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

const levelCounts = {
  type: 'object',
  properties: { 0: { type: 'number' }, 1: { type: 'number' }, 2: { type: 'number' }, 3: { type: 'number' }, 4: { type: 'number' } },
} as const
const count = { type: 'integer' } as const
const ring = { type: 'array', items: { type: 'array', items: { type: 'number' } } } as const

const reportResponse = {
  type: 'object',
  properties: {
    generatedAt: { type: 'string' },
    today: { type: 'string', description: "the database's current date, YYYY-MM-DD" },
    dataVersion: { type: 'integer', description: 'bumped by every write and regrade (the version tiles are keyed by)' },
    since: { type: 'string', description: 'start of the window (YYYY-MM-DD) of changes, inspections and penalties' },
    region: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['division', 'mgmt_grid'] },
        key: { type: 'string' },
        code: { type: 'string' },
        name: { type: 'string' },
        nameEn: { type: ['string', 'null'], description: 'the English name, where the division data has one' },
        rank: { type: 'string' },
        level: { type: 'integer', description: 'grade from the shares of the area (docs/region-grading.md)' },
        highestLevel: { type: 'integer', description: 'the highest cell level in the region (就高)' },
        stale: { type: 'boolean' },
        areaKm2: { type: 'number' },
        shares: { ...levelCounts, description: 'share (0–1) of the area at each level' },
        cells: { ...levelCounts, description: 'analysis cells covering the region at each level (0: no source)' },
        staleCells: count,
        updatedAt: { type: ['string', 'null'] },
        bbox: { type: 'array', items: { type: 'number' } },
      },
    },
    topSources: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string' },
          id: count,
          level: count,
          cells: { ...count, description: "the region's cells at its highest level that the source influences" },
          name: { type: 'string' },
          enterprise: { type: ['object', 'null'], properties: { id: count, name: { type: 'string' } } },
        },
      },
    },
    changes: {
      type: 'object',
      properties: {
        firstGraded: { ...count, description: 'cells graded for the first time in the window (no history before it), not counted as raised' },
        raised: count,
        lowered: count,
        staleOnly: count,
        months: { type: 'array', items: { type: 'object', properties: { month: { type: 'string' }, firstGraded: count, raised: count, lowered: count } } },
        recent: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              h3: { type: 'string' }, before: count, after: count, beforeStale: { type: 'boolean' }, afterStale: { type: 'boolean' }, firstGraded: { type: 'boolean' },
              changedAt: { type: 'string' }, cause: { type: 'object', additionalProperties: true },
            },
          },
        },
      },
    },
    resources: {
      type: 'object',
      properties: {
        nearM: { type: 'number', description: 'the "near" distance, metres' },
        byKind: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string' }, inside: count, near: { ...count, description: 'within nearM, inside included' } } } },
        nearestTeams: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: count, name: { type: 'string' }, teamType: { type: ['string', 'null'] }, headcount: { type: ['integer', 'null'] },
              capabilities: { type: 'array', items: { type: 'string' } }, status: { type: 'string' }, dutyPhone: { type: ['string', 'null'] },
              distanceM: { type: 'number', description: 'geodesic distance to the region, metres (0 inside)' },
              centreDistanceM: { type: 'number', description: "geodesic distance to the region's centre (a point on its surface), metres" },
            },
          },
        },
      },
    },
    enforcement: {
      type: 'object',
      properties: {
        enterprises: count,
        blacklisted: count,
        inspections: { type: 'object', properties: { done: count, withViolations: count, pending: count, lastDate: { type: ['string', 'null'] } } },
        hiddenDangers: { type: 'object', properties: { open: count, overdue: count, majorOpen: count, awaitingVerification: count } },
        violations: { type: 'object', properties: { open: count, overdue: count } },
        penalties: { type: 'object', properties: { count, amountYuan: { type: 'number' }, published: count } },
      },
    },
    map: {
      type: 'object',
      properties: {
        res: { type: 'integer', description: 'H3 resolution of the cells drawn' },
        outline: { type: 'object', additionalProperties: true, description: 'the region, simplified (GeoJSON)' },
        cells: { type: 'array', items: { type: 'object', properties: { level: count, stale: { type: 'boolean' }, ring } } },
      },
    },
  },
} as const

/**
 * The printable region report (issue 8): everything the report page shows about one division unit
 * or management grid, in one read-only request.
 */
export default async function regionReportRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { key: string } }>(
    '/regions/:key/report',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['regions'],
        summary: 'A region report: level, share of area and cells per level, top sources, changes, resources nearby, enforcement, a small map',
        params: { type: 'object', properties: { key: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,40}$' } }, required: ['key'] },
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
      const level = (row.level as number | null) ?? 0
      // The sources behind the region's highest cells, as the region endpoint lists them.
      const highestLevel = (row.max_level as number | null) ?? 0
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
      return {
        generatedAt: new Date().toISOString(),
        today: state.today,
        dataVersion: state.version,
        since,
        region: {
          kind: region.kind,
          key: region.key,
          code: region.code,
          name: row.name,
          nameEn: row.name_en ?? null,
          rank: row.rank,
          level,
          highestLevel,
          stale: row.stale ?? false,
          areaKm2: Math.round((row.area_m2 as number) / 1e4) / 100,
          shares: row.shares ?? { 0: 1 },
          cells: cellsPerLevel(graded.byLevel, areaZoneCells(shape.geometry, res).length),
          staleCells: graded.stale,
          updatedAt: row.updated_at ? (row.updated_at as Date).toISOString() : null,
          bbox: [env[0]![0]!, env[0]![1]!, env[2]![0]!, env[2]![1]!],
        },
        topSources: top.map((t) => ({ ...t, ...(names.get(`${t.kind}:${t.id}`) ?? { name: `${t.kind} ${t.id}`, enterprise: null }) })),
        changes: {
          ...changeTotals(cellChanges),
          months: chartMonths.map((month) => ({ month, ...(months.get(month) ?? { firstGraded: 0, raised: 0, lowered: 0 }) })),
          recent: cellChanges.slice(0, RECENT_CHANGES),
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
