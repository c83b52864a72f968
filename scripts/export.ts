// Export a layer from the command line, streamed to stdout (or --out):
//   npm run -s export -- --layer enterprises --format csv [--division 2101] [--min-level 3]
//                        [--bbox minLon,minLat,maxLon,maxLat] [--lang en] [--out file] > out.csv
// (npm's -s keeps its own banner out of the file.) Uses DATABASE_URL, or the embedded database.
import fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { loadConfig } from '../server/config'
import { DEFAULT_RULES } from '../server/domain/rules'
import { AppError } from '../server/errors'
import { parseBBox } from '../server/http/schemas'
import { EXPORT_FORMATS, EXPORT_LAYERS, exportLayer, type ExportFormat, type ExportLayerName } from '../server/modules/transfer/export'
import { openDatabase } from './lib/database'

const usage = `usage: npm run -s export -- --layer <${EXPORT_LAYERS.join('|')}> --format <${EXPORT_FORMATS.join('|')}> [--division CODE] [--min-level N] [--bbox minLon,minLat,maxLon,maxLat] [--lang zh|en] [--res N] [--out FILE]`
const { values } = parseArgs({
  options: {
    layer: { type: 'string' },
    format: { type: 'string', default: 'geojson' },
    division: { type: 'string' },
    'min-level': { type: 'string' },
    bbox: { type: 'string' },
    lang: { type: 'string', default: 'zh' },
    res: { type: 'string' },
    out: { type: 'string' },
  },
})
const layer = values.layer as ExportLayerName | undefined
const format = values.format as ExportFormat
if (
  !layer ||
  !(EXPORT_LAYERS as readonly string[]).includes(layer) ||
  !(EXPORT_FORMATS as readonly string[]).includes(format) ||
  (values.lang !== 'zh' && values.lang !== 'en')
) {
  console.error(usage)
  process.exit(2)
}
if (values.division !== undefined && !/^[0-9]{2,9}$/.test(values.division)) {
  console.error(`--division must be a division code or prefix (2 to 9 digits)\n${usage}`)
  process.exit(2)
}
if (format === 'xlsx' && !values.out && process.stdout.isTTY) {
  console.error('refusing to write XLSX to a terminal: use --out FILE or redirect stdout')
  process.exit(2)
}

const config = loadConfig(process.env)
const { db, close } = await openDatabase(config)
try {
  const minLevel = values['min-level'] === undefined ? undefined : Number(values['min-level'])
  const out = await exportLayer(db, layer, format, {
    division: values.division,
    contacts: true, // the command line runs with the database owner's rights
    minLevel,
    bbox: values.bbox === undefined ? undefined : parseBBox(values.bbox),
    lang: values.lang,
    res: values.res === undefined ? config.h3Res : Number(values.res),
    rules: DEFAULT_RULES,
  })
  await pipeline(out.stream, values.out ? fs.createWriteStream(values.out) : process.stdout)
} catch (err) {
  console.error(`export failed: ${err instanceof AppError ? err.message : ((err as Error).stack ?? err)}`)
  process.exitCode = 1
} finally {
  await close()
}
