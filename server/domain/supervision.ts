/**
 * Who supervises an enterprise (docs/domain.md §5, docs/domain.md Policy 二(一)(二)): its tier, by rule or by explicit
 * assignment, and the "全覆盖" coverage rule — an industry department, the specialist departments its
 * industry needs, a named responsible person and a tier. The specialist table lives here, in one place;
 * the database keeps each specialist department's field in `department.specialty` (migration 007).
 */
import { tierWithUnknowns, type PartialTierInput, type PartialTierResult, type SupervisionTier } from './tier'

/** A supervising department supervises industries (行业监管) or a specialist field (专业监管). */
export const DEPARTMENT_KINDS = ['industry', 'specialist'] as const
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number]

/**
 * What an enterprise's register entry may lack (the data-quality report): an industry the
 * classification knows, scale, affiliation, a determined tier, a precise location, a named responsible person.
 */
export const DATA_GAP_KINDS = ['industry', 'scale', 'affiliation', 'tier', 'location', 'responsible_person'] as const
export type DataGapKind = (typeof DATA_GAP_KINDS)[number]

/** The fields of specialist supervision; `department.specialty` takes only these (migration 007's CHECK). */
export const SPECIALTIES = ['fire', 'special_equipment'] as const

export type Specialty = (typeof SPECIALTIES)[number]

/** A field of specialist supervision (专业监管) and how a specialist department's name usually shows it. */
export interface SpecialistField {
  code: Specialty
  zh: string
  en: string
  /** A specialist department whose name contains one of these is taken to supervise this field when none is given. */
  nameKeywords: readonly string[]
}

export const SPECIALIST_FIELDS: readonly SpecialistField[] = Object.freeze([
  { code: 'fire', zh: '消防', en: 'fire safety', nameKeywords: ['消防'] },
  // boilers, pressure vessels and pipelines, lifts, lifting machinery
  { code: 'special_equipment', zh: '特种设备', en: 'special equipment', nameKeywords: ['特种设备'] },
])

/**
 * Specialist fields each industry must be covered by (codes of `rules.industries` → `SPECIALIST_FIELDS`
 * codes). Industries not listed need none. Storage tanks, pressure vessels and lifting gear make
 * hazardous chemicals, town gas, fireworks and smelting need both; warehouses and crowded retail
 * premises need fire supervision.
 */
export const SPECIALIST_NEEDS: Readonly<Record<string, readonly Specialty[]>> = Object.freeze({
  hazardous_chemicals: ['fire', 'special_equipment'],
  gas: ['fire', 'special_equipment'],
  fireworks: ['fire', 'special_equipment'],
  metal_smelting: ['fire', 'special_equipment'],
  warehousing: ['fire'],
  retail: ['fire'],
})

/**
 * The specialist field a department's name shows; null for an industry department or a name that shows
 * none. Only a default for a department written without its field (the stored `specialty` is what counts).
 */
export function specialtyOf(department: { kind: DepartmentKind; name: string }): Specialty | null {
  if (department.kind !== 'specialist') return null
  return SPECIALIST_FIELDS.find((f) => f.nameKeywords.some((k) => department.name.includes(k)))?.code ?? null
}

/** What an enterprise may lack for full coverage (全覆盖), in the coverage report's order. */
export const COVERAGE_GAP_KINDS = ['industry_department', 'specialist_department', 'responsible_person', 'tier'] as const
export type CoverageGapKind = (typeof COVERAGE_GAP_KINDS)[number]

export interface CoverageGap {
  kind: CoverageGapKind
  /** For a missing specialist department: which field. */
  specialty?: Specialty
  message: string
}

export interface CoverageInput {
  /** null: the register did not say (or said something the classification does not know). */
  industry: string | null
  centralVertical: boolean
  industryDepartmentId: number | null
  /** The enterprise's specialist departments with their stored field (null: none stated, covers nothing). */
  specialistDepartments: Array<{ specialty: string | null }>
  responsiblePerson: string | null
  tier: SupervisionTier | null
  /** The stored tier reason; an undetermined tier's reason names the unknown attributes. */
  tierReason?: string | null
}

/** What an enterprise lacks for full coverage; none for one under central vertical supervision (excluded). */
export function coverageGaps(e: CoverageInput): CoverageGap[] {
  if (e.centralVertical) return []
  const gaps: CoverageGap[] = []
  if (e.industryDepartmentId === null) gaps.push({ kind: 'industry_department', message: 'no industry supervising department' })
  const covered = new Set(e.specialistDepartments.map((d) => d.specialty))
  for (const code of (e.industry === null ? undefined : SPECIALIST_NEEDS[e.industry]) ?? []) {
    if (covered.has(code)) continue
    const field = SPECIALIST_FIELDS.find((f) => f.code === code)!
    gaps.push({ kind: 'specialist_department', specialty: code, message: `no specialist department for ${field.en} (${field.zh}), which ${e.industry} needs` })
  }
  if (e.responsiblePerson === null || e.responsiblePerson.trim() === '') gaps.push({ kind: 'responsible_person', message: 'no named responsible person' })
  // An undetermined tier (attributes the register left unknown) is a gap like a missing one.
  if (e.tier === null)
    gaps.push({ kind: 'tier', message: e.tierReason?.startsWith('undetermined') ? `supervision tier ${e.tierReason}` : 'no supervision tier' })
  return gaps
}

/** Whether a stored tier is the rule's or an explicit assignment's. */
export const TIER_SOURCES = ['rule', 'explicit'] as const
export type TierSource = (typeof TIER_SOURCES)[number]

/** What is stored about an enterprise's tier. */
export interface StoredTier {
  tier: SupervisionTier | null
  source: TierSource
  reason: string | null
}

export interface ResolvedTier extends StoredTier {
  /** What the rule alone gives, shown next to an explicit assignment (undetermined when attributes are unknown). */
  rule: PartialTierResult
  /** True when the stored tier differs from this result and must be written. */
  changed: boolean
}

/** The stored reason of an explicit assignment: `explicit: <reason> (by <who>, <YYYY-MM-DD>)`. */
export function explicitTierReason(reason: string, by: string, on: string): string {
  return `explicit: ${reason.trim()} (by ${by.trim()}, ${on})`
}

/**
 * The tier an enterprise should have: an explicit assignment stays as it is (the rule never overrides
 * it); otherwise the rule's tier and reason. `delegateOutletsToCounty` is the deployment option of the rule.
 */
export function resolveTier(input: PartialTierInput, stored: StoredTier): ResolvedTier {
  const rule = tierWithUnknowns(input)
  if (stored.source === 'explicit') return { ...stored, rule, changed: false }
  const changed = stored.tier !== rule.tier || stored.reason !== rule.reason || stored.source !== 'rule'
  return { tier: rule.tier, source: 'rule', reason: rule.reason, rule, changed }
}

/**
 * The division-code prefix a unit's code covers (GB/T 2260): 210000 (a province) → 21,
 * 210100 (a city) → 2101, a county (210102) or a township (210102001) → itself.
 */
export function jurisdictionPrefix(divisionCode: string): string {
  if (divisionCode.length === 6 && divisionCode.endsWith('0000')) return divisionCode.slice(0, 2)
  if (divisionCode.length === 6 && divisionCode.endsWith('00')) return divisionCode.slice(0, 4)
  return divisionCode
}

/** A supervising department as the choice of an enterprise's departments needs it. */
export interface SupervisingDepartment {
  id: number
  kind: DepartmentKind
  /** Its unit's division code: it supervises the enterprises under jurisdictionPrefix of it. */
  divisionCode: string
  /** An industry department's industries. */
  industries: readonly string[]
  /** A specialist department's field (null: none stated, it covers none). */
  specialty: string | null
}

/** What decides an enterprise's departments. */
export interface DepartmentNeeds {
  industry: string | null
  divisionCode: string | null
  tier: SupervisionTier | null
  centralVertical: boolean
}

/**
 * The departments an enterprise gets when it has none (docs/domain.md §5): the industry department
 * whose industries include its industry, and a specialist department for each field its industry needs
 * (SPECIALIST_NEEDS), each among the departments whose jurisdiction contains the enterprise's division.
 * A city-tier enterprise takes the city's department (the prefix of 4 digits, else the nearest in
 * length), any other the most local one; equal ones, the lowest id. None for an unknown industry, an
 * enterprise without a division, or one under central vertical supervision.
 */
export function chooseDepartments(
  departments: readonly SupervisingDepartment[],
  e: DepartmentNeeds,
): { industry: number | null; specialists: Array<{ specialty: Specialty; id: number }> } {
  const none = { industry: null, specialists: [] }
  if (e.centralVertical || e.industry === null || e.divisionCode === null) return none
  const divisionCode = e.divisionCode
  const rank = (d: SupervisingDepartment) => {
    const length = jurisdictionPrefix(d.divisionCode).length
    return e.tier === 'city' ? Math.abs(length - 4) : -length
  }
  const best = (fits: (d: SupervisingDepartment) => boolean): number | null => {
    let chosen: SupervisingDepartment | null = null
    for (const d of departments) {
      if (!fits(d) || !divisionCode.startsWith(jurisdictionPrefix(d.divisionCode))) continue
      if (chosen === null || rank(d) < rank(chosen) || (rank(d) === rank(chosen) && d.id < chosen.id)) chosen = d
    }
    return chosen?.id ?? null
  }
  const industry = best((d) => d.kind === 'industry' && d.industries.includes(e.industry!))
  const specialists = (SPECIALIST_NEEDS[e.industry] ?? []).flatMap((specialty) => {
    const id = best((d) => d.kind === 'specialist' && d.specialty === specialty)
    return id === null ? [] : [{ specialty, id }]
  })
  return { industry, specialists }
}
