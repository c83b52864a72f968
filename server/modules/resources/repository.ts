import type { Polygon } from 'geojson'
import type { Knex } from 'knex'
import type { Level } from '../../domain/levels'
import { pointSql, type Db } from '../../db/db'
import type { BBox } from '../../http/schemas'
import type { Capability, DepotItem, ResourceInput, ResourceKind, ResourceStatus } from '../../domain/resources'

export interface ResourceFilter {
  kind?: ResourceKind
  capability?: Capability
  status?: ResourceStatus
  bbox?: BBox
  /** Division code or prefix (a county code matches its townships too). */
  division?: string
  limit: number
  offset: number
}

/** A resource to store: the API input in WGS 84, with its division resolved. */
export interface ResourceWrite extends ResourceInput {
  status: ResourceStatus
  lon: number
  lat: number
  divisionCode: string | null
}

const COLUMNS = [
  'r.id',
  'r.kind',
  'r.name',
  'r.organisation',
  'r.duty_phone',
  'r.contact',
  'r.status',
  'r.status_updated_at',
  'r.capabilities',
  'r.team_type',
  'r.headcount',
  'r.equipment_type',
  'r.quantity',
  'r.items',
  'r.capacity',
  'r.expert_field',
  'r.division_code',
  'r.synthetic',
  'r.created_at',
  'r.updated_at',
]

function applyFilter(q: Knex.QueryBuilder, f: ResourceFilter): Knex.QueryBuilder {
  if (f.kind) q.where('r.kind', f.kind)
  if (f.capability) q.whereRaw('r.capabilities @> ARRAY[?]::text[]', [f.capability])
  if (f.status) q.where('r.status', f.status)
  if (f.bbox) q.whereRaw('r.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', [f.bbox.minLon, f.bbox.minLat, f.bbox.maxLon, f.bbox.maxLat])
  if (f.division) q.whereLike('r.division_code', `${f.division}%`)
  return q
}

export async function listResources(db: Db, f: ResourceFilter) {
  const [{ count }] = await applyFilter(db('resource as r'), f).count<{ count: string }[]>('* as count')
  const rows = await applyFilter(db('resource as r'), f)
    .leftJoin('division as d', 'd.code', 'r.division_code')
    .select(COLUMNS)
    .select('d.name as division_name', db.raw('ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat'))
    .orderBy('r.id')
    .limit(f.limit)
    .offset(f.offset)
  return { total: Number(count), rows: rows as Array<Record<string, unknown>> }
}

export async function getResource(db: Db, id: number): Promise<Record<string, unknown> | undefined> {
  return db('resource as r')
    .leftJoin('division as d', 'd.code', 'r.division_code')
    .select(COLUMNS)
    .select('d.name as division_name', db.raw('ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat'))
    .where('r.id', id)
    .first()
}

/** The finest division unit covering a point (township, else county, else city), or null. */
export async function divisionAt(db: Db, lon: number, lat: number): Promise<string | null> {
  const row = await db('division')
    .select('code')
    .whereRaw('ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))', [lon, lat])
    .orderByRaw("CASE rank WHEN 'township' THEN 0 WHEN 'county' THEN 1 WHEN 'city' THEN 2 ELSE 3 END, code")
    .first()
  return (row?.code as string | undefined) ?? null
}

export async function divisionExists(db: Db, code: string): Promise<boolean> {
  return (await db('division').where({ code }).first('code')) !== undefined
}

function columnsOf(w: ResourceWrite, db: Db) {
  return {
    kind: w.kind,
    name: w.name,
    organisation: w.organisation ?? null,
    duty_phone: w.dutyPhone ?? null,
    contact: w.contact ?? null,
    status: w.status,
    capabilities: w.capabilities ?? [],
    team_type: w.teamType ?? null,
    headcount: w.headcount ?? null,
    equipment_type: w.equipmentType ?? null,
    quantity: w.quantity ?? null,
    items: JSON.stringify((w.items ?? []) as DepotItem[]),
    capacity: w.capacity ?? null,
    expert_field: w.expertField ?? null,
    division_code: w.divisionCode,
    geom: pointSql(db, w.lon, w.lat),
  }
}

export async function insertResource(trx: Knex.Transaction, w: ResourceWrite): Promise<number> {
  const [row] = await trx('resource').insert(columnsOf(w, trx)).returning('id')
  return Number((row as { id: string }).id)
}

/** Replaces a resource's fields; the status time moves only when the status changes. False if absent. */
export async function replaceResource(trx: Knex.Transaction, id: number, w: ResourceWrite): Promise<boolean> {
  const count = await trx('resource')
    .where({ id })
    .update({
      ...columnsOf(w, trx),
      status_updated_at: trx.raw('CASE WHEN status = ? THEN status_updated_at ELSE now() END', [w.status]),
      updated_at: trx.fn.now(),
    })
  return count > 0
}

/** A resource as the importer writes it: the id of the stored resource it replaces (null for a new one) and the columns it sets. */
export interface ImportedResourceRow {
  id: number | null
  external_id: string
  kind: ResourceKind
  name: string
  organisation?: string | null
  duty_phone?: string | null
  contact?: string | null
  status?: ResourceStatus
  capabilities?: readonly string[]
  team_type?: string | null
  headcount?: number | null
  equipment_type?: string | null
  quantity?: number | null
  items: readonly DepotItem[]
  capacity?: number | null
  expert_field?: string | null
  division_code: string | null
  synthetic: boolean
  lon: number
  lat: number
}

const IMPORTED_COLUMNS: Array<[string, string]> = [
  ['external_id', 'text'],
  ['kind', 'text'],
  ['name', 'text'],
  ['organisation', 'text'],
  ['duty_phone', 'text'],
  ['contact', 'text'],
  ['status', 'text'],
  ['team_type', 'text'],
  ['headcount', 'integer'],
  ['equipment_type', 'text'],
  ['quantity', 'integer'],
  ['items', 'jsonb'],
  ['capacity', 'integer'],
  ['expert_field', 'text'],
  ['division_code', 'text'],
  ['synthetic', 'boolean'],
]

/**
 * Writes a batch of resources in one statement (the importer's, `transfer/kind-resources.ts`): a row
 * with an id replaces that resource, one without inserts a new one. Returns the ids written, each
 * marked whether it was inserted. The bulk form of `insertResource` and `replaceResource` (the API's,
 * one resource at a time), and like them it moves the status time only when the status changes; it
 * also sets the external id and the synthetic flag, which the API leaves alone.
 */
export async function writeImportedResources(trx: Knex.Transaction, rows: readonly ImportedResourceRow[]): Promise<Array<{ id: string; inserted: boolean }>> {
  const names = IMPORTED_COLUMNS.map(([c]) => c)
  const { rows: out } = await trx.raw<{ rows: Array<{ id: string; inserted: boolean }> }>(
    `WITH x AS (
       SELECT x.*, ARRAY(SELECT jsonb_array_elements_text(x.capabilities_json)) AS capabilities, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326) AS geom
       FROM jsonb_to_recordset(?::jsonb) AS x(id bigint, capabilities_json jsonb, lon float8, lat float8, ${IMPORTED_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})
     ), upd AS (
       UPDATE resource r SET ${names.map((c) => `${c} = x.${c}`).join(', ')}, capabilities = x.capabilities, geom = x.geom,
         status_updated_at = CASE WHEN r.status IS DISTINCT FROM x.status THEN now() ELSE r.status_updated_at END, updated_at = now()
       FROM x WHERE x.id IS NOT NULL AND r.id = x.id RETURNING r.id
     ), ins AS (
       INSERT INTO resource (${names.join(', ')}, capabilities, geom)
       SELECT ${names.map((c) => `x.${c}`).join(', ')}, x.capabilities, x.geom FROM x WHERE x.id IS NULL RETURNING id
     )
     SELECT id, false AS inserted FROM upd UNION ALL SELECT id, true FROM ins`,
    [JSON.stringify(rows.map(({ capabilities, ...rest }) => ({ ...rest, capabilities_json: capabilities })))],
  )
  return out
}

/** Records a status report: the status and its time, even when the status is unchanged (a confirmation). */
export async function setResourceStatus(trx: Knex.Transaction, id: number, status: ResourceStatus): Promise<boolean> {
  const count = await trx('resource').where({ id }).update({ status, status_updated_at: trx.fn.now(), updated_at: trx.fn.now() })
  return count > 0
}

export async function deleteResource(trx: Knex.Transaction, id: number): Promise<boolean> {
  return (await trx('resource').where({ id }).del()) > 0
}

/** Current status of a resource (for a PUT that omits it), or undefined when absent. */
export async function currentStatus(db: Db, id: number): Promise<ResourceStatus | undefined> {
  const row = await db('resource').where({ id }).first('status')
  return row?.status as ResourceStatus | undefined
}

/** Analysis cells at `res` with level ≥ minLevel, highest first; with their polygon when asked. */
export async function riskCells(db: Db, res: number, minLevel: number, withGeometry: boolean) {
  const q = db('cell')
    .select('h3', 'level', 'stale')
    .where('res', res)
    .where('level', '>=', minLevel)
    .orderBy([{ column: 'level', order: 'desc' }, 'h3'])
  if (withGeometry) q.select(db.raw('ST_AsGeoJSON(geom, 7)::json AS geometry'))
  return (await q) as Array<{ h3: string; level: Level; stale: boolean; geometry?: Polygon }>
}
