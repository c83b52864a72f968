/**
 * The request and response schemas of inspections, violations, penalties, credit events and
 * double-random plans (docs/domain.md §5, §7), and their static types: the routes are typed by them
 * (`typed(app)`), the repositories build the records, and the web imports the types through
 * web/src/api/contract.ts.
 */
import { CREDIT_STATUSES, INSPECTION_RESULTS, INSPECTION_STATUSES, PLAN_STATUSES, SEED_SOURCES } from '../../domain/enforcement'
import { RECTIFICATION_STATUSES, type RectificationAction } from '../../domain/rectification'
import { dateSchema, divisionFilterSchema, idSchema, optionalDateSchema, pageProperties } from '../../http/params'
import { sentObject, type SchemaType } from '../../http/schemas'
import { locationProperties } from '../sources'

/** A page of a list: the route sets every key. */
export function pageSchema<const I>(items: I) {
  return sentObject({ total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items } })
}

export const textSchema = { type: 'string', minLength: 1, maxLength: 4000 } as const

// ---------------------------------------------------------------- inspections

/** A violation as found at an inspection: the enterprise, inspection, date and reporter come from the inspection. */
export const foundViolationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'deadline'],
  properties: {
    description: textSchema,
    legalBasis: { type: ['string', 'null'], maxLength: 500, description: 'the provision broken, e.g. 《安全生产法》第九十七条' },
    deadline: { ...dateSchema, description: 'rectification deadline, on or after the finding (YYYY-MM-DD)' },
  },
} as const

const foundHiddenDangerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'deadline'],
  properties: {
    description: { type: 'string', minLength: 1, maxLength: 4000 },
    isMajor: { type: 'boolean', default: true, description: 'a major hidden danger makes the enterprise red until its rectification is verified' },
    deadline: { ...dateSchema, description: 'rectification deadline, on or after inspectedAt' },
    ...locationProperties,
  },
} as const

const outcomeProperties = {
  inspectedAt: { ...dateSchema, description: 'day of the inspection, not in the future' },
  findings: { type: ['string', 'null'], maxLength: 4000 },
  result: { type: 'string', enum: INSPECTION_RESULTS },
  violations: { type: 'array', maxItems: 50, items: foundViolationSchema, default: [], description: 'violations found; reported by the first inspector' },
  hiddenDangers: {
    type: 'array',
    maxItems: 20,
    items: foundHiddenDangerSchema,
    default: [],
    description: 'hidden dangers found; reported by the first inspector',
  },
} as const

/** What an inspection found and concluded, recorded later for a planned one. */
export const outcomeSchema = { type: 'object', additionalProperties: false, required: ['inspectedAt', 'result'], properties: outcomeProperties } as const

/** What an inspection found and concluded: recorded with a new inspection, or later for a planned one. */
export type InspectionOutcome = SchemaType<typeof outcomeSchema>

export const inspectionBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enterpriseId', 'inspectorIds', 'inspectedAt', 'result'],
  properties: {
    enterpriseId: idSchema,
    inspectorIds: {
      type: 'array',
      minItems: 2,
      maxItems: 10,
      uniqueItems: true,
      items: idSchema,
      description: "at least two active inspectors of the enterprise's industry or specialist departments, or of the plan's department",
    },
    planId: { type: ['integer', 'null'], minimum: 1 },
    ...outcomeProperties,
  },
} as const

/** A performed inspection to record, with what it found. */
export type InspectionBody = SchemaType<typeof inspectionBodySchema>

export const inspectionListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enterpriseId: idSchema,
    division: divisionFilterSchema,
    planId: idSchema,
    status: { type: 'string', enum: INSPECTION_STATUSES },
    ...pageProperties,
  },
} as const

export type InspectionListQuery = SchemaType<typeof inspectionListQuerySchema>

export const inspectionProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  enterpriseName: { type: 'string' },
  planId: { type: ['integer', 'null'] },
  plannedFor: { type: ['string', 'null'] },
  inspectedAt: { type: ['string', 'null'] },
  status: { type: 'string', enum: INSPECTION_STATUSES },
  findings: { type: ['string', 'null'] },
  result: { type: ['string', 'null'], enum: [...INSPECTION_RESULTS, null] },
  inspectors: {
    type: 'array',
    items: sentObject({ id: { type: 'integer' }, name: { type: 'string' }, badgeNo: { type: 'string' }, departmentId: { type: 'integer' } }),
  },
  violations: { type: 'integer', description: 'violations recorded against this inspection' },
  hiddenDangers: { type: 'integer', description: 'hidden dangers recorded against this inspection' },
  createdAt: { type: 'string' },
} as const

/** An inspection as the API sends it: toRecord (repository.ts) sets every property. */
export const inspectionRecordSchema = sentObject(inspectionProperties)

export type InspectionRecord = SchemaType<typeof inspectionRecordSchema>

// ---------------------------------------------------------------- violations

export const violationBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enterpriseId', 'description', 'foundAt', 'deadline'],
  properties: {
    enterpriseId: idSchema,
    inspectionId: { type: ['integer', 'null'], minimum: 1, description: 'the inspection that found it (of the same enterprise)' },
    ...foundViolationSchema.properties,
    foundAt: dateSchema,
  },
} as const

/** A violation to store: as recorded on its own, or as found at an inspection. */
export type ViolationBody = SchemaType<typeof violationBodySchema>

export const violationProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  inspectionId: { type: ['integer', 'null'] },
  description: { type: 'string' },
  legalBasis: { type: ['string', 'null'] },
  foundAt: { type: 'string' },
  deadline: { type: 'string' },
  status: { type: 'string', enum: RECTIFICATION_STATUSES },
  overdue: { type: 'boolean', description: 'open and past its deadline' },
  reportedBy: { type: 'string', description: 'display name of the reporting account (of the reporter, on records from before accounts)' },
  reportedByUserId: { type: ['integer', 'null'], description: 'the reporting account; null on records from before accounts' },
  rectifiedAt: { type: ['string', 'null'] },
  rectifiedByUserId: { type: ['integer', 'null'], description: 'the account that recorded the rectification (its name is in the audit row)' },
  verifiedAt: { type: ['string', 'null'] },
  verifiedBy: { type: ['string', 'null'], description: 'display name of the verifying account' },
  verifiedByUserId: { type: ['integer', 'null'] },
  createdAt: { type: 'string' },
} as const

/** A violation as the API sends it: toRecord (violation-repository.ts) sets every property. */
export const violationRecordSchema = sentObject(violationProperties)

export type ViolationRecord = SchemaType<typeof violationRecordSchema>

export const violationListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    division: divisionFilterSchema,
    enterpriseId: idSchema,
    inspectionId: idSchema,
    status: { type: 'string', enum: RECTIFICATION_STATUSES },
    overdue: { type: 'boolean', description: 'true: open and past the deadline; false: all others' },
    ...pageProperties,
  },
} as const

export type ViolationListQuery = SchemaType<typeof violationListQuerySchema>

/**
 * What each step of the rectification loop takes for a violation (it has no rectifier columns: the
 * rectification and a reopening's reason go to the audit row).
 */
export const violationStepBodySchemas = {
  rectify: {
    type: 'object',
    additionalProperties: false,
    required: ['rectification'],
    properties: { rectification: { ...textSchema, description: 'what was done' } },
  },
  verify: { type: 'object', additionalProperties: false, required: [], properties: {} },
  reopen: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: textSchema } },
} as const

/** A step of a violation's rectification loop with the body its route takes. */
export type ViolationStep = { [A in RectificationAction]: { action: A; body: SchemaType<(typeof violationStepBodySchemas)[A]> } }[RectificationAction]

// ---------------------------------------------------------------- penalties

export const penaltyBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enterpriseId', 'decisionNo', 'amountYuan', 'decidedAt'],
  properties: {
    enterpriseId: idSchema,
    violationId: { type: ['integer', 'null'], minimum: 1, description: 'the violation penalised (of the same enterprise)' },
    decisionNo: { type: 'string', minLength: 1, maxLength: 100, description: 'decision number (处罚决定书文号), unique, e.g. 沈应急罚〔2026〕12号' },
    amountYuan: { type: 'number', minimum: 0, maximum: 999_999_999_999, description: 'fine, yuan (0 for a warning without fine); stored to the fen' },
    decidedAt: { ...dateSchema, description: 'date of the decision, not before the violation was found' },
    description: { type: ['string', 'null'], maxLength: 4000 },
    published: { type: 'boolean', default: false, description: 'published to the public (公开)' },
  },
} as const

/** A penalty decision to record. */
export type PenaltyBody = SchemaType<typeof penaltyBodySchema>

export const penaltyProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  violationId: { type: ['integer', 'null'] },
  decisionNo: { type: 'string' },
  amountYuan: { type: 'number' },
  decidedAt: { type: 'string' },
  description: { type: ['string', 'null'] },
  published: { type: 'boolean' },
  createdAt: { type: 'string' },
} as const

/** A penalty decision as the API sends it: toRecord (penalty-repository.ts) sets every property. */
export const penaltyRecordSchema = sentObject(penaltyProperties)

export type PenaltyRecord = SchemaType<typeof penaltyRecordSchema>

export const penaltyListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enterpriseId: idSchema,
    published: { type: 'boolean' },
    division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code prefix of the enterprise' },
    ...pageProperties,
  },
} as const

export type PenaltyListQuery = SchemaType<typeof penaltyListQuerySchema>

// ---------------------------------------------------------------- credit

export const creditEventBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'reason', 'startsOn'],
  properties: {
    status: { type: 'string', enum: CREDIT_STATUSES, description: 'good also records a credit repair (信用修复) that ends an earlier status' },
    reason: { type: 'string', minLength: 1, maxLength: 1000, description: 'e.g. the penalty decision it follows from' },
    startsOn: dateSchema,
    endsOn: { ...optionalDateSchema, description: 'last day in force (inclusive), on or after startsOn; null: until further notice' },
  },
} as const

/** A credit event to record. */
export type CreditEventBody = SchemaType<typeof creditEventBodySchema>

export const creditEventProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  status: { type: 'string', enum: CREDIT_STATUSES },
  reason: { type: 'string' },
  startsOn: { type: 'string' },
  endsOn: { type: ['string', 'null'] },
  inForce: { type: 'boolean', description: 'the event that sets the current status' },
  createdAt: { type: 'string' },
} as const

/** A credit event as the API sends it: creditEventsOf (credit-service.ts) sets every property. */
export const creditEventRecordSchema = sentObject(creditEventProperties)

export type CreditEventRecord = SchemaType<typeof creditEventRecordSchema>

// ---------------------------------------------------------------- double-random plans

export const planBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['departmentId', 'divisionPrefix', 'periodStart', 'periodEnd'],
  properties: {
    departmentId: idSchema,
    divisionPrefix: {
      type: 'string',
      pattern: '^[0-9]{2,9}$',
      description: "division code prefix of the enterprises to draw from, within the department's jurisdiction (e.g. 2101 for the whole city)",
    },
    periodStart: { ...dateSchema, description: 'first day of the period (YYYY-MM-DD)' },
    periodEnd: { ...dateSchema, description: 'last day of the period, after periodStart and less than a year later' },
    seed: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      description:
        'admin only: replay the seed of a recorded plan (403 for anyone else, 400 for a seed no plan has); otherwise a cryptographically random seed is generated and stored',
    },
  },
} as const

/** What `POST /api/inspection-plans` takes. */
export type PlanRequest = SchemaType<typeof planBodySchema>

export const planListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { departmentId: idSchema, status: { type: 'string', enum: PLAN_STATUSES }, ...pageProperties },
} as const

/** A planned inspection of a plan: planInspections (repository.ts) sets every property. */
export const planInspectionSchema = sentObject({
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  enterpriseName: { type: 'string' },
  divisionCode: { type: 'string' },
  plannedFor: { type: ['string', 'null'] },
  inspectedAt: { type: ['string', 'null'] },
  result: { type: ['string', 'null'], enum: [...INSPECTION_RESULTS, null] },
  inspectors: { type: 'array', items: sentObject({ id: { type: 'integer' }, name: { type: 'string' } }) },
})

export type PlanInspection = SchemaType<typeof planInspectionSchema>

const planProperties = {
  id: { type: 'integer' },
  departmentId: { type: 'integer' },
  departmentName: { type: 'string' },
  divisionPrefix: { type: 'string' },
  periodStart: { type: 'string' },
  periodEnd: { type: 'string' },
  seed: { type: 'string' },
  ruleVersion: { type: 'string' },
  status: { type: 'string', enum: PLAN_STATUSES },
  publishedAt: { type: ['string', 'null'] },
  resultsPublishedAt: { type: ['string', 'null'] },
  createdBy: { type: 'string', description: "display name of the drawing account (the generator's name on demo plans)" },
  createdByUserId: { type: ['integer', 'null'], description: 'the drawing account; null on plans not drawn through the API' },
  publishedByUserId: { type: ['integer', 'null'], description: 'the publishing account, never the drawing one' },
  seedSource: { type: 'string', enum: SEED_SOURCES, description: 'generated by the service, or an admin replayed a recorded seed' },
  createdAt: { type: 'string' },
  counts: sentObject({
    enterprises: { type: 'integer', description: 'enterprises drawn' },
    inspections: { type: 'integer', description: 'inspections planned' },
    recorded: { type: 'integer' },
    pending: { type: 'integer' },
    byResult: sentObject(
      Object.fromEntries(INSPECTION_RESULTS.map((r) => [r, { type: 'integer' }])) as {
        [R in (typeof INSPECTION_RESULTS)[number]]: { readonly type: 'integer' }
      },
    ),
  }),
} as const

/** A plan as the API sends it: toPlan (plan-repository.ts) sets every property. */
export const planSchema = sentObject(planProperties)

export type Plan = SchemaType<typeof planSchema>

export const planPageSchema = pageSchema(planSchema)

export type PlanPage = SchemaType<typeof planPageSchema>

/** A plan with its planned inspections: what drawing, reading and publishing a plan send. */
export const planWithInspectionsSchema = sentObject({ ...planProperties, inspections: { type: 'array', items: planInspectionSchema } })

export type PlanWithInspections = SchemaType<typeof planWithInspectionsSchema>

/** `GET /api/inspection-plans/:id/reproduce`: the route sets every key. */
export const reproduceSchema = sentObject({
  planId: { type: 'integer' },
  seed: { type: 'string' },
  ruleVersion: { type: 'string', description: 'the rule version the plan was drawn with (its values are re-used)' },
  currentRuleVersion: { type: 'string' },
  matches: { type: 'boolean' },
  storedInspections: { type: 'integer' },
  redrawnInspections: { type: 'integer' },
  differences: {
    type: 'array',
    description: 'up to 100 planned inspections found on one side only',
    items: sentObject({
      side: { type: 'string', enum: ['stored', 'redrawn'] },
      enterpriseId: { type: 'integer' },
      plannedFor: { type: 'string' },
      inspectorIds: { type: 'array', items: { type: 'integer' } },
    }),
  },
})
