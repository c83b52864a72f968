import { getJson } from '../api/client'
import type {
  DivisionRank,
  PlaceReading,
  PublicDivisionCollection,
  PublicPenaltyPage,
  PublicPublication,
  PublicPublicationResponse,
  PublicRegion,
  PublicRegions,
  ShelterCollection,
} from '../api/contract'

// The public API (/api/public/…, no sign-in): the latest publication, its regions, shelters and
// published penalties, and the division boundaries of the offline basemap. The types are the
// server's schemas' (server/modules/public/schemas.ts).

export type { LevelCounts, PlaceReading, PublicPenalty, PublicPublication, PublicRegion, ShelterCollection } from '../api/contract'

/** The latest publication; null while nothing has been published. */
export async function fetchPublication(signal?: AbortSignal): Promise<PublicPublication | null> {
  return (await getJson<PublicPublicationResponse>('/api/public/publication', {}, signal)).publication
}

export async function fetchPublicRegions(signal?: AbortSignal): Promise<PublicRegion[]> {
  return (await getJson<PublicRegions>('/api/public/regions', { kind: 'division' }, signal)).items
}

export function fetchShelters(signal?: AbortSignal): Promise<ShelterCollection> {
  return getJson<ShelterCollection>('/api/public/shelters', {}, signal)
}

export function fetchPublicPenalties(limit: number, signal?: AbortSignal): Promise<PublicPenaltyPage> {
  return getJson<PublicPenaltyPage>('/api/public/penalties', { limit }, signal)
}

export function fetchPublicDivisions(rank: DivisionRank, simplifyM: number, signal?: AbortSignal): Promise<PublicDivisionCollection> {
  return getJson<PublicDivisionCollection>('/api/public/divisions', { rank, simplifyM }, signal)
}

/** What the latest publication says about one point (level, township and county, nearest shelters). */
export function fetchPlace(lon: number, lat: number, signal?: AbortSignal): Promise<PlaceReading> {
  return getJson<PlaceReading>('/api/public/place', { lon, lat }, signal)
}

export function fetchPenaltyPage(limit: number, offset: number, signal?: AbortSignal): Promise<PublicPenaltyPage> {
  return getJson<PublicPenaltyPage>('/api/public/penalties', { limit, offset }, signal)
}
