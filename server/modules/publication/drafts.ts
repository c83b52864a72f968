/**
 * Publication drafts (docs/domain.md §8): publishing takes two people. A planner prepares a draft
 * (a note and the data version it was prepared at); its preview is the live state compared with
 * the latest publication. Another planner or admin approves it (the snapshot is taken then, and
 * only if the data has not moved since the preview) or rejects it, each with a note. The database
 * refuses a decision by the draft's author (a CHECK), so no client can bypass the rule.
 */
import type { Knex } from 'knex'
import type { Db } from '../../db/db'
import type { Draft, DraftPage } from './schemas'

export type DraftStatus = Draft['status']

interface DraftRow {
  id: number
  status: DraftStatus
  note: string | null
  prepared_by: number
  prepared_by_name: string | null
  prepared_at: Date
  data_version: string
  base_publication_id: number | null
  decided_by: number | null
  decided_by_name: string | null
  decided_at: Date | null
  decision_note: string | null
  publication_id: number | null
}

function draftQuery(db: Db): Knex.QueryBuilder {
  return db('publication_draft as d')
    .leftJoin('app_user as p', 'p.id', 'd.prepared_by')
    .leftJoin('app_user as a', 'a.id', 'd.decided_by')
    .select('d.*', 'p.username as prepared_by_name', 'a.username as decided_by_name')
}

function toDraft(r: DraftRow): Draft {
  return {
    id: Number(r.id),
    status: r.status,
    note: r.note,
    preparedBy: Number(r.prepared_by),
    preparedByName: r.prepared_by_name,
    preparedAt: r.prepared_at.toISOString(),
    dataVersion: Number(r.data_version),
    basePublicationId: r.base_publication_id === null ? null : Number(r.base_publication_id),
    decidedBy: r.decided_by === null ? null : Number(r.decided_by),
    decidedByName: r.decided_by_name,
    decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
    decisionNote: r.decision_note,
    publicationId: r.publication_id === null ? null : Number(r.publication_id),
  }
}

export async function currentDataVersion(db: Db): Promise<number> {
  const { rows } = await db.raw<{ rows: Array<{ version: string }> }>('SELECT version FROM data_version')
  return Number(rows[0]?.version ?? 0)
}

export async function insertDraft(
  trx: Knex.Transaction,
  input: { preparedBy: number; note: string | null; basePublicationId: number | null },
): Promise<number> {
  const [row] = await trx('publication_draft')
    .insert({ prepared_by: input.preparedBy, note: input.note, base_publication_id: input.basePublicationId, data_version: await currentDataVersion(trx) })
    .returning('id')
  return Number((row as { id: number }).id)
}

export async function getDraft(db: Db, id: number, options: { forUpdate?: boolean } = {}): Promise<Draft | undefined> {
  if (options.forUpdate) await db('publication_draft').where('id', id).forUpdate().first('id')
  const row = (await draftQuery(db).where('d.id', id).first()) as DraftRow | undefined
  return row ? toDraft(row) : undefined
}

/** Drafts, newest first; pending ones only when `status` says so. */
export async function listDrafts(db: Db, page: { limit: number; offset: number; status?: DraftStatus }): Promise<DraftPage> {
  const filter = (q: Knex.QueryBuilder) => (page.status ? q.where('d.status', page.status) : q)
  const [{ n }] = (await filter(db('publication_draft as d').count('* as n'))) as [{ n: string }]
  const rows = (await filter(draftQuery(db)).orderBy('d.id', 'desc').limit(page.limit).offset(page.offset)) as DraftRow[]
  return { total: Number(n), items: rows.map(toDraft) }
}

export async function decideDraft(
  trx: Knex.Transaction,
  id: number,
  decision: { status: 'approved' | 'rejected'; decidedBy: number; note: string | null; publicationId: number | null },
): Promise<void> {
  await trx('publication_draft').where({ id, status: 'pending' }).update({
    status: decision.status,
    decided_by: decision.decidedBy,
    decided_at: trx.fn.now(),
    decision_note: decision.note,
    publication_id: decision.publicationId,
  })
}
