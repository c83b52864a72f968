import { describe, expect, it } from 'vitest'
import { unchangedRegisterRow, type RegisterRow } from '../../server/modules/enterprises'

// A register imported again leaves out of the write every row equal to what is stored; a row wrongly
// judged equal would lose a change, so every doubt must count as a change.

const row: RegisterRow = {
  id: 7,
  uscc: '91210102MA0R000011',
  external_id: null,
  name: '沈阳示例化工有限公司',
  industry: 'chemical',
  industry_source: 'C26',
  industry_class: 'C26',
  high_hazard: true,
  scale: 'medium',
  affiliation: 'city',
  central_vertical: false,
  is_outlet: false,
  tier: 'city',
  tier_source: 'rule',
  tier_reason: 'high hazard, city affiliation',
  division_code: '210102',
  mgmt_grid_id: 12,
  address: '和平区示例路1号',
  responsible_person: '张三',
  responsible_phone: '024-55501234',
  credit_status: 'good',
  last_reported_at: '2026-02-20',
  report_due_at: '2027-02-20',
  impact_radius_m: 500,
  synthetic: false,
  located_by: 'point',
  lon: 123.41192,
  lat: 41.79034,
}
/** The same enterprise as REGISTER_SELECT reads it back. */
const stored = (): Record<string, unknown> => ({ ...row, id: '7' })

describe('a register row against the stored enterprise', () => {
  it('is unchanged when every column and the point are equal', () => {
    expect(unchangedRegisterRow(row, stored())).toBe(true)
  })

  it('is changed by any one column or the point, and by a value of another type', () => {
    const columns = Object.keys(row).filter((k) => k !== 'id')
    for (const key of columns) {
      const value = row[key as keyof RegisterRow]
      const other = typeof value === 'number' ? value + 0.0000001 : typeof value === 'boolean' ? !value : value === null ? 'x' : `${String(value)} `
      expect(unchangedRegisterRow(row, { ...stored(), [key]: other }), key).toBe(false)
      expect(unchangedRegisterRow(row, { ...stored(), [key]: undefined }), `${key} missing`).toBe(false)
    }
    // The database's 12 and the file's "12": not judged equal (the UPDATE decides).
    expect(unchangedRegisterRow(row, { ...stored(), mgmt_grid_id: '12' })).toBe(false)
    expect(unchangedRegisterRow({ ...row, impact_radius_m: null }, { ...stored(), impact_radius_m: undefined })).toBe(false)
  })

  it('is the same point within a billionth of a degree (an export writes 9 decimals), and moved beyond it', () => {
    expect(unchangedRegisterRow({ ...row, lon: 123.41192 + 4e-10 }, stored())).toBe(true)
    expect(unchangedRegisterRow({ ...row, lat: 41.79034 - 9e-10 }, stored())).toBe(true)
    expect(unchangedRegisterRow({ ...row, lon: 123.411920002 }, stored())).toBe(false)
    expect(unchangedRegisterRow(row, { ...stored(), lat: '41.79034' })).toBe(false)
  })
})
