import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fastifyStatic from '@fastify/static'
import type { Config } from './config'
import { authPlugin, SESSION_COOKIE } from './modules/auth/plugin'
import authRoutes from './modules/auth/routes'
import tokenRoutes from './modules/auth/token-routes'
import auditRoutes from './modules/audit/routes'
import regionReportRoutes from './modules/region-report/routes'
import { databasePlugin, type DatabasePluginOptions } from './db/plugin'
import { AppError, type ErrorDetail } from './errors'
import { errorLanguage, localizedMessage, validationMessage, type ErrorLanguage } from './domain/error-messages'
import healthRoutes from './modules/health/routes'
import metricsPlugin from './modules/metrics/plugin'
import divisionRoutes from './modules/divisions/routes'
import enterpriseRoutes from './modules/enterprises/routes'
import gradingRoutes from './modules/grading/routes'
import scenarioRoutes from './modules/scenarios/routes'
import cellRoutes from './modules/cells/routes'
import sourceRoutes from './modules/sources/routes'
import tilesPlugin from './modules/tiles/plugin'
import ogcRoutes from './modules/ogc/routes'
import resourceRoutes from './modules/resources/routes'
import incidentRoutes from './modules/incident/routes'
import { routingPlugin } from './modules/roads/plugin'
import roadRoutes from './modules/roads/routes'
import transferRoutes from './modules/transfer/routes'
import supervisionRoutes from './modules/supervision/routes'
import enforcementRoutes from './modules/enforcement/routes'
import reportRoutes from './modules/reports/routes'
import publicationRoutes from './modules/publication/routes'
import publicRoutes from './modules/public/routes'
import historyRoutes from './modules/history/routes'
import rankingRoutes from './modules/ranking/routes'
import chartRoutes from './modules/charts/routes'
import { DEFAULT_RULES, type RuleSet } from './domain/rules'
import { ACCESS_DESCRIPTION, securitySchemes } from './modules/auth/openapi'
import { apiDocsContentSecurityPolicy, registerSecurityHeaders } from './http/security-headers'
import basemapRoutes from './modules/basemap/routes'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    /** Analysis resolution and the rule set every grade is computed with. */
    grading: { res: number; rules: RuleSet }
  }
}

export interface AppOptions {
  config: Config
  database: DatabasePluginOptions
  logger?: FastifyServerOptions['logger']
  /** Folder of the built web app; defaults to dist/web beside the repository root. */
  webRoot?: string
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Builds the whole service as one Fastify instance: external plugins, then the database,
 * then the routes. It never listens: main.ts does, tests use `app.inject`.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    // A hop count (docs/security.md): the socket's peer and the addresses that many proxies appended to
    // X-Forwarded-For are trusted (hop 0 is the peer), never a value further left, which a client wrote.
    trustProxy: options.config.trustProxy > 0 ? (_address: string, hop: number) => hop < options.config.trustProxy : false,
    // Start-up includes migrations, which may take longer than Fastify's default 10 s.
    pluginTimeout: 120_000,
    return503OnClosing: false, // on close, finish the requests already received instead of answering them 503
    // One line per request, at debug level (below): the default info lines would drown everything else.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: {
      // Unknown parameters are errors (not silently dropped), every problem is reported at once.
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: true, useDefaults: true },
    },
  })
  app.decorate('config', options.config)
  app.decorate('grading', { res: options.config.h3Res, rules: DEFAULT_RULES })
  app.setErrorHandler(errorHandler)
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request')
  })
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}`, details: [] } })
  })

  // First, so every response below carries them, errors and 404s included (docs/security.md).
  await registerSecurityHeaders(app, { https: options.config.cookieSecure })
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'riskmap API',
        description: ACCESS_DESCRIPTION,
        version: '0.1.0',
      },
      components: { securitySchemes: securitySchemes(SESSION_COOKIE) },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs', transformStaticCSP: apiDocsContentSecurityPolicy })
  await app.register(databasePlugin, options.database)
  await app.register(routingPlugin, {
    engine: options.config.routingEngine,
    maxSnapM: options.config.routingMaxSnapM,
    offRoadKmh: options.config.routingOffRoadKmh,
    classSpeeds: options.config.roadClassSpeeds,
  })

  // Access control first: its onRoute hook sees every route registered after it.
  await app.register(authPlugin)
  await app.register(metricsPlugin)
  await app.register(authRoutes, { prefix: '/api' })
  await app.register(tokenRoutes, { prefix: '/api' })
  await app.register(auditRoutes, { prefix: '/api' })
  await app.register(healthRoutes, { prefix: '/api' })
  await app.register(divisionRoutes, { prefix: '/api/divisions' })
  await app.register(enterpriseRoutes, { prefix: '/api/enterprises' })
  await app.register(gradingRoutes, { prefix: '/api' })
  await app.register(cellRoutes, { prefix: '/api' })
  await app.register(regionReportRoutes, { prefix: '/api' })
  await app.register(sourceRoutes, { prefix: '/api' })
  await app.register(resourceRoutes, { prefix: '/api/resources' })
  await app.register(incidentRoutes, { prefix: '/api/incident' })
  await app.register(roadRoutes, { prefix: '/api/roads' })
  await app.register(supervisionRoutes, { prefix: '/api' })
  await app.register(enforcementRoutes, { prefix: '/api' })
  await app.register(transferRoutes, { prefix: '/api' })
  await app.register(reportRoutes, { prefix: '/api' })
  await app.register(publicationRoutes, { prefix: '/api' })
  await app.register(publicRoutes, { prefix: '/api/public' })
  await app.register(historyRoutes, { prefix: '/api' })
  await app.register(scenarioRoutes, { prefix: '/api' })
  await app.register(rankingRoutes, { prefix: '/api' })
  await app.register(chartRoutes, { prefix: '/api' })
  await app.register(tilesPlugin, { routePrefix: '/tiles' })
  await app.register(ogcRoutes, { prefix: '/ogc' })
  await app.register(basemapRoutes, { prefix: '/basemap', file: options.config.basemapPmtiles })

  await registerWeb(app, options.webRoot ?? path.join(repoRoot, 'dist', 'web'))
  return app
}

/** Serves the built web app at `/`; without a build, `/` says how to make one. */
async function registerWeb(app: FastifyInstance, webRoot: string): Promise<void> {
  if (!fs.existsSync(path.join(webRoot, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      reply.code(503).type('text/plain; charset=utf-8').send('The web app is not built: run "npm run build:web" (npm start does it).')
    })
    return
  }
  await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false, index: ['index.html'] })
}

/** Maps an ajv validation error to the field it names, e.g. `querystring.bbox` → `bbox`. */
function validationDetails(error: FastifyError, lang: ErrorLanguage): ErrorDetail[] {
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>
    const pathField = v.instancePath
      .replace(/^\//, '')
      .replace(/\/(\d+)/g, '[$1]')
      .replace(/\//g, '.')
    const field =
      typeof params.missingProperty === 'string'
        ? [pathField, params.missingProperty].filter(Boolean).join('.')
        : typeof params.additionalProperty === 'string'
          ? [pathField, params.additionalProperty].filter(Boolean).join('.')
          : pathField || (error.validationContext ?? 'request')
    const message =
      typeof params.additionalProperty === 'string'
        ? `unknown ${error.validationContext === 'querystring' ? 'parameter' : 'property'}`
        : (v.message ?? 'is invalid')
    return { field, message: validationMessage(lang, v.keyword, params, message), in: error.validationContext }
  })
}

const UNAVAILABLE_PG_CODES = new Set(['57014', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006'])
const UNAVAILABLE_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'])

/**
 * The one error path: AppError and validation errors keep their text; anything else is hidden.
 * The message is in the language the request's Accept-Language asks for (server/domain/error-messages.ts).
 */
function errorHandler(
  this: FastifyInstance,
  error: FastifyError & { code?: string },
  request: import('fastify').FastifyRequest,
  reply: import('fastify').FastifyReply,
) {
  const lang = errorLanguage(request.headers['accept-language'])
  const send = (status: number, code: string, message: string, details: ErrorDetail[]) =>
    reply.code(status).send({ error: { code, message: localizedMessage(lang, code, message, details), details } })
  if (error instanceof AppError) {
    send(error.statusCode, error.code, error.message, error.details)
    return
  }
  if (error.validation) {
    const details = validationDetails(error, lang)
    const message = details.map((d) => `${d.field}: ${d.message}`).join('; ')
    send(400, 'invalid_input', message, details)
    return
  }
  const pgCode = error.code
  if ((pgCode && (UNAVAILABLE_PG_CODES.has(pgCode) || UNAVAILABLE_NET_CODES.has(pgCode))) || error.name === 'KnexTimeoutError') {
    request.log.warn({ err: error }, 'database unavailable')
    reply.header('retry-after', '5')
    send(503, 'unavailable', 'The database is unavailable or too slow right now; try again shortly.', [])
    return
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const code = error.statusCode === 413 ? 'payload_too_large' : error.statusCode === 415 ? 'unsupported_media_type' : 'bad_request'
    send(error.statusCode, code, error.message, [])
    return
  }
  request.log.error({ err: error }, 'unhandled error')
  send(500, 'internal', 'Internal server error', [])
}
