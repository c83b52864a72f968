import { getJson } from '../api/client'
import type { RegionReport } from '../api/contract'

/** `GET /api/regions/{code}/report`: the server's type (server/modules/region-report/schemas.ts). */
export type { RegionReport } from '../api/contract'

export function fetchRegionReport(code: string, signal?: AbortSignal): Promise<RegionReport> {
  return getJson<RegionReport>(`/api/regions/${encodeURIComponent(code)}/report`, {}, signal)
}
