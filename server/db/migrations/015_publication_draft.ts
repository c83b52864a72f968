import type { Knex } from 'knex'

// Publication drafts (docs/domain.md §8): publishing takes two people. A planner prepares a
// draft, another planner or admin approves or rejects it with a note. The publications themselves
// stay immutable (migration 008); a draft records who prepared it, who decided and the
// publication an approval made. The CHECKs keep the author from deciding their own draft and a
// decision from being half-written.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE publication_draft (
      id                  serial PRIMARY KEY,
      prepared_by         integer NOT NULL REFERENCES app_user(id),
      prepared_at         timestamptz NOT NULL DEFAULT now(),
      note                text CHECK (length(note) <= 500),
      data_version        bigint NOT NULL,
      base_publication_id integer REFERENCES publication(id),
      status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
      decided_by          integer REFERENCES app_user(id),
      decided_at          timestamptz,
      decision_note       text CHECK (length(decision_note) <= 500),
      publication_id      integer UNIQUE REFERENCES publication(id),
      CONSTRAINT publication_draft_four_eyes CHECK (decided_by IS NULL OR decided_by <> prepared_by),
      CONSTRAINT publication_draft_decision CHECK (
        (status = 'pending' AND decided_by IS NULL AND decided_at IS NULL AND publication_id IS NULL)
        OR (status = 'approved' AND decided_by IS NOT NULL AND decided_at IS NOT NULL AND publication_id IS NOT NULL)
        OR (status = 'rejected' AND decided_by IS NOT NULL AND decided_at IS NOT NULL AND publication_id IS NULL))
    );
    CREATE INDEX publication_draft_status_idx ON publication_draft (status, id DESC);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS publication_draft')
}
