import { fetchEnterprises } from '../api/client'
import type { BasemapDivisions, Level } from '../api/contract'
import type { LonLatBox } from '../map/bounds'
import { collectionBounds } from '../map/bounds'
import { parseCoordinates } from './coordinates'

// What the search box finds: coordinates (parsed in the page), divisions (from the basemap's
// polygons, already loaded), and enterprises by name or USCC (from the API).

export type SearchResult =
  | { kind: 'coordinates'; lon: number; lat: number; latFirst: boolean }
  | { kind: 'division'; code: string; name: string; nameEn: string | null; rank: string; bbox: LonLatBox }
  | { kind: 'enterprise'; id: number; name: string; uscc: string; level: Level; lon: number; lat: number }

/** Results of each kind listed at most. */
const MAX_DIVISIONS = 5
const MAX_ENTERPRISES = 8

/** A USCC (GB 32100-2015): 18 characters of digits and upper-case letters (without I, O, S, V, Z). */
const USCC_PATTERN = /^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$/

export function looksLikeUscc(text: string): boolean {
  return USCC_PATTERN.test(text.trim().toUpperCase())
}

/** Results found without the network: coordinates, then divisions whose name, English name or code matches. */
export function localResults(query: string, divisions: readonly BasemapDivisions[], area: LonLatBox | null): SearchResult[] {
  const text = query.trim()
  if (!text) return []
  const results: SearchResult[] = []
  const point = parseCoordinates(text, area)
  if (point) return [{ kind: 'coordinates', ...point }]
  const needle = text.toLowerCase()
  for (const collection of divisions) {
    for (const feature of collection.features) {
      const p = feature.properties
      const hit = p.name.toLowerCase().includes(needle) || (p.nameEn?.toLowerCase().includes(needle) ?? false) || p.code.startsWith(needle)
      if (!hit) continue
      const bbox = collectionBounds({ type: 'FeatureCollection', features: [feature] })
      if (bbox) results.push({ kind: 'division', code: p.code, name: p.name, nameEn: p.nameEn, rank: p.rank, bbox })
    }
  }
  // Exact and leading matches first, then coarser ranks (a county before its townships).
  const rankOrder: Record<string, number> = { city: 0, county: 1, township: 2 }
  const score = (r: Extract<SearchResult, { kind: 'division' }>) =>
    (r.name.toLowerCase() === needle ? 0 : r.name.toLowerCase().startsWith(needle) ? 1 : 2) * 10 + (rankOrder[r.rank] ?? 3)
  return (results as Array<Extract<SearchResult, { kind: 'division' }>>).sort((a, b) => score(a) - score(b)).slice(0, MAX_DIVISIONS)
}

/** True when a query is worth asking the server for enterprises: two characters, or one Chinese character. */
export function wantsEnterpriseSearch(query: string): boolean {
  const text = query.trim()
  return text.length >= 2 || /[\u3400-\u9fff]/.test(text)
}

/** Enterprises whose name contains the query or whose USCC is the query. */
export async function enterpriseResults(query: string, signal: AbortSignal): Promise<SearchResult[]> {
  const text = query.trim()
  const page = await fetchEnterprises({ q: looksLikeUscc(text) ? text.toUpperCase() : text, limit: MAX_ENTERPRISES }, signal)
  return page.features.map((f) => ({
    kind: 'enterprise' as const,
    id: f.properties.id,
    name: f.properties.name,
    uscc: f.properties.uscc ?? f.properties.externalId ?? '',
    level: f.properties.level,
    lon: f.geometry.coordinates[0]!,
    lat: f.geometry.coordinates[1]!,
  }))
}
