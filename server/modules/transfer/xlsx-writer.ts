/**
 * A streaming XLSX writer: one worksheet whose rows are written as they come (inline strings, no
 * shared-string table), deflated into the zip by yazl, so memory stays flat however many rows.
 */
import { Readable } from 'node:stream'
import yazl from 'yazl'

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

const STATIC_PARTS: Record<string, string> = {
  '[Content_Types].xml':
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    '</Types>',
  '_rels/.rels':
    `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
    '</Relationships>',
  'xl/_rels/workbook.xml.rels':
    `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
    '</Relationships>',
  'xl/styles.xml':
    `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>',
}

/** Escapes text for XML and drops the control characters XML 1.0 forbids. */
export function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/** Spreadsheet column letters of a zero-based index: 0 → A, 26 → AA. */
export function columnLetters(index: number): string {
  let s = ''
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

function cellXml(value: unknown, ref: string): string {
  if (value === null || value === undefined || value === '') return ''
  if (typeof value === 'number' && Number.isFinite(value)) return `<c r="${ref}"><v>${value}</v></c>`
  const text =
    typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value)
  const space = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : ''
  return `<c r="${ref}" t="inlineStr"><is><t${space}>${xmlText(text)}</t></is></c>`
}

async function* sheetXml(header: string[], rows: AsyncIterable<unknown[]>): AsyncGenerator<string> {
  const letters = header.map((_, i) => columnLetters(i))
  yield `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetData>`
  yield `<row r="1">${header.map((h, i) => cellXml(h, `${letters[i]}1`)).join('')}</row>`
  let r = 1
  let pending: string[] = []
  for await (const row of rows) {
    r++
    let cells = ''
    for (let i = 0; i < row.length; i++) cells += cellXml(row[i], `${letters[i] ?? columnLetters(i)}${r}`)
    pending.push(`<row r="${r}">${cells}</row>`)
    if (pending.length >= 500) {
      yield pending.join('')
      pending = []
    }
  }
  if (pending.length > 0) yield pending.join('')
  yield '</sheetData></worksheet>'
}

async function* asBuffers(chunks: AsyncIterable<string>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) yield Buffer.from(chunk, 'utf8')
}

/** An XLSX workbook with one sheet (`sheetName`, ≤ 31 characters) as a byte stream. */
export function xlsxStream(sheetName: string, header: string[], rows: AsyncIterable<unknown[]>): Readable {
  const zip = new yazl.ZipFile()
  const mtime = new Date()
  for (const [name, xml] of Object.entries(STATIC_PARTS)) zip.addBuffer(Buffer.from(xml, 'utf8'), name, { mtime })
  const name = xmlText(sheetName.replace(/[\\/?*[\]:]/g, '_').slice(0, 31))
  zip.addBuffer(
    Buffer.from(
      `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="${name}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      'utf8',
    ),
    'xl/workbook.xml',
    { mtime },
  )
  const sheet = Readable.from(asBuffers(sheetXml(header, rows)), { objectMode: false })
  const out = zip.outputStream as unknown as Readable
  sheet.on('error', (err) => out.destroy(err))
  zip.addReadStream(sheet, 'xl/worksheets/sheet1.xml', { mtime })
  zip.end()
  return out
}
