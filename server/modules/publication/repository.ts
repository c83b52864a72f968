/**
 * Publications (docs/domain.md §8): an approved, immutable snapshot of the cell levels (from the coarsest
 * pyramid resolution up to the public resolution, never finer), the region levels and shares, and
 * the public-area zones. Written once in one transaction; the tables refuse any later change
 * (migration 008), so every read here is of a frozen state.
 */
import type { Knex } from 'knex'
import type { Db } from '../../db/db'
import { lockGrading, pgArray } from '../../grading/repository'
import { MIN_PYRAMID_RES } from '../../grading/engine'
import type { Level } from '../../domain/levels'
import type { CauseCount, LevelCounts, Publication } from './schemas'

/** A publication with its counts per level, as the staff routes send it (and the public portal reads it). */
export type PublicationSummary = Publication

export interface CreatePublication {
  approvedBy: number
  note: string | null
  /** The finest resolution published: min(publicMaxRes, analysis resolution). */
  resolution: number
  ruleVersion: string
}

const emptyCounts = (): LevelCounts => ({ '0': 0, '1': 0, '2': 0, '3': 0, '4': 0 })

function levelCounts(rows: Array<{ level: number; n: string | number }>): LevelCounts {
  const counts = emptyCounts()
  for (const r of rows) counts[String(r.level) as keyof LevelCounts] = Number(r.n)
  return counts
}

/** The coarsest resolution a publication at `resolution` holds. */
export function minResolution(resolution: number): number {
  return Math.min(MIN_PYRAMID_RES, resolution)
}

/**
 * Snapshots the live state as a new publication, in the caller's transaction. The grading lock
 * keeps every regrade out while the three copies are taken, so cells, regions and areas are of
 * one moment.
 */
export async function insertPublication(trx: Knex.Transaction, input: CreatePublication): Promise<number> {
  await lockGrading(trx)
  const { rows: versions } = await trx.raw<{ rows: Array<{ version: string }> }>('SELECT version FROM data_version')
  const [row] = await trx('publication')
    .insert({
      approved_by: input.approvedBy,
      note: input.note,
      h3_res: input.resolution,
      rule_version: input.ruleVersion,
      data_version: Number(versions[0]?.version ?? 0),
    })
    .returning('id')
  const id = Number((row as { id: number }).id)
  await trx.raw(
    `INSERT INTO publication_cell (publication_id, id, h3, res, level, stale, geom)
     SELECT ?, c.id, c.h3, c.res, c.level, c.stale, c.geom FROM cell c WHERE c.res BETWEEN ? AND ?`,
    [id, minResolution(input.resolution), input.resolution],
  )
  await trx.raw(
    `INSERT INTO publication_region (publication_id, region_kind, region_key, name, level, max_level, shares)
     SELECT ?, l.region_kind, l.region_key, coalesce(d.name, g.name), l.level, l.max_level, l.shares
     FROM region_level l
     LEFT JOIN division d ON l.region_kind = 'division' AND d.code = l.region_key
     LEFT JOIN mgmt_grid g ON l.region_kind = 'mgmt_grid' AND g.id::text = l.region_key
     WHERE coalesce(d.name, g.name) IS NOT NULL`,
    [id],
  )
  await trx.raw(
    `INSERT INTO publication_area (publication_id, area_id, name, level, geom)
     SELECT ?, a.id, a.name, a.level, a.geom FROM area_assessment a`,
    [id],
  )
  return id
}

interface PublicationRow {
  id: number
  created_at: Date
  approved_by: number
  approver_name: string | null
  note: string | null
  h3_res: number
  rule_version: string
  data_version: string
}

async function summarize(db: Db, rows: PublicationRow[]): Promise<PublicationSummary[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const count = (sql: string) => db.raw<{ rows: Array<{ publication_id: number; level: number; n: string }> }>(sql, [pgArray(ids)])
  // One after the other: `db` may be a transaction, whose one connection runs one query at a time.
  const cells = await count(
    `SELECT c.publication_id, c.level, count(*) AS n FROM publication_cell c JOIN publication p ON p.id = c.publication_id AND c.res = p.h3_res
       WHERE c.publication_id = ANY(?::int[]) GROUP BY 1, 2`,
  )
  const regions = await count('SELECT publication_id, level, count(*) AS n FROM publication_region WHERE publication_id = ANY(?::int[]) GROUP BY 1, 2')
  const areas = await count('SELECT publication_id, level, count(*) AS n FROM publication_area WHERE publication_id = ANY(?::int[]) GROUP BY 1, 2')
  const of = (result: typeof cells, id: number) => levelCounts(result.rows.filter((r) => Number(r.publication_id) === id))
  return rows.map((r) => ({
    id: Number(r.id),
    createdAt: r.created_at.toISOString(),
    approvedBy: Number(r.approved_by),
    approverName: r.approver_name,
    note: r.note,
    resolution: Number(r.h3_res),
    minResolution: minResolution(Number(r.h3_res)),
    ruleVersion: r.rule_version,
    dataVersion: Number(r.data_version),
    counts: { cells: of(cells, Number(r.id)), regions: of(regions, Number(r.id)), areas: of(areas, Number(r.id)) },
  }))
}

function publicationQuery(db: Db): Knex.QueryBuilder {
  return db('publication as p')
    .leftJoin('app_user as u', 'u.id', 'p.approved_by')
    .select('p.id', 'p.created_at', 'p.approved_by', 'u.username as approver_name', 'p.note', 'p.h3_res', 'p.rule_version', 'p.data_version')
}

/** Publications, newest first, with their counts per level. */
export async function listPublications(db: Db, page: { limit: number; offset: number }): Promise<{ total: number; items: PublicationSummary[] }> {
  const [{ n }] = (await db('publication').count('* as n')) as [{ n: string }]
  const rows = (await publicationQuery(db).orderBy('p.id', 'desc').limit(page.limit).offset(page.offset)) as PublicationRow[]
  return { total: Number(n), items: await summarize(db, rows) }
}

/** The id of the latest publication, or null when nothing has been published. */
export async function latestPublicationId(db: Db): Promise<number | null> {
  const row = (await db('publication').max('id as id').first()) as { id: number | null } | undefined
  return row?.id == null ? null : Number(row.id)
}

export async function getPublication(db: Db, id: number): Promise<PublicationSummary | undefined> {
  const rows = (await publicationQuery(db).where('p.id', id)) as PublicationRow[]
  return (await summarize(db, rows))[0]
}

export interface CellChange {
  h3: string
  res: number
  before: Level
  after: Level
  /** The hexagon as GeoJSON (WGS 84). */
  geometry: { type: 'Polygon'; coordinates: number[][][] }
}

export interface RegionChange {
  kind: 'division' | 'mgmt_grid'
  key: string
  name: string
  before: Level
  after: Level
  /** The share of area per level moved (by more than SHARE_TOLERANCE for some level). */
  sharesChanged: boolean
}

/** What changed between two states (the routes' diffBody names each change and counts them). */
export interface StateDiff {
  /** Cells compared at this resolution: the finer of the two sides' common resolutions. */
  resolution: number
  cells: CellChange[]
  /** Regions whose level or share of levels changed. */
  regions: RegionChange[]
  /** What changed the analysis cells in between (the analysis-resolution level history, per cause), most cells first. */
  causes: CauseCount[]
}

/** One side of a comparison: a publication, or the live levels (what a draft would publish). */
export type DiffSide = { publication: PublicationSummary } | { live: true }

/** A share of area (0–1) that moved by less than this is the same share (0.05 percentage points). */
export const SHARE_TOLERANCE = 0.0005

/** Causes listed in a diff, most cells first. */
const CAUSES_LISTED = 50

function cellsOf(side: DiffSide | null, res: number): { sql: string; bindings: number[] } {
  if (side === null) return { sql: 'SELECT NULL::text AS h3, 0 AS level, NULL::geometry AS geom WHERE false', bindings: [] }
  if ('live' in side) return { sql: 'SELECT h3, level, geom FROM cell WHERE res = ?', bindings: [res] }
  return { sql: 'SELECT h3, level, geom FROM publication_cell WHERE publication_id = ? AND res = ?', bindings: [side.publication.id, res] }
}

type RegionRow = { kind: RegionChange['kind']; key: string; name: string; level: Level; shares: Record<string, number> }

async function regionsOf(db: Db, side: DiffSide | null): Promise<Map<string, RegionRow>> {
  if (side === null) return new Map()
  const { rows } =
    'live' in side
      ? await db.raw<{ rows: RegionRow[] }>(
          `SELECT l.region_kind AS kind, l.region_key AS key, coalesce(d.name, g.name) AS name, l.level, l.shares
         FROM region_level l
         LEFT JOIN division d ON l.region_kind = 'division' AND d.code = l.region_key
         LEFT JOIN mgmt_grid g ON l.region_kind = 'mgmt_grid' AND g.id::text = l.region_key
         WHERE coalesce(d.name, g.name) IS NOT NULL`,
        )
      : await db.raw<{ rows: RegionRow[] }>(
          'SELECT region_kind AS kind, region_key AS key, name, level, shares FROM publication_region WHERE publication_id = ?',
          [side.publication.id],
        )
  return new Map(rows.map((r) => [`${r.kind}/${r.key}`, { ...r, level: Number(r.level) as Level }]))
}

function sharesMoved(a: Record<string, number> | undefined, b: Record<string, number> | undefined): boolean {
  for (const level of ['0', '1', '2', '3', '4']) {
    if (Math.abs(Number(a?.[level] ?? 0) - Number(b?.[level] ?? 0)) > SHARE_TOLERANCE) return true
  }
  return false
}

/**
 * What changed from side `before` (null: nothing published yet) to side `after`: the cells at the
 * common resolution whose level differs, the regions whose level or shares differ, and the causes
 * of the analysis cells' level changes between the two moments (`since` … `until`, null: now), read
 * from the level history at `analysisRes`. A cell or region missing from one side counts as level
 * 0 there (it had no source then).
 */
export async function diffStates(
  db: Db,
  before: DiffSide | null,
  after: DiffSide,
  options: { resolution: number; analysisRes: number; since: string | null; until: string | null },
): Promise<StateDiff> {
  const { resolution } = options
  const a = cellsOf(before, resolution)
  const b = cellsOf(after, resolution)
  const { rows: cells } = await db.raw<{ rows: Array<{ h3: string; before: number; after: number; geometry: CellChange['geometry'] }> }>(
    `SELECT coalesce(a.h3, b.h3) AS h3, coalesce(a.level, 0) AS before, coalesce(b.level, 0) AS after,
            ST_AsGeoJSON(coalesce(b.geom, a.geom), 6)::json AS geometry
     FROM (${a.sql}) a
     FULL OUTER JOIN (${b.sql}) b ON b.h3 = a.h3
     WHERE coalesce(a.level, 0) <> coalesce(b.level, 0)
     ORDER BY 1`,
    [...a.bindings, ...b.bindings],
  )
  const [ra, rb] = [await regionsOf(db, before), await regionsOf(db, after)]
  const regions: RegionChange[] = []
  for (const k of [...new Set([...ra.keys(), ...rb.keys()])].sort()) {
    const x = ra.get(k)
    const y = rb.get(k)
    const levelBefore: Level = x?.level ?? 0
    const levelAfter: Level = y?.level ?? 0
    const sharesChanged = sharesMoved(x?.shares, y?.shares)
    if (levelBefore === levelAfter && !sharesChanged) continue
    const base = (y ?? x)!
    regions.push({ kind: base.kind, key: base.key, name: base.name, before: levelBefore, after: levelAfter, sharesChanged })
  }
  const { rows: causes } = await db.raw<{ rows: Array<{ cause: CauseCount['cause']; raised: string; lowered: string; stale_only: string }> }>(
    `SELECT cause, count(*) FILTER (WHERE new_level > old_level) AS raised, count(*) FILTER (WHERE new_level < old_level) AS lowered,
            count(*) FILTER (WHERE new_level = old_level) AS stale_only
     FROM cell_level_history
     WHERE res = ? AND (?::timestamptz IS NULL OR changed_at > ?::timestamptz) AND (?::timestamptz IS NULL OR changed_at <= ?::timestamptz)
     GROUP BY cause ORDER BY count(*) DESC, cause::text LIMIT ${CAUSES_LISTED}`,
    [options.analysisRes, options.since, options.since, options.until, options.until],
  )
  return {
    resolution,
    cells: cells.map((c) => ({ h3: c.h3, res: resolution, before: Number(c.before) as Level, after: Number(c.after) as Level, geometry: c.geometry })),
    regions,
    causes: causes.map((c) => ({ cause: c.cause, raised: Number(c.raised), lowered: Number(c.lowered), staleOnly: Number(c.stale_only) })),
  }
}

/** The diff between two publications (`before` the older side). */
export async function diffPublications(db: Db, before: PublicationSummary, after: PublicationSummary, analysisRes: number): Promise<StateDiff> {
  const [older, newer] = before.createdAt <= after.createdAt ? [before, after] : [after, before]
  return diffStates(
    db,
    { publication: before },
    { publication: after },
    {
      resolution: Math.min(before.resolution, after.resolution),
      analysisRes,
      since: older.createdAt,
      until: newer.createdAt,
    },
  )
}
