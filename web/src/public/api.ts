import type { FeatureCollection, Point } from 'geojson'
import { getJson } from '../api/client'
import type { DivisionRank, Level, PublicDivisionCollection } from '../api/contract'

// The public API (/api/public/…, no sign-in): the latest publication, its regions, shelters and
// published penalties, and the division boundaries of the offline basemap.

export type LevelCounts = Record<'0' | '1' | '2' | '3' | '4', number>

export interface PublicPublication {
  id: number
  publishedAt: string
  note: string | null
  resolution: number
  minResolution: number
  counts: { cells: LevelCounts; regions: LevelCounts; areas: LevelCounts }
}

export interface PublicRegion {
  kind: 'division' | 'mgmt_grid'
  key: string
  name: string
  rank: string | null
  parentCode: string | null
  /** The grade from the shares of the region's area. */
  level: Level
  /** The highest cell level in the region (就高); null when the publication did not record it. */
  highestLevel: Level | null
  shares: Partial<Record<'0' | '1' | '2' | '3' | '4', number>>
}

export interface PublicPenalty {
  decisionNo: string
  decidedAt: string
  amountYuan: number
  divisionName: string | null
  violationCategory: string | null
}

export type ShelterCollection = FeatureCollection<Point, { name: string; capacity: number | null; address: string | null; status: string }>

/** The latest publication; null while nothing has been published. */
export async function fetchPublication(signal?: AbortSignal): Promise<PublicPublication | null> {
  return (await getJson<{ publication: PublicPublication | null }>('/api/public/publication', {}, signal)).publication
}

export async function fetchPublicRegions(signal?: AbortSignal): Promise<PublicRegion[]> {
  return (await getJson<{ items: PublicRegion[] }>('/api/public/regions', { kind: 'division' }, signal)).items
}

export function fetchShelters(signal?: AbortSignal): Promise<ShelterCollection> {
  return getJson<ShelterCollection>('/api/public/shelters', {}, signal)
}

export function fetchPublicPenalties(limit: number, signal?: AbortSignal): Promise<{ total: number; items: PublicPenalty[] }> {
  return getJson('/api/public/penalties', { limit }, signal)
}

export function fetchPublicDivisions(rank: DivisionRank, simplifyM: number, signal?: AbortSignal): Promise<PublicDivisionCollection> {
  return getJson<PublicDivisionCollection>('/api/public/divisions', { rank, simplifyM }, signal)
}

export interface PlaceReading {
  publicationId: number | null
  lon: number
  lat: number
  h3: string | null
  level: Level
  stale: boolean
  areaLevel: Level
  regions: Array<{ key: string; name: string; nameEn: string | null; rank: string; level: Level; shares: PublicRegion['shares'] }>
  shelters: Array<{ name: string; address: string | null; capacity: number | null; distanceM: number; geometry: Point }>
}

/** What the latest publication says about one point (level, township and county, nearest shelters). */
export function fetchPlace(lon: number, lat: number, signal?: AbortSignal): Promise<PlaceReading> {
  return getJson<PlaceReading>('/api/public/place', { lon, lat }, signal)
}

export function fetchPenaltyPage(limit: number, offset: number, signal?: AbortSignal): Promise<{ total: number; items: PublicPenalty[] }> {
  return getJson('/api/public/penalties', { limit, offset }, signal)
}
