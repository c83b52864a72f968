/**
 * What the public portal reads (docs/domain.md §8). Levels and shapes come from the latest publication
 * only, never from the live grading tables; shelters and published penalties are read live, and
 * every query selects its columns by name so that no enterprise name, USCC, substance, quantity or
 * record text can reach a response.
 */
import type { Knex } from 'knex'
import { pointSql } from '../../db/db'
import type { Level } from '../../domain/levels'
import { NEARBY_SHELTERS, type NearbyShelter, type PointReading, type PublicPenaltyPage, type PublicRegion, type ShelterCollection } from './schemas'

/** Region levels and shares of a publication, divisions first (by code), then grids. */
export async function publishedRegions(db: Knex, publicationId: number, kind?: PublicRegion['kind']): Promise<PublicRegion[]> {
  const q = db('publication_region as r')
    .leftJoin('division as d', function () {
      this.on('d.code', '=', 'r.region_key').andOnVal('r.region_kind', '=', 'division')
    })
    .leftJoin('mgmt_grid as g', function () {
      this.on('r.region_key', '=', db.raw('g.id::text')).andOnVal('r.region_kind', '=', 'mgmt_grid')
    })
    .join('publication as p', 'p.id', 'r.publication_id')
    .select('r.region_kind as kind', 'r.region_key as key', 'r.name', 'r.level', 'r.shares', 'd.rank')
    .select(db.raw('coalesce(d.parent_code, g.division_code) AS "parentCode"'))
    .select(db.raw(`coalesce(r.max_level, CASE WHEN p.rule_version = '2026.1' THEN r.level END) AS "highestLevel"`))
    .where('r.publication_id', publicationId)
    .orderBy([{ column: 'r.region_kind' }, { column: 'r.region_key' }])
  if (kind) q.andWhere('r.region_kind', kind)
  const rows = (await q) as Array<Omit<PublicRegion, 'level' | 'highestLevel'> & { level: number | string; highestLevel: number | string | null }>
  return rows.map((r) => ({ ...r, level: Number(r.level) as Level, highestLevel: r.highestLevel === null ? null : (Number(r.highestLevel) as Level) }))
}

/** A shelter as the public list sends it. */
export interface ShelterRow {
  id: number
  name: string
  capacity: number | null
  /** County and township names of the shelter's division, e.g. 铁西区 兴华街道. */
  address: string | null
  status: ShelterCollection['features'][number]['properties']['status']
  geometry: ShelterCollection['features'][number]['geometry']
}

/** Emergency shelters (避难场所) with their capacity: public information by nature. */
export async function shelters(db: Knex): Promise<ShelterRow[]> {
  const rows = (await db('resource as r')
    .leftJoin('division as t', 't.code', 'r.division_code')
    .leftJoin('division as c', 'c.code', 't.parent_code')
    .select('r.id', 'r.name', 'r.capacity', 'r.status')
    .select(
      db.raw(`nullif(concat_ws(' ', CASE WHEN t.rank = 'township' THEN c.name END, t.name), '') AS address`),
      db.raw('ST_AsGeoJSON(r.geom, 6)::json AS geometry'),
    )
    .where('r.kind', 'shelter')
    .orderBy('r.id')) as Array<ShelterRow & { id: string | number }>
  return rows.map((r) => ({ ...r, id: Number(r.id) }))
}

/**
 * Published penalties, newest first. Only the decision's own facts and the county are selected:
 * the enterprise is joined for its division code alone.
 */
export async function publishedPenalties(db: Knex, page: { limit: number; offset: number }): Promise<PublicPenaltyPage> {
  const [{ n }] = (await db('penalty').where('published', true).count('* as n')) as [{ n: string }]
  const rows = (await db('penalty as p')
    .join('enterprise as e', 'e.id', 'p.enterprise_id')
    .leftJoin('division as d', function () {
      this.on('d.code', '=', db.raw('left(e.division_code, 6)'))
    })
    .leftJoin('violation as v', 'v.id', 'p.violation_id')
    .select('p.decision_no', 'p.amount_yuan', 'd.name as division_name', 'v.legal_basis')
    .select(db.raw(`to_char(p.decided_at, 'YYYY-MM-DD') AS decided_at`))
    .where('p.published', true)
    .orderBy([
      { column: 'p.decided_at', order: 'desc' },
      { column: 'p.id', order: 'desc' },
    ])
    .limit(page.limit)
    .offset(page.offset)) as Array<{ decision_no: string; amount_yuan: string; division_name: string | null; legal_basis: string | null; decided_at: string }>
  return {
    total: Number(n),
    items: rows.map((r) => ({
      decisionNo: r.decision_no,
      decidedAt: r.decided_at,
      amountYuan: Number(r.amount_yuan),
      divisionName: r.division_name,
      violationCategory: r.legal_basis,
    })),
  }
}

/**
 * What a publication says about one point (docs/domain.md §8): the level of the published cell
 * `h3` (the point's cell at the publication's finest resolution), the public-area zones over the
 * point, the divisions around it with their published level and shares, and the nearest shelters.
 */
export async function placeReading(db: Knex, publicationId: number, point: { lon: number; lat: number; h3: string; res: number }): Promise<PointReading> {
  const cell = (await db('publication_cell').select('level', 'stale').where({ publication_id: publicationId, res: point.res, h3: point.h3 }).first()) as
    { level: number | string; stale: boolean } | undefined
  const pt = pointSql(db, point.lon, point.lat)
  const area = (await db('publication_area')
    .max('level as level')
    .where('publication_id', publicationId)
    .andWhere(db.raw('ST_Intersects(geom, ?)', [pt]))
    .first()) as { level: number | string | null } | undefined
  const regions = (await db('division as d')
    .join('publication_region as r', function () {
      this.on('r.region_key', '=', 'd.code').andOnVal('r.region_kind', '=', 'division').andOnVal('r.publication_id', '=', publicationId)
    })
    .select('d.code as key', 'r.name', 'd.name_en as nameEn', 'd.rank', 'r.level', 'r.shares')
    .whereIn('d.rank', ['county', 'township'])
    .andWhere(db.raw('ST_Intersects(d.geom, ?)', [pt]))
    .orderBy(db.raw('length(d.code)'), 'desc')) as Array<Omit<PointReading['regions'][number], 'level'> & { level: number | string }>
  const near = (await db('resource as r')
    .leftJoin('division as t', 't.code', 'r.division_code')
    .leftJoin('division as c', 'c.code', 't.parent_code')
    .select('r.name', 'r.capacity')
    .select(
      db.raw(`nullif(concat_ws(' ', CASE WHEN t.rank = 'township' THEN c.name END, t.name), '') AS address`),
      db.raw('ST_AsGeoJSON(r.geom, 6)::json AS geometry'),
      db.raw('ST_Distance(r.geog, ?::geography) AS distance_m', [pt]),
    )
    .where('r.kind', 'shelter')
    .orderByRaw('r.geog <-> ?::geography', [pt])
    .limit(NEARBY_SHELTERS)) as Array<{
    name: string
    capacity: number | null
    address: string | null
    geometry: NearbyShelter['geometry']
    distance_m: string | number
  }>
  return {
    level: cell ? (Number(cell.level) as Level) : 0,
    stale: cell?.stale ?? false,
    areaLevel: area?.level == null ? 0 : (Number(area.level) as Level),
    regions: regions.map((r) => ({ ...r, level: Number(r.level) as Level })),
    shelters: near
      .map((s) => ({ name: s.name, capacity: s.capacity, address: s.address, geometry: s.geometry, distanceM: Math.round(Number(s.distance_m)) }))
      .sort((a, b) => a.distanceM - b.distanceM),
  }
}

/** The finest H3 resolution of a publication; undefined when there is no such publication. */
export async function publishedResolution(db: Knex, publicationId: number): Promise<number | undefined> {
  const row = (await db('publication').select('h3_res').where('id', publicationId).first()) as { h3_res: number } | undefined
  return row ? Number(row.h3_res) : undefined
}
