import type { Knex } from 'knex'

// Aggregation state (docs/domain.md §4): H3 cells per resolution, their explanation, level history,
// region levels, grading runs and the data version that tile caches are keyed by.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE rule_set (
      version    text PRIMARY KEY,
      rules      jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE grading_run (
      id           bigserial PRIMARY KEY,
      kind         text NOT NULL CHECK (kind IN ('full', 'incremental')),
      status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
      rule_version text NOT NULL REFERENCES rule_set(version),
      h3_res       smallint NOT NULL CHECK (h3_res BETWEEN 0 AND 15),
      started_at   timestamptz NOT NULL DEFAULT now(),
      finished_at  timestamptz,
      counts       jsonb NOT NULL DEFAULT '{}',
      error        text
    );

    -- One row per H3 cell per resolution that has (or had) a source. id is a safe-integer
    -- surrogate for vector-tile feature ids: H3's 64-bit ids do not fit a JavaScript number.
    CREATE TABLE cell (
      id         bigserial PRIMARY KEY,
      h3         text NOT NULL,
      res        smallint NOT NULL CHECK (res BETWEEN 0 AND 15),
      level      smallint NOT NULL CHECK (level BETWEEN 0 AND 4),
      rule       text NOT NULL CHECK (rule IN ('highest', 'accumulation', 'none')),
      stale      boolean NOT NULL DEFAULT false,
      score      double precision NOT NULL DEFAULT 0,
      counts     jsonb NOT NULL DEFAULT '{}',
      geom       geometry(Polygon, 4326) NOT NULL,
      geom_3857  geometry(Polygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (res, h3)
    );
    CREATE INDEX cell_geom_3857_idx ON cell USING gist (geom_3857);
    CREATE INDEX cell_geom_idx ON cell USING gist (geom);

    -- The explanation of a cell at the analysis resolution: every source that influences it.
    CREATE TABLE cell_source (
      h3          text NOT NULL,
      source_kind text NOT NULL CHECK (source_kind IN ('enterprise', 'major_hazard', 'safety_risk', 'hidden_danger', 'area_assessment')),
      source_id   bigint NOT NULL,
      -- the enterprise a point source belongs to (null for area assessments), so an edit can find
      -- every cell its enterprise influenced, including those of a source it just deleted
      enterprise_id bigint,
      level       smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
      distance_m  double precision NOT NULL CHECK (distance_m >= 0),
      radius_m    double precision NOT NULL CHECK (radius_m >= 0),
      stale       boolean NOT NULL DEFAULT false,
      PRIMARY KEY (h3, source_kind, source_id)
    );
    CREATE INDEX cell_source_source_idx ON cell_source (source_kind, source_id);
    CREATE INDEX cell_source_enterprise_idx ON cell_source (enterprise_id) WHERE enterprise_id IS NOT NULL;

    CREATE TABLE cell_level_history (
      id         bigserial PRIMARY KEY,
      h3         text NOT NULL,
      res        smallint NOT NULL,
      changed_at timestamptz NOT NULL DEFAULT now(),
      old_level  smallint NOT NULL CHECK (old_level BETWEEN 0 AND 4),
      new_level  smallint NOT NULL CHECK (new_level BETWEEN 0 AND 4),
      old_stale  boolean NOT NULL,
      new_stale  boolean NOT NULL,
      -- what caused it: { "kind": "hidden_danger", "id": 12, "action": "verified" } or { "run": 3 }
      cause      jsonb NOT NULL,
      run_id     bigint REFERENCES grading_run(id)
    );
    CREATE INDEX cell_level_history_h3_idx ON cell_level_history (h3, changed_at DESC);
    CREATE INDEX cell_level_history_time_idx ON cell_level_history (changed_at);

    CREATE TABLE region_level (
      region_kind text NOT NULL CHECK (region_kind IN ('division', 'mgmt_grid')),
      region_key  text NOT NULL,
      level       smallint NOT NULL CHECK (level BETWEEN 0 AND 4),
      stale       boolean NOT NULL DEFAULT false,
      -- share of the region's area per level: { "0": 0.6, "1": 0.2, "2": 0.1, "3": 0.07, "4": 0.03 }
      shares      jsonb NOT NULL DEFAULT '{}',
      updated_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (region_kind, region_key)
    );

    -- Which analysis cells lie in which region, with the geodesic area of their intersection (m²):
    -- computed once per cell, so a region's level and shares are a cheap join after any edit.
    CREATE TABLE region_cell (
      region_kind text NOT NULL CHECK (region_kind IN ('division', 'mgmt_grid')),
      region_key  text NOT NULL,
      cell_id     bigint NOT NULL REFERENCES cell(id) ON DELETE CASCADE,
      area_m2     double precision NOT NULL CHECK (area_m2 >= 0),
      PRIMARY KEY (region_kind, region_key, cell_id)
    );
    CREATE INDEX region_cell_cell_idx ON region_cell (cell_id);

    -- Bumped by every write and regrade; tile caches and ETags are keyed by it.
    CREATE TABLE data_version (
      id      boolean PRIMARY KEY DEFAULT true CHECK (id),
      version bigint NOT NULL DEFAULT 1
    );
    INSERT INTO data_version DEFAULT VALUES;
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE IF EXISTS data_version;
    DROP TABLE IF EXISTS region_cell;
    DROP TABLE IF EXISTS region_level;
    DROP TABLE IF EXISTS cell_level_history;
    DROP TABLE IF EXISTS cell_source;
    DROP TABLE IF EXISTS cell;
    DROP TABLE IF EXISTS grading_run;
    DROP TABLE IF EXISTS rule_set;
  `)
}
