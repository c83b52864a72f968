import type { Knex } from 'knex'

// Users, sessions and audit (docs/domain.md §8), publications (immutable snapshots) and public reports.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE app_user (
      id              serial PRIMARY KEY,
      username        text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.-]{3,64}$'),
      display_name    text,
      -- scrypt hash in PHC-like form: scrypt$N$r$p$salt$hash
      password_hash   text NOT NULL,
      role            text NOT NULL CHECK (role IN ('admin', 'planner', 'commander', 'inspector', 'grid_worker')),
      department_id   integer REFERENCES department(id),
      division_prefix text CHECK (division_prefix ~ '^[0-9]{2,9}$'),
      mgmt_grid_id    integer REFERENCES mgmt_grid(id),
      disabled        boolean NOT NULL DEFAULT false,
      created_at      timestamptz NOT NULL DEFAULT now(),
      CHECK (role <> 'inspector' OR (department_id IS NOT NULL AND division_prefix IS NOT NULL)),
      CHECK (role <> 'grid_worker' OR mgmt_grid_id IS NOT NULL)
    );

    CREATE TABLE user_session (
      token_hash text PRIMARY KEY,
      user_id    integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX user_session_user_idx ON user_session (user_id);

    CREATE TABLE audit_log (
      id        bigserial PRIMARY KEY,
      at        timestamptz NOT NULL DEFAULT now(),
      user_id   integer REFERENCES app_user(id),
      username  text,
      action    text NOT NULL,
      entity    text NOT NULL,
      entity_id text,
      before    jsonb,
      after     jsonb
    );
    CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
    CREATE INDEX audit_log_at_idx ON audit_log (at DESC);

    CREATE TABLE publication (
      id           serial PRIMARY KEY,
      created_at   timestamptz NOT NULL DEFAULT now(),
      approved_by  integer NOT NULL REFERENCES app_user(id),
      note         text,
      h3_res       smallint NOT NULL,
      rule_version text NOT NULL,
      data_version bigint NOT NULL
    );

    CREATE TABLE publication_cell (
      publication_id integer NOT NULL REFERENCES publication(id),
      id             bigint NOT NULL,
      h3             text NOT NULL,
      res            smallint NOT NULL,
      level          smallint NOT NULL CHECK (level BETWEEN 0 AND 4),
      stale          boolean NOT NULL,
      geom           geometry(Polygon, 4326) NOT NULL,
      geom_3857      geometry(Polygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
      PRIMARY KEY (publication_id, res, h3)
    );
    CREATE INDEX publication_cell_geom_3857_idx ON publication_cell USING gist (geom_3857);

    CREATE TABLE publication_region (
      publication_id integer NOT NULL REFERENCES publication(id),
      region_kind    text NOT NULL,
      region_key     text NOT NULL,
      name           text NOT NULL,
      level          smallint NOT NULL CHECK (level BETWEEN 0 AND 4),
      shares         jsonb NOT NULL,
      PRIMARY KEY (publication_id, region_kind, region_key)
    );

    CREATE TABLE publication_area (
      publication_id integer NOT NULL REFERENCES publication(id),
      area_id        bigint NOT NULL,
      name           text NOT NULL,
      level          smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
      geom           geometry(MultiPolygon, 4326) NOT NULL,
      geom_3857      geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
      PRIMARY KEY (publication_id, area_id)
    );

    CREATE TABLE public_report (
      id            bigserial PRIMARY KEY,
      tracking_code text NOT NULL UNIQUE,
      source        text NOT NULL DEFAULT 'public' CHECK (source IN ('public', 'grid_worker')),
      category      text NOT NULL,
      description   text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
      contact       text CHECK (length(contact) <= 200),
      status        text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'triaged', 'assigned', 'closed', 'rejected')),
      mgmt_grid_id  integer REFERENCES mgmt_grid(id),
      department_id integer REFERENCES department(id),
      filed_by      integer REFERENCES app_user(id),
      inspection_id bigint REFERENCES inspection(id),
      deadline_at   timestamptz NOT NULL,
      resolution    text,
      geom          geometry(Point, 4326) NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX public_report_open_idx ON public_report (deadline_at) WHERE status NOT IN ('closed', 'rejected');
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE IF EXISTS public_report;
    DROP TABLE IF EXISTS publication_area;
    DROP TABLE IF EXISTS publication_region;
    DROP TABLE IF EXISTS publication_cell;
    DROP TABLE IF EXISTS publication;
    DROP TABLE IF EXISTS audit_log;
    DROP TABLE IF EXISTS user_session;
    DROP TABLE IF EXISTS app_user;
  `)
}
