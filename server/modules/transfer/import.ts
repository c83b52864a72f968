/**
 * Runs one import (docs/architecture.md §9): opens the file (CSV, XLSX, GeoJSON or zipped shapefile), maps its
 * columns, and streams its rows through the common checks (types, coordinates and their system,
 * the deployment extent, swapped latitude/longitude, geometry validity, duplicates within the file)
 * and the kind's own, writing batches inside one transaction. Mode `all` stores nothing when any
 * row is invalid; mode `valid` stores the valid rows and reports the rest. What was touched is
 * regraded in the same transaction, or by a full regrade after commit for a very large import.
 */
import { GBT4754_TABLE, type IndustryTable } from '../../domain/industry-classification'
import type { RegisterDivision } from '../../domain/division-register'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { Geometry } from 'geojson'
import type { Knex } from 'knex'
import { isEmbedded } from '../../db/knex'
import { AppError } from '../../errors'
import { fullRegrade, regradeIncremental, type GradingOptions } from '../../grading/engine'
import { mapCellsToRegions, recomputeRegions } from '../../grading/regions'
import { bumpDataVersion, lockGrading } from '../../grading/repository'
import { recordAudit, recordAudits } from '../audit/audit'
import { emptyFile, fileError, IMPORT_MAX_BYTES, limitBytes, peekHead, spoolToFile, tooLarge } from './bytes'
import { resolveCrs, type CoordinateSystem } from './crs'
import { openCsv } from './csv-reader'
import { extendColumns, fieldLabel, isEmpty, mapColumns, parseValue, ValueProblem, type ColumnMap, type Field } from './fields'
import { bbox, geometryFromCell, geometryProblem, mapPositions } from './geometry'
import { openGeoJson } from './geojson-reader'
import { areaAssessmentsKind, divisionsKind, mgmtGridsKind } from './kind-areas'
import { enterprisesKind } from './kind-enterprises'
import { resourcesKind } from './kind-resources'
import { roadsKind } from './kind-roads'
import { hiddenDangersKind, majorHazardsKind, safetyRisksKind } from './kind-sources'
import { point, type Extent, type ImportKindName, type KindContext, type KindSpec, type Prepared, type Problem, type RowInput } from './kinds'
import { inExtent, loadDivisionCodes, loadExtent } from './lookups'
import type { ImportFormat, ImportNote, RecordReader, SourceRecord } from './records'
import type { FileProblemCode, ProblemCode, ProblemParams } from './problems'
import { looksLikeOsmPbf, openOsmPbf } from './osm-pbf-reader'
import { openShapefileZip } from './shapefile-reader'
import { openXlsx } from './xlsx-reader'
import { openZip } from './zip'

/** Every import kind; a kind's record type stays inside its own module. */
export const IMPORT_SPECS = {
  enterprises: enterprisesKind,
  major_hazards: majorHazardsKind,
  safety_risks: safetyRisksKind,
  hidden_dangers: hiddenDangersKind,
  area_assessments: areaAssessmentsKind,
  resources: resourcesKind,
  divisions: divisionsKind,
  mgmt_grids: mgmtGridsKind,
  roads: roadsKind,
} as unknown as Record<ImportKindName, KindSpec<unknown>>

/** More touched enterprises and areas than this: regrade everything after commit instead (docs/domain.md §4.6). */
export const FULL_REGRADE_THRESHOLD = 5_000
/** Rows per written batch: points, and polygons (heavier statements). */
const BATCH_ROWS = { point: 2_000, area: 200, none: 2_000 } as const
/** Row errors listed in a report; the counts stay exact beyond it. */
const MAX_REPORTED_ERRORS = 1_000

/** Where the file comes from: a path (CLI) or a stream (HTTP body). */
export interface ImportSource {
  path?: string
  stream?: AsyncIterable<Buffer | Uint8Array | string>
  /** Size in bytes when known before reading (Content-Length, file size). */
  size?: number | null
  fileName?: string | null
}

export interface ImportProgress {
  rows: number
  valid: number
  invalid: number
  /** Bytes read so far (of the stream; for zip formats, of the spooled upload). */
  bytes: number
  totalBytes: number | null
  phase: 'reading' | 'regrading'
}

export interface ImportOptions {
  kind: ImportKindName
  format?: ImportFormat
  /** wgs84 (default), cgcs2000, gcj02, bd09, or EPSG:<code> of a projected grid. */
  crs?: string
  /** all (default): any invalid row stores nothing; valid: store the valid rows. */
  mode?: 'all' | 'valid'
  /** Validate and report without storing. */
  dryRun?: boolean
  /** `{"source header": "field key"}`; "" or null ignores a column. */
  mapping?: Record<string, string | null>
  /** Largest accepted file, bytes; default IMPORT_MAX_BYTES. */
  maxBytes?: number
  grading: GradingOptions
  /** The GB/T 4754 table registers' industries are mapped with (config INDUSTRY_TABLE); default the built-in one. */
  industryTable?: IndustryTable
  /** The deployment's register divisions (config REGION_CODE): a boundary row without a code is found by its name there. */
  register?: readonly RegisterDivision[]
  /** The deployment's area code, for messages. */
  regionCode?: string
  /** Full regrade after commit above this many touched enterprises + areas; default FULL_REGRADE_THRESHOLD. */
  fullRegradeThreshold?: number
  batchRows?: number
  /** auto (default): regrade what was touched; defer: do not regrade (the caller runs a full regrade after a batch of imports). */
  regrade?: 'auto' | 'defer'
  /** A full regrade after commit: awaited (CLI), or started and left running (HTTP; the report names its run). */
  fullRegradeAfterCommit?: 'await' | 'background'
  /** Called when a background full regrade fails. */
  onBackgroundError?: (err: unknown) => void
  onProgress?: (progress: ImportProgress) => void
  username?: string | null
  /** Repair invalid polygons (ST_MakeValid, keeping the polygonal parts) instead of refusing them. */
  repair?: boolean
  /** A repair that changes a polygon's area by more than this share is refused for that row; default REPAIR_MAX_AREA_CHANGE. */
  repairMaxAreaChange?: number
}

/** Default largest change of area a polygon repair may make (1 %). */
export const REPAIR_MAX_AREA_CHANGE = 0.01

/** A polygon the import repaired: where it was invalid, why, and how much its area changed. */
export interface RepairReport {
  row: number
  line?: number
  /** PostGIS's reason (ST_IsValidDetail), e.g. "Self-intersection". */
  reason: string
  /** [lon, lat] of the fault, WGS 84. */
  location: [number, number] | null
  /** Change of area by the repair, percent of the original (planar, signed rings as drawn). */
  areaChangePct: number
}

export interface RowError {
  /** 1-based data row. */
  row: number
  /** Text line (CSV, GeoJSON), sheet row (XLSX) or record number (shapefile). */
  line?: number
  /** The column as the file names it (or the field's Chinese header when the file lacks it). */
  column?: string
  value?: unknown
  /** In English. */
  reason: string
  /** The reason's stable code and its parameters (problems.ts), for a page to word in its language. */
  code: ProblemCode
  params?: ProblemParams
}

export interface RegradeReport {
  /** incremental: in the import's transaction; full: after commit; regions: region maps redone; none: nothing graded changed; skipped: nothing stored. */
  mode: 'incremental' | 'full' | 'regions' | 'none' | 'skipped'
  enterprises?: number
  areas?: number
  affectedCells?: number
  changedCells?: number
  regions?: number
  runId?: number
  seconds?: number
  note?: string
}

export interface ImportReport {
  kind: ImportKindName
  format: ImportFormat
  encoding: string | null
  crs: string
  mode: 'all' | 'valid'
  dryRun: boolean
  /** Data rows read (header and empty rows excluded). */
  rows: number
  valid: number
  invalid: number
  /** Records created and updated (a dry run: that would be); unchanged: valid records identical to what is stored. */
  created: number
  updated: number
  unchanged: number
  /** True when the import was refused (mode all with invalid rows): nothing stored. */
  rejected: boolean
  /** True when records were committed. */
  stored: boolean
  errors: RowError[]
  errorsTruncated: boolean
  /** Polygons repaired (with repair on): each row, its fault and the change of area. */
  repairs: RepairReport[]
  /** Which field each column of the file feeds. */
  columns: Record<string, string>
  /** Columns the import does not use. */
  ignoredColumns: string[]
  /** What the reader or the kind adds (e.g. the edges a road import made, ways cut at an extract's border), in English. */
  note?: string
  /** The same notes by code and numbers, for a page to word in its language. */
  notes?: Array<Pick<ImportNote, 'code' | 'params'>>
  regrade: RegradeReport
  seconds: number
}

/** The format a file name implies, or null (a .zip may be a workbook or a shapefile: its entries decide). */
export function formatFromName(name: string | null | undefined): ImportFormat | null {
  const ext = path.extname(name ?? '').toLowerCase()
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv'
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx'
  if (ext === '.geojson' || ext === '.json') return 'geojson'
  if (ext === '.pbf') return 'osm-pbf'
  if (ext === '.osm' || /\.osm\.(bz2|gz)$/i.test(name ?? ''))
    throw fileError('osm_xml', {}, 'OpenStreetMap XML is not supported: convert it to PBF (osmium cat in.osm -o out.osm.pbf) or download the .osm.pbf extract')
  if (ext === '.xls') throw fileError('xls_old', {}, 'old Excel .xls files are not supported: save the sheet as .xlsx or CSV')
  if (ext === '.shp') throw fileError('shp_not_zipped', {}, 'upload a shapefile as one .zip holding the .shp, .dbf and .prj (and .cpg) files')
  return null
}

/** What the first bytes say: a zip archive, an old Excel file, an OSM PBF extract, JSON, or (by default) CSV text. */
export function sniffFormat(head: Buffer): 'zip' | 'xls' | 'osm-pbf' | 'geojson' | 'csv' {
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip'
  if (looksLikeOsmPbf(head)) return 'osm-pbf'
  if (head.length >= 4 && head.readUInt32BE(0) === 0xd0cf11e0) return 'xls'
  const text = head
    .toString('latin1')
    .replace(/^\xef\xbb\xbf/, '')
    .trimStart()
  return text.startsWith('{') ? 'geojson' : 'csv'
}

async function readHead(file: string, n: number): Promise<Buffer> {
  const handle = await fsp.open(file, 'r')
  try {
    const buf = Buffer.alloc(n)
    const { bytesRead } = await handle.read(buf, 0, n, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** Opens the file as the right reader; zip-based formats from disk (an upload is spooled first). */
async function openReader(
  source: ImportSource,
  format: ImportFormat | undefined,
  maxBytes: number,
  counter: { bytes: number },
  cleanup: Array<() => Promise<void>>,
): Promise<RecordReader> {
  let size = source.size ?? null
  if (source.path !== undefined) size = (await fsp.stat(source.path)).size
  if (size !== null && size > maxBytes) throw tooLarge(maxBytes, size)
  if (size === 0) throw emptyFile()
  const named = format ?? formatFromName(source.fileName ?? source.path)

  let head: Buffer
  let stream: AsyncIterable<Buffer> | null = null
  if (source.path !== undefined) head = await readHead(source.path, 16)
  else {
    if (!source.stream) throw new Error('runImport: a path or a stream is required')
    const peeked = await peekHead(limitBytes(source.stream, maxBytes, counter), 16)
    head = peeked.head
    stream = peeked.all
  }
  if (head.length === 0) throw emptyFile()
  const sniffed = sniffFormat(head)
  if (sniffed === 'xls') throw fileError('xls_old', {}, 'old Excel .xls files are not supported: save the sheet as .xlsx or CSV')
  const chosen: ImportFormat | null = named ?? (sniffed === 'zip' ? null : sniffed)
  const bytes = () => stream ?? limitBytes(fs.createReadStream(source.path!), maxBytes, counter)
  if (chosen === 'osm-pbf' || sniffed === 'osm-pbf') {
    if (sniffed !== 'osm-pbf') {
      const what =
        sniffed === 'zip'
          ? 'a zip archive'
          : head.toString('latin1').trimStart().startsWith('<')
            ? 'XML (OpenStreetMap XML is not supported: convert it with osmium cat in.osm -o out.osm.pbf)'
            : `${sniffed === 'geojson' ? 'JSON' : 'text'}`
      throw fileError(
        'not_osm_pbf',
        { found: sniffed === 'zip' ? 'zip' : head.toString('latin1').trimStart().startsWith('<') ? 'xml' : sniffed === 'geojson' ? 'json' : 'text' },
        `not an OpenStreetMap PBF file: it is ${what}`,
      )
    }
    if (chosen !== null && chosen !== 'osm-pbf')
      throw fileError('is_osm_pbf', { format: chosen }, `the file is an OpenStreetMap PBF extract, not ${chosen}: choose format osm-pbf`)
    let file = source.path
    if (file === undefined) {
      const spooled = await spoolToFile(stream!, '.osm.pbf')
      cleanup.push(spooled.remove)
      file = spooled.file
    }
    return openOsmPbf(file, counter)
  }
  if (chosen === 'csv' || chosen === 'geojson') {
    if (sniffed === 'zip')
      throw fileError(
        'is_zip',
        { format: chosen },
        `the file is a zip archive, not ${chosen === 'csv' ? 'CSV text' : 'GeoJSON'}: choose format xlsx or shapefile`,
      )
    return chosen === 'csv' ? openCsv(bytes()) : openGeoJson(bytes())
  }
  if (sniffed !== 'zip') {
    throw fileError(
      'not_zip',
      { format: chosen ?? 'shapefile' },
      chosen === 'xlsx'
        ? 'not an XLSX workbook (an .xlsx file is a zip archive)'
        : 'a shapefile must be uploaded as a .zip holding the .shp, .dbf and .prj files',
    )
  }
  let file = source.path
  if (file === undefined) {
    const spooled = await spoolToFile(stream!, '.zip')
    cleanup.push(spooled.remove)
    file = spooled.file
  }
  let zipFormat = chosen
  if (zipFormat === null) {
    const zip = await openZip(file)
    zipFormat = zip.has('xl/workbook.xml') ? 'xlsx' : 'shapefile'
    zip.close()
  }
  return zipFormat === 'xlsx' ? openXlsx(file) : openShapefileZip(file)
}

/** Error details of a missing-columns file error. */
function missingColumns(spec: KindSpec<unknown>, columns: ColumnMap, hasGeometry: boolean): Field[] {
  const missing = new Set<string>()
  for (const f of spec.fields) if (f.required && !f.exportOnly && !columns.headerOf.has(f.key)) missing.add(f.key)
  for (const k of spec.requiredColumns?.(hasGeometry, (key) => columns.headerOf.has(key)) ?? []) if (!columns.headerOf.has(k)) missing.add(k)
  if (spec.geometry === 'area' && !hasGeometry) missing.add('geometry')
  if (spec.geometry === 'point' && columns.headerOf.has('lon') !== columns.headerOf.has('lat')) missing.add(columns.headerOf.has('lon') ? 'lat' : 'lon')
  return spec.fields.filter((f) => missing.has(f.key))
}

/** SQLSTATE classes that a row's own data causes (data exceptions, constraint violations, PostGIS input errors). */
function isRowDatabaseError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && /^(22|23|XX000)/.test(code)
}

interface Entry {
  prepared: Prepared<unknown>
  rows: Array<{ row: number; line: number }>
}

/** Reads, checks and stores one file. Throws AppError for a file-level problem; row problems go in the report. */
export async function runImport(db: Knex, source: ImportSource, options: ImportOptions): Promise<ImportReport> {
  const started = Date.now()
  const spec = IMPORT_SPECS[options.kind]
  const mode = options.mode ?? 'all'
  const dryRun = options.dryRun ?? false
  const maxBytes = options.maxBytes ?? IMPORT_MAX_BYTES
  const counter = { bytes: 0 }
  const cleanup: Array<() => Promise<void>> = []
  const fileName = source.fileName ?? (source.path ? path.basename(source.path) : null)
  let reader: RecordReader | null = null
  try {
    reader = await openReader(source, options.format, maxBytes, counter, cleanup)
    if (reader.format === 'osm-pbf' && spec.kind !== 'roads')
      throw fileError('osm_not_roads_kind', { kind: spec.kind }, `an OpenStreetMap PBF extract holds roads: import it as kind roads, not ${spec.kind}`)
    const report = await importRecords(db, reader, spec, { ...options, mode, dryRun }, counter, source.size ?? null, started, fileName)
    // A stored import is audited in its own transaction (importRecords); the others here, after the rollback.
    if (!report.stored) await auditImport(db, options, fileName, report.dryRun ? 'dry_run' : report.rejected ? 'rejected' : 'nothing_stored', report)
    return report
  } catch (err) {
    await auditImport(db, options, fileName, 'failed', null, err).catch(() => undefined)
    throw err
  } finally {
    await reader?.close()
    for (const remove of cleanup) await remove()
  }
}

/**
 * The audit row of an import that stored nothing (docs/security.md "Imports and exports"): who, which
 * kind and file, the row counts and the outcome — a dry run, a file rejected as a whole (mode=all), no
 * valid row, or a failure (an unreadable file, a missing column) with its error code and message.
 */
async function auditImport(
  db: Knex,
  options: ImportOptions,
  fileName: string | null,
  outcome: 'dry_run' | 'rejected' | 'nothing_stored' | 'failed',
  report: ImportReport | null,
  err?: unknown,
): Promise<void> {
  const counts = report ? { format: report.format, rows: report.rows, valid: report.valid, invalid: report.invalid, created: 0, updated: 0 } : {}
  const error = err instanceof AppError ? { code: err.code, message: err.message } : err ? { code: 'internal', message: 'the import failed' } : undefined
  await db.transaction((trx) =>
    recordAudit(trx, {
      action: 'import_not_stored',
      entity: options.kind,
      entityId: null,
      before: null,
      after: {
        file: fileName,
        kind: options.kind,
        mode: options.mode ?? 'all',
        dryRun: options.dryRun ?? false,
        outcome,
        ...counts,
        ...(error ? { error } : {}),
      },
      username: options.username ?? null,
    }),
  )
}

async function importRecords(
  db: Knex,
  reader: RecordReader,
  spec: KindSpec<unknown>,
  options: ImportOptions & { mode: 'all' | 'valid'; dryRun: boolean },
  counter: { bytes: number },
  totalBytes: number | null,
  started: number,
  fileName: string | null,
): Promise<ImportReport> {
  const columns = mapColumns(reader.headers, spec.fields, options.mapping, reader.format !== 'geojson')
  const hasGeometry = reader.format === 'geojson' || reader.format === 'shapefile' || columns.headerOf.has('geometry')
  const missing = missingColumns(spec, columns, hasGeometry)
  if (missing.length > 0) {
    const names = missing.map(fieldLabel).join(', ')
    throw new AppError(
      400,
      'invalid_file',
      `missing required column${missing.length > 1 ? 's' : ''} for ${spec.label.en} import: ${names}`,
      missing.map((f) => ({
        field: f.zh,
        message: 'required column is missing',
        column: f.zh,
        key: f.key,
        code: 'column_missing' satisfies FileProblemCode,
        params: { column: f.zh },
      })),
    )
  }
  const crs = resolveCrs(options.crs, reader.declaredCrs)
  const columnOf = (key: string | undefined): string | undefined => {
    if (key === undefined) return undefined
    const header = columns.headerOf.get(key)
    if (header !== undefined) return header
    if (key === 'geometry' && (reader.format === 'geojson' || reader.format === 'shapefile')) return 'geometry'
    const f = spec.fields.find((x) => x.key === key)
    return f ? f.zh : key
  }

  const trx = await db.transaction()
  let reads: Knex.Transaction | null = null
  try {
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`riskmap.import.${spec.kind}`])
    // A kind whose checks read only what is committed checks ahead on a second, read-only connection (not on the one-session embedded database).
    const ahead = spec.checksAhead === true && !isEmbedded(db)
    if (ahead) {
      reads = await db.transaction()
      await reads.raw('SET TRANSACTION READ ONLY')
    }
    const checks = reads ?? trx
    const ctx: KindContext = {
      rules: options.grading.rules,
      divisions: await loadDivisionCodes(trx),
      present: new Set(columns.headerOf.keys()),
      memo: new Map(),
      toWgs84: (g) => mapPositions(g, crs.toWgs84),
      industryTable: options.industryTable ?? GBT4754_TABLE,
      register: options.register ?? [],
      regionCode: options.regionCode ?? null,
      dryRun: options.dryRun,
    }
    const extent = spec.noExtentCheck ? null : await loadExtent(trx)
    await spec.load?.(trx, ctx)

    const errors: RowError[] = []
    const repairs: RepairReport[] = []
    let errorCount = 0
    const counts = { rows: 0, valid: 0, invalid: 0, created: 0, updated: 0, written: 0 }
    const enterpriseIds = new Set<number>()
    const areaIds = new Set<number>()
    let regionsChanged = false
    const report = (at: { row: number; line: number }, p: Problem) => {
      errorCount++
      if (errors.length >= MAX_REPORTED_ERRORS) return
      const e: RowError = { row: at.row, line: at.line, reason: p.reason, code: p.code, ...(p.params ? { params: p.params } : {}) }
      const column = columnOf(p.field)
      if (column !== undefined) e.column = column
      if (p.value !== undefined && p.value !== null) e.value = p.value instanceof Date ? p.value.toISOString() : p.value
      errors.push(e)
    }

    // The first row of each key, by field (an enterprise's external id may look like another's USCC):
    // kept for the whole file, so the value itself is the map's key, not a longer string made from it.
    const keys = new Map<string, Map<string, number>>()
    const firstRowOf = (key: { field: string; value: string }) => keys.get(key.field)?.get(key.value)
    const batchRows = options.batchRows ?? BATCH_ROWS[spec.geometry]
    let batch: Entry[] = []
    let open: Entry | null = null
    let openKey: string | null = null

    const write = async (entries: Entry[]): Promise<void> => {
      await trx.raw('SAVEPOINT import_batch')
      try {
        const r = await spec.write(
          trx,
          entries.map((e) => e.prepared),
          ctx,
        )
        await trx.raw('RELEASE SAVEPOINT import_batch')
        counts.created += r.created
        counts.updated += r.updated
        counts.written += entries.length
        // An existing record changed by the file (renamed, moved…) is audited with its before/after, as an API write is.
        await recordAudits(
          trx,
          (r.changes ?? []).map((c) => ({
            action: 'updated_by_import',
            entity: c.entity,
            entityId: c.id,
            before: c.before,
            after: c.after,
            username: options.username ?? null,
          })),
        )
        r.enterpriseIds.forEach((id) => enterpriseIds.add(id))
        r.areaIds.forEach((id) => areaIds.add(id))
        if (r.regionsChanged) regionsChanged = true
      } catch (err) {
        await trx.raw('ROLLBACK TO SAVEPOINT import_batch')
        if (!isRowDatabaseError(err)) throw err
        // Narrow the failure down to the rows that cause it.
        if (entries.length === 1)
          entries[0]!.prepared.problems.push({
            code: 'database_refused',
            params: { detail: err.message },
            reason: `the database refused the row: ${err.message}`,
          })
        else for (const e of entries) await write([e])
      }
    }

    const clean = (entries: Entry[]) => entries.filter((e) => e.prepared.problems.length === 0)
    /** A batch's checks that need the database (on `checks`: the import's transaction, or the read-only one of a kind that checks ahead). */
    const checkBatch = async (entries: Entry[]): Promise<void> => {
      if (spec.geometry === 'area') {
        const repaired = await checkValidity(checks, clean(entries), options.repair === true, options.repairMaxAreaChange ?? REPAIR_MAX_AREA_CHANGE)
        for (const r of repaired) repairs.push({ ...r.repair, row: r.entry.rows[0]!.row, line: r.entry.rows[0]!.line })
      }
      if (spec.check)
        await spec.check(
          checks,
          clean(entries).map((e) => e.prepared),
          ctx,
        )
    }

    /** A checked batch: written unless the import is being rejected, then counted and reported in file order. */
    const writeBatch = async (entries: Entry[]): Promise<void> => {
      const rejecting = options.mode === 'all' && (counts.invalid > 0 || entries.some((e) => e.prepared.problems.length > 0))
      if (!rejecting && clean(entries).length > 0) await write(clean(entries))
      for (const e of entries) {
        const problems = e.prepared.problems
        if (problems.length === 0) {
          counts.valid += e.rows.length
          continue
        }
        counts.invalid += e.rows.length
        problems.forEach((p) => report(e.rows[0]!, p))
        for (const other of e.rows.slice(1))
          report(other, {
            code: 'same_record_invalid',
            params: { row: e.rows[0]!.row, kind: spec.kind },
            reason: `not stored: row ${e.rows[0]!.row} of the same ${spec.label.en} is invalid`,
          })
      }
      options.onProgress?.({ rows: counts.rows, valid: counts.valid, invalid: counts.invalid, bytes: counter.bytes, totalBytes, phase: 'reading' })
    }

    // A full batch is checked, then written, while the next one is read and prepared, so the parser
    // and PostgreSQL work side by side instead of in turn. Checks run in file order, and so do writes
    // (counts and the all-or-nothing decision follow the file). A batch's checks wait for the write
    // before it, except for a kind that checks ahead: its next batch is checked on the read-only
    // connection while the one before is written, and two batches are in flight.
    let checked: Promise<void> = Promise.resolve()
    let written: Promise<void> = Promise.resolve()
    const inFlight: Array<Promise<void>> = []
    const flush = (entries: Entry[]): Promise<void> => {
      const c = (ahead ? checked : written).then(() => checkBatch(entries))
      const w = Promise.all([c, written]).then(() => writeBatch(entries))
      c.catch(() => undefined) // each is awaited through the last write
      w.catch(() => undefined)
      checked = c
      written = w
      return w
    }
    /** Ends the open record, into the batch; true when the batch is full (then dispatch it). Synchronous: it runs for every row. */
    const close = (): boolean => {
      if (open !== null) batch.push(open)
      open = null
      openKey = null
      return batch.length >= batchRows
    }
    /** Sends the full batch on to its checks and write, once fewer than the allowed batches are in flight. */
    const dispatch = async () => {
      const full = batch
      batch = []
      while (inFlight.length >= (ahead ? 2 : 1)) await inFlight.shift()
      inFlight.push(flush(full))
    }

    const seenHeaders = new Set(reader.headers)
    // The mapped columns as a list, read for every row (a Map's iterator allocates an entry per column),
    // each with its position among the headers (a table's cells are read by it).
    const positions = new Map(reader.headers.map((h, i) => [h, i]))
    const mappedColumns = (): MappedColumn[] => [...columns.fieldOf].map(([header, field]) => ({ header, index: positions.get(header) ?? -1, field }))
    let mapped = mappedColumns()
    try {
      for await (const record of reader.records) {
        counts.rows++
        if (reader.format === 'geojson') {
          extendColumns(columns, Object.keys(record.values ?? {}), spec.fields, seenHeaders)
          for (const key of columns.headerOf.keys()) ctx.present.add(key)
          if (mapped.length !== columns.fieldOf.size) mapped = mappedColumns()
        }
        const { input, problems } = readRow(record, mapped, spec, crs, extent)
        let prepared: unknown = problems.length > 0 ? [...problems, ...kindProblems(spec, input, problems, ctx)] : spec.prepare(input, ctx)
        if (!Array.isArray(prepared)) {
          const recordKeys = spec.keys?.(prepared) ?? []
          if (recordKeys.length > 0) {
            const k = recordKeys[0]!.value
            if (spec.merge && openKey === k && open !== null) {
              const merged = spec.merge(open.prepared.record, prepared)
              open.rows.push({ row: record.row, line: record.line })
              if (Array.isArray(merged) && merged.length > 0) open.prepared.problems.push(...merged)
              continue
            }
            const clash = recordKeys.find((key) => firstRowOf(key) !== undefined)
            if (clash !== undefined) {
              const first = firstRowOf(clash)!
              const what = clash.field === 'uscc' ? 'USCC' : clash.field === 'code' ? 'code' : 'external id'
              const hint = spec.merge ? ` (rows of one ${spec.label.en} must be consecutive)` : ''
              prepared = [
                {
                  field: clash.field,
                  value: clash.value,
                  code: spec.merge ? 'duplicate_key_apart' : 'duplicate_key',
                  params: { key: clash.value, row: first },
                  reason: `duplicate ${what} ${clash.value} in the file: also at row ${first}${hint}`,
                },
              ] satisfies Problem[]
            } else
              for (const key of recordKeys) {
                let rows = keys.get(key.field)
                if (!rows) keys.set(key.field, (rows = new Map()))
                rows.set(key.value, record.row)
              }
            if (!Array.isArray(prepared)) {
              if (close()) await dispatch()
              open = { prepared: { input: placed(input), record: prepared, problems: [] }, rows: [{ row: record.row, line: record.line }] }
              openKey = spec.merge ? k : null
              if (!spec.merge && close()) await dispatch()
              continue
            }
          }
        }
        if (Array.isArray(prepared)) {
          if (close()) await dispatch()
          batch.push({ prepared: { input: placed(input), record: null, problems: prepared as Problem[] }, rows: [{ row: record.row, line: record.line }] })
          continue
        }
        if (close()) await dispatch()
        batch.push({ prepared: { input: placed(input), record: prepared, problems: [] }, rows: [{ row: record.row, line: record.line }] })
      }
    } catch (err) {
      // A row the reader cannot read ends the import: let the batch being written finish first.
      await written.catch(() => undefined)
      throw err
    }
    if (open !== null) batch.push(open)
    if (batch.length > 0) flush(batch)
    await written
    batch = []
    if (reads !== null) await reads.rollback()
    if (counts.rows === 0) throw fileError('no_data_rows', {}, 'the file has a header but no data rows', 'file', { reason: 'empty' })
    if (spec.finish && !(options.mode === 'all' && counts.invalid > 0)) {
      for (const f of await spec.finish(trx, ctx)) {
        counts.valid--
        counts.invalid++
        report(f, f.problem)
      }
    }

    const rejected = options.mode === 'all' && counts.invalid > 0
    const notes = [...(reader.notes ?? []), ...(rejected ? [] : [spec.outcome?.(ctx)].filter((n): n is ImportNote => !!n))]
    let regrade: RegradeReport = { mode: 'skipped', note: options.dryRun ? 'dry run: nothing stored' : rejected ? 'rejected: nothing stored' : undefined }
    let fullAfterCommit = false
    const touched = enterpriseIds.size + areaIds.size
    const base = {
      kind: spec.kind,
      format: reader.format,
      encoding: reader.encoding,
      crs: crs.name,
      mode: options.mode,
      dryRun: options.dryRun,
      rows: counts.rows,
      valid: counts.valid,
      invalid: counts.invalid,
      created: rejected ? 0 : counts.created,
      updated: rejected ? 0 : counts.updated,
      unchanged: rejected ? 0 : counts.written - counts.created - counts.updated,
      rejected,
      errors,
      errorsTruncated: errorCount > errors.length,
      repairs,
      columns: Object.fromEntries([...columns.fieldOf].map(([h, f]) => [h, f.key])),
      ignoredColumns: columns.ignored,
      ...(notes.length > 0 ? { note: notes.map((n) => n.text).join('; '), notes: notes.map(({ code, params }) => ({ code, params })) } : {}),
    }
    if (options.dryRun || rejected || counts.written === 0) {
      await trx.rollback()
      if (!options.dryRun && !rejected) regrade = { mode: 'none', note: 'no valid rows' }
      return { ...base, stored: false, regrade, seconds: (Date.now() - started) / 1000 }
    }
    options.onProgress?.({ rows: counts.rows, valid: counts.valid, invalid: counts.invalid, bytes: counter.bytes, totalBytes, phase: 'regrading' })
    if (options.regrade !== 'defer') await refreshStatistics(trx, spec.tables, counts.written)
    const cause = { kind: 'import', id: spec.kind, action: 'imported' }
    if (options.regrade === 'defer') {
      regrade = {
        mode: 'skipped',
        enterprises: enterpriseIds.size,
        areas: areaIds.size,
        note: 'deferred by the caller: run a full regrade (npm run regrade) when the imports are done',
      }
    } else if (regionsChanged) {
      // Division units or grids changed: every cell is mapped to regions again.
      await lockGrading(trx)
      await mapCellsToRegions(trx, options.grading.res, null)
      const regions = await recomputeRegions(trx, options.grading.res, null, options.grading.rules)
      regrade = { mode: 'regions', regions }
    } else if (touched === 0)
      regrade = {
        mode: 'none',
        note:
          spec.kind === 'resources'
            ? 'emergency resources do not grade cells'
            : spec.kind === 'roads'
              ? 'roads do not grade cells'
              : 'no record that grades cells changed',
      }
    else if (touched > (options.fullRegradeThreshold ?? FULL_REGRADE_THRESHOLD)) fullAfterCommit = true
    else {
      const r = await regradeIncremental(trx, { enterpriseIds: [...enterpriseIds], areaIds: [...areaIds] }, cause, options.grading)
      regrade = { mode: 'incremental', enterprises: enterpriseIds.size, areas: areaIds.size, affectedCells: r.affectedCells, changedCells: r.changedCells }
    }
    await bumpDataVersion(trx)
    await recordAudit(trx, {
      action: 'imported',
      entity: spec.kind,
      entityId: null,
      before: null,
      after: {
        file: fileName,
        kind: spec.kind,
        format: reader.format,
        mode: options.mode,
        dryRun: false,
        outcome: 'stored',
        rows: counts.rows,
        valid: counts.valid,
        invalid: counts.invalid,
        created: counts.created,
        updated: counts.updated,
      },
      username: options.username ?? null,
    })
    await trx.commit()
    if (fullAfterCommit) {
      const why = `${touched} records touched (over ${options.fullRegradeThreshold ?? FULL_REGRADE_THRESHOLD})`
      if (options.fullRegradeAfterCommit === 'background') {
        const runId = await new Promise<number>((resolve, reject) => {
          fullRegrade(db, options.grading, { onStart: resolve }).catch((err: unknown) => {
            options.onBackgroundError?.(err)
            reject(err)
          })
        })
        regrade = {
          mode: 'full',
          enterprises: enterpriseIds.size,
          areas: areaIds.size,
          runId,
          note: `${why}: a full regrade is running after commit, see /api/grading/runs/${runId}`,
        }
      } else {
        const r = await fullRegrade(db, options.grading)
        regrade = {
          mode: 'full',
          enterprises: enterpriseIds.size,
          areas: areaIds.size,
          runId: r.runId,
          seconds: r.seconds,
          changedCells: r.counts.changedCells,
          note: `${why}: regraded everything after commit`,
        }
      }
    }
    return { ...base, stored: true, regrade, seconds: (Date.now() - started) / 1000 }
  } catch (err) {
    if (!trx.isCompleted()) await trx.rollback().catch(() => undefined)
    throw err
  } finally {
    if (reads !== null && !reads.isCompleted()) await reads.rollback().catch(() => undefined)
  }
}

/**
 * The kind's own problems with a row whose cells already failed, so the report lists all of a row's
 * problems at once (an invalid USCC beside an unreadable longitude) instead of one round of fixes at a
 * time. Best effort on partial values: a failed field is undefined to the kind (input.failed names
 * it), the kind's problems on it are dropped (the cell's own problem says it), an area without its
 * geometry is not prepared, and a kind that cannot prepare the partial row adds nothing.
 */
function kindProblems(spec: KindSpec<unknown>, input: RowInput, problems: readonly Problem[], ctx: KindContext): Problem[] {
  if (spec.geometry === 'area' && input.geometry === null) return []
  const failed = new Set(problems.flatMap((p) => (p.field !== undefined ? [p.field] : [])))
  let prepared: unknown
  try {
    prepared = spec.prepare({ ...input, failed }, ctx)
  } catch {
    return []
  }
  return Array.isArray(prepared) ? (prepared as Problem[]).filter((p) => p.field === undefined || !failed.has(p.field)) : []
}

/** What a batch keeps of a row's input: its place and geometry, not its values (the record holds them), so less waits for the write. */
function placed(input: RowInput): Prepared<unknown>['input'] {
  return { row: input.row, line: input.line, geometry: input.geometry }
}

/** A column of the file the import reads: its header, its position among the reader's headers, the field it feeds. */
interface MappedColumn {
  header: string
  index: number
  field: Field
}

/** Parses a record's values by field, and its location or geometry into WGS 84. */
function readRow(
  record: SourceRecord,
  mapped: readonly MappedColumn[],
  spec: KindSpec<unknown>,
  crs: CoordinateSystem,
  extent: Extent | null,
): { input: RowInput; problems: Problem[] } {
  const values: Record<string, unknown> = {}
  const problems: Problem[] = []
  if (record.problem)
    problems.push({
      field: record.problem.column,
      reason: record.problem.reason,
      code: record.problem.code,
      ...(record.problem.params ? { params: record.problem.params } : {}),
    })
  for (let i = 0; i < mapped.length; i++) {
    const { header, index, field } = mapped[i]!
    const raw = record.cells !== undefined ? record.cells[index] : record.values[header]
    if (isEmpty(raw)) {
      values[field.key] = null
      if (field.required) problems.push({ field: field.key, code: 'required', reason: 'is required' })
      continue
    }
    try {
      values[field.key] = parseValue(field, raw)
    } catch (err) {
      if (!(err instanceof ValueProblem)) throw err
      problems.push({ field: field.key, value: raw, reason: err.message, code: err.code, params: err.params })
    }
  }
  const input: RowInput = { row: record.row, line: record.line, values, geometry: null }
  if (spec.geometry === 'point') {
    let xy: [number, number] | null = null
    let field = 'lon'
    if (record.geometry) {
      field = 'geometry'
      const g = record.geometry
      if (g.type === 'Point' && geometryProblem(g) === null) xy = [g.coordinates[0]!, g.coordinates[1]!]
      else if (g.type === 'MultiPoint' && g.coordinates.length === 1) xy = [g.coordinates[0]![0]!, g.coordinates[0]![1]!]
      else problems.push({ field, code: 'geometry_not_point', params: { type: g.type }, reason: `must be a Point, not ${g.type}` })
    } else if (values.lon !== undefined && (values.lon !== null || values.lat !== null)) {
      if (values.lon === null) problems.push({ field: 'lon', code: 'lon_required_with_lat', reason: 'is required when 纬度 (lat) is given' })
      else if (values.lat === null) problems.push({ field: 'lat', code: 'lat_required_with_lon', reason: 'is required when 经度 (lon) is given' })
      else if (typeof values.lon === 'number' && typeof values.lat === 'number') xy = [values.lon, values.lat]
    }
    if (xy !== null) {
      const located = locate(xy[0], xy[1], crs, extent, field)
      if ('reason' in located) problems.push(located)
      else input.geometry = point(located[0], located[1])
    }
  } else if (spec.geometry === 'area') {
    let g: Geometry | null = record.geometry ?? null
    if (g === null && values.geometry !== null && values.geometry !== undefined) {
      try {
        g = geometryFromCell(values.geometry)
      } catch (err) {
        problems.push({
          field: 'geometry',
          code: 'geometry_unreadable',
          params: { detail: (err as Error).message },
          reason: `is not WKT or GeoJSON: ${(err as Error).message}`,
        })
      }
    }
    if (g === null) {
      if (!problems.some((p) => p.field === 'geometry')) problems.push({ field: 'geometry', code: 'geometry_missing', reason: 'the row has no geometry' })
    } else {
      const structural = geometryProblem(g)
      if (structural !== null) problems.push({ field: 'geometry', ...structural })
      else {
        const placed = place(g, crs, extent)
        if ('reason' in placed) problems.push(placed)
        else input.geometry = placed
      }
    }
  }
  return { input, problems }
}

function swapHint(crs: CoordinateSystem): string {
  return crs.geographic ? '' : ` (${crs.name})`
}

/** The coordinate system's name when it is projected (the reasons name it), for a page. */
function crsParam(crs: CoordinateSystem): ProblemParams {
  return crs.geographic ? {} : { crs: crs.name }
}

/** The deployment's area, rounded as the reasons give it, for a page. */
function extentParams(e: Extent): ProblemParams {
  const r = (x: number) => Math.round(x * 100) / 100
  return { areaMinLon: r(e.minLon), areaMaxLon: r(e.maxLon), areaMinLat: r(e.minLat), areaMaxLat: r(e.maxLat) }
}

function extentText(e: Extent): string {
  const r = (x: number) => Math.round(x * 100) / 100
  return `lon ${r(e.minLon)}–${r(e.maxLon)}, lat ${r(e.minLat)}–${r(e.maxLat)}`
}

/** Converts a point to WGS 84 and checks it against the extent, recognising swapped lat/lon. */
function locate(x: number, y: number, crs: CoordinateSystem, extent: Extent | null, field: string): [number, number] | Problem {
  const p = toWgs84OrNull(crs, x, y)
  if (p !== null && inExtent(extent, p[0], p[1])) return p
  if (crs.geographic) {
    const swapped = toWgs84OrNull(crs, y, x)
    if (swapped !== null && (extent !== null ? inExtent(extent, swapped[0], swapped[1]) : p === null)) {
      return {
        field,
        value: `${x}, ${y}`,
        code: 'lat_lon_swapped',
        params: { lon: x, lat: y },
        reason: `looks like latitude and longitude are swapped: 经度 (lon) ${x} reads as a latitude and 纬度 (lat) ${y} as a longitude`,
      }
    }
  }
  if (p === null)
    return {
      field,
      value: `${x}, ${y}`,
      code: 'not_a_position',
      params: { x, y, ...crsParam(crs) },
      reason: `(${x}, ${y}) is not a position${swapHint(crs)}: longitude must be within ±180° and latitude within ±90°`,
    }
  return {
    field,
    value: `${x}, ${y}`,
    code: 'outside_extent',
    params: { lon: round7(p[0]), lat: round7(p[1]), ...extentParams(extent!), ...crsParam(crs) },
    reason: `(${round7(p[0])}, ${round7(p[1])}) lies outside the area of this deployment's divisions (${extentText(extent!)})${swapHint(crs)}`,
  }
}

/** The position in WGS 84, or null when the CRS has none for (a, b). */
function toWgs84OrNull(crs: CoordinateSystem, a: number, b: number): [number, number] | null {
  try {
    return crs.toWgs84(a, b)
  } catch (err) {
    if (err instanceof AppError) return null
    throw err
  }
}

function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7
}

/** Converts a geometry to WGS 84 and checks its bounding box against the extent. */
function place(g: Geometry, crs: CoordinateSystem, extent: Extent | null): Geometry | Problem {
  const convert = (fn: (x: number, y: number) => [number, number]): Geometry | null => {
    try {
      return mapPositions(g, fn)
    } catch (err) {
      if (err instanceof AppError) return null
      throw err
    }
  }
  const within = (h: Geometry) => {
    const [a, b, c, d] = bbox(h)
    return inExtent(extent, a, b) && inExtent(extent, c, d)
  }
  const converted = convert(crs.toWgs84)
  if (converted !== null && within(converted)) return converted
  if (crs.geographic) {
    const swapped = convert((x, y) => crs.toWgs84(y, x))
    if (swapped !== null && (extent !== null ? within(swapped) : converted === null)) {
      return {
        field: 'geometry',
        code: 'geometry_lat_lon_swapped',
        reason: "looks like latitude and longitude are swapped: the coordinates read as (lat, lon) fall in the deployment's area",
      }
    }
  }
  if (converted === null)
    return {
      field: 'geometry',
      code: 'geometry_not_lon_lat',
      params: crsParam(crs),
      reason: `has positions that are not longitude/latitude within ±180°/±90°${swapHint(crs)}: is the coordinate system right?`,
    }
  const [a, b, c, d] = bbox(converted).map(round7)
  return {
    field: 'geometry',
    code: 'geometry_outside_extent',
    params: { minLon: a!, minLat: b!, maxLon: c!, maxLat: d!, ...extentParams(extent!), ...crsParam(crs) },
    reason: `spans lon ${a}–${c}, lat ${b}–${d}, outside the area of this deployment's divisions (${extentText(extent!)})${swapHint(crs)}`,
  }
}

/** Tables the incremental regrade reads; their statistics matter once imports have filled them. */
const GRADING_TABLES = ['enterprise', 'major_hazard', 'safety_risk', 'hidden_danger', 'area_assessment', 'cell', 'cell_source', 'region_cell', 'region_level']

/**
 * Runs ANALYZE on the tables whose planner statistics are missing or stale: never analyzed, changed
 * by more than a fifth since, or about to receive more than a fifth of their size from this
 * import. Without it, the regrade right after a large import into young tables plans nested loops
 * over tables it believes empty (seconds instead of milliseconds). ANALYZE counts this
 * transaction's own rows. Table names come from the fixed lists above, never from a request.
 */
async function refreshStatistics(trx: Knex.Transaction, written: readonly string[], rows: number): Promise<void> {
  const tables = [...new Set([...written, ...GRADING_TABLES])]
  const { rows: stats } = await trx.raw<{ rows: Array<{ relname: string; reltuples: number; analyzed: boolean; modified: string | null }> }>(
    `SELECT c.relname, c.reltuples, (s.last_analyze IS NOT NULL OR s.last_autoanalyze IS NOT NULL) AS analyzed, s.n_mod_since_analyze AS modified
     FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
     WHERE c.relkind = 'r' AND c.relname = ANY(?::text[]) AND c.relnamespace = 'public'::regnamespace`,
    [`{${tables.join(',')}}`],
  )
  const stale = stats.filter((t) => {
    const size = Math.max(t.reltuples, 1000)
    return !t.analyzed || t.reltuples < 0 || Number(t.modified ?? 0) > 0.2 * size || (written.includes(t.relname) && rows > 0.2 * size)
  })
  for (const t of stale) await trx.raw('ANALYZE ??', [t.relname])
}

/**
 * PostGIS validity of every polygon in the batch (ST_IsValidDetail): an invalid one is a row
 * problem naming the fault and where it is, with the hint to repair. With `repair`, it is replaced by
 * ST_MakeValid's polygonal parts (ST_CollectionExtract type 3) unless that changes its area by more
 * than `maxChange` (a share): then the row is refused with the change named. Both databases run the
 * same SQL (PostGIS on a server, PostGIS in PGlite).
 */
async function checkValidity(
  trx: Knex.Transaction,
  entries: Entry[],
  repair: boolean,
  maxChange: number,
): Promise<Array<{ entry: Entry; repair: Omit<RepairReport, 'row' | 'line'> }>> {
  const polygons = entries
    .map((e, i) => ({ i, g: e.prepared.input.geometry }))
    .filter((x) => x.g !== null && (x.g.type === 'Polygon' || x.g.type === 'MultiPolygon'))
  if (polygons.length === 0) return []
  const { rows } = await trx.raw<{
    rows: Array<{
      i: number
      valid: boolean
      reason: string | null
      lon: number | null
      lat: number | null
      fixed: string | null
      before: number | null
      after: number | null
    }>
  }>(
    `SELECT v.i, (v.d).valid, (v.d).reason, ST_X((v.d).location) AS lon, ST_Y((v.d).location) AS lat,
            CASE WHEN ? AND NOT (v.d).valid THEN ST_AsGeoJSON(f.g, 15) END AS fixed,
            CASE WHEN ? AND NOT (v.d).valid THEN abs(ST_Area(v.g)) END AS before,
            CASE WHEN ? AND NOT (v.d).valid THEN ST_Area(f.g) END AS after
     FROM (SELECT x.i, g.g, ST_IsValidDetail(g.g) AS d
           FROM jsonb_to_recordset(?::jsonb) AS x(i int, g jsonb), LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(x.g::text), 4326) AS g) g) v
     LEFT JOIN LATERAL (SELECT CASE WHEN ? AND NOT (v.d).valid THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(v.g), 3)) END AS g) f ON true`,
    [repair, repair, repair, JSON.stringify(polygons), repair],
  )
  const out: Array<{ entry: Entry; repair: Omit<RepairReport, 'row' | 'line'> }> = []
  const round = (x: number) => Math.round(x * 1e7) / 1e7
  for (const r of rows) {
    if (r.valid) continue
    const entry = entries[r.i]!
    const reason = r.reason ?? 'invalid geometry'
    const where = r.lon !== null && r.lat !== null ? ` at (${round(r.lon)}, ${round(r.lat)})` : ''
    const at: ProblemParams = r.lon !== null && r.lat !== null ? { lon: round(r.lon), lat: round(r.lat) } : {}
    if (!repair) {
      const kind = /self-intersection/i.test(reason) ? 'self-intersecting polygon' : 'invalid polygon'
      entry.prepared.problems.push({
        field: 'geometry',
        code: 'polygon_invalid',
        params: { fault: reason, ...at },
        reason: `${kind}: ${reason}${where}; import with repair (--repair, or tick 修复无效多边形) to repair it with ST_MakeValid, or fix it in a GIS`,
      })
      continue
    }
    const fixed = r.fixed === null ? null : (JSON.parse(r.fixed) as Geometry)
    const before = Number(r.before ?? 0)
    const after = Number(r.after ?? 0)
    const change = before > 0 ? Math.abs(after - before) / before : Infinity
    const pct = Math.round(change * 1e4) / 1e2
    if (fixed === null || after <= 0 || (fixed.type === 'MultiPolygon' && fixed.coordinates.length === 0)) {
      entry.prepared.problems.push({
        field: 'geometry',
        code: 'polygon_repair_empty',
        params: { fault: reason, ...at },
        reason: `invalid polygon: ${reason}${where}; the repair leaves no area: fix it in a GIS`,
      })
    } else if (change > maxChange) {
      entry.prepared.problems.push({
        field: 'geometry',
        code: 'polygon_repair_too_large',
        params: { fault: reason, ...at, ...(Number.isFinite(pct) ? { changePct: pct } : {}), maxPct: Math.round(maxChange * 1e4) / 1e2 },
        reason: `invalid polygon: ${reason}${where}; repairing it would change its area by ${Number.isFinite(pct) ? `${pct} %` : 'more than 100 %'}, more than the ${Math.round(maxChange * 1e4) / 1e2} % allowed: fix it in a GIS`,
      })
    } else {
      // In place: the kind's prepared record holds the same geometry object.
      Object.assign(entry.prepared.input.geometry as object, fixed)
      out.push({ entry, repair: { reason, location: r.lon !== null && r.lat !== null ? [round(r.lon), round(r.lat)] : null, areaChangePct: pct } })
    }
  }
  return out
}

/**
 * The error of a refused import (mode all with invalid rows): 422, each detail naming a row and
 * column. The report's counts travel in the message.
 */
export function rejection(report: ImportReport): AppError {
  const message = `${report.invalid} of ${report.rows} rows are invalid, so nothing was stored (mode=all; use mode=valid to store the ${report.valid} valid rows)`
  return new AppError(
    422,
    'import_rejected',
    message,
    report.errors.map((e) => ({
      field: `row ${e.row}${e.column ? `, column ${e.column}` : ''}`,
      message: e.reason,
      code: e.code,
      ...(e.params ? { params: e.params } : {}),
      row: e.row,
      ...(e.line !== undefined ? { line: e.line } : {}),
      ...(e.column !== undefined ? { column: e.column } : {}),
      ...(e.value !== undefined ? { value: e.value } : {}),
    })),
  )
}
