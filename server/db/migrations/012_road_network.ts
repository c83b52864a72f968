import type { Knex } from 'knex'
import { ROAD_CLASS_DEFAULTS } from '../../domain/roads'

// The road network for travel-time routing (docs/domain.md §6). Edges carry their emergency travel
// time both ways (`cost_s`, `reverse_cost_s`: -1 = not allowed, pgRouting's convention), computed
// from the edge's speed limit or its class default times the class's emergency factor, so both
// routing engines (pgRouting on a real server, the in-process one on the embedded database) read
// the very same numbers. Vertices are the edges' end points, joined when they coincide to 1 cm
// (`key`: the rounded coordinates). `road_network.version` rises with every change, so engines and
// caches know when to reload.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE road_class (
      class             text PRIMARY KEY,
      default_speed_kmh real NOT NULL CHECK (default_speed_kmh > 0 AND default_speed_kmh <= 150),
      emergency_factor  real NOT NULL CHECK (emergency_factor > 0 AND emergency_factor <= 3)
    );
    CREATE TABLE road_vertex (
      id   bigserial PRIMARY KEY,
      key  text NOT NULL UNIQUE,
      geom geometry(Point, 4326) NOT NULL
    );
    CREATE TABLE road_edge (
      id             bigserial PRIMARY KEY,
      source         bigint NOT NULL REFERENCES road_vertex(id),
      target         bigint NOT NULL REFERENCES road_vertex(id),
      road_class     text NOT NULL REFERENCES road_class(class),
      name           text CHECK (length(name) <= 200),
      maxspeed_kmh   real CHECK (maxspeed_kmh > 0 AND maxspeed_kmh <= 150),
      oneway         boolean NOT NULL DEFAULT false,
      length_m       double precision NOT NULL CHECK (length_m >= 0),
      speed_kmh      real NOT NULL CHECK (speed_kmh > 0),
      cost_s         double precision NOT NULL CHECK (cost_s >= 0),
      reverse_cost_s double precision NOT NULL CHECK (reverse_cost_s >= 0 OR reverse_cost_s = -1),
      osm_way_id     bigint,
      synthetic      boolean NOT NULL DEFAULT false,
      geom           geometry(LineString, 4326) NOT NULL
    );
    CREATE INDEX road_edge_geom_idx ON road_edge USING gist (geom);
    CREATE INDEX road_vertex_geom_idx ON road_vertex USING gist (geom);
    CREATE INDEX road_edge_source_idx ON road_edge (source);
    CREATE INDEX road_edge_target_idx ON road_edge (target);
    CREATE TABLE road_network (
      id         smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      version    bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO road_network (id) VALUES (1);
  `)
  await knex('road_class').insert(
    Object.entries(ROAD_CLASS_DEFAULTS).map(([cls, s]) => ({ class: cls, default_speed_kmh: s.defaultSpeedKmh, emergency_factor: s.emergencyFactor })),
  )
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS road_network, road_edge, road_vertex, road_class')
}
