/**
 * SQL of the grading engine: loading sources and writing cells, their explanations, history and
 * region levels. Row sets travel as one JSON parameter (jsonb_to_recordset) or a PostgreSQL array
 * literal, so every value is bound and a statement's size does not depend on the row count.
 */
import type { Knex } from 'knex'
import { copyRows } from '../db/copy'
import type { Db } from '../db/db'
import type { MultiPolygon, Polygon } from 'geojson'
import { isEmbedded } from '../db/knex'
import type { Level } from '../domain/levels'
import type { RuleSet } from '../domain/rules'
import type { EnterpriseRecords } from './sources'

/** A PostgreSQL array literal of ids or H3 strings (digits and hex letters only, so nothing to quote). */
export function pgArray(values: Iterable<string | number>): string {
  const list = [...values].map(String)
  for (const v of list) if (!/^[0-9a-z]+$/i.test(v)) throw new Error(`unsafe array element ${v}`)
  return `{${list.join(',')}}`
}

/** Serialises row objects for `jsonb_to_recordset(?::jsonb)`. */
export function jsonRows(rows: readonly object[]): string {
  return JSON.stringify(rows)
}

const day = (s: string | null): Date | null => (s === null ? null : new Date(`${s}T00:00:00Z`))

/** Serialises one `grading` advisory lock per database: full and incremental regrades never overlap. */
export async function lockGrading(trx: Knex.Transaction): Promise<void> {
  await trx.raw("SELECT pg_advisory_xact_lock(hashtext('riskmap.grading'))")
}

interface EnterpriseRow {
  id: string
  industry: string | null
  high_hazard: boolean
  located_by: 'point' | 'division'
  report_due_at: string | null
  impact_radius_m: number | null
  lon: number
  lat: number
  hazards: Array<{ id: number; level: Level; r: number | null; at: string; until: string | null; lon: number; lat: number }>
  risks: Array<{ id: number; level: Level; r: number | null; at: string; until: string | null; lon: number; lat: number }>
  dangers: Array<{ id: number; major: boolean; status: 'open' | 'rectified' | 'verified'; lon: number; lat: number }>
}

/** Loads enterprises with every record that grades them: by ids, or a page of all ordered by id. */
export async function loadEnterpriseRecords(db: Db, scope: { ids: number[] } | { afterId: number; limit: number }): Promise<EnterpriseRecords[]> {
  const q = db('enterprise as e')
    .select('e.id', 'e.industry', 'e.high_hazard', 'e.impact_radius_m', 'e.located_by')
    .select(db.raw("to_char(e.report_due_at, 'YYYY-MM-DD') AS report_due_at, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat"))
    .select(
      db.raw(`coalesce((SELECT json_agg(json_build_object('id', m.id, 'level', m.level, 'r', m.impact_radius_m,
                'at', to_char(m.reported_at, 'YYYY-MM-DD'), 'until', to_char(m.valid_until, 'YYYY-MM-DD'),
                'lon', ST_X(m.geom), 'lat', ST_Y(m.geom)) ORDER BY m.id)
              FROM major_hazard m WHERE m.enterprise_id = e.id), '[]') AS hazards`),
      db.raw(`coalesce((SELECT json_agg(json_build_object('id', r.id, 'level', r.level, 'r', r.impact_radius_m,
                'at', to_char(r.assessed_at, 'YYYY-MM-DD'), 'until', to_char(r.valid_until, 'YYYY-MM-DD'),
                'lon', ST_X(r.geom), 'lat', ST_Y(r.geom)) ORDER BY r.id)
              FROM safety_risk r WHERE r.enterprise_id = e.id), '[]') AS risks`),
      db.raw(`coalesce((SELECT json_agg(json_build_object('id', h.id, 'major', h.is_major, 'status', h.status,
                'lon', ST_X(h.geom), 'lat', ST_Y(h.geom)) ORDER BY h.id)
              FROM hidden_danger h WHERE h.enterprise_id = e.id AND h.status <> 'verified'), '[]') AS dangers`),
    )
    .orderBy('e.id')
  if ('ids' in scope) q.whereRaw('e.id = ANY(?::bigint[])', [pgArray(scope.ids)])
  else q.where('e.id', '>', scope.afterId).limit(scope.limit)
  const rows = (await q) as EnterpriseRow[]
  return rows.map((r) => ({
    id: Number(r.id),
    industry: r.industry,
    highHazard: r.high_hazard,
    approximate: r.located_by === 'division',
    reportDueAt: day(r.report_due_at),
    impactRadiusM: r.impact_radius_m,
    lon: r.lon,
    lat: r.lat,
    majorHazards: r.hazards.map((m) => ({
      id: m.id,
      level: m.level,
      impactRadiusM: m.r,
      reportedAt: day(m.at)!,
      validUntil: day(m.until),
      lon: m.lon,
      lat: m.lat,
    })),
    safetyRisks: r.risks.map((s) => ({
      id: s.id,
      level: s.level,
      impactRadiusM: s.r,
      assessedAt: day(s.at)!,
      validUntil: day(s.until),
      lon: s.lon,
      lat: s.lat,
    })),
    hiddenDangers: r.dangers.map((h) => ({ id: h.id, isMajor: h.major, status: h.status, lon: h.lon, lat: h.lat })),
  }))
}

export interface AreaRecord {
  id: number
  level: Level
  assessedAt: Date
  validUntil: Date | null
  geometry: Polygon | MultiPolygon
}

/** Loads area assessments: by ids, or a page of all ordered by id. */
export async function loadAreaRecords(db: Db, scope: { ids: number[] } | { afterId: number; limit: number }): Promise<AreaRecord[]> {
  const q = db('area_assessment')
    .select('id', 'level')
    .select(
      db.raw("to_char(assessed_at, 'YYYY-MM-DD') AS assessed_at, to_char(valid_until, 'YYYY-MM-DD') AS valid_until, ST_AsGeoJSON(geom)::json AS geometry"),
    )
    .orderBy('id')
  if ('ids' in scope) q.whereRaw('id = ANY(?::bigint[])', [pgArray(scope.ids)])
  else q.where('id', '>', scope.afterId).limit(scope.limit)
  const rows = (await q) as Array<{ id: string; level: Level; assessed_at: string; valid_until: string | null; geometry: Polygon | MultiPolygon }>
  return rows.map((r) => ({ id: Number(r.id), level: r.level, assessedAt: day(r.assessed_at)!, validUntil: day(r.valid_until), geometry: r.geometry }))
}

/** One row of a cell's explanation. */
export interface CellSourceRow {
  h3: string
  kind: string
  id: number
  enterpriseId: number | null
  level: Level
  distanceM: number
  radiusM: number
  stale: boolean
}

/** The h3 cells that sources of these enterprises / areas currently influence. */
export async function cellsOfSources(db: Db, enterpriseIds: number[], areaIds: number[]): Promise<string[]> {
  const { rows } = await db.raw<{ rows: Array<{ h3: string }> }>(
    `SELECT DISTINCT h3 FROM cell_source
     WHERE enterprise_id = ANY(?::bigint[]) OR (source_kind = 'area_assessment' AND source_id = ANY(?::bigint[]))`,
    [pgArray(enterpriseIds), pgArray(areaIds)],
  )
  return rows.map((r) => r.h3)
}

export async function deleteSourcesOf(db: Db, enterpriseIds: number[], areaIds: number[]): Promise<void> {
  await db.raw(`DELETE FROM cell_source WHERE enterprise_id = ANY(?::bigint[]) OR (source_kind = 'area_assessment' AND source_id = ANY(?::bigint[]))`, [
    pgArray(enterpriseIds),
    pgArray(areaIds),
  ])
}

export async function insertCellSources(db: Db, rows: CellSourceRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 20_000) {
    const chunk = rows.slice(i, i + 20_000).map((r) => ({
      h3: r.h3,
      k: r.kind,
      i: r.id,
      e: r.enterpriseId,
      l: r.level,
      d: r.distanceM,
      r: r.radiusM,
      s: r.stale,
    }))
    await db.raw(
      `INSERT INTO cell_source (h3, source_kind, source_id, enterprise_id, level, distance_m, radius_m, stale)
       SELECT h3, k, i, e, l, d, r, s FROM jsonb_to_recordset(?::jsonb) AS x(h3 text, k text, i bigint, e bigint, l smallint, d float8, r float8, s boolean)`,
      [jsonRows(chunk)],
    )
  }
}

/** One explanation row in COPY text format; every value is a number, a known word, an H3 string or null. */
function copyLine(r: CellSourceRow): string {
  return `${r.h3}\t${r.kind}\t${r.id}\t${r.enterpriseId ?? '\\N'}\t${r.level}\t${r.distanceM}\t${r.radiusM}\t${r.stale ? 't' : 'f'}\n`
}

/**
 * Bulk-loads explanation rows: `COPY … FROM STDIN` on a PostgreSQL server (several times faster
 * than an INSERT of the same rows as JSON), the JSON insert on the embedded database, which is
 * reached through a wire-protocol front that does not speak COPY.
 */
export async function copyCellSources(trx: Knex.Transaction, rows: CellSourceRow[]): Promise<void> {
  if (rows.length === 0) return
  if (isEmbedded(trx)) return insertCellSources(trx, rows)
  await copyRows(trx, 'COPY cell_source (h3, source_kind, source_id, enterprise_id, level, distance_m, radius_m, stale) FROM STDIN', rows, copyLine)
}

/** The indexes and primary key of `cell_source`, as SQL that recreates them (read from the catalogue). */
async function cellSourceIndexes(trx: Knex.Transaction): Promise<{ drop: string[]; create: string[] }> {
  const { rows: constraints } = await trx.raw<{ rows: Array<{ name: string; def: string }> }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid = 'cell_source'::regclass AND contype IN ('p', 'u') ORDER BY conname`,
  )
  const { rows: indexes } = await trx.raw<{ rows: Array<{ name: string; def: string }> }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename = 'cell_source'
       AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'cell_source'::regclass)
     ORDER BY indexname`,
  )
  const ident = (name: string) => `"${name.replace(/"/g, '""')}"`
  return {
    drop: [...constraints.map((c) => `ALTER TABLE cell_source DROP CONSTRAINT ${ident(c.name)}`), ...indexes.map((i) => `DROP INDEX ${ident(i.name)}`)],
    create: [...constraints.map((c) => `ALTER TABLE cell_source ADD CONSTRAINT ${ident(c.name)} ${c.def}`), ...indexes.map((i) => i.def)],
  }
}

/**
 * Empties `cell_source` for a full reload without its indexes, and returns the function that
 * rebuilds them once the rows are in: building an index over the loaded table is far cheaper than
 * maintaining it row by row. Inside the caller's transaction, so a failure restores both.
 */
export async function emptyCellSourcesForReload(trx: Knex.Transaction): Promise<() => Promise<void>> {
  const { drop, create } = await cellSourceIndexes(trx)
  await trx.raw('TRUNCATE cell_source')
  for (const sql of drop) await trx.raw(sql)
  return async () => {
    for (const sql of create) await trx.raw(sql)
  }
}

/** All explanation rows of the given cells. */
export async function loadCellSources(db: Db, h3s: string[]): Promise<CellSourceRow[]> {
  const { rows } = await db.raw<{
    rows: Array<{
      h3: string
      source_kind: string
      source_id: string
      enterprise_id: string | null
      level: Level
      distance_m: number
      radius_m: number
      stale: boolean
    }>
  }>('SELECT * FROM cell_source WHERE h3 = ANY(?::text[])', [pgArray(h3s)])
  return rows.map((r) => ({
    h3: r.h3,
    kind: r.source_kind,
    id: Number(r.source_id),
    enterpriseId: r.enterprise_id === null ? null : Number(r.enterprise_id),
    level: r.level,
    distanceM: r.distance_m,
    radiusM: r.radius_m,
    stale: r.stale,
  }))
}

/** What a cell is at one resolution. */
export interface CellState {
  h3: string
  level: Level
  rule: 'highest' | 'accumulation' | 'none'
  stale: boolean
  score: number
  counts: object
}

/** Current states of cells at a resolution: the given ones, or all. */
export async function loadCells(db: Db, res: number, h3s?: string[]): Promise<Map<string, CellState>> {
  const q = db('cell').select('h3', 'level', 'rule', 'stale', 'score', 'counts').where('res', res)
  if (h3s) q.whereRaw('h3 = ANY(?::text[])', [pgArray(h3s)])
  const rows = (await q) as CellState[]
  return new Map(rows.map((r) => [r.h3, r]))
}

/** Inserts or updates cells (geometry from their H3 boundary), keeping ids stable; returns the ids of new cells. */
export async function upsertCells(db: Db, res: number, cells: Array<CellState & { geometry: Polygon }>): Promise<number[]> {
  const inserted: number[] = []
  for (let i = 0; i < cells.length; i += 10_000) {
    const chunk = cells.slice(i, i + 10_000).map((c) => ({
      h3: c.h3,
      l: c.level,
      ru: c.rule,
      s: c.stale,
      sc: c.score,
      c: c.counts,
      g: JSON.stringify(c.geometry),
    }))
    const { rows } = await db.raw<{ rows: Array<{ id: string; inserted: boolean }> }>(
      `INSERT INTO cell (h3, res, level, rule, stale, score, counts, geom, updated_at)
       SELECT h3, ?, l, ru, s, sc, c, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326), now()
       FROM jsonb_to_recordset(?::jsonb) AS x(h3 text, l smallint, ru text, s boolean, sc float8, c jsonb, g text)
       ON CONFLICT (res, h3) DO UPDATE SET level = excluded.level, rule = excluded.rule, stale = excluded.stale,
         score = excluded.score, counts = excluded.counts, updated_at = excluded.updated_at
       RETURNING id, (xmax = 0) AS inserted`,
      [res, jsonRows(chunk)],
    )
    for (const r of rows) if (r.inserted) inserted.push(Number(r.id))
  }
  return inserted
}

export async function deleteCells(db: Db, res: number, h3s: string[]): Promise<void> {
  if (h3s.length === 0) return
  await db.raw('DELETE FROM cell WHERE res = ? AND h3 = ANY(?::text[])', [res, pgArray(h3s)])
}

export interface HistoryRow {
  h3: string
  res: number
  oldLevel: Level
  newLevel: Level
  oldStale: boolean
  newStale: boolean
  cause: object
  runId: number | null
}

export async function insertHistory(db: Db, rows: HistoryRow[], at: Date): Promise<void> {
  for (let i = 0; i < rows.length; i += 20_000) {
    const chunk = rows
      .slice(i, i + 20_000)
      .map((r) => ({ h: r.h3, r: r.res, ol: r.oldLevel, nl: r.newLevel, os: r.oldStale, ns: r.newStale, c: r.cause, ru: r.runId }))
    await db.raw(
      `INSERT INTO cell_level_history (h3, res, changed_at, old_level, new_level, old_stale, new_stale, cause, run_id)
       SELECT h, r, ?, ol, nl, os, ns, c, ru FROM jsonb_to_recordset(?::jsonb) AS x(h text, r smallint, ol smallint, nl smallint, os boolean, ns boolean, c jsonb, ru bigint)`,
      [at.toISOString(), jsonRows(chunk)],
    )
  }
}

/** Records the rule set (idempotent) and opens a grading run. */
export async function startRun(db: Db, kind: 'full' | 'incremental', rules: RuleSet, res: number): Promise<number> {
  await db.raw('INSERT INTO rule_set (version, rules) VALUES (?, ?::jsonb) ON CONFLICT (version) DO NOTHING', [rules.version, JSON.stringify(rules)])
  const [row] = await db('grading_run').insert({ kind, rule_version: rules.version, h3_res: res }).returning('id')
  return Number((row as { id: string }).id)
}

export async function finishRun(db: Db, id: number, status: 'done' | 'failed', counts: object, error?: string): Promise<void> {
  await db('grading_run')
    .where({ id })
    .update({ status, counts: JSON.stringify(counts), error: error ?? null, finished_at: db.fn.now() })
}

/** Bumps the data version that tile caches and ETags are keyed by; returns the new version. */
export async function bumpDataVersion(db: Db): Promise<number> {
  const { rows } = await db.raw<{ rows: Array<{ version: string }> }>('UPDATE data_version SET version = version + 1 RETURNING version')
  return Number(rows[0]!.version)
}
