/**
 * The OpenAPI 3.0 document of the OGC API (the landing page's `service-desc`): every path of Part 1
 * Core with its parameters, `limit` with its default and maximum (clients such as GDAL size their
 * pages from it), and one items path per collection listing the properties it may be filtered on.
 */
import { COLLECTIONS, type Collection, type PropertyType } from './collections'
import { SUPPORTED_CRS } from './crs'

/** Features per page when `limit` is not given, and the most one page may hold. */
export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 10_000
/** Largest `offset` accepted: beyond it a client should narrow the selection (bbox, filters). */
export const MAX_OFFSET = 10_000_000

const jsonSchemaOf = (t: PropertyType) => (t === 'date' ? { type: 'string', format: 'date' } : { type: t })

const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` })

const parameters = {
  collectionId: { name: 'collectionId', in: 'path', required: true, description: 'collection id', schema: { type: 'string', enum: Object.keys(COLLECTIONS) } },
  featureId: { name: 'featureId', in: 'path', required: true, description: 'feature id', schema: { type: 'string' } },
  limit: {
    name: 'limit',
    in: 'query',
    required: false,
    style: 'form',
    explode: false,
    description: `features per page (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}); follow the next link for more`,
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
  },
  offset: {
    name: 'offset',
    in: 'query',
    required: false,
    description: 'features to skip (the next and prev links set it)',
    schema: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
  },
  bbox: {
    name: 'bbox',
    in: 'query',
    required: false,
    style: 'form',
    explode: false,
    description: 'minx,miny,maxx,maxy in bbox-crs (default CRS84: longitude, latitude)',
    schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
  },
  'bbox-crs': { name: 'bbox-crs', in: 'query', required: false, description: 'CRS of bbox', schema: { type: 'string', format: 'uri', enum: SUPPORTED_CRS } },
  crs: {
    name: 'crs',
    in: 'query',
    required: false,
    description: 'CRS of the geometries returned (EPSG:4490 CGCS2000 and EPSG:4326 are latitude first)',
    schema: { type: 'string', format: 'uri', enum: SUPPORTED_CRS },
  },
  datetime: {
    name: 'datetime',
    in: 'query',
    required: false,
    style: 'form',
    explode: false,
    description: 'an instant (2026-01-31) or interval (2026-01-01/2026-03-31, ../2026-03-31, 2026-01-01/..) on the collection’s date',
    schema: { type: 'string' },
  },
} as const

const json = (schema: object = { type: 'object' }) => ({ 'application/json': { schema } })
const geojson = { 'application/geo+json': { schema: { type: 'object' } } }
const errors = {
  400: { description: 'a parameter is invalid (named in error.details)', content: json() },
  401: { description: 'needs a staff account or API token', content: json() },
  404: { description: 'not found', content: json() },
}

function itemsOperation(c: Collection | null) {
  const filters = c
    ? c.properties
        .filter((p) => p.filter)
        .map((p) => ({ name: p.name, in: 'query', required: false, description: `${p.description} (equals)`, schema: jsonSchemaOf(p.type) }))
    : []
  return {
    get: {
      tags: ['Data'],
      summary: c ? `Features of ${c.title}` : 'Features of a collection',
      operationId: c ? `getItems_${c.id}` : 'getItems',
      parameters: [
        ...(c ? [] : [ref('collectionId')]),
        ref('limit'),
        ref('offset'),
        ref('bbox'),
        ref('bbox-crs'),
        ref('crs'),
        ...(c === null || c.datetime ? [ref('datetime')] : []),
        ...filters,
      ],
      responses: { 200: { description: 'a GeoJSON FeatureCollection with numberMatched, numberReturned and next/prev links', content: geojson }, ...errors },
      ...(c && c.access !== 'public' ? { security: [{ bearerAuth: [] }] } : {}),
    },
  }
}

/** The OpenAPI 3.0 document, with `base` (e.g. http://host/ogc) as its server. */
export function openApiDocument(base: string): Record<string, unknown> {
  const perCollection = Object.fromEntries(Object.values(COLLECTIONS).map((c) => [`/collections/${c.id}/items`, itemsOperation(c)]))
  return {
    openapi: '3.0.3',
    info: {
      title: 'riskmap OGC API – Features',
      version: '1.0.0',
      description:
        'Risk sources, graded cells and regions, emergency resources and the published risk map as OGC API – Features (Part 1 Core, GeoJSON, OpenAPI 3.0; Part 2 CRS). Staff collections need an API token (Authorization: Bearer) or a session.',
    },
    servers: [{ url: base }],
    components: {
      parameters,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'a personal API token (rmt_…), created under 我的令牌 / My API tokens' } },
    },
    paths: {
      '/': {
        get: {
          tags: ['Capabilities'],
          summary: 'Landing page',
          operationId: 'getLandingPage',
          responses: { 200: { description: 'links to the API, conformance and collections', content: json() } },
        },
      },
      '/conformance': {
        get: {
          tags: ['Capabilities'],
          summary: 'Conformance classes',
          operationId: 'getConformance',
          responses: { 200: { description: 'conformsTo', content: json() } },
        },
      },
      '/api': {
        get: {
          tags: ['Capabilities'],
          summary: 'This document',
          operationId: 'getApi',
          responses: { 200: { description: 'OpenAPI 3.0', content: { 'application/vnd.oai.openapi+json;version=3.0': { schema: { type: 'object' } } } } },
        },
      },
      '/collections': {
        get: {
          tags: ['Capabilities'],
          summary: 'The collections you may read',
          operationId: 'getCollections',
          responses: { 200: { description: 'collections', content: json() } },
        },
      },
      '/collections/{collectionId}': {
        get: {
          tags: ['Capabilities'],
          summary: 'One collection',
          operationId: 'describeCollection',
          parameters: [ref('collectionId')],
          responses: { 200: { description: 'collection', content: json() }, ...errors },
        },
      },
      '/collections/{collectionId}/items': itemsOperation(null),
      ...perCollection,
      '/collections/{collectionId}/items/{featureId}': {
        get: {
          tags: ['Data'],
          summary: 'One feature',
          operationId: 'getFeature',
          parameters: [ref('collectionId'), ref('featureId'), ref('crs')],
          responses: { 200: { description: 'a GeoJSON Feature', content: geojson }, ...errors },
        },
      },
    },
  }
}
