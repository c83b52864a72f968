/**
 * Every write of `enterprise` rows (docs/architecture.md, "Who owns a table"): the enterprises module
 * owns the table, and the modules that change one of its columns call these functions instead of
 * writing it themselves — supervision (tier, supervision attributes, industry department),
 * enforcement (credit status), the grading engine (derived levels) and the importer (register rows).
 * Each takes the caller's transaction (or connection, for the grading engine) and decides nothing:
 * the rules that give the values stay with the caller. Reads stay where they are used.
 */
import type { Knex } from 'knex'
import { copyRows } from '../../db/copy'
import type { Db } from '../../db/db'
import { isEmbedded } from '../../db/knex'
import type { CreditStatus } from '../../domain/enforcement'
import { conflict } from '../../errors'
import type { Level } from '../../domain/levels'
import type { TierSource } from '../../domain/supervision'
import type { Affiliation, EnterpriseScale, SupervisionTier } from '../../domain/tier'

/** The tier columns: the tier, whether the rule or an explicit assignment gave it, and why. */
export interface TierColumns {
  tier: SupervisionTier | null
  source: TierSource
  reason: string | null
}

/** Sets an enterprise's tier (supervision: by rule, by explicit assignment, on a recompute). */
export async function setTier(trx: Knex.Transaction, id: number | string, t: TierColumns): Promise<void> {
  await trx('enterprise').where({ id }).update({ tier: t.tier, tier_source: t.source, tier_reason: t.reason, updated_at: trx.fn.now() })
}

/** The supervision attributes `PUT /api/enterprises/:id/supervision` may change; an absent key is left as it is. */
export interface SupervisionColumns {
  affiliation?: Affiliation
  scale?: EnterpriseScale
  high_hazard?: boolean
  central_vertical?: boolean
  is_outlet?: boolean
  industry_department_id?: number | null
  responsible_person?: string | null
  responsible_phone?: string | null
}

/** Changes an enterprise's supervision attributes; nothing when no column is given. */
export async function updateSupervision(trx: Knex.Transaction, id: number | string, columns: SupervisionColumns): Promise<void> {
  if (Object.keys(columns).length === 0) return
  await trx('enterprise')
    .where({ id })
    .update({ ...columns, updated_at: trx.fn.now() })
}

/**
 * Gives enterprises that have no industry department yet the one chosen for each (supervision's
 * assignDepartments); one already set is never replaced. Returns how many rows changed.
 */
export async function setMissingIndustryDepartments(trx: Knex.Transaction, assignments: ReadonlyArray<{ id: number; departmentId: number }>): Promise<number> {
  if (assignments.length === 0) return 0
  const result = await trx.raw<{ rowCount: number }>(
    `UPDATE enterprise e SET industry_department_id = x.department_id
     FROM jsonb_to_recordset(?::jsonb) AS x(id bigint, department_id bigint)
     WHERE e.id = x.id AND e.industry_department_id IS NULL`,
    [JSON.stringify(assignments.map((a) => ({ id: a.id, department_id: a.departmentId })))],
  )
  return result.rowCount ?? 0
}

/** Sets an enterprise's credit status (enforcement: what its credit events say for today). */
export async function setCreditStatus(trx: Knex.Transaction, id: number, status: CreditStatus): Promise<void> {
  await trx('enterprise').where({ id }).update({ credit_status: status, updated_at: trx.fn.now() })
}

/** Stores enterprise levels and their reasons (the grading engine's derived columns); rows that differ only. */
export async function writeEnterpriseLevels(db: Db, rows: Array<{ id: number; level: Level; inherent: Level; reason: object }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 20_000) {
    await db.raw(
      `UPDATE enterprise e SET level = x.level, inherent_level = x.inherent, level_reason = x.reason
       FROM jsonb_to_recordset(?::jsonb) AS x(id bigint, level smallint, inherent smallint, reason jsonb)
       WHERE e.id = x.id AND (e.level, e.inherent_level, e.level_reason) IS DISTINCT FROM (x.level, x.inherent, x.reason)`,
      [JSON.stringify(rows.slice(i, i + 20_000))],
    )
  }
}

/** The columns a register row (the importer's) sets, with their SQL types; geom comes from lon and lat. */
export const REGISTER_COLUMNS = [
  ['uscc', 'text'],
  ['external_id', 'text'],
  ['name', 'text'],
  ['industry', 'text'],
  ['industry_source', 'text'],
  ['industry_class', 'text'],
  ['high_hazard', 'boolean'],
  ['scale', 'text'],
  ['affiliation', 'text'],
  ['central_vertical', 'boolean'],
  ['is_outlet', 'boolean'],
  ['tier', 'text'],
  ['tier_source', 'text'],
  ['tier_reason', 'text'],
  ['division_code', 'text'],
  ['mgmt_grid_id', 'integer'],
  ['address', 'text'],
  ['responsible_person', 'text'],
  ['responsible_phone', 'text'],
  ['credit_status', 'text'],
  ['last_reported_at', 'date'],
  ['report_due_at', 'date'],
  ['impact_radius_m', 'float8'],
  ['synthetic', 'boolean'],
  ['located_by', 'text'],
] as const satisfies ReadonlyArray<readonly [string, string]>

/**
 * SQL select list (table alias none) of a stored enterprise's register columns as a RegisterRow holds
 * them: the USCC without char padding, dates as YYYY-MM-DD, the point as lon and lat.
 */
export const REGISTER_SELECT = [
  ...REGISTER_COLUMNS.map(([c, type]) => (c === 'uscc' ? 'rtrim(uscc) AS uscc' : type === 'date' ? `to_char(${c}, 'YYYY-MM-DD') AS ${c}` : c)),
  'ST_X(geom) AS lon',
  'ST_Y(geom) AS lat',
].join(', ')

/**
 * Whether writing `row` would leave the stored enterprise (read with REGISTER_SELECT) as it is. Strict:
 * a value of another type counts as a change, so a doubt sends the row to the UPDATE, whose own
 * comparison decides; only rows equal in every column and the point are left out of the write. The
 * point is the same within SAME_POINT_DEG: an export writes 9 decimals (transfer/export.ts), so a
 * register exported and imported again is not moved by a tenth of a millimetre, row by row.
 */
export function unchangedRegisterRow(row: RegisterRow, stored: Readonly<Record<string, unknown>>): boolean {
  for (const [c] of REGISTER_COLUMNS) if (row[c] !== stored[c]) return false
  return samePoint(row.lon, stored.lon) && samePoint(row.lat, stored.lat)
}

/** Degrees within which a register row's coordinate is the stored one (1e-9°: ~0.1 mm). */
const SAME_POINT_DEG = 1e-9
function samePoint(given: number, stored: unknown): boolean {
  return typeof stored === 'number' && Math.abs(given - stored) <= SAME_POINT_DEG
}

/**
 * One register row: every REGISTER_COLUMNS value, the point, and the stored enterprise's id (null: a
 * new one). A new enterprise may come with its industry department (supervision's choice), written
 * with the row; a stored one's is never replaced by a register row.
 */
export type RegisterRow = Record<(typeof REGISTER_COLUMNS)[number][0], unknown> & {
  id: number | null
  lon: number
  lat: number
  industry_department_id?: number | null
}

/** The staging table of a batch on a PostgreSQL server: the transaction's own, dropped at its end. */
const STAGING = 'import_enterprise_batch'
const STAGED_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['id', 'bigint'],
  ...REGISTER_COLUMNS,
  ['industry_department_id', 'integer'],
  ['lon', 'float8'],
  ['lat', 'float8'],
]

/** A value in COPY text format: NULL as \N, booleans as t/f, text with backslash, tab and line breaks escaped. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N'
  if (typeof v === 'boolean') return v ? 't' : 'f'
  if (typeof v === 'number') return String(v)
  const text = String(v)
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : text
}
const COPY_SPECIAL = /[\\\t\n\r]/
const COPY_SPECIALS = /[\\\t\n\r]/g

/**
 * Puts a batch's rows where a statement reads them. On a PostgreSQL server: `COPY … FROM STDIN` into a
 * temporary table (parsing COPY text costs the server a fraction of parsing the same rows as one JSON
 * document); on the embedded database, whose wire front does not speak COPY, the rows travel as one
 * JSON parameter. Either way every value is bound, never pasted into SQL.
 */
async function stage(trx: Knex.Transaction, rows: readonly RegisterRow[]): Promise<{ sql: string; bindings: string[] }> {
  if (isEmbedded(trx)) {
    return { sql: `jsonb_to_recordset(?::jsonb) AS x(${STAGED_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})`, bindings: [JSON.stringify(rows)] }
  }
  await trx.raw(`CREATE TEMP TABLE IF NOT EXISTS ${STAGING} (${STAGED_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')}) ON COMMIT DROP`)
  await trx.raw(`TRUNCATE ${STAGING}`)
  await copyRows(
    trx,
    `COPY ${STAGING} (${STAGED_COLUMNS.map(([c]) => c).join(', ')}) FROM STDIN`,
    rows,
    (r) => `${STAGED_COLUMNS.map(([c]) => copyValue((r as Record<string, unknown>)[c])).join('\t')}\n`,
  )
  return { sql: `${STAGING} AS x`, bindings: [] }
}

/** A new enterprise's line of COPY text: its id, the REGISTER_COLUMNS values, its industry department, the point as EWKT. */
function copyLine(id: number, r: RegisterRow): string {
  let line = `${id}\t`
  for (const [c] of REGISTER_COLUMNS) line += `${copyValue(r[c])}\t`
  return `${line}${copyValue(r.industry_department_id)}\tSRID=4326;POINT(${r.lon} ${r.lat})\n`
}

/**
 * New enterprises straight into the table with `COPY` (on a PostgreSQL server), with the ids drawn for
 * them: no staging table and no INSERT … SELECT stand between the file and the table (the indexes'
 * upkeep is what is left of the cost).
 */
async function copyNewRows(trx: Knex.Transaction, rows: readonly RegisterRow[], ids: readonly number[]): Promise<void> {
  await copyRows(trx, `COPY enterprise (id, ${REGISTER_COLUMNS.map(([c]) => c).join(', ')}, industry_department_id, geom) FROM STDIN`, rows, (r, i) =>
    copyLine(ids[i]!, r),
  )
}

/** New enterprises through the staged rows (the embedded database), with the ids drawn for them. */
async function insertStagedRows(trx: Knex.Transaction, rows: readonly RegisterRow[], ids: readonly number[]): Promise<void> {
  const names = [...REGISTER_COLUMNS.map(([c]) => c), 'industry_department_id']
  const source = await stage(
    trx,
    rows.map((r, i) => ({ ...r, id: ids[i]! })),
  )
  await trx.raw(
    `INSERT INTO enterprise (id, ${names.join(', ')}, geom)
     SELECT x.id, ${names.map((c) => `x.${c}`).join(', ')}, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326) FROM ${source.sql}`,
    source.bindings,
  )
}

/** Updates stored enterprises from a batch's rows, only those where something differs; their ids. */
async function updateStagedRows(trx: Knex.Transaction, rows: readonly RegisterRow[]): Promise<number[]> {
  const names = REGISTER_COLUMNS.map(([c]) => c)
  const source = await stage(trx, rows)
  const { rows: updated } = await trx.raw<{ rows: Array<{ id: string }> }>(
    `UPDATE enterprise AS e SET ${names.map((c) => `${c} = x.${c}`).join(', ')}, geom = ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326), updated_at = now()
     FROM ${source.sql}
     WHERE x.id = e.id
       AND (${names.map((c) => `e.${c}`).join(', ')}, ST_AsEWKB(e.geom)) IS DISTINCT FROM (${names.map((c) => `x.${c}`).join(', ')}, ST_AsEWKB(ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326)))
     RETURNING e.id`,
    source.bindings,
  )
  return updated.map((u) => Number(u.id))
}

/**
 * Writes a batch of register rows (the importer's): a row with the id of a stored enterprise updates
 * it, only when something differs; a row without one inserts a new enterprise, its id drawn from the
 * table's sequence first (by COPY on a PostgreSQL server). Returns the new ids, in the order of the
 * rows without an id, and the ids of the enterprises updated.
 */
export async function writeRegisterRows(trx: Knex.Transaction, rows: readonly RegisterRow[]): Promise<{ inserted: number[]; updated: number[] }> {
  const fresh = rows.filter((r) => r.id === null)
  const stored = rows.filter((r) => r.id !== null)
  const updated = stored.length > 0 ? await updateStagedRows(trx, stored) : []
  if (fresh.length === 0) return { inserted: [], updated }
  // The ids in one row, not one row each (2 000 result rows a batch cost the client more than the draw).
  const { rows: drawn } = await trx.raw<{ rows: Array<{ ids: string }> }>(
    `SELECT string_agg(nextval('enterprise_id_seq')::text, ',') AS ids FROM generate_series(1, ?::int)`,
    [fresh.length],
  )
  const ids = drawn[0]!.ids.split(',').map(Number)
  await (isEmbedded(trx) ? insertStagedRows(trx, fresh, ids) : copyNewRows(trx, fresh, ids))
  return { inserted: ids, updated }
}

/** The enterprise table's secondary indexes and unique constraints, dropped for a first load (deferRegisterIndexes). */
export interface DeferredIndexes {
  /** CREATE INDEX statements (pg_get_indexdef), then ALTER TABLE … ADD CONSTRAINT statements. */
  statements: string[]
  /** The rows' foreign keys are checked once, at the end (checkRegisterKeys), not row by row. */
  keysAtEnd: boolean
}

/**
 * The first load of a register into an empty enterprise table (on a PostgreSQL server): the table is
 * locked (ACCESS EXCLUSIVE, taken without waiting: when anyone is reading it, the import goes the
 * ordinary way), and its secondary indexes and unique constraints are dropped, to be built again from
 * the loaded rows by restoreRegisterIndexes before commit, as pg_restore does. Building an index once
 * costs a fraction of keeping it up row by row (200 000 rows: 2.1 s instead of 4.7 s in PostgreSQL).
 * Readers of the table wait for the import's commit; a rollback restores everything. Foreign keys
 * stay: dropping one would lock the table it points to (divisions, grids), which every map reads.
 * Their row-by-row checks (three index probes and row locks a row: 60 % of the COPY's time) are
 * skipped where the database lets this role (a superuser, or one granted `SET` on
 * `session_replication_role`, as pg_restore's --disable-triggers needs) and the table has no trigger
 * of its own: the keys are then checked once, set-based, at the end. Null when the table holds rows or
 * is in use.
 */
export async function deferRegisterIndexes(trx: Knex.Transaction): Promise<DeferredIndexes | null> {
  if (isEmbedded(trx)) return null
  const any = async () => (await trx.raw<{ rows: Array<{ any: boolean }> }>('SELECT EXISTS (SELECT 1 FROM enterprise) AS any')).rows[0]!.any
  if (await any()) return null
  await trx.raw('SAVEPOINT register_first_load')
  try {
    await trx.raw('LOCK TABLE enterprise IN ACCESS EXCLUSIVE MODE NOWAIT')
  } catch (err) {
    if ((err as { code?: string }).code !== '55P03') throw err
    await trx.raw('ROLLBACK TO SAVEPOINT register_first_load')
    return null
  }
  // Rows committed between the first look and the lock: the ordinary way (rolling back releases the lock).
  if (await any()) {
    await trx.raw('ROLLBACK TO SAVEPOINT register_first_load')
    return null
  }
  await trx.raw('RELEASE SAVEPOINT register_first_load')
  const { rows: constraints } = await trx.raw<{ rows: Array<{ name: string; def: string }> }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid = 'enterprise'::regclass AND contype = 'u' ORDER BY conname`,
  )
  const { rows: indexes } = await trx.raw<{ rows: Array<{ name: string; def: string }> }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'enterprise'::regclass AND NOT i.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
     ORDER BY c.relname`,
  )
  for (const c of constraints) await trx.raw('ALTER TABLE enterprise DROP CONSTRAINT ??', [c.name])
  for (const i of indexes) await trx.raw('DROP INDEX ??', [i.name])
  return {
    statements: [...indexes.map((i) => i.def), ...constraints.map((c) => `ALTER TABLE enterprise ADD CONSTRAINT "${c.name.replace(/"/g, '""')}" ${c.def}`)],
    keysAtEnd: await mayCheckKeysAtEnd(trx),
  }
}

/** The enterprise table and the tables that hang from it (SQL: their oids), whose rows a first load may write with the keys checked at the end. */
const REGISTER_TABLES = `SELECT 'enterprise'::regclass UNION SELECT conrelid FROM pg_constraint WHERE confrelid = 'enterprise'::regclass AND contype = 'f'`

/** Whether the first load may leave the foreign keys to checkRegisterKeys (see deferRegisterIndexes). */
async function mayCheckKeysAtEnd(trx: Knex.Transaction): Promise<boolean> {
  const { rows } = await trx.raw<{ rows: Array<{ own: boolean; compound: boolean }> }>(
    `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid IN (${REGISTER_TABLES}) AND NOT tgisinternal) AS own,
            EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid IN (${REGISTER_TABLES}) AND contype = 'f' AND cardinality(conkey) > 1) AS compound`,
  )
  if (rows[0]!.own || rows[0]!.compound) return false
  await trx.raw('SAVEPOINT register_keys')
  try {
    await trx.raw('SET LOCAL session_replication_role = replica')
    await trx.raw('RELEASE SAVEPOINT register_keys')
    await trx.raw('SET LOCAL session_replication_role = origin')
    return true
  } catch (err) {
    if ((err as { code?: string }).code !== '42501') throw err
    await trx.raw('ROLLBACK TO SAVEPOINT register_keys')
    return false
  }
}

/**
 * Runs a first load's batch write (`write`: new enterprises and the rows that hang from them, such as
 * their specialist departments) with the foreign keys of what it writes left to checkRegisterKeys, when
 * deferRegisterIndexes found that allowed; as it is otherwise. Only for that write: anything else the
 * transaction writes is checked row by row.
 */
export async function withKeysAtEnd<T>(trx: Knex.Transaction, firstLoad: DeferredIndexes | null, write: () => Promise<T>): Promise<T> {
  if (!firstLoad?.keysAtEnd) return write()
  await trx.raw('SET LOCAL session_replication_role = replica')
  const result = await write()
  await trx.raw('SET LOCAL session_replication_role = origin')
  return result
}

/**
 * The foreign keys of rows a first load wrote without their row-by-row checks (withKeysAtEnd), checked
 * at once: those of the enterprise table and of the tables that hang from it (empty when the load began:
 * an enterprise table with no rows has nothing pointing to it, and its lock kept anyone else from adding
 * any). Each row they point to elsewhere is locked as the row-by-row checks lock it (FOR KEY SHARE: it
 * cannot be deleted before the import commits), and a value with no row refuses the import. The importer
 * checked every value against what was stored as it began; only a row deleted since then fails here.
 */
export async function checkRegisterKeys(trx: Knex.Transaction): Promise<void> {
  const { rows: keys } = await trx.raw<{ rows: Array<{ name: string; tbl: string; child: string; parent: string; key: string; type: string; own: boolean }> }>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS tbl, quote_ident(a.attname) AS child, c.confrelid::regclass::text AS parent,
            quote_ident(p.attname) AS key, format_type(p.atttypid, p.atttypmod) AS type, c.confrelid = 'enterprise'::regclass AS own
     FROM pg_constraint c
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
     JOIN pg_attribute p ON p.attrelid = c.confrelid AND p.attnum = c.confkey[1]
     WHERE c.contype = 'f' AND c.conrelid IN (${REGISTER_TABLES})
     ORDER BY c.conrelid::regclass::text, c.conname`,
  )
  // Identifiers and types from the catalog, quoted by it.
  for (const k of keys) {
    let missing: string | undefined
    if (k.own) {
      // Enterprises themselves are locked by the import already: only looked for.
      const { rows } = await trx.raw<{ rows: Array<{ v: string }> }>(
        `SELECT c.${k.child}::text AS v FROM ${k.tbl} c WHERE c.${k.child} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${k.parent} p WHERE p.${k.key} = c.${k.child}) LIMIT 1`,
      )
      missing = rows[0]?.v
    } else {
      // The values in use (a scan PostgreSQL may run in parallel), then the rows they name, locked.
      const { rows: used } = await trx.raw<{ rows: Array<{ v: string }> }>(`SELECT DISTINCT ${k.child}::text AS v FROM ${k.tbl} WHERE ${k.child} IS NOT NULL`)
      if (used.length === 0) continue
      const { rows: found } = await trx.raw<{ rows: Array<{ v: string }> }>(
        `SELECT ${k.key}::text AS v FROM ${k.parent} WHERE ${k.key} = ANY(?::${k.type}[]) FOR KEY SHARE`,
        [used.map((u) => u.v)],
      )
      const present = new Set(found.map((f) => f.v))
      missing = used.find((u) => !present.has(u.v))?.v
    }
    if (missing !== undefined)
      throw conflict(`${k.parent} ${missing}, which imported rows refer to, was deleted during the import: nothing was stored, import the file again`, [
        { field: `${k.tbl}.${k.child.replace(/"/g, '')}`, message: `no ${k.parent} ${missing} (foreign key ${k.name})`, value: missing },
      ])
  }
}

/** Builds again what deferRegisterIndexes dropped, from the rows now in the table, then checks the keys it left to the end (with the indexes). */
export async function restoreRegisterIndexes(trx: Knex.Transaction, deferred: DeferredIndexes): Promise<void> {
  // Catalog text, not a template: a literal ? must not be taken for a binding.
  for (const statement of deferred.statements) await trx.raw(statement.replace(/\?/g, '\\?'))
  if (deferred.keysAtEnd) await checkRegisterKeys(trx)
}
