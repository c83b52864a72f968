import type { Knex } from 'knex'

// Administrative divisions (GB/T 2260), management grids, supervising departments and enterprises.
// Geometry is stored in EPSG:4326; tiles read the generated EPSG:3857 copy so that `&&` uses an index.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE EXTENSION IF NOT EXISTS postgis;

    CREATE TABLE division (
      code        text PRIMARY KEY CHECK (code ~ '^([0-9]{6}|[0-9]{9})$'),
      name        text NOT NULL,
      name_en     text,
      rank        text NOT NULL CHECK (rank IN ('province', 'city', 'county', 'township')),
      parent_code text REFERENCES division(code),
      synthetic   boolean NOT NULL DEFAULT false,
      geom        geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
      geom_3857   geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
      label_point geometry(Point, 4326) GENERATED ALWAYS AS (ST_PointOnSurface(geom)) STORED
    );
    CREATE INDEX division_geom_idx ON division USING gist (geom);
    CREATE INDEX division_geom_3857_idx ON division USING gist (geom_3857);
    CREATE INDEX division_parent_idx ON division (parent_code);

    CREATE TABLE mgmt_grid (
      id            serial PRIMARY KEY,
      code          text NOT NULL UNIQUE,
      name          text NOT NULL,
      division_code text NOT NULL REFERENCES division(code),
      geom          geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
      geom_3857     geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
    );
    CREATE INDEX mgmt_grid_geom_idx ON mgmt_grid USING gist (geom);
    CREATE INDEX mgmt_grid_geom_3857_idx ON mgmt_grid USING gist (geom_3857);

    CREATE TABLE department (
      id            serial PRIMARY KEY,
      name          text NOT NULL,
      kind          text NOT NULL CHECK (kind IN ('industry', 'specialist')),
      division_code text NOT NULL REFERENCES division(code),
      -- industries this department supervises (codes from the rule set's industry vocabulary)
      industries    text[] NOT NULL DEFAULT '{}',
      UNIQUE (division_code, name)
    );

    CREATE TABLE enterprise (
      id                     bigserial PRIMARY KEY,
      uscc                   char(18) NOT NULL UNIQUE,
      name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      industry               text NOT NULL,
      high_hazard            boolean NOT NULL DEFAULT false,
      scale                  text NOT NULL CHECK (scale IN ('large', 'medium', 'small', 'micro')),
      affiliation            text NOT NULL CHECK (affiliation IN ('central', 'province', 'city', 'county', 'township')),
      central_vertical       boolean NOT NULL DEFAULT false,
      is_outlet              boolean NOT NULL DEFAULT false,
      tier                   text CHECK (tier IN ('city', 'county', 'township')),
      tier_source            text NOT NULL DEFAULT 'rule' CHECK (tier_source IN ('rule', 'explicit')),
      tier_reason            text,
      division_code          text NOT NULL REFERENCES division(code),
      mgmt_grid_id           integer REFERENCES mgmt_grid(id),
      address                text,
      industry_department_id integer REFERENCES department(id),
      responsible_person     text,
      responsible_phone      text,
      credit_status          text NOT NULL DEFAULT 'good' CHECK (credit_status IN ('good', 'warned', 'blacklisted')),
      -- last risk report filed by the enterprise and when the next one is due (docs/domain.md §4.3 staleness)
      last_reported_at       date,
      report_due_at          date,
      level                  smallint NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 4),
      inherent_level         smallint NOT NULL DEFAULT 0 CHECK (inherent_level BETWEEN 0 AND 4),
      level_reason           jsonb,
      impact_radius_m        double precision CHECK (impact_radius_m > 0),
      synthetic              boolean NOT NULL DEFAULT false,
      geom                   geometry(Point, 4326) NOT NULL,
      geom_3857              geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
      created_at             timestamptz NOT NULL DEFAULT now(),
      updated_at             timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX enterprise_geom_idx ON enterprise USING gist (geom);
    CREATE INDEX enterprise_geom_3857_idx ON enterprise USING gist (geom_3857);
    CREATE INDEX enterprise_division_idx ON enterprise (division_code text_pattern_ops);
    CREATE INDEX enterprise_grid_idx ON enterprise (mgmt_grid_id);
    CREATE INDEX enterprise_name_idx ON enterprise (name);

    CREATE TABLE enterprise_specialist_department (
      enterprise_id bigint NOT NULL REFERENCES enterprise(id) ON DELETE CASCADE,
      department_id integer NOT NULL REFERENCES department(id),
      PRIMARY KEY (enterprise_id, department_id)
    );
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE IF EXISTS enterprise_specialist_department;
    DROP TABLE IF EXISTS enterprise;
    DROP TABLE IF EXISTS department;
    DROP TABLE IF EXISTS mgmt_grid;
    DROP TABLE IF EXISTS division;
  `)
}
