import type { Knex } from 'knex'

// Who did it is an account (docs/security.md "Duties"): the reporter, rectifier and verifier of a
// hidden danger or a violation, and the author and publisher of a double-random plan, are user ids
// taken from the session; the text columns beside them keep the account's display name for reading.
// The CHECKs keep one account from verifying what it reported or rectified, and from publishing the
// plan it drew. Rows from before (demo data, imports) have no account and keep their names only.

export async function up(knex: Knex): Promise<void> {
  // The old CHECKs compared names (verified_by <> reported_by): two people may share a name, and one
  // account could verify under another. They now hold only for rows whose reporter has no account.
  await knex.raw(`
    DO $$
    DECLARE c record;
    BEGIN
      FOR c IN SELECT conrelid::regclass::text AS tbl, conname FROM pg_constraint
                WHERE contype = 'c' AND conrelid IN ('hidden_danger'::regclass, 'violation'::regclass)
                  AND pg_get_constraintdef(oid) LIKE '%verified_by <> reported_by%'
      LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', c.tbl, c.conname);
      END LOOP;
    END $$;
  `)
  await knex.raw(`
    ALTER TABLE hidden_danger
      ADD COLUMN reported_by_user_id  integer REFERENCES app_user(id),
      ADD COLUMN rectified_by_user_id integer REFERENCES app_user(id),
      ADD COLUMN verified_by_user_id  integer REFERENCES app_user(id),
      ADD CONSTRAINT hidden_danger_verifier_named CHECK (reported_by_user_id IS NOT NULL OR verified_by IS NULL OR verified_by <> reported_by),
      ADD CONSTRAINT hidden_danger_verifier_differs CHECK (
        verified_by_user_id IS NULL
        OR (verified_by_user_id IS DISTINCT FROM reported_by_user_id AND verified_by_user_id IS DISTINCT FROM rectified_by_user_id));

    ALTER TABLE violation
      ADD COLUMN reported_by_user_id  integer REFERENCES app_user(id),
      ADD COLUMN rectified_by_user_id integer REFERENCES app_user(id),
      ADD COLUMN verified_by_user_id  integer REFERENCES app_user(id),
      ADD CONSTRAINT violation_verifier_named CHECK (reported_by_user_id IS NOT NULL OR verified_by IS NULL OR verified_by <> reported_by),
      ADD CONSTRAINT violation_verifier_differs CHECK (
        verified_by_user_id IS NULL
        OR (verified_by_user_id IS DISTINCT FROM reported_by_user_id AND verified_by_user_id IS DISTINCT FROM rectified_by_user_id));

    ALTER TABLE inspection_plan
      ADD COLUMN created_by_user_id   integer REFERENCES app_user(id),
      ADD COLUMN published_by_user_id integer REFERENCES app_user(id),
      ADD COLUMN seed_source text NOT NULL DEFAULT 'generated' CHECK (seed_source IN ('generated', 'replayed')),
      ADD CONSTRAINT inspection_plan_four_eyes CHECK (published_by_user_id IS NULL OR published_by_user_id IS DISTINCT FROM created_by_user_id);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE inspection_plan DROP CONSTRAINT IF EXISTS inspection_plan_four_eyes,
      DROP COLUMN IF EXISTS seed_source, DROP COLUMN IF EXISTS published_by_user_id, DROP COLUMN IF EXISTS created_by_user_id;
    ALTER TABLE violation DROP CONSTRAINT IF EXISTS violation_verifier_differs, DROP CONSTRAINT IF EXISTS violation_verifier_named,
      DROP COLUMN IF EXISTS verified_by_user_id, DROP COLUMN IF EXISTS rectified_by_user_id, DROP COLUMN IF EXISTS reported_by_user_id;
    ALTER TABLE hidden_danger DROP CONSTRAINT IF EXISTS hidden_danger_verifier_differs, DROP CONSTRAINT IF EXISTS hidden_danger_verifier_named,
      DROP COLUMN IF EXISTS verified_by_user_id, DROP COLUMN IF EXISTS rectified_by_user_id, DROP COLUMN IF EXISTS reported_by_user_id;
    ALTER TABLE hidden_danger ADD CHECK (verified_by IS NULL OR verified_by <> reported_by);
    ALTER TABLE violation ADD CHECK (verified_by IS NULL OR verified_by <> reported_by);
  `)
}
