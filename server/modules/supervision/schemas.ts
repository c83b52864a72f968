/**
 * The request and response schemas of supervision (docs/domain.md §5): an enterprise's supervision
 * and tier, departments and their rosters, the coverage (全覆盖) and data-quality reports. The routes
 * are typed by them (`typed(app)`); the web imports their types through web/src/api/contract.ts.
 */
import { COVERAGE_GAP_KINDS, DATA_GAP_KINDS, DEPARTMENT_KINDS, SPECIALIST_FIELDS, SPECIALTIES, TIER_SOURCES } from '../../domain/supervision'
import { AFFILIATIONS, SCALES, TIERS } from '../../domain/tier'
import { offsetParam } from '../../http/bounds'
import { idSchema, nameSchema } from '../../http/params'
import { sentObject, type SchemaType } from '../../http/schemas'
import { regradeSchema } from '../sources'

/** Counts of each kind, every kind always sent (a report starts them at zero). */
function countsSchema<const K extends string>(kinds: readonly K[]) {
  return sentObject(Object.fromEntries(kinds.map((k) => [k, { type: 'integer' }])) as { [P in K]: { readonly type: 'integer' } })
}

// ---------------------------------------------------------------- an enterprise's supervision

export const supervisionBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    affiliation: { type: 'string', enum: AFFILIATIONS, description: '隶属关系: level of government the enterprise belongs to' },
    scale: { type: 'string', enum: SCALES },
    highHazard: { type: 'boolean', description: 'high-hazard by flag; a high-hazard industry is high-hazard regardless' },
    centralVertical: { type: 'boolean', description: 'under central vertical supervision: excluded from local tiers and from coverage' },
    isOutlet: { type: 'boolean', description: 'a business outlet (经营网点) of its enterprise' },
    industryDepartmentId: { type: ['integer', 'null'], minimum: 1, description: 'an industry department whose jurisdiction contains the enterprise' },
    specialistDepartmentIds: { type: 'array', uniqueItems: true, maxItems: 20, items: idSchema, description: 'replaces the specialist departments' },
    responsiblePerson: {
      type: ['string', 'null'],
      minLength: 1,
      maxLength: 100,
      description: 'the named supervision officer responsible for the enterprise (监管责任人)',
    },
    responsiblePhone: { type: ['string', 'null'], minLength: 1, maxLength: 50 },
  },
} as const

/** A change of an enterprise's supervision: only the given properties change. */
export type SupervisionBody = SchemaType<typeof supervisionBodySchema>

export const tierBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tier', 'reason'],
  properties: { tier: { type: 'string', enum: TIERS }, reason: { type: 'string', minLength: 1, maxLength: 500 } },
} as const

const departmentRef = sentObject({ id: { type: 'integer' }, name: { type: 'string' }, specialty: { type: ['string', 'null'], enum: [...SPECIALTIES, null] } })

/** A coverage (全覆盖) gap: coverageGaps (domain/supervision.ts) sets `specialty` for a missing specialist department only. */
export const gapSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: COVERAGE_GAP_KINDS },
    specialty: { type: 'string', enum: SPECIALTIES },
    message: { type: 'string' },
  },
  required: ['kind', 'message'],
} as const

export type CoverageGap = SchemaType<typeof gapSchema>

export const supervisionProperties = {
  id: { type: 'integer' },
  name: { type: 'string' },
  divisionCode: { type: 'string' },
  industry: { type: ['string', 'null'], description: 'null: unknown (see the data-quality report)' },
  affiliation: { type: ['string', 'null'], enum: [...AFFILIATIONS, null] },
  scale: { type: ['string', 'null'], enum: [...SCALES, null] },
  highHazard: { type: 'boolean', description: 'the stored flag' },
  highHazardIndustry: { type: 'boolean', description: 'the industry is high-hazard under the rule set' },
  centralVertical: { type: 'boolean' },
  isOutlet: { type: 'boolean' },
  tier: { type: ['string', 'null'], enum: [...TIERS, null] },
  tierSource: { type: 'string', enum: TIER_SOURCES },
  tierReason: { type: ['string', 'null'] },
  ruleTier: {
    type: ['string', 'null'],
    enum: [...TIERS, null],
    description: 'what the rule alone gives (differs from tier only under an explicit assignment)',
  },
  ruleTierReason: { type: 'string' },
  industryDepartment: { anyOf: [{ type: 'null' }, departmentRef] },
  specialistDepartments: { type: 'array', items: departmentRef },
  responsiblePerson: { type: ['string', 'null'] },
  responsiblePhone: { type: ['string', 'null'] },
  gaps: { type: 'array', items: gapSchema, description: 'coverage (全覆盖) gaps; empty when covered or centrally supervised' },
} as const

/** An enterprise's supervision (`GET /api/enterprises/:id/supervision`, and after a tier change): loadSupervision sets every property. */
export const enterpriseSupervisionResponse = sentObject(supervisionProperties)

export type EnterpriseSupervision = SchemaType<typeof enterpriseSupervisionResponse>

/** After a change of supervision attributes: the supervision and the regrade a change of highHazard ran (changeSupervision sets it, null without one). */
export const supervisionChangeResponse = sentObject({ ...supervisionProperties, regrade: { anyOf: [{ type: 'null' }, regradeSchema] } })

const tierStateSchema = sentObject({ tier: { type: ['string', 'null'], enum: [...TIERS, null] }, reason: { type: ['string', 'null'] } })

/** `POST /api/supervision/tiers/recompute`. */
export const recomputeResponse = sentObject({
  checked: { type: 'integer' },
  changed: { type: 'integer' },
  explicit: { type: 'integer' },
  changes: {
    type: 'array',
    description: 'the first 1000 changes',
    items: sentObject({ id: { type: 'integer' }, before: tierStateSchema, after: tierStateSchema }),
  },
})

// ---------------------------------------------------------------- departments and rosters

const divisionCodeSchema = {
  type: 'string',
  pattern: '^([0-9]{6}|[0-9]{9})$',
  description: 'GB/T 2260 division code of the government level the department belongs to',
} as const

export const departmentBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind', 'divisionCode'],
  properties: {
    name: { ...nameSchema, description: 'unique within its division' },
    kind: { type: 'string', enum: DEPARTMENT_KINDS },
    divisionCode: divisionCodeSchema,
    industries: {
      type: 'array',
      uniqueItems: true,
      maxItems: 50,
      default: [],
      items: { type: 'string', minLength: 1, maxLength: 64 },
      description: 'industry codes it supervises (an industry department)',
    },
    specialty: {
      type: ['string', 'null'],
      enum: [...SPECIALTIES, null],
      description:
        `the field a specialist department supervises (${SPECIALIST_FIELDS.map((f) => `${f.code} ${f.zh}`).join(', ')}); required for a specialist department ` +
        'unless its name shows it (then it defaults to that), null or absent for an industry department',
    },
  },
} as const

/** A department as created or replaced (after validation: `industries` defaults to none). */
export type DepartmentBody = SchemaType<typeof departmentBodySchema>

export const departmentQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: DEPARTMENT_KINDS },
    division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code prefix of the department' },
    industry: { type: 'string', maxLength: 64, description: 'industry departments that supervise this industry' },
    specialty: { type: 'string', enum: SPECIALTIES, description: 'specialist departments of this field' },
  },
} as const

/** A department as the API shows it: toDepartment (repository.ts) sets every property. */
export const departmentSchema = sentObject({
  id: { type: 'integer' },
  name: { type: 'string' },
  kind: { type: 'string', enum: DEPARTMENT_KINDS },
  divisionCode: { type: 'string' },
  divisionName: { type: ['string', 'null'] },
  industries: { type: 'array', items: { type: 'string' } },
  specialty: {
    type: ['string', 'null'],
    enum: [...SPECIALTIES, null],
    description: 'the field a specialist department supervises; null for an industry department',
  },
  inspectors: { type: 'integer', description: 'inspectors on the roster' },
  activeInspectors: { type: 'integer' },
  enterprises: { type: 'integer', description: 'enterprises it supervises as industry or specialist department' },
})

export type Department = SchemaType<typeof departmentSchema>

export const departmentListSchema = sentObject({ items: { type: 'array', items: departmentSchema } })

export type DepartmentList = SchemaType<typeof departmentListSchema>

export const inspectorBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'badgeNo'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    badgeNo: { type: 'string', minLength: 1, maxLength: 50, description: 'enforcement badge number (执法证号), unique' },
    active: { type: 'boolean', default: true, description: 'only active inspectors are drawn for plans and may record inspections' },
  },
} as const

export const inspectorChangeSchema = { ...inspectorBodySchema, properties: { ...inspectorBodySchema.properties, departmentId: idSchema } } as const

export const inspectorQuerySchema = { type: 'object', additionalProperties: false, properties: { active: { type: 'boolean' } } } as const

/** An inspector on a roster: toInspector (repository.ts) sets every property. */
export const inspectorSchema = sentObject({
  id: { type: 'integer' },
  departmentId: { type: 'integer' },
  name: { type: 'string' },
  badgeNo: { type: 'string' },
  active: { type: 'boolean' },
})

export type Inspector = SchemaType<typeof inspectorSchema>

export const rosterSchema = sentObject({ departmentId: { type: 'integer' }, items: { type: 'array', items: inspectorSchema } })

// ---------------------------------------------------------------- coverage and data quality

/** A county's line of a report: the report builds each with every key. */
function divisionLineSchema<const G>(gaps: G) {
  return sentObject({ code: { type: 'string' }, name: { type: ['string', 'null'] }, enterprises: { type: 'integer' }, withGaps: { type: 'integer' }, gaps })
}

const reportDivisionSchema = { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code prefix of the enterprises' } as const
const reportLimitSchema = { type: 'integer', minimum: 1, maximum: 5000, default: 500 } as const

export const coverageQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    division: reportDivisionSchema,
    gap: { type: 'string', enum: COVERAGE_GAP_KINDS, description: 'only items with this kind of gap' },
    limit: reportLimitSchema,
    offset: offsetParam,
  },
} as const

/** The coverage report's filters and page (limit and offset have defaults). */
export type CoverageQuery = SchemaType<typeof coverageQuerySchema>

const coverageCountsSchema = countsSchema(COVERAGE_GAP_KINDS)

export const coverageItemSchema = sentObject({
  id: { type: 'integer' },
  name: { type: 'string' },
  uscc: { type: ['string', 'null'] },
  externalId: { type: ['string', 'null'] },
  divisionCode: { type: 'string' },
  countyCode: { type: 'string' },
  industry: { type: ['string', 'null'] },
  tier: { type: ['string', 'null'], enum: [...TIERS, null] },
  gaps: { type: 'array', items: gapSchema },
})

export type CoverageItem = SchemaType<typeof coverageItemSchema>

/** `GET /api/supervision/coverage`: the route sets every key. */
export const coverageReportSchema = sentObject({
  division: { type: ['string', 'null'] },
  enterprises: { type: 'integer', description: 'enterprises checked (not centrally supervised)' },
  excluded: { type: 'integer', description: 'enterprises under central vertical supervision' },
  withGaps: { type: 'integer' },
  byGap: { ...coverageCountsSchema, description: 'enterprises with each kind of gap' },
  byDivision: { type: 'array', items: divisionLineSchema(coverageCountsSchema) },
  total: { type: 'integer', description: 'items matching the gap filter' },
  limit: { type: 'integer' },
  offset: { type: 'integer' },
  items: { type: 'array', items: coverageItemSchema },
})

export type CoverageReport = SchemaType<typeof coverageReportSchema>

export const dataQualityQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    division: reportDivisionSchema,
    gap: { type: 'string', enum: DATA_GAP_KINDS, description: 'only items with this gap' },
    limit: reportLimitSchema,
    offset: offsetParam,
  },
} as const

export const dataQualityCsvQuerySchema = {
  ...dataQualityQuerySchema,
  properties: { division: dataQualityQuerySchema.properties.division, gap: dataQualityQuerySchema.properties.gap },
} as const

const dataGapSchema = sentObject({ kind: { type: 'string', enum: DATA_GAP_KINDS }, message: { type: 'string' } })

export type DataGap = SchemaType<typeof dataGapSchema>

const qualityCountsSchema = countsSchema(DATA_GAP_KINDS)

export const dataQualityItemSchema = sentObject({
  id: { type: 'integer' },
  name: { type: 'string' },
  uscc: { type: ['string', 'null'] },
  externalId: { type: ['string', 'null'] },
  divisionCode: { type: 'string' },
  countyCode: { type: 'string' },
  industrySource: { type: ['string', 'null'] },
  gaps: { type: 'array', items: dataGapSchema },
})

export type DataQualityItem = SchemaType<typeof dataQualityItemSchema>

/** `GET /api/supervision/data-quality`: the route sets every key. */
export const dataQualityReportSchema = sentObject({
  division: { type: ['string', 'null'] },
  enterprises: { type: 'integer' },
  withGaps: { type: 'integer' },
  byGap: qualityCountsSchema,
  byDivision: { type: 'array', items: divisionLineSchema(qualityCountsSchema) },
  total: { type: 'integer' },
  limit: { type: 'integer' },
  offset: { type: 'integer' },
  items: { type: 'array', items: dataQualityItemSchema },
})

export type QualityReport = SchemaType<typeof dataQualityReportSchema>
