/**
 * The request and response schemas of what-if scenarios (docs/scenarios.md), and their static types:
 * the routes are typed by them (`typed(app)`).
 */
import { CAPABILITIES } from '../../domain/resources'
import { MAX_SCENARIO_CHANGES, SCENARIO_CHANGE_KINDS } from '../../domain/scenario'
import { offsetParam } from '../../http/bounds'
import { featureCollectionSchema, sentObject, type SchemaType } from '../../http/schemas'

const levelSchema = { type: 'integer', minimum: 0, maximum: 4 } as const

const changeSchema = {
  type: 'object',
  description: `one hypothetical change; \`kind\` is one of ${SCENARIO_CHANGE_KINDS.join(', ')} (docs/scenarios.md lists the fields of each)`,
  required: ['kind'],
  additionalProperties: true,
  properties: { kind: { type: 'string' } },
} as const

const coverageSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    thresholdM: { type: 'number', exclusiveMinimum: 0, maximum: 100_000, default: 5000, description: 'response distance, metres' },
    minLevel: { type: 'integer', minimum: 1, maximum: 4, default: 3, description: 'cells at this level or above need a team (3 = orange and red)' },
    capability: { type: ['string', 'null'], enum: [...CAPABILITIES, null], default: null, description: 'only rescue teams with this capability; null: any' },
  },
} as const

/** The counts of a result's summary. */
const SUMMARY_KEYS = [
  'affectedCells',
  'cellsChanged',
  'cellsRaised',
  'cellsLowered',
  'staleOnly',
  'regionsChanged',
  'regionsRaised',
  'regionsLowered',
  'regionsReshared',
  'enterprisesChanged',
  'gapsClosed',
  'gapsOpened',
] as const

/**
 * A scenario's result as the API gives it (routes.ts resultBody). No key is required: a stored result
 * is sent as it was saved, and results saved before a key existed lack it (ranking: null or absent).
 */
export const resultSchema = {
  type: 'object',
  description: 'what the scenario would change, against the data at `dataVersion`',
  properties: {
    dataVersion: { type: 'integer' },
    computedAt: { type: 'string' },
    ruleVersion: { type: 'string' },
    resolution: { type: 'integer', description: 'H3 analysis resolution of the cells' },
    ms: { type: 'integer', description: 'time the computation took, milliseconds' },
    stepsMs: { type: 'object', additionalProperties: { type: 'integer' }, description: 'milliseconds per step: references, cells, regions, coverage, ranking' },
    summary: {
      type: 'object',
      properties: Object.fromEntries(SUMMARY_KEYS.map((k) => [k, { type: 'integer' }])) as {
        [K in (typeof SUMMARY_KEYS)[number]]: { readonly type: 'integer' }
      },
    },
    cells: {
      description: 'GeoJSON FeatureCollection of the analysis cells whose level (or only stale flag) would change',
      ...featureCollectionSchema({
        h3: { type: 'string' },
        res: { type: 'integer' },
        before: levelSchema,
        after: levelSchema,
        staleBefore: { type: 'boolean' },
        staleAfter: { type: 'boolean' },
        change: { type: 'string', enum: ['raised', 'lowered', 'stale'] },
      }),
    },
    regions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['division', 'mgmt_grid'] },
          key: { type: 'string' },
          name: { type: 'string' },
          before: levelSchema,
          after: levelSchema,
          highestBefore: levelSchema,
          highestAfter: levelSchema,
          sharesBefore: { type: 'object', additionalProperties: { type: 'number' } },
          sharesAfter: { type: 'object', additionalProperties: { type: 'number' } },
          change: { type: 'string', enum: ['raised', 'lowered', 'shares'] },
        },
      },
    },
    enterprises: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'integer' }, before: levelSchema, after: levelSchema } },
    },
    coverage: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          resourceKind: { type: 'string' },
          capability: { type: ['string', 'null'] },
          thresholdM: { type: 'number' },
          minLevel: { type: 'integer' },
          measure: { type: 'string' },
          cellsChecked: { type: 'integer' },
          gapsBefore: { type: 'integer' },
          gapsAfter: { type: 'integer' },
          closed: { type: 'array', items: { type: 'string' } },
          opened: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    ranking: {
      type: ['object', 'null'],
      description:
        'how the county ranking of safety-project priority would move (default weights; docs/ranking.md): the counties whose score or rank changes, by their rank after; null in results saved before it was computed',
      properties: {
        rank: { type: 'string', enum: ['county', 'township', 'grid'] },
        areas: { type: 'integer', description: 'counties ranked (within your jurisdiction)' },
        moves: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              name: { type: ['string', 'null'] },
              rankBefore: { type: 'integer' },
              rankAfter: { type: 'integer' },
              scoreBefore: { type: 'number' },
              scoreAfter: { type: 'number' },
              levelBefore: levelSchema,
              levelAfter: levelSchema,
            },
          },
        },
      },
    },
  },
} as const

/** A saved scenario's own fields (toRow, repository.ts, sets every one). */
const scenarioProperties = {
  id: { type: 'integer' },
  name: { type: 'string' },
  description: { type: ['string', 'null'] },
  changes: { type: 'array', items: { type: 'object', additionalProperties: true } },
  coverage: { type: 'object', additionalProperties: true },
  createdBy: { type: 'integer' },
  createdByName: { type: ['string', 'null'] },
  createdAt: { type: 'string' },
  divisionPrefix: { type: ['string', 'null'], description: 'the jurisdiction it was made in (null: city-wide)' },
  computedAt: { type: 'string' },
  dataVersion: { type: 'integer', description: 'the data version the stored result was computed at' },
} as const

/** A saved scenario (the route's view sets every key; its result as stored, see resultSchema). */
export const scenarioSchema = sentObject({
  ...scenarioProperties,
  outdated: { type: 'boolean', description: "the data changed since the result was computed: recompute to see today's answer" },
  url: { type: 'string', description: 'the page that shows it' },
  result: resultSchema,
})

export const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'changes'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: ['string', 'null'], maxLength: 2000 },
    changes: { type: 'array', maxItems: MAX_SCENARIO_CHANGES, items: changeSchema },
    coverage: coverageSchema,
  },
} as const

/** A scenario's result: the preview's answer, and the stored result of a saved one. */
export type ScenarioResultResponse = SchemaType<typeof resultSchema>

/** A saved scenario with its result (`GET /api/scenarios/:id`, the save and the recompute). */
export type ScenarioResponse = SchemaType<typeof scenarioSchema>

/** `POST /api/scenarios/preview`: the same body, with the name optional (a preview is not saved). */
export const previewBodySchema = {
  ...bodySchema,
  required: ['changes'],
  properties: { ...bodySchema.properties, name: { type: 'string', maxLength: 200 } },
} as const

/** What the scenario page sends to save a scenario. */
export type ScenarioInput = SchemaType<typeof bodySchema>

export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, offset: offsetParam },
} as const

/** `GET /api/scenarios`: a page of saved scenarios, without their results. */
export const scenarioPageSchema = sentObject({ total: { type: 'integer' }, items: { type: 'array', items: sentObject(scenarioProperties) } })

export type ScenarioPage = SchemaType<typeof scenarioPageSchema>
