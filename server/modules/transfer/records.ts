/**
 * What every file reader yields: the file's column headers, then one record per data row with its
 * values (by header, or a table's cells by position) and, for spatial formats, its geometry in the
 * file's own coordinates.
 */
import type { Geometry } from 'geojson'
import type { ProblemCode, ProblemParams } from './problems'

export const IMPORT_FORMATS = ['csv', 'xlsx', 'geojson', 'shapefile', 'osm-pbf'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

interface RecordCommon {
  /** 1-based data row: the header and empty rows are not counted. */
  row: number
  /**
   * Where the row is in the file: the text line where it starts (CSV, GeoJSON), the sheet row
   * number (XLSX) or the record number (shapefile).
   */
  line: number
  /** The feature's geometry (GeoJSON, shapefile), in the file's coordinate system; absent for tables. */
  geometry?: Geometry | null
  /** A problem the reader found with the row itself (e.g. more fields than the header). */
  problem?: { column?: string; reason: string; code: ProblemCode; params?: ProblemParams }
}

/** A record that names its values (GeoJSON properties, shapefile attributes, OSM tags): strings, numbers, booleans, dates, JSON. */
export interface KeyedRecord extends RecordCommon {
  values: Record<string, unknown>
  cells?: undefined
}

/**
 * A table's row (CSV, XLSX): its cells by position, in the order of RecordReader.headers (a missing
 * cell: undefined). The importer reads them by column index, so no object is built for each row.
 */
export interface TableRecord extends RecordCommon {
  cells: readonly unknown[]
  values?: undefined
}

export type SourceRecord = KeyedRecord | TableRecord

/**
 * How a table reader takes a row's cells under its named columns (`positions`: the column of each
 * header, in order): the row as it is when every column from the first is named (the usual file).
 */
export function namedCells(positions: readonly number[]): (row: readonly unknown[]) => readonly unknown[] {
  return positions.every((p, i) => p === i) ? (row) => row : (row) => positions.map((p) => row[p])
}

/** A record's values by header, whichever way its reader gives them (a missing cell reads as ''). */
export function recordValues(headers: readonly string[], record: SourceRecord): Record<string, unknown> {
  if (record.values !== undefined) return record.values
  return Object.fromEntries(headers.map((h, i) => [h, record.cells[i] ?? '']))
}

/** A file opened for import: its headers are known, its records are read on demand. */
export interface RecordReader {
  format: ImportFormat
  /** Text encoding of the file (CSV, GeoJSON) or of its attribute table (shapefile); null for XLSX. */
  readonly encoding: string | null
  headers: string[]
  /** A coordinate system the file declares itself (shapefile .prj WKT, GeoJSON `crs` member). */
  declaredCrs: { wkt?: string; name?: string } | null
  records: AsyncIterable<SourceRecord>
  /** What the reader left out or changed on its own, known once the records are read (OSM PBF). */
  notes?: ImportNote[]
  /** Releases temporary files and open handles; safe to call twice. */
  close(): Promise<void>
}

/**
 * A note of an import report: a stable code and its numbers, for a page to word in its language,
 * and the English text (the CLI and API clients read it).
 */
export interface ImportNote {
  code: 'roads_replaced' | 'osm_ways_clipped' | 'osm_ways_dropped' | 'register_first_load'
  params: Record<string, number>
  text: string
}
