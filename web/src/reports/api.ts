import { getJson, sendJson } from '../api/client'
import type { ReportSource, ReportStatus } from '../api/contract'

// Typed calls of the report pages (server/modules/reports/routes.ts).

// The statuses and the status machine (offering only the moves it allows) are the server's own.
export { REPORT_STATUSES, REPORT_TRANSITIONS, type ReportSource, type ReportStatus } from '../api/contract'

export interface ReportCategory {
  code: string
  zh: string
  en: string
}

export interface ReportCategories {
  public: ReportCategory[]
  gridWorker: ReportCategory[]
}

export interface Location {
  lon: number
  lat: number
}

export interface PublicReportInput {
  location?: Location
  category: string
  description: string
  contact?: string | null
  address?: string | null
}

export interface CreatedReport {
  trackingCode: string
  status: ReportStatus
  deadline: string
}

export interface PublicReportStatus {
  trackingCode: string
  category: string
  status: ReportStatus
  createdAt: string
  updatedAt: string
  deadline: string
  resolution: string | null
}

export interface StaffReport {
  id: number
  trackingCode: string
  source: ReportSource
  category: string
  description: string
  contact: string | null
  address: string | null
  lon: number
  lat: number
  divisionCode: string | null
  divisionName: string | null
  mgmtGridId: number | null
  mgmtGridName: string | null
  departmentId: number | null
  departmentName: string | null
  filedBy: string | null
  status: ReportStatus
  deadline: string
  overdue: boolean
  resolution: string | null
  staffNote: string | null
  inspectionId: number | null
  createdAt: string
  updatedAt: string
  closedAt: string | null
}

export interface ReportPage {
  total: number
  limit: number
  offset: number
  items: StaffReport[]
}

export interface ReportListQuery {
  status?: ReportStatus
  overdue?: boolean
  source?: ReportSource
  limit: number
  offset: number
}

export interface ReportChange {
  status?: ReportStatus
  resolution?: string
  staffNote?: string | null
  departmentId?: number
}

export function fetchCategories(signal?: AbortSignal): Promise<ReportCategories> {
  return getJson<ReportCategories>('/api/public/reports/categories', {}, signal)
}

export function submitPublicReport(input: PublicReportInput): Promise<CreatedReport> {
  return sendJson<CreatedReport>('POST', '/api/public/reports', input)
}

export function lookupReport(trackingCode: string, signal?: AbortSignal): Promise<PublicReportStatus> {
  return getJson<PublicReportStatus>(`/api/public/reports/${encodeURIComponent(trackingCode)}`, {}, signal)
}

export function fetchReports(query: ReportListQuery, signal?: AbortSignal): Promise<ReportPage> {
  return getJson<ReportPage>('/api/reports', { ...query }, signal)
}

export function changeReport(id: number, change: ReportChange): Promise<StaffReport> {
  return sendJson<StaffReport>('PATCH', `/api/reports/${id}`, change)
}

export function makeInspectionTask(id: number, enterpriseId: number, plannedFor: string): Promise<StaffReport> {
  return sendJson<StaffReport>('POST', `/api/reports/${id}/inspection`, { enterpriseId, plannedFor })
}

export function fileGridReport(input: Omit<PublicReportInput, 'contact'>): Promise<StaffReport> {
  return sendJson<StaffReport>('POST', '/api/reports', input)
}

/** A category's label in a language; the code itself for an unknown one. */
export function categoryLabel(categories: ReportCategories | null, code: string, lang: 'zh-CN' | 'en'): string {
  const found = [...(categories?.public ?? []), ...(categories?.gridWorker ?? [])].find((c) => c.code === code)
  return found ? (lang === 'en' ? found.en : found.zh) : code
}
