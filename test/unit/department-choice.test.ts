import { describe, expect, it } from 'vitest'
import { chooseDepartments, type SupervisingDepartment } from '../../server/domain/supervision'

// Departments of a province (21), a city (2101), a county (210102) and a township (210102001).
const industry = (id: number, divisionCode: string, industries: string[]): SupervisingDepartment => ({
  id,
  kind: 'industry',
  divisionCode,
  industries,
  specialty: null,
})
const specialist = (id: number, divisionCode: string, specialty: string | null): SupervisingDepartment => ({
  id,
  kind: 'specialist',
  divisionCode,
  industries: [],
  specialty,
})
const DEPARTMENTS = [
  industry(10, '210000', ['hazardous_chemicals']),
  industry(20, '210100', ['hazardous_chemicals', 'retail']),
  industry(31, '210102', ['hazardous_chemicals']),
  industry(30, '210102', ['hazardous_chemicals']),
  industry(40, '210102001', ['retail']),
  industry(50, '210200', ['hazardous_chemicals']), // another city
  specialist(60, '210102', 'fire'),
  specialist(61, '210100', 'fire'),
  specialist(62, '210100', 'special_equipment'),
  specialist(63, '210102', null),
]
const chemicals = { industry: 'hazardous_chemicals', divisionCode: '210102001', tier: 'county' as const, centralVertical: false }

describe('chooseDepartments', () => {
  it('gives an enterprise the most local department of its industry whose jurisdiction holds it, the lowest id among equals', () => {
    expect(chooseDepartments(DEPARTMENTS, chemicals).industry).toBe(30)
    expect(chooseDepartments(DEPARTMENTS, { ...chemicals, industry: 'retail' }).industry).toBe(40)
    // Outside the county: the city's, never another city's.
    expect(chooseDepartments(DEPARTMENTS, { ...chemicals, divisionCode: '210103' }).industry).toBe(20)
    expect(chooseDepartments(DEPARTMENTS, { ...chemicals, divisionCode: '210203' }).industry).toBe(50)
    expect(chooseDepartments(DEPARTMENTS, { ...chemicals, divisionCode: '220102' }).industry).toBeNull()
  })

  it("gives a city-tier enterprise the city's department, else the one nearest the city in rank", () => {
    expect(chooseDepartments(DEPARTMENTS, { ...chemicals, tier: 'city' }).industry).toBe(20)
    const withoutCity = DEPARTMENTS.filter((d) => d.id !== 20)
    // The province's (2 digits) and the county's (6) are as far from the city's 4: the lower id.
    expect(chooseDepartments(withoutCity, { ...chemicals, tier: 'city' }).industry).toBe(10)
    expect(chooseDepartments(withoutCity, { ...chemicals, tier: 'city', industry: 'retail' }).industry).toBe(40)
  })

  it('gives a specialist department for each field the industry needs, none for a field no department covers', () => {
    expect(chooseDepartments(DEPARTMENTS, chemicals).specialists).toEqual([
      { specialty: 'fire', id: 60 },
      { specialty: 'special_equipment', id: 62 },
    ])
    expect(chooseDepartments(DEPARTMENTS, { ...chemicals, tier: 'city' }).specialists).toEqual([
      { specialty: 'fire', id: 61 },
      { specialty: 'special_equipment', id: 62 },
    ])
    expect(chooseDepartments(DEPARTMENTS, { ...chemicals, industry: 'retail' }).specialists).toEqual([{ specialty: 'fire', id: 60 }])
    expect(chooseDepartments([industry(1, '210102', ['construction'])], { ...chemicals, industry: 'construction' })).toEqual({ industry: 1, specialists: [] })
  })

  it('gives none to an enterprise under central vertical supervision, of unknown industry or without a division', () => {
    const none = { industry: null, specialists: [] }
    expect(chooseDepartments(DEPARTMENTS, { ...chemicals, centralVertical: true })).toEqual(none)
    expect(chooseDepartments(DEPARTMENTS, { ...chemicals, industry: null })).toEqual(none)
    expect(chooseDepartments(DEPARTMENTS, { ...chemicals, divisionCode: null })).toEqual(none)
  })
})
