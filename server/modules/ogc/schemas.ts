/**
 * The response schemas of the OGC API – Features documents (Part 1 §7, Part 2): the landing page,
 * the conformance classes, the collections and the features. A feature's `properties` differ per
 * collection (collections.ts), so they stay an open object; its geometry is GeoJSON in the
 * requested CRS. Errors keep an open object too (the app's error shape, see routes.ts).
 */
import { sentObject } from '../../http/schemas'

/** A link of an OGC document; `title` is sent where the document gives one. */
export const linkSchema = {
  type: 'object',
  properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } },
  required: ['href', 'rel', 'type'],
} as const

const linksSchema = { type: 'array', items: linkSchema } as const

/** `GET /ogc`: the landing page. */
export const landingSchema = sentObject({ title: { type: 'string' }, description: { type: 'string' }, links: linksSchema })

/** `GET /ogc/conformance`. */
export const conformanceSchema = sentObject({ conformsTo: { type: 'array', items: { type: 'string' } } })

/** One collection (Part 1 §7.14): links, extent, CRS and, beyond Part 1, its properties and who may read it. */
export const collectionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    itemType: { type: 'string' },
    links: linksSchema,
    extent: {
      type: 'object',
      properties: {
        spatial: sentObject({ bbox: { type: 'array', items: { type: 'array', items: { type: 'number' } } }, crs: { type: 'string' } }),
        temporal: sentObject({ interval: { type: 'array', items: { type: 'array', items: { type: ['string', 'null'] } } }, trs: { type: 'string' } }),
      },
      required: ['spatial'],
      description: 'temporal: only for a collection with a date to filter on',
    },
    crs: { type: 'array', items: { type: 'string' } },
    storageCrs: { type: 'string' },
    properties: {
      type: 'object',
      description: 'the properties of its features by name: their JSON type, a format for dates, and whether they filter the items',
      additionalProperties: {
        type: 'object',
        properties: { type: { type: 'string' }, format: { type: 'string' }, description: { type: 'string' }, filter: { type: 'boolean' } },
        required: ['type', 'description', 'filter'],
      },
    },
    access: { type: 'string', enum: ['public', 'staff'] },
  },
  required: ['id', 'title', 'description', 'itemType', 'links', 'extent', 'crs', 'storageCrs', 'properties', 'access'],
} as const

/** `GET /ogc/collections`: the collections the caller may read. */
export const collectionsSchema = sentObject({ links: linksSchema, collections: { type: 'array', items: collectionSchema } })

const featureProperties = {
  type: { type: 'string', const: 'Feature' },
  id: { type: ['integer', 'string'] },
  geometry: { description: 'a GeoJSON geometry in the requested crs (axis order of that CRS), or null' },
  properties: { type: 'object', additionalProperties: true, description: "the collection's properties (GET /ogc/collections/{collectionId})" },
} as const

/** `GET /ogc/collections/{collectionId}/items`: a page of features with next/prev links. */
export const itemsSchema = sentObject({
  type: { type: 'string', const: 'FeatureCollection' },
  features: { type: 'array', items: sentObject(featureProperties) },
  links: linksSchema,
  numberMatched: { type: 'integer' },
  numberReturned: { type: 'integer' },
  timeStamp: { type: 'string' },
})

/** `GET /ogc/collections/{collectionId}/items/{featureId}`: one feature with its links. */
export const featureSchema = sentObject({ ...featureProperties, links: linksSchema })
