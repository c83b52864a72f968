/**
 * Columns of imported and exported tables: each field has an English key (its English header), a
 * Chinese header and aliases, and a type that parses a cell into a value or a reason it cannot.
 * Headers are matched after Unicode NFKC folding, lower-casing and dropping blanks and `_-*·`, so
 * `企业 名称`, `Enterprise_Name` and `enterprisename` all match; a unit in brackets may be left out.
 */
import { fileError } from './bytes'
import type { ProblemCode, ProblemParams } from './problems'

export type FieldType =
  | { t: 'text'; maxLength?: number }
  | { t: 'integer'; min?: number; max?: number }
  | { t: 'number'; min?: number; max?: number; positive?: boolean }
  | { t: 'boolean' }
  | { t: 'date' }
  /** An instant: ISO 8601 with time (Beijing time when no zone is given), or a date (00:00 UTC). */
  | { t: 'timestamp' }
  /** One of `values` (code → labels that also name it, Chinese first). */
  | { t: 'enum'; values: Record<string, readonly string[]> }
  /** A list of codes separated by , ; 、 | or blanks; each one of `values` when given. */
  | { t: 'list'; values?: Record<string, readonly string[]> }
  | { t: 'json' }
  /** A geometry in a table cell: GeoJSON text or WKT. */
  | { t: 'geometry' }

export interface Field {
  /** The record key and English header. */
  key: string
  /** The Chinese header. */
  zh: string
  /** Other headers that name this field (Chinese or English). */
  aliases?: readonly string[]
  type: FieldType
  /** The column must be present and the value non-empty. */
  required?: boolean
  /** Written by export, ignored by import (computed by the service, e.g. levels). */
  exportOnly?: boolean
  /** Shown in the field list of the API documentation. */
  description?: string
  /** The description in Chinese, for the upload page in zh-CN (docs/import.md). */
  descriptionZh?: string
  /** A text field whose stored codes export under labels (code → labels, Chinese first), e.g. industries. */
  exportLabels?: Record<string, readonly string[]>
}

/** The form in which headers are compared. */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-*·・:：]+/g, '')
}

/** The header without a trailing bracketed unit or note: `影响半径(米)` → `影响半径`. */
function withoutBrackets(normalised: string): string {
  return normalised.replace(/[([【].*?[)\]】]$/, '')
}

/** Resolves which field each column of a file feeds. */
export interface ColumnMap {
  /** Field of each mapped source header. */
  fieldOf: Map<string, Field>
  /** Source header of each mapped field key. */
  headerOf: Map<string, string>
  /** Headers that feed no field. */
  ignored: string[]
}

function lookupTable(fields: readonly Field[]): { exact: Map<string, Field>; loose: Map<string, Field> } {
  const exact = new Map<string, Field>()
  const loose = new Map<string, Field>()
  for (const f of fields) {
    for (const name of [f.key, f.zh, ...(f.aliases ?? [])]) {
      const n = normaliseHeader(name)
      if (!exact.has(n)) exact.set(n, f)
      const b = withoutBrackets(n)
      if (!loose.has(b)) loose.set(b, f)
    }
  }
  return { exact, loose }
}

const tables = new WeakMap<readonly Field[], ReturnType<typeof lookupTable>>()

/** The field a header names, or undefined. dBase truncates names to 10 bytes: such a prefix matches when unambiguous. */
export function fieldForHeader(header: string, fields: readonly Field[]): Field | undefined {
  let table = tables.get(fields)
  if (!table) tables.set(fields, (table = lookupTable(fields)))
  const { exact, loose } = table
  const n = normaliseHeader(header)
  const hit = exact.get(n) ?? loose.get(withoutBrackets(n))
  if (hit) return hit
  if (/^[a-z0-9]{8,10}$/.test(n)) {
    const candidates = new Set<Field>()
    for (const [name, f] of exact) if (name.startsWith(n)) candidates.add(f)
    if (candidates.size === 1) return [...candidates][0]
  }
  return undefined
}

/**
 * Maps the file's headers to fields: an explicit mapping (`{"source header": "field key"}`, a field
 * named by its key or Chinese header; "" or null ignores the column) first, then automatic matching.
 * `strict` refuses a mapping that names a header the file lacks.
 */
export function mapColumns(
  headers: readonly string[],
  fields: readonly Field[],
  mapping: Record<string, string | null> | undefined,
  strict: boolean,
): ColumnMap {
  const importable = fields.filter((f) => !f.exportOnly)
  const exportOnly = new Set(fields.filter((f) => f.exportOnly))
  const fieldOf = new Map<string, Field>()
  const explicit = new Map<string, Field | null>()
  for (const [source, target] of Object.entries(mapping ?? {})) {
    if (strict && !headers.includes(source)) {
      throw fileError(
        'mapping_column_unknown',
        { column: source },
        `the mapping names column "${source}", which the file does not have (columns: ${headers.join(', ')})`,
        `mapping.${source}`,
      )
    }
    if (target === null || target === '') {
      explicit.set(source, null)
      continue
    }
    const field = importable.find((f) => f.key === target) ?? fieldForHeader(target, importable)
    if (!field) {
      throw fileError(
        'mapping_field_unknown',
        { column: source, field: String(target) },
        `the mapping sends column "${source}" to unknown field "${target}"; fields: ${importable.map((f) => f.key).join(', ')}`,
        `mapping.${source}`,
      )
    }
    explicit.set(source, field)
  }
  // Matched against every field, so that a column an export wrote for information (a computed
  // level, R) is recognised as such and skipped rather than taken for a similar importable one.
  const skipped: string[] = []
  for (const header of headers) {
    const field = explicit.has(header) ? explicit.get(header)! : fieldForHeader(header, fields)
    if (field && exportOnly.has(field)) skipped.push(header)
    else if (field) fieldOf.set(header, field)
  }
  for (const [source, field] of explicit) if (field && !headers.includes(source)) fieldOf.set(source, field)
  const headerOf = new Map<string, string>()
  for (const [header, field] of fieldOf) {
    const other = headerOf.get(field.key)
    if (other !== undefined) {
      throw fileError(
        'mapping_same_field',
        { columns: [other, header], field: field.zh },
        `columns "${other}" and "${header}" both map to the field ${field.key} (${field.zh}): drop one or map it to "" in the mapping`,
        header,
      )
    }
    headerOf.set(field.key, header)
  }
  return { fieldOf, headerOf, ignored: headers.filter((h) => !fieldOf.has(h) && !skipped.includes(h)) }
}

/**
 * Maps headers seen after the first record (GeoJSON features may each carry other properties) the
 * way `mapColumns` maps the first ones; a field already fed by another header keeps that one.
 */
export function extendColumns(columns: ColumnMap, headers: Iterable<string>, fields: readonly Field[], seen: Set<string>): void {
  for (const header of headers) {
    if (seen.has(header)) continue
    seen.add(header)
    if (columns.fieldOf.has(header)) continue
    const field = fieldForHeader(header, fields)
    if (!field || field.exportOnly || columns.headerOf.has(field.key)) continue
    columns.fieldOf.set(header, field)
    columns.headerOf.set(field.key, header)
  }
}

/** The label of a field for messages: `企业名称 (name)`. */
export function fieldLabel(field: Field): string {
  return `${field.zh} (${field.key})`
}

// ------------------------------------------------------------------------------ values

/** A cell that cannot be read as its field's type; the message is the reason, `code` and `params` name it for a page. */
export class ValueProblem extends Error {
  readonly code: ProblemCode
  readonly params: ProblemParams
  constructor(code: ProblemCode, params: ProblemParams, message: string) {
    super(message)
    this.code = code
    this.params = params
  }
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1', '是', '有', '√', '✓', '对'])
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0', '否', '无', '×', '✗', '错', ''])

/** True for a value that counts as empty: null, undefined, or blank text. */
export function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '')
}

/** Export writes a leading apostrophe before text that spreadsheets would run as a formula; import drops it. */
export function unguardFormula(text: string): string {
  return /^'[=+\-@]/.test(text) ? text.slice(1) : text
}

function text(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'object' && value !== null) return JSON.stringify(value)
  if (typeof value === 'number' && Math.abs(value) > Number.MAX_SAFE_INTEGER && Number.isInteger(value)) {
    throw new ValueProblem('number_too_long', {}, 'is a number too long for a spreadsheet to keep every digit: format the column as text and enter it again')
  }
  return unguardFormula(String(value).trim())
}

/** A number as JavaScript reads it, in ASCII digits with no spaces or grouping. */
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

function numberOf(value: unknown): number {
  if (typeof value === 'number') return value
  // The usual cell: nothing to clean up first.
  if (typeof value === 'string' && PLAIN_NUMBER.test(value)) return Number(value)
  if (typeof value === 'boolean' || value instanceof Date || typeof value === 'object') throw new ValueProblem('not_a_number', {}, 'is not a number')
  const t = String(value)
    .trim()
    .replace(/[\s\u3000]/g, '')
    .normalize('NFKC')
  if (!PLAIN_NUMBER.test(t)) throw new ValueProblem('not_a_number', { text: String(value).trim() }, `is not a number: "${String(value).trim()}"`)
  return Number(t)
}

function isoDate(y: number, m: number, d: number): string {
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    throw new ValueProblem('not_a_real_date', { date: `${y}-${m}-${d}` }, `is not a real date: ${y}-${m}-${d}`)
  if (y < 1900 || y > 2200) throw new ValueProblem('year_out_of_range', { year: y }, `year ${y} is out of range`)
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

/** Adds to a memo of parsed text, emptied when it grows past what a column's distinct values need. */
function remember(memo: Map<string, string>, text: string, parsed: string): void {
  if (memo.size >= 10_000) memo.clear()
  memo.set(text, parsed)
}

/** Dates already read, by their text: a register repeats the same few thousand dates over its rows. */
const datesRead = new Map<string, string>()

/** A date as `YYYY-MM-DD` from a Date, an Excel serial day, or text in the usual Chinese and ISO forms. */
export function parseDate(value: unknown): string {
  if (typeof value === 'string') {
    const known = datesRead.get(value)
    if (known !== undefined) return known
    const date = parseDateValue(value)
    remember(datesRead, value, date)
    return date
  }
  return parseDateValue(value)
}

function parseDateValue(value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValueProblem('not_a_date', {}, 'is not a valid date')
    return value.toISOString().slice(0, 10)
  }
  if (typeof value === 'number') {
    if (value > 0 && value < 100_000) {
      const d = new Date(Math.round((value - 25569) * 86_400_000))
      return d.toISOString().slice(0, 10)
    }
    const t = String(value)
    if (/^\d{8}$/.test(t)) return isoDate(Number(t.slice(0, 4)), Number(t.slice(4, 6)), Number(t.slice(6, 8)))
    throw new ValueProblem('not_a_date', { text: String(value) }, `is not a date: ${value}`)
  }
  const t = String(value).trim().normalize('NFKC')
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s].*)?$/.exec(t)
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]))
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(t)
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]))
  throw new ValueProblem('not_a_date', { text: t }, `is not a date: "${t}" (expected YYYY-MM-DD)`)
}

function enumLookup(values: Record<string, readonly string[]>): Map<string, string> {
  const map = new Map<string, string>()
  for (const [code, labels] of Object.entries(values)) {
    map.set(normaliseHeader(code), code)
    for (const label of labels) map.set(normaliseHeader(label), code)
  }
  return map
}

/** Each value set's lookup by normalised label, and what each text already met read as (a column repeats a few values). */
const enumCache = new WeakMap<object, { byLabel: Map<string, string>; byText: Map<string, string> }>()

function enumValue(values: Record<string, readonly string[]>, raw: string): string {
  let lookup = enumCache.get(values)
  if (!lookup) enumCache.set(values, (lookup = { byLabel: enumLookup(values), byText: new Map() }))
  const known = lookup.byText.get(raw)
  if (known !== undefined) return known
  const code = lookup.byLabel.get(normaliseHeader(raw))
  if (code !== undefined) remember(lookup.byText, raw, code)
  else {
    const allowed = Object.entries(values).map(([c, labels]) => (labels[0] ? `${labels[0]}/${c}` : c))
    // For a page: the Chinese label of each value (else its code), and the codes.
    const labels = Object.entries(values).map(([c, l]) => l[0] ?? c)
    throw new ValueProblem('not_one_of', { text: raw, allowed: labels, codes: Object.keys(values) }, `"${raw}" is not one of ${allowed.join(', ')}`)
  }
  return code
}

/** Parses a non-empty cell as the field's type; throws ValueProblem with the reason. */
export function parseValue(field: Field, value: unknown): unknown {
  const type = field.type
  switch (type.t) {
    case 'text': {
      const t = text(value)
      if (type.maxLength !== undefined && t.length > type.maxLength)
        throw new ValueProblem('too_long', { length: t.length, max: type.maxLength }, `is ${t.length} characters long, at most ${type.maxLength} allowed`)
      return t
    }
    case 'integer': {
      const n = numberOf(value)
      if (!Number.isInteger(n)) throw new ValueProblem('not_whole', { number: n }, `must be a whole number, got ${n}`)
      if (type.min !== undefined && n < type.min) throw new ValueProblem('below_min', { number: n, min: type.min }, `must be at least ${type.min}, got ${n}`)
      if (type.max !== undefined && n > type.max) throw new ValueProblem('above_max', { number: n, max: type.max }, `must be at most ${type.max}, got ${n}`)
      return n
    }
    case 'number': {
      const n = numberOf(value)
      if (!Number.isFinite(n)) throw new ValueProblem('not_a_number', {}, 'is not a finite number')
      if (type.positive && n <= 0) throw new ValueProblem('not_positive', { number: n }, `must be greater than 0, got ${n}`)
      if (type.min !== undefined && n < type.min) throw new ValueProblem('below_min', { number: n, min: type.min }, `must be at least ${type.min}, got ${n}`)
      if (type.max !== undefined && n > type.max) throw new ValueProblem('above_max', { number: n, max: type.max }, `must be at most ${type.max}, got ${n}`)
      return n
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value
      if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1
      // The usual cell is one of the words as written here.
      if (TRUE_WORDS.has(value as string)) return true
      if (FALSE_WORDS.has(value as string)) return false
      const t = String(value).trim().toLowerCase().normalize('NFKC')
      if (TRUE_WORDS.has(t)) return true
      if (FALSE_WORDS.has(t)) return false
      throw new ValueProblem('not_yes_no', { text: String(value).trim() }, `"${String(value).trim()}" is not yes/no (是/否, true/false, 1/0)`)
    }
    case 'date':
      return parseDate(value)
    case 'timestamp': {
      if (value instanceof Date) return value.toISOString()
      const t = String(value).trim().normalize('NFKC')
      if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(t)) {
        // Without a zone, a time in a Chinese file is Beijing time (UTC+8).
        const iso = t.replace(' ', 'T')
        const d = new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}+08:00`)
        if (Number.isNaN(d.getTime())) throw new ValueProblem('not_a_time', { text: t }, `is not a valid time: "${t}"`)
        return d.toISOString()
      }
      return `${parseDate(value)}T00:00:00.000Z`
    }
    case 'enum':
      return enumValue(type.values, text(value))
    case 'list': {
      if (Array.isArray(value)) return value.map((v) => (type.values ? enumValue(type.values, String(v)) : String(v).trim()))
      const parts = text(value)
        .split(/[,;，；、|\s]+/)
        .filter((p) => p !== '')
      return parts.map((p) => (type.values ? enumValue(type.values, p) : p))
    }
    case 'json': {
      if (typeof value === 'object' && value !== null && !(value instanceof Date)) return value
      try {
        return JSON.parse(text(value))
      } catch {
        throw new ValueProblem('not_json', {}, 'is not valid JSON')
      }
    }
    case 'geometry':
      return value
  }
}
