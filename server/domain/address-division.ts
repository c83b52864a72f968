/**
 * Locating a register row that has an address but no coordinates: the most specific division whose
 * name the address contains (province → city → county → township). Names are compared without a
 * bracketed note (`（示例）`); a province or city also matches without its 省/市 (辽宁, 沈阳). A division
 * whose name appears but whose ancestor at some rank is contradicted by another division of that rank
 * named in the address is ruled out (铁西区…新华街道 is not 和平区's 新华街道); of the rest, the deepest,
 * then the one with most of its ancestors named, wins; a tie is ambiguous and nothing is guessed.
 */

export type DivisionRank = 'province' | 'city' | 'county' | 'township'

/** How an enterprise is located: its own point, or the label point of the division its address names (an approximate location). */
export const LOCATED_BY = ['point', 'division'] as const
export type LocatedBy = (typeof LOCATED_BY)[number]

export interface NamedDivision {
  code: string
  name: string
  rank: DivisionRank
  parentCode: string | null
}

export type AddressMatch =
  | { kind: 'found'; code: string; name: string; rank: DivisionRank }
  | { kind: 'ambiguous'; candidates: Array<{ code: string; name: string }> }
  | { kind: 'none' }

const DEPTH: Record<DivisionRank, number> = { province: 0, city: 1, county: 2, township: 3 }

function compact(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u3000]+/g, '')
}

/** The names a division goes by in an address. */
export function namesOf(d: Pick<NamedDivision, 'name' | 'rank'>): string[] {
  const core = compact(d.name).replace(/[(（][^)）]*[)）]$/, '')
  const names = [core]
  if ((d.rank === 'province' || d.rank === 'city') && /[省市]$/.test(core) && core.length >= 3) names.push(core.slice(0, -1))
  return names.filter((n) => n.length >= 2)
}

/** A compiled matcher over the division table. */
export function addressMatcher(divisions: readonly NamedDivision[]): (address: string) => AddressMatch {
  const byCode = new Map(divisions.map((d) => [d.code, d]))
  const named = divisions.map((d) => ({ d, names: namesOf(d) }))
  const ancestors = (d: NamedDivision): NamedDivision[] => {
    const out: NamedDivision[] = []
    let p = d.parentCode === null ? undefined : byCode.get(d.parentCode)
    while (p !== undefined && out.length < 4) {
      out.push(p)
      p = p.parentCode === null ? undefined : byCode.get(p.parentCode)
    }
    return out
  }
  return (address: string): AddressMatch => {
    const text = compact(address)
    if (text === '') return { kind: 'none' }
    const candidates = named.filter(({ names }) => names.some((n) => text.includes(n))).map(({ d }) => d)
    if (candidates.length === 0) return { kind: 'none' }
    const named_ = new Set(candidates.map((c) => c.code))
    const scored = candidates.flatMap((c) => {
      const chain = ancestors(c)
      const contradicted = candidates.some(
        (o) => DEPTH[o.rank] < DEPTH[c.rank] && !named_.has(chain.find((a) => a.rank === o.rank)?.code ?? '') && !chain.some((a) => a.code === o.code),
      )
      if (contradicted) return []
      return [{ c, depth: DEPTH[c.rank], support: chain.filter((a) => named_.has(a.code)).length }]
    })
    if (scored.length === 0) return { kind: 'none' }
    scored.sort((a, b) => b.depth - a.depth || b.support - a.support || a.c.code.localeCompare(b.c.code))
    const best = scored[0]!
    const tied = scored.filter((s) => s.depth === best.depth && s.support === best.support)
    if (tied.length > 1) return { kind: 'ambiguous', candidates: tied.map((s) => ({ code: s.c.code, name: s.c.name })) }
    return { kind: 'found', code: best.c.code, name: best.c.name, rank: best.c.rank }
  }
}
