import type { Knex } from 'knex'
import type { MultiPolygon, Polygon } from 'geojson'
import { pgArray } from '../../grading/repository'
import { explainSource, type SourceFacts } from '../../grading/explain'
import type { Level } from '../../domain/levels'
import type { CellRule, CellSourceKind } from '../../domain/cell-level'
import type { DivisionRank } from '../../domain/division-register'
import type { CreditStatus, InspectionResult } from '../../domain/enforcement'
import type { Cause } from '../../grading/engine'
import type { LevelShares } from '../../domain/region-level'
import type { ReadScope } from '../auth/access'
import { REDACTED_NAME, scopeSql } from '../auth/jurisdiction'

/**
 * Every source behind the given analysis cells, named and explained; the nearest occurrence per
 * source. A source of an enterprise outside the reader's `scope` keeps its level and rule but not
 * its name or enterprise (REDACTED_NAME).
 */
export async function explainedSources(db: Knex, h3s: string[], limit: number, scope: ReadScope) {
  const visible = scopeSql(scope, 'e')
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `SELECT DISTINCT ON (cs.source_kind, cs.source_id)
       cs.source_kind AS kind, cs.source_id AS id, cs.level, cs.distance_m, cs.radius_m, cs.stale, cs.h3,
       CASE WHEN e.id IS NULL OR ${visible.sql} THEN coalesce(m.name, r.name, h.description, a.name, e.name) ELSE ? END AS name,
       CASE WHEN e.id IS NULL OR ${visible.sql} THEN e.id END AS enterprise_id, e.name AS enterprise_name, e.level_reason,
       m.r, m.alpha, m.grade, m.grade_mismatch,
       coalesce(r.method, a.method) AS method, coalesce(r.score, a.score) AS score,
       coalesce(r.lec_l, a.lec_l) AS lec_l, coalesce(r.lec_e, a.lec_e) AS lec_e, coalesce(r.lec_c, a.lec_c) AS lec_c,
       coalesce(r.matrix_l, a.matrix_l) AS matrix_l, coalesce(r.matrix_s, a.matrix_s) AS matrix_s,
       coalesce(r.stated_method, a.stated_method) AS stated_method,
       h.status, to_char(h.deadline, 'YYYY-MM-DD') AS deadline,
       a.assessor, to_char(coalesce(m.reported_at, r.assessed_at, a.assessed_at), 'YYYY-MM-DD') AS reported_at
     FROM cell_source cs
     LEFT JOIN major_hazard m ON cs.source_kind = 'major_hazard' AND m.id = cs.source_id
     LEFT JOIN safety_risk r ON cs.source_kind = 'safety_risk' AND r.id = cs.source_id
     LEFT JOIN hidden_danger h ON cs.source_kind = 'hidden_danger' AND h.id = cs.source_id
     LEFT JOIN area_assessment a ON cs.source_kind = 'area_assessment' AND a.id = cs.source_id
     LEFT JOIN enterprise e ON e.id = cs.enterprise_id
     WHERE cs.h3 = ANY(?::text[])
     ORDER BY cs.source_kind, cs.source_id, cs.distance_m`,
    [...visible.bindings, REDACTED_NAME, ...visible.bindings, pgArray(h3s)],
  )
  return rows
    .map((r) => {
      const facts: SourceFacts = {
        kind: r.kind as string,
        level: r.level as Level,
        r: r.r as number | null,
        alpha: r.alpha as number | null,
        grade: r.grade as number | null,
        gradeMismatch: r.grade_mismatch as string | null,
        method: r.method as string | null,
        score: r.score as number | null,
        lec: r.lec_l === null ? null : [r.lec_l as number, r.lec_e as number, r.lec_c as number],
        matrix: r.matrix_l === null ? null : [r.matrix_l as number, r.matrix_s as number],
        statedMethod: r.stated_method as string | null,
        status: r.status as string | null,
        deadline: r.deadline as string | null,
        baselineReason: r.level_reason as SourceFacts['baselineReason'],
      }
      const rule = explainSource(facts)
      return {
        kind: r.kind as CellSourceKind,
        id: Number(r.id),
        name: r.name as string,
        level: r.level as Level,
        distanceM: Math.round(r.distance_m as number),
        radiusM: r.radius_m as number,
        stale: r.stale as boolean,
        rule: rule.rule,
        ruleText: rule.text,
        ruleTextZh: rule.textZh,
        reportedAt: (r.reported_at as string | null) ?? null,
        enterprise: r.enterprise_id === null ? null : { id: Number(r.enterprise_id), name: r.enterprise_name as string },
      }
    })
    .sort((a, b) => b.level - a.level || a.distanceM - b.distanceM || a.id - b.id)
    .slice(0, limit)
}

/** A stored cell as getCell reads it; `counts` is its jsonb as the grading engine wrote it. */
export interface CellRow {
  id: string
  h3: string
  res: number
  level: Level
  rule: CellRule
  stale: boolean
  score: number
  counts: { byLevel?: Partial<Record<1 | 2 | 3 | 4, number>>; byKind?: Record<string, number>; children?: number }
  updated_at: Date | null
  geometry: Polygon | MultiPolygon
}

export async function getCell(db: Knex, res: number, h3: string): Promise<CellRow | undefined> {
  return db('cell')
    .where({ res, h3 })
    .first<CellRow | undefined>('id', 'h3', 'res', 'level', 'rule', 'stale', 'score', 'counts', 'updated_at', db.raw('ST_AsGeoJSON(geom, 7)::json AS geometry'))
}

/** A division a cell lies in, as a cell's title names it. */
export interface PlaceRef {
  code: string
  name: string
  nameEn: string | null
}

/**
 * The county and the township a cell lies in, for a human title: the division of each rank that
 * holds the cell's centre, or, for a cell whose centre falls just outside every one (along the
 * outline, or in a gap between townships), the nearest within its own extent; null when none is near.
 */
export async function cellPlace(db: Knex, geometry: object, lon: number, lat: number): Promise<{ county: PlaceRef | null; township: PlaceRef | null }> {
  const { rows } = await db.raw<{ rows: Array<{ rank: string; code: string; name: string; name_en: string | null }> }>(
    `WITH c AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(?::text), 4326) AS cell, ST_SetSRID(ST_MakePoint(?, ?), 4326) AS pt)
     SELECT r.rank, d.code, d.name, d.name_en
     FROM c, (VALUES ('county'), ('township')) r(rank)
     CROSS JOIN LATERAL (
       SELECT code, name, name_en FROM division
       WHERE rank = r.rank AND geom && c.cell AND ST_Intersects(geom, c.cell)
       ORDER BY ST_Distance(geom, c.pt), code LIMIT 1
     ) d`,
    [JSON.stringify(geometry), lon, lat],
  )
  const ref = (rank: string): PlaceRef | null => {
    const r = rows.find((x) => x.rank === rank)
    return r ? { code: r.code, name: r.name, nameEn: r.name_en } : null
  }
  return { county: ref('county'), township: ref('township') }
}

/** Enterprises located in a cell within the reader's scope, with their latest inspection and open / overdue violations. */
export async function enterprisesInCell(db: Knex, geometry: object, limit: number, scope: ReadScope) {
  const visible = scopeSql(scope, 'e')
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `SELECT e.id, e.name, e.uscc, e.external_id, e.level, e.industry, e.credit_status,
       (SELECT json_build_object('id', i.id, 'date', to_char(i.inspected_at, 'YYYY-MM-DD'), 'result', i.result)
          FROM inspection i WHERE i.enterprise_id = e.id AND i.inspected_at IS NOT NULL ORDER BY i.inspected_at DESC LIMIT 1) AS latest_inspection,
       (SELECT count(*)::int FROM violation v WHERE v.enterprise_id = e.id AND v.status <> 'verified') AS open_violations,
       (SELECT count(*)::int FROM violation v WHERE v.enterprise_id = e.id AND v.status = 'open' AND v.deadline < current_date)
         + (SELECT count(*)::int FROM hidden_danger h WHERE h.enterprise_id = e.id AND h.status = 'open' AND h.deadline < current_date) AS overdue
     FROM enterprise e
     WHERE ST_Intersects(e.geom, ST_SetSRID(ST_GeomFromGeoJSON(?::text), 4326)) AND ${visible.sql}
     ORDER BY e.level DESC, e.id LIMIT ?`,
    [JSON.stringify(geometry), ...visible.bindings, limit],
  )
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name as string,
    uscc: r.uscc as string | null,
    externalId: r.external_id as string | null,
    level: r.level as Level,
    industry: r.industry as string | null,
    creditStatus: r.credit_status as CreditStatus,
    latestInspection: (r.latest_inspection as { id: number; date: string; result: InspectionResult | null } | null) ?? null,
    openViolations: r.open_violations as number,
    overdue: r.overdue as number,
  }))
}

/** The k available emergency resources nearest to a point, exactly by geodesic distance (see resources/nearest). */
export async function cellHistory(db: Knex, res: number, h3: string, limit: number) {
  const rows = await db('cell_level_history').where({ res, h3 }).orderBy('changed_at', 'desc').orderBy('id', 'desc').limit(limit)
  return rows.map((r: Record<string, unknown>) => ({
    changedAt: (r.changed_at as Date).toISOString(),
    oldLevel: r.old_level as Level,
    newLevel: r.new_level as Level,
    oldStale: r.old_stale as boolean,
    newStale: r.new_stale as boolean,
    cause: r.cause as Cause,
  }))
}

export type RegionKind = 'division' | 'mgmt_grid'

/** A region as getRegion reads it: the division or grid with its stored grade (null where never graded). */
export interface RegionRow {
  kind: RegionKind
  key: string
  /** A management grid's code (a division's code is its key). */
  code?: string
  name: string
  name_en: string | null
  rank: DivisionRank | 'grid'
  area_m2: number
  bbox: Polygon
  level: Level | null
  max_level: Level | null
  rule_version: string | null
  stale: boolean | null
  shares: LevelShares | null
  updated_at: Date | null
}

/** A division unit (6 or 9 digits) or a management grid (its code) with its level and shares. */
export async function getRegion(db: Knex, key: string): Promise<RegionRow | undefined> {
  const isDivision = /^[0-9]{6}([0-9]{3})?$/.test(key)
  const base = isDivision
    ? db('division as r').select('r.code as key', 'r.name', 'r.name_en', 'r.rank', db.raw("'division' AS kind"))
    : db('mgmt_grid as r').select(
        db.raw('r.id::text AS key'),
        'r.name',
        db.raw('NULL::text AS name_en'),
        db.raw("'grid' AS rank"),
        db.raw("'mgmt_grid' AS kind"),
        'r.code',
      )
  const row = await base
    .select(db.raw('ST_Area(r.geom::geography) AS area_m2'), db.raw('ST_AsGeoJSON(ST_Envelope(r.geom))::json AS bbox'))
    .leftJoin('region_level as l', function () {
      this.on('l.region_key', '=', isDivision ? 'r.code' : db.raw('r.id::text')).andOn(
        'l.region_kind',
        '=',
        db.raw('?', [isDivision ? 'division' : 'mgmt_grid']),
      )
    })
    .select('l.level', 'l.max_level', 'l.rule_version', 'l.stale', 'l.shares', 'l.updated_at')
    .where('r.code', key)
    .first()
  return row as RegionRow | undefined
}

/** Names of sources referenced by kind and id; those of enterprises outside the reader's `scope` are REDACTED_NAME. */
export async function sourceNames(db: Knex, refs: Array<{ kind: string; id: number }>, scope: ReadScope) {
  const out = new Map<string, { name: string; enterprise: { id: number; name: string } | null }>()
  const tables: Record<string, string> = {
    major_hazard: 'major_hazard',
    safety_risk: 'safety_risk',
    hidden_danger: 'hidden_danger',
    area_assessment: 'area_assessment',
    enterprise: 'enterprise',
  }
  for (const [kind, table] of Object.entries(tables)) {
    const ids = refs.filter((r) => r.kind === kind).map((r) => r.id)
    if (ids.length === 0) continue
    const nameCol = kind === 'hidden_danger' ? 't.description' : 't.name'
    const q = db(`${table} as t`)
      .select('t.id', db.raw(`${nameCol} AS name`))
      .whereRaw('t.id = ANY(?::bigint[])', [pgArray(ids)])
    if (kind !== 'area_assessment' && kind !== 'enterprise') q.leftJoin('enterprise as e', 'e.id', 't.enterprise_id').select('e.id as eid', 'e.name as ename')
    const visible = scopeSql(scope, kind === 'enterprise' ? 't' : 'e')
    if (kind !== 'area_assessment') q.select(db.raw(`${visible.sql} AS visible`, visible.bindings))
    for (const r of (await q) as Array<Record<string, unknown>>) {
      const shown = kind === 'area_assessment' || r.visible === true
      out.set(
        `${kind}:${r.id}`,
        shown
          ? { name: r.name as string, enterprise: r.eid ? { id: Number(r.eid), name: r.ename as string } : null }
          : { name: REDACTED_NAME, enterprise: null },
      )
    }
  }
  return out
}

/** Cells whose level or stale flag changed in a time window: first and last state, last cause. */
export async function changes(db: Knex, res: number, since: Date, until: Date, h3s: string[] | null, limit: number) {
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `WITH per_cell AS (
       SELECT h3,
         (array_agg(old_level ORDER BY changed_at, id))[1] AS before,
         (array_agg(new_level ORDER BY changed_at DESC, id DESC))[1] AS after,
         (array_agg(old_stale ORDER BY changed_at, id))[1] AS before_stale,
         (array_agg(new_stale ORDER BY changed_at DESC, id DESC))[1] AS after_stale,
         (array_agg(cause ORDER BY changed_at DESC, id DESC))[1] AS cause,
         max(changed_at) AS changed_at, count(*)::int AS changes
       FROM cell_level_history
       WHERE res = ? AND changed_at > ? AND changed_at <= ? AND (?::text[] IS NULL OR h3 = ANY(?::text[]))
       GROUP BY h3
     )
     -- A cell with no history up to the window's start was graded for the first time in it: that is
     -- a first grading, not a raised level (docs/domain.md §4.3).
     SELECT per_cell.*, NOT EXISTS (
         SELECT 1 FROM cell_level_history e WHERE e.h3 = per_cell.h3 AND e.res = ? AND e.changed_at <= ?
       ) AS first_graded
       FROM per_cell WHERE before <> after OR before_stale <> after_stale
     ORDER BY changed_at DESC, h3 LIMIT ?`,
    [res, since.toISOString(), until.toISOString(), h3s === null ? null : pgArray(h3s), h3s === null ? null : pgArray(h3s), res, since.toISOString(), limit],
  )
  return rows.map((r) => ({
    h3: r.h3 as string,
    before: r.before as Level,
    after: r.after as Level,
    beforeStale: r.before_stale as boolean,
    afterStale: r.after_stale as boolean,
    firstGraded: r.first_graded as boolean,
    cause: r.cause as Cause,
    changedAt: (r.changed_at as Date).toISOString(),
    changes: r.changes as number,
  }))
}

/** A region's polygon as GeoJSON and its area, or undefined. */
export async function regionGeometry(db: Knex, key: string): Promise<{ geometry: object; areaM2: number } | undefined> {
  const isDivision = /^[0-9]{6}([0-9]{3})?$/.test(key)
  const row = await db(isDivision ? 'division' : 'mgmt_grid')
    .where('code', key)
    .first(db.raw('ST_AsGeoJSON(geom)::json AS geometry'), db.raw('ST_Area(geom::geography) AS area_m2'))
  return row ? { geometry: row.geometry, areaM2: Number(row.area_m2) } : undefined
}
