/**
 * The request and response schemas of the public portal's API (docs/domain.md §8), and their static
 * types: the routes are typed by them (`typed(app)`), and the public page imports the types through
 * web/src/api/contract.ts. Every response schema lists its fields, so nothing else can be serialised;
 * none of them has a field for an enterprise, a substance, a quantity or an inspection record.
 */
import { DIVISION_RANKS } from '../../domain/division-register'
import { RESOURCE_STATUSES } from '../../domain/resources'
import { offsetParam } from '../../http/bounds'
import {
  featureCollectionSchema,
  geometrySchema,
  levelResponseSchema,
  nullableGeometrySchema,
  pointGeometrySchema,
  sentObject,
  type SchemaType,
} from '../../http/schemas'

/** Counts per level 0..4, keyed by the level as text (the publication's summary sets every key). */
const countsSchema = sentObject({
  '0': { type: 'integer' },
  '1': { type: 'integer' },
  '2': { type: 'integer' },
  '3': { type: 'integer' },
  '4': { type: 'integer' },
})

export type LevelCounts = SchemaType<typeof countsSchema>

/** Share of the area per level, 0–1, as the publication stored it (a level without area may be absent). */
const sharesSchema = {
  type: 'object',
  description: 'share of the area per level, 0–1',
  properties: { '0': { type: 'number' }, '1': { type: 'number' }, '2': { type: 'number' }, '3': { type: 'number' }, '4': { type: 'number' } },
} as const

const publicPublicationSchema = sentObject({
  id: { type: 'integer' },
  publishedAt: { type: 'string', description: 'ISO 8601' },
  note: { type: ['string', 'null'] },
  resolution: { type: 'integer', description: 'finest H3 resolution shown' },
  minResolution: { type: 'integer' },
  ruleVersion: { type: 'string', description: 'the rule set version the publication was graded under' },
  counts: sentObject({ cells: countsSchema, regions: countsSchema, areas: countsSchema }),
})

/** `GET /api/public/publication`. */
export const publicationResponse = sentObject({
  publication: { anyOf: [{ type: 'null' }, publicPublicationSchema], description: 'the latest publication; null while nothing has been published' },
})

export type PublicPublicationResponse = SchemaType<typeof publicationResponse>
/** The latest publication as the public sees it. */
export type PublicPublication = SchemaType<typeof publicPublicationSchema>

const regionKindSchema = { type: 'string', enum: ['division', 'mgmt_grid'] } as const

/** A region of the latest publication (publishedRegions sets every property). */
const publicRegionSchema = sentObject({
  kind: regionKindSchema,
  key: { type: 'string', description: 'division code, or management grid id' },
  name: { type: 'string' },
  rank: { type: ['string', 'null'], enum: [...DIVISION_RANKS, null], description: 'city, county or township; null for a management grid' },
  parentCode: { type: ['string', 'null'] },
  level: {
    ...levelResponseSchema,
    description: `the region's grade from the shares of its area (rule 2026.2; under 2026.1 its highest cell level): ${levelResponseSchema.description}`,
  },
  highestLevel: {
    type: ['integer', 'null'],
    enum: [...levelResponseSchema.enum, null],
    description: 'the highest cell level in the region (就高); null if the publication did not record it',
  },
  shares: sharesSchema,
})

export type PublicRegion = SchemaType<typeof publicRegionSchema>

/** `GET /api/public/regions`. */
export const regionsResponse = sentObject({ publicationId: { type: ['integer', 'null'] }, items: { type: 'array', items: publicRegionSchema } })

export type PublicRegions = SchemaType<typeof regionsResponse>

export const regionsQuery = { type: 'object', additionalProperties: false, properties: { kind: regionKindSchema } } as const

/** `GET /api/public/shelters`: every property is always sent. */
export const sheltersResponse = featureCollectionSchema(
  {
    name: { type: 'string' },
    capacity: { type: ['integer', 'null'], description: 'people' },
    address: { type: ['string', 'null'], description: 'county and township' },
    status: { type: 'string', enum: RESOURCE_STATUSES },
  },
  {},
  pointGeometrySchema,
  ['name', 'capacity', 'address', 'status'],
)

export type ShelterCollection = SchemaType<typeof sheltersResponse>

const publicPenaltySchema = sentObject({
  decisionNo: { type: 'string', description: '处罚决定书文号' },
  decidedAt: { type: 'string', description: 'YYYY-MM-DD' },
  amountYuan: { type: 'number' },
  divisionName: { type: ['string', 'null'], description: 'the county (or city) the penalised enterprise lies in' },
  violationCategory: { type: ['string', 'null'], description: 'the legal provision violated' },
})

export type PublicPenalty = SchemaType<typeof publicPenaltySchema>

/** `GET /api/public/penalties`. */
export const penaltiesResponse = sentObject({ total: { type: 'integer' }, items: { type: 'array', items: publicPenaltySchema } })

export type PublicPenaltyPage = SchemaType<typeof penaltiesResponse>

export const penaltiesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, offset: offsetParam },
} as const

const divisionProperties = {
  code: { type: 'string' },
  name: { type: 'string' },
  nameEn: { type: ['string', 'null'] },
  rank: { type: 'string', enum: DIVISION_RANKS },
  parentCode: { type: ['string', 'null'] },
  label: { ...nullableGeometrySchema, description: 'a point inside the polygon to place its label' },
} as const

/** `GET /api/public/divisions`: every property is always sent. */
export const publicDivisionCollectionResponse = featureCollectionSchema(divisionProperties, {}, geometrySchema, [
  'code',
  'name',
  'nameEn',
  'rank',
  'parentCode',
  'label',
])

export type PublicDivisionCollection = SchemaType<typeof publicDivisionCollectionResponse>

export const divisionsQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['rank'],
  properties: {
    rank: { type: 'string', enum: ['city', 'county', 'township'] },
    simplifyM: { type: 'number', minimum: 0, maximum: 5000, default: 0, description: 'simplification tolerance, metres' },
  },
} as const

export const placeQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['lon', 'lat'],
  properties: {
    lon: { type: 'number', minimum: -180, maximum: 180, description: 'WGS 84' },
    lat: { type: 'number', minimum: -90, maximum: 90, description: 'WGS 84' },
  },
} as const

/** Shelters listed beside a place, nearest first. */
export const NEARBY_SHELTERS = 3

/** A division around a point, with its published level and shares (placeReading sets every property). */
const placeRegionSchema = sentObject({
  key: { type: 'string' },
  name: { type: 'string' },
  nameEn: { type: ['string', 'null'] },
  rank: { type: 'string', enum: DIVISION_RANKS, description: 'county or township' },
  level: levelResponseSchema,
  shares: sharesSchema,
})

export type PlaceRegion = SchemaType<typeof placeRegionSchema>

const nearbyShelterSchema = sentObject({
  name: { type: 'string' },
  address: { type: ['string', 'null'] },
  capacity: { type: ['integer', 'null'] },
  distanceM: { type: 'integer', description: 'metres, on the spheroid' },
  geometry: pointGeometrySchema,
})

export type NearbyShelter = SchemaType<typeof nearbyShelterSchema>

/** What the latest publication says about a point, without the point itself (placeReading builds it). */
const placeReadingProperties = {
  level: { ...levelResponseSchema, description: 'published level of the cell at the point; 0 when no risk is recorded there' },
  stale: { type: 'boolean' },
  areaLevel: { ...levelResponseSchema, description: 'highest published public-area zone over the point; 0 when none' },
  regions: { type: 'array', description: 'the township and the county the point lies in, finest first', items: placeRegionSchema },
  shelters: { type: 'array', description: `the ${NEARBY_SHELTERS} nearest emergency shelters`, items: nearbyShelterSchema },
} as const

/** `GET /api/public/place`: the handler sets every property (an empty reading while nothing has been published). */
export const placeResponse = sentObject({
  publicationId: { type: ['integer', 'null'], description: 'null while nothing has been published (then the reading is empty)' },
  lon: { type: 'number' },
  lat: { type: 'number' },
  h3: { type: ['string', 'null'], description: "the point's cell at the publication's finest resolution" },
  ...placeReadingProperties,
})

export type PlaceReading = SchemaType<typeof placeResponse>
/** The level, regions and shelters of a point in a publication (repository's placeReading). */
export type PointReading = Omit<PlaceReading, 'publicationId' | 'lon' | 'lat' | 'h3'>
