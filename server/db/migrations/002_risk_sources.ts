import type { Knex } from 'knex'

// What enterprises report and what public-area assessments find (docs/domain.md §3): the grading sources.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE major_hazard (
      id              bigserial PRIMARY KEY,
      enterprise_id   bigint NOT NULL REFERENCES enterprise(id) ON DELETE CASCADE,
      name            text NOT NULL,
      population_500m integer NOT NULL CHECK (population_500m >= 0),
      -- what the enterprise reported, kept next to what we computed (docs/domain.md §3.1: flag mismatches)
      reported_r      double precision CHECK (reported_r >= 0),
      reported_grade  smallint CHECK (reported_grade BETWEEN 1 AND 4),
      s               double precision NOT NULL CHECK (s >= 0),
      r               double precision NOT NULL CHECK (r >= 0),
      alpha           double precision NOT NULL,
      grade           smallint NOT NULL CHECK (grade BETWEEN 1 AND 4),
      level           smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
      grade_mismatch  text,
      impact_radius_m double precision CHECK (impact_radius_m > 0),
      reported_at     date NOT NULL,
      valid_until     date,
      rule_version    text NOT NULL,
      geom            geometry(Point, 4326) NOT NULL,
      geom_3857       geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX major_hazard_enterprise_idx ON major_hazard (enterprise_id);
    CREATE INDEX major_hazard_geom_idx ON major_hazard USING gist (geom);
    CREATE INDEX major_hazard_geom_3857_idx ON major_hazard USING gist (geom_3857);

    CREATE TABLE major_hazard_substance (
      id              bigserial PRIMARY KEY,
      major_hazard_id bigint NOT NULL REFERENCES major_hazard(id) ON DELETE CASCADE,
      name            text NOT NULL,
      cas             text,
      hazard_class    text,
      -- design maximum quantity q and critical quantity Q, tonnes (GB 18218-2018)
      q_t             double precision NOT NULL CHECK (q_t > 0),
      critical_q_t    double precision NOT NULL CHECK (critical_q_t > 0),
      beta            double precision NOT NULL CHECK (beta > 0)
    );
    CREATE INDEX major_hazard_substance_hazard_idx ON major_hazard_substance (major_hazard_id);

    CREATE TABLE safety_risk (
      id              bigserial PRIMARY KEY,
      enterprise_id   bigint NOT NULL REFERENCES enterprise(id) ON DELETE CASCADE,
      name            text NOT NULL,
      description     text,
      method          text NOT NULL CHECK (method IN ('lec', 'matrix', 'stated')),
      lec_l           double precision,
      lec_e           double precision,
      lec_c           double precision,
      matrix_l        smallint CHECK (matrix_l BETWEEN 1 AND 5),
      matrix_s        smallint CHECK (matrix_s BETWEEN 1 AND 5),
      stated_method   text,
      score           double precision,
      level           smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
      impact_radius_m double precision CHECK (impact_radius_m > 0),
      assessed_at     date NOT NULL,
      valid_until     date,
      rule_version    text NOT NULL,
      geom            geometry(Point, 4326) NOT NULL,
      geom_3857       geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now(),
      CHECK (method <> 'lec' OR (lec_l IS NOT NULL AND lec_e IS NOT NULL AND lec_c IS NOT NULL)),
      CHECK (method <> 'matrix' OR (matrix_l IS NOT NULL AND matrix_s IS NOT NULL))
    );
    CREATE INDEX safety_risk_enterprise_idx ON safety_risk (enterprise_id);
    CREATE INDEX safety_risk_geom_idx ON safety_risk USING gist (geom);

    CREATE TABLE hidden_danger (
      id             bigserial PRIMARY KEY,
      enterprise_id  bigint NOT NULL REFERENCES enterprise(id) ON DELETE CASCADE,
      inspection_id  bigint,
      description    text NOT NULL,
      is_major       boolean NOT NULL DEFAULT true,
      found_at       date NOT NULL,
      deadline       date NOT NULL CHECK (deadline >= found_at),
      status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'rectified', 'verified')),
      reported_by    text NOT NULL,
      rectified_at   timestamptz,
      rectified_by   text,
      rectification  text,
      verified_at    timestamptz,
      verified_by    text CHECK (verified_by IS NULL OR verified_by <> reported_by),
      geom           geometry(Point, 4326) NOT NULL,
      geom_3857      geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
      created_at     timestamptz NOT NULL DEFAULT now(),
      updated_at     timestamptz NOT NULL DEFAULT now(),
      CHECK (status = 'open' OR rectified_at IS NOT NULL),
      CHECK (status <> 'verified' OR verified_at IS NOT NULL)
    );
    CREATE INDEX hidden_danger_enterprise_idx ON hidden_danger (enterprise_id);
    CREATE INDEX hidden_danger_open_idx ON hidden_danger (deadline) WHERE status <> 'verified';
    CREATE INDEX hidden_danger_geom_3857_idx ON hidden_danger USING gist (geom_3857);

    CREATE TABLE area_assessment (
      id            bigserial PRIMARY KEY,
      name          text NOT NULL,
      area_kind     text NOT NULL CHECK (area_kind IN ('area', 'corridor')),
      method        text NOT NULL CHECK (method IN ('lec', 'matrix', 'stated')),
      lec_l         double precision,
      lec_e         double precision,
      lec_c         double precision,
      matrix_l      smallint CHECK (matrix_l BETWEEN 1 AND 5),
      matrix_s      smallint CHECK (matrix_s BETWEEN 1 AND 5),
      stated_method text,
      score         double precision,
      level         smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
      assessor      text NOT NULL,
      assessed_at   date NOT NULL,
      valid_until   date,
      rule_version  text NOT NULL,
      division_code text REFERENCES division(code),
      -- a corridor (pipeline, river bank) is a line buffered by buffer_m metres into geom
      source_line   geometry(MultiLineString, 4326),
      buffer_m      double precision CHECK (buffer_m > 0),
      geom          geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
      geom_3857     geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now(),
      CHECK (area_kind <> 'corridor' OR (source_line IS NOT NULL AND buffer_m IS NOT NULL))
    );
    CREATE INDEX area_assessment_geom_idx ON area_assessment USING gist (geom);
    CREATE INDEX area_assessment_geom_3857_idx ON area_assessment USING gist (geom_3857);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE IF EXISTS area_assessment;
    DROP TABLE IF EXISTS hidden_danger;
    DROP TABLE IF EXISTS safety_risk;
    DROP TABLE IF EXISTS major_hazard_substance;
    DROP TABLE IF EXISTS major_hazard;
  `)
}
