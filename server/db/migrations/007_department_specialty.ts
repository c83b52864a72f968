import type { Knex } from 'knex'

// A specialist department's field (专业监管: 消防, 特种设备) as a column instead of a word in its name.
// The vocabulary is the codes of SPECIALIST_FIELDS in domain/supervision.ts, which SPECIALIST_NEEDS
// (the industries that need a specialist department) refers to; it is spelled out here because a
// migration must keep meaning what it meant when it ran. A new field needs a new migration.
// An industry department has no field; a specialist one whose name shows none keeps NULL (it covers
// no field) until someone sets it: the API requires it for every department it writes.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE department ADD COLUMN specialty text
      CONSTRAINT department_specialty_check CHECK (specialty IN ('fire', 'special_equipment'))
      CONSTRAINT department_specialty_kind_check CHECK (kind = 'specialist' OR specialty IS NULL);
    -- Backfill with the rule the column replaces: the first field whose keyword the name contains.
    UPDATE department SET specialty = CASE
        WHEN strpos(name, '消防') > 0 THEN 'fire'
        WHEN strpos(name, '特种设备') > 0 THEN 'special_equipment'
      END
     WHERE kind = 'specialist';`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE department DROP COLUMN IF EXISTS specialty')
}
