/**
 * A GeoPackage 1.3 writer (OGC 12-128r18) for exports: one feature table in EPSG:4326, written
 * with SQLite compiled to WebAssembly (sql.js: no native build, so it installs offline and on any
 * Node) and returned as the file's bytes. Geometries arrive as little-endian WKB from PostGIS
 * (ST_AsBinary) and get the GeoPackage binary header (magic "GP", version 0, no envelope, srs_id).
 * The whole file is built in memory: an export of the province-scale set is tens of MB.
 */
import initSqlJs, { type SqlJsStatic } from 'sql.js'

/** GeoPackage column type of a property. */
export type GpkgColumnType = 'TEXT' | 'INTEGER' | 'REAL' | 'BOOLEAN' | 'DATE' | 'DATETIME'

export interface GpkgColumn {
  name: string
  type: GpkgColumnType
}

export interface GpkgLayer {
  /** Table name: letters, digits and underscores. */
  table: string
  description: string
  geometryType: 'POINT' | 'POLYGON' | 'MULTIPOLYGON' | 'GEOMETRY'
  columns: GpkgColumn[]
}

/** EPSG:4326 as GeoPackage readers expect its definition (OGC WKT 1). */
const WGS84_WKT =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],' +
  'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],' +
  'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'

/** "GPKG" as the SQLite application id, and GeoPackage version 1.3.0 as user_version. */
const APPLICATION_ID = 0x47504b47
const USER_VERSION = 10300
const SRS_ID = 4326

let sqlJs: Promise<SqlJsStatic> | null = null

/** The GeoPackage geometry blob of a WKB geometry: 8-byte header (no envelope) + WKB. */
export function gpkgGeometry(wkb: Uint8Array, srsId = SRS_ID): Uint8Array {
  const out = new Uint8Array(8 + wkb.length)
  const view = new DataView(out.buffer)
  out[0] = 0x47 // G
  out[1] = 0x50 // P
  out[2] = 0 // version 1
  out[3] = 0x01 // flags: little-endian header values, no envelope, not empty, standard binary
  view.setInt32(4, srsId, true)
  out.set(wkb, 8)
  return out
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`

/** Writes the features of `rows` into a new GeoPackage and returns its bytes. */
export async function writeGeoPackage(layer: GpkgLayer, rows: AsyncIterable<{ wkb: Uint8Array | null; values: unknown[] }>): Promise<Uint8Array> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(layer.table)) throw new Error(`GeoPackage table name ${layer.table} is not a plain identifier`)
  sqlJs ??= initSqlJs()
  const SQL = await sqlJs
  const db = new SQL.Database()
  try {
    db.run(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${USER_VERSION};`)
    db.run(`
      CREATE TABLE gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
      CREATE TABLE gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
      CREATE TABLE gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
        z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
    `)
    const srs = db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)')
    srs.run(['Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'])
    srs.run(['Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'])
    srs.run([
      'WGS 84 geodetic',
      SRS_ID,
      'EPSG',
      SRS_ID,
      WGS84_WKT,
      'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid (CGCS2000 is treated as the same)',
    ])
    srs.free()
    const columns = layer.columns.map((c) => `${quote(c.name)} ${c.type}`)
    db.run(
      `CREATE TABLE ${quote(layer.table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom ${layer.geometryType}${columns.length > 0 ? `, ${columns.join(', ')}` : ''})`,
    )
    db.run('INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?, ?, ?, ?, ?)', [
      layer.table,
      'features',
      layer.table,
      layer.description,
      SRS_ID,
    ])
    db.run('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)', [layer.table, 'geom', layer.geometryType, SRS_ID])

    const insert = db.prepare(
      `INSERT INTO ${quote(layer.table)} (geom${layer.columns.map((c) => `, ${quote(c.name)}`).join('')}) VALUES (?${', ?'.repeat(layer.columns.length)})`,
    )
    db.run('BEGIN')
    for await (const row of rows) {
      const values = row.values.map((v, i) => sqliteValue(v, layer.columns[i]!.type))
      insert.run([row.wkb ? gpkgGeometry(row.wkb) : null, ...values])
    }
    db.run('COMMIT')
    insert.free()
    return db.export()
  } finally {
    db.close()
  }
}

function sqliteValue(value: unknown, type: GpkgColumnType): string | number | null {
  if (value === null || value === undefined) return null
  if (type === 'BOOLEAN') return value === true || value === 'true' || value === 1 ? 1 : 0
  if (type === 'INTEGER' || type === 'REAL') {
    const n = Number(value)
    return Number.isFinite(n) ? n : null
  }
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
