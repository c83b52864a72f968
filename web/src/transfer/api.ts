import { ApiError, apiUrl, csrfHeaders, isAbortError, languageHeaders } from '../api/client'

export const IMPORT_KINDS = [
  'enterprises',
  'major_hazards',
  'safety_risks',
  'hidden_dangers',
  'area_assessments',
  'resources',
  'divisions',
  'mgmt_grids',
  'roads',
] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]
export const IMPORT_FORMATS = ['csv', 'xlsx', 'geojson', 'shapefile', 'osm-pbf'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]
export const IMPORT_CRS = ['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const
export type ImportCrs = (typeof IMPORT_CRS)[number]
export type ImportMode = 'all' | 'valid'

/** One invalid row, as the import API names it. */
export interface ImportRowError {
  row: number
  line?: number
  column?: string
  value?: unknown
  /** In English; `code` and `params` say the same for the page to word (transfer/problems.ts). */
  reason: string
  code?: string
  params?: Record<string, string | number | string[]>
}

/** The import API's report (server/modules/transfer/import.ts ImportReport). */
export interface ImportReport {
  kind: ImportKind
  format: ImportFormat
  encoding: string | null
  crs: string
  mode: ImportMode
  dryRun: boolean
  rows: number
  valid: number
  invalid: number
  created: number
  updated: number
  unchanged: number
  rejected: boolean
  stored: boolean
  errors: ImportRowError[]
  errorsTruncated: boolean
  regrade?: { mode: string; enterprises?: number; areas?: number; changedCells?: number; note?: string }
  /** Polygons repaired: row, PostGIS reason, [lon, lat] of the fault, change of area in %. */
  repairs?: Array<{ row: number; reason: string; location: [number, number] | null; areaChangePct: number }>
  /** What the import adds beyond the counts (the edges a road import made), in English. */
  note?: string
  /** The same notes by code and numbers, worded by the page in its language. */
  notes?: Array<{ code: string; params: Record<string, number> }>
}

export interface ImportRequest {
  kind: ImportKind
  file: Blob & { name?: string }
  /** Undefined: the server takes it from the file name. */
  format?: ImportFormat
  crs: ImportCrs
  mode: ImportMode
  dryRun: boolean
  /** Repair invalid polygons (ST_MakeValid) instead of refusing them. */
  repair?: boolean
}

/** What an import answered: a report, or a refusal (mode all with invalid rows: 422 import_rejected). */
export type ImportOutcome = { kind: 'report'; report: ImportReport } | { kind: 'rejected'; message: string; errors: ImportRowError[] }

/** The format a file name implies (as the server reads it), or undefined. */
export function formatFromName(name: string): ImportFormat | undefined {
  const ext = /\.([^.]+)$/.exec(name.toLowerCase())?.[1]
  if (ext === 'csv' || ext === 'txt' || ext === 'tsv') return 'csv'
  if (ext === 'xlsx' || ext === 'xlsm') return 'xlsx'
  if (ext === 'geojson' || ext === 'json') return 'geojson'
  if (ext === 'zip') return 'shapefile'
  if (ext === 'pbf') return 'osm-pbf'
  return undefined
}

/** The import URL of a request: `/api/import/{kind}?format=&crs=&mode=&dryRun=`. */
export function importUrl(request: Omit<ImportRequest, 'file'>): string {
  return apiUrl(`/api/import/${encodeURIComponent(request.kind)}`, {
    format: request.format,
    crs: request.crs,
    mode: request.mode,
    dryRun: request.dryRun ? true : undefined,
    repair: request.repair ? true : undefined,
  })
}

interface ErrorDetail {
  field?: string
  message?: string
  row?: number
  line?: number
  column?: string
  value?: unknown
  code?: string
  params?: Record<string, string | number | string[]>
}

/** Sends the file as the raw body. Throws ApiError for any failure other than a refused import. */
export async function sendImport(request: ImportRequest, signal?: AbortSignal): Promise<ImportOutcome> {
  const url = importUrl(request)
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', accept: 'application/json', ...languageHeaders(), ...csrfHeaders() }
  if (request.file.name) headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(request.file.name)}`
  let response: Response
  try {
    response = await fetch(url, { method: 'POST', headers, body: request.file, signal })
  } catch (err) {
    if (isAbortError(err)) throw err
    throw new ApiError(url, 0, 'network', err instanceof Error ? err.message : String(err))
  }
  const body = (await response.json().catch(() => undefined)) as
    (ImportReport & { error?: undefined }) | { error?: { code: string; message: string; details?: ErrorDetail[] } } | undefined
  if (response.ok && body && !body.error) return { kind: 'report', report: body as ImportReport }
  const error = body?.error
  if (response.status === 422 && error?.code === 'import_rejected') {
    const errors = (error.details ?? []).map((d): ImportRowError => ({
      row: d.row ?? 0,
      line: d.line,
      column: d.column,
      value: d.value,
      reason: d.message ?? '',
      code: d.code,
      params: d.params,
    }))
    return { kind: 'rejected', message: error.message, errors }
  }
  if (error) throw new ApiError(url, response.status, error.code, error.message, (error.details ?? []) as never)
  throw new ApiError(url, response.status, 'http', `${response.status} ${response.statusText}`)
}
