/**
 * The map as it was (docs/domain.md §4.6): cell levels at a past instant replayed from the kept
 * level history, the region grades those cells gave, and what changed between two instants.
 */
import type { Db } from '../../db/db'
import { cellArea, cellToLatLng } from 'h3-js'
import { invalid } from '../../errors'
import type { Level } from '../../domain/levels'
import type { RuleSet } from '../../domain/rules'
import { gradeRegionAreas } from '../../grading/regions'
import { jsonRows } from '../../grading/repository'

export interface CellAsOf {
  h3: string
  level: Level
  stale: boolean
}

/** When the first level change at `res` was recorded (the first grading), or null before any grading. */
export async function firstGradedAt(db: Db, res: number): Promise<Date | null> {
  const row = (await db('cell_level_history').where({ res }).min('changed_at as at').first()) as { at: Date | string | null } | undefined
  return row?.at ? new Date(row.at) : null
}

/** Throws `invalid(field)` when `at` lies before the first grading (nothing was recorded then). */
export async function checkRecorded(db: Db, res: number, at: Date, field: string): Promise<Date> {
  const first = await firstGradedAt(db, res)
  if (!first) throw invalid(field, 'nothing has been graded yet, so there is no history to show')
  if (at.getTime() < first.getTime())
    throw invalid(field, `${at.toISOString()} is before the first grading (${first.toISOString()}): no level was recorded then`, {
      firstGradedAt: first.toISOString(),
    })
  return first
}

/**
 * Every cell at `res` with a level (or stale) at instant `at`: the state its last recorded change at
 * or before `at` left it in. History is complete from the first grading (every cell enters with a
 * change from level 0), so a cell without a change by then had no level.
 */
export async function cellsAsOf(db: Db, res: number, at: Date): Promise<CellAsOf[]> {
  const { rows } = await db.raw<{ rows: Array<{ h3: string; level: number; stale: boolean }> }>(
    `SELECT h3, level, stale FROM (
       SELECT DISTINCT ON (h3) h3, new_level AS level, new_stale AS stale
       FROM cell_level_history WHERE res = ? AND changed_at <= ?
       ORDER BY h3, changed_at DESC, id DESC
     ) last WHERE level > 0 OR stale
     ORDER BY h3`,
    [res, at.toISOString()],
  )
  return rows.map((r) => ({ h3: r.h3, level: Number(r.level) as Level, stale: r.stale }))
}

export interface RegionAsOf {
  kind: 'division' | 'mgmt_grid'
  key: string
  /** The division code, or the grid's code. */
  code: string
  name: string
  rank: string
  level: Level
  highestLevel: Level
  stale: boolean
  shares: Record<string, number>
}

/**
 * Region grades from the given analysis cells under `rules`. A cell still on the live map is
 * counted with its intersection areas (region_cell); a cell gone since (its level fell to 0) is
 * counted whole in the regions that contain its centre.
 */
export async function regionsFromCells(db: Db, res: number, cells: CellAsOf[], rules: RuleSet): Promise<RegionAsOf[]> {
  const input = cells
    .filter((c) => c.level > 0)
    .map((c) => {
      const [lat, lon] = cellToLatLng(c.h3)
      return { h: c.h3, l: c.level, s: c.stale, lon, lat, ar: cellArea(c.h3, 'm2') }
    })
  const { rows } = await db.raw<{
    rows: Array<{ kind: RegionAsOf['kind']; key: string; code: string; name: string; rank: string; total: number; levels: Record<string, [number, boolean]> }>
  }>(
    `WITH a AS (SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(h text, l smallint, s boolean, lon float8, lat float8, ar float8)),
     live AS (SELECT a.*, c.id FROM a LEFT JOIN cell c ON c.res = ? AND c.h3 = a.h),
     mapped AS (
       SELECT rc.region_kind AS kind, rc.region_key AS key, live.l, live.s, rc.area_m2 AS area
       FROM live JOIN region_cell rc ON rc.cell_id = live.id
       UNION ALL
       SELECT 'division', d.code, live.l, live.s, live.ar FROM live JOIN division d
         ON live.id IS NULL AND ST_Contains(d.geom, ST_SetSRID(ST_MakePoint(live.lon, live.lat), 4326))
       UNION ALL
       SELECT 'mgmt_grid', g.id::text, live.l, live.s, live.ar FROM live JOIN mgmt_grid g
         ON live.id IS NULL AND ST_Contains(g.geom, ST_SetSRID(ST_MakePoint(live.lon, live.lat), 4326))
     ),
     by_level AS (SELECT kind, key, l, sum(area) AS area, bool_and(s) AS stale FROM mapped GROUP BY kind, key, l),
     target AS (
       SELECT 'division'::text AS kind, code AS key, code, name, rank, ST_Area(geom::geography) AS total FROM division
       UNION ALL SELECT 'mgmt_grid', id::text, code, name, 'grid', ST_Area(geom::geography) FROM mgmt_grid
     )
     SELECT t.kind, t.key, t.code, t.name, t.rank, t.total,
       coalesce(jsonb_object_agg(b.l::text, jsonb_build_array(b.area, b.stale)) FILTER (WHERE b.l IS NOT NULL), '{}') AS levels
     FROM target t LEFT JOIN by_level b ON b.kind = t.kind AND b.key = t.key
     GROUP BY t.kind, t.key, t.code, t.name, t.rank, t.total
     ORDER BY t.kind, t.key`,
    [jsonRows(input), res],
  )
  return rows.map((r) => {
    const g = gradeRegionAreas(Number(r.total), r.levels, rules)
    return {
      kind: r.kind,
      key: r.key,
      code: r.code,
      name: r.name,
      rank: r.rank,
      level: g.level,
      highestLevel: g.highestLevel,
      stale: g.stale,
      shares: g.shares,
    }
  })
}

export interface CellChange {
  h3: string
  before: Level
  after: Level
}

/** Cells whose level differs between two as-of states. */
export function diffCells(before: CellAsOf[], after: CellAsOf[]): CellChange[] {
  const old = new Map(before.map((c) => [c.h3, c.level]))
  const now = new Map(after.map((c) => [c.h3, c.level]))
  const out: CellChange[] = []
  for (const h3 of new Set([...old.keys(), ...now.keys()])) {
    const b = old.get(h3) ?? 0
    const a = now.get(h3) ?? 0
    if (a !== b) out.push({ h3, before: b, after: a })
  }
  return out.sort((x, y) => (x.h3 < y.h3 ? -1 : 1))
}
