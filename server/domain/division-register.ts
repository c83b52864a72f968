/**
 * The GB/T 2260 division register of a deployment (docs/domain.md §2): every code and name of the
 * area that REGION_CODE names, whether or not its boundary has been imported yet. Pure functions over
 * the generated rows (data/gbt2260-21.json, scripts/dev/gen-divisions.ts).
 */

/** The ranks of a division, coarsest first. */
export const DIVISION_RANKS = ['province', 'city', 'county', 'township'] as const

export type DivisionRank = (typeof DIVISION_RANKS)[number]

export interface RegisterDivision {
  code: string
  name: string
  rank: DivisionRank
  parentCode: string | null
}

/** The rank a GB/T 2260 code implies: 9 digits township, xx0000 province, xxxx00 city, else county. */
export function rankOfDivisionCode(code: string): DivisionRank {
  if (code.length === 9) return 'township'
  if (code.endsWith('0000')) return 'province'
  if (code.endsWith('00')) return 'city'
  return 'county'
}

/** Register rows ([code, name, parent]) as divisions. */
export function registerDivisions(rows: ReadonlyArray<readonly [string, string, string | null]>): RegisterDivision[] {
  return rows.map(([code, name, parentCode]) => ({ code, name, parentCode, rank: rankOfDivisionCode(code) }))
}

/**
 * The divisions of the area `regionCode` names: the unit itself and everything under it, its
 * ancestors too (a city deployment still knows its province). Null when the register has no such code.
 */
export function regionDivisions(all: readonly RegisterDivision[], regionCode: string): RegisterDivision[] | null {
  const byCode = new Map(all.map((d) => [d.code, d]))
  if (!byCode.has(regionCode)) return null
  const inside = (d: RegisterDivision): boolean => {
    for (let c: string | null = d.code; c !== null; c = byCode.get(c)?.parentCode ?? null) if (c === regionCode) return true
    return false
  }
  const ancestors = new Set<string>()
  for (let c = byCode.get(regionCode)!.parentCode; c !== null; c = byCode.get(c)?.parentCode ?? null) ancestors.add(c)
  return all.filter((d) => ancestors.has(d.code) || inside(d))
}

/** What a division's name finds in the register. */
export type NameMatch = { kind: 'found'; division: RegisterDivision } | { kind: 'none' } | { kind: 'ambiguous'; candidates: RegisterDivision[] }

/** A name as compared: NFKC, no blanks. */
const normalisedName = (name: string) => name.normalize('NFKC').replace(/\s+/g, '')

/**
 * The register division a boundary file names without a code: the one of that name (exactly, blanks
 * aside), under `parentCode` when the file gives one. A name several divisions share (铁西区 is in
 * Shenyang and in Anshan) is ambiguous unless the parent tells them apart.
 */
export function divisionByName(register: readonly RegisterDivision[], name: string, parentCode: string | null = null): NameMatch {
  const wanted = normalisedName(name)
  const candidates = register.filter((d) => normalisedName(d.name) === wanted && (parentCode === null || d.parentCode === parentCode))
  if (candidates.length === 1) return { kind: 'found', division: candidates[0]! }
  return candidates.length === 0 ? { kind: 'none' } : { kind: 'ambiguous', candidates }
}
