// `npm run bench -- import [--rows N] [--server-url URL] [--keep]`: imports N (default 200 000)
// enterprise rows from a CSV (UTF-8, Chinese headers) and from two XLSX files (ours, text in each
// cell; GDAL's, text in a shared-string table as Excel writes it), each into a scratch
// database on the local PostGIS that holds only the demo divisions, grids and supervising departments
// (each new enterprise gets its departments), and prints one JSON
// line: rows per second for each format (parse, validate, derive grids, write, commit; grading
// deferred) and the peak RSS of the importing process, plus the full regrade that follows. Those
// imports are first loads of an empty register (indexes built after the rows; foreign keys checked
// once at the end when the role may, as the default superuser URL does: csv_first_load_keys_at_end
// says which way the CSV's went, see docs/security.md); the CSV is imported
// once more into a register holding one enterprise, the ordinary way (csv_into_populated), and again
// into its own database, where every row is unchanged (csv_again: a register refreshed), and its
// first 50 000 rows go into the embedded database (PGlite in the importing process). The anchor
// runs in the same run: GDAL's ogr2ogr loads the same CSV into a scratch table of the same database
// (PG_USE_COPY, points from the 经度/纬度 columns, no validation). The CSV's first load and ogr2ogr
// run in three alternating pairs (this machine's speed swings by a quarter between consecutive runs);
// the line prints the median rates, the median of the pairs' ratios (ratio_vs_ogr2ogr), every pair,
// and the load average before and after. It prints the database's own floor too: the stored rows
// copied straight back into the enterprise table (dbCopyRate), which bounds any import into it.
// The rows come from the demo generator (province scale); each import runs in a child process so
// its peak RSS is its own, and each measured step starts after a CHECKPOINT (the setup's writes are
// not flushed inside it). --quick: 500 rows (seconds).
import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import pg from 'pg'
import { from as copyFrom, to as copyTo } from 'pg-copy-streams'
import { startEmbedded } from '../../server/db/embedded'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { generateDemoBatches, type EnterpriseRow, type MgmtGridRow } from '../../server/demo/generate'
import { toEwkt } from '../../server/demo/load'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { fullRegrade } from '../../server/grading/engine'
import { cellValue } from '../../server/modules/transfer/export'
import { runImport } from '../../server/modules/transfer/import'
import { ENTERPRISE_FIELDS } from '../../server/modules/transfer/kind-enterprises'
import { xlsxStream } from '../../server/modules/transfer/xlsx-writer'
import { median } from '../lib/bench'

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'server-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    keep: { type: 'boolean', default: false },
    worker: { type: 'string' },
    file: { type: 'string' },
    'database-url': { type: 'string' },
    'embedded-dir': { type: 'string' },
  },
})
const grading = { res: 8, rules: DEFAULT_RULES }

if (values.worker) {
  // Child: one import, reporting its own time and peak RSS.
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
  // The embedded database runs inside this process (its memory counts), as the service runs it.
  const embedded = values['embedded-dir'] ? await startEmbedded(values['embedded-dir']) : null
  const db = createKnex({ url: embedded?.url ?? values['database-url']!, embedded: embedded !== null, statementTimeoutMs: 0 })
  const started = performance.now()
  const report = await runImport(db, { path: values.file! }, { kind: 'enterprises', grading, regrade: 'defer' })
  const seconds = (performance.now() - started) / 1000
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage().rss)
  await db.destroy()
  await embedded?.stop()
  console.log(
    JSON.stringify({
      seconds,
      rows: report.rows,
      created: report.created,
      invalid: report.invalid,
      peakRss: peak,
      errors: report.errors.slice(0, 3),
      // A first load by a role that may checks the rows' foreign keys once at the end (docs/security.md).
      keysAtEnd: report.notes?.find((n) => n.code === 'register_first_load')?.params.keysCheckedAtEnd === 1,
    }),
  )
  process.exit(0)
}

const target = Number(values.rows ?? (values.quick ? 500 : 200_000))
const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'riskmap-bench-import-'))
const csvFile = path.join(dir, 'enterprises.csv')
const xlsxFile = path.join(dir, 'enterprises.xlsx')
const sharedXlsxFile = path.join(dir, 'enterprises-shared-strings.xlsx')

// ---- the files: demo enterprises at province scale, as a user would upload them (no grid codes).
const fields = ENTERPRISE_FIELDS.filter((f) => !f.exportOnly && f.key !== 'gridCode' && f.key !== 'explicitTier')
const regions: { divisions: Array<Record<string, unknown>>; grids: MgmtGridRow[]; departments: Array<Record<string, unknown>> } = {
  divisions: [],
  grids: [],
  departments: [],
}
function* enterpriseRows(): Generator<Array<string | number>> {
  let n = 0
  for (const batch of generateDemoBatches({ scale: Math.max(1, Math.ceil(target / 3300)) })) {
    if (batch.table === 'division') regions.divisions = batch.rows as unknown as Array<Record<string, unknown>>
    if (batch.table === 'mgmt_grid') regions.grids = batch.rows
    if (batch.table === 'department') regions.departments = batch.rows as unknown as Array<Record<string, unknown>>
    if (batch.table !== 'enterprise') continue
    for (const e of batch.rows as EnterpriseRow[]) {
      if (n++ >= target) return
      const record: Record<string, unknown> = {
        uscc: e.uscc,
        name: e.name,
        industry: e.industry,
        scale: e.scale,
        affiliation: e.affiliation,
        highHazard: e.high_hazard,
        centralVertical: e.central_vertical,
        isOutlet: e.is_outlet,
        divisionCode: e.division_code,
        address: e.address,
        responsiblePerson: e.responsible_person,
        responsiblePhone: e.responsible_phone,
        creditStatus: e.credit_status,
        lastReportedAt: e.last_reported_at,
        reportDueAt: e.report_due_at,
        impactRadiusM: e.impact_radius_m,
        synthetic: e.synthetic,
        lon: e.geom.coordinates[0],
        lat: e.geom.coordinates[1],
      }
      yield fields.map((f) => cellValue(f, record[f.key], 'zh'))
    }
  }
}
const header = fields.map((f) => f.zh)
const csvCell = (v: string | number) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))
console.error(`writing ${target} rows to ${dir} …`)
await pipeline(
  Readable.from(
    (function* () {
      yield `\uFEFF${header.join(',')}\r\n`
      let lines: string[] = []
      for (const row of enterpriseRows()) {
        lines.push(row.map(csvCell).join(','))
        if (lines.length === 1000) {
          yield `${lines.join('\r\n')}\r\n`
          lines = []
        }
      }
      if (lines.length > 0) yield `${lines.join('\r\n')}\r\n`
    })(),
  ),
  fs.createWriteStream(csvFile),
)
await pipeline(
  xlsxStream(
    'enterprises',
    header,
    (async function* () {
      yield* enterpriseRows()
    })(),
  ),
  fs.createWriteStream(xlsxFile),
)

// The embedded database (the service without DATABASE_URL: a town's or a demo's) gets the register of
// a city, the first 50 000 rows: PGlite runs in one process on one core and is not sized for a province.
const embeddedFile = { path: path.join(dir, 'enterprises-city.csv'), rows: Math.min(target, 50_000) }
{
  const lines = (await fsp.readFile(csvFile, 'utf8')).split('\r\n')
  await fsp.writeFile(embeddedFile.path, `${lines.slice(0, embeddedFile.rows + 1).join('\r\n')}\r\n`)
}

// The same register as Excel, WPS, LibreOffice and GDAL write a workbook: its text in a shared-string
// table (every cell a string, as GDAL reads a CSV), where our own writer puts each text in its cell.
await promisify(execFile)('ogr2ogr', ['-f', 'XLSX', sharedXlsxFile, csvFile, '-nln', 'enterprises'])

/** One statement on the server's own database (creating and dropping scratch databases, checkpoints). */
async function onServer(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: values['server-url'] })
  await admin.connect()
  try {
    await admin.query(sql)
  } finally {
    await admin.end()
  }
}

// ---- scratch databases with the divisions, grids and departments only.
async function scratch(label: string, populated = false): Promise<string> {
  const url = await newDatabase(label)
  await prepare(url, false, populated)
  return url
}

/** A new database on the server, empty or a copy of `template` (a prepared scratch one, nothing connected to it). */
async function newDatabase(label: string, template?: string): Promise<string> {
  const name = `riskmap_bench_import_${label}_${crypto.randomBytes(3).toString('hex')}`
  await onServer(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${new URL(template).pathname.slice(1)}` : ''}`)
  const url = new URL(values['server-url']!)
  url.pathname = `/${name}`
  return url.toString()
}

/** An embedded database in a folder of its own, prepared like the scratch ones and stopped (the importing child opens it). */
async function embeddedScratch(): Promise<string> {
  const folder = path.join(dir, 'embedded')
  const embedded = await startEmbedded(folder)
  try {
    await prepare(embedded.url, true, false)
  } finally {
    await embedded.stop()
  }
  return folder
}

async function prepare(url: string, embedded: boolean, populated: boolean): Promise<void> {
  const db = createKnex({ url, embedded, statementTimeoutMs: 0 })
  await db.raw('CREATE EXTENSION IF NOT EXISTS postgis')
  await migrateLatest(db)
  // The divisions, grids and supervising departments (each new enterprise gets its departments, as in a deployment).
  await db.batchInsert(
    'division',
    regions.divisions.map((r) => ({ ...r, geom: toEwkt(r.geom as never) })),
    50,
  )
  await db.batchInsert('mgmt_grid', regions.grids.map((r) => ({ ...r, geom: toEwkt(r.geom) })) as Array<Record<string, unknown>>, 50)
  await db.batchInsert('department', regions.departments, 50)
  // One enterprise already stored: the import takes the ordinary way, not the first load of an empty register.
  if (populated)
    await db.raw(
      "INSERT INTO enterprise (uscc, name, division_code, geom) VALUES ('91210100MA0BENCH01', '基准已有企业（示例）', ?, ST_SetSRID(ST_MakePoint(123.4, 41.8), 4326))",
      [String(regions.divisions[0]!.code)],
    )
  await db.destroy()
}

const round2 = (x: number): number => Math.round(x * 100) / 100

async function drop(url: string): Promise<void> {
  await onServer(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`)
}

/** Loads the CSV with ogr2ogr into a scratch table of `url`: the rows it loaded, and its rate. */
async function ogr2ogrRate(file: string, url: string): Promise<{ rows: number; perSecond: number }> {
  await checkpoint()
  const u = new URL(url)
  const pgSource = `PG:host=${u.hostname} port=${u.port || 5432} user=${decodeURIComponent(u.username) || 'postgres'} dbname=${u.pathname.slice(1)}`
  const started = performance.now()
  await promisify(execFile)(
    'ogr2ogr',
    [
      '-f',
      'PostgreSQL',
      pgSource,
      file,
      '-nln',
      'ogr2ogr_anchor',
      '-overwrite',
      '-a_srs',
      'EPSG:4326',
      '-lco',
      'GEOMETRY_NAME=geom',
      '-oo',
      'X_POSSIBLE_NAMES=经度',
      '-oo',
      'Y_POSSIBLE_NAMES=纬度',
      '-oo',
      'AUTODETECT_TYPE=YES',
      '--config',
      'PG_USE_COPY',
      'YES',
    ],
    { maxBuffer: 1 << 20 },
  )
  const seconds = (performance.now() - started) / 1000
  const db = createKnex({ url, embedded: false, statementTimeoutMs: 0 })
  const loaded = Number((await db('ogr2ogr_anchor').count<Array<{ count: string }>>('* as count'))[0]!.count)
  await db.schema.dropTable('ogr2ogr_anchor')
  await db.destroy()
  return { rows: loaded, perSecond: loaded / seconds }
}

/**
 * The database's own floor for the same rows the ordinary way: the enterprises our import stored,
 * copied out and straight back into the enterprise table (every index, key, check and the generated
 * column kept up row by row) by COPY in
 * a transaction that is rolled back. No parsing, validation or client work: what PostgreSQL alone
 * needs per row for this table, against ogr2ogr's fresh table with one index.
 */
async function dbCopyRate(url: string, rows: number): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows: cols } = await client.query<{ c: string }>(
      "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS c FROM pg_attribute WHERE attrelid = 'enterprise'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''",
    )
    const columns = cols[0]!.c
    const chunks: Buffer[] = []
    await pipeline(
      client.query(copyTo(`COPY enterprise (${columns}) TO STDOUT`)),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk)
          done()
        },
      }),
    )
    const data = Buffer.concat(chunks)
    await client.query('BEGIN')
    await client.query('TRUNCATE enterprise CASCADE')
    await checkpoint()
    const started = performance.now()
    await pipeline(Readable.from([data]), client.query(copyFrom(`COPY enterprise (${columns}) FROM STDIN`)))
    const seconds = (performance.now() - started) / 1000
    await client.query('ROLLBACK')
    return rows / seconds
  } finally {
    await client.end()
  }
}

/** Writes out what the setup (or the run before) left dirty, so no measured step pays for another's checkpoint. */
const checkpoint = (): Promise<void> => onServer('CHECKPOINT')

const self = fileURLToPath(import.meta.url)
async function importInChild(file: string, url: string, embeddedDir?: string) {
  await checkpoint()
  const where = embeddedDir ? ['--embedded-dir', embeddedDir] : ['--database-url', url]
  const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, self, '--worker', 'import', '--file', file, ...where], {
    maxBuffer: 1 << 20,
  })
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    seconds: number
    rows: number
    created: number
    invalid: number
    peakRss: number
    errors: unknown[]
    keysAtEnd: boolean
  }
}

// The CSV's first load and its anchor run in alternating pairs, each first load into a fresh copy of
// the same prepared database: this machine's speed swings by a quarter between consecutive runs, so
// one pair's ratio says little; the line gives the medians and every pair.
const PAIRS = 3
const csvTemplate = await scratch('csvtpl')
const csvUrl = await newDatabase('csv', csvTemplate)
const xlsxUrl = await scratch('xlsx')
const populatedUrl = await scratch('populated', true)
const sharedXlsxUrl = await scratch('xlsxshared')
const embeddedDir = await embeddedScratch()
const loadBefore = os.loadavg()[0]!
const extra: string[] = []
try {
  const pairs: Array<{ csv: Awaited<ReturnType<typeof importInChild>>; ogr: number }> = []
  for (let i = 0; i < PAIRS; i++) {
    const url = i === 0 ? csvUrl : await newDatabase(`csv${i}`, csvTemplate)
    if (i > 0) extra.push(url)
    // Which of the two goes first alternates, so neither always meets the machine warmer.
    console.error(`pair ${i + 1} of ${PAIRS}: importing the CSV (a first load), and ogr2ogr on the same CSV …`)
    const ogrFirst = i % 2 === 1 ? await ogr2ogrRate(csvFile, url) : null
    const csv = await importInChild(csvFile, url)
    const ogr = ogrFirst ?? (await ogr2ogrRate(csvFile, url))
    if (ogr.rows !== csv.rows) throw new Error(`ogr2ogr loaded ${ogr.rows} rows, our import read ${csv.rows}`)
    pairs.push({ csv, ogr: ogr.perSecond })
  }
  const csv = pairs[0]!.csv
  const csvRates = pairs.map((p) => p.csv.rows / p.csv.seconds)
  const ogrRates = pairs.map((p) => p.ogr)
  const ratios = pairs.map((p, i) => csvRates[i]! / p.ogr)
  console.error('importing the same CSV again (every row unchanged) …')
  const again = await importInChild(csvFile, csvUrl)
  console.error('importing the CSV into a register that is not empty …')
  const populated = await importInChild(csvFile, populatedUrl)
  console.error('importing the XLSX …')
  const xlsx = await importInChild(xlsxFile, xlsxUrl)
  console.error('importing the XLSX with shared strings …')
  const sharedXlsx = await importInChild(sharedXlsxFile, sharedXlsxUrl)
  console.error(`importing the first ${embeddedFile.rows} rows of the CSV into the embedded database …`)
  const embedded = await importInChild(embeddedFile.path, '', embeddedDir)
  console.error("the database's floor: the same rows copied straight into the enterprise table …")
  const dbCopy = await dbCopyRate(csvUrl, csv.created)
  if (csv.invalid + xlsx.invalid + sharedXlsx.invalid + embedded.invalid > 0)
    console.error('invalid rows:', JSON.stringify([csv.errors, xlsx.errors, sharedXlsx.errors, embedded.errors]))
  console.error('full regrade of the CSV import …')
  const db = createKnex({ url: csvUrl, embedded: false, statementTimeoutMs: 0 })
  const regrade = await fullRegrade(db, grading)
  await db.destroy()
  const stat = (f: string) => Math.round(fs.statSync(f).size / 1048576)
  console.log(
    JSON.stringify({
      case: 'import',
      rows: csv.rows,
      csv_rows_per_s: Math.round(median(csvRates)),
      csv_first_load_keys_at_end: csv.keysAtEnd,
      xlsx_rows_per_s: Math.round(xlsx.rows / xlsx.seconds),
      xlsx_shared_strings_rows_per_s: Math.round(sharedXlsx.rows / sharedXlsx.seconds),
      csv_into_populated_rows_per_s: Math.round(populated.rows / populated.seconds),
      csv_again_rows_per_s: Math.round(again.rows / again.seconds),
      embedded_csv_rows: embedded.rows,
      embedded_csv_rows_per_s: Math.round(embedded.rows / embedded.seconds),
      embedded_peak_rss_mb: Math.round(embedded.peakRss / 1048576),
      ogr2ogr_rows_per_s: Math.round(median(ogrRates)),
      ratio_vs_ogr2ogr: round2(median(ratios)),
      pairs: pairs.map((_, i) => ({ csv_rows_per_s: Math.round(csvRates[i]!), ogr2ogr_rows_per_s: Math.round(ogrRates[i]!), ratio: round2(ratios[i]!) })),
      db_copy_rows_per_s: Math.round(dbCopy),
      ratio_vs_db_copy: round2(median(csvRates) / dbCopy),
      peak_rss_mb: Math.round(Math.max(...pairs.map((p) => p.csv.peakRss), xlsx.peakRss, sharedXlsx.peakRss, populated.peakRss, again.peakRss) / 1048576),
      csv_peak_rss_mb: Math.round(Math.max(...pairs.map((p) => p.csv.peakRss)) / 1048576),
      xlsx_peak_rss_mb: Math.round(xlsx.peakRss / 1048576),
      xlsx_shared_strings_peak_rss_mb: Math.round(sharedXlsx.peakRss / 1048576),
      csv_mb: stat(csvFile),
      xlsx_mb: stat(xlsxFile),
      csv_s: Math.round(median(pairs.map((p) => p.csv.seconds)) * 10) / 10,
      xlsx_s: Math.round(xlsx.seconds * 10) / 10,
      regrade_after_s: Math.round(regrade.seconds * 10) / 10,
      load_average_before: round2(loadBefore),
      load_average_after: round2(os.loadavg()[0]!),
      ...(values.quick ? { quick: true } : {}),
    }),
  )
} finally {
  for (const url of extra) await drop(url)
  if (!values.keep) {
    await drop(csvTemplate)
    await drop(csvUrl)
    await drop(xlsxUrl)
    await drop(populatedUrl)
    await drop(sharedXlsxUrl)
    await fsp.rm(dir, { recursive: true, force: true })
  } else console.error(`kept ${dir}, ${csvUrl}, ${xlsxUrl}, ${populatedUrl}, ${sharedXlsxUrl}`)
}
