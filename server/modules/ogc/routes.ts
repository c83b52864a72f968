/**
 * OGC API – Features (Part 1 Core, GeoJSON, OpenAPI 3.0; Part 2 CRS by reference) under `/ogc`: what
 * QGIS, ArcGIS Pro and GDAL's OAPIF driver add as a feature source. The routes are open at the
 * route level; each collection carries its own access rule, checked here against `request.user`
 * (a session or an API token, set by the auth plugin), so a staff collection answers 401/403 like
 * the REST API and an inspector's rows are limited to their jurisdiction. How the pieces fit:
 *  - collections.ts  the registry: id → SQL source, typed properties, access, jurisdiction;
 *  - sql.ts          the page, count and single-feature statements (bound values only);
 *  - params.ts       bbox, datetime and property-filter parsing (400s naming the parameter);
 *  - crs.ts, openapi.ts  CRS URIs and the service description.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../errors'
import { publicOrigin } from '../../http/origin'
import { typed, type SchemaType } from '../../http/schemas'
import { checkAccess, readScope } from '../auth/access'
import { COLLECTIONS, findCollection, type Collection, type SelectionContext } from './collections'
import { CRS84, parseCrs, SUPPORTED_CRS } from './crs'
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, openApiDocument } from './openapi'
import { parseBbox, parseDatetime, parsePropertyFilters } from './params'
import { latestPublication, selectItem, selectItems, serviceExtent } from './sql'
import { collectionSchema, collectionsSchema, conformanceSchema, featureSchema, itemsSchema, landingSchema } from './schemas'

const tags = ['ogc']
const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0'
const GEOJSON_TYPE = 'application/geo+json'

/** The conformance classes implemented. */
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
] as const

const anyObject = { type: 'object', additionalProperties: true } as const
const errorOr = <const S extends object>(schema: S) =>
  ({ 200: schema, 400: anyObject, 401: anyObject, 403: anyObject, 404: anyObject, 500: anyObject, 503: anyObject }) as const
const formatQuery = { f: { type: 'string', enum: ['json'], description: 'response format (JSON only)' } } as const
/** `?f=json`, the only parameter of the documents besides the items. */
const formatOnly = { type: 'object', additionalProperties: false, properties: formatQuery } as const
const collectionParams = { type: 'object', properties: { collectionId: { type: 'string', maxLength: 64 } }, required: ['collectionId'] } as const
const itemsQuery = {
  type: 'object',
  // Property filters (?level=4) are checked against the collection's registry in the handler.
  additionalProperties: { type: 'string' },
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
    offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
    bbox: { type: 'string', maxLength: 200, description: 'minx,miny,maxx,maxy in bbox-crs (default CRS84)' },
    'bbox-crs': { type: 'string', maxLength: 100 },
    datetime: { type: 'string', maxLength: 100, description: 'instant or interval (start/end, .. open)' },
    crs: { type: 'string', maxLength: 100 },
    ...formatQuery,
  },
} as const
const featureParams = {
  type: 'object',
  properties: { collectionId: { type: 'string', maxLength: 64 }, featureId: { type: 'string', maxLength: 64 } },
  required: ['collectionId', 'featureId'],
} as const
const featureQuery = { type: 'object', additionalProperties: false, properties: { crs: { type: 'string', maxLength: 100 }, ...formatQuery } } as const

interface Link {
  href: string
  rel: string
  type: string
  title?: string
}

function baseUrl(request: FastifyRequest, prefix: string): string {
  return `${publicOrigin(request, request.server.config)}${prefix}`
}

/** The collection a caller asked for, if they may read it: 404 unknown, 401/403 like the API. */
function readable(request: FastifyRequest, id: string): Collection {
  const collection = findCollection(id)
  if (!collection) {
    const known = Object.keys(COLLECTIONS)
    throw new AppError(404, 'not_found', `No collection "${id}"; the collections are ${known.join(', ')}`, [
      { field: 'collectionId', message: `unknown collection; one of ${known.join(', ')}` },
    ])
  }
  const verdict = checkAccess(collection.access, request.user)
  if (verdict === 'unauthenticated') {
    throw new AppError(401, 'unauthenticated', `The collection ${id} is staff data: sign in or send an API token (Authorization: Bearer rmt_…)`, [
      { field: 'authorization', message: 'a staff account or API token is needed' },
    ])
  }
  if (verdict === 'forbidden')
    throw new AppError(403, 'forbidden', `The role ${request.user?.role} may not read the collection ${id}`, [
      { field: 'collectionId', message: 'not for your role' },
    ])
  return collection
}

export default async function ogcRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const db = app.readDb

  async function context(): Promise<SelectionContext> {
    return { publication: await latestPublication(db), analysisRes: app.grading.res }
  }

  function collectionDocument(base: string, c: Collection, extent: [number, number, number, number] | null): SchemaType<typeof collectionSchema> {
    return {
      id: c.id,
      title: c.title,
      description: c.description,
      itemType: 'feature',
      links: [
        { href: `${base}/collections/${c.id}`, rel: 'self', type: 'application/json', title: 'this collection' },
        { href: `${base}/collections/${c.id}/items`, rel: 'items', type: GEOJSON_TYPE, title: `features of ${c.id}` },
      ] satisfies Link[],
      extent: {
        spatial: { bbox: [extent ?? [-180, -90, 180, 90]], crs: CRS84 },
        ...(c.datetime ? { temporal: { interval: [[null, null]], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } } : {}),
      },
      crs: [...SUPPORTED_CRS],
      storageCrs: CRS84,
      // Not part of Part 1, but what a client needs to build a form: the properties and their types.
      properties: Object.fromEntries(
        c.properties.map((p) => [
          p.name,
          {
            type: p.type === 'date' ? 'string' : p.type,
            ...(p.type === 'date' ? { format: 'date' } : {}),
            description: p.description,
            filter: p.filter === true,
          },
        ]),
      ),
      access: c.access === 'public' ? 'public' : 'staff',
    }
  }

  app.get(
    '/',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'OGC API – Features landing page',
        querystring: formatOnly,
        response: errorOr(landingSchema),
      },
    },
    async (request) => {
      const base = baseUrl(request, app.prefix)
      return {
        title: 'riskmap OGC API – Features',
        description:
          'Regional safety-risk map: risk sources, graded cells and regions, emergency resources, and the published risk map. Staff collections need an API token (Authorization: Bearer) or a session.',
        links: [
          { href: `${base}`, rel: 'self', type: 'application/json', title: 'this document' },
          { href: `${base}/api`, rel: 'service-desc', type: OPENAPI_TYPE, title: 'the API definition (OpenAPI 3.0)' },
          { href: `${publicOrigin(request, app.config)}/api/docs`, rel: 'service-doc', type: 'text/html', title: 'the API documentation' },
          { href: `${base}/conformance`, rel: 'conformance', type: 'application/json', title: 'conformance classes' },
          { href: `${base}/collections`, rel: 'data', type: 'application/json', title: 'the collections' },
        ] satisfies Link[],
      }
    },
  )

  app.get(
    '/conformance',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Conformance classes implemented',
        querystring: formatOnly,
        response: errorOr(conformanceSchema),
      },
    },
    async () => ({ conformsTo: CONFORMANCE }),
  )

  app.get(
    '/api',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The OpenAPI 3.0 document of the OGC API',
        querystring: formatOnly,
        response: errorOr(anyObject),
      },
    },
    async (request, reply) => {
      reply.type(OPENAPI_TYPE)
      return openApiDocument(baseUrl(request, app.prefix))
    },
  )

  app.get(
    '/collections',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The collections you may read (public ones anonymously; staff ones with a session or API token)',
        querystring: formatOnly,
        response: errorOr(collectionsSchema),
      },
    },
    async (request, reply) => {
      const base = baseUrl(request, app.prefix)
      const extent = await serviceExtent(db)
      reply.header('vary', 'cookie, authorization')
      const visible = Object.values(COLLECTIONS).filter((c) => checkAccess(c.access, request.user) === 'ok')
      return {
        links: [{ href: `${base}/collections`, rel: 'self', type: 'application/json', title: 'this document' }] satisfies Link[],
        collections: visible.map((c) => collectionDocument(base, c, extent)),
      }
    },
  )

  app.get(
    '/collections/:collectionId',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One collection: its links, extent, CRS and properties',
        params: collectionParams,
        querystring: formatOnly,
        response: errorOr(collectionSchema),
      },
    },
    async (request) => {
      const collection = readable(request, request.params.collectionId)
      return collectionDocument(baseUrl(request, app.prefix), collection, await serviceExtent(db))
    },
  )

  app.get(
    '/collections/:collectionId/items',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: `Features of a collection as GeoJSON, ordered by id; limit default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}; next/prev links page through`,
        params: collectionParams,
        querystring: itemsQuery,
        response: errorOr(itemsSchema),
      },
    },
    async (request, reply) => {
      const collection = readable(request, request.params.collectionId)
      const q = request.query
      const crs = parseCrs(q.crs, 'crs')
      const filter = {
        bbox: q.bbox === undefined ? undefined : parseBbox(q.bbox, q['bbox-crs']),
        datetime: q.datetime === undefined ? undefined : parseDatetime(q.datetime, collection),
        properties: parsePropertyFilters(q, collection),
        scope: readScope(request.user),
      }
      const { features, numberMatched } = await selectItems(db, collection, await context(), filter, { limit: q.limit, offset: q.offset }, crs)
      const base = baseUrl(request, app.prefix)
      const page = (offset: number) => {
        const params = new URLSearchParams(request.url.split('?')[1] ?? '')
        params.set('offset', String(offset))
        params.set('limit', String(q.limit))
        return `${base}/collections/${collection.id}/items?${params.toString()}`
      }
      const links: Link[] = [{ href: page(q.offset), rel: 'self', type: GEOJSON_TYPE, title: 'this page' }]
      if (q.offset + features.length < numberMatched) links.push({ href: page(q.offset + q.limit), rel: 'next', type: GEOJSON_TYPE, title: 'next page' })
      if (q.offset > 0) links.push({ href: page(Math.max(0, q.offset - q.limit)), rel: 'prev', type: GEOJSON_TYPE, title: 'previous page' })
      links.push({ href: `${base}/collections/${collection.id}`, rel: 'collection', type: 'application/json', title: 'the collection' })
      sendGeoJson(reply, crs, collection)
      return {
        type: 'FeatureCollection' as const,
        features: features.map((f) => ({ type: 'Feature' as const, id: f.id, geometry: f.geometry, properties: f.properties })),
        links,
        numberMatched,
        numberReturned: features.length,
        timeStamp: new Date().toISOString(),
      }
    },
  )

  app.get(
    '/collections/:collectionId/items/:featureId',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'One feature of a collection as GeoJSON',
        params: featureParams,
        querystring: featureQuery,
        response: errorOr(featureSchema),
      },
    },
    async (request, reply) => {
      const collection = readable(request, request.params.collectionId)
      const crs = parseCrs(request.query.crs, 'crs')
      const { featureId } = request.params
      // Outside the caller's read scope a feature is "not found", as if it did not exist for them.
      const feature = await selectItem(db, collection, await context(), readScope(request.user), featureId, crs)
      if (!feature)
        throw new AppError(404, 'not_found', `No feature ${featureId} in collection ${collection.id}`, [
          { field: 'featureId', message: 'no such feature (or not yours to read)' },
        ])
      const base = baseUrl(request, app.prefix)
      sendGeoJson(reply, crs, collection)
      return {
        type: 'Feature' as const,
        id: feature.id,
        geometry: feature.geometry,
        properties: feature.properties,
        links: [
          {
            href: `${base}/collections/${collection.id}/items/${encodeURIComponent(String(feature.id))}`,
            rel: 'self',
            type: GEOJSON_TYPE,
            title: 'this feature',
          },
          { href: `${base}/collections/${collection.id}`, rel: 'collection', type: 'application/json', title: 'the collection' },
        ] satisfies Link[],
      }
    },
  )
}

/** GeoJSON headers: the media type, the CRS of the coordinates (Part 2) and no shared caching of staff data. */
function sendGeoJson(reply: FastifyReply, crs: string, collection: Collection): void {
  reply.type(GEOJSON_TYPE).header('content-crs', `<${crs}>`)
  reply.header('cache-control', collection.access === 'public' ? 'public, max-age=60' : 'private, no-store').header('vary', 'cookie, authorization')
}
