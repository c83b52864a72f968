import type { FastifyInstance } from 'fastify'
import { invalid } from '../../errors'
import { errorResponses, typed } from '../../http/schemas'
import { capabilityIsochrones, DEFAULT_MINUTES, MAX_MINUTES, resourceIsochrones } from './isochrones'
import { isochroneCollectionSchema, isochroneQuerySchema, networkResponseSchema } from './schemas'

/** The road network and travel-time areas (docs/domain.md §6). */
export default async function roadRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)

  app.get(
    '/',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['roads'],
        summary: 'The road network: size, extent, top speed, the routing engine (or why routing is unavailable) and its settings',
        response: { 200: networkResponseSchema, ...errorResponses },
      },
    },
    async () => ({
      engine: app.roads.engine?.name ?? null,
      unavailableReason: app.roads.unavailableReason,
      ...(await app.roads.summary()),
      ...app.roads.settings,
    }),
  )

  app.get(
    '/isochrones',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['roads'],
        summary:
          'The areas a resource (resourceId), or the available resources of a capability together (capability: the union of theirs), reach within N minutes over the road network, as polygons (cached until the network or a resource changes)',
        querystring: isochroneQuerySchema,
        response: { 200: isochroneCollectionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const minutes =
        request.query.minutes === undefined ? [...DEFAULT_MINUTES] : [...new Set(request.query.minutes.split(',').map(Number))].sort((a, b) => a - b)
      const bad = minutes.find((m) => m < 1 || m > MAX_MINUTES)
      if (bad !== undefined) throw invalid('minutes', `each must be 1–${MAX_MINUTES}, got ${bad}`)
      const { resourceId, capability } = request.query
      if (capability !== undefined) {
        if (resourceId !== undefined) throw invalid('capability', 'give either resourceId (one resource) or capability (its available resources), not both')
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
      if (resourceId === undefined) throw invalid('resourceId', 'give either resourceId (one resource) or capability (its available resources), not both')
      const set = await resourceIsochrones(app.db, app.roads, resourceId, minutes)
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
