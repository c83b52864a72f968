import crypto from 'node:crypto'
import { Readable } from 'node:stream'
import pg from 'pg'
import type { Knex } from 'knex'
import { afterAll, beforeAll, beforeEach, describe, expect, it, inject } from 'vitest'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { generateDemoBatches } from '../../server/demo/generate'
import { toEwkt } from '../../server/demo/load'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { buildUscc } from '../../server/domain/uscc'
import { AppError } from '../../server/errors'
import { checkRegisterKeys } from '../../server/modules/enterprises/store'
import { runImport, type ImportReport } from '../../server/modules/transfer/import'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'

// The first load of a register into an empty enterprise table builds the table's indexes and unique
// constraints once after the rows (docs/architecture.md, "An import's path"). Whatever happens, the
// table must come out with exactly the indexes and constraints it had, enforcing them.

let scratch: ScratchDatabase
let db: Knex

const uscc = (n: number) => buildUscc(`91210102MA0F${String(n).padStart(5, '0')}`)
const HEADER = '统一社会信用代码,企业名称,行业,经度,纬度'
const row = (n: number, name = `首次载入测试企业${n}（示例）`) => [uscc(n), name, '零售业', (123.4 + n * 0.001).toFixed(5), 41.79].join(',')

/** The enterprise table's indexes and constraints as the catalog defines them. */
async function definitions(): Promise<string[]> {
  const { rows } = await db.raw<{ rows: Array<{ def: string }> }>(
    `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'enterprise'::regclass
     UNION ALL
     SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'enterprise'::regclass
     ORDER BY 1`,
  )
  return rows.map((r) => r.def)
}

function csv(lines: string[]): Readable {
  return Readable.from([Buffer.from(`${[HEADER, ...lines].join('\r\n')}\r\n`)])
}

function importCsv(lines: string[], mode: 'all' | 'valid' = 'all', dryRun = false): Promise<ImportReport> {
  return runImport(
    db,
    { stream: csv(lines), fileName: 'register.csv' },
    { kind: 'enterprises', mode, dryRun, grading: { res: 8, rules: DEFAULT_RULES }, regrade: 'defer' },
  )
}

const firstLoadNote = (r: ImportReport) => r.notes?.find((n) => n.code === 'register_first_load')
let before: string[]

beforeAll(async () => {
  scratch = await openScratch(inject('serverUrl'), 'riskmap_first_load')
  db = createKnex({ url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 60_000 })
  await db.raw('CREATE EXTENSION IF NOT EXISTS postgis')
  await migrateLatest(db)
  for (const batch of generateDemoBatches({ scale: 1 })) {
    if (!['division', 'mgmt_grid', 'department'].includes(batch.table)) break
    const rows = (batch.rows as unknown as Array<Record<string, unknown>>).map((r) => ('geom' in r ? { ...r, geom: toEwkt(r.geom as never) } : r))
    for (let i = 0; i < rows.length; i += 50) await db(batch.table).insert(rows.slice(i, i + 50))
  }
  before = await definitions()
  // Secondary indexes, unique keys and the primary key: what a first load drops and builds again.
  expect(before.filter((d) => d.startsWith('CREATE INDEX') || d.startsWith('CREATE UNIQUE INDEX')).length).toBeGreaterThanOrEqual(8)
}, 120_000)

afterAll(async () => {
  await db?.destroy()
  await scratch?.drop()
})

beforeEach(async () => {
  await db.raw('TRUNCATE enterprise CASCADE')
})

describe('the first load of a register', () => {
  it('loads an empty table first and builds its indexes after, leaving them as they were and enforced', async () => {
    const report = await importCsv([1, 2, 3].map((n) => row(n)))
    expect(report).toMatchObject({ stored: true, created: 3 })
    // On a PostgreSQL server the report says so; the embedded database always goes the ordinary way.
    if (scratch.embedded) expect(firstLoadNote(report)).toBeUndefined()
    // Run by a superuser, the load checks the rows' foreign keys once at the end.
    else {
      expect(firstLoadNote(report)).toEqual({ code: 'register_first_load', params: { rows: 3, keysCheckedAtEnd: 1 } })
      expect(report.note).toMatch(/foreign keys checked once at the end/)
    }
    expect(await definitions()).toEqual(before)
    expect(Number((await db('enterprise').count('* as n').first())!.n)).toBe(3)
    // The unique key is back and enforced.
    const stored = await db('enterprise')
      .where({ uscc: uscc(1) })
      .first('name', 'division_code')
    expect(stored).toMatchObject({ name: '首次载入测试企业1（示例）' })
    await expect(db.raw('UPDATE enterprise SET uscc = ? WHERE uscc = ?', [uscc(1), uscc(2)])).rejects.toThrow(/enterprise_uscc_key/)

    // The next file finds the table in use: the ordinary way, updating what the first one stored.
    const next = await importCsv([row(3, '首次载入测试企业3（改名）'), row(4)])
    expect(next).toMatchObject({ stored: true, created: 1, updated: 1 })
    expect(firstLoadNote(next)).toBeUndefined()
    expect(await definitions()).toEqual(before)
  })

  it.skipIf(!inject('serverUrl'))('checks the foreign keys it left to the end: every row points to a stored one, and they are enforced after', async () => {
    // A chemical plant gets its industry department in its row and specialist departments beside it.
    const report = await importCsv([`${uscc(7)},首次载入化工厂（示例）,化学原料和化学制品制造业,123.405,41.79`, row(8)])
    expect(firstLoadNote(report)).toEqual({ code: 'register_first_load', params: { rows: 2, keysCheckedAtEnd: 1 } })
    expect(report.note).toMatch(/foreign keys checked once at the end/)
    const plant = await db('enterprise')
      .where({ uscc: uscc(7) })
      .first('id', 'industry_department_id', 'division_code', 'mgmt_grid_id')
    expect(plant.industry_department_id).not.toBeNull()
    expect(plant.mgmt_grid_id).not.toBeNull()
    const specialists = await db('enterprise_specialist_department').where({ enterprise_id: plant.id })
    expect(specialists.length).toBeGreaterThan(0)
    // The row-by-row checks are on again once the import is done.
    await expect(db('enterprise').where({ id: plant.id }).update({ division_code: '999999' })).rejects.toThrow(/enterprise_division_code_fkey/)
    await expect(db('enterprise_specialist_department').insert({ enterprise_id: plant.id, department_id: 999_999 })).rejects.toThrow(/department_id_fkey/)
    expect(await definitions()).toEqual(before)
  })

  it.skipIf(!inject('serverUrl'))('its end check refuses rows that point to a row gone since the import began', async () => {
    // What the end check finds when a division or department was deleted while the import ran (the rows written as a first load writes them).
    const trx = await db.transaction()
    try {
      await trx.raw('SET LOCAL session_replication_role = replica')
      await trx.raw(
        "INSERT INTO enterprise (uscc, name, division_code, geom) VALUES (?, '去向不明企业（示例）', '999999', ST_SetSRID(ST_MakePoint(123.4, 41.8), 4326))",
        [uscc(9)],
      )
      await trx.raw('SET LOCAL session_replication_role = origin')
      const refused = await checkRegisterKeys(trx).catch((err: unknown) => err)
      expect(refused).toBeInstanceOf(AppError)
      expect(refused).toMatchObject({ statusCode: 409, details: [{ field: 'enterprise.division_code', value: '999999' }] })
      expect((refused as Error).message).toMatch(/^division 999999, .*deleted during the import: nothing was stored/)
    } finally {
      await trx.rollback()
    }
    const trx2 = await db.transaction()
    try {
      const [{ id }] = await trx2('enterprise').insert(
        { uscc: uscc(10), name: '专项部门去向不明（示例）', division_code: '210102', geom: trx2.raw('ST_SetSRID(ST_MakePoint(123.4, 41.8), 4326)') },
        ['id'],
      )
      await trx2.raw('SET LOCAL session_replication_role = replica')
      await trx2('enterprise_specialist_department').insert({ enterprise_id: id, department_id: 999_999 })
      await trx2.raw('SET LOCAL session_replication_role = origin')
      await expect(checkRegisterKeys(trx2)).rejects.toMatchObject({
        statusCode: 409,
        details: [{ field: 'enterprise_specialist_department.department_id', value: '999999' }],
      })
    } finally {
      await trx2.rollback()
    }
  })

  it.skipIf(!inject('serverUrl'))(
    'run by a role that owns the tables but is no superuser: checks the keys row by row, or at the end once granted SET on session_replication_role',
    async () => {
      // The service's own role, as a least-privileged deployment creates it: it owns what its migrations made.
      const role = `riskmap_first_load_${crypto.randomBytes(3).toString('hex')}`
      await db.raw(`CREATE ROLE ${role} LOGIN NOSUPERUSER`)
      await db.raw(`GRANT ALL ON SCHEMA public TO ${role}`)
      await db.raw(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`)
      await db.raw(`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${role}`)
      await db.raw(`ALTER TABLE enterprise OWNER TO ${role}`)
      const url = new URL(scratch.url)
      url.username = role
      const owner = createKnex({ url: url.toString(), embedded: false, statementTimeoutMs: 60_000 })
      const load = (lines: string[]) =>
        runImport(
          owner,
          { stream: csv(lines), fileName: 'register.csv' },
          { kind: 'enterprises', mode: 'all', grading: { res: 8, rules: DEFAULT_RULES }, regrade: 'defer' },
        )
      try {
        const perRow = await load([`${uscc(11)},首次载入化工厂（示例）,化学原料和化学制品制造业,123.405,41.79`, row(12)])
        expect(firstLoadNote(perRow)).toEqual({ code: 'register_first_load', params: { rows: 2, keysCheckedAtEnd: 0 } })
        expect(perRow.note).not.toMatch(/foreign keys/)
        expect(await db('enterprise_specialist_department').count('* as n').first()).toMatchObject({ n: expect.not.stringMatching(/^0$/) })

        await db.raw('TRUNCATE enterprise CASCADE')
        await db.raw(`GRANT SET ON PARAMETER session_replication_role TO ${role}`)
        const atEnd = await load([`${uscc(11)},首次载入化工厂（示例）,化学原料和化学制品制造业,123.405,41.79`, row(12)])
        expect(atEnd.note).toMatch(/foreign keys checked once at the end/)
        expect(firstLoadNote(atEnd)?.params).toEqual({ rows: 2, keysCheckedAtEnd: 1 })
        expect(await db('enterprise').whereNotNull('industry_department_id').count('* as n').first()).toMatchObject({ n: '2' })
        expect(await definitions()).toEqual(before)
      } finally {
        await owner.destroy()
        await db.raw('ALTER TABLE enterprise OWNER TO CURRENT_USER')
        await db.raw(`REVOKE SET ON PARAMETER session_replication_role FROM ${role}`)
        await db.raw(`DROP OWNED BY ${role}`)
        await db.raw(`DROP ROLE ${role}`)
      }
    },
  )

  it('leaves an empty table with its indexes when the first load is rejected', async () => {
    const report = await importCsv([row(1), `${uscc(2)},,零售业,123.41,41.79`])
    expect(report).toMatchObject({ rejected: true, stored: false, invalid: 1 })
    expect(await definitions()).toEqual(before)
    expect(Number((await db('enterprise').count('* as n').first())!.n)).toBe(0)
  })

  it('takes the ordinary way for a dry run, which must not lock the table it only validates against', async () => {
    const report = await importCsv(
      [1, 2, 3].map((n) => row(n)),
      'all',
      true,
    )
    expect(report).toMatchObject({ dryRun: true, stored: false, valid: 3 })
    expect(firstLoadNote(report)).toBeUndefined()
    expect(Number((await db('enterprise').count('* as n').first())!.n)).toBe(0)
    expect(await definitions()).toEqual(before)
  })

  it.skipIf(!inject('serverUrl'))('goes the ordinary way when someone is reading the empty table, without waiting for them', async () => {
    const reader = new pg.Client({ connectionString: scratch.url })
    await reader.connect()
    try {
      await reader.query('BEGIN')
      await reader.query('SELECT count(*) FROM enterprise')
      const report = await importCsv([row(5)])
      expect(report).toMatchObject({ stored: true, created: 1 })
      expect(firstLoadNote(report)).toBeUndefined()
    } finally {
      await reader.query('ROLLBACK')
      await reader.end()
    }
    expect(await definitions()).toEqual(before)
  })
})
