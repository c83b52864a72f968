// JSON schemas of what a travel-time answer tells of the road network (a snap, a route), for validation,
// serialisation and the OpenAPI document. The nearest-by-time answer built on them is in modules/resources.
export const snapSchema = {
  type: 'object',
  description: 'where a point joins the road network: its nearest edge, the place on it, and the straight off-road leg',
  properties: {
    lon: { type: 'number' },
    lat: { type: 'number' },
    edge: { type: 'integer' },
    fraction: { type: 'number', description: '0 at the edge source, 1 at its target' },
    offRoadM: { type: 'number', description: 'straight leg between the point and the road, metres, driven at routing.offRoadKmh' },
  },
  required: ['lon', 'lat', 'edge', 'fraction', 'offRoadM'],
} as const

/** A route drawn on the map: GeoJSON line(s), or null. */
export const routeGeometrySchema = {
  anyOf: [
    {
      type: 'object',
      description: 'GeoJSON LineString (or MultiLineString), WGS 84',
      properties: { type: { type: 'string', enum: ['LineString', 'MultiLineString'] }, coordinates: { type: 'array' } },
      required: ['type', 'coordinates'],
    },
    { type: 'null' },
  ],
} as const
