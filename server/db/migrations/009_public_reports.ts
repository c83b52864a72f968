import type { Knex } from 'knex'

// Public and grid-worker reports (docs/domain.md §8): the division the point lies in (jurisdiction and
// routing also for points outside every management grid), an address as typed, a staff-only
// note, a hashed client address (to spot floods; never shown publicly) and when it was closed.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE public_report
      ADD COLUMN division_code text REFERENCES division(code),
      ADD COLUMN address       text CHECK (length(address) <= 200),
      ADD COLUMN staff_note    text CHECK (length(staff_note) <= 2000),
      ADD COLUMN client_hash   text,
      ADD COLUMN closed_at     timestamptz,
      ADD CONSTRAINT public_report_resolution_length CHECK (length(resolution) <= 2000),
      ADD CONSTRAINT public_report_final_resolution CHECK (status NOT IN ('closed', 'rejected') OR resolution IS NOT NULL),
      ADD CONSTRAINT public_report_grid_worker_filer CHECK (source <> 'grid_worker' OR filed_by IS NOT NULL);
    CREATE INDEX public_report_division_idx ON public_report (division_code text_pattern_ops);
    CREATE INDEX public_report_status_idx ON public_report (status, created_at DESC);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX IF EXISTS public_report_status_idx;
    DROP INDEX IF EXISTS public_report_division_idx;
    ALTER TABLE public_report
      DROP CONSTRAINT IF EXISTS public_report_grid_worker_filer,
      DROP CONSTRAINT IF EXISTS public_report_final_resolution,
      DROP CONSTRAINT IF EXISTS public_report_resolution_length,
      DROP COLUMN IF EXISTS closed_at,
      DROP COLUMN IF EXISTS client_hash,
      DROP COLUMN IF EXISTS staff_note,
      DROP COLUMN IF EXISTS address,
      DROP COLUMN IF EXISTS division_code;
  `)
}
