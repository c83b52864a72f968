/**
 * Supervision tier of an enterprise (DESIGN §5, seed §二(一)): which level of government supervises it.
 * An explicit assignment overrides this rule; that is recorded by the caller, not here.
 */
import { invalid } from '../errors'
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

const AFFILIATIONS: readonly Affiliation[] = ['central', 'province', 'city', 'county', 'township']
const SCALES: readonly EnterpriseScale[] = ['large', 'medium', 'small', 'micro']

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
