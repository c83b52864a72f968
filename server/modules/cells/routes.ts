import type { FastifyInstance } from 'fastify'
import { cellToChildren, cellToLatLng, getResolution, isValidCell } from 'h3-js'
import type { MultiPolygon } from 'geojson'
import { errorResponses, geometrySchema, levelResponseSchema, sentObject, typed, type SchemaType } from '../../http/schemas'
import { invalid, notFound } from '../../errors'
import { CELL_RULES, CELL_SOURCE_KINDS, cellLevel, type CellSourceKind } from '../../domain/cell-level'
import { DIVISION_RANKS } from '../../domain/division-register'
import type { Level } from '../../domain/levels'
import { regionLevel } from '../../domain/region-level'
import { RULES_2026_1 } from '../../domain/rules'
import { areaZoneCells, cellPolygon } from '../../grading/zones'
import { regionTopSources } from '../../grading/regions'
import { SOURCE_RULES } from '../../grading/explain'
import { nearestItemSchema, nearestResources } from '../resources'
import { CREDIT_STATUSES, INSPECTION_RESULTS } from '../../domain/enforcement'
import { readScope } from '../auth/access'
import { MIN_PYRAMID_RES } from '../../grading/engine'
import { assertAreaCells, MAX_CHANGES_DAYS, MAX_EXPLAINED_CELLS } from '../../http/bounds'
import { changes, cellHistory, cellPlace, enterprisesInCell, explainedSources, getCell, getRegion, regionGeometry, sourceNames } from './repository'

/** A source among those behind a cell (explainedSources sets every property; the enterprise is null for an area or outside the reader's scope). */
const sourceSchema = sentObject({
  kind: { type: 'string', enum: CELL_SOURCE_KINDS },
  id: { type: 'integer' },
  name: { type: 'string' },
  level: levelResponseSchema,
  distanceM: { type: 'number', description: 'geodesic distance from the source to the cell, metres' },
  radiusM: { type: 'number', description: 'impact radius, metres (0 for an area)' },
  stale: { type: 'boolean' },
  rule: { type: 'string', enum: SOURCE_RULES },
  ruleText: { type: 'string' },
  ruleTextZh: { type: 'string' },
  reportedAt: { type: ['string', 'null'] },
  enterprise: { anyOf: [{ type: 'null' }, sentObject({ id: { type: 'integer' }, name: { type: 'string' } })] },
})

const placeSchema = {
  type: ['object', 'null'],
  properties: { code: { type: 'string' }, name: { type: 'string' }, nameEn: { type: ['string', 'null'] } },
  required: ['code', 'name', 'nameEn'],
} as const

/** An enterprise located in a cell (enterprisesInCell sets every property). */
const cellEnterpriseSchema = sentObject({
  id: { type: 'integer' },
  name: { type: 'string' },
  uscc: { type: ['string', 'null'] },
  externalId: { type: ['string', 'null'] },
  level: levelResponseSchema,
  industry: { type: ['string', 'null'], description: 'null: unknown' },
  creditStatus: { type: 'string', enum: CREDIT_STATUSES },
  latestInspection: {
    anyOf: [
      { type: 'null' },
      sentObject({ id: { type: 'integer' }, date: { type: 'string' }, result: { type: ['string', 'null'], enum: [...INSPECTION_RESULTS, null] } }),
    ],
  },
  openViolations: { type: 'integer', description: 'violations not yet verified as rectified' },
  overdue: { type: 'integer', description: 'violations and hidden dangers open past their deadline' },
})

/** What caused a level change, as the grading engine stores it with each history row (grading/engine.ts Cause). */
const causeSchema = {
  ...sentObject({ kind: { type: 'string' }, id: { type: ['integer', 'string'] }, action: { type: 'string' } }),
  description: 'the edited record (kind, id, action), or { kind: grading_run, id: run, action: full } of a full regrade',
} as const

/** A level change of the cell (cellHistory sets every property). */
const historyEntrySchema = sentObject({
  changedAt: { type: 'string' },
  oldLevel: levelResponseSchema,
  newLevel: levelResponseSchema,
  oldStale: { type: 'boolean' },
  newStale: { type: 'boolean' },
  cause: causeSchema,
})

/** Share of the area at one level, 0–1. */
const shareSchema = { type: 'number' } as const

/** `GET /api/cells/:h3`: the handler sets every property; `counts` is the stored jsonb of the cell. */
export const cellDetailResponse = sentObject({
  h3: { type: 'string' },
  id: { type: ['integer', 'null'], description: 'tile feature id' },
  res: { type: 'integer' },
  level: levelResponseSchema,
  rule: { type: 'string', enum: CELL_RULES },
  stale: { type: 'boolean' },
  score: { type: 'number' },
  counts: {
    type: 'object',
    description: 'an analysis cell: its influencing sources by level and by kind; a pyramid cell: its children',
    properties: {
      byLevel: { type: 'object', properties: { 1: { type: 'integer' }, 2: { type: 'integer' }, 3: { type: 'integer' }, 4: { type: 'integer' } } },
      byKind: { type: 'object', additionalProperties: { type: 'integer' } },
      children: { type: 'integer' },
    },
  },
  explanation: { type: 'string' },
  explanationZh: { type: 'string' },
  decidingSource: { anyOf: [{ type: 'null' }, sourceSchema], description: 'the source the explanation names (highest level, nearest)' },
  ruleVersion: { type: 'string' },
  updatedAt: { type: ['string', 'null'] },
  centre: {
    type: 'array',
    items: [{ type: 'number' }, { type: 'number' }],
    minItems: 2,
    additionalItems: false,
    description: '[lon, lat] of the cell centre, WGS 84',
  },
  place: {
    type: 'object',
    description: 'the county and the township the cell lies in (its centre, or the nearest one it touches), for a human title; null where none',
    properties: { county: placeSchema, township: placeSchema },
    required: ['county', 'township'],
  },
  geometry: geometrySchema,
  sources: { type: 'array', items: sourceSchema },
  enterprises: { type: 'array', items: cellEnterpriseSchema },
  resources: { type: 'array', items: nearestItemSchema, description: 'the nearest available resources' },
  history: { type: 'array', items: historyEntrySchema, description: 'latest first' },
})

export type CellDetail = SchemaType<typeof cellDetailResponse>

/** `GET /api/regions/:key`: the handler sets every property. */
export const regionDetailResponse = sentObject({
  kind: { type: 'string', enum: ['division', 'mgmt_grid'] },
  key: { type: 'string' },
  code: { type: 'string' },
  name: { type: 'string' },
  nameEn: { type: ['string', 'null'], description: 'the English name, where the division data has one' },
  rank: { type: 'string', enum: [...DIVISION_RANKS, 'grid'], description: "a division's rank, or grid for a management grid" },
  level: { ...levelResponseSchema, description: "the region's grade from the shares of its area (docs/region-grading.md)" },
  highestLevel: { ...levelResponseSchema, description: 'the highest cell level in the region (就高)' },
  explanation: { type: 'string', description: 'which share threshold set the grade' },
  explanationZh: { type: 'string' },
  ruleVersion: { type: ['string', 'null'], description: 'the rule set version that graded the region' },
  stale: { type: 'boolean' },
  areaKm2: { type: 'number' },
  shares: {
    type: 'object',
    description: 'share of the area at each level 0..4; a level without area may be absent',
    properties: { 0: shareSchema, 1: shareSchema, 2: shareSchema, 3: shareSchema, 4: shareSchema },
  },
  topSources: {
    type: 'array',
    description: "the sources behind the region's highest cells",
    items: sentObject({
      kind: { type: 'string', enum: CELL_SOURCE_KINDS },
      id: { type: 'integer' },
      level: levelResponseSchema,
      cells: { type: 'integer', description: "how many of the region's cells at its level this source influences" },
      name: { type: 'string' },
      enterprise: { anyOf: [{ type: 'null' }, sentObject({ id: { type: 'integer' }, name: { type: 'string' } })] },
    }),
  },
  updatedAt: { type: ['string', 'null'] },
  bbox: {
    type: 'array',
    items: [{ type: 'number' }, { type: 'number' }, { type: 'number' }, { type: 'number' }],
    minItems: 4,
    additionalItems: false,
    description: '[minLon, minLat, maxLon, maxLat], WGS 84',
  },
})

export type RegionDetail = SchemaType<typeof regionDetailResponse>

/** `GET /api/changes`: changes() sets every property of an item. */
export const changesResponse = sentObject({
  since: { type: 'string' },
  until: { type: 'string' },
  items: {
    type: 'array',
    items: sentObject({
      h3: { type: 'string' },
      before: levelResponseSchema,
      after: levelResponseSchema,
      beforeStale: { type: 'boolean' },
      afterStale: { type: 'boolean' },
      cause: causeSchema,
      changedAt: { type: 'string' },
      changes: { type: 'integer', description: 'how many changes the cell had in the window' },
      firstGraded: { type: 'boolean', description: 'the cell had no level history before the window: its first grading, not a change' },
    }),
  },
})

export type ChangesResponse = SchemaType<typeof changesResponse>

const cellParams = { type: 'object', properties: { h3: { type: 'string', pattern: '^[0-9a-fA-F]{15}$' } }, required: ['h3'] } as const

const regionParams = { type: 'object', properties: { key: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,40}$' } }, required: ['key'] } as const

const changesQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['since'],
  properties: {
    since: { type: 'string', maxLength: 40, description: 'ISO 8601 date-time, or a date (read as 00:00 UTC)' },
    until: { type: 'string', maxLength: 40, description: 'ISO 8601 date or date-time; default now' },
    region: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,40}$', description: 'division code or management grid code' },
    limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
  },
} as const

function parseInstant(raw: string, field: string): Date {
  const value = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? new Date(raw) : new Date(Number.NaN)
  if (Number.isNaN(value.getTime())) throw invalid(field, 'must be an ISO 8601 date (2026-01-31) or date-time (2026-01-31T08:00:00Z)')
  return value
}

/** Why a cell or a region has its level, and what changed (docs/domain.md §4.3–4.6). */
export default async function cellRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/cells/:h3',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['cells'],
        summary: 'Why a cell has its level: the rule, every source behind it, enterprises in it, nearest resources, history',
        params: cellParams,
        response: { 200: cellDetailResponse, ...errorResponses },
      },
    },
    async (request) => {
      const scope = readScope(request.user)
      const h3 = request.params.h3.toLowerCase()
      if (!isValidCell(h3)) throw invalid('h3', 'is not a valid H3 cell index')
      const res = getResolution(h3)
      const analysisRes = app.grading.res
      if (res > analysisRes) throw invalid('h3', `resolution ${res} is finer than the analysis resolution ${analysisRes}`)
      // A coarse cell is a pyramid cell: its level is stored; its sources are those of its analysis
      // cells, and how many those are is bounded before any is listed.
      const coarsest = Math.max(MIN_PYRAMID_RES, analysisRes - Math.round(Math.log(MAX_EXPLAINED_CELLS) / Math.log(7)))
      if (res < coarsest) throw invalid('h3', `resolution ${res} is coarser than ${coarsest}, the coarsest map (pyramid) resolution a cell is explained at`)
      const analysisCells = res === analysisRes ? [h3] : cellToChildren(h3, analysisRes)
      const [row, sources] = await Promise.all([getCell(app.readDb, res, h3), explainedSources(app.readDb, analysisCells, 200, scope)])
      const graded =
        res === analysisRes
          ? cellLevel(
              sources.map((s) => ({
                kind: s.kind,
                id: s.id,
                name: s.name,
                level: s.level,
                distanceM: s.distanceM,
                radiusM: s.radiusM,
                stale: s.stale,
              })),
              app.grading.rules,
            )
          : null
      const geometry = row?.geometry ?? cellPolygon(h3)
      const [lat, lon] = cellToLatLng(h3)
      const centre: [number, number] = [lon, lat]
      const [enterprises, resources, history, place] = await Promise.all([
        enterprisesInCell(app.readDb, geometry, 50, scope),
        nearestResources(app.readDb, { lon, lat, k: 5, filter: { status: 'available' } }),
        cellHistory(app.readDb, res, h3, 20),
        cellPlace(app.readDb, geometry, lon, lat),
      ])
      const level = row?.level ?? 0
      return {
        h3,
        id: row ? Number(row.id) : null,
        res,
        level,
        rule: row?.rule ?? 'none',
        stale: row?.stale ?? false,
        score: row?.score ?? 0,
        counts: row?.counts ?? {},
        explanation:
          graded?.explanation ??
          (level > 0 ? `Highest level among its ${analysisCells.length} analysis cells` : 'No identified risk source influences this area'),
        explanationZh: graded?.explanationZh ?? (level > 0 ? `取其 ${analysisCells.length} 个分析网格中的最高等级（就高）` : '该区域无已识别的风险源'),
        decidingSource: graded?.lead ? (sources.find((s) => s.kind === graded.lead!.kind && s.id === graded.lead!.id) ?? null) : null,
        ruleVersion: app.grading.rules.version,
        updatedAt: row?.updated_at ? row.updated_at.toISOString() : null,
        centre,
        place,
        geometry,
        sources,
        enterprises,
        resources,
        history,
      }
    },
  )

  app.get(
    '/regions/:key',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['regions'],
        summary:
          'A division unit (6/9-digit code) or management grid (its code): grade from its area shares, highest cell level, share of area per level, the sources behind its highest cells',
        params: regionParams,
        response: {
          200: regionDetailResponse,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const row = await getRegion(app.readDb, request.params.key)
      if (!row) throw notFound('region', request.params.key)
      const highestLevel = row.max_level ?? 0
      // The sources behind the region's highest cells: the spots a planner would act on first.
      const top = highestLevel ? await regionTopSources(app.readDb, app.grading.res, { kind: row.kind, key: row.key }, highestLevel) : []
      const ruleVersion = row.rule_version
      const grade = regionLevel(row.shares ?? { 0: 1 }, ruleVersion === RULES_2026_1.version ? RULES_2026_1 : app.grading.rules)
      const names = await sourceNames(app.readDb, top, readScope(request.user))
      const env = row.bbox.coordinates[0]!
      const bbox: [number, number, number, number] = [env[0]![0]!, env[0]![1]!, env[2]![0]!, env[2]![1]!]
      return {
        kind: row.kind,
        key: row.key,
        code: row.code ?? row.key,
        name: row.name,
        nameEn: row.name_en ?? null,
        rank: row.rank,
        level: row.level ?? 0,
        highestLevel,
        explanation: grade.explanation,
        explanationZh: grade.explanationZh,
        ruleVersion,
        stale: row.stale ?? false,
        areaKm2: Math.round(row.area_m2 / 1e4) / 100,
        shares: row.shares ?? { 0: 1 },
        topSources: top.map((t) => ({
          ...t,
          // regionTopSources reads cell_source, whose kinds and levels are these.
          kind: t.kind as CellSourceKind,
          level: t.level as Level,
          ...(names.get(`${t.kind}:${t.id}`) ?? { name: `${t.kind} ${t.id}`, enterprise: null }),
        })),
        updatedAt: row.updated_at ? row.updated_at.toISOString() : null,
        bbox,
      }
    },
  )

  app.get(
    '/changes',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['cells'],
        summary: 'Cells whose level changed since a date (optionally within a region), with before/after and cause',
        querystring: changesQuery,
        response: {
          200: changesResponse,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const since = parseInstant(request.query.since, 'since')
      const until = request.query.until ? parseInstant(request.query.until, 'until') : new Date()
      if (until.getTime() <= since.getTime()) throw invalid('until', 'must be after since')
      if (until.getTime() - since.getTime() > MAX_CHANGES_DAYS * 86_400_000)
        throw invalid('since', `the window from since to until may be at most ${MAX_CHANGES_DAYS} days`)
      let h3s: string[] | null = null
      if (request.query.region) {
        const region = await regionGeometry(app.readDb, request.query.region)
        if (!region) throw notFound('region', request.query.region)
        assertAreaCells(region.areaM2, app.grading.res, 'region')
        h3s = areaZoneCells(region.geometry as MultiPolygon, app.grading.res).map((c) => c.h3)
      }
      const items = await changes(app.readDb, app.grading.res, since, until, h3s, request.query.limit)
      return { since: since.toISOString(), until: until.toISOString(), items }
    },
  )
}
