/**
 * Before/after snapshots of the records an import changes, so that each change is audited like an
 * API write (docs/security.md "Imports and exports"). A snapshot is the stored row without its
 * bookkeeping columns, with its geometry summed up: a point as [lon, lat], a line or area as its
 * type, vertex count, size and a digest (a district's full outline would make the audit log heavy).
 */
import type { Knex } from 'knex'

export type Snapshot = Record<string, unknown>

/** Columns left out of a snapshot: the geometry (summed up instead) and timestamps the write itself sets. */
const LEFT_OUT = "'{geom,source_line,created_at,updated_at,status_updated_at}'::text[]"

/** Child rows kept in the parent's snapshot, e.g. an installation's substances. */
export interface ChildRows {
  /** Member name in the snapshot. */
  name: string
  table: string
  /** The child's column that holds the parent's id. */
  parentColumn: string
  /** Columns the children are sorted by, so that the same set compares equal. */
  orderBy: string[]
}

/**
 * The snapshots of the records of `table` whose `key` column is in `values`, by key (ids as numbers).
 * Table and column names come from the import kinds, never from a file.
 */
export async function recordSnapshots(
  trx: Knex.Transaction,
  table: string,
  key: 'id' | 'code',
  values: Array<string | number>,
  children?: ChildRows,
): Promise<Map<string | number, Snapshot>> {
  if (values.length === 0) return new Map()
  const childSql = children
    ? `, (SELECT coalesce(jsonb_agg(to_jsonb(c) - ARRAY['id', ?, 'created_at'] ORDER BY ${children.orderBy.map(() => '??').join(', ')}), '[]'::jsonb)
          FROM ?? AS c WHERE ?? = t.id) AS children`
    : ''
  const childBindings = children ? [children.parentColumn, ...children.orderBy.map((c) => `c.${c}`), children.table, `c.${children.parentColumn}`] : []
  const { rows } = await trx.raw<{ rows: Array<{ key: string | number; data: Snapshot; geometry: unknown; children?: unknown }> }>(
    `SELECT t.?? AS key, to_jsonb(t) - ${LEFT_OUT} AS data,
            CASE WHEN t.geom IS NULL THEN NULL
                 WHEN GeometryType(t.geom) = 'POINT' THEN jsonb_build_array(round(ST_X(t.geom)::numeric, 7), round(ST_Y(t.geom)::numeric, 7))
                 ELSE jsonb_build_object('type', GeometryType(t.geom), 'vertices', ST_NPoints(t.geom),
                   'areaM2', round(ST_Area(t.geom::geography)), 'lengthM', round(ST_Length(t.geom::geography)), 'digest', md5(ST_AsEWKB(t.geom)))
            END AS geometry${childSql}
     FROM ?? AS t WHERE t.?? = ANY(ARRAY(SELECT jsonb_array_elements_text(?::jsonb))::${key === 'id' ? 'bigint[]' : 'text[]'})`,
    [key, ...childBindings, table, key, JSON.stringify(values)],
  )
  const out = new Map<string | number, Snapshot>()
  for (const r of rows) {
    const k = key === 'id' ? Number(r.key) : String(r.key)
    const snapshot: Snapshot = { ...r.data, geometry: r.geometry }
    if (key === 'id') snapshot.id = k
    if (children) snapshot[children.name] = r.children
    out.set(k, snapshot)
  }
  return out
}

/** The records whose snapshot differs before and after a write: the changes to audit. */
export function changedRecords(
  entity: string,
  before: Map<string | number, Snapshot>,
  after: Map<string | number, Snapshot>,
): Array<{ entity: string; id: string | number; before: Snapshot; after: Snapshot }> {
  const out: Array<{ entity: string; id: string | number; before: Snapshot; after: Snapshot }> = []
  for (const [id, was] of before) {
    const is = after.get(id)
    if (is !== undefined && JSON.stringify(was) !== JSON.stringify(is)) out.push({ entity, id, before: was, after: is })
  }
  return out
}
