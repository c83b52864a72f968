/**
 * CSV in UTF-8 or GBK (see text-decode.ts), comma-, semicolon- or tab-separated (guessed from the
 * header line), RFC 4180 quoting with fields spanning lines. Streams: one record at a time.
 */
import { emptyFile, fileError } from './bytes'
import { CsvQuoteError, CsvTokenizer } from './csv-tokenizer'
import { decodeText } from './text-decode'
import { namedCells, type RecordReader, type SourceRecord } from './records'

/** The delimiter that occurs most often outside quotes in the header line. */
export function guessDelimiter(headerLine: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ])
  let quoted = false
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1)
  }
  let best = ','
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d
  return best
}

function countNewlines(values: string[]): number {
  let n = 0
  for (const v of values) {
    if (v.length === 0 || v.indexOf('\n') < 0) continue
    for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) === 10) n++
  }
  return n
}

/** Opens a CSV byte stream: reads the header row, then yields records. */
export async function openCsv(bytes: AsyncIterable<Buffer>): Promise<RecordReader> {
  const text = decodeText(bytes)
  const chunks = text.chunks[Symbol.asyncIterator]()
  // Read until the end of the first line to guess the delimiter.
  let head = ''
  for (;;) {
    const next = await chunks.next()
    if (next.done) break
    head += next.value
    if (/[\r\n]/.test(head) || head.length > 1_000_000) break
  }
  if (head.replace(/^\uFEFF/, '').trim() === '') throw emptyFile()
  const firstLine = head.split(/\r?\n|\r/, 1)[0] ?? ''
  const delimiter = guessDelimiter(firstLine)
  // The text as it comes, the head first (without a UTF-8 BOM: it is not part of the first header).
  let unread: string | null = head.replace(/^\uFEFF/, '')
  const nextChunk = async (): Promise<IteratorResult<string>> => {
    if (unread === null) return chunks.next()
    const value = unread
    unread = null
    return { done: false, value }
  }
  const tokenizer = new CsvTokenizer(delimiter)
  let pending: string[][] = []
  let taken = 0
  let ended = false
  let line = 1
  const nextRecord = async (): Promise<{ values: string[]; line: number } | null> => {
    for (;;) {
      while (taken >= pending.length) {
        if (ended) return null
        const next = await nextChunk()
        ended = next.done === true
        try {
          pending = tokenizer.push(ended ? '' : next.value, ended)
        } catch (err) {
          if (err instanceof CsvQuoteError) throw fileError('csv_syntax', { line }, `CSV syntax error near line ${line}: ${err.message}`, 'file', { line })
          throw err
        }
        taken = 0
      }
      const values = pending[taken++]!
      const start = line
      line += 1 + countNewlines(values)
      if (values.every((v) => v.trim() === '')) continue
      return { values, line: start }
    }
  }
  const header = await nextRecord()
  if (header === null) throw emptyFile()
  const headers = header.values.map((h) => h.trim())
  const seen = new Map<string, number>()
  headers.forEach((h, i) => {
    if (h === '') return
    if (seen.has(h))
      throw fileError('header_duplicate', { column: h }, `column "${h}" appears twice in the header (columns ${seen.get(h)! + 1} and ${i + 1})`, h)
    seen.set(h, i)
  })

  // A column without a header is left out.
  const cellsOf = namedCells(headers.flatMap((h, i) => (h === '' ? [] : [i])))

  async function* read(): AsyncGenerator<SourceRecord> {
    let row = 0
    for (;;) {
      const rec = await nextRecord()
      if (rec === null) return
      row++
      const record: SourceRecord = { row, line: rec.line, cells: cellsOf(rec.values) }
      if (rec.values.length > headers.length && rec.values.slice(headers.length).some((v) => v.trim() !== '')) {
        record.problem = {
          code: 'field_count',
          params: { fields: rec.values.length, header: headers.length },
          reason: `has ${rec.values.length} fields but the header has ${headers.length}: is a delimiter or quote misplaced?`,
        }
      }
      yield record
    }
  }

  return {
    format: 'csv',
    get encoding() {
      // Pure ASCII so far reads the same in both: it is UTF-8.
      return text.encoding ?? 'utf-8'
    },
    headers: headers.filter((h) => h !== ''),
    declaredCrs: null,
    records: read(),
    async close() {
      await chunks.return?.()
    },
  }
}
