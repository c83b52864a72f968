import type { FastifyInstance } from 'fastify'
import { areaGeometrySchema, errorResponses, featureCollectionSchema, levelResponseSchema, sentObject, typed, type SchemaType } from '../../http/schemas'
import { invalid } from '../../errors'
import { cellPolygon } from '../../grading/zones'
import { cellsAsOf, checkRecorded, diffCells, regionsFromCells } from './repository'

/** An ISO 8601 date (read as 00:00 UTC) or date-time; `field` names the parameter in the error. */
function parseInstant(raw: string, field: string): Date {
  const value = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? new Date(raw) : new Date(Number.NaN)
  if (Number.isNaN(value.getTime())) throw invalid(field, 'must be an ISO 8601 date (2026-01-31) or date-time (2026-01-31T08:00:00Z)')
  if (value.getTime() > Date.now() + 60_000) throw invalid(field, `${value.toISOString()} is in the future`)
  return value
}

const instant = (description: string) => ({ type: 'string', maxLength: 40, description }) as const

const regionKindSchema = { type: 'string', enum: ['division', 'mgmt_grid'] } as const

/** A region's grade at an instant (regionsFromCells sets every property). */
const regionItem = sentObject({
  kind: regionKindSchema,
  key: { type: 'string' },
  code: { type: 'string' },
  name: { type: 'string' },
  rank: { type: 'string' },
  level: { ...levelResponseSchema, description: 'grade from the area shares, under the current rule set' },
  highestLevel: { ...levelResponseSchema, description: 'highest cell level (就高)' },
  stale: { type: 'boolean' },
  shares: { type: 'object', additionalProperties: { type: 'number' } },
})

const atQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['at'],
  properties: { at: instant('ISO 8601 date (00:00 UTC) or date-time') },
} as const

/** `GET /api/history/cells`: the handler sets every property, each feature's too. */
const cellsAsOfCollection = featureCollectionSchema(
  { h3: { type: 'string' }, level: levelResponseSchema, stale: { type: 'boolean' } },
  { at: { type: 'string' }, firstGradedAt: { type: 'string' }, resolution: { type: 'integer' } },
  areaGeometrySchema,
  ['h3', 'level', 'stale'],
)
export const cellsAsOfResponse = {
  ...cellsAsOfCollection,
  required: [...cellsAsOfCollection.required, 'at', 'firstGradedAt', 'resolution', 'numberMatched', 'numberReturned'],
} as const

export type CellsAsOf = SchemaType<typeof cellsAsOfResponse>

const regionsQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['at'],
  properties: { at: instant('ISO 8601 date (00:00 UTC) or date-time'), kind: regionKindSchema },
} as const

/** `GET /api/history/regions`. */
export const regionsAsOfResponse = sentObject({ at: { type: 'string' }, ruleVersion: { type: 'string' }, items: { type: 'array', items: regionItem } })

export type RegionsAsOf = SchemaType<typeof regionsAsOfResponse>

const diffQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['from'],
  properties: { from: instant('ISO 8601 date or date-time'), to: instant('ISO 8601 date or date-time; default now') },
} as const

/** `GET /api/history/diff`: the handler sets every property. */
export const historyDiffResponse = sentObject({
  from: { type: 'string' },
  to: { type: 'string' },
  summary: sentObject({ raised: { type: 'integer' }, lowered: { type: 'integer' } }),
  cells: featureCollectionSchema({ h3: { type: 'string' }, before: levelResponseSchema, after: levelResponseSchema }, {}, areaGeometrySchema, [
    'h3',
    'before',
    'after',
  ]),
  regions: {
    type: 'array',
    items: sentObject({
      kind: regionKindSchema,
      key: { type: 'string' },
      code: { type: 'string' },
      name: { type: 'string' },
      rank: { type: 'string' },
      before: levelResponseSchema,
      after: levelResponseSchema,
    }),
  },
})

export type HistoryDiff = SchemaType<typeof historyDiffResponse>

/**
 * The map as it was (docs/domain.md §4.6): cell levels at a past instant replayed from the kept
 * history, region grades from those cells, and the difference between two instants.
 */
export default async function historyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/history/cells',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['history'],
        summary: 'Cells with a level at a past instant, replayed from the level history (GeoJSON)',
        querystring: atQuery,
        response: { 200: cellsAsOfResponse, ...errorResponses },
      },
    },
    async (request) => {
      const at = parseInstant(request.query.at, 'at')
      const res = app.grading.res
      const first = await checkRecorded(app.readDb, res, at, 'at')
      const cells = await cellsAsOf(app.readDb, res, at)
      return {
        type: 'FeatureCollection' as const,
        at: at.toISOString(),
        firstGradedAt: first.toISOString(),
        resolution: res,
        numberMatched: cells.length,
        numberReturned: cells.length,
        features: cells.map((c) => ({ type: 'Feature' as const, id: c.h3, geometry: cellPolygon(c.h3), properties: c })),
      }
    },
  )

  app.get(
    '/history/regions',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['history'],
        summary: 'Region grades at a past instant, from the cell levels of then (under the current region rule)',
        querystring: regionsQuery,
        response: { 200: regionsAsOfResponse, ...errorResponses },
      },
    },
    async (request) => {
      const at = parseInstant(request.query.at, 'at')
      const res = app.grading.res
      await checkRecorded(app.readDb, res, at, 'at')
      const regions = await regionsFromCells(app.readDb, res, await cellsAsOf(app.readDb, res, at), app.grading.rules)
      const kind = request.query.kind
      return { at: at.toISOString(), ruleVersion: app.grading.rules.version, items: kind ? regions.filter((r) => r.kind === kind) : regions }
    },
  )

  app.get(
    '/history/diff',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['history'],
        summary: 'What changed between two instants: cells (GeoJSON, level before and after) and regions whose grade changed',
        querystring: diffQuery,
        response: { 200: historyDiffResponse, ...errorResponses },
      },
    },
    async (request) => {
      const from = parseInstant(request.query.from, 'from')
      const to = request.query.to ? parseInstant(request.query.to, 'to') : new Date()
      if (to.getTime() <= from.getTime()) throw invalid('to', 'must be after from')
      const res = app.grading.res
      await checkRecorded(app.readDb, res, from, 'from')
      const before = await cellsAsOf(app.readDb, res, from)
      const after = await cellsAsOf(app.readDb, res, to)
      const cells = diffCells(before, after)
      const [regionsBefore, regionsAfter] = [
        await regionsFromCells(app.readDb, res, before, app.grading.rules),
        await regionsFromCells(app.readDb, res, after, app.grading.rules),
      ]
      const was = new Map(regionsBefore.map((r) => [`${r.kind}:${r.key}`, r.level]))
      const regions = regionsAfter
        .filter((r) => (was.get(`${r.kind}:${r.key}`) ?? 0) !== r.level)
        .map((r) => ({ kind: r.kind, key: r.key, code: r.code, name: r.name, rank: r.rank, before: was.get(`${r.kind}:${r.key}`) ?? 0, after: r.level }))
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        summary: { raised: cells.filter((c) => c.after > c.before).length, lowered: cells.filter((c) => c.after < c.before).length },
        cells: {
          type: 'FeatureCollection' as const,
          numberMatched: cells.length,
          numberReturned: cells.length,
          features: cells.map((c) => ({ type: 'Feature' as const, id: c.h3, geometry: cellPolygon(c.h3), properties: c })),
        },
        regions,
      }
    },
  )
}
