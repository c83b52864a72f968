import { describe, expect, it } from 'vitest'
import { cellValue } from '../../server/modules/transfer/export'
import type { Field } from '../../server/modules/transfer/fields'

// CSV formula injection (issue #14): text a spreadsheet would run as a formula is exported with a
// leading apostrophe, also when tabs, line breaks or spaces come before the formula sign.
const text: Field = { key: 'name', zh: '名称', type: { t: 'text' } } as Field

describe('the CSV formula guard', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\t=cmd', '\r=cmd', '\n=cmd', ' =cmd', ' \t\r\n@x'])('guards %j', (value) => {
    expect(cellValue(text, value, 'zh')).toBe(`'${value}`)
  })
  it.each(['沈阳化工', 'a=b', '1-2', 'name@example.com', '\tplain'])('leaves %j as it is', (value) => {
    expect(cellValue(text, value, 'zh')).toBe(value)
  })
  it('numbers are numbers, not guarded text', () => {
    expect(cellValue({ key: 'n', zh: 'n', type: { t: 'number' } } as Field, -5, 'zh')).toBe(-5)
  })
})
