/**
 * Loads the synthetic demo set (generate.ts) into a migrated, empty database: one transaction,
 * multi-row INSERTs with every value bound, geometry passed as EWKT text (SRID 4326) that the
 * geometry column parses, then every id sequence moved past the explicit ids.
 */
import type { Geometry, Position } from 'geojson'
import type { Knex } from 'knex'
import { DEMO_TABLES, generateDemoBatches, type DemoOptions, type DemoTable } from './generate'
import { loadDemoRoads } from './roads'

export interface LoadDemoOptions extends DemoOptions {
  /** Most rows per INSERT; a statement is further capped at MAX_PARAMETERS bound values. Default 500. */
  batchRows?: number
  /** Called after each INSERT with the table and the rows loaded into it so far. */
  onProgress?: (table: DemoTable, loaded: number) => void
  /** Also load the synthetic road network (server/demo/roads.ts); default true. */
  roads?: boolean
}

export type DemoCounts = Record<DemoTable, number>

/**
 * Bound values per statement, kept well below PostgreSQL's 65 535 because the embedded PGlite is
 * slow to plan very wide statements.
 */
const MAX_PARAMETERS = 30_000
/** Geometry text per statement, characters: divisions carry large polygons. */
const MAX_GEOMETRY_CHARS = 4_000_000

/** Columns of GeoJSON geometry, converted to EWKT on insert. */
const GEOMETRY_COLUMNS = new Set(['geom', 'source_line'])
/** jsonb columns: serialised explicitly, since `pg` would turn a JS array into a PostgreSQL array. */
const JSON_COLUMNS = new Set(['level_reason', 'items'])
/** Tables whose `id` comes from a sequence (serial / bigserial). */
const SEQUENCE_TABLES: readonly DemoTable[] = DEMO_TABLES.filter(
  (t) => t !== 'division' && t !== 'enterprise_specialist_department' && t !== 'inspection_inspector',
)

function positions(list: Position[]): string {
  return list.map((p) => `${p[0]} ${p[1]}`).join(',')
}

/** EWKT of a GeoJSON geometry in EPSG:4326 (RFC 7946 lon/lat order = WKT x y). */
export function toEwkt(geometry: Geometry): string {
  switch (geometry.type) {
    case 'Point':
      return `SRID=4326;POINT(${geometry.coordinates[0]} ${geometry.coordinates[1]})`
    case 'LineString':
      return `SRID=4326;LINESTRING(${positions(geometry.coordinates)})`
    case 'Polygon':
      return `SRID=4326;POLYGON(${geometry.coordinates.map((r) => `(${positions(r)})`).join(',')})`
    case 'MultiLineString':
      return `SRID=4326;MULTILINESTRING(${geometry.coordinates.map((l) => `(${positions(l)})`).join(',')})`
    case 'MultiPolygon':
      return `SRID=4326;MULTIPOLYGON(${geometry.coordinates.map((p) => `(${p.map((r) => `(${positions(r)})`).join(',')})`).join(',')})`
    default:
      throw new Error(`toEwkt: unsupported geometry type ${geometry.type}`)
  }
}

function toDatabaseRow(row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [column, value] of Object.entries(row)) {
    if (value !== null && GEOMETRY_COLUMNS.has(column)) out[column] = toEwkt(value as Geometry)
    else if (value !== null && JSON_COLUMNS.has(column)) out[column] = JSON.stringify(value)
    else out[column] = value
  }
  return out
}

async function insertRows(trx: Knex.Transaction, table: DemoTable, rows: readonly object[], batchRows: number, done: (n: number) => void): Promise<void> {
  let pending: Record<string, unknown>[] = []
  let geometryChars = 0
  let perStatement = batchRows
  const flush = async () => {
    if (pending.length === 0) return
    await trx(table).insert(pending)
    done(pending.length)
    pending = []
    geometryChars = 0
  }
  for (const row of rows) {
    const dbRow = toDatabaseRow(row)
    if (pending.length === 0) perStatement = Math.max(1, Math.min(batchRows, Math.floor(MAX_PARAMETERS / Object.keys(dbRow).length)))
    let chars = 0
    for (const column of GEOMETRY_COLUMNS) {
      const value = dbRow[column]
      if (typeof value === 'string') chars += value.length
    }
    if (pending.length > 0 && geometryChars + chars > MAX_GEOMETRY_CHARS) await flush()
    pending.push(dbRow)
    geometryChars += chars
    if (pending.length >= perStatement) await flush()
  }
  await flush()
}

/** True when no division is loaded: the signal to load the demo set at start-up. */
export async function isDatabaseEmpty(db: Knex): Promise<boolean> {
  const row = await db('division').first(db.raw('1 AS present'))
  return row === undefined
}

/**
 * Generates and inserts the demo set in one transaction; returns the rows inserted per table.
 * Refuses a database that already has divisions (the demo uses explicit ids and fixed codes).
 */
export async function loadDemo(db: Knex, options: LoadDemoOptions = {}): Promise<DemoCounts> {
  const batchRows = options.batchRows ?? 500
  const counts = Object.fromEntries(DEMO_TABLES.map((t) => [t, 0])) as DemoCounts
  await db.transaction(async (trx) => {
    if (!(await isDatabaseEmpty(trx))) {
      throw new Error('loadDemo: the database already has divisions; the demo set loads only into an empty database')
    }
    for (const batch of generateDemoBatches(options)) {
      await insertRows(trx, batch.table, batch.rows, batchRows, (n) => {
        counts[batch.table] += n
        options.onProgress?.(batch.table, counts[batch.table])
      })
    }
    // The rows carry explicit ids: move each sequence past them so later inserts do not collide.
    for (const table of SEQUENCE_TABLES) {
      await trx.raw('SELECT setval(pg_get_serial_sequence(?, ?), (SELECT coalesce(max(id), 0) + 1 FROM ??), false)', [table, 'id', table])
    }
    if (options.roads !== false) await loadDemoRoads(trx)
  })
  return counts
}
