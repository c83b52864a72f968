/**
 * The grading engine (docs/domain.md §4): from sources to analysis cells, the coarser pyramid, regions and
 * level history. The full regrade and the incremental path share every rule; both run under one
 * advisory lock so they never overwrite each other.
 */
import type { Knex } from 'knex'
import { cellToChildren, cellToParent } from 'h3-js'
import { cellLevel, parentLevel, type CellSource, type CellSourceKind } from '../domain/cell-level'
import type { Level } from '../domain/levels'
import type { RuleSet } from '../domain/rules'
import { cellPolygon, sourceCells, type SourceCells } from './zones'
import { zonePool } from './zone-pool'
import { areaSource, enterpriseSources, type AreaSource, type PointSource } from './sources'
import {
  bumpDataVersion,
  cellsOfSources,
  copyCellSources,
  deleteCells,
  emptyCellSourcesForReload,
  deleteSourcesOf,
  finishRun,
  insertCellSources,
  insertHistory,
  loadAreaRecords,
  loadCells,
  loadCellSources,
  loadEnterpriseRecords,
  lockGrading,
  startRun,
  upsertCells,
  type CellSourceRow,
  type CellState,
  type HistoryRow,
} from './repository'
// The enterprise's derived levels are written through the table's owner (docs/architecture.md, "Who owns a table").
import { writeEnterpriseLevels } from '../modules/enterprises'
import { mapCellsToRegions, recomputeRegions, refreshCellRegions, regionsOfCells, type RegionRef } from './regions'

export interface GradingOptions {
  /** H3 analysis resolution. */
  res: number
  rules: RuleSet
  /** The instant staleness is judged at; defaults to now. */
  now?: Date
}

/** What caused a level change, stored with each history row. */
export interface Cause {
  kind: string
  id: number | string
  action: string
}

/** The coarsest resolution kept for low zooms (H3 res 4 ≈ 1 770 km² per cell). */
export const MIN_PYRAMID_RES = 4

/** Pyramid resolutions coarser than the analysis resolution, finest first (docs/domain.md §4.5). */
export function pyramidResolutions(res: number): number[] {
  const list: number[] = []
  for (let r = res - 1; r >= MIN_PYRAMID_RES; r--) list.push(r)
  return list
}

/** Explanation rows of the cells each source influences. */
export function zoneRows(points: PointSource[], areas: AreaSource[], res: number): CellSourceRow[] {
  return rowsOf(points, areas, sourceCells(points, areas.map(gradedGeometry), res))
}

/** An area's geometry when it grades cells (level above 0), else null: it has no zone. */
const gradedGeometry = (a: AreaSource) => (a.level === 0 ? null : a.geometry)

/** Explanation rows from the sources' cells (`cells.points[i]` are those of `points[i]`, likewise areas). */
function rowsOf(points: PointSource[], areas: AreaSource[], cells: SourceCells): CellSourceRow[] {
  const rows: CellSourceRow[] = []
  points.forEach((p, i) => {
    for (const { h3, distanceM } of cells.points[i]!) {
      // Stored to 0.1 m; rounding here keeps in-memory and stored distances identical.
      rows.push({
        h3,
        kind: p.kind,
        id: p.id,
        enterpriseId: p.enterpriseId,
        level: p.level,
        distanceM: Math.round(distanceM * 10) / 10,
        radiusM: p.radiusM,
        stale: p.stale,
      })
    }
  })
  areas.forEach((a, i) => {
    for (const h3 of cells.areas[i]!) rows.push({ h3, kind: a.kind, id: a.id, enterpriseId: null, level: a.level, distanceM: 0, radiusM: 0, stale: a.stale })
  })
  return rows
}

/** Grades every cell that has explanation rows (docs/domain.md §4.3). */
export function gradeCells(rows: CellSourceRow[], rules: RuleSet): Map<string, CellState> {
  const byCell = new Map<string, CellSource[]>()
  for (const r of rows) {
    let list = byCell.get(r.h3)
    if (!list) byCell.set(r.h3, (list = []))
    list.push({ kind: r.kind as CellSourceKind, id: r.id, level: r.level, distanceM: r.distanceM, radiusM: r.radiusM, stale: r.stale })
  }
  const cells = new Map<string, CellState>()
  for (const [h3, sources] of byCell) {
    // A fixed order makes the floating-point score independent of how the rows were loaded.
    sources.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id - b.id))
    const g = cellLevel(sources, rules)
    cells.set(h3, { h3, level: g.level, rule: g.rule, stale: g.stale, score: g.score, counts: g.counts })
  }
  return cells
}

function sameState(a: CellState | undefined, b: CellState | undefined): boolean {
  if (!a || !b) return a === b
  return a.level === b.level && a.stale === b.stale && a.rule === b.rule && a.score === b.score && JSON.stringify(a.counts) === JSON.stringify(b.counts)
}

/** Parent states from child states (highest level, scores summed); parents without children vanish. */
function gradeParents(parents: Iterable<string>, childRes: number, child: (h3: string) => CellState | undefined): Map<string, CellState> {
  const out = new Map<string, CellState>()
  for (const parent of parents) {
    const children = cellToChildren(parent, childRes)
      .map(child)
      .filter((c): c is CellState => c !== undefined && c.level > 0)
    if (children.length === 0) continue
    const p = parentLevel(children)
    out.set(parent, { h3: parent, level: p.level, rule: 'highest', stale: p.stale, score: p.score, counts: { children: children.length } })
  }
  return out
}

/**
 * Writes the states of `h3s` at `res`: upserts the graded ones, deletes the rest. Returns the
 * history rows of level/stale changes and the ids of newly created cells.
 */
async function writeCellStates(
  trx: Knex.Transaction,
  res: number,
  h3s: Iterable<string>,
  before: Map<string, CellState>,
  after: Map<string, CellState>,
  cause: object,
  runId: number | null,
): Promise<{ history: HistoryRow[]; created: number[] }> {
  const upserts: Array<CellState & { geometry: ReturnType<typeof cellPolygon> }> = []
  const deletes: string[] = []
  const history: HistoryRow[] = []
  for (const h3 of h3s) {
    const old = before.get(h3)
    const now = after.get(h3)
    if (sameState(old, now)) continue
    if (now && now.level > 0) upserts.push({ ...now, geometry: cellPolygon(h3) })
    else if (old) deletes.push(h3)
    const oldLevel = (old?.level ?? 0) as Level
    const newLevel = (now?.level ?? 0) as Level
    const oldStale = old?.stale ?? false
    const newStale = now && now.level > 0 ? now.stale : false
    if (oldLevel !== newLevel || oldStale !== newStale) history.push({ h3, res, oldLevel, newLevel, oldStale, newStale, cause, runId })
  }
  const created = await upsertCells(trx, res, upserts)
  await deleteCells(trx, res, deletes)
  return { history, created }
}

function uniqueRegions(list: RegionRef[]): RegionRef[] {
  const seen = new Map(list.map((r) => [`${r.kind}:${r.key}`, r]))
  return [...seen.values()]
}

/** Result of an incremental regrade. */
export interface IncrementalResult {
  /** Analysis cells in the old and new impact zones. */
  affectedCells: number
  /** Analysis cells whose level or stale flag changed. */
  changedCells: number
  dataVersion: number
}

/**
 * Regrades only what an edit touched (docs/domain.md §4.6): the enterprises and area assessments named,
 * the analysis cells in their old and new impact zones, their pyramid parents and the regions
 * around them. Call inside the edit's transaction so that a failure stores nothing.
 */
export async function regradeIncremental(
  trx: Knex.Transaction,
  scope: { enterpriseIds?: number[]; areaIds?: number[] },
  cause: Cause,
  options: GradingOptions,
): Promise<IncrementalResult> {
  const now = options.now ?? new Date()
  const enterpriseIds = [...new Set(scope.enterpriseIds ?? [])]
  const areaIds = [...new Set(scope.areaIds ?? [])]
  await lockGrading(trx)

  const oldCells = await cellsOfSources(trx, enterpriseIds, areaIds)
  await deleteSourcesOf(trx, enterpriseIds, areaIds)

  const points: PointSource[] = []
  const levels: Array<{ id: number; level: Level; inherent: Level; reason: object }> = []
  if (enterpriseIds.length > 0) {
    for (const e of await loadEnterpriseRecords(trx, { ids: enterpriseIds })) {
      const { grade, sources } = enterpriseSources(e, now, options.rules)
      levels.push({ id: e.id, level: grade.level, inherent: grade.inherentLevel, reason: grade.reason })
      points.push(...sources)
    }
  }
  await writeEnterpriseLevels(trx, levels)
  const areas = areaIds.length > 0 ? (await loadAreaRecords(trx, { ids: areaIds })).map((a) => areaSource(a, now, options.rules)) : []
  const rows = zoneRows(points, areas, options.res)
  await insertCellSources(trx, rows)

  const affected = [...new Set([...oldCells, ...rows.map((r) => r.h3)])]
  if (affected.length === 0) return { affectedCells: 0, changedCells: 0, dataVersion: await bumpDataVersion(trx) }

  const before = await loadCells(trx, options.res, affected)
  const after = gradeCells(await loadCellSources(trx, affected), options.rules)
  const changed = affected.filter(
    (h) => (before.get(h)?.level ?? 0) !== (after.get(h)?.level ?? 0) || (before.get(h)?.stale ?? false) !== (after.get(h)?.stale ?? false),
  )
  const regions = await regionsOfCells(trx, options.res, changed)
  const { history, created } = await writeCellStates(trx, options.res, affected, before, after, cause, null)
  await insertHistory(trx, history, now)
  await mapCellsToRegions(trx, options.res, created)
  regions.push(...(await regionsOfCells(trx, options.res, changed)))

  let children = affected
  let childRes = options.res
  for (const res of pyramidResolutions(options.res)) {
    const parents = [...new Set(children.map((h) => cellToParent(h, res)))]
    const childStates = await loadCells(
      trx,
      childRes,
      parents.flatMap((p) => cellToChildren(p, childRes)),
    )
    const parentBefore = await loadCells(trx, res, parents)
    const parentAfter = gradeParents(parents, childRes, (h) => childStates.get(h))
    await writeCellStates(trx, res, parents, parentBefore, parentAfter, cause, null)
    children = parents
    childRes = res
  }

  await recomputeRegions(trx, options.res, uniqueRegions(regions), options.rules)
  return { affectedCells: affected.length, changedCells: history.length, dataVersion: await bumpDataVersion(trx) }
}

/** Progress of a full regrade, for a progress bar or a job status. */
export interface RegradeProgress {
  phase: 'sources' | 'cells' | 'pyramid' | 'regions' | 'done'
  done: number
  total: number
}

export interface FullRegradeResult {
  runId: number
  ruleVersion: string
  seconds: number
  counts: {
    enterprises: number
    areaAssessments: number
    sources: number
    cellSources: number
    cells: number
    changedCells: number
    pyramidCells: number
    regions: number
  }
  dataVersion: number
}

const PAGE = 5_000

/**
 * Reads records page by page (by id) and overlaps the work: `prepare` computes a page in Node and
 * returns how to store it; while PostgreSQL stores one page the next is read and computed. One
 * statement at a time on the transaction's connection: a store starts once the next read returned.
 */
async function pipelinedPages<T extends { id: number }>(
  load: (afterId: number) => Promise<T[]>,
  prepare: (page: T[]) => Promise<() => Promise<unknown>>,
): Promise<void> {
  let storing: Promise<unknown> = Promise.resolve()
  let page = await load(0)
  while (page.length > 0) {
    const store = await prepare(page)
    await storing
    const next = await load(page[page.length - 1]!.id)
    storing = store()
    storing.catch(() => undefined) // awaited before the next statement
    page = next
  }
  await storing
}

/** Recomputes everything from the sources, records a run, keeps cell ids stable and records every change. */
export async function fullRegrade(
  db: Knex,
  options: GradingOptions,
  hooks: { onStart?: (runId: number) => void; onProgress?: (p: RegradeProgress) => void } = {},
): Promise<FullRegradeResult> {
  const started = Date.now()
  const now = options.now ?? new Date()
  const onProgress = hooks.onProgress ?? (() => {})
  const runId = await startRun(db, 'full', options.rules, options.res)
  hooks.onStart?.(runId)
  try {
    const result = await db.transaction(async (trx) => {
      await lockGrading(trx)
      const [{ count: enterpriseTotal }] = await trx('enterprise').count<{ count: string }[]>('* as count')
      const [{ count: areaTotal }] = await trx('area_assessment').count<{ count: string }[]>('* as count')
      const total = Number(enterpriseTotal) + Number(areaTotal)
      const rebuildIndexes = await emptyCellSourcesForReload(trx)

      const rows: CellSourceRow[] = []
      let sources = 0
      let enterprises = 0
      let areaCount = 0
      // The zones (h3 work, most of the Node time) are computed on worker threads.
      const pool = zonePool()
      try {
        await pipelinedPages(
          (afterId) => loadEnterpriseRecords(trx, { afterId, limit: PAGE }),
          async (page) => {
            const levels: Array<{ id: number; level: Level; inherent: Level; reason: object }> = []
            const points: PointSource[] = []
            for (const e of page) {
              const { grade, sources: s } = enterpriseSources(e, now, options.rules)
              levels.push({ id: e.id, level: grade.level, inherent: grade.inherentLevel, reason: grade.reason })
              points.push(...s)
            }
            const pageRows = rowsOf(points, [], await pool.cells(points, [], options.res))
            for (const r of pageRows) rows.push(r)
            sources += points.length
            enterprises += page.length
            onProgress({ phase: 'sources', done: enterprises, total })
            return async () => {
              await writeEnterpriseLevels(trx, levels)
              await copyCellSources(trx, pageRows)
            }
          },
        )
        await pipelinedPages(
          (afterId) => loadAreaRecords(trx, { afterId, limit: PAGE }),
          async (areas) => {
            const graded = areas.map((a) => areaSource(a, now, options.rules))
            const pageRows = rowsOf([], graded, await pool.cells([], graded.map(gradedGeometry), options.res))
            for (const r of pageRows) rows.push(r)
            sources += areas.length
            areaCount += areas.length
            onProgress({ phase: 'sources', done: enterprises + areaCount, total })
            return () => copyCellSources(trx, pageRows)
          },
        )
      } finally {
        await pool.close()
      }
      await rebuildIndexes()

      onProgress({ phase: 'cells', done: 0, total: 1 })
      const after = gradeCells(rows, options.rules)
      rows.length = 0
      const before = await loadCells(trx, options.res)
      const touched = new Set([...before.keys(), ...after.keys()])
      const cause = { kind: 'grading_run', id: runId, action: 'full' }
      const { history } = await writeCellStates(trx, options.res, touched, before, after, cause, runId)
      await insertHistory(trx, history, now)
      onProgress({ phase: 'cells', done: 1, total: 1 })

      let pyramidCells = 0
      let level = after
      let childRes = options.res
      const pyramid = pyramidResolutions(options.res)
      for (const [i, res] of pyramid.entries()) {
        const parents = new Set([...level.keys()].map((h) => cellToParent(h, res)))
        const states = gradeParents(parents, childRes, (h) => level.get(h))
        const parentBefore = await loadCells(trx, res)
        await writeCellStates(trx, res, new Set([...parentBefore.keys(), ...states.keys()]), parentBefore, states, cause, runId)
        pyramidCells += states.size
        level = states
        childRes = res
        onProgress({ phase: 'pyramid', done: i + 1, total: pyramid.length })
      }

      onProgress({ phase: 'regions', done: 0, total: 1 })
      // Map the cells this run created (every cell when region polygons changed), then grade every region.
      await refreshCellRegions(trx, options.res)
      const regions = await recomputeRegions(trx, options.res, null, options.rules)
      onProgress({ phase: 'regions', done: 1, total: 1 })
      const [{ count: cellSources }] = await trx('cell_source').count<{ count: string }[]>('* as count')
      return {
        counts: {
          enterprises,
          areaAssessments: areaCount,
          sources,
          cellSources: Number(cellSources),
          cells: after.size,
          changedCells: history.length,
          pyramidCells,
          regions,
        },
        dataVersion: await bumpDataVersion(trx),
      }
    })
    await finishRun(db, runId, 'done', result.counts)
    // The run rewrote these tables wholesale: fresh statistics keep the explanation queries on
    // their indexes (stale ones made the planner scan every source table).
    await db.raw('ANALYZE cell_source, cell, region_cell, enterprise')
    onProgress({ phase: 'done', done: 1, total: 1 })
    return { runId, ruleVersion: options.rules.version, seconds: (Date.now() - started) / 1000, ...result }
  } catch (err) {
    await finishRun(db, runId, 'failed', {}, (err as Error).message).catch(() => undefined)
    throw err
  }
}
