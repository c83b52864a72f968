/**
 * Supervising departments (行业监管 / 专业监管部门, docs/domain.md Policy 二(二)) and their inspector rosters: list,
 * create and update. A specialist department's field (消防, 特种设备) is stored in `specialty`; when a
 * request leaves it out, it is read from the name by the table in domain/supervision.ts.
 */
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { conflict, invalid, notFound } from '../../errors'
import { errorResponse, errorResponses, typed } from '../../http/schemas'
import { industryByCode } from '../../domain/rules'
import { specialtyOf, SPECIALIST_FIELDS, type Specialty } from '../../domain/supervision'
import { recordAudit } from '../audit/audit'
import { lockRow, uniqueConflict } from '../../db/db'
import { auditUser } from '../../http/actor'
import { idParams } from '../../http/params'
import {
  departmentExists,
  departmentNamed,
  divisionExists,
  enterprisesUsing,
  insertDepartment,
  insertInspector,
  inspectorWithBadge,
  listDepartments,
  loadDepartment,
  loadInspector,
  rosterOf,
  updateDepartment,
  updateInspector,
} from './repository'
import {
  departmentBodySchema,
  departmentListSchema,
  departmentQuerySchema,
  departmentSchema,
  inspectorBodySchema,
  inspectorChangeSchema,
  inspectorQuerySchema,
  inspectorSchema,
  rosterSchema,
  type DepartmentBody,
} from './schemas'

const staff = { access: 'staff' } as const
const planners = { access: ['planner'] } as const

/**
 * The field to store for a department body: none for an industry department; for a specialist one the
 * given field or, when the body leaves it out, the one its name shows — and a 400 naming `specialty` when there is none.
 */
export function departmentSpecialty(body: Pick<DepartmentBody, 'kind' | 'name' | 'specialty'>): Specialty | null {
  if (body.kind === 'industry') {
    if (body.specialty != null) throw invalid('specialty', 'an industry department supervises industries, not a specialist field: leave specialty out')
    return null
  }
  const specialty = body.specialty === undefined ? specialtyOf({ kind: 'specialist', name: body.name }) : body.specialty
  if (specialty === null) {
    const fields = SPECIALIST_FIELDS.map((f) => `${f.code} (${f.zh})`).join(', ')
    throw invalid(
      'specialty',
      `a specialist department needs the field it supervises, one of ${fields}${body.specialty === undefined ? `; its name "${body.name.trim()}" shows none` : ''}`,
    )
  }
  return specialty
}

/** Checks a department body against the stored divisions, the industry vocabulary and the other departments; returns its specialty. */
async function checkDepartment(
  trx: Knex.Transaction,
  body: DepartmentBody,
  rules: Parameters<typeof industryByCode>[1],
  selfId: number | null,
): Promise<Specialty | null> {
  if (!(await divisionExists(trx, body.divisionCode))) throw invalid('divisionCode', `no division ${body.divisionCode}`)
  body.industries.forEach((code, i) => {
    if (!industryByCode(code, rules)) throw invalid(`industries[${i}]`, `unknown industry "${code}"`)
  })
  if (body.kind === 'specialist' && body.industries.length > 0)
    throw invalid('industries', 'a specialist department supervises a field, not industries: leave industries empty')
  const specialty = departmentSpecialty(body)
  const twin = await departmentNamed(trx, body.divisionCode, body.name.trim(), selfId)
  if (twin !== undefined) {
    const message = `division ${body.divisionCode} already has a department named "${body.name.trim()}" (id ${twin})`
    throw conflict(message, [{ field: 'name', message, existingId: twin }])
  }
  return specialty
}

async function checkBadge(trx: Knex.Transaction, badgeNo: string, selfId: number | null): Promise<void> {
  const twin = await inspectorWithBadge(trx, badgeNo.trim(), selfId)
  if (twin !== undefined) {
    const message = `badge number ${badgeNo.trim()} is already inspector ${twin}'s`
    throw conflict(message, [{ field: 'badgeNo', message, existingId: twin }])
  }
}

/** Routes of departments and rosters (mounted under /api). */
export async function departmentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['supervision']

  app.get(
    '/departments',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Supervising departments, with roster and enterprise counts',
        querystring: departmentQuerySchema,
        response: { 200: departmentListSchema, ...errorResponses },
      },
    },
    async (request) => ({ items: await listDepartments(app.db, request.query) }),
  )

  app.get(
    '/departments/:id',
    { config: staff, schema: { tags, summary: 'One supervising department', params: idParams, response: { 200: departmentSchema, ...errorResponses } } },
    async (request) => {
      const found = await loadDepartment(app.db, request.params.id)
      if (!found) throw notFound('department', request.params.id)
      return found
    },
  )

  app.post(
    '/departments',
    {
      config: planners,
      schema: {
        tags,
        summary: 'Create a supervising department',
        body: departmentBodySchema,
        response: { 201: departmentSchema, 409: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      const created = await app.db.transaction(async (trx) => {
        const specialty = await checkDepartment(trx, body, app.grading.rules, null)
        const id = await insertDepartment(trx, {
          name: body.name.trim(),
          kind: body.kind,
          divisionCode: body.divisionCode,
          industries: body.industries,
          specialty,
        }).catch((err: unknown) => uniqueConflict(err, 'name', `division ${body.divisionCode} already has a department named "${body.name.trim()}"`))
        const after = (await loadDepartment(trx, id))!
        await recordAudit(trx, { action: 'created', entity: 'department', entityId: after.id, before: null, after, username: auditUser(request) })
        return after
      })
      reply.code(201).header('location', `/api/departments/${created.id}`)
      return created
    },
  )

  app.put(
    '/departments/:id',
    {
      config: planners,
      schema: {
        tags,
        summary: 'Replace a supervising department (full replacement)',
        description: "A department that is some enterprise's industry department cannot become a specialist one, and the other way round (409).",
        params: idParams,
        body: departmentBodySchema,
        response: { 200: departmentSchema, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      const body = request.body
      return app.db.transaction(async (trx) => {
        await lockRow(trx, 'department', id)
        const before = (await loadDepartment(trx, id))!
        const specialty = await checkDepartment(trx, body, app.grading.rules, id)
        if (before.kind !== body.kind) {
          const n = await enterprisesUsing(trx, id, before.kind)
          if (n > 0) {
            const message = `department ${id} is the ${before.kind} department of ${n} enterprise(s); reassign them before making it ${body.kind === 'industry' ? 'an industry' : 'a specialist'} department`
            throw conflict(message, [{ field: 'kind', message, current: before.kind, enterprises: n }])
          }
        }
        await updateDepartment(trx, id, {
          name: body.name.trim(),
          kind: body.kind,
          divisionCode: body.divisionCode,
          industries: body.industries,
          specialty,
        }).catch((err: unknown) => uniqueConflict(err, 'name', `division ${body.divisionCode} already has a department named "${body.name.trim()}"`))
        const after = (await loadDepartment(trx, id))!
        await recordAudit(trx, { action: 'updated', entity: 'department', entityId: id, before, after, username: auditUser(request) })
        return after
      })
    },
  )

  app.get(
    '/departments/:id/inspectors',
    {
      config: staff,
      schema: {
        tags,
        summary: "A department's inspector roster",
        params: idParams,
        querystring: inspectorQuerySchema,
        response: { 200: rosterSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      if (!(await departmentExists(app.db, id))) throw notFound('department', id)
      return { departmentId: id, items: await rosterOf(app.db, id, request.query.active) }
    },
  )

  app.post(
    '/departments/:id/inspectors',
    {
      config: planners,
      schema: {
        tags,
        summary: "Add an inspector to a department's roster",
        params: idParams,
        body: inspectorBodySchema,
        response: { 201: inspectorSchema, 409: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      const body = request.body
      const created = await app.db.transaction(async (trx) => {
        if (!(await departmentExists(trx, id))) throw notFound('department', id)
        await checkBadge(trx, body.badgeNo, null)
        const inspectorId = await insertInspector(trx, { departmentId: id, name: body.name.trim(), badgeNo: body.badgeNo.trim(), active: body.active }).catch(
          (err: unknown) => uniqueConflict(err, 'badgeNo', `badge number ${body.badgeNo.trim()} is already used`),
        )
        const after = (await loadInspector(trx, inspectorId))!
        await recordAudit(trx, { action: 'created', entity: 'inspector', entityId: after.id, before: null, after, username: auditUser(request) })
        return after
      })
      reply.code(201).header('location', `/api/inspectors/${created.id}`)
      return created
    },
  )

  app.put(
    '/inspectors/:id',
    {
      config: planners,
      schema: {
        tags,
        summary: 'Replace an inspector (name, badge, active; departmentId moves them to another roster)',
        params: idParams,
        body: inspectorChangeSchema,
        response: { 200: inspectorSchema, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      const body = request.body
      return app.db.transaction(async (trx) => {
        await lockRow(trx, 'inspector', id)
        const before = (await loadInspector(trx, id))!
        const departmentId = body.departmentId ?? before.departmentId
        if (!(await departmentExists(trx, departmentId))) throw invalid('departmentId', `no department with id ${departmentId}`)
        await checkBadge(trx, body.badgeNo, id)
        await updateInspector(trx, id, { departmentId, name: body.name.trim(), badgeNo: body.badgeNo.trim(), active: body.active }).catch((err: unknown) =>
          uniqueConflict(err, 'badgeNo', `badge number ${body.badgeNo.trim()} is already used`),
        )
        const after = (await loadInspector(trx, id))!
        await recordAudit(trx, { action: 'updated', entity: 'inspector', entityId: id, before, after, username: auditUser(request) })
        return after
      })
    },
  )
}
