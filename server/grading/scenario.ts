/**
 * What-if scenarios on the grading engine (docs/scenarios.md): the cells and regions a set of
 * hypothetical changes would move, computed in memory from the current explanation rows of the
 * affected cells and never written. It follows the incremental regrade (engine.ts,
 * docs/domain.md §4.6) step by step — old and new impact zones of the enterprises and areas named,
 * their cells regraded from every source that reaches them — but the sources of the named records
 * come from their records as the scenario changes them, and nothing is stored. Every query here
 * reads; callers run it in a read-only transaction.
 */
import type { Db } from '../db/db'
import { invalid } from '../domain/errors'
import type { Level } from '../domain/levels'
import type { RuleSet } from '../domain/rules'
import type { ScenarioChange } from '../domain/scenario'
import { gradeCells, zoneRows } from './engine'
import { gradeRegionAreas, type RegionRef } from './regions'
import {
  cellsOfSources,
  jsonRows,
  loadAreaRecords,
  loadCellSources,
  loadCells,
  loadEnterpriseRecords,
  pgArray,
  type AreaRecord,
  type CellState,
} from './repository'
import { areaSource, enterpriseSources, type EnterpriseRecords, type PointSource } from './sources'
import { cellPolygon } from './zones'

/** The record a change refers to, looked up by the caller: the enterprise or area it regrades. */
export interface ResolvedChange {
  change: ScenarioChange
  /** The enterprise whose sources the change alters (hidden dangers, installations). */
  enterpriseId?: number
  /** The area assessment the change alters. */
  areaId?: number
}

export interface CellChange {
  h3: string
  before: Level
  after: Level
  staleBefore: boolean
  staleAfter: boolean
}

export interface RegionChange extends RegionRef {
  name: string
  before: Level
  after: Level
  highestBefore: Level
  highestAfter: Level
  sharesBefore: Record<string, number>
  sharesAfter: Record<string, number>
}

export interface EnterpriseChange {
  id: number
  before: Level
  after: Level
}

export interface ScenarioCells {
  /** Analysis cells in the old and new impact zones of the records changed. */
  affectedCells: number
  /** Analysis cells whose level or stale flag would change (level changes first). */
  cells: CellChange[]
  /** States of every affected cell after the scenario (level > 0), for coverage. */
  after: Map<string, CellState>
  before: Map<string, CellState>
  enterprises: EnterpriseChange[]
}

function apply(records: Map<number, EnterpriseRecords>, areas: Map<number, AreaRecord>, resolved: ResolvedChange[]): void {
  resolved.forEach(({ change, enterpriseId, areaId }, i) => {
    const at = `changes[${i}]`
    const e = enterpriseId === undefined ? undefined : records.get(enterpriseId)
    const hazard = (id: number) => {
      const m = e?.majorHazards.find((x) => x.id === id)
      if (!m) throw invalid(`${at}.majorHazardId`, `major hazard ${id} is removed by an earlier change of this scenario`)
      return m
    }
    switch (change.kind) {
      case 'rectify_hidden_danger': {
        const before = e!.hiddenDangers.length
        e!.hiddenDangers = e!.hiddenDangers.filter((h) => h.id !== change.hiddenDangerId)
        if (e!.hiddenDangers.length === before)
          throw invalid(`${at}.hiddenDangerId`, `hidden danger ${change.hiddenDangerId} is already rectified by an earlier change of this scenario`)
        break
      }
      case 'add_hidden_danger':
        // A negative id: a record that does not exist, never confused with a stored one.
        e!.hiddenDangers.push({ id: -(i + 1), isMajor: change.isMajor, status: 'open', lon: change.lon ?? e!.lon, lat: change.lat ?? e!.lat })
        break
      case 'remove_installation':
        hazard(change.majorHazardId)
        e!.majorHazards = e!.majorHazards.filter((m) => m.id !== change.majorHazardId)
        break
      case 'relocate_installation': {
        const m = hazard(change.majorHazardId)
        m.lon = change.lon
        m.lat = change.lat
        break
      }
      case 'reduce_installation': {
        const m = hazard(change.majorHazardId)
        if (change.level > m.level) throw invalid(`${at}.level`, `a reduction lowers the level: major hazard ${m.id} is level ${m.level}`)
        m.level = change.level
        if (change.impactRadiusM !== undefined) m.impactRadiusM = change.impactRadiusM
        break
      }
      case 'change_area_assessment':
        areas.get(areaId!)!.level = change.level
        break
      default:
        break // resources do not grade cells
    }
  })
}

/**
 * The cells a scenario would change: loads the named enterprises and areas, applies the changes to
 * copies of their records, and regrades their old and new impact zones in memory from every
 * explanation row of those cells (the rows of the named records replaced by their new sources).
 */
export async function simulateCells(db: Db, resolved: ResolvedChange[], options: { res: number; rules: RuleSet; now?: Date }): Promise<ScenarioCells> {
  const now = options.now ?? new Date()
  const enterpriseIds = [...new Set(resolved.flatMap((r) => (r.enterpriseId === undefined ? [] : [r.enterpriseId])))]
  const areaIds = [...new Set(resolved.flatMap((r) => (r.areaId === undefined ? [] : [r.areaId])))]
  if (enterpriseIds.length === 0 && areaIds.length === 0) return { affectedCells: 0, cells: [], after: new Map(), before: new Map(), enterprises: [] }

  const loaded = enterpriseIds.length > 0 ? await loadEnterpriseRecords(db, { ids: enterpriseIds }) : []
  const areasLoaded = areaIds.length > 0 ? await loadAreaRecords(db, { ids: areaIds }) : []
  const levelsBefore = new Map(loaded.map((e) => [e.id, enterpriseSources(e, now, options.rules).grade.level]))
  const records = new Map(loaded.map((e) => [e.id, structuredClone(e)]))
  const areas = new Map(areasLoaded.map((a) => [a.id, structuredClone(a)]))
  apply(records, areas, resolved)

  const points: PointSource[] = []
  const enterprises: EnterpriseChange[] = []
  for (const e of records.values()) {
    const { grade, sources } = enterpriseSources(e, now, options.rules)
    points.push(...sources)
    const before = levelsBefore.get(e.id) ?? 0
    if (before !== grade.level) enterprises.push({ id: e.id, before, after: grade.level })
  }
  const newRows = zoneRows(
    points,
    [...areas.values()].map((a) => areaSource(a, now, options.rules)),
    options.res,
  )

  const oldCells = await cellsOfSources(db, enterpriseIds, areaIds)
  const affected = [...new Set([...oldCells, ...newRows.map((r) => r.h3)])]
  const named = new Set(enterpriseIds)
  const namedAreas = new Set(areaIds)
  const kept = (await loadCellSources(db, affected)).filter(
    (r) => !(r.enterpriseId !== null && named.has(r.enterpriseId)) && !(r.kind === 'area_assessment' && namedAreas.has(r.id)),
  )
  const after = gradeCells([...kept, ...newRows], options.rules)
  const before = await loadCells(db, options.res, affected)

  const cells: CellChange[] = []
  for (const h3 of affected) {
    const b = before.get(h3)
    const a = after.get(h3)
    const change = {
      h3,
      before: (b?.level ?? 0) as Level,
      after: (a?.level ?? 0) as Level,
      staleBefore: b ? b.stale : false,
      staleAfter: a && a.level > 0 ? a.stale : false,
    }
    if (change.before !== change.after || change.staleBefore !== change.staleAfter) cells.push(change)
  }
  // Level changes first, then by cell, so the order does not depend on how rows were loaded.
  cells.sort((x, y) => Number(x.before === x.after) - Number(y.before === y.after) || (x.h3 < y.h3 ? -1 : x.h3 > y.h3 ? 1 : 0))
  enterprises.sort((x, y) => x.id - y.id)
  return { affectedCells: affected.length, cells, after, before, enterprises }
}

/** Per region and level: the area (m²), the number of cells and of cells that are not stale. */
type LevelTally = Map<number, { area: number; cells: number; fresh: number }>

/**
 * The regions whose level or shares the changed cells would move. Each region's per-level areas
 * come from the stored cell → region mapping (as `recomputeRegions` reads them); a changed cell
 * moves its area from its old level to its new one. A cell that has no stored row yet (it had no
 * source) is mapped to regions here the way `mapCellsToRegions` maps a new cell, without writing.
 */
export async function simulateRegions(db: Db, res: number, cells: CellChange[], rules: RuleSet): Promise<RegionChange[]> {
  if (cells.length === 0) return []
  const stored = cells.filter((c) => c.before > 0).map((c) => c.h3)
  const fresh = cells.filter((c) => c.before === 0)
  const pieces: Array<{ kind: RegionRef['kind']; key: string; h3: string; area: number }> = []
  if (stored.length > 0) {
    const { rows } = await db.raw<{ rows: Array<{ kind: RegionRef['kind']; key: string; h3: string; area: number }> }>(
      `SELECT rc.region_kind AS kind, rc.region_key AS key, c.h3, rc.area_m2 AS area
       FROM region_cell rc JOIN cell c ON c.id = rc.cell_id WHERE c.res = ? AND c.h3 = ANY(?::text[])`,
      [res, pgArray(stored)],
    )
    pieces.push(...rows.map((r) => ({ ...r, area: Number(r.area) })))
  }
  if (fresh.length > 0) {
    const { rows } = await db.raw<{ rows: Array<{ kind: RegionRef['kind']; key: string; h3: string; area: number }> }>(
      `WITH cells AS (SELECT h3, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326) AS geom FROM jsonb_to_recordset(?::jsonb) AS x(h3 text, g text)),
       regions AS (
         SELECT 'division'::text AS kind, code AS key, geom FROM division
         UNION ALL SELECT 'mgmt_grid', id::text, geom FROM mgmt_grid
       )
       SELECT r.kind, r.key, c.h3,
         CASE WHEN ST_CoveredBy(c.geom, r.geom) THEN ST_Area(c.geom::geography)
              -- the region clipped to the cell's box first: the same intersection, without the whole polygon
              ELSE ST_Area(ST_Intersection(c.geom, ST_ClipByBox2D(r.geom, ST_Expand(c.geom::box2d, 0.0001)))::geography) END AS area
       FROM cells c JOIN regions r ON r.geom && c.geom AND ST_Intersects(r.geom, c.geom)`,
      [jsonRows(fresh.map((c) => ({ h3: c.h3, g: JSON.stringify(cellPolygon(c.h3)) })))],
    )
    // As mapCellsToRegions: a sliver of 1 m² or less is no part of the region.
    pieces.push(...rows.map((r) => ({ ...r, area: Number(r.area) })).filter((r) => r.area > 1))
  }
  if (pieces.length === 0) return []
  const regions = [...new Map(pieces.map((p) => [`${p.kind}/${p.key}`, { kind: p.kind, key: p.key }])).values()]

  const { rows: tallies } = await db.raw<{
    rows: Array<{
      kind: RegionRef['kind']
      key: string
      name: string
      total: number
      level: number | null
      area: number | null
      cells: number | null
      fresh: number | null
    }>
  }>(
    `WITH chosen AS (
       SELECT r.kind, r.key, coalesce(d.name, g.name) AS name, ST_Area(coalesce(d.geom, g.geom)::geography) AS total
       FROM jsonb_to_recordset(?::jsonb) AS r(kind text, key text)
       LEFT JOIN division d ON r.kind = 'division' AND d.code = r.key
       LEFT JOIN mgmt_grid g ON r.kind = 'mgmt_grid' AND g.id::text = r.key
     )
     SELECT ch.kind, ch.key, ch.name, ch.total, b.level, b.area, b.cells, b.fresh
     FROM chosen ch LEFT JOIN LATERAL (
       SELECT c.level, sum(rc.area_m2) AS area, count(*)::int AS cells, count(*) FILTER (WHERE NOT c.stale)::int AS fresh
       FROM region_cell rc JOIN cell c ON c.id = rc.cell_id AND c.res = ?
       WHERE rc.region_kind = ch.kind AND rc.region_key = ch.key
       GROUP BY c.level
     ) b ON true`,
    [JSON.stringify(regions), res],
  )
  const byRegion = new Map<string, { ref: RegionRef; name: string; total: number; tally: LevelTally }>()
  for (const t of tallies) {
    const k = `${t.kind}/${t.key}`
    let entry = byRegion.get(k)
    if (!entry) byRegion.set(k, (entry = { ref: { kind: t.kind, key: t.key }, name: t.name, total: Number(t.total), tally: new Map() }))
    if (t.level !== null) entry.tally.set(Number(t.level), { area: Number(t.area), cells: Number(t.cells), fresh: Number(t.fresh) })
  }
  const grade = (total: number, tally: LevelTally) => {
    const levels: Record<string, [number, boolean]> = {}
    for (const [level, v] of tally) if (level > 0 && v.cells > 0) levels[String(level)] = [Math.max(0, v.area), v.fresh === 0]
    return gradeRegionAreas(total, levels, rules)
  }
  const before = new Map([...byRegion].map(([k, r]) => [k, grade(r.total, r.tally)]))
  const byCell = new Map(cells.map((c) => [c.h3, c]))
  for (const p of pieces) {
    const r = byRegion.get(`${p.kind}/${p.key}`)
    const c = byCell.get(p.h3)
    if (!r || !c) continue
    if (c.before > 0) {
      const t = r.tally.get(c.before)
      if (t) {
        t.area -= p.area
        t.cells -= 1
        t.fresh -= c.staleBefore ? 0 : 1
      }
    }
    if (c.after > 0) {
      let t = r.tally.get(c.after)
      if (!t) r.tally.set(c.after, (t = { area: 0, cells: 0, fresh: 0 }))
      t.area += Number(p.area)
      t.cells += 1
      t.fresh += c.staleAfter ? 0 : 1
    }
  }
  const out: RegionChange[] = []
  for (const [k, r] of byRegion) {
    const b = before.get(k)!
    const a = grade(r.total, r.tally)
    out.push({
      ...r.ref,
      name: r.name,
      before: b.level,
      after: a.level,
      highestBefore: b.highestLevel,
      highestAfter: a.highestLevel,
      sharesBefore: b.shares,
      sharesAfter: a.shares,
    })
  }
  return out.sort((x, y) => (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
}
