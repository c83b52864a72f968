import { describe, expect, it } from 'vitest'
import { supervisionTier, tierWithUnknowns } from '../../server/domain/tier'
import { tierReasonText } from '../../web/src/ui/tier-reason'

describe('the tier reason in Chinese', () => {
  it('writes every reason the tier rule gives in Chinese, with no Latin word left', () => {
    const reasons = new Set<string>()
    for (const affiliation of ['central', 'province', 'city', 'county', 'township'] as const) {
      for (const scale of ['large', 'medium', 'small', 'micro'] as const) {
        for (const highHazard of [false, true]) {
          for (const centralVertical of [false, true]) {
            reasons.add(supervisionTier({ affiliation, scale, highHazard, centralVertical, isOutlet: true, delegateOutletsToCounty: true }).reason)
            reasons.add(supervisionTier({ affiliation, scale, highHazard, centralVertical }).reason)
          }
        }
      }
    }
    reasons.add(tierWithUnknowns({ affiliation: null, scale: 'small', highHazard: null, centralVertical: false }).reason)
    reasons.add(tierWithUnknowns({ affiliation: 'central', scale: null, highHazard: null, centralVertical: false }).reason)
    expect(reasons.size).toBeGreaterThan(6)
    for (const reason of reasons) expect(tierReasonText(reason, 'zh-CN'), reason).not.toMatch(/[A-Za-z]{2,}/)
  })

  it('keeps the words of an explicit assignment and leaves English as stored', () => {
    expect(tierReasonText('explicit: 跨区经营，市级统一监管 (by 王五, 2026-12-05)', 'zh-CN')).toBe('明确指定：跨区经营，市级统一监管（王五，2026-12-05）')
    expect(tierReasonText('micro enterprise, not high-hazard, affiliated to the township level', 'zh-CN')).toBe('微型企业，非高危，隶属乡镇级')
    expect(tierReasonText('micro enterprise, not high-hazard, affiliated to the township level', 'en')).toBe(
      'micro enterprise, not high-hazard, affiliated to the township level',
    )
  })
})
