import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { Knex } from 'knex'
import { createKnex } from '../../server/db/knex'
import { MIGRATIONS, migrateDownAll, migrateLatest, migrationStatus, type Migration } from '../../server/db/migrate'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'

let scratch: ScratchDatabase
let db: Knex

async function tables(): Promise<string[]> {
  const { rows } = await db.raw<{ rows: Array<{ tablename: string }> }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'knex_%' AND tablename <> 'spatial_ref_sys' ORDER BY 1",
  )
  return rows.map((r) => r.tablename)
}

const DOMAIN_TABLES = [
  'division',
  'mgmt_grid',
  'department',
  'enterprise',
  'major_hazard',
  'major_hazard_substance',
  'safety_risk',
  'hidden_danger',
  'area_assessment',
  'resource',
  'inspector',
  'inspection_plan',
  'inspection',
  'violation',
  'penalty',
  'credit_event',
  'cell',
  'cell_source',
  'cell_level_history',
  'region_level',
  'grading_run',
  'rule_set',
  'publication',
  'publication_cell',
  'public_report',
  'app_user',
  'audit_log',
]

beforeAll(async () => {
  scratch = await openScratch(inject('serverUrl'), 'riskmap_mig')
  db = createKnex({ url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 60_000 })
  await db.raw('CREATE EXTENSION IF NOT EXISTS postgis')
})
afterAll(async () => {
  await db?.destroy()
  await scratch?.drop()
})

describe('migrations', () => {
  it('go up to the whole domain schema, down to nothing, and up again', async () => {
    expect(await migrateLatest(db)).toEqual(Object.keys(MIGRATIONS))
    expect(await tables()).toEqual(expect.arrayContaining(DOMAIN_TABLES))
    expect((await migrationStatus(db)).pending).toEqual([])

    await migrateDownAll(db)
    expect(await tables()).toEqual([])
    expect((await migrationStatus(db)).pending).toEqual(Object.keys(MIGRATIONS))

    await migrateLatest(db)
    expect(await tables()).toEqual(expect.arrayContaining(DOMAIN_TABLES))
  })

  it('index every geometry column with GiST', async () => {
    const { rows } = await db.raw<{ rows: Array<{ tbl: string; col: string }> }>(`
      SELECT c.relname AS tbl, a.attname AS col
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND t.typname IN ('geometry', 'geography')
        AND a.attname IN ('geom', 'geom_3857', 'geog')
        AND c.relname NOT LIKE 'publication_%' AND c.relname NOT IN ('public_report', 'safety_risk', 'hidden_danger')
        AND NOT EXISTS (
          SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
          WHERE i.indrelid = c.oid AND am.amname = 'gist' AND a.attnum = ANY (i.indkey))`)
    expect(rows).toEqual([])
  })

  it('enforce levels and enums with CHECK constraints', async () => {
    await expect(db.raw("INSERT INTO region_level (region_kind, region_key, level) VALUES ('division', 'x', 5)")).rejects.toThrow(/check constraint/)
    await expect(db.raw("INSERT INTO region_level (region_kind, region_key, level) VALUES ('street', 'x', 1)")).rejects.toThrow(/check constraint/)
    const square = 'ST_Multi(ST_MakeEnvelope(123, 41, 123.1, 41.1, 4326))'
    await expect(db.raw(`INSERT INTO division (code, name, rank, geom) VALUES ('21010', 'x', 'county', ${square})`)).rejects.toThrow(/division_code_check/)
    await db
      .transaction(async (trx) => {
        await trx.raw(`INSERT INTO division (code, name, rank, geom) VALUES ('210102', '和平区', 'county', ${square})`)
        await trx.raw(`INSERT INTO division (code, name, rank, parent_code, geom) VALUES ('210102001', '街道', 'township', '210102', ${square})`)
        await trx.rollback()
      })
      .catch(() => undefined)
  })

  it('leave the schema unchanged when a migration fails half-way', async () => {
    const before = await tables()
    const failing: Record<string, Migration> = {
      ...MIGRATIONS,
      '999_broken': {
        async up(knex) {
          await knex.raw('CREATE TABLE half_written (id int)')
          await knex.raw('ALTER TABLE enterprise ADD COLUMN half_column int')
          await knex.raw('SELECT no_such_function()')
        },
        async down() {},
      },
    }
    await expect(migrateLatest(db, failing)).rejects.toThrow(/no_such_function/)
    expect(await tables()).toEqual(before)
    const { rows } = await db.raw("SELECT 1 FROM information_schema.columns WHERE table_name = 'enterprise' AND column_name = 'half_column'")
    expect(rows).toEqual([])
    expect((await migrationStatus(db)).applied).toEqual(Object.keys(MIGRATIONS))
  })
})
