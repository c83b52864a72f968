import type { FastifyInstance } from 'fastify'
import { MAX_ID } from '../../http/bounds'
import { invalid } from '../../errors'
import { errorResponses, featureCollectionSchema, nullableGeometrySchema, type SchemaType } from '../../http/schemas'
import { CAPABILITIES } from '../../domain/resources'
import { capabilityIsochrones, DEFAULT_MINUTES, MAX_CAPABILITY_RESOURCES, MAX_MINUTES, resourceIsochrones } from './isochrones'

/** The road network and travel-time areas (docs/domain.md §6). */
/** `GET /api/roads/isochrones`: one polygon per minutes value (null: nothing reached), with what was asked and how. */
const isochroneCollectionSchema = featureCollectionSchema(
  {
    minutes: { type: 'integer' },
    vertices: { type: 'integer' },
    resources: { type: 'integer', description: 'capability: resources reaching anything within the minutes' },
  },
  {
    resourceId: { type: 'integer' },
    capability: { type: 'string', enum: CAPABILITIES },
    resources: { type: 'integer', description: 'capability: available resources with it' },
    resourceIds: { type: 'array', items: { type: 'integer' }, description: 'capability: the resources whose isochrones are joined' },
    offNetworkIds: { type: 'array', items: { type: 'integer' }, description: 'capability: resources left out, too far from every road' },
    engine: { type: 'string', enum: ['pgrouting', 'in-process'] },
    networkVersion: { type: 'integer' },
    offRoadM: { type: 'number', description: "the resource's straight leg to its nearest road, metres" },
    cached: { type: 'boolean' },
  },
  // null: nothing is reached within the minutes
  nullableGeometrySchema,
  ['minutes', 'vertices'],
)

export type IsochroneCollection = SchemaType<typeof isochroneCollectionSchema>

export default async function roadRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['roads'],
        summary: 'The road network: size, extent, top speed, the routing engine (or why routing is unavailable) and its settings',
        response: {
          200: {
            type: 'object',
            properties: {
              engine: { type: ['string', 'null'], enum: ['pgrouting', 'in-process', null] },
              unavailableReason: { type: ['string', 'null'] },
              version: { type: 'integer' },
              edges: { type: 'integer' },
              vertices: { type: 'integer' },
              maxSpeedKmh: { type: 'number', description: 'fastest emergency speed on any edge' },
              totalLengthM: { type: 'number' },
              bbox: { type: ['array', 'null'], items: { type: 'number' } },
              maxSnapM: { type: 'number' },
              offRoadKmh: { type: 'number' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async () => ({
      engine: app.roads.engine?.name ?? null,
      unavailableReason: app.roads.unavailableReason,
      ...(await app.roads.summary()),
      ...app.roads.settings,
    }),
  )

  app.get<{ Querystring: { resourceId?: number; capability?: string; minutes?: string } }>(
    '/isochrones',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['roads'],
        summary:
          'The areas a resource (resourceId), or the available resources of a capability together (capability: the union of theirs), reach within N minutes over the road network, as polygons (cached until the network or a resource changes)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            resourceId: { type: 'integer', minimum: 1, maximum: MAX_ID, description: 'one resource (give this or capability)' },
            capability: {
              type: 'string',
              enum: CAPABILITIES,
              description: `the available resources with this capability, at most ${MAX_CAPABILITY_RESOURCES} (give this or resourceId)`,
            },
            minutes: {
              type: 'string',
              pattern: '^[0-9]{1,2}(,[0-9]{1,2}){0,5}$',
              description: `comma-separated minutes, 1–${MAX_MINUTES} (default ${DEFAULT_MINUTES.join(',')})`,
            },
          },
        },
        response: {
          200: isochroneCollectionSchema,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const minutes =
        request.query.minutes === undefined ? [...DEFAULT_MINUTES] : [...new Set(request.query.minutes.split(',').map(Number))].sort((a, b) => a - b)
      const bad = minutes.find((m) => m < 1 || m > MAX_MINUTES)
      if (bad !== undefined) throw invalid('minutes', `each must be 1–${MAX_MINUTES}, got ${bad}`)
      const { resourceId, capability } = request.query
      if ((resourceId === undefined) === (capability === undefined)) {
        throw invalid(
          capability === undefined ? 'resourceId' : 'capability',
          'give either resourceId (one resource) or capability (its available resources), not both',
        )
      }
      if (capability !== undefined) {
        const set = await capabilityIsochrones(app.db, app.roads, capability, minutes)
        return {
          type: 'FeatureCollection' as const,
          capability: set.capability,
          resources: set.resources,
          resourceIds: set.resourceIds,
          offNetworkIds: set.offNetworkIds,
          engine: set.engine,
          networkVersion: set.networkVersion,
          cached: set.cached,
          features: set.isochrones.map((i) => ({
            type: 'Feature' as const,
            geometry: i.geometry,
            properties: { minutes: i.minutes, vertices: i.vertices, resources: i.resources },
          })),
        }
      }
      const set = await resourceIsochrones(app.db, app.roads, resourceId!, minutes)
      return {
        type: 'FeatureCollection' as const,
        resourceId: set.resourceId,
        engine: set.engine,
        networkVersion: set.networkVersion,
        offRoadM: set.offRoadM,
        cached: set.cached,
        features: set.isochrones.map((i) => ({ type: 'Feature' as const, geometry: i.geometry, properties: { minutes: i.minutes, vertices: i.vertices } })),
      }
    },
  )
}
