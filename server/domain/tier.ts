/**
 * Supervision tier of an enterprise (docs/domain.md §5, docs/domain.md Policy 二(一)): which level of government supervises it.
 * An explicit assignment overrides this rule; that is recorded by the caller, not here.
 */
import { invalid } from './errors'
import { DEFAULT_RULES, type RuleSet } from './rules'

export type Affiliation = 'central' | 'province' | 'city' | 'county' | 'township'
export type EnterpriseScale = 'large' | 'medium' | 'small' | 'micro'
export type SupervisionTier = 'city' | 'county' | 'township'

export interface SupervisionTierInput {
  /** Level of government the enterprise is affiliated to (隶属关系). */
  affiliation: Affiliation
  scale: EnterpriseScale
  highHazard: boolean
  /** Under central vertical supervision (中央垂直管理): excluded from local tiers. */
  centralVertical: boolean
  /** A business outlet (经营网点) of its enterprise. */
  isOutlet?: boolean
  /** Deployment option: outlets of city-tier high-hazard enterprises are supervised by the county. */
  delegateOutletsToCounty?: boolean
}

export interface SupervisionTierResult {
  /** null only when excluded. */
  tier: SupervisionTier | null
  excluded: boolean
  /** English explanation naming the branch of the rule. */
  reason: string
}

/** What a register may leave unknown: affiliation, scale and whether the enterprise is high-hazard. */
export interface PartialTierInput extends Omit<SupervisionTierInput, 'affiliation' | 'scale' | 'highHazard'> {
  affiliation: Affiliation | null
  scale: EnterpriseScale | null
  /** null: neither flagged nor known from the industry. */
  highHazard: boolean | null
}

export interface PartialTierResult extends SupervisionTierResult {
  /** True when the unknown attributes decide the tier: `tier` is then null and `reason` names them. */
  undetermined: boolean
}

export const AFFILIATIONS: readonly Affiliation[] = ['central', 'province', 'city', 'county', 'township']
export const SCALES: readonly EnterpriseScale[] = ['large', 'medium', 'small', 'micro']
export const TIERS: readonly SupervisionTier[] = ['city', 'county', 'township']

/** True when the industry code is high-hazard under the rule set (hazardous chemicals, mining, fireworks, metal smelting). */
export function highHazardIndustry(industry: string, rules: RuleSet = DEFAULT_RULES): boolean {
  return rules.enterprise.highHazardIndustries.includes(industry)
}

/**
 * The supervision tier by rule, in order: central vertical → excluded; affiliation city or above → city;
 * medium-or-larger high-hazard → city (an outlet → county when delegation is on); other high-hazard,
 * medium-or-larger, or county-affiliated → county; the rest → township.
 * `highHazard` is taken as given: callers combine the enterprise flag with `highHazardIndustry`.
 */
export function supervisionTier(input: SupervisionTierInput): SupervisionTierResult {
  if (!AFFILIATIONS.includes(input.affiliation)) throw invalid('affiliation', `must be one of ${AFFILIATIONS.join(', ')}`)
  if (!SCALES.includes(input.scale)) throw invalid('scale', `must be one of ${SCALES.join(', ')}`)
  const mediumOrLarger = input.scale === 'large' || input.scale === 'medium'

  if (input.centralVertical) {
    return { tier: null, excluded: true, reason: 'under central vertical supervision: excluded from local tiers' }
  }
  if (input.affiliation === 'central' || input.affiliation === 'province' || input.affiliation === 'city') {
    return { tier: 'city', excluded: false, reason: `affiliated to the ${input.affiliation} level (city or above)` }
  }
  if (input.highHazard && mediumOrLarger) {
    if (input.isOutlet === true && input.delegateOutletsToCounty === true) {
      return { tier: 'county', excluded: false, reason: `outlet of a ${input.scale} high-hazard enterprise, delegated to the county` }
    }
    return { tier: 'city', excluded: false, reason: `${input.scale} high-hazard enterprise` }
  }
  if (input.highHazard) {
    return { tier: 'county', excluded: false, reason: `${input.scale} high-hazard enterprise` }
  }
  if (mediumOrLarger) {
    return { tier: 'county', excluded: false, reason: `${input.scale} enterprise, not high-hazard` }
  }
  if (input.affiliation === 'county') {
    return { tier: 'county', excluded: false, reason: 'affiliated to the county level' }
  }
  return { tier: 'township', excluded: false, reason: `${input.scale} enterprise, not high-hazard, affiliated to the ${input.affiliation} level` }
}

/**
 * The tier when a register leaves attributes unknown (docs/domain.md §5): the rule is applied for
 * every value the unknown attributes could take; when all give the same tier, that is the tier
 * (e.g. a city-affiliated enterprise is city-tier whatever its scale), otherwise the tier is
 * undetermined and the reason names what is missing. Nothing unknown is guessed.
 */
export function tierWithUnknowns(input: PartialTierInput): PartialTierResult {
  // Nothing unknown (most rows): the rule once.
  if (input.affiliation !== null && input.scale !== null && input.highHazard !== null)
    return { ...supervisionTier({ ...input, affiliation: input.affiliation, scale: input.scale, highHazard: input.highHazard }), undetermined: false }
  const unknown: string[] = []
  if (input.affiliation === null) unknown.push('affiliation')
  if (input.scale === null) unknown.push('scale')
  if (input.highHazard === null) unknown.push('high-hazard (industry unknown)')
  const outcomes = new Map<string, SupervisionTierResult>()
  for (const affiliation of input.affiliation === null ? AFFILIATIONS : [input.affiliation]) {
    for (const scale of input.scale === null ? SCALES : [input.scale]) {
      for (const highHazard of input.highHazard === null ? [false, true] : [input.highHazard]) {
        const r = supervisionTier({ ...input, affiliation, scale, highHazard })
        outcomes.set(r.excluded ? 'excluded' : r.tier!, r)
      }
    }
  }
  if (outcomes.size === 1) {
    const only = [...outcomes.values()][0]!
    if (unknown.length === 0) return { ...only, undetermined: false }
    return { tier: only.tier, excluded: only.excluded, undetermined: false, reason: `${only.reason} (whatever the unknown ${unknown.join(', ')})` }
  }
  const possible = [...outcomes.keys()].sort()
  return {
    tier: null,
    excluded: false,
    undetermined: true,
    reason: `undetermined: ${unknown.join(', ')} unknown (the rule gives ${possible.join(' or ')} depending on them)`,
  }
}
