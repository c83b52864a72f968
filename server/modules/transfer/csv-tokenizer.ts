/**
 * Splits CSV text into records (RFC 4180: quoted fields with "" escapes and line breaks inside,
 * records ended by CRLF, LF or CR) as it arrives in chunks. It reads quotes as csv-parse does with
 * `relax_quotes`: a quote inside an unquoted field, or text after a closing quote, is kept as
 * written. Measured on a 50 000-row register it takes about a fifth of the time csv-parse's stream
 * did (docs/architecture.md, "An import's path"), which matters because parsing runs in the same thread as the
 * import's validation. The unit tests check it against csv-parse on generated files.
 */

/** A quoted field still open at the end of the file. */
export class CsvQuoteError extends Error {}

const QUOTE = 34
const CR = 13
const LF = 10

export class CsvTokenizer {
  /** Text of a record not complete yet (its end is in a later chunk). */
  private rest = ''
  private readonly delimiter: number

  constructor(delimiter: string) {
    this.delimiter = delimiter.charCodeAt(0)
  }

  /** The records complete once `chunk` is added; `last`: the file ends with it. */
  push(chunk: string, last = false): string[][] {
    const text = this.rest.length > 0 ? this.rest + chunk : chunk
    const records: string[][] = []
    let pos = 0
    while (pos < text.length) {
      const end = this.record(text, pos, last, records)
      if (end < 0) break
      pos = end
    }
    this.rest = text.slice(pos)
    if (last && this.rest.length > 0) throw new Error('CsvTokenizer: input left over at the end')
    return records
  }

  /** Reads one record at `start` into `out`; the position after it, or -1 when it ends in a later chunk. */
  private record(text: string, start: number, last: boolean, out: string[][]): number {
    const d = this.delimiter
    const n = text.length
    const fields: string[] = []
    let pos = start
    for (;;) {
      let value: string
      let p = pos
      if (text.charCodeAt(pos) === QUOTE) {
        // Quoted: up to the quote not doubled.
        value = ''
        p = pos + 1
        for (;;) {
          const q = text.indexOf('"', p)
          if (q < 0) {
            if (last) throw new CsvQuoteError('a quoted field is not closed before the end of the file')
            return -1
          }
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(p, q + 1)
            p = q + 2
            continue
          }
          value += text.slice(p, q)
          p = q + 1
          break
        }
        const c = text.charCodeAt(p)
        if (p < n && c !== d && c !== CR && c !== LF) {
          // Text after the closing quote: the field as written, up to the delimiter or the line's end.
          while (p < n && text.charCodeAt(p) !== d && text.charCodeAt(p) !== CR && text.charCodeAt(p) !== LF) p++
          value = text.slice(pos, p)
        }
      } else {
        while (p < n) {
          const c = text.charCodeAt(p)
          if (c === d || c === CR || c === LF) break
          p++
        }
        value = text.slice(pos, p)
      }
      if (p >= n) {
        // The chunk ends inside this record (or the file ends without a line break).
        if (!last) return -1
        fields.push(value)
        out.push(fields)
        return n
      }
      fields.push(value)
      const c = text.charCodeAt(p)
      if (c === d) {
        pos = p + 1
        if (pos >= n && !last) return -1
        if (pos >= n) {
          fields.push('')
          out.push(fields)
          return n
        }
        continue
      }
      // A record's end: CRLF, LF or CR (a CR at the chunk's end may be the first half of a CRLF).
      if (c === CR) {
        if (p + 1 >= n && !last) return -1
        out.push(fields)
        return text.charCodeAt(p + 1) === LF ? p + 2 : p + 1
      }
      out.push(fields)
      return p + 1
    }
  }
}
