/**
 * The one versioned rule table: every configurable default of docs/domain.md §3–§5. A grading run records
 * `version`, so a province that changes a value must also change the version. Every domain function
 * takes a `RuleSet` as its last argument, defaulting to `DEFAULT_RULES`.
 */
import type { Level, RiskLevel } from './levels'

/** α band of GB 18218-2018 table 5: applies when the population is ≥ `minPopulation`. */
export interface AlphaBand {
  /** Inclusive lower bound, persons resident within 500 m of the installation boundary. */
  minPopulation: number
  /** Correction factor α, dimensionless. */
  alpha: number
}

/** β of a named toxic gas, GB 18218-2018 table 3. */
export interface ToxicGasBeta {
  /** Chinese names, English names and formulas; matched after normalisation (see `normaliseSubstanceKey`). */
  names: string[]
  /** CAS registry number. */
  cas: string
  /** Correction factor β, dimensionless. */
  beta: number
}

/** Major hazard grade band: R ≥ `minR` gives `grade` (bands are checked from the top). */
export interface MajorHazardGradeBand {
  minR: number
  grade: 1 | 2 | 3
}

/** A band of a score-to-level table. */
export interface LevelBand {
  /** LEC: D strictly above this gives `level`. Matrix: R at or above this gives `level`. */
  bound: number
  level: Level
}

/** One code of the industry vocabulary, stored as `enterprise.industry`. */
export interface Industry {
  code: string
  zh: string
  en: string
}

export interface RuleSet {
  /** Recorded by every grading run. */
  version: string
  majorHazard: {
    /** S ≥ this identifies a major hazard installation, dimensionless. */
    identificationThreshold: number
    /** Sorted from the highest `minPopulation` down; the last band must start at 0. */
    alphaBands: AlphaBand[]
    toxicGasBetas: ToxicGasBeta[]
    /** β of every known hazard class of GB 18218-2018 table 4; a class missing here is rejected. */
    classBetas: Record<string, number>
    /** Sorted from the highest `minR` down; below the last band the grade is 4 (四级). */
    gradeBands: MajorHazardGradeBand[]
    /** Risk level of each grade: 一级 red … 四级 blue. */
    gradeLevels: Record<1 | 2 | 3 | 4, RiskLevel>
    /** A reported R counts as matching the computed R within max(relative · R, absolute). */
    reportedRTolerance: { relative: number; absolute: number }
  }
  lec: {
    /** Likelihood L, dimensionless. */
    L: number[]
    /** Exposure frequency E, dimensionless. */
    E: number[]
    /** Consequence C, dimensionless. */
    C: number[]
    /** D = L·E·C strictly above `bound` gives `level`; sorted from the highest bound down. */
    bands: LevelBand[]
    /** Level when D is at or below every bound. */
    lowest: RiskLevel
  }
  matrix: {
    /** L and S are integers in min..max. */
    min: number
    max: number
    /** R = L·S at or above `bound` gives `level`; sorted from the highest bound down. */
    bands: LevelBand[]
    lowest: RiskLevel
  }
  enterprise: {
    /** Industry codes that are high-hazard (高危行业). */
    highHazardIndustries: string[]
    /** Level when nothing is reported, for a high-hazard enterprise. */
    baselineHighHazard: RiskLevel
    /** Level when nothing is reported, for any other enterprise. */
    baselineOther: RiskLevel
    /** An unrectified or unverified major hidden danger makes the enterprise red. */
    directRedOnMajorHiddenDanger: boolean
  }
  industries: Industry[]
  grid: {
    /** H3 analysis resolution; 8 ≈ 0.74 km² per cell. */
    h3Resolution: number
  }
  /** Default impact radius of a point source by level, metres (geodesic). */
  impactRadiusM: Record<RiskLevel, number>
  accumulation: {
    /** At least this many sources at the cell's level raise it one level (below red only). */
    n: number
  }
  /** How a region (division unit, management grid) gets its level from its cells (docs/region-grading.md). */
  region: {
    /**
     * 'shares': the highest level L whose share of the region's area at L or above reaches
     * `minShare[L]`; 'highest' (rule version 2026.1): the highest cell level (就高).
     */
    method: 'shares' | 'highest'
    /**
     * Share of the region's area (0–1, level-0 area included in the whole) at this level or above
     * that gives the level; 0 means "any area at that level or above" (the blue default).
     */
    minShare: Record<RiskLevel, number>
  }
  staleness: {
    /** A report without its own validity goes stale this many calendar months after it was reported. */
    months: number
  }
  score: {
    /** Weight of one source of each level, points. */
    weights: Record<RiskLevel, number>
    /**
     * Distance decay: decay(d) = max(0, 1 − d / (reachMultiple · radius)), d and radius in metres.
     * With 2 a source counts fully at its location and half at the edge of its impact zone.
     */
    decayReachMultiple: number
  }
  inspection: {
    /** Double-random inspections per enterprise per year, by level. */
    perYear: Record<RiskLevel, number>
    /** A blacklisted enterprise is inspected as if its level were this many levels higher (capped at red). */
    blacklistRaise: number
  }
  publicReport: {
    /** Days after which an unanswered public report shows as overdue, calendar days. */
    deadlineDays: number
  }
  /** Priority of areas for safety projects (docs/ranking.md, added in rule version 2026.3). */
  ranking: RankingRules
}

/** The parts of an area's priority score, in the order they are shown (docs/ranking.md). */
export const PRIORITY_PARTS = ['riskLevel', 'riskScore', 'exposure', 'coverageGap', 'responseDistance', 'overdue', 'openHiddenDangers'] as const
export type PriorityPart = (typeof PRIORITY_PARTS)[number]

/** How the priority score of an area is computed from its inputs (docs/ranking.md). */
export interface RankingRules {
  /** Points a part gives at its full input; the default weights add up to 100. */
  weights: Record<PriorityPart, number>
  /** The input at which a part is full (its points stop growing there). */
  full: {
    /** Cell score points (docs/domain.md §4.3): 300 = three red sources at full weight. */
    riskScore: number
    /** Residents within 500 m of the area's major hazard installations, persons. */
    population: number
    /** Mean distance from the area's risk cells to the nearest capable team, metres. */
    responseM: number
    /** Overdue rectifications (hidden dangers and violations open past their deadline). */
    overdue: number
    /** Open hidden dangers (not yet rectified). */
    openHiddenDangers: number
  }
  coverage: {
    /** The capability a team must have to count (docs/domain.md §6). */
    capability: string
    /** Cells at this level or above are the risk area whose coverage counts (3 = orange and red). */
    minLevel: RiskLevel
    /** A risk cell whose nearest capable team is farther than this is a coverage gap, metres. */
    thresholdM: number
  }
}

/** Every hazard class of GB 18218-2018 table 4 (J = acute toxicity, W = other physical/health hazards). */
export const KNOWN_HAZARD_CLASSES = [
  'J1',
  'J2',
  'J3',
  'J4',
  'J5',
  'W1.1',
  'W1.2',
  'W1.3',
  'W2',
  'W3',
  'W4',
  'W5.1',
  'W5.2',
  'W5.3',
  'W5.4',
  'W6.1',
  'W6.2',
  'W7.1',
  'W7.2',
  'W8',
  'W9.1',
  'W9.2',
  'W10.1',
  'W10.2',
  'W11',
] as const

const CLASS_BETA_EXCEPTIONS: Record<string, number> = {
  J1: 4,
  J2: 1,
  J3: 2,
  J4: 2,
  J5: 1,
  'W1.1': 2,
  'W1.2': 2,
  'W1.3': 2,
  W2: 1.5,
  'W5.1': 1.5,
  'W6.1': 1.5,
  'W7.1': 1.5,
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  }
  return value
}

/**
 * The defaults of docs/domain.md §3–§5 (rule version 2026.3: regions graded from the shares of their
 * area, docs/region-grading.md, since 2026.2; the priority ranking of areas, docs/ranking.md, since
 * 2026.3). Frozen: copy with `structuredClone` to vary it.
 */
export const DEFAULT_RULES: RuleSet = deepFreeze<RuleSet>({
  version: '2026.3',
  majorHazard: {
    identificationThreshold: 1,
    alphaBands: [
      { minPopulation: 100, alpha: 2.0 },
      { minPopulation: 50, alpha: 1.5 },
      { minPopulation: 30, alpha: 1.2 },
      { minPopulation: 1, alpha: 1.0 },
      { minPopulation: 0, alpha: 0.5 },
    ],
    toxicGasBetas: [
      { names: ['一氧化碳', 'carbon monoxide', 'CO'], cas: '630-08-0', beta: 2 },
      { names: ['二氧化硫', 'sulfur dioxide', 'sulphur dioxide', 'SO2'], cas: '7446-09-5', beta: 2 },
      { names: ['氨', '氨气', '液氨', 'ammonia', 'anhydrous ammonia', 'NH3'], cas: '7664-41-7', beta: 2 },
      { names: ['环氧乙烷', 'ethylene oxide', 'oxirane'], cas: '75-21-8', beta: 2 },
      { names: ['氯化氢', 'hydrogen chloride', 'HCl'], cas: '7647-01-0', beta: 3 },
      { names: ['溴甲烷', '甲基溴', 'methyl bromide', 'bromomethane', 'CH3Br'], cas: '74-83-9', beta: 3 },
      { names: ['氯', '氯气', '液氯', 'chlorine', 'Cl2'], cas: '7782-50-5', beta: 4 },
      { names: ['硫化氢', 'hydrogen sulfide', 'hydrogen sulphide', 'H2S'], cas: '7783-06-4', beta: 5 },
      { names: ['氟化氢', 'hydrogen fluoride', 'HF'], cas: '7664-39-3', beta: 5 },
      { names: ['二氧化氮', 'nitrogen dioxide', 'NO2'], cas: '10102-44-0', beta: 10 },
      { names: ['氰化氢', '氢氰酸', 'hydrogen cyanide', 'HCN'], cas: '74-90-8', beta: 10 },
      { names: ['碳酰氯', '光气', 'phosgene', 'carbonyl chloride', 'COCl2'], cas: '75-44-5', beta: 20 },
      { names: ['磷化氢', 'phosphine', 'PH3'], cas: '7803-51-2', beta: 20 },
      { names: ['异氰酸甲酯', 'methyl isocyanate', 'CH3NCO', 'MIC'], cas: '624-83-9', beta: 20 },
    ],
    classBetas: Object.fromEntries(KNOWN_HAZARD_CLASSES.map((c) => [c, CLASS_BETA_EXCEPTIONS[c] ?? 1])),
    gradeBands: [
      { minR: 100, grade: 1 },
      { minR: 50, grade: 2 },
      { minR: 10, grade: 3 },
    ],
    gradeLevels: { 1: 4, 2: 3, 3: 2, 4: 1 },
    reportedRTolerance: { relative: 0.01, absolute: 0.01 },
  },
  lec: {
    L: [10, 6, 3, 1, 0.5, 0.2, 0.1],
    E: [10, 6, 3, 2, 1, 0.5],
    C: [100, 40, 15, 7, 3, 1],
    bands: [
      { bound: 320, level: 4 },
      { bound: 160, level: 3 },
      { bound: 70, level: 2 },
    ],
    lowest: 1,
  },
  matrix: {
    min: 1,
    max: 5,
    bands: [
      { bound: 20, level: 4 },
      { bound: 15, level: 3 },
      { bound: 9, level: 2 },
    ],
    lowest: 1,
  },
  enterprise: {
    highHazardIndustries: ['hazardous_chemicals', 'mining', 'fireworks', 'metal_smelting'],
    baselineHighHazard: 2,
    baselineOther: 1,
    directRedOnMajorHiddenDanger: true,
  },
  industries: [
    { code: 'hazardous_chemicals', zh: '危险化学品', en: 'Hazardous chemicals' },
    { code: 'mining', zh: '矿山', en: 'Mining' },
    { code: 'fireworks', zh: '烟花爆竹', en: 'Fireworks' },
    { code: 'metal_smelting', zh: '冶金', en: 'Metal smelting' },
    { code: 'construction', zh: '建筑施工', en: 'Construction' },
    { code: 'manufacturing', zh: '工贸制造', en: 'Manufacturing and trade' },
    { code: 'gas', zh: '城镇燃气', en: 'Town gas' },
    { code: 'transport', zh: '交通运输', en: 'Transport' },
    { code: 'warehousing', zh: '仓储物流', en: 'Warehousing and logistics' },
    { code: 'retail', zh: '商贸服务', en: 'Retail and services' },
    { code: 'other', zh: '其他', en: 'Other' },
  ],
  grid: { h3Resolution: 8 },
  impactRadiusM: { 4: 1000, 3: 500, 2: 300, 1: 100 },
  accumulation: { n: 3 },
  region: {
    method: 'shares',
    minShare: { 4: 0.05, 3: 0.15, 2: 0.3, 1: 0 },
  },
  staleness: { months: 12 },
  score: {
    weights: { 4: 100, 3: 30, 2: 10, 1: 3 },
    decayReachMultiple: 2,
  },
  inspection: {
    perYear: { 4: 4, 3: 2, 2: 1, 1: 0.5 },
    blacklistRaise: 1,
  },
  publicReport: { deadlineDays: 15 },
  ranking: {
    weights: { riskLevel: 25, riskScore: 15, exposure: 15, coverageGap: 10, responseDistance: 10, overdue: 15, openHiddenDangers: 10 },
    full: { riskScore: 300, population: 5000, responseM: 15000, overdue: 5, openHiddenDangers: 10 },
    coverage: { capability: 'hazmat', minLevel: 3, thresholdM: 5000 },
  },
})

/**
 * Rule version 2026.1, the first: identical to 2026.2 (today's rules without the ranking of 2026.3)
 * except that a region took its highest cell level (就高). Kept so that what publications made under
 * it meant stays stated in code.
 */
export const RULES_2026_1: RuleSet = deepFreeze<RuleSet>({
  ...structuredClone(DEFAULT_RULES),
  version: '2026.1',
  region: { method: 'highest', minShare: { ...DEFAULT_RULES.region.minShare } },
})

/** The industry of a code, or undefined when the code is not in the vocabulary. */
export function industryByCode(code: string, rules: RuleSet = DEFAULT_RULES): Industry | undefined {
  return rules.industries.find((industry) => industry.code === code)
}
