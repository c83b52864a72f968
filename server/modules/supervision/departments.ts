/**
 * Supervising departments (行业监管 / 专业监管部门, docs/domain.md Policy 二(二)) and their inspector rosters: list,
 * create and update. A specialist department's field (消防, 特种设备) is stored in `specialty`; when a
 * request leaves it out, it is read from the name by the table in domain/supervision.ts.
 */
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { conflict, invalid, notFound } from '../../errors'
import { errorResponse, errorResponses } from '../../http/schemas'
import { industryByCode } from '../../domain/rules'
import { specialtyOf, SPECIALIST_FIELDS, SPECIALTIES, type Specialty } from '../../domain/supervision'
import { recordAudit } from '../audit/audit'
import { lockRow, uniqueConflict, type Db } from '../../db/db'
import { auditUser } from '../../http/actor'
import { idParams, idSchema, nameSchema } from '../../http/params'

export type DepartmentKind = 'industry' | 'specialist'

export interface DepartmentBody {
  name: string
  kind: DepartmentKind
  divisionCode: string
  industries: string[]
  specialty?: Specialty | null
}

export interface InspectorBody {
  name: string
  badgeNo: string
  active: boolean
}

const divisionCodeSchema = { type: 'string', pattern: '^([0-9]{6}|[0-9]{9})$', description: 'GB/T 2260 division code of the government level the department belongs to' } as const

const departmentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind', 'divisionCode'],
  properties: {
    name: { ...nameSchema, description: 'unique within its division' },
    kind: { type: 'string', enum: ['industry', 'specialist'] },
    divisionCode: divisionCodeSchema,
    industries: { type: 'array', uniqueItems: true, maxItems: 50, default: [], items: { type: 'string', minLength: 1, maxLength: 64 }, description: 'industry codes it supervises (an industry department)' },
    specialty: {
      type: ['string', 'null'],
      enum: [...SPECIALTIES, null],
      description: `the field a specialist department supervises (${SPECIALIST_FIELDS.map((f) => `${f.code} ${f.zh}`).join(', ')}); required for a specialist department ` +
        'unless its name shows it (then it defaults to that), null or absent for an industry department',
    },
  },
} as const

export const departmentProperties = {
  id: { type: 'integer' },
  name: { type: 'string' },
  kind: { type: 'string', enum: ['industry', 'specialist'] },
  divisionCode: { type: 'string' },
  divisionName: { type: ['string', 'null'] },
  industries: { type: 'array', items: { type: 'string' } },
  specialty: { type: ['string', 'null'], enum: [...SPECIALTIES, null], description: 'the field a specialist department supervises; null for an industry department' },
  inspectors: { type: 'integer', description: 'inspectors on the roster' },
  activeInspectors: { type: 'integer' },
  enterprises: { type: 'integer', description: 'enterprises it supervises as industry or specialist department' },
} as const

const inspectorBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'badgeNo'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    badgeNo: { type: 'string', minLength: 1, maxLength: 50, description: 'enforcement badge number (执法证号), unique' },
    active: { type: 'boolean', default: true, description: 'only active inspectors are drawn for plans and may record inspections' },
  },
} as const

export const inspectorProperties = {
  id: { type: 'integer' },
  departmentId: { type: 'integer' },
  name: { type: 'string' },
  badgeNo: { type: 'string' },
  active: { type: 'boolean' },
} as const

const staff = { access: 'staff' } as const
const planners = { access: ['planner'] } as const

function selectDepartments(db: Db): Knex.QueryBuilder {
  return db('department as d')
    .leftJoin('division as v', 'v.code', 'd.division_code')
    .select(
      'd.id', 'd.name', 'd.kind', 'd.division_code', 'd.industries', 'd.specialty', 'v.name as division_name',
      db.raw('(SELECT count(*)::int FROM inspector i WHERE i.department_id = d.id) AS inspectors'),
      db.raw('(SELECT count(*)::int FROM inspector i WHERE i.department_id = d.id AND i.active) AS active_inspectors'),
      db.raw(`(SELECT count(*)::int FROM (SELECT e.id FROM enterprise e WHERE e.industry_department_id = d.id
                 UNION SELECT s.enterprise_id FROM enterprise_specialist_department s WHERE s.department_id = d.id) u) AS enterprises`),
    )
}

function toDepartment(r: Record<string, unknown>) {
  return {
    id: Number(r.id),
    name: r.name as string,
    kind: r.kind as DepartmentKind,
    divisionCode: r.division_code as string,
    divisionName: (r.division_name as string | null) ?? null,
    industries: r.industries as string[],
    specialty: r.specialty as Specialty | null,
    inspectors: Number(r.inspectors),
    activeInspectors: Number(r.active_inspectors),
    enterprises: Number(r.enterprises),
  }
}

export type DepartmentView = ReturnType<typeof toDepartment>

export async function loadDepartment(db: Db, id: number): Promise<DepartmentView | undefined> {
  const row = await selectDepartments(db).where('d.id', id).first()
  return row ? toDepartment(row) : undefined
}

function toInspector(r: Record<string, unknown>) {
  return { id: Number(r.id), departmentId: Number(r.department_id), name: r.name as string, badgeNo: r.badge_no as string, active: r.active as boolean }
}

export type InspectorView = ReturnType<typeof toInspector>

async function loadInspector(db: Db, id: number): Promise<InspectorView | undefined> {
  const row = await db('inspector').where({ id }).first('id', 'department_id', 'name', 'badge_no', 'active')
  return row ? toInspector(row) : undefined
}

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
    throw invalid('specialty', `a specialist department needs the field it supervises, one of ${fields}${body.specialty === undefined ? `; its name "${body.name.trim()}" shows none` : ''}`)
  }
  return specialty
}

/** Checks a department body against the stored divisions, the industry vocabulary and the other departments; returns its specialty. */
async function checkDepartment(trx: Knex.Transaction, body: DepartmentBody, rules: Parameters<typeof industryByCode>[1], selfId: number | null): Promise<Specialty | null> {
  if (!(await trx('division').where({ code: body.divisionCode }).first('code'))) throw invalid('divisionCode', `no division ${body.divisionCode}`)
  body.industries.forEach((code, i) => {
    if (!industryByCode(code, rules)) throw invalid(`industries[${i}]`, `unknown industry "${code}"`)
  })
  if (body.kind === 'specialist' && body.industries.length > 0) throw invalid('industries', 'a specialist department supervises a field, not industries: leave industries empty')
  const specialty = departmentSpecialty(body)
  const twin = await trx('department').where({ division_code: body.divisionCode, name: body.name.trim() }).whereNot('id', selfId ?? 0).first('id')
  if (twin) {
    const message = `division ${body.divisionCode} already has a department named "${body.name.trim()}" (id ${twin.id})`
    throw conflict(message, [{ field: 'name', message, existingId: Number(twin.id) }])
  }
  return specialty
}

async function checkBadge(trx: Knex.Transaction, badgeNo: string, selfId: number | null): Promise<void> {
  const twin = await trx('inspector').where({ badge_no: badgeNo.trim() }).whereNot('id', selfId ?? 0).first('id')
  if (twin) {
    const message = `badge number ${badgeNo.trim()} is already inspector ${twin.id}'s`
    throw conflict(message, [{ field: 'badgeNo', message, existingId: Number(twin.id) }])
  }
}

/** Routes of departments and rosters (mounted under /api). */
export async function departmentRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['supervision']
  const department = { type: 'object', properties: departmentProperties } as const
  const inspector = { type: 'object', properties: inspectorProperties } as const

  app.get<{ Querystring: { kind?: DepartmentKind; division?: string; industry?: string; specialty?: Specialty } }>(
    '/departments',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Supervising departments, with roster and enterprise counts',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: ['industry', 'specialist'] },
            division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code prefix of the department' },
            industry: { type: 'string', maxLength: 64, description: 'industry departments that supervise this industry' },
            specialty: { type: 'string', enum: SPECIALTIES, description: 'specialist departments of this field' },
          },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: department } } }, ...errorResponses },
      },
    },
    async (request) => {
      const q = selectDepartments(app.db).orderBy('d.division_code').orderBy('d.id')
      if (request.query.kind) q.where('d.kind', request.query.kind)
      if (request.query.division) q.whereLike('d.division_code', `${request.query.division}%`)
      if (request.query.industry) q.whereRaw('? = ANY(d.industries)', [request.query.industry])
      if (request.query.specialty) q.where('d.specialty', request.query.specialty)
      return { items: (await q).map(toDepartment) }
    },
  )

  app.get<{ Params: { id: number } }>(
    '/departments/:id',
    { config: staff, schema: { tags, summary: 'One supervising department', params: idParams, response: { 200: department, ...errorResponses } } },
    async (request) => {
      const found = await loadDepartment(app.db, request.params.id)
      if (!found) throw notFound('department', request.params.id)
      return found
    },
  )

  app.post<{ Body: DepartmentBody }>(
    '/departments',
    { config: planners, schema: { tags, summary: 'Create a supervising department', body: departmentBody, response: { 201: department, 409: errorResponse, ...errorResponses } } },
    async (request, reply) => {
      const body = request.body
      const created = await app.db.transaction(async (trx) => {
        const specialty = await checkDepartment(trx, body, app.grading.rules, null)
        const [row] = await trx('department')
          .insert({ name: body.name.trim(), kind: body.kind, division_code: body.divisionCode, industries: body.industries, specialty })
          .returning('id')
          .catch((err: unknown) => uniqueConflict(err, 'name', `division ${body.divisionCode} already has a department named "${body.name.trim()}"`))
        const after = (await loadDepartment(trx, Number(row.id)))!
        await recordAudit(trx, { action: 'created', entity: 'department', entityId: after.id, before: null, after, username: auditUser(request) })
        return after
      })
      reply.code(201).header('location', `/api/departments/${created.id}`)
      return created
    },
  )

  app.put<{ Params: { id: number }; Body: DepartmentBody }>(
    '/departments/:id',
    {
      config: planners,
      schema: {
        tags,
        summary: 'Replace a supervising department (full replacement)',
        description: 'A department that is some enterprise\'s industry department cannot become a specialist one, and the other way round (409).',
        params: idParams,
        body: departmentBody,
        response: { 200: department, 409: errorResponse, ...errorResponses },
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
          const used = body.kind === 'specialist'
            ? await trx('enterprise').where({ industry_department_id: id }).count<{ n: string }[]>('* as n')
            : await trx('enterprise_specialist_department').where({ department_id: id }).count<{ n: string }[]>('* as n')
          const n = Number(used[0]!.n)
          if (n > 0) {
            const message = `department ${id} is the ${before.kind} department of ${n} enterprise(s); reassign them before making it ${body.kind === 'industry' ? 'an industry' : 'a specialist'} department`
            throw conflict(message, [{ field: 'kind', message, current: before.kind, enterprises: n }])
          }
        }
        await trx('department')
          .where({ id })
          .update({ name: body.name.trim(), kind: body.kind, division_code: body.divisionCode, industries: body.industries, specialty })
          .catch((err: unknown) => uniqueConflict(err, 'name', `division ${body.divisionCode} already has a department named "${body.name.trim()}"`))
        const after = (await loadDepartment(trx, id))!
        await recordAudit(trx, { action: 'updated', entity: 'department', entityId: id, before, after, username: auditUser(request) })
        return after
      })
    },
  )

  app.get<{ Params: { id: number }; Querystring: { active?: boolean } }>(
    '/departments/:id/inspectors',
    {
      config: staff,
      schema: {
        tags,
        summary: "A department's inspector roster",
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { active: { type: 'boolean' } } },
        response: { 200: { type: 'object', properties: { departmentId: { type: 'integer' }, items: { type: 'array', items: inspector } } }, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      if (!(await app.db('department').where({ id }).first('id'))) throw notFound('department', id)
      const q = app.db('inspector').where({ department_id: id }).orderBy('id').select('id', 'department_id', 'name', 'badge_no', 'active')
      if (request.query.active !== undefined) q.where('active', request.query.active)
      return { departmentId: id, items: (await q).map(toInspector) }
    },
  )

  app.post<{ Params: { id: number }; Body: InspectorBody }>(
    '/departments/:id/inspectors',
    {
      config: planners,
      schema: { tags, summary: "Add an inspector to a department's roster", params: idParams, body: inspectorBody, response: { 201: inspector, 409: errorResponse, ...errorResponses } },
    },
    async (request, reply) => {
      const { id } = request.params
      const body = request.body
      const created = await app.db.transaction(async (trx) => {
        if (!(await trx('department').where({ id }).first('id'))) throw notFound('department', id)
        await checkBadge(trx, body.badgeNo, null)
        const [row] = await trx('inspector')
          .insert({ department_id: id, name: body.name.trim(), badge_no: body.badgeNo.trim(), active: body.active })
          .returning('id')
          .catch((err: unknown) => uniqueConflict(err, 'badgeNo', `badge number ${body.badgeNo.trim()} is already used`))
        const after = (await loadInspector(trx, Number(row.id)))!
        await recordAudit(trx, { action: 'created', entity: 'inspector', entityId: after.id, before: null, after, username: auditUser(request) })
        return after
      })
      reply.code(201).header('location', `/api/inspectors/${created.id}`)
      return created
    },
  )

  app.put<{ Params: { id: number }; Body: InspectorBody & { departmentId?: number } }>(
    '/inspectors/:id',
    {
      config: planners,
      schema: {
        tags,
        summary: 'Replace an inspector (name, badge, active; departmentId moves them to another roster)',
        params: idParams,
        body: { ...inspectorBody, properties: { ...inspectorBody.properties, departmentId: idSchema } },
        response: { 200: inspector, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      const body = request.body
      return app.db.transaction(async (trx) => {
        await lockRow(trx, 'inspector', id)
        const before = (await loadInspector(trx, id))!
        const departmentId = body.departmentId ?? before.departmentId
        if (!(await trx('department').where({ id: departmentId }).first('id'))) throw invalid('departmentId', `no department with id ${departmentId}`)
        await checkBadge(trx, body.badgeNo, id)
        await trx('inspector')
          .where({ id })
          .update({ department_id: departmentId, name: body.name.trim(), badge_no: body.badgeNo.trim(), active: body.active })
          .catch((err: unknown) => uniqueConflict(err, 'badgeNo', `badge number ${body.badgeNo.trim()} is already used`))
        const after = (await loadInspector(trx, id))!
        await recordAudit(trx, { action: 'updated', entity: 'inspector', entityId: id, before, after, username: auditUser(request) })
        return after
      })
    },
  )
}
