import { getJson, sendJson } from '../api/client'
import type {
  CreatedReport,
  PublicReportInput,
  PublicReportStatus,
  ReportCategories,
  ReportChangeInput,
  ReportListQuery,
  ReportPage,
  StaffReport,
} from '../api/contract'

// Typed calls of the report pages (server/modules/reports/routes.ts); the types are the server's schemas'.

// The statuses and the status machine (offering only the moves it allows) are the server's own.
export { REPORT_STATUSES, REPORT_TRANSITIONS, type ReportSource, type ReportStatus } from '../api/contract'
export type { PublicReportInput, PublicReportStatus, ReportCategories, ReportListQuery, ReportPage, StaffReport } from '../api/contract'

export function fetchCategories(signal?: AbortSignal): Promise<ReportCategories> {
  return getJson<ReportCategories>('/api/public/reports/categories', {}, signal)
}

/** What a form sends: the user may not have placed the point yet, and then the server's 400 names `location`. */
type Unplaced<T extends { location: unknown }> = Omit<T, 'location'> & Partial<Pick<T, 'location'>>

export function submitPublicReport(input: Unplaced<PublicReportInput>): Promise<CreatedReport> {
  return sendJson<CreatedReport>('POST', '/api/public/reports', input)
}

export function lookupReport(trackingCode: string, signal?: AbortSignal): Promise<PublicReportStatus> {
  return getJson<PublicReportStatus>(`/api/public/reports/${encodeURIComponent(trackingCode)}`, {}, signal)
}

export function fetchReports(query: ReportListQuery, signal?: AbortSignal): Promise<ReportPage> {
  return getJson<ReportPage>('/api/reports', { ...query }, signal)
}

export function changeReport(id: number, change: ReportChangeInput): Promise<StaffReport> {
  return sendJson<StaffReport>('PATCH', `/api/reports/${id}`, change)
}

export function makeInspectionTask(id: number, enterpriseId: number, plannedFor: string): Promise<StaffReport> {
  return sendJson<StaffReport>('POST', `/api/reports/${id}/inspection`, { enterpriseId, plannedFor })
}

export function fileGridReport(input: Unplaced<Omit<PublicReportInput, 'contact'>>): Promise<StaffReport> {
  return sendJson<StaffReport>('POST', '/api/reports', input)
}

/** A category's label in a language; the code itself for an unknown one. */
export function categoryLabel(categories: ReportCategories | null, code: string, lang: 'zh-CN' | 'en'): string {
  const found = [...(categories?.public ?? []), ...(categories?.gridWorker ?? [])].find((c) => c.code === code)
  return found ? (lang === 'en' ? found.en : found.zh) : code
}
