import type { FastifyInstance } from 'fastify'
import { MAX_ID } from '../../http/bounds'
import { errorResponse, errorResponses } from '../../http/schemas'
import { conflict, notFound } from '../../errors'
import { identifyAndGradeMajorHazard } from '../../domain/major-hazard'
import { gradeLec } from '../../domain/lec'
import { gradeMatrix } from '../../domain/matrix'
import { checkUscc } from '../../domain/uscc'
import { fullRegrade, type RegradeProgress } from '../../grading/engine'

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
    progress: { type: ['object', 'null'], additionalProperties: true },
  },
} as const

function toRun(row: Record<string, unknown>, progress: RegradeProgress | undefined) {
  return {
    id: Number(row.id),
    kind: row.kind,
    status: row.status,
    ruleVersion: row.rule_version,
    h3Res: row.h3_res,
    startedAt: (row.started_at as Date).toISOString(),
    finishedAt: row.finished_at ? (row.finished_at as Date).toISOString() : null,
    counts: row.counts,
    error: row.error ?? null,
    progress: progress ?? null,
  }
}

/** Grading calculators (what-if, no storage), the USCC check, and full regrade jobs. */
export default async function gradingRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { population500m: number; substances: Array<{ name?: string; class?: string; cas?: string; q: number; Q: number; beta?: number }> } }>(
    '/grading/major-hazard',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['grading'],
        summary: 'GB 18218-2018: identify (S = Σq/Q ≥ 1) and grade (R = α·Σβq/Q) a hazard installation',
        body: {
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
        },
        response: {
          200: {
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
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ ...identifyAndGradeMajorHazard(request.body, app.grading.rules), ruleVersion: app.grading.rules.version }),
  )

  app.post<{ Body: { L: number; E: number; C: number } }>(
    '/grading/lec',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['grading'],
        summary: 'LEC: D = L × E × C with the standard value sets',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['L', 'E', 'C'],
          properties: { L: { type: 'number' }, E: { type: 'number' }, C: { type: 'number' } },
        },
        response: { 200: { type: 'object', properties: { D: { type: 'number' }, level: levelSchema, ruleVersion: { type: 'string' } } }, ...errorResponses },
      },
    },
    async (request) => ({ ...gradeLec(request.body, app.grading.rules), ruleVersion: app.grading.rules.version }),
  )

  app.post<{ Body: { L: number; S: number } }>(
    '/grading/matrix',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['grading'],
        summary: 'Risk matrix: R = L × S with L, S in 1..5',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['L', 'S'],
          properties: { L: { type: 'number' }, S: { type: 'number' } },
        },
        response: { 200: { type: 'object', properties: { R: { type: 'number' }, level: levelSchema, ruleVersion: { type: 'string' } } }, ...errorResponses },
      },
    },
    async (request) => ({ ...gradeMatrix(request.body, app.grading.rules), ruleVersion: app.grading.rules.version }),
  )

  app.get<{ Params: { code: string } }>(
    '/uscc/:code',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['grading'],
        summary: 'Check a unified social credit code (GB 32100-2015)',
        params: { type: 'object', properties: { code: { type: 'string', maxLength: 64 } }, required: ['code'] },
        response: { 200: { type: 'object', properties: { valid: { type: 'boolean' }, reason: { type: 'string' } }, required: ['valid'] }, ...errorResponses },
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
      const running = await app.db('grading_run').where({ kind: 'full', status: 'running' }).first('id')
      if (running) throw conflict(`full regrade run ${running.id} is still running`, [{ field: 'run', message: 'running', runId: Number(running.id) }])
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
        kind: 'full',
        status: 'running',
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

  app.get<{ Params: { id: number } }>(
    '/grading/runs/:id',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['grading'],
        summary: 'Status of a grading run',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: MAX_ID } }, required: ['id'] },
        response: { 200: runSchema, ...errorResponses },
      },
    },
    async (request) => {
      const row = await app.db('grading_run').where({ id: request.params.id }).first()
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
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: runSchema } } }, ...errorResponses },
      },
    },
    async () => {
      const rows = await app.db('grading_run').orderBy('id', 'desc').limit(50)
      return { items: rows.map((r: Record<string, unknown>) => toRun(r, progress.get(Number(r.id)))) }
    },
  )
}
