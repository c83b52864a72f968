import type { Knex } from 'knex'
import * as m001 from './migrations/001_regions_enterprises'
import * as m002 from './migrations/002_risk_sources'
import * as m003 from './migrations/003_resources_enforcement'
import * as m004 from './migrations/004_grading'
import * as m005 from './migrations/005_access_publication'
import * as m006 from './migrations/006_import_external_ids'
import * as m007 from './migrations/007_department_specialty'
import * as m008 from './migrations/008_publication_immutable'
import * as m009 from './migrations/009_public_reports'
import * as m010 from './migrations/010_api_tokens'
import * as m011 from './migrations/011_region_grade'
import * as m012 from './migrations/012_road_network'
import * as m013 from './migrations/013_register_unknowns'
import * as m014 from './migrations/014_region_mapping'
import * as m015 from './migrations/015_publication_draft'
import * as m016 from './migrations/016_accountable_duties'
import * as m017 from './migrations/017_scenario'
import * as m018 from './migrations/018_enterprise_external_id'

export interface Migration {
  up(knex: Knex): Promise<void>
  down(knex: Knex): Promise<void>
}

/** Every migration in order. Listed explicitly so they load the same under tsx, vitest and a bundle. */
export const MIGRATIONS: Record<string, Migration> = {
  '001_regions_enterprises': m001,
  '002_risk_sources': m002,
  '003_resources_enforcement': m003,
  '004_grading': m004,
  '005_access_publication': m005,
  '006_import_external_ids': m006,
  '007_department_specialty': m007,
  '008_publication_immutable': m008,
  '009_public_reports': m009,
  '010_api_tokens': m010,
  '011_region_grade': m011,
  '012_road_network': m012,
  '013_register_unknowns': m013,
  '014_region_mapping': m014,
  '015_publication_draft': m015,
  '016_accountable_duties': m016,
  '017_scenario': m017,
  '018_enterprise_external_id': m018,
}

/** A knex migration source over an in-memory list of migrations. */
export function migrationSource(migrations: Record<string, Migration> = MIGRATIONS): Knex.MigrationSource<string> {
  return {
    getMigrations: async () => Object.keys(migrations),
    getMigrationName: (name) => name,
    getMigration: async (name) => migrations[name]!,
  }
}

/**
 * Applies pending migrations. Each runs in its own transaction, so a failing one leaves the
 * schema as the previous one left it (PostgreSQL DDL is transactional).
 */
export async function migrateLatest(db: Knex, migrations?: Record<string, Migration>): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource: migrationSource(migrations) })) as [number, string[]]
  return applied
}

export async function migrateDownAll(db: Knex, migrations?: Record<string, Migration>): Promise<void> {
  await db.migrate.rollback({ migrationSource: migrationSource(migrations) }, true)
}

/** Names of applied migrations and pending ones: readiness means no pending migration. */
export async function migrationStatus(db: Knex): Promise<{ applied: string[]; pending: string[] }> {
  const [applied, pending] = (await db.migrate.list({ migrationSource: migrationSource() })) as [Array<{ name: string } | string>, string[]]
  return { applied: applied.map((m) => (typeof m === 'string' ? m : m.name)), pending: pending.map(String) }
}
