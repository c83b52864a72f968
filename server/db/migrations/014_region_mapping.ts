import type { Knex } from 'knex'

// Which region geometry the cell → region mapping (region_cell) was computed from: a fingerprint of
// every division and management-grid polygon, and the analysis resolution. A full regrade whose
// regions are unchanged maps only the cells it created instead of remapping every cell.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE region_mapping (
      singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      res         smallint NOT NULL CHECK (res BETWEEN 0 AND 15),
      fingerprint text NOT NULL,
      mapped_at   timestamptz NOT NULL DEFAULT now()
    );
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS region_mapping')
}
