/**
 * Every write of `division` and `mgmt_grid` rows (docs/architecture.md, "Who owns a table"): the
 * divisions module owns both tables and serves them (`/api/divisions`); it has no write route, so
 * today's only caller is the importer (`transfer/kind-areas.ts`), which decides the values, takes the
 * audit snapshots and holds the transaction. These functions only write. (The demo loader,
 * `server/demo/load.ts`, fills every demo table with its own generic insert.)
 */
import type { Knex } from 'knex'

/** A division unit to store: its boundary as GeoJSON (a MultiPolygon in WGS 84). */
export interface DivisionWrite {
  code: string
  name: string
  name_en: string | null
  rank: string
  synthetic: boolean
  geom: unknown
}

/**
 * Inserts division units, or replaces the name, English name, rank, synthetic flag and boundary of
 * those whose code exists; the parent is left out (a new unit gets none): `setDivisionParents` sets it
 * once every unit of a file exists. Returns one row per unit, marked whether it was inserted.
 */
export async function upsertDivisions(trx: Knex.Transaction, rows: readonly DivisionWrite[]): Promise<Array<{ inserted: boolean }>> {
  const { rows: out } = await trx.raw<{ rows: Array<{ inserted: boolean }> }>(
    `INSERT INTO division AS d (code, name, name_en, rank, parent_code, synthetic, geom)
     SELECT x.code, x.name, x.name_en, x.rank, NULL, x.synthetic, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(x.geom::text), 4326))
     FROM jsonb_to_recordset(?::jsonb) AS x(code text, name text, name_en text, rank text, synthetic boolean, geom jsonb)
     ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, rank = excluded.rank, synthetic = excluded.synthetic, geom = excluded.geom
     RETURNING (xmax = 0) AS inserted`,
    [JSON.stringify(rows)],
  )
  return out
}

/** Sets the parent of each division unit given (the parents must exist). */
export async function setDivisionParents(trx: Knex.Transaction, links: ReadonlyArray<{ code: string; parent: string }>): Promise<void> {
  await trx.raw('UPDATE division d SET parent_code = x.parent FROM jsonb_to_recordset(?::jsonb) AS x(code text, parent text) WHERE d.code = x.code', [
    JSON.stringify(links),
  ])
}

/** A management grid to store: its boundary as GeoJSON (a MultiPolygon in WGS 84). */
export interface MgmtGridWrite {
  code: string
  name: string
  division_code: string | null
  geom: unknown
}

/** Inserts management grids, or replaces the name, division and boundary of those whose code exists. Returns one row per grid, marked whether it was inserted. */
export async function upsertMgmtGrids(trx: Knex.Transaction, rows: readonly MgmtGridWrite[]): Promise<Array<{ inserted: boolean }>> {
  const { rows: out } = await trx.raw<{ rows: Array<{ inserted: boolean }> }>(
    `INSERT INTO mgmt_grid AS g (code, name, division_code, geom)
     SELECT x.code, x.name, x.division_code, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(x.geom::text), 4326))
     FROM jsonb_to_recordset(?::jsonb) AS x(code text, name text, division_code text, geom jsonb)
     ON CONFLICT (code) DO UPDATE SET name = excluded.name, division_code = excluded.division_code, geom = excluded.geom
     RETURNING (xmax = 0) AS inserted`,
    [JSON.stringify(rows)],
  )
  return out
}
