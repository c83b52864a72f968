import type { Knex } from 'knex'

// Personal API tokens (docs/domain.md §8) for desktop GIS and scripts, which cannot hold the
// browser's session cookie. Only the SHA-256 of the secret is kept; `prefix` (the first characters
// of the secret) lets a user tell their tokens apart. A revoked token stays, for the audit trail.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE api_token (
      id           serial PRIMARY KEY,
      user_id      integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
      name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      token_hash   text NOT NULL UNIQUE,
      prefix       text NOT NULL,
      scope        text NOT NULL CHECK (scope IN ('read', 'write')),
      created_at   timestamptz NOT NULL DEFAULT now(),
      expires_at   timestamptz,
      last_used_at timestamptz,
      revoked_at   timestamptz,
      revoked_by   text,
      CHECK (expires_at IS NULL OR expires_at > created_at)
    );
    CREATE INDEX api_token_user_idx ON api_token (user_id);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS api_token')
}
