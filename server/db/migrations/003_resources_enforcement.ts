import type { Knex } from 'knex'

// Emergency resources (docs/domain.md §6) and supervision/enforcement records (docs/domain.md §5, §7).

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE resource (
      id                bigserial PRIMARY KEY,
      kind              text NOT NULL CHECK (kind IN ('rescue_team', 'equipment', 'depot', 'shelter', 'expert')),
      name              text NOT NULL,
      organisation      text,
      duty_phone        text,
      contact           text,
      status            text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'deployed', 'out_of_service')),
      status_updated_at timestamptz NOT NULL DEFAULT now(),
      -- capability vocabulary: hazmat, fire, mine, water, medical, structural_collapse, ...
      capabilities      text[] NOT NULL DEFAULT '{}',
      team_type         text,
      headcount         integer CHECK (headcount >= 0),
      equipment_type    text,
      quantity          integer CHECK (quantity >= 0),
      -- depot stock: [{ "item": "沙袋", "quantity": 5000, "unit": "个" }]
      items             jsonb NOT NULL DEFAULT '[]',
      capacity          integer CHECK (capacity >= 0),
      expert_field      text,
      division_code     text REFERENCES division(code),
      synthetic         boolean NOT NULL DEFAULT false,
      geom              geometry(Point, 4326) NOT NULL,
      geom_3857         geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
      -- geography copy for KNN (<->) and exact spheroid distance in the nearest query
      geog              geography(Point, 4326) GENERATED ALWAYS AS (geom::geography) STORED,
      created_at        timestamptz NOT NULL DEFAULT now(),
      updated_at        timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX resource_geom_idx ON resource USING gist (geom);
    CREATE INDEX resource_geom_3857_idx ON resource USING gist (geom_3857);
    CREATE INDEX resource_geog_idx ON resource USING gist (geog);
    CREATE INDEX resource_kind_idx ON resource (kind);
    CREATE INDEX resource_capabilities_idx ON resource USING gin (capabilities);

    CREATE TABLE inspector (
      id            serial PRIMARY KEY,
      department_id integer NOT NULL REFERENCES department(id),
      name          text NOT NULL,
      badge_no      text NOT NULL UNIQUE,
      active        boolean NOT NULL DEFAULT true
    );

    CREATE TABLE inspection_plan (
      id              serial PRIMARY KEY,
      department_id   integer NOT NULL REFERENCES department(id),
      division_prefix text NOT NULL CHECK (division_prefix ~ '^[0-9]{2,9}$'),
      period_start    date NOT NULL,
      period_end      date NOT NULL CHECK (period_end > period_start),
      -- the random seed, stored so the draw can be reproduced and audited
      seed            text NOT NULL,
      rule_version    text NOT NULL,
      published_at    timestamptz,
      results_published_at timestamptz,
      created_by      text NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE inspection (
      id            bigserial PRIMARY KEY,
      enterprise_id bigint NOT NULL REFERENCES enterprise(id) ON DELETE CASCADE,
      plan_id       integer REFERENCES inspection_plan(id),
      planned_for   date,
      inspected_at  date,
      findings      text,
      result        text CHECK (result IN ('compliant', 'violations_found', 'not_found', 'closed')),
      created_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX inspection_enterprise_idx ON inspection (enterprise_id, inspected_at DESC);

    CREATE TABLE inspection_inspector (
      inspection_id bigint NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
      inspector_id  integer NOT NULL REFERENCES inspector(id),
      PRIMARY KEY (inspection_id, inspector_id)
    );

    ALTER TABLE hidden_danger ADD CONSTRAINT hidden_danger_inspection_fk
      FOREIGN KEY (inspection_id) REFERENCES inspection(id) ON DELETE SET NULL;

    CREATE TABLE violation (
      id            bigserial PRIMARY KEY,
      enterprise_id bigint NOT NULL REFERENCES enterprise(id) ON DELETE CASCADE,
      inspection_id bigint REFERENCES inspection(id) ON DELETE SET NULL,
      description   text NOT NULL,
      legal_basis   text,
      found_at      date NOT NULL,
      deadline      date NOT NULL CHECK (deadline >= found_at),
      status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'rectified', 'verified')),
      reported_by   text NOT NULL,
      rectified_at  timestamptz,
      verified_at   timestamptz,
      verified_by   text CHECK (verified_by IS NULL OR verified_by <> reported_by),
      created_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX violation_enterprise_idx ON violation (enterprise_id);
    CREATE INDEX violation_open_idx ON violation (deadline) WHERE status <> 'verified';

    CREATE TABLE penalty (
      id            bigserial PRIMARY KEY,
      enterprise_id bigint NOT NULL REFERENCES enterprise(id) ON DELETE CASCADE,
      violation_id  bigint REFERENCES violation(id) ON DELETE SET NULL,
      decision_no   text NOT NULL UNIQUE,
      amount_yuan   numeric(14, 2) NOT NULL CHECK (amount_yuan >= 0),
      decided_at    date NOT NULL,
      description   text,
      published     boolean NOT NULL DEFAULT false,
      created_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX penalty_enterprise_idx ON penalty (enterprise_id);

    CREATE TABLE credit_event (
      id            bigserial PRIMARY KEY,
      enterprise_id bigint NOT NULL REFERENCES enterprise(id) ON DELETE CASCADE,
      status        text NOT NULL CHECK (status IN ('good', 'warned', 'blacklisted')),
      reason        text NOT NULL,
      starts_on     date NOT NULL,
      ends_on       date CHECK (ends_on IS NULL OR ends_on >= starts_on),
      created_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX credit_event_enterprise_idx ON credit_event (enterprise_id, starts_on DESC);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE IF EXISTS credit_event;
    DROP TABLE IF EXISTS penalty;
    DROP TABLE IF EXISTS violation;
    ALTER TABLE hidden_danger DROP CONSTRAINT IF EXISTS hidden_danger_inspection_fk;
    DROP TABLE IF EXISTS inspection_inspector;
    DROP TABLE IF EXISTS inspection;
    DROP TABLE IF EXISTS inspection_plan;
    DROP TABLE IF EXISTS inspector;
    DROP TABLE IF EXISTS resource;
  `)
}
