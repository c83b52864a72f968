import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import { buildUscc, checkUscc, normaliseUscc, usccCheckChar } from './uscc'

describe('checkUscc: valid codes', () => {
  const cases: Array<[string, string]> = [
    ['Shenzhen Tencent Computer Systems (public register)', '9144030071526726XG'],
    ['Huawei Technologies (public register)', '914403001922038216'],
    ['constructed, check value 0', '91210100MA0Y000210'],
    ['constructed, check value 30 (Y)', '92210102MA0K00017Y'],
    ['constructed public institution', '122100000012345672'],
    ['constructed social organisation', '52210100MJ0012345R'],
    ['lower case is accepted (normalised to upper case)', '9144030071526726xg'],
    ['surrounding whitespace is trimmed', '  914403001922038216\t'],
  ]
  it.each(cases)('%s: %s', (_label, code) => {
    expect(checkUscc(code)).toEqual({ valid: true })
  })
})

describe('checkUscc: invalid codes', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['empty', '', /must be 18 characters, got 0/],
    ['17 characters', '9144030071526726X', /must be 18 characters, got 17/],
    ['19 characters', '9144030071526726XG1', /must be 18 characters, got 19/],
    ['letter I', '91440300I1526726XG', /illegal character "I" at position 9/],
    ['letter O', 'O144030071526726XG', /illegal character "O" at position 1/],
    ['letter S', '9144030071526726SG', /illegal character "S" at position 17/],
    ['letter V', '914403007152672VXG', /illegal character "V" at position 16/],
    ['letter Z', '9144030071526726XZ', /illegal character "Z" at position 18/],
    ['hyphen', '91440300-71526726X', /illegal character "-" at position 9/],
    ['inner space', '914403 0071526726X', /illegal character " " at position 7/],
    ['wrong check character', '9144030071526726XH', /check character expected G, got H/],
    ['one digit changed', '914403001922038226', /check character expected/],
  ]
  it.each(cases)('%s', (_label, code, reason) => {
    const result = checkUscc(code)
    expect(result.valid).toBe(false)
    if (!result.valid) expect(result.reason).toMatch(reason)
  })
})

describe('usccCheckChar and buildUscc', () => {
  const cases: Array<[string, string]> = [
    ['9144030071526726X', 'G'],
    ['91440300192203821', '6'],
    ['91210100MA0Y00021', '0'],
  ]
  it.each(cases)('%s → %s', (body, check) => {
    expect(usccCheckChar(body)).toBe(check)
    expect(buildUscc(body)).toBe(body + check)
  })

  it('builds from lower case and the result checks valid', () => {
    const code = buildUscc('93210112ma10abcde')
    expect(code).toBe(normaliseUscc(code))
    expect(checkUscc(code)).toEqual({ valid: true })
  })

  const bad: string[] = ['9144030071526726', '9144030071526726XG', '91440300I1526726X']
  it.each(bad)('rejects body %s with invalid("uscc")', (body) => {
    try {
      usccCheckChar(body)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(AppError)
      expect((e as AppError).details[0]?.field).toBe('uscc')
    }
  })
})
