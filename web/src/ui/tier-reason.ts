// The supervision tier's reason in the page's language. The server stores the reason the tier rule
// gave (server/domain/tier.ts, docs/domain.md §5) as an English sentence from a small set of
// templates; in Chinese each template is written out here. A reason no template matches (an
// explicit assignment's own words) is shown as stored.

const SCALES: Record<string, string> = { large: '大型', medium: '中型', small: '小型', micro: '微型' }
const LEVELS: Record<string, string> = { central: '中央', province: '省', city: '市', county: '县', township: '乡镇' }
const TIERS: Record<string, string> = { city: '市级', county: '县级', township: '乡镇级', excluded: '不列入属地层级' }
const UNKNOWNS: Record<string, string> = { affiliation: '隶属关系', scale: '规模', 'high-hazard (industry unknown)': '是否高危（行业未知）' }

const scale = (s: string) => SCALES[s] ?? s
const level = (s: string) => LEVELS[s] ?? s
const list = (s: string, names: Record<string, string>) =>
  s
    .split(', ')
    .map((part) => names[part] ?? part)
    .join('、')

const TEMPLATES: Array<[RegExp, (...groups: string[]) => string]> = [
  [/^under central vertical supervision: excluded from local tiers$/, () => '中央垂直管理，不列入属地监管层级'],
  [/^affiliated to the (\w+) level \(city or above\)$/, (a) => `隶属${level(a!)}级（市级及以上）`],
  [/^outlet of a (\w+) high-hazard enterprise, delegated to the county$/, (s) => `${scale(s!)}高危企业的分支机构，下放至县级`],
  [/^(\w+) high-hazard enterprise$/, (s) => `${scale(s!)}高危企业`],
  [/^(\w+) enterprise, not high-hazard$/, (s) => `${scale(s!)}企业，非高危`],
  [/^affiliated to the county level$/, () => '隶属县级'],
  [/^(\w+) enterprise, not high-hazard, affiliated to the (\w+) level$/, (s, a) => `${scale(s!)}企业，非高危，隶属${level(a!)}级`],
  [/^assigned explicitly \((.*)\)$/, (why) => `明确指定（${why}）`],
  [/^explicit: (.*) \(by (.*), (\d{4}-\d\d-\d\d)\)$/s, (why, who, day) => `明确指定：${why}（${who}，${day}）`],
]

/** `reason` in Chinese when `locale` is zh-CN and a template matches; otherwise as stored. */
export function tierReasonText(reason: string, locale: string): string {
  if (!locale.startsWith('zh')) return reason
  const undetermined = /^undetermined: (.+) unknown \(the rule gives (.+) depending on them\)$/.exec(reason)
  if (undetermined) {
    const tiers = undetermined[2]!
      .split(' or ')
      .map((t) => TIERS[t] ?? t)
      .join('或')
    return `无法确定：${list(undetermined[1]!, UNKNOWNS)}未知（按规则可能为${tiers}）`
  }
  const whatever = /^(.+) \(whatever the unknown (.+)\)$/.exec(reason)
  if (whatever) return `${tierReasonText(whatever[1]!, locale)}（无论${list(whatever[2]!, UNKNOWNS)}如何）`
  for (const [pattern, write] of TEMPLATES) {
    const match = pattern.exec(reason)
    if (match) return write(...match.slice(1))
  }
  return reason
}
