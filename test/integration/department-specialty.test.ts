import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { createKnex } from '../../server/db/knex'
import { MIGRATIONS, migrateLatest, migrationSource } from '../../server/db/migrate'
import { SPECIALTIES } from '../../server/domain/supervision'
import { buildUscc } from '../../server/domain/uscc'
import { buildTestApp } from '../helpers/app'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'

// `department.specialty` (migration 007): the backfill from the names, the constraints, the
// department API that writes it, and the coverage report and an enterprise's supervision that
// read it instead of the department's name. API tests work in 康平县 (210123) on the shared demo
// database, with departments and enterprises of their own.
let app: FastifyInstance
let db: Knex

const COUNTY = '210123'
let township: string
const run = `${process.pid}-${Date.now() % 1_000_000}`

beforeAll(async () => {
  app = await buildTestApp()
  db = app.db
  township = (await db('division').where({ rank: 'township' }).whereLike('code', `${COUNTY}%`).orderBy('code').first('code')).code
})
afterAll(async () => {
  await app?.close()
})

type Method = 'GET' | 'POST' | 'PUT'
const send = (method: Method, url: string, payload?: object) => app.inject({ method, url, payload })

async function createDepartment(body: Record<string, unknown>) {
  const res = await send('POST', '/api/departments', { divisionCode: COUNTY, ...body, name: `${body.name as string}${run}` })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: number; name: string; kind: string; specialty: string | null }
}

let serial = 0

/** An enterprise of our own, inserted directly (there is no enterprise write API). */
async function createEnterprise(columns: Record<string, unknown>): Promise<number> {
  serial += 1
  const uscc = buildUscc(`Y2${COUNTY}${String(process.pid % 10_000).padStart(4, '0')}${String(serial).padStart(5, '0')}`)
  const point = await db('division').where({ code: township }).first(db.raw('ST_X(label_point) AS lon, ST_Y(label_point) AS lat'))
  const [row] = await db('enterprise')
    .insert({
      uscc,
      name: `专业监管测试企业${serial}`,
      industry: 'manufacturing',
      scale: 'small',
      affiliation: 'township',
      division_code: township,
      responsible_person: '丙',
      tier: 'township',
      geom: db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [point.lon, point.lat]),
      ...columns,
    })
    .returning('id')
  return Number(row.id)
}

/** Expects a 400 whose details name `field` with a message matching `message`. */
function expectInvalid(res: Awaited<ReturnType<typeof send>>, field: string, message: RegExp) {
  expect(res.statusCode, res.body).toBe(400)
  const { error } = res.json()
  expect(error.code).toBe('invalid_input')
  const detail = error.details.find((d: { field: string }) => d.field === field)
  expect(detail, JSON.stringify(error)).toBeDefined()
  expect(detail.message).toMatch(message)
}

describe('migration 007_department_specialty', () => {
  let scratch: ScratchDatabase
  let own: Knex

  beforeAll(async () => {
    scratch = await openScratch(inject('serverUrl'), 'riskmap_spec')
    own = createKnex({ url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 60_000 })
    await own.raw('CREATE EXTENSION IF NOT EXISTS postgis')
  })
  afterAll(async () => {
    await own?.destroy()
    await scratch?.drop()
  })

  it('backfills the field from the names, constrains it, and goes down and up again', async () => {
    // Up to 006, some departments, then 007 alone (later migrations are not this test's business).
    const upTo = (last: string) => Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name <= last))
    await migrateLatest(own, upTo('006_import_external_ids'))
    await own.raw("INSERT INTO division (code, name, rank, geom) VALUES ('210102', '和平区', 'county', ST_Multi(ST_MakeEnvelope(123, 41, 123.1, 41.1, 4326)))")
    const names: Array<[string, 'industry' | 'specialist']> = [
      ['和平区消防救援大队', 'specialist'],
      ['和平区市场监督管理局（特种设备）', 'specialist'],
      ['和平区综合行政执法局', 'specialist'],
      ['和平区消防产品行业管理办公室', 'industry'],
    ]
    await own('department').insert(names.map(([name, kind]) => ({ name, kind, division_code: '210102' })))

    expect(await migrateLatest(own, upTo('007_department_specialty'))).toEqual(['007_department_specialty'])
    const rows = await own('department').orderBy('id').select('name', 'specialty')
    expect(rows.map((r) => r.specialty)).toEqual(['fire', 'special_equipment', null, null])

    // The vocabulary is the domain's, and an industry department has none.
    for (const specialty of SPECIALTIES) {
      await own('department').insert({ name: `x-${specialty}`, kind: 'specialist', division_code: '210102', specialty })
    }
    await own('department').whereLike('name', 'x-%').del()
    await expect(own('department').insert({ name: 'x', kind: 'specialist', division_code: '210102', specialty: 'hazardous_chemicals' })).rejects.toThrow(
      /department_specialty_check/,
    )
    await expect(own('department').insert({ name: 'y', kind: 'industry', division_code: '210102', specialty: 'fire' })).rejects.toThrow(
      /department_specialty_kind_check/,
    )

    await own.migrate.down({ migrationSource: migrationSource(upTo('007_department_specialty')) })
    const { rows: columns } = await own.raw("SELECT 1 FROM information_schema.columns WHERE table_name = 'department' AND column_name = 'specialty'")
    expect(columns).toEqual([])
    expect(await migrateLatest(own, upTo('007_department_specialty'))).toEqual(['007_department_specialty'])
    expect((await own('department').orderBy('id').select('specialty')).map((r) => r.specialty)).toEqual(['fire', 'special_equipment', null, null])
  })
})

describe('the department API and department.specialty', () => {
  it('stores a given field, defaults it from the name when left out, and lists by it', async () => {
    const inspection = await createDepartment({ name: '综合执法大队', kind: 'specialist', specialty: 'special_equipment' })
    expect(inspection).toMatchObject({ kind: 'specialist', specialty: 'special_equipment' })
    expect((await db('department').where({ id: inspection.id }).first('specialty')).specialty).toBe('special_equipment')

    const fire = await createDepartment({ name: '消防救援大队', kind: 'specialist' })
    expect(fire.specialty).toBe('fire')
    // A given field wins over what the name shows.
    const mixed = await createDepartment({ name: '消防设施检测所', kind: 'specialist', specialty: 'special_equipment' })
    expect(mixed.specialty).toBe('special_equipment')
    const industry = await createDepartment({ name: '应急管理局', kind: 'industry', industries: ['manufacturing'] })
    expect(industry.specialty).toBeNull()

    expect((await send('GET', `/api/departments/${inspection.id}`)).json().specialty).toBe('special_equipment')
    const listed = (await send('GET', `/api/departments?division=${COUNTY}&specialty=special_equipment`)).json().items as Array<{
      id: number
      specialty: string
    }>
    expect(listed.map((d) => d.id)).toEqual(expect.arrayContaining([inspection.id, mixed.id]))
    expect(listed.map((d) => d.id)).not.toContain(fire.id)
    expect(listed.every((d) => d.specialty === 'special_equipment')).toBe(true)
    // Every specialist department of the demo set has its field.
    const specialists = (await send('GET', '/api/departments?kind=specialist')).json().items as Array<{ specialty: string | null }>
    expect(specialists.length).toBeGreaterThan(10)
    expect(specialists.filter((d) => d.specialty === null)).toEqual([])
  })

  it('changes the field on update, audited', async () => {
    const dept = await createDepartment({ name: '专业执法队', kind: 'specialist', specialty: 'fire' })
    const res = await send('PUT', `/api/departments/${dept.id}`, { name: dept.name, kind: 'specialist', divisionCode: COUNTY, specialty: 'special_equipment' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().specialty).toBe('special_equipment')
    const audit = await db('audit_log')
      .where({ entity: 'department', entity_id: String(dept.id), action: 'updated' })
      .first('before', 'after')
    expect(audit.before.specialty).toBe('fire')
    expect(audit.after.specialty).toBe('special_equipment')
  })

  it('refuses a bad field with a 400 naming specialty', async () => {
    const post = (body: Record<string, unknown>) => send('POST', '/api/departments', { divisionCode: COUNTY, ...body })
    expectInvalid(await post({ name: `a${run}`, kind: 'specialist', specialty: 'hazardous_chemicals' }), 'specialty', /allowed values/)
    expectInvalid(
      await post({ name: `b${run}`, kind: 'industry', industries: ['retail'], specialty: 'fire' }),
      'specialty',
      /industry department supervises industries/,
    )
    expectInvalid(
      await post({ name: `综合执法局${run}`, kind: 'specialist' }),
      'specialty',
      /needs the field it supervises, one of fire \(消防\), special_equipment \(特种设备\); its name .* shows none/,
    )
    expectInvalid(await post({ name: `消防大队${run}`, kind: 'specialist', specialty: null }), 'specialty', /needs the field it supervises/)
    expect(
      await db('department')
        .whereIn('name', [`a${run}`, `b${run}`, `综合执法局${run}`, `消防大队${run}`])
        .count<{ n: string }[]>('* as n'),
    ).toEqual([{ n: '0' }])

    const dept = await createDepartment({ name: '特种设备安全监察科', kind: 'specialist' })
    expect(dept.specialty).toBe('special_equipment')
    expectInvalid(
      await send('PUT', `/api/departments/${dept.id}`, { name: `综合科${run}`, kind: 'specialist', divisionCode: COUNTY }),
      'specialty',
      /shows none/,
    )
    expectInvalid(await send('GET', '/api/departments?specialty=chemicals'), 'specialty', /allowed values/)
    expect((await send('GET', `/api/departments/${dept.id}`)).json()).toMatchObject({ name: dept.name, specialty: 'special_equipment' })
  })
})

describe('coverage reads department.specialty, not the name', () => {
  it('counts a department for the field it stores, and follows a change of it', async () => {
    const industry = await createDepartment({ name: '覆盖应急管理局', kind: 'industry', industries: ['hazardous_chemicals'] })
    // Named like a fire brigade, but stored as special equipment; the other named like nothing.
    const misleading = await createDepartment({ name: '覆盖消防检测站', kind: 'specialist', specialty: 'special_equipment' })
    const plain = await createDepartment({ name: '覆盖综合执法队', kind: 'specialist', specialty: 'fire' })
    const id = await createEnterprise({ industry: 'hazardous_chemicals', industry_department_id: industry.id })
    await db('enterprise_specialist_department').insert([
      { enterprise_id: id, department_id: misleading.id },
      { enterprise_id: id, department_id: plain.id },
    ])

    const report = async () =>
      (await send('GET', `/api/supervision/coverage?division=${township}&limit=5000`)).json() as {
        items: Array<{ id: number; gaps: Array<{ kind: string; specialty?: string }> }>
      }
    expect((await report()).items.map((i) => i.id)).not.toContain(id)
    const supervision = (await send('GET', `/api/enterprises/${id}/supervision`)).json()
    expect(supervision.gaps).toEqual([])
    expect(supervision.specialistDepartments).toEqual([
      { id: misleading.id, name: misleading.name, specialty: 'special_equipment' },
      { id: plain.id, name: plain.name, specialty: 'fire' },
    ])

    // The fire brigade by name becomes what its name says: special equipment is now missing.
    const put = await send('PUT', `/api/departments/${misleading.id}`, { name: misleading.name, kind: 'specialist', divisionCode: COUNTY, specialty: 'fire' })
    expect(put.statusCode, put.body).toBe(200)
    const item = (await report()).items.find((i) => i.id === id)
    expect(item?.gaps.map((g) => [g.kind, g.specialty])).toEqual([['specialist_department', 'special_equipment']])
    expect((await send('GET', `/api/enterprises/${id}/supervision`)).json().gaps).toMatchObject([
      { kind: 'specialist_department', specialty: 'special_equipment' },
    ])
  })
})
