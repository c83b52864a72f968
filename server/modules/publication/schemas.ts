/**
 * The request and response schemas of publications and their drafts (docs/domain.md §8), and their
 * static types: the routes are typed by them (`typed(app)`), the repository and the drafts build
 * `Publication` and `Draft`, and the publications page imports the types through
 * web/src/api/contract.ts.
 */
import { idSchema, pageProperties } from '../../http/params'
import { featureCollectionSchema, geometrySchema, levelResponseSchema, sentObject, type SchemaType } from '../../http/schemas'

/** The states of a draft: prepared, then approved (a publication) or rejected, each once. */
export const DRAFT_STATUSES = ['pending', 'approved', 'rejected'] as const

/** Number per level 0..4, keyed by the level as text (every key is set, 0 when none). */
const countsSchema = {
  ...sentObject({ '0': { type: 'integer' }, '1': { type: 'integer' }, '2': { type: 'integer' }, '3': { type: 'integer' }, '4': { type: 'integer' } }),
  description: 'number per level: 0 none, 1 blue, 2 yellow, 3 orange, 4 red',
} as const

/** Counts of a level 0..4, keyed by the level as text. */
export type LevelCounts = SchemaType<typeof countsSchema>

/** A publication with its counts per level (the repository's summarize sets every property). */
export const publicationSchema = sentObject({
  id: { type: 'integer' },
  createdAt: { type: 'string', description: 'when it was approved, ISO 8601' },
  approvedBy: { type: 'integer', description: 'user id of the approver' },
  approverName: { type: ['string', 'null'], description: 'username of the approver (null if the account has no name on record)' },
  note: { type: ['string', 'null'] },
  resolution: { type: 'integer', description: 'finest H3 resolution published (never finer than PUBLIC_MAX_RES)' },
  minResolution: { type: 'integer', description: 'coarsest H3 resolution published (pyramid)' },
  ruleVersion: { type: 'string' },
  dataVersion: { type: 'integer', description: 'the data version the snapshot was taken at' },
  counts: sentObject({
    cells: { ...countsSchema, description: 'cells at `resolution` per level (0: the cell had a source once, or is stale)' },
    regions: { ...countsSchema, description: 'division units and management grids per level' },
    areas: { ...countsSchema, description: 'public-area zones per level' },
  }),
})

export type Publication = SchemaType<typeof publicationSchema>

/** What caused level changes, as the grading engine stores it with each history row (grading/engine.ts Cause). */
const causeSchema = {
  ...sentObject({ kind: { type: 'string' }, id: { type: ['integer', 'string'] }, action: { type: 'string' } }),
  description: 'the edited record (kind, id, action), or { kind: grading_run, id: run, action: full } of a full regrade',
} as const

const causeCountSchema = sentObject({
  cause: causeSchema,
  raised: { type: 'integer' },
  lowered: { type: 'integer' },
  staleOnly: { type: 'integer', description: 'cells whose level stayed but whose records went out of date (or back in)' },
})

/** Why analysis cells changed between two moments: one cause and its cells. */
export type CauseCount = SchemaType<typeof causeCountSchema>

const diffCellProperties = {
  h3: { type: 'string' },
  res: { type: 'integer' },
  before: levelResponseSchema,
  after: levelResponseSchema,
  change: { type: 'string', enum: ['raised', 'lowered'] },
} as const

const diffRegionSchema = sentObject({
  kind: { type: 'string', enum: ['division', 'mgmt_grid'] },
  key: { type: 'string', description: 'division code, or management grid id' },
  name: { type: 'string' },
  before: levelResponseSchema,
  after: levelResponseSchema,
  sharesChanged: { type: 'boolean' },
  change: { type: 'string', enum: ['raised', 'lowered', 'shares'], description: "'shares': the level stayed, the share of area per level moved" },
})

/** What changed between two states, as diffBody sets it. */
const diffProperties = {
  resolution: { type: 'integer', description: 'H3 resolution the cells are compared at' },
  summary: sentObject({
    cellsChanged: { type: 'integer' },
    cellsRaised: { type: 'integer' },
    cellsLowered: { type: 'integer' },
    regionsChanged: { type: 'integer', description: 'regions whose level changed' },
    regionsRaised: { type: 'integer' },
    regionsLowered: { type: 'integer' },
    regionsReshared: { type: 'integer', description: 'regions whose level stayed but whose share of area per level moved' },
    analysisCellsChanged: { type: 'integer', description: 'analysis-resolution cells whose level or stale flag changed in between (from the level history)' },
  }),
  causes: { type: 'array', description: "why: the causes of the analysis cells' changes in between, most cells first", items: causeCountSchema },
  cells: {
    description: 'GeoJSON FeatureCollection of the cells whose level changed (hexagons)',
    ...featureCollectionSchema(diffCellProperties, {}, geometrySchema, ['h3', 'res', 'before', 'after', 'change']),
  },
  regions: { type: 'array', items: diffRegionSchema },
} as const

/** `GET /api/publications/:id/diff`: the two publications and what changed from `against` to this one. */
export const diffResponse = sentObject({ publication: publicationSchema, against: publicationSchema, ...diffProperties })

export type PublicationDiff = SchemaType<typeof diffResponse>
/** What changed between two states: what both a diff and a draft's preview send. */
export type PublicationChanges = Pick<PublicationDiff, keyof typeof diffProperties>
/** A cell whose level changed, as a feature's properties. */
export type DiffCell = PublicationDiff['cells']['features'][number]['properties']

/** A draft (toDraft sets every property). */
export const draftSchema = sentObject({
  id: { type: 'integer' },
  status: { type: 'string', enum: DRAFT_STATUSES },
  note: { type: ['string', 'null'] },
  preparedBy: { type: 'integer' },
  preparedByName: { type: ['string', 'null'] },
  preparedAt: { type: 'string' },
  dataVersion: { type: 'integer', description: 'the data version the draft was prepared at; approval needs it unchanged' },
  basePublicationId: { type: ['integer', 'null'], description: 'the latest publication when the draft was prepared (null: the first one)' },
  decidedBy: { type: ['integer', 'null'] },
  decidedByName: { type: ['string', 'null'] },
  decidedAt: { type: ['string', 'null'] },
  decisionNote: { type: ['string', 'null'] },
  publicationId: { type: ['integer', 'null'], description: 'the publication an approval made' },
})

export type Draft = SchemaType<typeof draftSchema>

/** `GET /api/publications/drafts/:id/preview`: the live levels against the latest publication. */
export const previewResponse = sentObject({
  draft: draftSchema,
  current: { anyOf: [publicationSchema, { type: 'null' }], description: 'the latest publication, compared with (null: nothing published yet)' },
  outdated: { type: 'boolean', description: 'the data changed since the draft was prepared: it can no longer be approved' },
  ...diffProperties,
})

export type DraftPreview = SchemaType<typeof previewResponse>

export const draftPageSchema = sentObject({ total: { type: 'integer' }, items: { type: 'array', items: draftSchema } })

export type DraftPage = SchemaType<typeof draftPageSchema>

export const publicationPageSchema = sentObject({ total: { type: 'integer' }, items: { type: 'array', items: publicationSchema } })

export type PublicationPage = SchemaType<typeof publicationPageSchema>

export const draftBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { note: { type: ['string', 'null'], maxLength: 500, description: 'what this publication is for; shown to the public' } },
} as const

export const draftListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...pageProperties, status: { type: 'string', enum: DRAFT_STATUSES } },
} as const

export const publicationListQuery = { type: 'object', additionalProperties: false, properties: pageProperties } as const

export const diffQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['against'],
  properties: { against: { ...idSchema, description: 'the publication to compare with (the "before" side)' } },
} as const

const decisionNote = { type: ['string', 'null'], maxLength: 500, description: "the decision's note (kept with the draft and in the audit log)" } as const

/** An approval's body: an optional note. */
export const approveBodySchema = { type: 'object', additionalProperties: false, properties: { note: decisionNote } } as const

/** A rejection's body: the note saying why is required. */
export const rejectBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['note'],
  properties: { note: { ...decisionNote, minLength: 1 } },
} as const
