/**
 * What lies around an incident: risk sources, graded cells and shelters within a radius. Each
 * query pre-filters with a lon/lat box on an indexed geometry column, then keeps what is within
 * the radius by geodesic distance on the WGS 84 spheroid (`ST_DWithin(geography, …, true)`).
 */
import type { Knex } from 'knex'
import { bearingDeg } from '../../domain/geo'
import type { Level } from '../../domain/levels'
import type { ResourceStatus } from '../../domain/resources'
import type { ReadScope } from '../auth/access'
import { REDACTED_NAME, scopeSql } from '../auth/jurisdiction'

/** Metres per degree of latitude, at least (on the equator), WGS 84. */
const MIN_METRES_PER_DEG_LAT = 110_574
/** Metres per degree of longitude on the equator, WGS 84; × cos(latitude) elsewhere. */
const METRES_PER_DEG_LON_EQUATOR = 111_319.49
/** Widening of the pre-filter box, so that it surely contains the circle. */
const BOX_MARGIN = 1.01

export interface Circle {
  /** WGS 84 degrees. */
  lon: number
  lat: number
  /** Metres. */
  radiusM: number
}

/** A lon/lat box (degrees) containing every point within `radiusM` of the centre; whole longitudes near a pole. */
export function boxAround(c: Circle): [minLon: number, minLat: number, maxLon: number, maxLat: number] {
  const dLat = (c.radiusM / MIN_METRES_PER_DEG_LAT) * BOX_MARGIN
  const minLat = Math.max(-90, c.lat - dLat)
  const maxLat = Math.min(90, c.lat + dLat)
  const widestLat = Math.max(Math.abs(minLat), Math.abs(maxLat))
  const cos = Math.cos((widestLat * Math.PI) / 180)
  const dLon = cos > 1e-6 ? (c.radiusM / (METRES_PER_DEG_LON_EQUATOR * cos)) * BOX_MARGIN : 360
  if (dLon >= 180) return [-180, minLat, 180, maxLat]
  return [Math.max(-180, c.lon - dLon), minLat, Math.min(180, c.lon + dLon), maxLat]
}

/** Web Mercator (EPSG:3857) ends at ±85.0511° latitude; its indexed copies cannot reach further. */
const MERCATOR_MAX_LAT = 85.0511

function mercatorSafe([minLon, minLat, maxLon, maxLat]: ReturnType<typeof boxAround>): ReturnType<typeof boxAround> {
  return [minLon, Math.max(minLat, -MERCATOR_MAX_LAT), maxLon, Math.min(maxLat, MERCATOR_MAX_LAT)]
}

type Rows = { rows: Array<Record<string, unknown>> }

const POINT = 'ST_SetSRID(ST_MakePoint(?::float8, ?::float8), 4326)::geography'
const BOX = 'ST_MakeEnvelope(?, ?, ?, ?, 4326)'

const day = (v: unknown) => (v === null || v === undefined ? null : String(v))

/**
 * Major hazard installations within the circle, nearest first, with their enterprise and substances.
 * One of an enterprise outside the reader's `scope` keeps its place, level and substances (what a
 * responder must know) but not its name, enterprise or contacts; contacts only when the scope has them.
 */
export async function majorHazardsAround(db: Knex, c: Circle, scope: ReadScope) {
  const visible = scopeSql(scope, 'e')
  const ifVisible = (column: string, otherwise = 'NULL') => `CASE WHEN ${visible.sql} THEN ${column} ELSE ${otherwise} END`
  const contact = (column: string) => (scope.contacts ? ifVisible(column) : 'NULL::text')
  const { rows } = await db.raw<Rows>(
    `SELECT m.id, ${ifVisible('m.name', '?')} AS name, m.level, m.grade, m.r, m.impact_radius_m, to_char(m.reported_at, 'YYYY-MM-DD') AS reported_at,
       ${ifVisible('e.id')} AS enterprise_id, ${ifVisible('e.name', '?')} AS enterprise_name, ${ifVisible('e.address')} AS address,
       ${contact('e.responsible_person')} AS responsible_person, ${contact('e.responsible_phone')} AS responsible_phone,
       ST_X(m.geom) AS lon, ST_Y(m.geom) AS lat, ST_Distance(m.geom::geography, p.pt, true) AS distance_m,
       coalesce((SELECT json_agg(json_build_object('name', s.name, 'cas', s.cas, 'hazardClass', s.hazard_class,
                   'qT', s.q_t, 'criticalQT', s.critical_q_t) ORDER BY s.q_t / s.critical_q_t DESC, s.id)
                 FROM major_hazard_substance s WHERE s.major_hazard_id = m.id), '[]') AS substances
     FROM (SELECT ${POINT} AS pt) p, major_hazard m
     JOIN enterprise e ON e.id = m.enterprise_id
     WHERE m.geom && ${BOX} AND ST_DWithin(m.geom::geography, p.pt, ?, true)
     ORDER BY distance_m, m.id`,
    [
      ...visible.bindings,
      REDACTED_NAME,
      ...visible.bindings,
      ...visible.bindings,
      REDACTED_NAME,
      ...visible.bindings,
      ...(scope.contacts ? [...visible.bindings, ...visible.bindings] : []),
      c.lon,
      c.lat,
      ...boxAround(c),
      c.radiusM,
    ],
  )
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name as string,
    level: r.level as Level,
    grade: r.grade as number,
    r: r.r as number,
    impactRadiusM: (r.impact_radius_m as number | null) ?? null,
    reportedAt: day(r.reported_at),
    enterprise: {
      id: r.enterprise_id === null ? null : Number(r.enterprise_id),
      name: r.enterprise_name as string,
      address: (r.address as string | null) ?? null,
      responsiblePerson: (r.responsible_person as string | null) ?? null,
      responsiblePhone: (r.responsible_phone as string | null) ?? null,
    },
    substances: r.substances as Array<{ name: string; cas: string | null; hazardClass: string | null; qT: number; criticalQT: number }>,
    ...placed(r, c),
  }))
}

/** Major hidden dangers not yet verified as rectified, within the circle, nearest first (named only within `scope`). */
export async function hiddenDangersAround(db: Knex, c: Circle, scope: ReadScope) {
  const visible = scopeSql(scope, 'e')
  const { rows } = await db.raw<Rows>(
    `SELECT h.id, CASE WHEN ${visible.sql} THEN h.description ELSE ? END AS description, h.status, to_char(h.found_at, 'YYYY-MM-DD') AS found_at, to_char(h.deadline, 'YYYY-MM-DD') AS deadline,
       h.status = 'open' AND h.deadline < current_date AS overdue,
       CASE WHEN ${visible.sql} THEN e.id END AS enterprise_id, CASE WHEN ${visible.sql} THEN e.name ELSE ? END AS enterprise_name,
       ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat, ST_Distance(h.geom::geography, p.pt, true) AS distance_m
     FROM (SELECT ${POINT} AS pt) p, hidden_danger h
     JOIN enterprise e ON e.id = h.enterprise_id
     WHERE h.is_major AND h.status <> 'verified'
       AND h.geom_3857 && ST_Transform(${BOX}, 3857) AND ST_DWithin(h.geom::geography, p.pt, ?, true)
     ORDER BY distance_m, h.id`,
    [...visible.bindings, REDACTED_NAME, ...visible.bindings, ...visible.bindings, REDACTED_NAME, c.lon, c.lat, ...mercatorSafe(boxAround(c)), c.radiusM],
  )
  return rows.map((r) => ({
    id: Number(r.id),
    description: r.description as string,
    status: r.status as 'open' | 'rectified',
    foundAt: day(r.found_at),
    deadline: day(r.deadline),
    overdue: r.overdue as boolean,
    enterprise: { id: r.enterprise_id === null ? null : Number(r.enterprise_id), name: r.enterprise_name as string },
    ...placed(r, c),
  }))
}

/** Public-area and corridor assessments whose area comes within the circle, highest level first. */
export async function areaAssessmentsAround(db: Knex, c: Circle) {
  const { rows } = await db.raw<Rows>(
    `SELECT a.id, a.name, a.area_kind, a.level, a.method, a.assessor, to_char(a.assessed_at, 'YYYY-MM-DD') AS assessed_at,
       to_char(a.valid_until, 'YYYY-MM-DD') AS valid_until, ST_Distance(a.geom::geography, p.pt, true) AS distance_m
     FROM (SELECT ${POINT} AS pt) p, area_assessment a
     WHERE a.geom && ${BOX} AND ST_DWithin(a.geom::geography, p.pt, ?, true)
     ORDER BY a.level DESC, distance_m, a.id`,
    [c.lon, c.lat, ...boxAround(c), c.radiusM],
  )
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name as string,
    areaKind: r.area_kind as string,
    level: r.level as Level,
    method: r.method as string,
    assessor: r.assessor as string,
    assessedAt: day(r.assessed_at),
    validUntil: day(r.valid_until),
    /** 0 when the incident is inside the area. */
    distanceM: round(r.distance_m),
  }))
}

/** Analysis cells at resolution `res` that come within the circle, highest level first. */
export async function cellsAround(db: Knex, c: Circle, res: number) {
  const { rows } = await db.raw<Rows>(
    `SELECT c.h3, c.level, c.stale, c.rule, ST_Distance(c.geom::geography, p.pt, true) AS distance_m
     FROM (SELECT ${POINT} AS pt) p, cell c
     WHERE c.res = ? AND c.geom && ${BOX} AND ST_DWithin(c.geom::geography, p.pt, ?, true)
     ORDER BY c.level DESC, distance_m, c.h3`,
    [c.lon, c.lat, res, ...boxAround(c), c.radiusM],
  )
  return rows.map((r) => ({ h3: r.h3 as string, level: r.level as Level, stale: r.stale as boolean, rule: r.rule as string, distanceM: round(r.distance_m) }))
}

/** Shelters (any status) within the circle, nearest first. */
export async function sheltersAround(db: Knex, c: Circle) {
  const { rows } = await db.raw<Rows>(
    `SELECT r.id, r.name, r.capacity, r.status, r.organisation, r.duty_phone,
       ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat, ST_Distance(r.geog, p.pt, true) AS distance_m
     FROM (SELECT ${POINT} AS pt) p, resource r
     WHERE r.kind = 'shelter' AND ST_DWithin(r.geog, p.pt, ?, true)
     ORDER BY distance_m, r.id`,
    [c.lon, c.lat, c.radiusM],
  )
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name as string,
    capacity: r.capacity as number,
    status: r.status as ResourceStatus,
    organisation: (r.organisation as string | null) ?? null,
    dutyPhone: (r.duty_phone as string | null) ?? null,
    ...placed(r, c),
  }))
}

const round = (v: unknown) => Math.round(Number(v) * 100) / 100

/** Position, distance (metres, to the centimetre) and bearing from the incident (degrees). */
function placed(r: Record<string, unknown>, c: Circle) {
  const lon = Number(r.lon)
  const lat = Number(r.lat)
  return { distanceM: round(r.distance_m), bearingDeg: Math.round(bearingDeg(c.lon, c.lat, lon, lat) * 10) / 10, lon, lat }
}
