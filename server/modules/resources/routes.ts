import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { cellToLatLng } from 'h3-js'
import { AppError, invalid, notFound } from '../../errors'
import { errorResponses, featureCollectionSchema, geometrySchema, levelResponseSchema, parseBBox, type SchemaType } from '../../http/schemas'
import { toWgs84, type Crs } from '../../domain/coords'
import {
  CAPABILITIES,
  CAPABILITY_LABELS,
  RESOURCE_KIND_LABELS,
  RESOURCE_KINDS,
  RESOURCE_STATUS_LABELS,
  RESOURCE_STATUSES,
  resourceProblems,
  type Capability,
  type ResourceInput,
  type ResourceKind,
  type ResourceStatus,
} from '../../domain/resources'
import { bumpDataVersion } from '../../grading/repository'
import { MAX_K, nearestResources } from './nearest'
import { nearestResponders, RESPONSE_MEASURE } from './response'
import { nearestByTime } from './nearest-time'
import { coverageByTime } from '../roads'
import {
  currentStatus,
  deleteResource,
  divisionAt,
  divisionExists,
  getResource,
  insertResource,
  listResources,
  replaceResource,
  riskCells,
  setResourceStatus,
  type ResourceWrite,
} from './repository'
import {
  nearestItemSchema,
  resourceBodySchema,
  resourceFeatureSchema,
  resourcePropertiesSchema,
  resourceVocabularyResponse,
  routingInfoSchema,
  timedItemSchema,
  unreachableSchema,
} from './schemas'
import { offsetParam } from '../../http/bounds'
import { idParams, pointParams, queryPointSchema } from '../../http/params'

type ResourceBody = ResourceInput & { lon: number; lat: number; crs: Crs; divisionCode?: string | null }

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string | null))

function toFeature(row: Record<string, unknown>) {
  return {
    type: 'Feature' as const,
    id: Number(row.id),
    geometry: { type: 'Point' as const, coordinates: [Number(row.lon), Number(row.lat)] },
    properties: {
      id: Number(row.id),
      kind: row.kind,
      name: row.name,
      organisation: row.organisation,
      dutyPhone: row.duty_phone,
      contact: row.contact,
      status: row.status,
      statusUpdatedAt: iso(row.status_updated_at),
      capabilities: row.capabilities,
      teamType: row.team_type,
      headcount: row.headcount,
      equipmentType: row.equipment_type,
      quantity: row.quantity,
      items: row.items,
      capacity: row.capacity,
      expertField: row.expert_field,
      divisionCode: row.division_code,
      divisionName: row.division_name ?? null,
      synthetic: row.synthetic,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    },
  }
}

const kindParam = { type: 'string', enum: RESOURCE_KINDS } as const
const capabilityParam = { type: 'string', enum: CAPABILITIES } as const

/** Largest response time a coverage report may ask for, minutes. */
const MAX_COVERAGE_MINUTES = 120

/** What a coverage-gap answer was asked and how it measured (thresholdM or minutes; the road fields with minutes). */
const coverageQuerySchema = {
  type: 'object',
  properties: {
    capability: capabilityParam,
    thresholdM: { type: ['number', 'null'] },
    minutes: { type: ['integer', 'null'] },
    engine: { type: 'string', enum: ['pgrouting', 'in-process'] },
    teams: { type: 'integer', description: 'available teams of the capability (minutes)' },
    teamsOffNetwork: { type: 'integer', description: 'of which too far from any road to drive (minutes)' },
    minLevel: { type: 'integer' },
    res: { type: 'integer' },
    measure: { type: 'string' },
    measureDescription: { type: 'string' },
  },
  required: ['capability', 'thresholdM', 'minutes', 'minLevel', 'res', 'measure', 'measureDescription'],
} as const

/** `GET /api/resources/coverage-gaps?format=geojson`: the gap cells as polygons (bestTimeS and offNetwork when asked in minutes). */
const coverageGapCollectionSchema = featureCollectionSchema(
  {
    h3: { type: 'string' },
    level: levelResponseSchema,
    stale: { type: 'boolean' },
    lon: { type: 'number' },
    lat: { type: 'number' },
    nearestTeamId: { type: ['integer', 'null'] },
    nearestTeamName: { type: ['string', 'null'] },
    nearestTeamDistanceM: { type: ['number', 'null'] },
    bestTimeS: { type: ['number', 'null'] },
    offNetwork: { type: 'boolean' },
  },
  { query: coverageQuerySchema, cellsChecked: { type: 'integer' } },
  geometrySchema,
  ['h3', 'level', 'stale', 'lon', 'lat', 'nearestTeamId', 'nearestTeamName', 'nearestTeamDistanceM'],
)

export type CoverageGapCollection = SchemaType<typeof coverageGapCollectionSchema>

/**
 * `GET /api/resources/nearest`: by=distance gives the items; by=time gives them with etaS,
 * roadDistanceM, snap and route each, plus unreachable and routing.
 */
const nearestResponseSchema = {
  type: 'object',
  required: ['query', 'items'],
  properties: {
    query: {
      type: 'object',
      properties: {
        ...queryPointSchema,
        k: { type: 'integer' },
        kind: kindParam,
        capability: capabilityParam,
        status: { type: 'string', enum: [...RESOURCE_STATUSES, 'any'] },
        maxDistanceM: { type: 'number' },
        by: { type: 'string', enum: ['distance', 'time'] },
      },
      required: ['lon', 'lat', 'crs', 'k', 'status', 'by'],
    },
    items: { type: 'array', items: timedItemSchema },
    unreachable: { type: 'array', items: unreachableSchema, description: 'by=time: matching resources no route reaches (see reason)' },
    routing: routingInfoSchema,
  },
} as const

export type NearestResponse = SchemaType<typeof nearestResponseSchema>

/** Emergency resources (docs/domain.md §6): CRUD, the exact k-nearest query and coverage gaps. */
export default async function resourceRoutes(app: FastifyInstance): Promise<void> {
  /** Validates a body beyond its schema, converts its point to WGS 84 and resolves its division. */
  async function toWrite(body: ResourceBody, status: ResourceStatus): Promise<ResourceWrite> {
    const problems = resourceProblems(body)
    if (problems.length > 0) {
      throw new AppError(400, 'invalid_input', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems)
    }
    const [lon, lat] = toWgs84(body.lon, body.lat, body.crs)
    let divisionCode = body.divisionCode ?? null
    if (divisionCode === null) divisionCode = await divisionAt(app.db, lon, lat)
    else if (!(await divisionExists(app.db, divisionCode))) {
      throw invalid('divisionCode', `no division ${divisionCode}`)
    }
    return { ...body, status, lon, lat, divisionCode }
  }

  /**
   * Runs a write and bumps the tile data version in the same transaction (a throw rolls both back).
   * Resources do not grade cells, so nothing is regraded.
   */
  async function write<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<{ result: T; dataVersion: number }> {
    return app.db.transaction(async (trx) => {
      const result = await work(trx)
      return { result, dataVersion: await bumpDataVersion(trx) }
    })
  }

  async function featureOf(id: number, dataVersion?: number) {
    const row = await getResource(app.db, id)
    if (!row) throw notFound('resource', id)
    return dataVersion === undefined ? toFeature(row) : { ...toFeature(row), dataVersion }
  }

  app.get(
    '/vocabulary',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['resources'],
        summary: 'Resource kinds, statuses and the capability vocabulary, with Chinese and English labels',
        response: {
          200: resourceVocabularyResponse,
          ...errorResponses,
        },
      },
    },
    async () => ({
      kinds: RESOURCE_KINDS.map((key) => ({ key, ...RESOURCE_KIND_LABELS[key] })),
      statuses: RESOURCE_STATUSES.map((key) => ({ key, ...RESOURCE_STATUS_LABELS[key] })),
      capabilities: CAPABILITIES.map((key) => ({ key, ...CAPABILITY_LABELS[key] })),
    }),
  )

  app.get<{
    Querystring: { kind?: ResourceKind; capability?: Capability; status?: ResourceStatus; bbox?: string; division?: string; limit: number; offset: number }
  }>(
    '/',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['resources'],
        summary: 'Emergency resources as a GeoJSON FeatureCollection, filtered and paginated',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            kind: kindParam,
            capability: capabilityParam,
            status: { type: 'string', enum: RESOURCE_STATUSES },
            bbox: { type: 'string', description: 'minLon,minLat,maxLon,maxLat in WGS 84 degrees' },
            division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code or prefix' },
            limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
            offset: offsetParam,
          },
        },
        response: { 200: featureCollectionSchema(resourcePropertiesSchema, { offset: { type: 'integer' } }), ...errorResponses },
      },
    },
    async (request) => {
      const { bbox, ...rest } = request.query
      const { total, rows } = await listResources(app.db, { ...rest, bbox: bbox === undefined ? undefined : parseBBox(bbox) })
      return { type: 'FeatureCollection' as const, numberMatched: total, numberReturned: rows.length, offset: rest.offset, features: rows.map(toFeature) }
    },
  )

  app.get<{
    Querystring: {
      lon: number
      lat: number
      crs: Crs
      k: number
      kind?: ResourceKind
      capability?: Capability
      status: ResourceStatus | 'any'
      maxDistanceM?: number
      by: 'distance' | 'time'
    }
  }>(
    '/nearest',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['resources'],
        summary: 'The k resources nearest to a point by geodesic distance (exact: KNN pre-filter, spheroid re-ranking)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['lon', 'lat'],
          properties: {
            ...pointParams,
            k: { type: 'integer', minimum: 1, maximum: MAX_K, default: 5 },
            kind: kindParam,
            capability: capabilityParam,
            status: { type: 'string', enum: [...RESOURCE_STATUSES, 'any'], default: 'available' },
            maxDistanceM: { type: 'number', exclusiveMinimum: 0, maximum: 20_100_000, description: 'metres' },
            by: {
              type: 'string',
              enum: ['distance', 'time'],
              default: 'distance',
              description: 'distance: straight line; time: estimated driving time over the road network (items then carry etaS, roadDistanceM, route)',
            },
          },
        },
        response: {
          200: nearestResponseSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { crs, k, kind, capability, status, maxDistanceM, by } = request.query
      const [lon, lat] = toWgs84(request.query.lon, request.query.lat, crs)
      const filter = { kind, capability, status: status === 'any' ? null : status, maxDistanceM }
      if (by === 'time') {
        const { items, unreachable, ...routing } = await nearestByTime(app.db, app.roads, { lon, lat, k, filter })
        return { query: { lon, lat, crs, k, kind, capability, status, maxDistanceM, by }, items, unreachable, routing }
      }
      const items = await nearestResources(app.db, { lon, lat, k, filter })
      return { query: { lon, lat, crs, k, kind, capability, status, maxDistanceM, by }, items }
    },
  )

  app.get<{ Querystring: { capability: Capability; thresholdM: number; minutes?: number; minLevel: number; format: 'json' | 'geojson' } }>(
    '/coverage-gaps',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['resources'],
        summary:
          'Risk cells (level ≥ minLevel) with no available rescue team of a capability within a response distance, or within N minutes by road (minutes=N)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['capability'],
          properties: {
            capability: capabilityParam,
            thresholdM: {
              type: 'number',
              exclusiveMinimum: 0,
              maximum: 1_000_000,
              default: 5000,
              description: 'response distance, metres (ignored with minutes)',
            },
            minutes: {
              type: 'integer',
              minimum: 1,
              maximum: MAX_COVERAGE_MINUTES,
              description: 'response time by road, minutes: a cell is a gap when no team reaches it in time over the road network (or it lies off the network)',
            },
            minLevel: { type: 'integer', minimum: 1, maximum: 4, default: 3, description: '3 = orange and red' },
            format: { type: 'string', enum: ['json', 'geojson'], default: 'json' },
          },
        },
        response: {
          200: {
            type: 'object',
            description: 'format=json: { query, cellsChecked, gaps }; format=geojson: a FeatureCollection of the gap cells',
            properties: {
              // format=geojson: the FeatureCollection; its query and cellsChecked come in both formats
              ...coverageGapCollectionSchema.properties,
              gaps: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    h3: { type: 'string' },
                    level: { type: 'integer' },
                    stale: { type: 'boolean' },
                    lon: { type: 'number', description: 'cell centre' },
                    lat: { type: 'number' },
                    nearestTeam: {
                      type: ['object', 'null'],
                      properties: { id: { type: 'integer' }, name: { type: 'string' }, distanceM: { type: 'number' } },
                    },
                    bestTimeS: {
                      type: ['number', 'null'],
                      description: 'minutes: the fastest arrival of any team by road, seconds; null when none reaches it',
                    },
                    offNetwork: { type: 'boolean', description: 'minutes: the cell centre is off the road network (no time claimed)' },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { capability, thresholdM, minutes, minLevel, format } = request.query
      const res = app.grading.res
      const cells = await riskCells(app.db, res, minLevel, format === 'geojson')
      const centres = cells.map((c) => {
        const [lat, lon] = cellToLatLng(c.h3)
        return { lon, lat }
      })
      const teams = await nearestResponders(app.db, centres, { kind: 'rescue_team', capability, status: 'available' })
      const timed = minutes === undefined ? null : await coverageByTime(app.db, app.roads, centres, capability)
      const gaps = cells
        .map((cell, i) => ({ cell, centre: centres[i]!, team: teams[i] ?? null, time: timed?.points[i] ?? null }))
        .filter(({ team, time }) => (time === null ? team === null || team.distanceM > thresholdM : time.bestS === null || time.bestS > minutes! * 60))
      const query =
        timed === null
          ? { capability, thresholdM, minutes: null, minLevel, res, measure: RESPONSE_MEASURE.id, measureDescription: RESPONSE_MEASURE.description }
          : {
              capability,
              thresholdM: null,
              minutes,
              minLevel,
              res,
              measure: 'road_time',
              engine: timed.engine,
              teams: timed.teams,
              teamsOffNetwork: timed.teamsOffNetwork,
              measureDescription: `emergency driving time over the road network from the nearest available team, off-road legs at ${app.roads.settings.offRoadKmh} km/h included; cells off the network count as gaps`,
            }
      const timeOf = (time: { bestS: number | null; offNetwork: boolean } | null) =>
        time === null ? {} : { bestTimeS: time.bestS, offNetwork: time.offNetwork }
      if (format === 'geojson') {
        return {
          type: 'FeatureCollection' as const,
          query,
          cellsChecked: cells.length,
          numberMatched: gaps.length,
          numberReturned: gaps.length,
          features: gaps.map(({ cell, centre, team, time }) => ({
            type: 'Feature' as const,
            id: cell.h3,
            geometry: cell.geometry,
            properties: {
              h3: cell.h3,
              level: cell.level,
              stale: cell.stale,
              lon: centre.lon,
              lat: centre.lat,
              nearestTeamId: team?.id ?? null,
              nearestTeamName: team?.name ?? null,
              nearestTeamDistanceM: team?.distanceM ?? null,
              ...timeOf(time),
            },
          })),
        }
      }
      return {
        query,
        cellsChecked: cells.length,
        gaps: gaps.map(({ cell, centre, team, time }) => ({
          h3: cell.h3,
          level: cell.level,
          stale: cell.stale,
          lon: centre.lon,
          lat: centre.lat,
          nearestTeam: team,
          ...timeOf(time),
        })),
      }
    },
  )

  app.get<{ Params: { id: number } }>(
    '/:id',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['resources'],
        summary: 'One emergency resource',
        params: idParams,
        response: { 200: resourceFeatureSchema, ...errorResponses },
      },
    },
    async (request) => featureOf(request.params.id),
  )

  app.post<{ Body: ResourceBody }>(
    '/',
    {
      config: { access: ['commander'] },
      schema: {
        tags: ['resources'],
        summary: 'Creates a resource; bumps the tile data version (nothing is regraded)',
        body: resourceBodySchema(true),
        response: { 201: resourceFeatureSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const w = await toWrite(request.body, request.body.status ?? 'available')
      const { result: id, dataVersion } = await write((trx) => insertResource(trx, w))
      reply.code(201).header('location', `/api/resources/${id}`)
      return featureOf(id, dataVersion)
    },
  )

  app.put<{ Params: { id: number }; Body: ResourceBody }>(
    '/:id',
    {
      config: { access: ['commander'] },
      schema: {
        tags: ['resources'],
        summary: 'Replaces a resource (an omitted status stays as it is); bumps the tile data version',
        params: idParams,
        body: resourceBodySchema(false),
        response: { 200: resourceFeatureSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      const status = request.body.status ?? (await currentStatus(app.db, id))
      if (status === undefined) throw notFound('resource', id)
      const w = await toWrite(request.body, status)
      const { dataVersion } = await write(async (trx) => {
        if (!(await replaceResource(trx, id, w))) throw notFound('resource', id)
      })
      return featureOf(id, dataVersion)
    },
  )

  app.patch<{ Params: { id: number }; Body: { status: ResourceStatus } }>(
    '/:id/status',
    {
      config: { access: ['commander'] },
      schema: {
        tags: ['resources'],
        summary: 'Reports a status (also a confirmation of an unchanged one): sets it and its time; bumps the tile data version',
        params: idParams,
        body: { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { type: 'string', enum: RESOURCE_STATUSES } } },
        response: { 200: resourceFeatureSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      const { dataVersion } = await write(async (trx) => {
        if (!(await setResourceStatus(trx, id, request.body.status))) throw notFound('resource', id)
      })
      return featureOf(id, dataVersion)
    },
  )

  app.delete<{ Params: { id: number } }>(
    '/:id',
    {
      config: { access: ['commander'] },
      schema: {
        tags: ['resources'],
        summary: 'Deletes a resource; bumps the tile data version',
        params: idParams,
        response: {
          200: { type: 'object', properties: { id: { type: 'integer' }, deleted: { type: 'boolean' }, dataVersion: { type: 'integer' } } },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params
      const { dataVersion } = await write(async (trx) => {
        if (!(await deleteResource(trx, id))) throw notFound('resource', id)
      })
      return { id, deleted: true, dataVersion }
    },
  )
}
