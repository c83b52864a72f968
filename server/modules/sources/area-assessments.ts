/**
 * Public-area risk assessments (公共区域风险评估, docs/domain.md §3.4): a polygon, or a line buffered into a
 * corridor (a pipeline, a river bank), graded by LEC, the risk matrix or a stated level. Geometry is
 * GeoJSON in WGS 84 (EPSG:4326), checked by PostGIS: invalid polygons are rejected, never repaired.
 */
import type { Knex } from 'knex'
import type { Geometry } from 'geojson'
import { invalid } from '../../errors'
import type { RuleSet } from '../../domain/rules'
import {
  gradeByMethod,
  METHOD_COLUMNS,
  methodProperties,
  methodResponseProperties,
  methodView,
  listQuerySchema,
  recordMeta,
  throwFirst,
  timestampsProperties,
  type RecordSpec,
  type ValidBody,
} from './shared'
import { dateColumn, listPage, type Db } from '../../db/db'
import { dateSchema, levelSchema, nameSchema, optionalDateSchema } from '../../http/params'
import { bufferIssues, dateOrderIssues, divisionCodeIssues } from '../../domain/source-checks'
import { divisionExists } from './repository'
import { geometrySchema, sentObject, type SchemaType } from '../../http/schemas'

const AREA_KINDS = ['area', 'corridor'] as const

type AreaKind = (typeof AREA_KINDS)[number]

/** Largest zone an assessment may cover, km² (geodesic): beyond any public area, and it bounds the cells a write regrades. */
export const MAX_ZONE_KM2 = 5000

/** Geometry types per kind, with the nesting depth of their coordinate arrays down to a position. */
const GEOMETRY_TYPES: Record<AreaKind, Record<string, number>> = {
  area: { Polygon: 3, MultiPolygon: 4 },
  corridor: { LineString: 2, MultiLineString: 3 },
}

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind', 'geometry', 'method', 'assessor', 'assessedAt'],
  properties: {
    name: nameSchema,
    kind: { type: 'string', enum: ['area', 'corridor'], description: 'an area (polygon) or a corridor (line buffered by bufferM)' },
    geometry: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'coordinates'],
      description: 'GeoJSON (RFC 7946, WGS 84 lon/lat): Polygon or MultiPolygon for an area, LineString or MultiLineString for a corridor',
      properties: {
        type: { type: 'string', enum: ['Polygon', 'MultiPolygon', 'LineString', 'MultiLineString'] },
        coordinates: { type: 'array' },
        bbox: { type: 'array', items: { type: 'number' } },
      },
    },
    bufferM: {
      type: ['number', 'null'],
      minimum: 1,
      maximum: 5000,
      description: 'corridor half-width, geodesic metres on each side of the line (corridors only)',
    },
    ...methodProperties,
    assessor: nameSchema,
    assessedAt: dateSchema,
    validUntil: optionalDateSchema,
    divisionCode: { type: ['string', 'null'], pattern: '^([0-9]{6}|[0-9]{9})$', description: 'default: the finest division containing a point of the zone' },
  },
} as const

export type AreaAssessmentBody = ValidBody<typeof bodySchema>

const querySchema = listQuerySchema({
  kind: { type: 'string', enum: ['area', 'corridor'] },
  level: levelSchema,
  division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code or prefix' },
})

const summaryProperties = {
  id: { type: 'integer' },
  name: { type: 'string' },
  kind: { type: 'string', enum: AREA_KINDS },
  ...methodResponseProperties,
  assessor: { type: 'string' },
  assessedAt: { type: 'string' },
  validUntil: { type: ['string', 'null'] },
  divisionCode: { type: ['string', 'null'] },
  bufferM: { type: ['number', 'null'] },
  areaKm2: { type: 'number', description: 'geodesic area of the zone, km²' },
  ...timestampsProperties,
} as const

const recordProperties = {
  ...summaryProperties,
  geometry: { ...geometrySchema, description: 'as submitted: the polygon of an area, the line of a corridor (absent in lists)' },
  zone: { ...geometrySchema, description: 'the graded MultiPolygon: the area itself, or the buffered corridor (absent in lists)' },
} as const

/**
 * An assessment as `GET /api/area-assessments/:id` and the list send it: toRecord sets every summary
 * property; geometry and zone only when loaded with the geometry (by id, not in lists).
 */
export const areaAssessmentResponse = { ...sentObject(summaryProperties), properties: recordProperties } as const

export type AreaAssessmentResponse = SchemaType<typeof areaAssessmentResponse>

export type AreaAssessmentRecord = ReturnType<typeof toRecord>

/**
 * Checks the structure of GeoJSON coordinates (RFC 7946 §3.1) down to each position: nested arrays
 * of the type's depth, none empty; positions of 2–3 finite numbers within ±180 / ±90 degrees; lines
 * of ≥ 2 positions; polygon rings of ≥ 4 positions, closed. Throws `invalid('geometry')`.
 * Validity beyond structure (self-intersection and the like) is PostGIS's to judge.
 */
function checkCoordinates(value: unknown, depth: number, path: string, polygonal: boolean): void {
  if (!Array.isArray(value)) throw invalid('geometry', `${path} must be an array`)
  if (depth === 1) {
    if (value.length < 2 || value.length > 3 || !value.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      throw invalid('geometry', `${path} must be a position [lon, lat] of finite numbers`)
    }
    const [lon, lat] = value as number[]
    if (Math.abs(lon!) > 180) throw invalid('geometry', `${path}: longitude ${lon} is outside ±180 (WGS 84 degrees)`)
    if (Math.abs(lat!) > 90) throw invalid('geometry', `${path}: latitude ${lat} is outside ±90 (WGS 84 degrees)`)
    return
  }
  if (value.length === 0) throw invalid('geometry', `${path} is empty`)
  value.forEach((item, i) => checkCoordinates(item, depth - 1, `${path}[${i}]`, polygonal))
  if (depth !== 2) return
  const positions = value as number[][]
  if (!polygonal) {
    if (positions.length < 2) throw invalid('geometry', `${path}: a line needs at least 2 positions`)
    return
  }
  // Checked here, not left to PostGIS: PGlite's PostGIS returns no row at all for ST_IsValid of an unclosed ring.
  if (positions.length < 4) throw invalid('geometry', `${path}: a polygon ring needs at least 4 positions (the last repeating the first)`)
  const [first, last] = [positions[0]!, positions[positions.length - 1]!]
  if (first[0] !== last[0] || first[1] !== last[1]) throw invalid('geometry', `${path}: a polygon ring must be closed (its last position equal to its first)`)
}

/** The submitted geometry as PostGIS sees it: 2D, EPSG:4326. */
function inputGeometry(db: Db, geometry: AreaAssessmentBody['geometry']): Knex.Raw {
  return db.raw('ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(?::text)), 4326)', [JSON.stringify(geometry)])
}

/** The graded zone: the area itself, or the line buffered geodesically by `bufferM` metres. */
function zoneGeometry(db: Db, geometry: AreaAssessmentBody['geometry'], bufferM: number | null): Knex.Raw {
  return bufferM === null
    ? db.raw('ST_Multi(?)', [inputGeometry(db, geometry)])
    : db.raw('ST_Multi(ST_Buffer((?)::geography, ?)::geometry)', [inputGeometry(db, geometry), bufferM])
}

/** Validates kind, type, coordinates, validity (in PostGIS) and the zone's size; returns the division containing the zone. */
async function checkGeometry(trx: Knex.Transaction, body: AreaAssessmentBody): Promise<{ divisionCode: string | null }> {
  const depth = GEOMETRY_TYPES[body.kind][body.geometry.type]
  if (depth === undefined) {
    throw invalid(
      'geometry.type',
      `a${body.kind === 'area' ? 'n area' : ' corridor'} needs ${Object.keys(GEOMETRY_TYPES[body.kind]).join(' or ')}, got ${body.geometry.type}`,
    )
  }
  checkCoordinates(body.geometry.coordinates, depth, 'coordinates', body.kind === 'area')
  const bufferM = body.bufferM ?? null
  throwFirst(bufferIssues(body.kind, bufferM))
  // In a savepoint: a geometry PostGIS cannot parse must not abort the write's transaction.
  const { rows } = await trx
    .transaction((sp) =>
      sp.raw<{ rows: Array<{ valid: boolean; reason: string }> }>(
        'SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason FROM (SELECT ? AS g) AS input',
        [inputGeometry(sp, body.geometry)],
      ),
    )
    .catch((err: Error & { code?: string }) => {
      // XX000 is how PostGIS reports GeoJSON it cannot parse; anything else is not the input's fault.
      if (err.code !== 'XX000') throw err
      throw invalid('geometry', `PostGIS cannot read it: ${err.message.split('\n')[0]}`)
    })
  const validity = rows[0]
  if (!validity) throw invalid('geometry', 'PostGIS could not check its validity; invalid geometries are rejected, not repaired')
  if (!validity.valid) throw invalid('geometry', `is not valid (${validity.reason}); invalid geometries are rejected, not repaired`)
  const { rows: zone } = await trx.raw<{ rows: Array<{ area_m2: number; division_code: string | null }> }>(
    `SELECT ST_Area(z::geography) AS area_m2,
       (SELECT d.code FROM division d WHERE ST_Intersects(d.geom, ST_PointOnSurface(z)) ORDER BY length(d.code) DESC, d.code LIMIT 1) AS division_code
     FROM (SELECT ? AS z) AS zone`,
    [zoneGeometry(trx, body.geometry, bufferM)],
  )
  const km2 = zone[0]!.area_m2 / 1e6
  if (km2 > MAX_ZONE_KM2) throw invalid('geometry', `covers ${Math.round(km2)} km², more than the ${MAX_ZONE_KM2} km² an assessed zone may cover`)
  return { divisionCode: zone[0]!.division_code }
}

/** Grades the body and builds the row to store; throws `invalid()` naming the field. */
async function prepare(trx: Knex.Transaction, body: AreaAssessmentBody, rules: RuleSet) {
  const graded = gradeByMethod(body, rules)
  throwFirst(dateOrderIssues('area_assessment', body))
  const located = await checkGeometry(trx, body)
  const given = body.divisionCode ?? null
  const stored = given !== null && (await divisionExists(trx, given))
  throwFirst(divisionCodeIssues(given, () => stored))
  const divisionCode = given ?? located.divisionCode
  const bufferM = body.bufferM ?? null
  return {
    name: body.name.trim(),
    area_kind: body.kind,
    ...graded,
    assessor: body.assessor.trim(),
    assessed_at: body.assessedAt,
    valid_until: body.validUntil ?? null,
    rule_version: rules.version,
    division_code: divisionCode,
    source_line: body.kind === 'corridor' ? trx.raw('ST_Multi(?)', [inputGeometry(trx, body.geometry)]) : null,
    buffer_m: bufferM,
    geom: zoneGeometry(trx, body.geometry, bufferM),
  }
}

function selectColumns(db: Db, q: Knex.QueryBuilder, withGeometry: boolean): Knex.QueryBuilder {
  q.select(
    'a.id',
    'a.name',
    'a.area_kind',
    ...METHOD_COLUMNS.map((c) => `a.${c}`),
    'a.assessor',
    'a.division_code',
    'a.buffer_m',
    'a.rule_version',
    'a.created_at',
    'a.updated_at',
    dateColumn(db, 'a.assessed_at', 'assessed_at'),
    dateColumn(db, 'a.valid_until', 'valid_until'),
    db.raw('ST_Area(a.geom::geography) / 1e6 AS area_km2'),
  )
  if (withGeometry) q.select(db.raw('ST_AsGeoJSON(coalesce(a.source_line, a.geom), 7)::json AS geometry, ST_AsGeoJSON(a.geom, 7)::json AS zone'))
  return q
}

function toRecord(r: Record<string, unknown>) {
  return {
    id: Number(r.id),
    name: r.name as string,
    kind: r.area_kind as AreaKind,
    ...methodView(r),
    assessor: r.assessor as string,
    assessedAt: r.assessed_at as string,
    validUntil: r.valid_until as string | null,
    divisionCode: r.division_code as string | null,
    bufferM: r.buffer_m as number | null,
    areaKm2: Math.round((r.area_km2 as number) * 1e4) / 1e4,
    ...recordMeta(r),
    geometry: r.geometry as Geometry | undefined,
    zone: r.zone as Geometry | undefined,
  }
}

export const areaAssessments: RecordSpec<typeof bodySchema, AreaAssessmentRecord, typeof querySchema> = {
  kind: 'area_assessment',
  label: 'public-area assessment',
  path: '/area-assessments',
  tag: 'area assessments',
  body: bodySchema,
  record: recordProperties,
  response: areaAssessmentResponse,
  query: querySchema,
  description:
    'An area is a GeoJSON Polygon/MultiPolygon; a corridor is a LineString/MultiLineString buffered geodesically by bufferM metres ' +
    '(PostGIS ST_Buffer on geography). PostGIS checks validity: an invalid polygon, e.g. a self-intersecting one, is REJECTED with ' +
    '400 naming `geometry` and the reason from ST_IsValidReason — it is never repaired. Coordinates must be WGS 84 lon/lat within ±180/±90. ' +
    'The level comes from LEC, the risk matrix or a stated level, as for safety risks.',
  async insert(trx, body, grading) {
    const [row] = await trx('area_assessment')
      .insert(await prepare(trx, body, grading.rules))
      .returning('id')
    return Number((row as { id: string }).id)
  },
  async replace(trx, id, body, grading) {
    await trx('area_assessment')
      .where({ id })
      .update({ ...(await prepare(trx, body, grading.rules)), updated_at: trx.fn.now() })
  },
  async load(db, id) {
    const row = await selectColumns(db, db('area_assessment as a'), true).where('a.id', id).first()
    return row ? toRecord(row) : undefined
  },
  async list(db, query) {
    const filtered = db('area_assessment as a')
    if (query.kind !== undefined) filtered.where('a.area_kind', query.kind)
    if (query.level !== undefined) filtered.where('a.level', query.level)
    if (query.division !== undefined) filtered.whereLike('a.division_code', `${query.division}%`)
    return { ...(await listPage(filtered, (q) => selectColumns(db, q, false), 'a.id', query, toRecord)), limit: query.limit, offset: query.offset }
  },
  scope: (record) => ({ areaIds: [record.id] }),
}
