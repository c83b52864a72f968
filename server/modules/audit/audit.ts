import type { Knex } from 'knex'

/** One audited write (docs/domain.md §8: who, when, what, before/after). */
export interface AuditEntry {
  /** What was done, e.g. `created`, `updated`, `deleted`, `verified`. */
  action: string
  /** The kind of record, e.g. `major_hazard`, `hidden_danger`. */
  entity: string
  entityId: string | number | null
  /** The record as it was (null when created); stored as JSON. */
  before: unknown
  /** The record as it is now (null when deleted); stored as JSON. */
  after: unknown
  /** The signed-in user's username; null for the system (CLI, demo load) or a public request. */
  username?: string | null
}

/** An audit_log row as inserted. */
function auditRow(trx: Knex.Transaction, entry: AuditEntry) {
  // Stringified explicitly: the pg driver would turn a top-level array into a PostgreSQL array.
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value))
  return {
    action: entry.action,
    entity: entry.entity,
    entity_id: entry.entityId === null ? null : String(entry.entityId),
    before: json(entry.before),
    after: json(entry.after),
    username: entry.username ?? null,
    user_id: entry.username ? trx.raw('(SELECT id FROM app_user WHERE username = ?)', [entry.username]) : null,
  }
}

/** Writes an audit_log row in the caller's transaction, so the record and its audit commit together. */
export async function recordAudit(trx: Knex.Transaction, entry: AuditEntry): Promise<number> {
  const [row] = await trx('audit_log').insert(auditRow(trx, entry)).returning('id')
  return Number((row as { id: string }).id)
}

/** Writes many audit_log rows (e.g. every record an import batch changed) in a few statements. */
export async function recordAudits(trx: Knex.Transaction, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 500) await trx('audit_log').insert(entries.slice(i, i + 500).map((e) => auditRow(trx, e)))
}
