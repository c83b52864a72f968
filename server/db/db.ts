/**
 * The database layer every repository shares (docs/architecture.md "Layers"): the handle type, row
 * locks, the database clock, the mapping of a unique-key violation, and the small column helpers.
 */
import type { Knex } from 'knex'
import { conflict, notFound } from '../errors'

/** A connection or a transaction: every repository function takes one. */
export type Db = Knex | Knex.Transaction

/**
 * Locks a row for the rest of the transaction (`SELECT … FOR UPDATE`: concurrent changes of one
 * record run one after the other); 404 naming `label` (default: the table name in words) when missing.
 * `table` is an allowlisted table name chosen by the caller, never request text.
 */
export async function lockRow(trx: Knex.Transaction, table: string, id: number, label = table.replace(/_/g, ' ')): Promise<void> {
  const row = await trx(table).where({ id }).forUpdate().first('id')
  if (!row) throw notFound(label, id)
}

/** Maps a unique-key violation of PostgreSQL (23505) to a 409 naming the field; rethrows anything else. */
export function uniqueConflict(err: unknown, field: string, message: string): never {
  if ((err as { code?: string }).code === '23505') throw conflict(message, [{ field, message }])
  throw err
}

/** The database's current date, YYYY-MM-DD (the same clock as `current_date` in overdue queries). */
export async function databaseToday(db: Db): Promise<string> {
  const { rows } = await db.raw<{ rows: Array<{ today: string }> }>("SELECT to_char(current_date, 'YYYY-MM-DD') AS today")
  return rows[0]!.today
}

/** A WGS 84 point (EPSG:4326) for a geometry column, with bound coordinates. */
export function pointSql(db: Db, lon: number, lat: number): Knex.Raw {
  return db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [lon, lat])
}

/** `YYYY-MM-DD` of a date column, formatted by PostgreSQL so no time zone shifts it. */
export function dateColumn(db: Db, column: string, alias: string): Knex.Raw {
  return db.raw(`to_char(??, 'YYYY-MM-DD') AS ??`, [column, alias])
}

/** ISO 8601 text of a timestamp, or null. */
export function isoTime(value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : null
}

/** A user-id column (integer, null on rows from before accounts). */
export function userId(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value)
}

/**
 * One page of a filtered query, with the total count; rows ordered by `idColumn` (ascending unless
 * `direction` says), or by an ORDER BY expression given as raw SQL (`direction` then unused).
 * `Row` is the selected row's shape, what `toRecord` reads.
 */
export async function listPage<Rec, Row = Record<string, unknown>>(
  filtered: Knex.QueryBuilder,
  select: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
  idColumn: string | Knex.Raw,
  page: { limit: number; offset: number },
  toRecord: (row: Row) => Rec,
  direction: 'asc' | 'desc' = 'asc',
): Promise<{ total: number; items: Rec[] }> {
  const [{ count }] = await filtered.clone().count<{ count: string }[]>('* as count')
  const selected = select(filtered.clone())
  const ordered = typeof idColumn === 'string' ? selected.orderBy(idColumn, direction) : selected.orderByRaw(idColumn)
  const rows: Row[] = await ordered.limit(page.limit).offset(page.offset)
  return { total: Number(count), items: rows.map(toRecord) }
}
