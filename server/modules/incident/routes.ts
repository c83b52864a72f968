import type { FastifyInstance } from 'fastify'
import { errorResponses, levelResponseSchema, sentObject, typed, type SchemaType } from '../../http/schemas'
import { assertAreaCells } from '../../http/bounds'
import { pointParams, queryPointSchema } from '../../http/params'
import { readScope } from '../auth/access'
import { toWgs84 } from '../../domain/coords'
import { RESOURCE_KINDS, RESOURCE_STATUSES, type ResourceKind } from '../../domain/resources'
import { nearestItemSchema, nearestResources } from '../resources'
import { areaAssessmentsAround, cellsAround, hiddenDangersAround, majorHazardsAround, sheltersAround } from './repository'

/** Largest radius of an incident context, metres. */
const MAX_RADIUS_M = 50_000
/** Nearest available resources listed per kind. */
const NEAREST_PER_KIND = 3

const placedProperties = {
  distanceM: { type: 'number', description: 'geodesic distance from the incident, metres' },
  bearingDeg: { type: 'number', description: 'from the incident, degrees clockwise from north' },
  lon: { type: 'number' },
  lat: { type: 'number' },
} as const

const nearestList = { type: 'array', items: nearestItemSchema } as const

/** `GET /api/incident/context`: every property is always sent (the repository sets each). */
const contextResponse = sentObject({
  query: sentObject({ ...queryPointSchema, radiusM: { type: 'number' } }),
  riskSources: sentObject({
    majorHazards: {
      type: 'array',
      items: sentObject({
        id: { type: 'integer' },
        name: { type: 'string' },
        level: levelResponseSchema,
        grade: { type: 'integer', description: 'major hazard grade 1 (highest) … 4 (GB 18218)' },
        r: { type: 'number', description: 'R value (GB 18218 / AQ 3036)' },
        impactRadiusM: { type: ['number', 'null'] },
        reportedAt: { type: ['string', 'null'] },
        enterprise: sentObject({
          id: { type: ['integer', 'null'], description: 'null outside your scope' },
          name: { type: 'string' },
          address: { type: ['string', 'null'] },
          responsiblePerson: { type: ['string', 'null'] },
          responsiblePhone: { type: ['string', 'null'] },
        }),
        substances: {
          type: 'array',
          items: sentObject({
            name: { type: 'string' },
            cas: { type: ['string', 'null'] },
            hazardClass: { type: ['string', 'null'] },
            qT: { type: 'number', description: 'design maximum quantity, tonnes' },
            criticalQT: { type: 'number', description: 'critical quantity, tonnes' },
          }),
        },
        ...placedProperties,
      }),
    },
    hiddenDangers: {
      type: 'array',
      items: sentObject({
        id: { type: 'integer' },
        description: { type: 'string' },
        status: { type: 'string', enum: ['open', 'rectified'], description: 'rectified = awaiting verification' },
        foundAt: { type: ['string', 'null'] },
        deadline: { type: ['string', 'null'] },
        overdue: { type: 'boolean' },
        enterprise: sentObject({ id: { type: ['integer', 'null'] }, name: { type: 'string' } }),
        ...placedProperties,
      }),
    },
    areaAssessments: {
      type: 'array',
      items: sentObject({
        id: { type: 'integer' },
        name: { type: 'string' },
        areaKind: { type: 'string' },
        level: levelResponseSchema,
        method: { type: 'string' },
        assessor: { type: 'string' },
        assessedAt: { type: ['string', 'null'] },
        validUntil: { type: ['string', 'null'] },
        distanceM: { type: 'number', description: '0 when the incident is inside the area' },
      }),
    },
  }),
  cells: {
    type: 'array',
    items: sentObject({
      h3: { type: 'string' },
      level: levelResponseSchema,
      stale: { type: 'boolean' },
      rule: { type: 'string' },
      distanceM: { type: 'number', description: '0 when the incident is inside the cell' },
    }),
  },
  shelters: {
    type: 'array',
    items: sentObject({
      id: { type: 'integer' },
      name: { type: 'string' },
      capacity: { type: 'integer', description: 'people' },
      status: { type: 'string', enum: RESOURCE_STATUSES },
      organisation: { type: ['string', 'null'] },
      dutyPhone: { type: ['string', 'null'] },
      ...placedProperties,
    }),
  },
  nearestByKind: sentObject(Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, nearestList])) as Record<ResourceKind, typeof nearestList>),
})

export type IncidentContext = SchemaType<typeof contextResponse>

const contextQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['lon', 'lat'],
  properties: {
    ...pointParams,
    radiusM: { type: 'number', exclusiveMinimum: 0, maximum: MAX_RADIUS_M, default: 2000, description: 'metres' },
  },
} as const

/** Around an incident (docs/domain.md §6): what responders must know before they arrive, and who can help. */
export default async function incidentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/context',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['incident'],
        summary: 'Risk sources, graded cells and shelters within a radius of an incident, and the nearest available resources of each kind',
        querystring: contextQuery,
        response: { 200: contextResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { crs, radiusM } = request.query
      assertAreaCells(Math.PI * radiusM * radiusM, app.grading.res, 'radiusM')
      const [lon, lat] = toWgs84(request.query.lon, request.query.lat, crs)
      const circle = { lon, lat, radiusM }
      const scope = readScope(request.user)
      // Independent reads: on a real server they run side by side on the pool (the embedded one queues them).
      const [majorHazards, hiddenDangers, areaAssessments, cells, shelters, ...nearest] = await Promise.all([
        majorHazardsAround(app.db, circle, scope),
        hiddenDangersAround(app.db, circle, scope),
        areaAssessmentsAround(app.db, circle),
        cellsAround(app.db, circle, app.grading.res),
        sheltersAround(app.db, circle),
        ...RESOURCE_KINDS.map((kind) => nearestResources(app.db, { lon, lat, k: NEAREST_PER_KIND, filter: { kind, status: 'available' } })),
      ])
      // One list per kind, in RESOURCE_KINDS order (Object.fromEntries types its keys as any string).
      const nearestByKind = Object.fromEntries(RESOURCE_KINDS.map((kind, i) => [kind, nearest[i]!])) as IncidentContext['nearestByKind']
      return { query: { lon, lat, crs, radiusM }, riskSources: { majorHazards, hiddenDangers, areaAssessments }, cells, shelters, nearestByKind }
    },
  )
}
