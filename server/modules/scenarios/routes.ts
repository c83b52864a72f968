import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError, notFound } from '../../errors'
import { offsetParam } from '../../http/bounds'
import { CAPABILITIES } from '../../domain/resources'
import { MAX_SCENARIO_CHANGES, parseScenarioChanges, SCENARIO_CHANGE_KINDS, SCENARIO_ROLES } from '../../domain/scenario'
import { cellPolygon } from '../../grading/zones'
import { errorResponses, featureCollectionSchema } from '../../http/schemas'
import { readScope, type Role } from '../auth/access'
import { recordAudit } from '../audit/audit'
import {
  currentDataVersion,
  deleteScenario,
  getScenario,
  insertScenario,
  listScenarios,
  updateResult,
  type CoverageOptions,
  type ScenarioRow,
} from './repository'
import { computeScenario, type ScenarioResult } from './service'
import { idParams } from '../../http/params'
import { auditUser } from '../../http/actor'

/** Who builds scenarios (the page's links ask the same list): admin passes every rule. */
const ACCESS: readonly Role[] = SCENARIO_ROLES

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

const resultSchema = {
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
      properties: Object.fromEntries(
        [
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
        ].map((k) => [k, { type: 'integer' }]),
      ),
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

const scenarioSchema = {
  type: 'object',
  properties: {
    ...scenarioProperties,
    outdated: { type: 'boolean', description: "the data changed since the result was computed: recompute to see today's answer" },
    url: { type: 'string', description: 'the page that shows it' },
    result: resultSchema,
  },
} as const

const bodySchema = {
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

interface Body {
  name: string
  description?: string | null
  changes: unknown[]
  coverage?: Partial<CoverageOptions>
}

function coverageOf(c: Partial<CoverageOptions> | undefined): CoverageOptions {
  return { thresholdM: c?.thresholdM ?? 5000, minLevel: c?.minLevel ?? 3, capability: c?.capability ?? null }
}

/** The stored result as the API gives it: cells as GeoJSON polygons, each change named. */
function resultBody(result: ScenarioResult) {
  return {
    ...result,
    cells: {
      type: 'FeatureCollection' as const,
      features: result.cells.map((c) => ({
        type: 'Feature' as const,
        geometry: cellPolygon(c.h3),
        properties: { ...c, res: result.resolution, change: c.after > c.before ? 'raised' : c.after < c.before ? 'lowered' : 'stale' },
      })),
    },
  }
}

function userId(request: FastifyRequest): number {
  const id = request.user?.id
  if (id === undefined) throw new AppError(401, 'unauthenticated', 'Sign in first: scenarios need a staff account', [])
  return id
}

/**
 * What-if scenarios (docs/scenarios.md): hypothetical changes computed against today's data without
 * touching it; saved, named, shareable by URL (`/scenario.html?id=`), audited and scoped.
 */
export default async function scenarioRoutes(app: FastifyInstance): Promise<void> {
  const view = async (s: ScenarioRow) => {
    return {
      ...s,
      outdated: (await currentDataVersion(app.db)) !== s.dataVersion,
      url: `/scenario.html?id=${s.id}`,
      result: resultBody(s.result as ScenarioResult),
    }
  }

  app.post<{ Body: Body }>(
    '/scenarios/preview',
    {
      config: { access: ACCESS },
      schema: {
        tags: ['scenarios'],
        summary: 'Compute a scenario without saving it: the cells, regions and coverage its changes would move',
        body: { ...bodySchema, required: ['changes'], properties: { ...bodySchema.properties, name: { type: 'string', maxLength: 200 } } },
        response: { 200: resultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const changes = parseScenarioChanges(request.body.changes, CAPABILITIES)
      return resultBody(await computeScenario(app.db, changes, coverageOf(request.body.coverage), readScope(request.user), app.grading))
    },
  )

  app.post<{ Body: Body }>(
    '/scenarios',
    {
      config: { access: ACCESS },
      schema: {
        tags: ['scenarios'],
        summary: "Save a named scenario and its result against today's data",
        body: bodySchema,
        response: { 201: scenarioSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const createdBy = userId(request)
      const changes = parseScenarioChanges(request.body.changes, CAPABILITIES)
      const coverage = coverageOf(request.body.coverage)
      const scope = readScope(request.user)
      const result = await computeScenario(app.db, changes, coverage, scope, app.grading)
      const id = await app.db.transaction(async (trx) => {
        const id = await insertScenario(trx, {
          name: request.body.name.trim(),
          description: request.body.description?.trim() || null,
          changes,
          coverage,
          createdBy,
          divisionPrefix: scope.divisionPrefix,
          result,
          dataVersion: result.dataVersion,
        })
        await recordAudit(trx, {
          action: 'created',
          entity: 'scenario',
          entityId: id,
          before: null,
          after: { name: request.body.name.trim(), changes, coverage, summary: result.summary, dataVersion: result.dataVersion },
          username: auditUser(request),
        })
        return id
      })
      reply.code(201)
      const saved = await getScenario(app.db, id, scope)
      return view(saved!)
    },
  )

  app.get<{ Querystring: { limit: number; offset: number } }>(
    '/scenarios',
    {
      config: { access: ACCESS },
      schema: {
        tags: ['scenarios'],
        summary: 'Saved scenarios within your scope, newest first (without their results)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, offset: offsetParam },
        },
        response: {
          200: {
            type: 'object',
            properties: { total: { type: 'integer' }, items: { type: 'array', items: { type: 'object', properties: scenarioProperties } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => listScenarios(app.db, readScope(request.user), request.query),
  )

  app.get<{ Params: { id: number } }>(
    '/scenarios/:id',
    {
      config: { access: ACCESS },
      schema: {
        tags: ['scenarios'],
        summary: 'A saved scenario with its stored result',
        params: idParams,
        response: { 200: scenarioSchema, ...errorResponses },
      },
    },
    async (request) => {
      const s = await getScenario(app.db, request.params.id, readScope(request.user))
      if (!s) throw notFound('scenario', request.params.id)
      return view(s)
    },
  )

  app.post<{ Params: { id: number } }>(
    '/scenarios/:id/recompute',
    {
      config: { access: ACCESS },
      schema: {
        tags: ['scenarios'],
        summary: "Recompute a saved scenario against today's data and store the new result",
        params: idParams,
        response: { 200: scenarioSchema, ...errorResponses },
      },
    },
    async (request) => {
      const scope = readScope(request.user)
      const s = await getScenario(app.db, request.params.id, scope)
      if (!s) throw notFound('scenario', request.params.id)
      const changes = parseScenarioChanges(s.changes, CAPABILITIES)
      const result = await computeScenario(app.db, changes, s.coverage, scope, app.grading)
      await app.db.transaction(async (trx) => {
        const locked = await getScenario(trx, s.id, scope, { forUpdate: true })
        if (!locked) throw notFound('scenario', s.id)
        await updateResult(trx, s.id, result, result.dataVersion)
        await recordAudit(trx, {
          action: 'recomputed',
          entity: 'scenario',
          entityId: s.id,
          before: { summary: (s.result as ScenarioResult).summary, dataVersion: s.dataVersion },
          after: { summary: result.summary, dataVersion: result.dataVersion },
          username: auditUser(request),
        })
      })
      return view((await getScenario(app.db, s.id, scope))!)
    },
  )

  app.delete<{ Params: { id: number } }>(
    '/scenarios/:id',
    {
      config: { access: ACCESS },
      schema: {
        tags: ['scenarios'],
        summary: 'Delete a saved scenario (its author, a planner or an admin)',
        params: idParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const scope = readScope(request.user)
      await app.db.transaction(async (trx) => {
        const s = await getScenario(trx, request.params.id, scope, { forUpdate: true })
        if (!s) throw notFound('scenario', request.params.id)
        const role = request.user?.role
        if (s.createdBy !== userId(request) && role !== 'planner' && role !== 'admin') {
          throw new AppError(403, 'forbidden', 'Only its author, a planner or an admin deletes a scenario', [{ field: 'id', message: 'not your scenario' }])
        }
        await deleteScenario(trx, s.id)
        await recordAudit(trx, {
          action: 'deleted',
          entity: 'scenario',
          entityId: s.id,
          before: { name: s.name, changes: s.changes },
          after: null,
          username: auditUser(request),
        })
      })
      reply.code(204)
      return null
    },
  )
}
