import type { Knex } from 'knex'

// Identifiers that records carry in the files they were imported from (docs/architecture.md §9): re-importing
// the same file updates these records instead of duplicating them. Enterprises are keyed by their
// USCC, divisions and management grids by their codes, so they need no such column.

const TABLES = ['major_hazard', 'safety_risk', 'hidden_danger', 'area_assessment', 'resource'] as const

export async function up(knex: Knex): Promise<void> {
  // One statement batch: the embedded database pays per round trip.
  await knex.raw(
    TABLES.map(
      (t) => `
    ALTER TABLE ${t} ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 100);
    CREATE UNIQUE INDEX ${t}_external_id_idx ON ${t} (external_id) WHERE external_id IS NOT NULL;`,
    ).join(''),
  )
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    TABLES.map(
      (t) => `
    DROP INDEX IF EXISTS ${t}_external_id_idx;
    ALTER TABLE ${t} DROP COLUMN IF EXISTS external_id;`,
    ).join(''),
  )
}
