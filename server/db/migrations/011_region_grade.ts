import type { Knex } from 'knex'

// Regions graded from the shares of their area (rule version 2026.2, docs/region-grading.md): the
// highest cell level (就高) is kept beside the grade, with the rule version that graded the region.
// Until the next regrade a region keeps its old grade, which was its highest cell level.
// Publications keep what they were made with: their region rows gain a nullable max_level (null in
// snapshots taken before this migration, whose level was the highest cell level, rule 2026.1).
// Adding a column fires no row trigger, so the immutability triggers of migration 008 stay as they are.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE region_level
      ADD COLUMN max_level smallint NOT NULL DEFAULT 0 CHECK (max_level BETWEEN 0 AND 4),
      ADD COLUMN rule_version text;
    UPDATE region_level SET max_level = level, rule_version = '2026.1';
    ALTER TABLE publication_region ADD COLUMN max_level smallint CHECK (max_level BETWEEN 0 AND 4);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE publication_region DROP COLUMN IF EXISTS max_level;
    ALTER TABLE region_level DROP COLUMN IF EXISTS max_level, DROP COLUMN IF EXISTS rule_version;
  `)
}
