/**
 * Reads a worksheet's XML (ECMA-376 `<sheetData>`: rows of cells) as it arrives in chunks, into rows
 * of raw cells: each cell's column, type (`t`), style (`s`) and value (the `<v>` text, or an inline
 * string's `<t>` runs). It reads the XML a worksheet can hold: elements with or without a namespace
 * prefix, attributes in either quote, the five named entities and character references, CDATA,
 * comments and processing instructions; a DOCTYPE is refused (Open Packaging forbids one), as are a
 * tag closed in the wrong place, an unknown entity and a sheet cut short. A SAX parser (saxes) did
 * this for every tag and text of the sheet and was a quarter of an XLSX import's time; the unit tests
 * hold this scanner to saxes's reading of the same sheets, in chunks of every size.
 */

/** The sheet's XML is not well-formed where this scanner reads it. */
export class SheetXmlError extends Error {}

/** One cell as the sheet writes it. */
export interface RawCell {
  column: number
  /** The `t` attribute: n (default), s, str, inlineStr, b, e, d. */
  type: string
  /** The `s` attribute (a style index), -1 when absent. */
  style: number
  /** The value's text; null when the cell has none. */
  value: string | null
}

/** Zero-based column index of a cell reference such as `AB12`. */
export function columnIndex(ref: string): number {
  let n = 0
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i)
    if (c < 65 || c > 90) break
    n = n * 26 + (c - 64)
  }
  return n - 1
}

const LT = 60
const GT = 62
const SLASH = 47
const QUESTION = 63
const BANG = 33

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

/** Text with its entity and character references replaced, and line breaks as XML reads them (CRLF and CR as LF). */
function decodeText(raw: string): string {
  let text = raw.indexOf('\r') < 0 ? raw : raw.replace(/\r\n?/g, '\n')
  if (text.indexOf('&') < 0) return text
  text = text.replace(/&([^;&]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new SheetXmlError(`an ampersand that starts no reference: "${whole.slice(0, 20)}"`)
    const named = NAMED_ENTITIES[name]
    if (named !== undefined) return named
    const code = /^#x[0-9a-fA-F]+$/.test(name) ? parseInt(name.slice(2), 16) : /^#[0-9]+$/.test(name) ? parseInt(name.slice(1), 10) : NaN
    if (!Number.isInteger(code) || code <= 0 || code > 0x10ffff) throw new SheetXmlError(`unknown entity &${name};`)
    return String.fromCodePoint(code)
  })
  return text
}

/** A short tag name as one shared string (the common ones), so naming 10 million tags allocates nothing. */
function nameOf(text: string, start: number, end: number): string {
  let local = start
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 58) local = i + 1
  const length = end - local
  if (length === 1) {
    const c = text.charCodeAt(local)
    if (c === 99) return 'c'
    if (c === 118) return 'v'
    if (c === 116) return 't'
    if (c === 114) return 'r'
    if (c === 102) return 'f'
  } else if (length === 3 && text.startsWith('row', local)) return 'row'
  else if (length === 2 && text.startsWith('is', local)) return 'is'
  else if (length === 3 && text.startsWith('rPh', local)) return 'rPh'
  return text.slice(local, end)
}

/** Scans a worksheet's XML pushed in chunks; calls `onRow` with each row's number (1-based) and cells, in order. */
export class SheetScanner {
  /** Text not read yet (a tag or text that continues in a later chunk). */
  private rest = ''
  /** Qualified names of the open elements. */
  private readonly open: string[] = []
  private rowNumber = 0
  private cells: RawCell[] | null = null
  private nextColumn = 0
  private cell: RawCell | null = null
  /** The text being read: inside `<v>`, or an inline string's `<t>`; null elsewhere. */
  private text: string | null = null
  private inInline = false
  private phonetic = 0

  constructor(private readonly onRow: (number: number, cells: RawCell[]) => void) {}

  /** Reads what `chunk` completes; `last`: the sheet ends with it (anything left open is an error). */
  push(chunk: string, last = false): void {
    const text = this.rest.length > 0 ? this.rest + chunk : chunk
    const n = text.length
    let pos = 0
    while (pos < n) {
      if (text.charCodeAt(pos) !== LT) {
        const lt = text.indexOf('<', pos)
        const end = lt < 0 ? n : lt
        if (lt < 0 && !last) break
        if (this.text !== null) this.text += decodeText(text.slice(pos, end))
        pos = end
        continue
      }
      const next = this.markup(text, pos)
      if (next < 0) break
      pos = next
    }
    this.rest = text.slice(pos)
    if (last) {
      if (this.rest.length > 0) throw new SheetXmlError('the sheet ends inside a tag')
      if (this.open.length > 0) throw new SheetXmlError(`the sheet ends before </${this.open[this.open.length - 1]}>`)
    }
  }

  /** Reads the markup at `pos` (a `<`); the position after it, or -1 when it ends in a later chunk. */
  private markup(text: string, pos: number): number {
    const c = text.charCodeAt(pos + 1)
    if (c === QUESTION) {
      const end = text.indexOf('?>', pos + 2)
      return end < 0 ? -1 : end + 2
    }
    if (c === BANG) {
      if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos + 4)
        return end < 0 ? -1 : end + 3
      }
      if (text.startsWith('<![CDATA[', pos)) {
        const end = text.indexOf(']]>', pos + 9)
        if (end < 0) return -1
        if (this.text !== null) this.text += text.slice(pos + 9, end)
        return end + 3
      }
      if (text.length - pos < 9) return -1
      throw new SheetXmlError(
        text.startsWith('<!DOCTYPE', pos) ? 'a DOCTYPE, which a workbook may not hold' : `unexpected markup "${text.slice(pos, pos + 12)}"`,
      )
    }
    if (c === SLASH) {
      const end = text.indexOf('>', pos + 2)
      if (end < 0) return -1
      let nameEnd = end
      while (nameEnd > pos + 2 && text.charCodeAt(nameEnd - 1) <= 32) nameEnd--
      const top = this.open.pop()
      if (top === undefined || nameEnd - (pos + 2) !== top.length || !text.startsWith(top, pos + 2))
        throw new SheetXmlError(`</${text.slice(pos + 2, nameEnd)}> closes ${top === undefined ? 'nothing' : `<${top}>`}`)
      this.close(nameOf(text, pos + 2, nameEnd))
      return end + 1
    }
    if (Number.isNaN(c)) return -1
    return this.startTag(text, pos)
  }

  /** Reads a start tag (or an empty-element tag) at `pos`; the position after it, or -1. */
  private startTag(text: string, pos: number): number {
    const n = text.length
    let p = pos + 1
    while (p < n) {
      const c = text.charCodeAt(p)
      if (c <= 32 || c === GT || c === SLASH) break
      p++
    }
    if (p >= n) return -1
    if (p === pos + 1) throw new SheetXmlError(`a tag without a name at "${text.slice(pos, pos + 12)}"`)
    const name = nameOf(text, pos + 1, p)
    // Without a prefix the qualified name is the local one (shared for the common tags): no string made.
    const qualified = name.length === p - pos - 1 ? name : text.slice(pos + 1, p)
    const wanted = name === 'c' || name === 'row'
    let r: string | undefined
    let t: string | undefined
    let s: string | undefined
    // Attributes, each value in either quote (which may hold a '>').
    for (;;) {
      while (p < n && text.charCodeAt(p) <= 32) p++
      if (p >= n) return -1
      const c = text.charCodeAt(p)
      if (c === GT || c === SLASH) break
      const eq = text.indexOf('=', p)
      if (eq < 0) return -1
      let q = eq + 1
      while (q < n && text.charCodeAt(q) <= 32) q++
      if (q >= n) return -1
      const quote = text[q]
      if (quote !== '"' && quote !== "'") throw new SheetXmlError(`an attribute without quotes in <${qualified}>`)
      const close = text.indexOf(quote, q + 1)
      if (close < 0) return -1
      if (wanted) {
        let nameEnd = eq
        while (nameEnd > p && text.charCodeAt(nameEnd - 1) <= 32) nameEnd--
        if (nameEnd - p === 1) {
          const a = text.charCodeAt(p)
          if (a === 114) r = decodeText(text.slice(q + 1, close))
          else if (a === 116) t = decodeText(text.slice(q + 1, close))
          else if (a === 115) s = decodeText(text.slice(q + 1, close))
        }
      }
      p = close + 1
    }
    const selfClosing = text.charCodeAt(p) === SLASH
    if (selfClosing) {
      if (p + 1 >= n) return -1
      if (text.charCodeAt(p + 1) !== GT) throw new SheetXmlError(`"/" not followed by ">" in <${qualified}>`)
    }
    this.start(name, r, t, s)
    if (selfClosing) this.close(name)
    else this.open.push(qualified)
    return p + (selfClosing ? 2 : 1)
  }

  private start(name: string, r: string | undefined, t: string | undefined, s: string | undefined): void {
    if (name === 'row') {
      const number = Number(r)
      this.rowNumber = r !== undefined && Number.isInteger(number) && number > 0 ? number : this.rowNumber + 1
      this.cells = []
      this.nextColumn = 0
    } else if (name === 'c') {
      const column = r !== undefined ? columnIndex(r) : this.nextColumn
      this.nextColumn = column + 1
      const style = s === undefined ? -1 : Number(s)
      this.cell = { column, type: t ?? 'n', style: Number.isFinite(style) ? style : -1, value: null }
    } else if (name === 'v') this.text = ''
    else if (name === 'is') {
      this.inInline = true
      if (this.cell !== null) this.cell.value = ''
    } else if (name === 'rPh') this.phonetic++
    else if (name === 't' && this.inInline && this.phonetic === 0) this.text = ''
  }

  private close(name: string): void {
    if (name === 'v') {
      if (this.cell !== null) this.cell.value = this.text
      this.text = null
    } else if (name === 't' && this.text !== null && this.inInline) {
      if (this.cell !== null) this.cell.value = (this.cell.value ?? '') + this.text
      this.text = null
    } else if (name === 'rPh') this.phonetic--
    else if (name === 'is') this.inInline = false
    else if (name === 'c') {
      if (this.cell !== null && this.cells !== null) this.cells.push(this.cell)
      this.cell = null
    } else if (name === 'row' && this.cells !== null) {
      this.onRow(this.rowNumber, this.cells)
      this.cells = null
    }
  }
}
