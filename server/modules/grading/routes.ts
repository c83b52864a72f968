import type { FastifyInstance } from 'fastify'
import { MAX_ID } from '../../http/bounds'
import { errorResponse, errorResponses, typed } from '../../http/schemas'
import { conflict, notFound } from '../../errors'
import { identifyAndGradeMajorHazard } from '../../domain/major-hazard'
import { gradeLec } from '../../domain/lec'
import { gradeMatrix } from '../../domain/matrix'
import { checkUscc } from '../../domain/uscc'
import { fullRegrade, type RegradeProgress } from '../../grading/engine'
import { getRun, recentRuns, runningFullRun, type GradingRunRow } from './repository'

const levelSchema = { type: 'integer', minimum: 0, maximum: 4, description: '0 none, 1 blue 低, 2 yellow 一般, 3 orange 较大, 4 red 重大' } as const

const runSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string' },
    status: { type: 'string', enum: ['running', 'done', 'failed'] },
    ruleVersion: { type: 'string' },
    h3Res: { type: 'integer' },
    startedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
    counts: { type: 'object', additionalProperties: true },
    error: { type: ['string', 'null'] },
    progress: {
      type: ['object', 'null'],
      additionalProperties: true,
      properties: { phase: { type: 'string' }, done: { type: 'number' }, total: { type: 'number' } },
      description: 'where a running full regrade is, on the instance running it',
    },
  },
} as const

const runListSchema = { type: 'object', properties: { items: { type: 'array', items: runSchema } } } as const

const majorHazardBody = {
  type: 'object',
  additionalProperties: false,
  required: ['population500m', 'substances'],
  properties: {
    population500m: { type: 'integer', minimum: 0, description: 'residents within 500 m of the boundary, persons' },
    substances: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['q', 'Q'],
        properties: {
          name: { type: 'string', maxLength: 200 },
          class: { type: 'string', maxLength: 20, description: 'GB 18218-2018 class, e.g. J1, W2, W5.1' },
          cas: { type: 'string', maxLength: 20 },
          q: { type: 'number', description: 'design maximum quantity, tonnes' },
          Q: { type: 'number', description: 'critical quantity, tonnes' },
          beta: { type: 'number', description: 'correction factor β; from the standard when omitted' },
        },
      },
    },
  },
} as const

const majorHazardResult = {
  type: 'object',
  properties: {
    S: { type: 'number' },
    R: { type: 'number' },
    alpha: { type: 'number' },
    grade: { type: 'integer', minimum: 1, maximum: 4 },
    level: levelSchema,
    identified: { type: 'boolean' },
    betas: { type: 'array', items: { type: 'number' } },
    ruleVersion: { type: 'string' },
  },
} as const

const lecBody = {
  type: 'object',
  additionalProperties: false,
  required: ['L', 'E', 'C'],
  properties: { L: { type: 'number' }, E: { type: 'number' }, C: { type: 'number' } },
} as const

const lecResult = { type: 'object', properties: { D: { type: 'number' }, level: levelSchema, ruleVersion: { type: 'string' } } } as const

const matrixBody = {
  type: 'object',
  additionalProperties: false,
  required: ['L', 'S'],
  properties: { L: { type: 'number' }, S: { type: 'number' } },
} as const

const matrixResult = { type: 'object', properties: { R: { type: 'number' }, level: levelSchema, ruleVersion: { type: 'string' } } } as const

const usccParams = { type: 'object', properties: { code: { type: 'string', maxLength: 64 } }, required: ['code'] } as const

const usccResult = { type: 'object', properties: { valid: { type: 'boolean' }, reason: { type: 'string' } }, required: ['valid'] } as const

const runParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: MAX_ID } }, required: ['id'] } as const

function toRun(row: GradingRunRow, progress: RegradeProgress | undefined) {
  return {
    id: Number(row.id),
    kind: row.kind,
    status: row.status,
    ruleVersion: row.rule_version,
    h3Res: row.h3_res,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    counts: row.counts,
    error: row.error ?? null,
    progress: progress ?? null,
  }
}

/** Grading calculators (what-if, no storage), the USCC check, and full regrade jobs. */
export default async function gradingRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.post(
    '/grading/major-hazard',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['grading'],
        summary: 'GB 18218-2018: identify (S = Σq/Q ≥ 1) and grade (R = α·Σβq/Q) a hazard installation',
        body: majorHazardBody,
        response: {
          200: majorHazardResult,
          ...errorResponses,
        },
      },
    },
    async (request) => ({ ...identifyAndGradeMajorHazard(request.body, app.grading.rules), ruleVersion: app.grading.rules.version }),
  )

  app.post(
    '/grading/lec',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['grading'],
        summary: 'LEC: D = L × E × C with the standard value sets',
        body: lecBody,
        response: { 200: lecResult, ...errorResponses },
      },
    },
    async (request) => ({ ...gradeLec(request.body, app.grading.rules), ruleVersion: app.grading.rules.version }),
  )

  app.post(
    '/grading/matrix',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['grading'],
        summary: 'Risk matrix: R = L × S with L, S in 1..5',
        body: matrixBody,
        response: { 200: matrixResult, ...errorResponses },
      },
    },
    async (request) => ({ ...gradeMatrix(request.body, app.grading.rules), ruleVersion: app.grading.rules.version }),
  )

  app.get(
    '/uscc/:code',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['grading'],
        summary: 'Check a unified social credit code (GB 32100-2015)',
        params: usccParams,
        response: { 200: usccResult, ...errorResponses },
      },
    },
    async (request) => checkUscc(request.params.code),
  )

  // Full regrade jobs: the run row is the status any instance can read; progress is known to the
  // instance running it.
  const progress = new Map<number, RegradeProgress>()

  app.post(
    '/grading/runs',
    {
      config: { access: ['planner'] },
      schema: {
        tags: ['grading'],
        summary: 'Start a full regrade job (202); 409 while one is running',
        response: { 202: runSchema, 409: errorResponse, ...errorResponses },
      },
    },
    async (_request, reply) => {
      const running = await runningFullRun(app.db)
      if (running !== null) throw conflict(`full regrade run ${running} is still running`, [{ field: 'run', message: 'running', runId: running }])
      const runId = await new Promise<number>((resolve, reject) => {
        let id = 0
        fullRegrade(app.db, app.grading, {
          onStart: (runId) => {
            id = runId
            resolve(runId)
          },
          onProgress: (p) => progress.set(id, p),
        }).then(
          () => progress.delete(id),
          (err: unknown) => {
            progress.delete(id)
            app.log.error({ err }, 'full regrade failed')
            reject(err)
          },
        )
      })
      // Answer from what is known: on the embedded database the run holds the only connection.
      reply.code(202)
      return {
        id: runId,
        kind: 'full' as const,
        status: 'running' as const,
        ruleVersion: app.grading.rules.version,
        h3Res: app.grading.res,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        counts: {},
        error: null,
        progress: progress.get(runId) ?? null,
      }
    },
  )

  app.get(
    '/grading/runs/:id',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['grading'],
        summary: 'Status of a grading run',
        params: runParams,
        response: { 200: runSchema, ...errorResponses },
      },
    },
    async (request) => {
      const row = await getRun(app.db, request.params.id)
      if (!row) throw notFound('grading run', request.params.id)
      return toRun(row, progress.get(request.params.id))
    },
  )

  app.get(
    '/grading/runs',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['grading'],
        summary: 'The 50 most recent grading runs',
        response: { 200: runListSchema, ...errorResponses },
      },
    },
    async () => {
      const rows = await recentRuns(app.db, 50)
      return { items: rows.map((r) => toRun(r, progress.get(Number(r.id)))) }
    },
  )
}
