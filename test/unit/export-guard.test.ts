import { describe, expect, it } from 'vitest'
import { cellValue, csvField } from '../../server/modules/transfer/export'
import type { Field } from '../../server/modules/transfer/fields'

// CSV formula injection (issue #14): text a spreadsheet would run as a formula is exported with a
// leading apostrophe, also when tabs, line breaks or spaces come before the formula sign. XLSX cells
// are typed strings and take the text as it is (test/integration/export.test.ts reads one back).
const text: Field = { key: 'name', zh: '名称', type: { t: 'text' } } as Field
/** The field as CSV quotes it when it holds a quote, comma or line break. */
const quoted = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

describe('the CSV formula guard', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\t=cmd', '\r=cmd', '\n=cmd', ' =cmd', ' \t\r\n@x', '=HYPERLINK("http://x","y")'])('guards %j', (value) => {
    expect(csvField(cellValue(text, value, 'zh'))).toBe(quoted(`'${value}`))
  })
  it.each(['沈阳化工', 'a=b', '1-2', 'name@example.com', '\tplain'])('leaves %j as it is', (value) => {
    expect(csvField(cellValue(text, value, 'zh'))).toBe(quoted(value))
  })
  it('numbers are numbers, not guarded text', () => {
    expect(cellValue({ key: 'n', zh: 'n', type: { t: 'number' } } as Field, -5, 'zh')).toBe(-5)
    expect(csvField(-5)).toBe('-5')
  })
  it('leaves the text of an XLSX cell as it is (no apostrophe shown as data)', () => {
    expect(cellValue(text, '=1+1', 'zh')).toBe('=1+1')
  })
})
