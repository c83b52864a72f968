import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError, conflict, invalid, notFound } from '../../errors'
import { errorResponse, errorResponses, typed } from '../../http/schemas'
import { recordAudit } from '../audit/audit'
import { currentDataVersion, decideDraft, getDraft, insertDraft, listDrafts } from './drafts'
import {
  diffPublications,
  diffStates,
  getPublication,
  insertPublication,
  latestPublicationId,
  listPublications,
  type PublicationSummary,
  type StateDiff,
} from './repository'
import {
  approveBodySchema,
  diffQuery,
  diffResponse,
  draftBodySchema,
  draftListQuery,
  draftPageSchema,
  draftSchema,
  previewResponse,
  publicationListQuery,
  publicationPageSchema,
  publicationSchema,
  rejectBodySchema,
  type Draft,
} from './schemas'
import { auditUser } from '../../http/actor'
import { idParams } from '../../http/params'

/** The signed-in planner or admin (the access rule makes sure of it). */
function userId(request: FastifyRequest): number {
  const id = request.user?.id
  if (id === undefined) throw new AppError(401, 'unauthenticated', 'Sign in first: publishing needs a planner account', [])
  return id
}

const change = (before: number, after: number) => (after > before ? ('raised' as const) : after < before ? ('lowered' as const) : ('shares' as const))
/** A cell in a diff always changed level (the diff lists only those): raised or lowered. */
const cellChange = (before: number, after: number) => (after > before ? ('raised' as const) : ('lowered' as const))

/** The response form of a diff: GeoJSON cells, each change named, and the counts. */
function diffBody(diff: StateDiff) {
  const cells = diff.cells.map((c) => ({ ...c, change: cellChange(c.before, c.after) }))
  const regions = diff.regions.map((r) => ({ ...r, change: change(r.before, r.after) }))
  const levelChanged = regions.filter((r) => r.change !== 'shares')
  return {
    resolution: diff.resolution,
    summary: {
      cellsChanged: cells.length,
      cellsRaised: cells.filter((c) => c.change === 'raised').length,
      cellsLowered: cells.filter((c) => c.change === 'lowered').length,
      regionsChanged: levelChanged.length,
      regionsRaised: levelChanged.filter((r) => r.change === 'raised').length,
      regionsLowered: levelChanged.filter((r) => r.change === 'lowered').length,
      regionsReshared: regions.length - levelChanged.length,
      analysisCellsChanged: diff.causes.reduce((n, c) => n + c.raised + c.lowered + c.staleOnly, 0),
    },
    cells: {
      type: 'FeatureCollection' as const,
      features: cells.map(({ geometry, ...properties }) => ({ type: 'Feature' as const, geometry, properties })),
    },
    regions,
    causes: diff.causes,
  }
}

async function draftOrNotFound(app: FastifyInstance, id: number, db: Parameters<typeof getDraft>[0] = app.db, forUpdate = false): Promise<Draft> {
  const draft = await getDraft(db, id, { forUpdate })
  if (!draft) throw notFound('publication draft', id)
  return draft
}

/** A decision needs a pending draft and a decider who is not its author. */
function checkDecision(draft: Draft, deciderId: number): void {
  if (draft.status !== 'pending') throw conflict(`Draft ${draft.id} was already ${draft.status}`, [{ field: 'id', message: `already ${draft.status}` }])
  if (draft.preparedBy === deciderId) {
    throw new AppError(403, 'own_draft', 'A draft is approved or rejected by someone other than its author', [
      { field: 'id', message: 'you prepared this draft' },
    ])
  }
}

async function loadOrNotFound(app: FastifyInstance, id: number, field = 'id'): Promise<PublicationSummary> {
  const publication = await getPublication(app.db, id)
  if (!publication) throw field === 'id' ? notFound('publication', id) : invalid(field, `no publication with id ${id}`)
  return publication
}

/**
 * Publications (docs/domain.md §8), in two steps: a planner prepares a draft and previews what it
 * changes; another planner or admin approves it (the snapshot of the live levels is taken then) or
 * rejects it. The snapshots are listed and compared; no route changes or removes one.
 */
export default async function publicationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.post(
    '/publications/drafts',
    {
      config: { access: ['planner'] },
      schema: {
        tags: ['publications'],
        summary: 'Prepare a publication draft: another planner or admin approves or rejects it after its preview',
        body: draftBodySchema,
        response: { 201: draftSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const preparedBy = userId(request)
      const note = request.body?.note?.trim() || null
      const id = await app.db.transaction(async (trx) => {
        const id = await insertDraft(trx, { preparedBy, note, basePublicationId: await latestPublicationId(trx) })
        await recordAudit(trx, {
          action: 'created',
          entity: 'publication_draft',
          entityId: id,
          before: null,
          after: await getDraft(trx, id),
          username: auditUser(request),
        })
        return id
      })
      reply.code(201)
      return draftOrNotFound(app, id)
    },
  )

  app.get(
    '/publications/drafts',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['publications'],
        summary: 'Publication drafts, newest first',
        querystring: draftListQuery,
        response: { 200: draftPageSchema, ...errorResponses },
      },
    },
    async (request) => listDrafts(app.db, request.query),
  )

  app.get(
    '/publications/drafts/:id/preview',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['publications'],
        summary: "A draft's preview: the live levels against the latest publication (cells and regions that change, and why)",
        params: idParams,
        response: { 200: previewResponse, ...errorResponses },
      },
    },
    async (request) => {
      const draft = await draftOrNotFound(app, request.params.id)
      const latest = await latestPublicationId(app.db)
      const current = latest === null ? null : ((await getPublication(app.db, latest)) ?? null)
      const resolution = Math.min(app.config.publicMaxRes, app.grading.res)
      const diff = await diffStates(
        app.db,
        current ? { publication: current } : null,
        { live: true },
        {
          resolution: current ? Math.min(current.resolution, resolution) : resolution,
          analysisRes: app.grading.res,
          since: current?.createdAt ?? null,
          until: null,
        },
      )
      const outdated = draft.status === 'pending' && (await currentDataVersion(app.db)) !== draft.dataVersion
      return { draft, current, outdated, ...diffBody(diff) }
    },
  )

  app.post(
    '/publications/drafts/:id/approve',
    {
      config: { access: ['planner'] },
      schema: {
        tags: ['publications'],
        summary: 'Approve a draft (not your own): the live levels become the new publication, if the data is still what the preview showed',
        params: idParams,
        body: approveBodySchema,
        response: { 201: publicationSchema, 409: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const approvedBy = userId(request)
      const decisionNote = request.body?.note?.trim() || null
      const resolution = Math.min(app.config.publicMaxRes, app.grading.res)
      const id = await app.db.transaction(async (trx) => {
        const draft = await draftOrNotFound(app, request.params.id, trx, true)
        checkDecision(draft, approvedBy)
        const id = await insertPublication(trx, { approvedBy, note: draft.note, resolution, ruleVersion: app.grading.rules.version })
        // insertPublication took the grading lock: no edit can slip in between this check and the snapshot.
        const version = await currentDataVersion(trx)
        if (version !== draft.dataVersion) {
          throw conflict(
            `The data changed since draft ${draft.id} was prepared (version ${draft.dataVersion}, now ${version}): prepare a new draft and check its preview`,
            [{ field: 'id', message: 'outdated draft' }],
          )
        }
        await decideDraft(trx, draft.id, { status: 'approved', decidedBy: approvedBy, note: decisionNote, publicationId: id })
        const after = await getDraft(trx, draft.id)
        await recordAudit(trx, { action: 'approved', entity: 'publication_draft', entityId: draft.id, before: draft, after, username: auditUser(request) })
        await recordAudit(trx, {
          action: 'created',
          entity: 'publication',
          entityId: id,
          before: null,
          after: await getPublication(trx, id),
          username: auditUser(request),
        })
        return id
      })
      reply.code(201)
      return loadOrNotFound(app, id)
    },
  )

  app.post(
    '/publications/drafts/:id/reject',
    {
      config: { access: ['planner'] },
      schema: {
        tags: ['publications'],
        summary: 'Reject a draft (not your own) with a note saying why',
        params: idParams,
        body: rejectBodySchema,
        response: { 200: draftSchema, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const decidedBy = userId(request)
      const note = (request.body.note ?? '').trim()
      if (!note) throw invalid('note', 'say why the draft is rejected')
      return app.db.transaction(async (trx) => {
        const draft = await draftOrNotFound(app, request.params.id, trx, true)
        checkDecision(draft, decidedBy)
        await decideDraft(trx, draft.id, { status: 'rejected', decidedBy, note, publicationId: null })
        const after = (await getDraft(trx, draft.id))!
        await recordAudit(trx, { action: 'rejected', entity: 'publication_draft', entityId: draft.id, before: draft, after, username: auditUser(request) })
        return after
      })
    },
  )

  app.get(
    '/publications',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['publications'],
        summary: 'Publications, newest first, with their counts per level',
        querystring: publicationListQuery,
        response: { 200: publicationPageSchema, ...errorResponses },
      },
    },
    async (request) => listPublications(app.db, request.query),
  )

  app.get(
    '/publications/:id',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['publications'],
        summary: 'One publication with its counts per level',
        params: idParams,
        response: { 200: publicationSchema, ...errorResponses },
      },
    },
    async (request) => loadOrNotFound(app, request.params.id),
  )

  app.get(
    '/publications/:id/diff',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['publications'],
        summary: 'Cells and regions whose level changed from publication `against` to this one',
        params: idParams,
        querystring: diffQuery,
        response: { 200: diffResponse, ...errorResponses },
      },
    },
    async (request) => {
      const after = await loadOrNotFound(app, request.params.id)
      const before = await loadOrNotFound(app, request.query.against, 'against')
      const diff = await diffPublications(app.db, before, after, app.grading.res)
      return { publication: after, against: before, ...diffBody(diff) }
    },
  )
}
