/**
 * Publications (DESIGN §8): an approved, immutable snapshot of the cell levels (from the coarsest
 * pyramid resolution up to the public resolution, never finer), the region levels and shares, and
 * the public-area zones. Written once in one transaction; the tables refuse any later change
 * (migration 008), so every read here is of a frozen state.
 */
import type { Knex } from 'knex'
import { lockGrading, pgArray } from '../../grading/repository'
import { MIN_PYRAMID_RES } from '../../grading/engine'

type Db = Knex | Knex.Transaction

/** Counts of a level 0..4, keyed by the level as text. */
export type LevelCounts = Record<'0' | '1' | '2' | '3' | '4', number>

export interface PublicationSummary {
  id: number
  createdAt: string
  approvedBy: number
  /** Username of the approver (null if the account has no name on record). */
  approverName: string | null
  note: string | null
  /** Finest H3 resolution of the snapshot (the public resolution). */
  resolution: number
  /** Coarsest H3 resolution of the snapshot (the pyramid's coarsest). */
  minResolution: number
  ruleVersion: string
  dataVersion: number
  counts: {
    /** Cells at `resolution` per level (0: the cell had a source once, or is stale). */
    cells: LevelCounts
    /** Regions (division units and management grids) per level. */
    regions: LevelCounts
    /** Public-area zones per level. */
    areas: LevelCounts
  }
}

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

export async function getPublication(db: Db, id: number): Promise<PublicationSummary | undefined> {
  const rows = (await publicationQuery(db).where('p.id', id)) as PublicationRow[]
  return (await summarize(db, rows))[0]
}

export interface CellChange {
  h3: string
  res: number
  before: number
  after: number
  /** The hexagon as GeoJSON (WGS 84). */
  geometry: { type: 'Polygon'; coordinates: number[][][] }
}

export interface RegionChange {
  kind: 'division' | 'mgmt_grid'
  key: string
  name: string
  before: number
  after: number
}

export interface PublicationDiff {
  /** Cells compared at this resolution: the finer of the two snapshots' common resolutions. */
  resolution: number
  cells: CellChange[]
  regions: RegionChange[]
}

/**
 * Cells and regions whose level differs between publication `before` and publication `after`.
 * A cell or region missing from one side counts as level 0 there (it had no source then).
 */
export async function diffPublications(db: Db, before: PublicationSummary, after: PublicationSummary): Promise<PublicationDiff> {
  const resolution = Math.min(before.resolution, after.resolution)
  const { rows: cells } = await db.raw<{ rows: Array<{ h3: string; before: number; after: number; geometry: CellChange['geometry'] }> }>(
    `SELECT coalesce(a.h3, b.h3) AS h3, coalesce(a.level, 0) AS before, coalesce(b.level, 0) AS after,
            ST_AsGeoJSON(coalesce(b.geom, a.geom), 6)::json AS geometry
     FROM (SELECT h3, level, geom FROM publication_cell WHERE publication_id = ? AND res = ?) a
     FULL OUTER JOIN (SELECT h3, level, geom FROM publication_cell WHERE publication_id = ? AND res = ?) b ON b.h3 = a.h3
     WHERE coalesce(a.level, 0) <> coalesce(b.level, 0)
     ORDER BY 1`,
    [before.id, resolution, after.id, resolution],
  )
  const { rows: regions } = await db.raw<{ rows: Array<{ kind: RegionChange['kind']; key: string; name: string; before: number; after: number }> }>(
    `SELECT coalesce(a.region_kind, b.region_kind) AS kind, coalesce(a.region_key, b.region_key) AS key, coalesce(b.name, a.name) AS name,
            coalesce(a.level, 0) AS before, coalesce(b.level, 0) AS after
     FROM (SELECT * FROM publication_region WHERE publication_id = ?) a
     FULL OUTER JOIN (SELECT * FROM publication_region WHERE publication_id = ?) b ON b.region_kind = a.region_kind AND b.region_key = a.region_key
     WHERE coalesce(a.level, 0) <> coalesce(b.level, 0)
     ORDER BY 1, 2`,
    [before.id, after.id],
  )
  return {
    resolution,
    cells: cells.map((c) => ({ h3: c.h3, res: resolution, before: Number(c.before), after: Number(c.after), geometry: c.geometry })),
    regions: regions.map((r) => ({ ...r, before: Number(r.before), after: Number(r.after) })),
  }
}
