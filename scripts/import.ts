// Import a file from the command line:
//   npm run import -- --kind enterprises [--format csv|xlsx|geojson|shapefile] [--crs wgs84|cgcs2000|gcj02|bd09|EPSG:4550]
//                     [--mode all|valid] [--dry-run] [--mapping map.json] [--no-regrade] [--repair] [--as username] file
// --no-regrade leaves grading to a later `npm run regrade` (for a batch of imports).
// --kind roads replaces the road network, from lines (GeoJSON, shapefile, CSV with WKT) or an OpenStreetMap .osm.pbf extract.
// --repair repairs invalid polygons (ST_MakeValid) unless the area changes by more than IMPORT_REPAIR_MAX_AREA_CHANGE.
// --as names the account the import is done for: the audit rows (the import and every record it
// changes) carry it, as an upload's carry the signed-in account. It must be an active admin or planner.
// Uses DATABASE_URL, or the embedded database in DATA_DIR. Prints a progress line on stderr and the
// report (JSON) on stdout; exits 1 when the import is rejected or the file cannot be read.
import fs from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { loadConfig } from '../server/config'
import { DEFAULT_RULES } from '../server/domain/rules'
import { AppError } from '../server/errors'
import { applyClassSpeeds } from '../server/modules/roads/network'
import { runImport, type ImportProgress } from '../server/modules/transfer/import'
import { accountAllowedTo } from '../server/modules/auth/users'
import { IMPORT_ACCESS, IMPORT_KINDS, type ImportKindName } from '../server/modules/transfer/kinds'
import { IMPORT_FORMATS, type ImportFormat } from '../server/modules/transfer/records'
import { openDatabase } from './lib/database'

const usage = `usage: npm run import -- --kind <${IMPORT_KINDS.join('|')}> [--format <${IMPORT_FORMATS.join('|')}>] [--crs wgs84|cgcs2000|gcj02|bd09|EPSG:<code>] [--mode all|valid] [--dry-run] [--mapping map.json] [--no-regrade] [--repair] [--as <username>] <file>`
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kind: { type: 'string' },
    format: { type: 'string' },
    crs: { type: 'string' },
    mode: { type: 'string', default: 'all' },
    'dry-run': { type: 'boolean', default: false },
    mapping: { type: 'string' },
    'no-regrade': { type: 'boolean', default: false },
    repair: { type: 'boolean', default: false },
    as: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (values.help || positionals.length !== 1 || !values.kind) {
  console.error(usage)
  process.exit(2)
}
if (!(IMPORT_KINDS as readonly string[]).includes(values.kind)) {
  console.error(`unknown kind "${values.kind}"\n${usage}`)
  process.exit(2)
}
if (values.format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(values.format)) {
  console.error(`unknown format "${values.format}"\n${usage}`)
  process.exit(2)
}
if (values.mode !== 'all' && values.mode !== 'valid') {
  console.error(`--mode must be all or valid\n${usage}`)
  process.exit(2)
}
const file = positionals[0]!
let mapping: Record<string, string | null> | undefined
if (values.mapping) mapping = JSON.parse(await fs.readFile(values.mapping, 'utf8')) as Record<string, string | null>

const config = loadConfig(process.env)
const { db, close } = await openDatabase(config)
const started = Date.now()
let last = 0
const progress = (p: ImportProgress) => {
  const now = Date.now()
  if (now - last < 250 && p.phase === 'reading') return
  last = now
  const seconds = (now - started) / 1000
  const bytes = p.totalBytes && p.bytes > 0 ? ` ${Math.round((100 * p.bytes) / p.totalBytes)} %` : ''
  const line =
    p.phase === 'regrading'
      ? `import ${values.kind}: ${p.rows} rows read, regrading …`
      : `import ${values.kind}: ${p.rows} rows (${p.valid} valid, ${p.invalid} invalid)${bytes} ${seconds.toFixed(1)} s, ${Math.round(p.rows / Math.max(seconds, 0.001))} rows/s`
  if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(100)}`)
  else process.stderr.write(`${line}\n`)
}
try {
  const username = values.as === undefined ? null : (await accountAllowedTo(db, values.as, IMPORT_ACCESS, '--as')).username
  if (username === null) console.error('import: no --as <username> given; the audit rows will name no account')
  const stat = await fs.stat(file)
  // Road travel times come from the class speeds in force (ROAD_CLASS_SPEEDS), as the service applies them at start-up.
  if (values.kind === 'roads') await applyClassSpeeds(db, config.roadClassSpeeds)
  const report = await runImport(
    db,
    { path: file, size: stat.size },
    {
      kind: values.kind as ImportKindName,
      format: values.format as ImportFormat | undefined,
      crs: values.crs,
      mode: values.mode,
      dryRun: values['dry-run'],
      repair: values.repair,
      repairMaxAreaChange: config.importRepairMaxAreaChange,
      mapping,
      grading: { res: config.h3Res, rules: DEFAULT_RULES },
      industryTable: config.industryTable,
      register: config.regionDivisions,
      regionCode: config.regionCode,
      fullRegradeAfterCommit: 'await',
      regrade: values['no-regrade'] ? 'defer' : 'auto',
      onProgress: progress,
      username,
    },
  )
  if (process.stderr.isTTY) process.stderr.write('\n')
  console.log(JSON.stringify(report, null, 2))
  const verdict = report.dryRun
    ? `dry run: ${report.rejected ? 'would be rejected' : `would create ${report.created} and update ${report.updated}`}`
    : report.rejected
      ? 'rejected: nothing stored'
      : `stored: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged`
  console.error(
    `${report.rows} rows, ${report.valid} valid, ${report.invalid} invalid; ${verdict}; regrade: ${report.regrade.mode}${report.regrade.note ? ` (${report.regrade.note})` : ''}`,
  )
  if (report.note) console.error(`  ${report.note}`)
  // A GeoJSON row is a feature, numbered from 1 (its text line says little in a one-line file).
  const rowName = report.format === 'geojson' ? 'feature' : report.format === 'osm-pbf' ? 'road way' : 'row'
  for (const r of report.repairs) {
    console.error(
      `  repaired ${rowName} ${r.row}: ${r.reason}${r.location ? ` at (${r.location[0]}, ${r.location[1]})` : ''}, area changed by ${r.areaChangePct} %`,
    )
  }
  for (const e of report.errors.slice(0, 20)) {
    const where = report.format === 'geojson' ? '' : e.line !== undefined ? ` (line ${e.line})` : ''
    console.error(`  ${rowName} ${e.row}${where}${e.column ? `, ${e.column}` : ''}: ${e.reason}`)
  }
  if (report.errors.length > 20) console.error(`  … ${report.invalid - 20} more, see the report`)
  if (report.rejected) process.exitCode = 1
} catch (err) {
  if (process.stderr.isTTY) process.stderr.write('\n')
  if (err instanceof AppError) {
    console.error(`import failed: ${err.message}`)
    for (const d of err.details.slice(0, 20)) if (d.message !== err.message) console.error(`  ${d.field ?? ''}: ${d.message}`)
  } else console.error(`import failed: ${(err as Error).stack ?? err}`)
  process.exitCode = 1
} finally {
  await close()
}
