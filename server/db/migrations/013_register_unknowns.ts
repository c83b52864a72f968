import type { Knex } from 'knex'

// Registers as they are (docs/domain.md §5): an enterprise needs a name, a USCC and a location;
// its industry, scale and affiliation may be unknown (NULL, never guessed). Its tier is then NULL
// with a reason starting "undetermined:" unless the rule gives the same tier whatever they are.
// `industry_source` keeps the industry as the register wrote it (a GB/T 4754 code or name, or text
// the classification does not know); `industry_class` the GB/T 4754 code it resolved to (e.g. C26).
// `located_by` says whether the point is the enterprise's own ('point') or stands for the division
// its address names ('division', an approximate location).

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE enterprise ALTER COLUMN industry DROP NOT NULL;
    ALTER TABLE enterprise ALTER COLUMN scale DROP NOT NULL;
    ALTER TABLE enterprise ALTER COLUMN affiliation DROP NOT NULL;
    ALTER TABLE enterprise ADD COLUMN industry_source text CHECK (length(industry_source) <= 200);
    ALTER TABLE enterprise ADD COLUMN industry_class text CHECK (industry_class ~ '^[A-T]([0-9]{2,4}){0,1}$');
    ALTER TABLE enterprise ADD COLUMN located_by text NOT NULL DEFAULT 'point' CHECK (located_by IN ('point', 'division'));`)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE enterprise DROP COLUMN IF EXISTS located_by;
    ALTER TABLE enterprise DROP COLUMN IF EXISTS industry_class;
    ALTER TABLE enterprise DROP COLUMN IF EXISTS industry_source;
    UPDATE enterprise SET industry = 'other' WHERE industry IS NULL;
    UPDATE enterprise SET scale = 'micro' WHERE scale IS NULL;
    UPDATE enterprise SET affiliation = 'township' WHERE affiliation IS NULL;
    ALTER TABLE enterprise ALTER COLUMN industry SET NOT NULL;
    ALTER TABLE enterprise ALTER COLUMN scale SET NOT NULL;
    ALTER TABLE enterprise ALTER COLUMN affiliation SET NOT NULL;`)
}
