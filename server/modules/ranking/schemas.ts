/**
 * The request and response schemas of the priority ranking (docs/ranking.md), and their static
 * types: the routes are typed by them (`typed(app)`), the service builds `RankedArea`, and the
 * ranking page imports the types through web/src/api/contract.ts.
 */
import { PRIORITY_PARTS } from '../../domain/rules'
import { MAX_OFFSET, MAX_RANKING_MAP, MAX_RANKING_PAGE } from '../../http/bounds'
import { areaGeometrySchema, featureCollectionSchema, levelResponseSchema, sentObject, type SchemaType } from '../../http/schemas'

const queryProperties = {
  level: { type: 'string', enum: ['region', 'cell'], default: 'region', description: 'rank regions or analysis cells' },
  rank: {
    type: 'string',
    enum: ['county', 'township', 'grid'],
    default: 'county',
    description: 'level=region: which regions (divisions of this rank, or management grids)',
  },
  regionCode: { type: 'string', pattern: '^([0-9]{6}|[0-9]{9})$', description: 'only the areas within this division (its code as a prefix)' },
  weights: {
    type: 'string',
    maxLength: 400,
    description: `points of the parts to replace, part:points separated by commas (parts: ${PRIORITY_PARTS.join(', ')}); the rest keep the rule set's`,
  },
} as const

/** `GET /api/ranking`'s parameters. */
export const rankingQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...queryProperties,
    limit: { type: 'integer', minimum: 1, maximum: MAX_RANKING_PAGE, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
  },
} as const

/** `GET /api/ranking/map`'s parameters. */
export const rankingMapQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...queryProperties,
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_RANKING_MAP,
      default: 1000,
      description: `the first this many areas of the ranking, at most ${MAX_RANKING_MAP}`,
    },
  },
} as const

/** `GET /api/ranking/export.:format`'s parameters. */
export const exportQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...queryProperties,
    lang: { type: 'string', enum: ['zh', 'en'], default: 'zh', description: 'headers and labels: Chinese (default) or English' },
  },
} as const

export const exportParams = { type: 'object', properties: { format: { type: 'string', enum: ['csv', 'xlsx'] } }, required: ['format'] } as const

/** A part of an area's score (priorityScore sets every property). */
const partSchema = sentObject({
  part: { type: 'string', enum: PRIORITY_PARTS },
  weight: { type: 'number', description: 'points at a full input' },
  input: { type: ['number', 'null'] },
  fill: { type: 'number', description: 'how full the input is, 0–1' },
  points: { type: 'number', description: 'weight × fill, hundredths of a point; the parts add up to the score' },
})

/** What an area's score is computed from (server/domain/ranking.ts PriorityInputs; every property is set). */
const inputsSchema = sentObject({
  level: levelResponseSchema,
  riskScore: { type: 'number', description: 'cell score points (a region: area-weighted mean over its graded cells)' },
  population: { type: 'number', description: 'residents within 500 m of the major hazard installations, persons' },
  gapShare: { type: 'number', description: 'share of the risk area beyond the response threshold' },
  responseM: { type: ['number', 'null'], description: 'mean capped distance from the risk cells to the nearest capable team, metres' },
  overdue: { type: 'integer' },
  openHiddenDangers: { type: 'integer' },
})

const areaProperties = {
  rank: { type: 'integer', description: '1 = highest priority; equal scores share a rank' },
  key: { type: 'string' },
  kind: { type: 'string', enum: ['division', 'mgmt_grid', 'cell'] },
  code: { type: 'string', description: 'division code, grid code or H3 index (the map link sel=region:… or sel=cell:…)' },
  name: { type: ['string', 'null'] },
  areaRank: { type: 'string', description: "division rank (county, township), 'grid' or 'cell'" },
  level: levelResponseSchema,
  highestLevel: levelResponseSchema,
  stale: { type: 'boolean' },
  score: { type: 'number' },
  inputs: inputsSchema,
  parts: { type: 'array', items: partSchema },
} as const

/** A ranked area (the service sets every property). */
const areaSchema = sentObject(areaProperties)

export type RankedArea = SchemaType<typeof areaSchema>

/** Points per part at a full input, one key per part. */
const points = { type: 'number' } as const
const weightsSchema = sentObject({
  riskLevel: points,
  riskScore: points,
  exposure: points,
  coverageGap: points,
  responseDistance: points,
  overdue: points,
  openHiddenDangers: points,
})

/** `GET /api/ranking`: the handler sets every property. */
export const rankingResponse = sentObject({
  level: { type: 'string', enum: ['region', 'cell'] },
  rank: { type: ['string', 'null'], enum: ['county', 'township', 'grid', null] },
  regionCode: { type: ['string', 'null'] },
  ruleVersion: { type: 'string' },
  weights: weightsSchema,
  full: sentObject({
    riskScore: { type: 'number' },
    population: { type: 'number' },
    responseM: { type: 'number' },
    overdue: { type: 'number' },
    openHiddenDangers: { type: 'number' },
  }),
  coverage: sentObject({
    capability: { type: 'string' },
    minLevel: { type: 'integer' },
    thresholdM: { type: 'number' },
    measure: { type: 'string' },
    measureDescription: { type: 'string' },
  }),
  total: { type: 'integer' },
  items: { type: 'array', items: areaSchema },
})

export type Ranking = SchemaType<typeof rankingResponse>

const rankingMapCollection = featureCollectionSchema(
  {
    ...areaProperties,
    position: { type: 'integer', description: 'position in the ranking (the feature id); unlike rank, unique' },
    label: {
      type: 'array',
      items: [{ type: 'number' }, { type: 'number' }],
      minItems: 2,
      additionalItems: false,
      description: 'a point inside the area, [lon, lat]',
    },
  },
  {
    level: { type: 'string', enum: ['region', 'cell'] },
    rank: { type: ['string', 'null'], enum: ['county', 'township', 'grid', null] },
    regionCode: { type: ['string', 'null'] },
    ruleVersion: { type: 'string' },
    weights: weightsSchema,
    total: { type: 'integer', description: 'areas ranked, drawn or not (the same as numberMatched)' },
  },
  areaGeometrySchema,
  ['rank', 'key', 'kind', 'code', 'name', 'areaRank', 'level', 'highestLevel', 'stale', 'score', 'inputs', 'parts', 'position', 'label'],
)

/** `GET /api/ranking/map`: the handler sets every property, each feature's too; each geometry is the area's Polygon or MultiPolygon. */
export const rankingMapResponse = {
  ...rankingMapCollection,
  description:
    "GeoJSON FeatureCollection (RFC 7946, WGS 84); each feature's id is its position in the ranking (1 = first), its geometry a Polygon or MultiPolygon",
  required: [...rankingMapCollection.required, 'numberMatched', 'numberReturned', 'level', 'rank', 'regionCode', 'ruleVersion', 'weights', 'total'],
} as const

export type RankingMapCollection = SchemaType<typeof rankingMapResponse>
/** One area of the ranking map: its outline and what the map's labels and info box show. */
export type RankingMapFeature = RankingMapCollection['features'][number]
