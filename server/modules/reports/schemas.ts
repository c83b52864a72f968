/**
 * The request and response schemas of public and grid-worker reports (docs/domain.md §8), and their
 * static types: the routes are typed by them (`typed(app)`), the repository builds `StaffReport` and
 * `PublicReportStatus`, and the web imports the types through web/src/api/contract.ts.
 */
import { GRID_WORKER_CATEGORY_CODES, PUBLIC_CATEGORY_CODES, REPORT_SOURCES, REPORT_STATUSES } from '../../domain/reports'
import { dateSchema, idSchema, pageProperties } from '../../http/params'
import { sentObject, type SchemaType } from '../../http/schemas'

const locationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['lon', 'lat'],
  description: 'where it is, WGS 84 degrees; must lie in the service area (a grid worker: in their own grid)',
  properties: {
    lon: { type: 'number', minimum: -180, maximum: 180 },
    lat: { type: 'number', minimum: -90, maximum: 90 },
  },
} as const

const descriptionSchema = { type: 'string', minLength: 1, maxLength: 2000, description: 'what was seen, 1–2000 characters' } as const
const addressSchema = { type: ['string', 'null'], maxLength: 200, description: 'address or landmark as the reporter puts it' } as const

export const publicBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['location', 'category', 'description'],
  properties: {
    location: locationSchema,
    category: { type: 'string', enum: PUBLIC_CATEGORY_CODES },
    description: descriptionSchema,
    contact: { type: ['string', 'null'], maxLength: 200, description: 'optional phone or e-mail for staff to call back; never shown publicly' },
    address: addressSchema,
  },
} as const

/** What the public page sends to file a report. */
export type PublicReportInput = SchemaType<typeof publicBodySchema>

export const gridWorkerBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['location', 'category', 'description'],
  properties: {
    location: locationSchema,
    category: { type: 'string', enum: GRID_WORKER_CATEGORY_CODES },
    description: descriptionSchema,
    address: addressSchema,
  },
} as const

export const createdSchema = sentObject({
  trackingCode: { type: 'string' },
  status: { type: 'string', enum: REPORT_STATUSES },
  deadline: { type: 'string', description: 'ISO 8601 time by which staff are to handle it' },
})

export type CreatedReport = SchemaType<typeof createdSchema>

export const publicStatusSchema = sentObject({
  trackingCode: { type: 'string' },
  category: { type: 'string' },
  status: { type: 'string', enum: REPORT_STATUSES },
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
  deadline: { type: 'string' },
  resolution: { type: ['string', 'null'], description: 'the answer to the reporter, once closed or rejected' },
})

/** What the public reads by tracking code: no contact, location, staff note, department or filer. */
export type PublicReportStatus = SchemaType<typeof publicStatusSchema>

const categoryListSchema = { type: 'array', items: sentObject({ code: { type: 'string' }, zh: { type: 'string' }, en: { type: 'string' } }) } as const

export const categoriesSchema = sentObject({ public: categoryListSchema, gridWorker: categoryListSchema })

export type ReportCategories = SchemaType<typeof categoriesSchema>

export const staffRecordSchema = sentObject({
  id: { type: 'integer' },
  trackingCode: { type: 'string' },
  source: { type: 'string', enum: REPORT_SOURCES },
  category: { type: 'string' },
  description: { type: 'string' },
  contact: { type: ['string', 'null'] },
  address: { type: ['string', 'null'] },
  lon: { type: 'number' },
  lat: { type: 'number' },
  divisionCode: { type: ['string', 'null'] },
  divisionName: { type: ['string', 'null'] },
  mgmtGridId: { type: ['integer', 'null'] },
  mgmtGridName: { type: ['string', 'null'] },
  departmentId: { type: ['integer', 'null'] },
  departmentName: { type: ['string', 'null'] },
  filedBy: { type: ['string', 'null'], description: 'username of the grid worker who filed it; null for the public' },
  status: { type: 'string', enum: REPORT_STATUSES },
  deadline: { type: 'string' },
  overdue: { type: 'boolean', description: 'the deadline has passed and it is neither closed nor rejected' },
  resolution: { type: ['string', 'null'] },
  staffNote: { type: ['string', 'null'] },
  inspectionId: { type: ['integer', 'null'] },
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
  closedAt: { type: ['string', 'null'] },
})

/** A report as staff see it (never shown to the public: it has the contact and the staff note). */
export type StaffReport = SchemaType<typeof staffRecordSchema>

export const reportPageSchema = sentObject({
  total: { type: 'integer' },
  limit: { type: 'integer' },
  offset: { type: 'integer' },
  items: { type: 'array', items: staffRecordSchema },
})

export type ReportPage = SchemaType<typeof reportPageSchema>

export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: REPORT_STATUSES },
    overdue: { type: 'boolean', description: 'true: only overdue reports; false: only the others' },
    departmentId: idSchema,
    division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division-code prefix' },
    source: { type: 'string', enum: REPORT_SOURCES },
    ...pageProperties,
  },
} as const

/** The staff list's filters and page (as the handler reads it: limit and offset have their defaults). */
export type ReportListQuery = SchemaType<typeof listQuerySchema>

export const patchBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    status: { type: 'string', enum: REPORT_STATUSES },
    resolution: { type: 'string', minLength: 1, maxLength: 2000, description: 'the answer to the reporter; required to close or reject' },
    staffNote: { type: ['string', 'null'], maxLength: 2000, description: 'internal note, never shown publicly' },
    departmentId: { ...idSchema, description: 'reassign to this department' },
  },
} as const

/** A triage change staff send. */
export type ReportChangeInput = SchemaType<typeof patchBodySchema>

export const inspectionBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enterpriseId', 'plannedFor'],
  properties: {
    enterpriseId: idSchema,
    plannedFor: { ...dateSchema, description: 'day the inspection is planned for, today or later' },
  },
} as const

export const trackingCodeParams = {
  type: 'object',
  additionalProperties: false,
  required: ['trackingCode'],
  properties: { trackingCode: { type: 'string', maxLength: 40 } },
} as const
