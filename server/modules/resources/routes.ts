import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { cellToLatLng } from 'h3-js'
import { AppError, invalid, notFound } from '../../errors'
import { errorResponses, parseBBox, typed } from '../../http/schemas'
import { toWgs84 } from '../../domain/coords'
import {
  CAPABILITIES,
  CAPABILITY_LABELS,
  RESOURCE_KIND_LABELS,
  RESOURCE_KINDS,
  RESOURCE_STATUS_LABELS,
  RESOURCE_STATUSES,
  resourceProblems,
  type DepotItem,
  type ResourceKind,
  type ResourceStatus,
} from '../../domain/resources'
import { bumpDataVersion } from '../../grading/repository'
import { nearestResources } from './nearest'
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
  coverageGapsQuerySchema,
  coverageGapsResponseSchema,
  deletedSchema,
  listQuerySchema,
  nearestQuerySchema,
  nearestResponseSchema,
  newResourceBodySchema,
  resourceBodySchema,
  resourceCollectionSchema,
  resourceFeatureSchema,
  resourceVocabularyResponse,
  statusBodySchema,
  type ResourceBody,
  type ResourceFeature,
} from './schemas'
import { idParams } from '../../http/params'

/** A stored time as ISO 8601 (the driver gives a Date; the columns are NOT NULL). */
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v))

function toFeature(row: Record<string, unknown>): ResourceFeature {
  return {
    type: 'Feature',
    id: Number(row.id),
    geometry: { type: 'Point', coordinates: [Number(row.lon), Number(row.lat)] },
    properties: {
      id: Number(row.id),
      kind: row.kind as ResourceKind,
      name: row.name as string,
      organisation: row.organisation as string | null,
      dutyPhone: row.duty_phone as string | null,
      contact: row.contact as string | null,
      status: row.status as ResourceStatus,
      statusUpdatedAt: iso(row.status_updated_at),
      capabilities: row.capabilities as string[],
      teamType: row.team_type as string | null,
      headcount: row.headcount as number | null,
      equipmentType: row.equipment_type as string | null,
      quantity: row.quantity as number | null,
      items: row.items as DepotItem[],
      capacity: row.capacity as number | null,
      expertField: row.expert_field as string | null,
      divisionCode: row.division_code as string | null,
      divisionName: (row.division_name as string | null | undefined) ?? null,
      synthetic: row.synthetic as boolean,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    },
  }
}

/** Emergency resources (docs/domain.md §6): CRUD, the exact k-nearest query and coverage gaps. */
export default async function resourceRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)

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

  app.get(
    '/',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['resources'],
        summary: 'Emergency resources as a GeoJSON FeatureCollection, filtered and paginated',
        querystring: listQuerySchema,
        response: { 200: resourceCollectionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { bbox, ...rest } = request.query
      const { total, rows } = await listResources(app.db, { ...rest, bbox: bbox === undefined ? undefined : parseBBox(bbox) })
      return { type: 'FeatureCollection' as const, numberMatched: total, numberReturned: rows.length, offset: rest.offset, features: rows.map(toFeature) }
    },
  )

  app.get(
    '/nearest',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['resources'],
        summary: 'The k resources nearest to a point by geodesic distance (exact: KNN pre-filter, spheroid re-ranking)',
        querystring: nearestQuerySchema,
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

  app.get(
    '/coverage-gaps',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['resources'],
        summary:
          'Risk cells (level ≥ minLevel) with no available rescue team of a capability within a response distance, or within N minutes by road (minutes=N)',
        querystring: coverageGapsQuerySchema,
        response: { 200: coverageGapsResponseSchema, ...errorResponses },
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
      const timed = minutes === undefined ? null : { minutes, ...(await coverageByTime(app.db, app.roads, centres, capability)) }
      const gaps = cells
        .map((cell, i) => ({ cell, centre: centres[i]!, team: teams[i] ?? null, time: timed?.points[i] ?? null }))
        .filter(({ team, time }) => (time === null ? team === null || team.distanceM > thresholdM : time.bestS === null || time.bestS > minutes! * 60))
      const query =
        timed === null
          ? { capability, thresholdM, minutes: null, minLevel, res, measure: RESPONSE_MEASURE.id, measureDescription: RESPONSE_MEASURE.description }
          : {
              capability,
              thresholdM: null,
              minutes: timed.minutes,
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
            geometry: cell.geometry!, // selected with format=geojson
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

  app.get(
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

  app.post(
    '/',
    {
      config: { access: ['commander'] },
      schema: {
        tags: ['resources'],
        summary: 'Creates a resource; bumps the tile data version (nothing is regraded)',
        body: newResourceBodySchema,
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

  app.put(
    '/:id',
    {
      config: { access: ['commander'] },
      schema: {
        tags: ['resources'],
        summary: 'Replaces a resource (an omitted status stays as it is); bumps the tile data version',
        params: idParams,
        body: resourceBodySchema,
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

  app.patch(
    '/:id/status',
    {
      config: { access: ['commander'] },
      schema: {
        tags: ['resources'],
        summary: 'Reports a status (also a confirmation of an unchanged one): sets it and its time; bumps the tile data version',
        params: idParams,
        body: statusBodySchema,
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

  app.delete(
    '/:id',
    {
      config: { access: ['commander'] },
      schema: {
        tags: ['resources'],
        summary: 'Deletes a resource; bumps the tile data version',
        params: idParams,
        response: { 200: deletedSchema, ...errorResponses },
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
