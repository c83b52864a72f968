/**
 * Major hazard installation identification and grading, GB 18218-2018 (docs/domain.md §3.1).
 * Quantities q and Q are in tonnes; S, R, α and β are dimensionless.
 */
import { invalid } from './errors'
import type { Level } from './levels'
import { DEFAULT_RULES, type RuleSet } from './rules'

export type MajorHazardGrade = 1 | 2 | 3 | 4

export interface MajorHazardSubstance {
  /** Chinese or English name or formula; matched against the toxic-gas table (GB 18218 table 3). */
  name?: string
  /** Hazard class of GB 18218 table 4, e.g. `W2`, `J1`, `W5.1`. */
  class?: string
  /** CAS registry number, matched against the toxic-gas table. */
  cas?: string
  /** Design maximum quantity, tonnes. */
  q: number
  /** Critical quantity from GB 18218 tables 1–2, tonnes. */
  Q: number
  /** Explicit correction factor β; overrides the tables. */
  beta?: number
}

export interface MajorHazardInput {
  /** Persons resident within 500 m of the installation boundary. */
  population500m: number
  substances: MajorHazardSubstance[]
}

export interface MajorHazardResult {
  /** Σ q/Q, rounded to 4 decimals for output (comparisons use the exact value). */
  S: number
  /** α · Σ β·q/Q, rounded to 4 decimals for output (comparisons use the exact value). */
  R: number
  alpha: number
  /** Grade from R (一级 1 … 四级 4); computed even when S < 1, for information. */
  grade: MajorHazardGrade
  /** Risk level of the grade when identified (S ≥ 1); 0 when the unit is not a major hazard installation. */
  level: Level
  identified: boolean
  /** β used for each substance, in input order. */
  betas: number[]
}

/**
 * Absorbs floating-point noise in sums such as 0.7 + 0.2 + 0.1 so that a value meant to sit exactly
 * on a threshold (S = 1, R = 100) counts as reaching it; dimensionless.
 */
const THRESHOLD_EPSILON = 1e-9

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4
}

/**
 * Normalises a substance name, CAS number or class for matching: Unicode NFKC (full-width and
 * subscript characters become ASCII: `SO₂` → `SO2`), lower case, and whitespace, hyphens, underscores
 * and middle dots removed.
 */
export function normaliseSubstanceKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_·・]+/g, '')
}

/** α for a resident population within 500 m (persons, a non-negative integer). */
export function alphaForPopulation(population: number, rules: RuleSet = DEFAULT_RULES): number {
  if (!Number.isInteger(population) || population < 0) {
    throw invalid('population500m', 'must be a non-negative integer (persons within 500 m)')
  }
  for (const band of rules.majorHazard.alphaBands) {
    if (population >= band.minPopulation) return band.alpha
  }
  throw new Error(`rule set ${rules.version}: alpha bands do not cover population ${population}`)
}

/** The grade (1 一级 … 4 四级) for a value of R; R sitting on a band bound belongs to the higher grade. */
export function gradeForR(R: number, rules: RuleSet = DEFAULT_RULES): MajorHazardGrade {
  for (const band of rules.majorHazard.gradeBands) {
    if (R >= band.minR - THRESHOLD_EPSILON) return band.grade
  }
  return 4
}

/** The risk level (4 red … 1 blue) of a major hazard grade. */
export function levelForGrade(grade: MajorHazardGrade, rules: RuleSet = DEFAULT_RULES): Level {
  return rules.majorHazard.gradeLevels[grade]
}

/**
 * The toxic-gas β for a substance name or CAS number, or undefined when neither is in GB 18218 table 3.
 * Matching is exact after normalisation, so `氯` matches chlorine but `氯乙烯` does not.
 */
export function toxicGasBeta(name: string | undefined, cas: string | undefined, rules: RuleSet = DEFAULT_RULES): number | undefined {
  const nameKey = name === undefined ? '' : normaliseSubstanceKey(name)
  const casKey = cas === undefined ? '' : normaliseSubstanceKey(cas)
  if (nameKey === '' && casKey === '') return undefined
  for (const gas of rules.majorHazard.toxicGasBetas) {
    if (casKey !== '' && normaliseSubstanceKey(gas.cas) === casKey) return gas.beta
    if (nameKey !== '' && gas.names.some((n) => normaliseSubstanceKey(n) === nameKey)) return gas.beta
  }
  return undefined
}

/** The canonical spelling of a known hazard class (`w5.1` → `W5.1`), or undefined when unknown. */
export function canonicalHazardClass(hazardClass: string, rules: RuleSet = DEFAULT_RULES): string | undefined {
  const key = normaliseSubstanceKey(hazardClass)
  return Object.keys(rules.majorHazard.classBetas).find((c) => normaliseSubstanceKey(c) === key)
}

function isPositiveFinite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0
}

/**
 * β of one substance, resolved in order: the explicit `beta`; the toxic-gas table by name or CAS;
 * the class table; and 1 only when the substance has neither a toxic-gas match nor a class.
 * A class that is given is always checked, even when an explicit β or a name match wins.
 */
export function resolveBeta(substance: MajorHazardSubstance, index: number, rules: RuleSet = DEFAULT_RULES): number {
  const path = `substances[${index}]`
  let classBeta: number | undefined
  if (substance.class !== undefined && substance.class !== null && String(substance.class).trim() !== '') {
    const known = canonicalHazardClass(String(substance.class), rules)
    if (known === undefined) {
      throw invalid(`${path}.class`, `unknown hazard class "${substance.class}" (GB 18218-2018 table 4)`)
    }
    classBeta = rules.majorHazard.classBetas[known]
  }
  if (substance.beta !== undefined && substance.beta !== null) {
    if (!isPositiveFinite(substance.beta)) throw invalid(`${path}.beta`, 'must be a finite number > 0')
    return substance.beta
  }
  const gasBeta = toxicGasBeta(substance.name ?? undefined, substance.cas ?? undefined, rules)
  if (gasBeta !== undefined) return gasBeta
  return classBeta ?? 1
}

/**
 * Identifies (S = Σ q/Q ≥ 1) and grades (R = α·Σ β·q/Q) a major hazard installation per GB 18218-2018.
 * Throws `invalid()` naming the field (`population500m`, `substances`, `substances[i].q|Q|class|beta`).
 */
export function identifyAndGradeMajorHazard(input: MajorHazardInput, rules: RuleSet = DEFAULT_RULES): MajorHazardResult {
  const alpha = alphaForPopulation(input.population500m, rules)
  if (!Array.isArray(input.substances) || input.substances.length === 0) {
    throw invalid('substances', 'at least one substance is required')
  }
  let S = 0
  let weighted = 0
  const betas: number[] = []
  input.substances.forEach((substance, i) => {
    if (!isPositiveFinite(substance.q)) throw invalid(`substances[${i}].q`, 'must be a finite quantity > 0 (tonnes)')
    if (!isPositiveFinite(substance.Q)) throw invalid(`substances[${i}].Q`, 'is required: a finite critical quantity > 0 (tonnes)')
    const beta = resolveBeta(substance, i, rules)
    const ratio = substance.q / substance.Q
    S += ratio
    weighted += beta * ratio
    betas.push(beta)
  })
  const R = alpha * weighted
  const identified = S >= rules.majorHazard.identificationThreshold - THRESHOLD_EPSILON
  const grade = gradeForR(R, rules)
  return {
    S: round4(S),
    R: round4(R),
    alpha,
    grade,
    level: identified ? levelForGrade(grade, rules) : 0,
    identified,
    betas,
  }
}

/** What an enterprise reported for an installation: R and/or the grade. */
export interface ReportedMajorHazardGrade {
  R?: number | null
  grade?: number | null
}

/**
 * Compares a reported R and grade with the recomputed ones. Returns an English description of every
 * disagreement, or null when they agree (or nothing was reported). R agrees within
 * max(relative · computed R, absolute) of `rules.majorHazard.reportedRTolerance`.
 */
export function compareReportedGrade(
  reported: ReportedMajorHazardGrade,
  computed: { R: number; grade: MajorHazardGrade },
  rules: RuleSet = DEFAULT_RULES,
): string | null {
  const problems: string[] = []
  if (reported.R !== undefined && reported.R !== null) {
    if (typeof reported.R !== 'number' || !Number.isFinite(reported.R) || reported.R < 0) {
      throw invalid('R', 'must be a finite number ≥ 0')
    }
    const { relative, absolute } = rules.majorHazard.reportedRTolerance
    const tolerance = Math.max(relative * Math.abs(computed.R), absolute)
    if (Math.abs(reported.R - computed.R) > tolerance) {
      problems.push(`reported R ${reported.R} differs from computed R ${round4(computed.R)}`)
    }
  }
  if (reported.grade !== undefined && reported.grade !== null) {
    if (reported.grade !== 1 && reported.grade !== 2 && reported.grade !== 3 && reported.grade !== 4) {
      throw invalid('grade', 'must be 1, 2, 3 or 4')
    }
    if (reported.grade !== computed.grade) {
      problems.push(`reported grade ${reported.grade} differs from computed grade ${computed.grade}`)
    }
  }
  return problems.length === 0 ? null : problems.join('; ')
}
