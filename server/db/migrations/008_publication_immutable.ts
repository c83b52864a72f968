import type { Knex } from 'knex'

// Publications are immutable (docs/domain.md §8): once approved, a snapshot is what the public was shown,
// so no row of it may change or disappear. Triggers refuse UPDATE, DELETE and TRUNCATE on the four
// publication tables for every client, not only for the API (which has no such route anyway).

const TABLES = ['publication', 'publication_cell', 'publication_region', 'publication_area'] as const

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION publication_immutable() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      RAISE EXCEPTION 'publications are immutable: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
    END
    $fn$;
    ${TABLES.map(
      (t) => `
    CREATE TRIGGER ${t}_immutable BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION publication_immutable();
    CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION publication_immutable();`,
    ).join('')}
    -- Public area tiles select by the indexed 3857 geometry, like every other tile layer.
    CREATE INDEX publication_area_geom_3857_idx ON publication_area USING gist (geom_3857);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX IF EXISTS publication_area_geom_3857_idx;
    ${TABLES.map(
      (t) => `
    DROP TRIGGER IF EXISTS ${t}_immutable ON ${t};
    DROP TRIGGER IF EXISTS ${t}_no_truncate ON ${t};`,
    ).join('')}
    DROP FUNCTION IF EXISTS publication_immutable();
  `)
}
