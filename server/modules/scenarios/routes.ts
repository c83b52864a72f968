import type { FastifyInstance } from 'fastify'
import { AppError, notFound } from '../../errors'
import { CAPABILITIES } from '../../domain/resources'
import { parseScenarioChanges, SCENARIO_ROLES } from '../../domain/scenario'
import { cellPolygon } from '../../grading/zones'
import { errorResponses, typed } from '../../http/schemas'
import { readScope, type Role, type SessionUser } from '../auth/access'
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
import { bodySchema, listQuerySchema, previewBodySchema, resultSchema, scenarioPageSchema, scenarioSchema } from './schemas'
import { idParams } from '../../http/params'
import { auditUser } from '../../http/actor'

/** Who builds scenarios (the page's links ask the same list): admin passes every rule. */
const ACCESS: readonly Role[] = SCENARIO_ROLES

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
        properties: {
          ...c,
          res: result.resolution,
          change: c.after > c.before ? ('raised' as const) : c.after < c.before ? ('lowered' as const) : ('stale' as const),
        },
      })),
    },
  }
}

function userId(request: { user?: SessionUser | null }): number {
  const id = request.user?.id
  if (id === undefined) throw new AppError(401, 'unauthenticated', 'Sign in first: scenarios need a staff account', [])
  return id
}

/**
 * What-if scenarios (docs/scenarios.md): hypothetical changes computed against today's data without
 * touching it; saved, named, shareable by URL (`/scenario.html?id=`), audited and scoped.
 */
export default async function scenarioRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const view = async (s: ScenarioRow) => {
    return {
      ...s,
      outdated: (await currentDataVersion(app.db)) !== s.dataVersion,
      url: `/scenario.html?id=${s.id}`,
      result: resultBody(s.result as ScenarioResult),
    }
  }

  app.post(
    '/scenarios/preview',
    {
      config: { access: ACCESS },
      schema: {
        tags: ['scenarios'],
        summary: 'Compute a scenario without saving it: the cells, regions and coverage its changes would move',
        body: previewBodySchema,
        response: { 200: resultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const changes = parseScenarioChanges(request.body.changes, CAPABILITIES)
      return resultBody(await computeScenario(app.db, changes, coverageOf(request.body.coverage), readScope(request.user), app.grading))
    },
  )

  app.post(
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

  app.get(
    '/scenarios',
    {
      config: { access: ACCESS },
      schema: {
        tags: ['scenarios'],
        summary: 'Saved scenarios within your scope, newest first (without their results)',
        querystring: listQuerySchema,
        response: { 200: scenarioPageSchema, ...errorResponses },
      },
    },
    async (request) => listScenarios(app.db, readScope(request.user), request.query),
  )

  app.get(
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

  app.post(
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

  app.delete(
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
