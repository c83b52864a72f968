import type { Knex } from 'knex'
import { listPage, type Db } from '../../db/db'

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

/** What the audit log may be filtered by: exact record kind, id, user and action; a time range [from, to). */
export interface AuditFilter {
  entity?: string
  entityId?: string
  username?: string
  action?: string
  /** ISO 8601 instants. */
  from?: string
  to?: string
}

/** A page of audited writes, newest first, and how many match in all. */
export async function listAudit(db: Db, filter: AuditFilter, page: { limit: number; offset: number }) {
  const filtered = db('audit_log').modify((query) => {
    if (filter.entity) query.where('entity', filter.entity)
    if (filter.entityId) query.where('entity_id', filter.entityId)
    if (filter.username) query.where('username', filter.username)
    if (filter.action) query.where('action', filter.action)
    if (filter.from) query.where('at', '>=', filter.from)
    if (filter.to) query.where('at', '<', filter.to)
  })
  const columns = ['id', 'at', 'username', 'action', 'entity', 'entity_id', 'before', 'after']
  return listPage(filtered, (q) => q.select(columns), 'id', page, toEntry, 'desc')
}

/** An audit_log row as the log's API sends it. */
function toEntry(r: Record<string, unknown>) {
  return {
    id: Number(r.id),
    at: new Date(r.at as string).toISOString(),
    username: (r.username as string | null) ?? null,
    action: String(r.action),
    entity: String(r.entity),
    entityId: (r.entity_id as string | null) ?? null,
    before: r.before,
    after: r.after,
  }
}
