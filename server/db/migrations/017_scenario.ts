import type { Knex } from 'knex'

// What-if scenarios (docs/scenarios.md): a named list of hypothetical changes and the result of
// the last computation against the live data (the cells, regions and coverage it would move). The
// live data is never changed by a scenario; `data_version` tells whether the stored result is
// still today's answer. `division_prefix` is the jurisdiction of its author (null: city-wide), the
// scope its readers must cover.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE scenario (
      id              serial PRIMARY KEY,
      name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      description     text CHECK (length(description) <= 2000),
      changes         jsonb NOT NULL CHECK (jsonb_typeof(changes) = 'array'),
      coverage        jsonb NOT NULL,
      created_by      integer NOT NULL REFERENCES app_user(id),
      created_at      timestamptz NOT NULL DEFAULT now(),
      division_prefix text,
      result          jsonb NOT NULL,
      computed_at     timestamptz NOT NULL DEFAULT now(),
      data_version    bigint NOT NULL
    );
    CREATE INDEX scenario_prefix_idx ON scenario (division_prefix, id DESC);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS scenario')
}
