import type { FastifyInstance } from 'fastify'
import { errorResponses, typed } from '../../http/schemas'
import type { Scope } from '../auth/jurisdiction'
import { notFound } from '../../errors'
import { changeRecord, regradeAndAudit, regradeSchema, type RecordSpec } from './shared'
import { majorHazards } from './major-hazards'
import { safetyRisks } from './safety-risks'
import { hiddenDangerTransitionRoutes, hiddenDangers } from './hidden-dangers'
import { areaAssessments } from './area-assessments'
import { deleteRecord } from './repository'
import { auditUser, sessionActor } from '../../http/actor'
import { idParams } from '../../http/params'

type TypedApp = ReturnType<typeof typed>

/**
 * The write side of grading (docs/domain.md §3, §4.6): major hazard installations, reported safety risks,
 * hidden dangers and public-area assessments. Every write validates, stores, regrades the zones it
 * touched and writes its audit row in one transaction.
 */
export default async function sourceRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  registerRecordRoutes(app, majorHazards)
  registerRecordRoutes(app, safetyRisks)
  registerRecordRoutes(app, hiddenDangers)
  registerRecordRoutes(app, areaAssessments)
  await app.register(hiddenDangerTransitionRoutes)
}

/** Who records risk sources for enterprises: inspectors (in their jurisdiction) and planners. */
const SOURCE_WRITERS = ['inspector', 'planner'] as const
/** Public-area assessments are the planners' (they are not tied to an enterprise's jurisdiction). */
const AREA_WRITERS = ['planner'] as const

/** POST, GET one, GET list and — when the spec can replace — PUT and DELETE for one kind of record. */
function registerRecordRoutes<BodyS, Rec extends { id: number }, QueryS>(app: TypedApp, spec: RecordSpec<BodyS, Rec, QueryS>): void {
  const record = spec.response
  const written = { type: 'object', properties: { ...spec.record, regrade: regradeSchema } } as const
  const tags = [spec.tag]
  const writers = spec.kind === 'area_assessment' ? AREA_WRITERS : SOURCE_WRITERS
  const recordScope: Scope = spec.kind === 'area_assessment' ? { divisionRecord: 'area_assessment' } : { record: spec.kind }
  const load = async (db: Parameters<typeof spec.load>[0], id: number) => {
    const row = await spec.load(db, id)
    if (!row) throw notFound(spec.label, id)
    return row
  }

  app.post(
    spec.path,
    {
      config: { access: writers, scope: { enterprise: 'body.enterpriseId' } },
      schema: {
        tags,
        summary: `Record a ${spec.label}: validate, grade, store and regrade its zone`,
        description: spec.description,
        body: spec.body,
        response: { 201: written, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await app.db.transaction(async (trx) => {
        const id = await spec.insert(trx, request.body, app.grading, sessionActor(request))
        const after = await load(trx, id)
        const regrade = await regradeAndAudit(trx, app.grading, {
          kind: spec.kind,
          id,
          action: 'created',
          before: null,
          after,
          scope: spec.scope(after),
          username: auditUser(request),
        })
        return { ...after, regrade }
      })
      reply.code(201).header('location', `${request.url.split('?')[0]}/${result.id}`)
      return result
    },
  )

  app.get(
    `${spec.path}/:id`,
    {
      config: { access: 'staff', scope: recordScope },
      schema: { tags, summary: `One ${spec.label}`, params: idParams, response: { 200: record, ...errorResponses } },
    },
    async (request) => load(app.db, request.params.id),
  )

  app.get(
    spec.path,
    {
      config: { access: 'staff', scope: { list: true } },
      schema: {
        tags,
        summary: `${spec.label[0]!.toUpperCase()}${spec.label.slice(1)} records, filtered and paginated (ordered by id)`,
        querystring: spec.query,
        response: {
          200: {
            type: 'object',
            properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: record } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      return spec.list(app.db, request.query)
    },
  )

  const replace = spec.replace
  if (!replace) return

  app.put(
    `${spec.path}/:id`,
    {
      config: { access: writers, scope: [recordScope, { enterprise: 'body.enterpriseId' }] },
      schema: {
        tags,
        summary: `Replace a ${spec.label} (full replacement, same validation) and regrade its old and new zones`,
        description: spec.description,
        params: idParams,
        body: spec.body,
        response: { 200: written, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      return app.db.transaction(async (trx) => {
        const { after, regrade } = await changeRecord(trx, app.grading, spec, {
          id,
          action: 'updated',
          username: auditUser(request),
          apply: async () => {
            await replace(trx, id, request.body, app.grading)
            return { after: await load(trx, id) }
          },
        })
        return { ...after, regrade }
      })
    },
  )

  app.delete(
    `${spec.path}/:id`,
    {
      config: { access: writers, scope: [recordScope, { enterprise: 'body.enterpriseId' }] },
      schema: {
        tags,
        summary: `Delete a ${spec.label} and regrade its zone`,
        params: idParams,
        response: {
          200: { type: 'object', properties: { id: { type: 'integer' }, deleted: { type: 'boolean' }, regrade: regradeSchema } },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params
      return app.db.transaction(async (trx) => {
        const { regrade } = await changeRecord(trx, app.grading, spec, {
          id,
          action: 'deleted',
          username: auditUser(request),
          apply: async () => {
            await deleteRecord(trx, spec.kind, id)
            return { after: null }
          },
        })
        return { id, deleted: true, regrade }
      })
    },
  )
}
