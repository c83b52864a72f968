/**
 * Administrative penalties (行政处罚, docs/domain.md §7, docs/domain.md Policy 二(八)): decision number (unique), amount, date,
 * and whether the decision is published (公开) — the public sees published penalties only.
 */
import type { FastifyInstance } from 'fastify'
import { whereEnterpriseIn, type ScopedListQuery } from '../auth/jurisdiction'
import type { Knex } from 'knex'
import { conflict, invalid, notFound } from '../../errors'
import { errorResponse, errorResponses, sentObject, typed } from '../../http/schemas'
import { recordAudit } from '../audit/audit'
import { enterpriseRef, inspectorAccess, staffAccess } from './shared'
import { auditUser } from '../../http/actor'
import { dateColumn, isoTime, listPage, type Db, lockRow, uniqueConflict } from '../../db/db'
import { dateSchema, idParams, idSchema, pageProperties } from '../../http/params'
import { pageSchema } from './schemas'

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enterpriseId', 'decisionNo', 'amountYuan', 'decidedAt'],
  properties: {
    enterpriseId: idSchema,
    violationId: { type: ['integer', 'null'], minimum: 1, description: 'the violation penalised (of the same enterprise)' },
    decisionNo: { type: 'string', minLength: 1, maxLength: 100, description: 'decision number (处罚决定书文号), unique, e.g. 沈应急罚〔2026〕12号' },
    amountYuan: { type: 'number', minimum: 0, maximum: 999_999_999_999, description: 'fine, yuan (0 for a warning without fine); stored to the fen' },
    decidedAt: { ...dateSchema, description: 'date of the decision, not before the violation was found' },
    description: { type: ['string', 'null'], maxLength: 4000 },
    published: { type: 'boolean', default: false, description: 'published to the public (公开)' },
  },
} as const

export const penaltyProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  violationId: { type: ['integer', 'null'] },
  decisionNo: { type: 'string' },
  amountYuan: { type: 'number' },
  decidedAt: { type: 'string' },
  description: { type: ['string', 'null'] },
  published: { type: 'boolean' },
  createdAt: { type: 'string' },
} as const

/** A penalty decision as the API sends it: toRecord sets every property. */
export const penaltyRecordSchema = sentObject(penaltyProperties)

function selectColumns(db: Db, q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q.select(
    'p.id',
    'p.enterprise_id',
    'p.violation_id',
    'p.decision_no',
    'p.amount_yuan',
    'p.description',
    'p.published',
    'p.created_at',
    dateColumn(db, 'p.decided_at', 'decided_at'),
  )
}

function toRecord(r: Record<string, unknown>) {
  return {
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    violationId: r.violation_id === null ? null : Number(r.violation_id),
    decisionNo: r.decision_no as string,
    // numeric(14, 2) arrives as text: exact to the fen, well inside a double's 15 significant digits
    amountYuan: Number(r.amount_yuan),
    decidedAt: r.decided_at as string,
    description: r.description as string | null,
    published: r.published as boolean,
    createdAt: isoTime(r.created_at)!,
  }
}

export type PenaltyRecord = ReturnType<typeof toRecord>

export async function loadPenalty(db: Db, id: number): Promise<PenaltyRecord | undefined> {
  const row = await selectColumns(db, db('penalty as p')).where('p.id', id).first()
  return row ? toRecord(row) : undefined
}

/** Penalties of an enterprise, latest first, for the enforcement history. */
export async function penaltiesOf(db: Db, enterpriseId: number, limit: number): Promise<PenaltyRecord[]> {
  const rows = await selectColumns(db, db('penalty as p'))
    .where('p.enterprise_id', enterpriseId)
    .orderBy('p.decided_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit)
  return rows.map(toRecord)
}

/** Penalty routes (mounted under /api). */
export async function penaltyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['enforcement']
  const record = penaltyRecordSchema

  app.post(
    '/penalties',
    {
      config: { ...inspectorAccess, scope: { enterprise: 'body.enterpriseId' } },
      schema: {
        tags,
        summary: 'Record a penalty decision',
        description: 'A decision number already used is refused with 409 naming decisionNo.',
        body: bodySchema,
        response: { 201: record, 409: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      const created = await app.db.transaction(async (trx) => {
        await enterpriseRef(trx, body.enterpriseId)
        if (body.violationId !== undefined && body.violationId !== null) {
          const violation = await trx('violation')
            .where({ id: body.violationId })
            .first('enterprise_id', dateColumn(trx, 'found_at', 'found_at'))
          if (!violation) throw invalid('violationId', `no violation with id ${body.violationId}`)
          if (Number(violation.enterprise_id) !== body.enterpriseId) {
            throw invalid('violationId', `violation ${body.violationId} is of enterprise ${violation.enterprise_id}, not ${body.enterpriseId}`)
          }
          if (body.decidedAt < violation.found_at)
            throw invalid('decidedAt', `${body.decidedAt} is before violation ${body.violationId} was found (${violation.found_at})`)
        }
        const decisionNo = body.decisionNo.trim()
        const twin = await trx('penalty').where({ decision_no: decisionNo }).first('id')
        if (twin) {
          const message = `decision number ${decisionNo} is already penalty ${twin.id}'s`
          throw conflict(message, [{ field: 'decisionNo', message, existingId: Number(twin.id) }])
        }
        const [row] = await trx('penalty')
          .insert({
            enterprise_id: body.enterpriseId,
            violation_id: body.violationId ?? null,
            decision_no: decisionNo,
            amount_yuan: body.amountYuan.toFixed(2),
            decided_at: body.decidedAt,
            description: body.description?.trim() || null,
            published: body.published,
          })
          .returning('id')
          .catch((err: unknown) => uniqueConflict(err, 'decisionNo', `decision number ${decisionNo} is already used`))
        const after = (await loadPenalty(trx, Number(row.id)))!
        await recordAudit(trx, { action: 'created', entity: 'penalty', entityId: after.id, before: null, after, username: auditUser(request) })
        return after
      })
      reply.code(201).header('location', `/api/penalties/${created.id}`)
      return created
    },
  )

  app.post(
    '/penalties/:id/publish',
    {
      config: { ...inspectorAccess, scope: { record: 'penalty' } },
      schema: {
        tags,
        summary: 'Publish a penalty decision (公开)',
        description: '409 when it is already published.',
        params: idParams,
        response: { 200: record, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      return app.db.transaction(async (trx) => {
        await lockRow(trx, 'penalty', id)
        const before = (await loadPenalty(trx, id))!
        if (before.published) {
          const message = `penalty ${id} is already published`
          throw conflict(message, [{ field: 'published', message, current: 'published' }])
        }
        await trx('penalty').where({ id }).update({ published: true })
        const after = (await loadPenalty(trx, id))!
        await recordAudit(trx, { action: 'published', entity: 'penalty', entityId: id, before, after, username: auditUser(request) })
        return after
      })
    },
  )

  app.get(
    '/penalties/:id',
    {
      config: { ...staffAccess, scope: { record: 'penalty' } },
      schema: { tags, summary: 'One penalty decision', params: idParams, response: { 200: record, ...errorResponses } },
    },
    async (request) => {
      const found = await loadPenalty(app.db, request.params.id)
      if (!found) throw notFound('penalty', request.params.id)
      return found
    },
  )

  app.get(
    '/penalties',
    {
      config: { ...staffAccess, scope: { list: true } },
      schema: {
        tags,
        summary: 'Penalty decisions, filtered and paginated (ordered by id)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            enterpriseId: idSchema,
            published: { type: 'boolean' },
            division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code prefix of the enterprise' },
            ...pageProperties,
          },
        },
        response: { 200: pageSchema(record), ...errorResponses },
      },
    },
    async (request) => {
      // scopeGridId: a grid worker's grid, set by the auth scope (auth/jurisdiction ScopedListQuery).
      const q: typeof request.query & ScopedListQuery = request.query
      const filtered = app.db('penalty as p')
      if (q.enterpriseId !== undefined) filtered.where('p.enterprise_id', q.enterpriseId)
      if (q.published !== undefined) filtered.where('p.published', q.published)
      whereEnterpriseIn(filtered, 'p.enterprise_id', q.division, q.scopeGridId)
      const { total, items } = await listPage(filtered, (b) => selectColumns(app.db, b), 'p.id', q, toRecord)
      return { total, limit: q.limit, offset: q.offset, items }
    },
  )
}
