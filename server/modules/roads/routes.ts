import type { FastifyInstance } from 'fastify'
import { MAX_ID } from '../../bounds'
import { invalid } from '../../errors'
import { errorResponses } from '../../schemas'
import { DEFAULT_MINUTES, MAX_MINUTES, resourceIsochrones } from './isochrones'

/** The road network and travel-time areas (docs/domain.md §6). */
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

  app.get<{ Querystring: { resourceId: number; minutes?: string } }>(
    '/isochrones',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['roads'],
        summary: 'The areas a resource reaches within N minutes over the road network, as polygons (cached until the network or the resource changes)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['resourceId'],
          properties: {
            resourceId: { type: 'integer', minimum: 1, maximum: MAX_ID },
            minutes: { type: 'string', pattern: '^[0-9]{1,2}(,[0-9]{1,2}){0,5}$', description: `comma-separated minutes, 1–${MAX_MINUTES} (default ${DEFAULT_MINUTES.join(',')})` },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              type: { type: 'string', const: 'FeatureCollection' },
              resourceId: { type: 'integer' },
              engine: { type: 'string' },
              networkVersion: { type: 'integer' },
              offRoadM: { type: 'number', description: 'the resource\'s straight leg to its nearest road, metres' },
              cached: { type: 'boolean' },
              features: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    type: { type: 'string', const: 'Feature' },
                    geometry: { type: ['object', 'null'], additionalProperties: true },
                    properties: { type: 'object', properties: { minutes: { type: 'integer' }, vertices: { type: 'integer' } } },
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
      const minutes = request.query.minutes === undefined ? [...DEFAULT_MINUTES] : [...new Set(request.query.minutes.split(',').map(Number))].sort((a, b) => a - b)
      const bad = minutes.find((m) => m < 1 || m > MAX_MINUTES)
      if (bad !== undefined) throw invalid('minutes', `each must be 1–${MAX_MINUTES}, got ${bad}`)
      const set = await resourceIsochrones(app.db, app.roads, request.query.resourceId, minutes)
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
