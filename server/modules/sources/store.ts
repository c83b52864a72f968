/**
 * The bulk writes of grading-source rows (docs/architecture.md, "Who owns a table"): the sources
 * module owns major_hazard, major_hazard_substance, safety_risk, hidden_danger and area_assessment.
 * Its API path writes one record at a time in each kind's `RecordSpec` (`major-hazards.ts`,
 * `safety-risks.ts`, `hidden-dangers.ts`, `area-assessments.ts`); these functions are the importer's
 * path (`transfer/kind-sources.ts`, `kind-areas.ts`): many rows per statement, keyed by external id.
 * They take the caller's transaction and decide nothing: the importer validates and grades the rows,
 * looks up the stored ids, takes the audit snapshots and regrades; these only write.
 */
import type { Knex } from 'knex'
import { divisionOfSql } from '../divisions'

/** The point tables the importer fills, keyed by external id. */
export type ImportedSourceTable = 'major_hazard' | 'safety_risk' | 'hidden_danger'

/** The columns the importer sets on each point table beside external_id and geom (from lon, lat), with their SQL types. */
const IMPORTED_COLUMNS: Record<ImportedSourceTable, Array<[string, string]>> = {
  major_hazard: [
    ['enterprise_id', 'bigint'],
    ['name', 'text'],
    ['population_500m', 'integer'],
    ['reported_r', 'float8'],
    ['reported_grade', 'smallint'],
    ['s', 'float8'],
    ['r', 'float8'],
    ['alpha', 'float8'],
    ['grade', 'smallint'],
    ['level', 'smallint'],
    ['grade_mismatch', 'text'],
    ['impact_radius_m', 'float8'],
    ['reported_at', 'date'],
    ['valid_until', 'date'],
    ['rule_version', 'text'],
  ],
  safety_risk: [
    ['enterprise_id', 'bigint'],
    ['name', 'text'],
    ['description', 'text'],
    ['method', 'text'],
    ['lec_l', 'float8'],
    ['lec_e', 'float8'],
    ['lec_c', 'float8'],
    ['matrix_l', 'smallint'],
    ['matrix_s', 'smallint'],
    ['stated_method', 'text'],
    ['score', 'float8'],
    ['level', 'smallint'],
    ['impact_radius_m', 'float8'],
    ['assessed_at', 'date'],
    ['valid_until', 'date'],
    ['rule_version', 'text'],
  ],
  hidden_danger: [
    ['enterprise_id', 'bigint'],
    ['description', 'text'],
    ['is_major', 'boolean'],
    ['found_at', 'date'],
    ['deadline', 'date'],
    ['status', 'text'],
    ['reported_by', 'text'],
    ['rectified_at', 'timestamptz'],
    ['rectified_by', 'text'],
    ['rectification', 'text'],
    ['verified_at', 'timestamptz'],
    ['verified_by', 'text'],
  ],
}

const POINT_SQL = 'ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326)'

/** A row of a point table as the importer writes it: the table's columns (IMPORTED_COLUMNS), its external id and its location. */
export type ImportedSourceRow = Record<string, unknown> & { external_id: string; lon: number | null; lat: number | null }

/** What a bulk write returns of each row it wrote. */
export interface WrittenSourceRow {
  id: string
  external_id: string
  enterprise_id: string
}

function recordset(table: ImportedSourceTable, extra: string): string {
  return `jsonb_to_recordset(?::jsonb) AS x(${[...IMPORTED_COLUMNS[table].map(([c, t]) => `${c} ${t}`), extra].filter(Boolean).join(', ')})`
}

/**
 * Inserts new records of a point table in one statement (the importer's; the API inserts one record
 * at a time through its RecordSpec's `insert`, which sets no external id).
 */
export async function insertSourceRows(trx: Knex.Transaction, table: ImportedSourceTable, rows: readonly ImportedSourceRow[]): Promise<WrittenSourceRow[]> {
  const names = IMPORTED_COLUMNS[table].map(([c]) => c)
  const { rows: out } = await trx.raw<{ rows: WrittenSourceRow[] }>(
    `INSERT INTO ${table} (external_id, ${names.join(', ')}, geom)
     SELECT x.external_id, ${names.map((c) => `x.${c}`).join(', ')}, ${POINT_SQL} FROM ${recordset(table, 'external_id text, lon float8, lat float8')}
     RETURNING id, external_id, enterprise_id`,
    [JSON.stringify(rows)],
  )
  return out
}

/**
 * Updates stored records of a point table by id in one statement, external id included (the
 * importer's; the API replaces one record at a time through its RecordSpec's `replace`). With
 * `skipUnchanged` a row identical to what is stored is left alone and not returned. Returns the rows
 * updated.
 */
export async function updateSourceRows(
  trx: Knex.Transaction,
  table: ImportedSourceTable,
  rows: ReadonlyArray<ImportedSourceRow & { id: number }>,
  { skipUnchanged }: { skipUnchanged: boolean },
): Promise<WrittenSourceRow[]> {
  const names = IMPORTED_COLUMNS[table].map(([c]) => c)
  const { rows: out } = await trx.raw<{ rows: WrittenSourceRow[] }>(
    `UPDATE ${table} t SET external_id = x.external_id, ${names.map((c) => `${c} = x.${c}`).join(', ')}, geom = ${POINT_SQL}, updated_at = now()
     FROM ${recordset(table, 'id bigint, external_id text, lon float8, lat float8')}
     WHERE t.id = x.id${
       skipUnchanged
         ? ` AND (t.external_id, ${names.map((c) => `t.${c}`).join(', ')}, ST_AsEWKB(t.geom)) IS DISTINCT FROM (x.external_id, ${names.map((c) => `x.${c}`).join(', ')}, ST_AsEWKB(${POINT_SQL}))`
         : ''
     }
     RETURNING t.id, t.external_id, t.enterprise_id`,
    [JSON.stringify(rows)],
  )
  return out
}

/** A substance of a major hazard installation as stored. */
export interface SubstanceWrite {
  major_hazard_id: number | undefined
  name: string
  cas: string | null
  hazard_class: string | null
  q_t: number
  critical_q_t: number
  beta: number | undefined
}

/**
 * Replaces the substances of the installations `ids` with `substances`, in two statements for the
 * whole batch (the importer's; the API's `storeSubstances` in major-hazards.ts does the same for one
 * installation).
 */
export async function replaceMajorHazardSubstances(trx: Knex.Transaction, ids: readonly number[], substances: readonly SubstanceWrite[]): Promise<void> {
  await trx.raw('DELETE FROM major_hazard_substance WHERE major_hazard_id = ANY(?::bigint[])', [`{${ids.join(',')}}`])
  await trx.raw(
    `INSERT INTO major_hazard_substance (major_hazard_id, name, cas, hazard_class, q_t, critical_q_t, beta)
     SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(major_hazard_id bigint, name text, cas text, hazard_class text, q_t float8, critical_q_t float8, beta float8)`,
    [JSON.stringify(substances)],
  )
}

/** The columns the importer sets on area_assessment beside id, division_code, source_line and polygon, with their SQL types. */
const AREA_COLUMNS: Array<[string, string]> = [
  ['name', 'text'],
  ['area_kind', 'text'],
  ['method', 'text'],
  ['lec_l', 'float8'],
  ['lec_e', 'float8'],
  ['lec_c', 'float8'],
  ['matrix_l', 'smallint'],
  ['matrix_s', 'smallint'],
  ['stated_method', 'text'],
  ['score', 'float8'],
  ['level', 'smallint'],
  ['assessor', 'text'],
  ['assessed_at', 'date'],
  ['valid_until', 'date'],
  ['rule_version', 'text'],
  ['buffer_m', 'float8'],
  ['external_id', 'text'],
]

/**
 * An area assessment as the importer writes it: the id of the stored record it replaces (null for a
 * new one), the AREA_COLUMNS, the division (null: the finest one containing the zone) and either the
 * polygon (an area) or the centre line, buffered by buffer_m metres (a corridor), as GeoJSON.
 */
export type AreaAssessmentWrite = Record<string, unknown> & {
  id: number | null
  external_id: string
  division_code: string | null
  buffer_m: number | null
  source_line: unknown
  polygon: unknown
}

/**
 * Writes a batch of area assessments in one statement (the importer's): a row with an id updates
 * that record, one without inserts a new one. Returns the ids written, each marked whether it was
 * inserted. The API writes one record at a time through `areaAssessments` (area-assessments.ts),
 * which checks the zone and places it in its division before its insert or update.
 */
export async function writeAreaAssessmentRows(trx: Knex.Transaction, rows: readonly AreaAssessmentWrite[]): Promise<Array<{ id: string; inserted: boolean }>> {
  const names = AREA_COLUMNS.map(([c]) => c)
  const { rows: out } = await trx.raw<{ rows: Array<{ id: string; inserted: boolean }> }>(
    `WITH x AS (
       SELECT x.*, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(x.source_line::text), 4326)) AS line,
              ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(x.polygon::text), 4326)) AS poly
       FROM jsonb_to_recordset(?::jsonb) AS x(id bigint, division_code text, source_line jsonb, polygon jsonb, ${AREA_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})
     ), z AS (
       SELECT x.*, coalesce(x.poly, ST_Multi(ST_Buffer(x.line::geography, x.buffer_m)::geometry)) AS zone FROM x
     ), upd AS (
       UPDATE area_assessment a SET ${names.map((c) => `${c} = z.${c}`).join(', ')}, source_line = z.line, geom = z.zone,
         division_code = coalesce(z.division_code, ${divisionOfSql('z.zone')}), updated_at = now()
       FROM z WHERE z.id IS NOT NULL AND a.id = z.id RETURNING a.id
     ), ins AS (
       INSERT INTO area_assessment (${names.join(', ')}, source_line, geom, division_code)
       SELECT ${names.map((c) => `z.${c}`).join(', ')}, z.line, z.zone, coalesce(z.division_code, ${divisionOfSql('z.zone')}) FROM z WHERE z.id IS NULL
       RETURNING id
     )
     SELECT id, false AS inserted FROM upd UNION ALL SELECT id, true FROM ins`,
    [JSON.stringify(rows)],
  )
  return out
}
