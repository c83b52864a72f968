import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError, invalid, notFound } from '../../errors'
import { errorResponse, errorResponses } from '../../schemas'
import { recordAudit } from '../audit/audit'
import { auditUser, idParams, idSchema, pageProperties } from '../sources/shared'
import { diffPublications, getPublication, insertPublication, listPublications, type PublicationSummary } from './repository'

const countsSchema = {
  type: 'object',
  description: 'number per level: 0 none, 1 blue, 2 yellow, 3 orange, 4 red',
  properties: { 0: { type: 'integer' }, 1: { type: 'integer' }, 2: { type: 'integer' }, 3: { type: 'integer' }, 4: { type: 'integer' } },
} as const

export const publicationSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    createdAt: { type: 'string', description: 'when it was approved, ISO 8601' },
    approvedBy: { type: 'integer', description: 'user id of the approver' },
    approverName: { type: ['string', 'null'] },
    note: { type: ['string', 'null'] },
    resolution: { type: 'integer', description: 'finest H3 resolution published (never finer than PUBLIC_MAX_RES)' },
    minResolution: { type: 'integer', description: 'coarsest H3 resolution published (pyramid)' },
    ruleVersion: { type: 'string' },
    dataVersion: { type: 'integer', description: 'the data version the snapshot was taken at' },
    counts: {
      type: 'object',
      properties: {
        cells: { ...countsSchema, description: 'cells at `resolution` per level' },
        regions: { ...countsSchema, description: 'division units and management grids per level' },
        areas: { ...countsSchema, description: 'public-area zones per level' },
      },
    },
  },
} as const

const levelSchema = { type: 'integer', minimum: 0, maximum: 4 } as const

const diffSchema = {
  type: 'object',
  properties: {
    publication: publicationSchema,
    against: publicationSchema,
    resolution: { type: 'integer', description: 'H3 resolution the cells are compared at' },
    summary: {
      type: 'object',
      properties: {
        cellsChanged: { type: 'integer' },
        cellsRaised: { type: 'integer' },
        cellsLowered: { type: 'integer' },
        regionsChanged: { type: 'integer' },
        regionsRaised: { type: 'integer' },
        regionsLowered: { type: 'integer' },
      },
    },
    cells: {
      type: 'object',
      description: 'GeoJSON FeatureCollection of the cells whose level changed',
      properties: {
        type: { type: 'string', const: 'FeatureCollection' },
        features: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              type: { type: 'string', const: 'Feature' },
              geometry: { type: 'object', additionalProperties: true },
              properties: {
                type: 'object',
                properties: { h3: { type: 'string' }, res: { type: 'integer' }, before: levelSchema, after: levelSchema, change: { type: 'string', enum: ['raised', 'lowered'] } },
              },
            },
          },
        },
      },
    },
    regions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['division', 'mgmt_grid'] },
          key: { type: 'string', description: 'division code, or management grid id' },
          name: { type: 'string' },
          before: levelSchema,
          after: levelSchema,
          change: { type: 'string', enum: ['raised', 'lowered'] },
        },
      },
    },
  },
} as const

/** The approver: publishing needs a signed-in planner or admin (the access rule makes sure of it). */
function approverId(request: FastifyRequest): number {
  const id = request.user?.id
  if (id === undefined) throw new AppError(401, 'unauthenticated', 'Sign in first: publishing needs a planner account', [])
  return id
}

const change = (before: number, after: number) => (after > before ? ('raised' as const) : ('lowered' as const))

async function loadOrNotFound(app: FastifyInstance, id: number, field = 'id'): Promise<PublicationSummary> {
  const publication = await getPublication(app.db, id)
  if (!publication) throw field === 'id' ? notFound('publication', id) : invalid(field, `no publication with id ${id}`)
  return publication
}

/**
 * Publications (DESIGN §8): a planner approves a snapshot of the live levels for the public; the
 * snapshots are listed and compared. There is no route that changes or removes one.
 */
export default async function publicationRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { note?: string | null } }>(
    '/publications',
    {
      config: { access: ['planner'] },
      schema: {
        tags: ['publications'],
        summary: 'Publish: snapshot the current cell levels (pyramid up to PUBLIC_MAX_RES), region levels and public-area zones',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { note: { type: ['string', 'null'], maxLength: 500, description: 'what this publication is for; shown to the public' } },
        },
        response: { 201: publicationSchema, 401: errorResponse, 403: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const approvedBy = approverId(request)
      const note = request.body?.note?.trim() || null
      const resolution = Math.min(app.config.publicMaxRes, app.grading.res)
      const id = await app.db.transaction(async (trx) => {
        const id = await insertPublication(trx, { approvedBy, note, resolution, ruleVersion: app.grading.rules.version })
        const created = await getPublication(trx, id)
        await recordAudit(trx, { action: 'created', entity: 'publication', entityId: id, before: null, after: created, username: auditUser(request) })
        return id
      })
      reply.code(201)
      return loadOrNotFound(app, id)
    },
  )

  app.get<{ Querystring: { limit: number; offset: number } }>(
    '/publications',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['publications'],
        summary: 'Publications, newest first, with their counts per level',
        querystring: { type: 'object', additionalProperties: false, properties: pageProperties },
        response: {
          200: { type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: publicationSchema } } },
          ...errorResponses,
        },
      },
    },
    async (request) => listPublications(app.db, request.query),
  )

  app.get<{ Params: { id: number } }>(
    '/publications/:id',
    {
      config: { access: 'staff' },
      schema: { tags: ['publications'], summary: 'One publication with its counts per level', params: idParams, response: { 200: publicationSchema, ...errorResponses } },
    },
    async (request) => loadOrNotFound(app, request.params.id),
  )

  app.get<{ Params: { id: number }; Querystring: { against: number } }>(
    '/publications/:id/diff',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['publications'],
        summary: 'Cells and regions whose level changed from publication `against` to this one',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['against'],
          properties: { against: { ...idSchema, description: 'the publication to compare with (the "before" side)' } },
        },
        response: { 200: diffSchema, ...errorResponses },
      },
    },
    async (request) => {
      const after = await loadOrNotFound(app, request.params.id)
      const before = await loadOrNotFound(app, request.query.against, 'against')
      const diff = await diffPublications(app.db, before, after)
      const cells = diff.cells.map((c) => ({ ...c, change: change(c.before, c.after) }))
      const regions = diff.regions.map((r) => ({ ...r, change: change(r.before, r.after) }))
      return {
        publication: after,
        against: before,
        resolution: diff.resolution,
        summary: {
          cellsChanged: cells.length,
          cellsRaised: cells.filter((c) => c.change === 'raised').length,
          cellsLowered: cells.filter((c) => c.change === 'lowered').length,
          regionsChanged: regions.length,
          regionsRaised: regions.filter((r) => r.change === 'raised').length,
          regionsLowered: regions.filter((r) => r.change === 'lowered').length,
        },
        cells: {
          type: 'FeatureCollection' as const,
          features: cells.map(({ geometry, ...properties }) => ({ type: 'Feature' as const, geometry, properties })),
        },
        regions,
      }
    },
  )
}
