/**
 * The region report's request and response schemas (issue 8), and the static type of the report:
 * the route is typed by them (`typed(app)`), and the report page imports `RegionReport` through
 * web/src/api/contract.ts. The handler sets every property of every object it sends.
 */
import { CELL_SOURCE_KINDS } from '../../domain/cell-level'
import { CAPABILITIES, RESOURCE_KINDS, RESOURCE_STATUSES } from '../../domain/resources'
import { areaGeometrySchema, levelResponseSchema, sentObject, type SchemaType } from '../../http/schemas'

const count = { type: 'integer' } as const

/** Per level 0..4, keyed by the level as text; every key is set (cellsPerLevel). */
const perLevelSchema = sentObject({ '0': count, '1': count, '2': count, '3': count, '4': count })

/** Share of the area per level as region_level stores it (a level without area may be absent). */
const sharesSchema = {
  type: 'object',
  description: 'share (0–1) of the area at each level',
  properties: { '0': { type: 'number' }, '1': { type: 'number' }, '2': { type: 'number' }, '3': { type: 'number' }, '4': { type: 'number' } },
} as const

/** What caused a level change, as the grading engine stores it with each history row (grading/engine.ts Cause). */
const causeSchema = {
  ...sentObject({ kind: { type: 'string' }, id: { type: ['integer', 'string'] }, action: { type: 'string' } }),
  description: 'the edited record (kind, id, action), or { kind: grading_run, id: run, action: full } of a full regrade',
} as const

/** A polygon's outer ring, [lon, lat] positions (WGS 84). */
const ring = { type: 'array', items: { type: 'array', items: { type: 'number' } } } as const

export const reportParams = { type: 'object', properties: { key: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,40}$' } }, required: ['key'] } as const

/** `GET /api/regions/:key/report`. */
export const reportResponse = sentObject({
  generatedAt: { type: 'string' },
  today: { type: 'string', description: "the database's current date, YYYY-MM-DD" },
  dataVersion: { type: 'integer', description: 'bumped by every write and regrade (the version tiles are keyed by)' },
  since: { type: 'string', description: 'start of the window (YYYY-MM-DD) of changes, inspections and penalties' },
  region: sentObject({
    kind: { type: 'string', enum: ['division', 'mgmt_grid'] },
    key: { type: 'string' },
    code: { type: 'string' },
    name: { type: 'string' },
    nameEn: { type: ['string', 'null'], description: 'the English name, where the division data has one' },
    rank: { type: 'string', description: "the division's rank (city, county, township); grid for a management grid" },
    level: { ...levelResponseSchema, description: 'grade from the shares of the area (docs/region-grading.md)' },
    highestLevel: { ...levelResponseSchema, description: 'the highest cell level in the region (就高)' },
    stale: { type: 'boolean' },
    areaKm2: { type: 'number' },
    shares: sharesSchema,
    cells: { ...perLevelSchema, description: 'analysis cells covering the region at each level (0: no source)' },
    staleCells: count,
    updatedAt: { type: ['string', 'null'] },
    bbox: {
      type: 'array',
      description: 'minLon, minLat, maxLon, maxLat (WGS 84)',
      items: [{ type: 'number' }, { type: 'number' }, { type: 'number' }, { type: 'number' }],
      minItems: 4,
      additionalItems: false,
    },
  }),
  topSources: {
    type: 'array',
    items: sentObject({
      kind: { type: 'string', enum: CELL_SOURCE_KINDS },
      id: count,
      level: levelResponseSchema,
      cells: { ...count, description: "the region's cells at its highest level that the source influences" },
      name: { type: 'string' },
      enterprise: { anyOf: [{ type: 'null' }, sentObject({ id: count, name: { type: 'string' } })] },
    }),
  },
  changes: sentObject({
    firstGraded: { ...count, description: 'cells graded for the first time in the window (no history before it), not counted as raised' },
    raised: count,
    lowered: count,
    staleOnly: count,
    months: { type: 'array', items: sentObject({ month: { type: 'string' }, firstGraded: count, raised: count, lowered: count }) },
    recent: {
      type: 'array',
      items: sentObject({
        h3: { type: 'string' },
        before: levelResponseSchema,
        after: levelResponseSchema,
        beforeStale: { type: 'boolean' },
        afterStale: { type: 'boolean' },
        firstGraded: { type: 'boolean' },
        changedAt: { type: 'string' },
        cause: causeSchema,
      }),
    },
  }),
  resources: sentObject({
    nearM: { type: 'number', description: 'the "near" distance, metres' },
    byKind: {
      type: 'array',
      items: sentObject({ kind: { type: 'string', enum: RESOURCE_KINDS }, inside: count, near: { ...count, description: 'within nearM, inside included' } }),
    },
    nearestTeams: {
      type: 'array',
      items: sentObject({
        id: count,
        name: { type: 'string' },
        teamType: { type: ['string', 'null'] },
        headcount: { type: ['integer', 'null'] },
        capabilities: { type: 'array', items: { type: 'string', enum: CAPABILITIES } },
        status: { type: 'string', enum: RESOURCE_STATUSES },
        dutyPhone: { type: ['string', 'null'] },
        distanceM: { type: 'number', description: 'geodesic distance to the region, metres (0 inside)' },
        centreDistanceM: { type: 'number', description: "geodesic distance to the region's centre (a point on its surface), metres" },
      }),
    },
  }),
  enforcement: sentObject({
    enterprises: count,
    blacklisted: count,
    inspections: sentObject({ done: count, withViolations: count, pending: count, lastDate: { type: ['string', 'null'] } }),
    hiddenDangers: sentObject({ open: count, overdue: count, majorOpen: count, awaitingVerification: count }),
    violations: sentObject({ open: count, overdue: count }),
    penalties: sentObject({ count, amountYuan: { type: 'number' }, published: count }),
  }),
  map: sentObject({
    res: { type: 'integer', description: 'H3 resolution of the cells drawn' },
    outline: { ...areaGeometrySchema, description: 'the region, simplified (GeoJSON)' },
    cells: { type: 'array', items: sentObject({ level: levelResponseSchema, stale: { type: 'boolean' }, ring }) },
  }),
})

export type RegionReport = SchemaType<typeof reportResponse>
