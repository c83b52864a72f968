import type { Knex } from 'knex'

// An enterprise is known by its USCC or, where the register has none (older registers keyed by the
// business registration number, departments' own numbering), by an external id: one of the two is
// required, each unique (docs/architecture.md §9). Risk records reference either.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE enterprise ALTER COLUMN uscc DROP NOT NULL;
    ALTER TABLE enterprise ADD COLUMN external_id text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100);
    ALTER TABLE enterprise ADD CONSTRAINT enterprise_identified CHECK (uscc IS NOT NULL OR external_id IS NOT NULL);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM enterprise WHERE uscc IS NULL) THEN
        RAISE EXCEPTION 'enterprises without a USCC are stored: give them one (or delete them) before rolling back';
      END IF;
    END $$;
    ALTER TABLE enterprise DROP CONSTRAINT IF EXISTS enterprise_identified;
    ALTER TABLE enterprise DROP COLUMN IF EXISTS external_id;
    ALTER TABLE enterprise ALTER COLUMN uscc SET NOT NULL;
  `)
}
