/**
 * XLSX (Office Open XML) read as a stream: the shared-string table is loaded (Excel's design puts
 * every distinct text there) with a SAX parser, then the first worksheet is read row by row with the
 * worksheet scanner (sheet-xml.ts: the SAX parser cost twice as much on the sheet, the import's larger part).
 * Cells come out as strings, numbers, booleans or, for date-formatted cells, Date objects (UTC).
 */
import { SaxesParser } from 'saxes'
import { emptyFile, fileError } from './bytes'
import { namedCells, type RecordReader, type SourceRecord } from './records'
import { SheetScanner, SheetXmlError, type RawCell } from './sheet-xml'
import { openZip, type ZipArchive } from './zip'

export { columnIndex } from './sheet-xml'

/** Built-in number formats that show dates or times (ECMA-376 §18.8.30, plus the CJK ones). */
const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58,
])
/** Days from 1899-12-30 (Excel's day 0, after its 1900 leap-year bug) to 1970-01-01. */
const EXCEL_EPOCH_DAYS = 25569
const MS_PER_DAY = 86_400_000

/** A Date (UTC) from an Excel serial day number. */
export function excelSerialToDate(serial: number): Date {
  return new Date(Math.round((serial - EXCEL_EPOCH_DAYS) * MS_PER_DAY))
}

function isDateFormatCode(code: string): boolean {
  const stripped = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '')
  return /[ymdhs]/i.test(stripped) && !/^(general|@)$/i.test(stripped.trim())
}

async function parseXml(zip: ZipArchive, name: string, handlers: (parser: SaxesParser) => void): Promise<void> {
  const parser = new SaxesParser()
  handlers(parser)
  const stream = await zip.open(name)
  stream.setEncoding('utf8')
  for await (const chunk of stream) parser.write(chunk as string)
  parser.close()
}

async function firstSheetPath(zip: ZipArchive): Promise<string> {
  const workbook = await zip.text('xl/workbook.xml')
  const sheet = /<(?:\w+:)?sheet\b[^>]*\br:id="([^"]+)"/.exec(workbook) ?? /<(?:\w+:)?sheet\b[^>]*\bid="([^"]+)"/.exec(workbook)
  if (sheet && zip.has('xl/_rels/workbook.xml.rels')) {
    const rels = await zip.text('xl/_rels/workbook.xml.rels')
    for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) {
      const id = /\bId="([^"]+)"/.exec(m[0])?.[1]
      const target = /\bTarget="([^"]+)"/.exec(m[0])?.[1]
      if (id === sheet[1] && target) return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`
    }
  }
  const fallback = zip.names.filter((n) => /^xl\/worksheets\/[^/]+\.xml$/.test(n)).sort()[0]
  if (!fallback) throw fileError('xlsx_no_sheet', {}, 'the workbook has no worksheet')
  return fallback
}

/**
 * The shared-string table as UTF-8 in one buffer, each string decoded when a cell asks for it. Excel,
 * WPS, LibreOffice and GDAL put every distinct text of a sheet there: a 200 000-row register written
 * by GDAL holds ~900 000 of them. Kept as JavaScript strings (each a slice of the parser's text,
 * which it keeps alive), they took its import's peak memory from 456 MB to 666 MB.
 */
class SharedStrings {
  private bytes = Buffer.alloc(1 << 16)
  private used = 0
  /** Where each string starts in `bytes`, and where the last one ends. */
  private starts: number[] = [0]

  get size(): number {
    return this.starts.length - 1
  }

  add(text: string): void {
    const need = Buffer.byteLength(text)
    if (this.used + need > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(this.bytes.length * 2, this.used + need))
      this.bytes.copy(grown, 0, 0, this.used)
      this.bytes = grown
    }
    this.used += this.bytes.write(text, this.used)
    this.starts.push(this.used)
  }

  /** String `i` of the table; undefined past its end. */
  get(i: number): string | undefined {
    if (!(i >= 0 && i < this.size)) return undefined
    return this.bytes.toString('utf8', this.starts[i], this.starts[i + 1])
  }
}

async function sharedStrings(zip: ZipArchive): Promise<SharedStrings> {
  const strings = new SharedStrings()
  if (!zip.has('xl/sharedStrings.xml')) return strings
  let current: string[] | null = null
  let text: string | null = null
  let phonetic = 0
  await parseXml(zip, 'xl/sharedStrings.xml', (p) => {
    p.on('opentag', (tag) => {
      const name = tag.name.replace(/^\w+:/, '')
      if (name === 'si') current = []
      else if (name === 'rPh') phonetic++
      else if (name === 't' && phonetic === 0) text = ''
    })
    p.on('text', (t) => {
      if (text !== null) text += t
    })
    p.on('closetag', (tag) => {
      const name = tag.name.replace(/^\w+:/, '')
      if (name === 't' && text !== null) {
        current?.push(text)
        text = null
      } else if (name === 'rPh') phonetic--
      else if (name === 'si') {
        strings.add((current ?? []).join(''))
        current = null
      }
    })
  })
  return strings
}

/** Indexes of cell styles (`s` attribute) that format numbers as dates. */
async function dateStyles(zip: ZipArchive): Promise<Set<number>> {
  const styles = new Set<number>()
  if (!zip.has('xl/styles.xml')) return styles
  const xml = await zip.text('xl/styles.xml')
  const custom = new Map<number, string>()
  for (const m of xml.matchAll(/<(?:\w+:)?numFmt\b[^>]*>/g)) {
    const id = /numFmtId="(\d+)"/.exec(m[0])?.[1]
    const code = /formatCode="([^"]*)"/.exec(m[0])?.[1]
    if (id !== undefined && code !== undefined) custom.set(Number(id), code.replace(/&quot;/g, '"').replace(/&amp;/g, '&'))
  }
  const cellXfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(xml)?.[1] ?? ''
  let index = 0
  for (const m of cellXfs.matchAll(/<(?:\w+:)?xf\b[^>]*?(?:\/>|>)/g)) {
    const id = Number(/numFmtId="(\d+)"/.exec(m[0])?.[1] ?? 0)
    const code = custom.get(id)
    if (code !== undefined ? isDateFormatCode(code) : BUILTIN_DATE_FORMATS.has(id)) styles.add(index)
    index++
  }
  return styles
}

/** Opens an XLSX file on disk and reads the first worksheet; its first non-empty row is the header. */
export async function openXlsx(file: string): Promise<RecordReader> {
  const zip = await openZip(file)
  try {
    if (!zip.has('xl/workbook.xml')) throw fileError('xlsx_not_workbook', {}, 'not an XLSX workbook (no xl/workbook.xml in the archive)')
    const sheetPath = await firstSheetPath(zip)
    const strings = await sharedStrings(zip)
    const dates = await dateStyles(zip)
    const rows = sheetRows(zip, sheetPath, strings, dates)[Symbol.asyncIterator]()
    const first = await rows.next()
    if (first.done) throw emptyFile()
    const headerCells = first.value.cells
    const headers: string[] = []
    const positions: number[] = []
    const seen = new Map<string, number>()
    headerCells.forEach((cell, index) => {
      const header = cell === null || cell === undefined ? '' : String(cell instanceof Date ? cell.toISOString().slice(0, 10) : cell).trim()
      if (header === '') return
      if (seen.has(header)) throw fileError('header_duplicate', { column: header }, `column "${header}" appears twice in the header row`, header)
      seen.set(header, index)
      headers.push(header)
      positions.push(index)
    })
    if (headers.length === 0) throw emptyFile()
    const cellsOf = namedCells(positions)
    async function* read(): AsyncGenerator<SourceRecord> {
      let row = 0
      for (;;) {
        const next = await rows.next()
        if (next.done) return
        row++
        yield { row, line: next.value.number, cells: cellsOf(next.value.cells) }
      }
    }
    return { format: 'xlsx', encoding: null, headers, declaredCrs: null, records: read(), close: async () => zip.close() }
  } catch (err) {
    zip.close()
    throw err
  }
}

type Cell = string | number | boolean | Date | null

/** A cell's value as the sheet types it: a shared or inline string, a number, a boolean, or a date (a date-formatted number). */
function cellValue(cell: RawCell, strings: SharedStrings, dates: Set<number>): Cell {
  const value = cell.value
  if (value === null) return null
  switch (cell.type) {
    case 's':
      return strings.get(Number(value)) ?? null
    case 'inlineStr':
    case 'str':
    case 'e':
      return value
    case 'b':
      return value === '1' || value === 'true'
    case 'd':
      return new Date(value)
    default: {
      const n = Number(value)
      return Number.isFinite(n) ? (dates.has(cell.style) ? excelSerialToDate(n) : n) : value
    }
  }
}

/** Non-empty rows of a worksheet, streamed: the sheet number of each row and its cells by column. */
async function* sheetRows(zip: ZipArchive, sheetPath: string, strings: SharedStrings, dates: Set<number>): AsyncGenerator<{ number: number; cells: Cell[] }> {
  const ready: Array<{ number: number; cells: Cell[] }> = []
  const scanner = new SheetScanner((number, raw) => {
    const cells: Cell[] = []
    let any = false
    for (const cell of raw) {
      const value = cellValue(cell, strings, dates)
      cells[cell.column] = value
      if (value !== null && !(typeof value === 'string' && value.trim() === '')) any = true
    }
    if (any) ready.push({ number, cells })
  })
  const stream = await zip.open(sheetPath)
  stream.setEncoding('utf8')
  try {
    for await (const chunk of stream) {
      scanner.push(chunk as string)
      if (ready.length > 0) yield* ready.splice(0)
    }
    scanner.push('', true)
    if (ready.length > 0) yield* ready.splice(0)
  } catch (err) {
    if (err instanceof SheetXmlError) throw fileError('xlsx_damaged', { detail: err.message }, `the worksheet XML is damaged: ${err.message}`)
    throw err
  }
}
