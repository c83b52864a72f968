/**
 * Import and export over HTTP (docs/architecture.md §9). Uploads arrive as the raw request body or as multipart
 * (`file`, optional `mapping`), are never buffered in memory, and may be as large as the import
 * limit (not the app's 1 MB body limit). Exports stream rows page by page.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { readScope } from '../auth/access'
import type { ScopedListQuery } from '../auth/jurisdiction'
import multipart from '@fastify/multipart'
import { invalid } from '../../errors'
import { bytesReply, errorResponses, parseBBox, typed } from '../../http/schemas'
import { IMPORT_MAX_BYTES, spoolToFile, limitBytes } from './bytes'
import { EXPORT_FORMATS, EXPORT_LAYERS, exportLayer } from './export'
import { rejection, runImport, type ImportOptions, type ImportReport, type ImportSource } from './import'
import { IMPORT_ACCESS, IMPORT_KINDS } from './kinds'
import { IMPORT_FORMATS } from './records'
import { templateRoutes } from './templates'
import { recordAudit } from '../audit/audit'
import { auditUser } from '../../http/actor'

const importParams = { type: 'object', properties: { kind: { type: 'string', enum: [...IMPORT_KINDS] } }, required: ['kind'] } as const

const importQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    format: { type: 'string', enum: [...IMPORT_FORMATS], description: 'default: from the file name or its first bytes' },
    crs: {
      type: 'string',
      maxLength: 20,
      description: 'wgs84 (default), cgcs2000, gcj02, bd09, or EPSG:<code> of a projected grid; a shapefile .prj is honoured',
    },
    mode: { type: 'string', enum: ['all', 'valid'], default: 'all' },
    dryRun: { type: 'boolean', default: false },
    mapping: { type: 'string', maxLength: 10_000, description: 'JSON {"source header": "field"}' },
    repair: {
      type: 'boolean',
      default: false,
      description:
        'repair invalid polygons (ST_MakeValid, polygonal parts); a repair changing the area by more than IMPORT_REPAIR_MAX_AREA_CHANGE is refused for its row',
    },
  },
} as const

const exportParams = {
  type: 'object',
  properties: { layer: { type: 'string', enum: [...EXPORT_LAYERS] }, format: { type: 'string', enum: [...EXPORT_FORMATS] } },
  required: ['layer', 'format'],
} as const

const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code or prefix' },
    minLevel: { type: 'integer', minimum: 0, maximum: 4, description: 'lowest risk level to include' },
    bbox: { type: 'string', description: 'minLon,minLat,maxLon,maxLat in WGS 84 degrees' },
    lang: { type: 'string', enum: ['zh', 'en'], default: 'zh', description: 'CSV/XLSX headers and labels: Chinese (default) or English' },
    res: { type: 'integer', minimum: 0, maximum: 15, description: 'cells only: H3 resolution (default: the analysis resolution)' },
    wkt: {
      type: 'boolean',
      default: false,
      description: 'CSV/XLSX: add a first column WKT with the geometry (EPSG:4326), read by GDAL and QGIS as the geometry',
    },
  },
} as const

const rowErrorSchema = {
  type: 'object',
  properties: {
    row: { type: 'integer', description: '1-based data row (header and empty rows not counted)' },
    line: { type: 'integer', description: 'text line (CSV, GeoJSON), sheet row (XLSX) or record number (shapefile)' },
    column: { type: 'string', description: 'the column as the file names it' },
    value: {},
    reason: { type: 'string', description: 'why the row is refused, in English' },
    code: { type: 'string', description: "the reason's stable code (server/modules/transfer/problems.ts), for a client to word in its language" },
    params: {
      type: 'object',
      description: 'what the reason names (numbers, limits, values as the file wrote them), by name',
      additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'array', items: { type: 'string' } }] },
    },
  },
  required: ['row', 'reason', 'code'],
} as const

const reportSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    format: { type: 'string' },
    encoding: { type: ['string', 'null'], description: 'utf-8 or gbk for text files and shapefile attributes; null for XLSX' },
    crs: { type: 'string', description: 'the coordinate system the file was read in' },
    mode: { type: 'string' },
    dryRun: { type: 'boolean' },
    rows: { type: 'integer' },
    valid: { type: 'integer' },
    invalid: { type: 'integer' },
    created: { type: 'integer' },
    updated: { type: 'integer' },
    unchanged: { type: 'integer' },
    rejected: { type: 'boolean', description: 'mode all with invalid rows: nothing stored (a real import answers 422 instead)' },
    stored: { type: 'boolean' },
    errors: { type: 'array', items: rowErrorSchema },
    errorsTruncated: { type: 'boolean' },
    repairs: {
      type: 'array',
      description: 'polygons repaired (repair=true): row, PostGIS reason, [lon, lat] of the fault, area change in %',
      items: {
        type: 'object',
        properties: {
          row: { type: 'integer' },
          line: { type: 'integer' },
          reason: { type: 'string' },
          location: { type: ['array', 'null'], items: { type: 'number' } },
          areaChangePct: { type: 'number' },
        },
      },
    },
    columns: { type: 'object', additionalProperties: { type: 'string' }, description: 'field fed by each column of the file' },
    ignoredColumns: { type: 'array', items: { type: 'string' } },
    note: {
      type: 'string',
      description:
        'what the import adds beyond the counts: the edges a road import made, OSM ways cut at the extract border, a first load into an empty register (English)',
    },
    notes: {
      type: 'array',
      description:
        'the same notes by code (roads_replaced: edges, junctions, version; osm_ways_clipped, osm_ways_dropped: count; register_first_load: rows, keysCheckedAtEnd: 1 when the foreign keys were checked once at the end), for a client to word in its language',
      items: { type: 'object', properties: { code: { type: 'string' }, params: { type: 'object', additionalProperties: { type: 'number' } } } },
    },
    regrade: {
      type: 'object',
      additionalProperties: true,
      description: 'how the import was graded (incremental, full, regions, none, skipped) and what it changed',
      properties: {
        mode: { type: 'string', enum: ['incremental', 'full', 'regions', 'none', 'skipped'] },
        enterprises: { type: 'number' },
        areas: { type: 'number' },
        affectedCells: { type: 'number' },
        changedCells: { type: 'number' },
        regions: { type: 'number' },
        runId: { type: 'number' },
        seconds: { type: 'number' },
        note: { type: 'string' },
      },
    },
    seconds: { type: 'number' },
  },
} as const

/** The import size limit: `config.importMaxBytes` when the configuration has one, else IMPORT_MAX_BYTES. */
function importLimit(app: FastifyInstance): number {
  return (app.config as unknown as { importMaxBytes?: number }).importMaxBytes ?? IMPORT_MAX_BYTES
}

function parseMapping(raw: string | undefined, field: string): Record<string, string | null> | undefined {
  if (raw === undefined || raw.trim() === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw invalid(field, 'must be a JSON object {"source header": "field"}')
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => v !== null && typeof v !== 'string')) {
    throw invalid(field, 'must be a JSON object {"source header": "field"} (a field name, or "" to ignore the column)')
  }
  return parsed as Record<string, string | null>
}

export default async function transferRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const maxBytes = importLimit(app)
  // Uploads of any type reach the handler unread: it streams them itself.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null))
  await app.register(multipart, { limits: { fileSize: maxBytes + 1, files: 1, fields: 10, parts: 11 } })
  await templateRoutes(app)

  app.post(
    '/import/:kind',
    {
      config: { access: IMPORT_ACCESS },
      bodyLimit: maxBytes,
      schema: {
        tags: ['import/export'],
        summary: 'Import a file of records (CSV UTF-8/GBK, XLSX, GeoJSON, zipped shapefile; roads also from an OpenStreetMap PBF extract)',
        description:
          'The file is the raw request body (application/octet-stream, text/csv, …; read as it arrives) or the `file` field of a ' +
          'multipart form with an optional `mapping` field (spooled to a temporary file). Column headers in Chinese or English map automatically; `mapping` ' +
          '(JSON {"source header": "field"}) overrides. mode=all stores nothing when any row is invalid (422 with every row ' +
          'named); mode=valid stores the valid rows and reports the rest. dryRun=true validates and reports without storing.',
        params: importParams,
        querystring: importQuery,
        response: { 200: reportSchema, 413: errorResponses[400], 422: errorResponses[400], ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const base: Omit<ImportOptions, 'mapping'> = {
        kind: request.params.kind,
        format: q.format,
        crs: q.crs,
        mode: q.mode,
        dryRun: q.dryRun,
        repair: q.repair,
        repairMaxAreaChange: app.config.importRepairMaxAreaChange,
        maxBytes,
        grading: app.grading,
        industryTable: app.config.industryTable,
        register: app.config.regionDivisions,
        regionCode: app.config.regionCode,
        fullRegradeAfterCommit: 'background',
        onBackgroundError: (err) => app.log.error({ err }, 'full regrade after import failed'),
        // Every import is audited with the account, stored or not (docs/security.md "Imports and exports").
        username: auditUser(request),
      }
      const report = request.isMultipart()
        ? await importMultipart(request, base, parseMapping(q.mapping, 'mapping'), maxBytes)
        : await runImport(app.db, rawSource(request), { ...base, mapping: parseMapping(q.mapping, 'mapping') })
      if (report.rejected && !report.dryRun) throw rejection(report)
      return report
    },
  )

  function rawSource(request: FastifyRequest): ImportSource {
    const length = request.headers['content-length']
    const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(request.headers['content-disposition'] ?? '')?.[1]
    return {
      stream: request.raw,
      size: length === undefined ? null : Number(length),
      fileName: name === undefined ? null : decodeURIComponent(name),
    }
  }

  /** A multipart upload: the file is spooled to disk (never memory), so the `mapping` field may come before or after it. */
  async function importMultipart(
    request: FastifyRequest,
    base: Omit<ImportOptions, 'mapping'>,
    queryMapping: Record<string, string | null> | undefined,
    limit: number,
  ): Promise<ImportReport> {
    let mapping = queryMapping
    let spooled: { file: string; remove: () => Promise<void>; fileName: string } | null = null
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (part.fieldname !== 'mapping') throw invalid(part.fieldname, 'unknown form field: send `file` and optionally `mapping`')
          mapping = parseMapping(String(part.value), 'mapping')
          continue
        }
        if (part.fieldname !== 'file') throw invalid(part.fieldname, 'the upload must be the form field `file`')
        if (spooled !== null) throw invalid('file', 'send one file per import')
        const s = await spoolToFile(limitBytes(part.file, limit, { bytes: 0 }), '.upload')
        spooled = { ...s, fileName: part.filename }
      }
      if (spooled === null) throw invalid('file', 'the multipart form has no `file` field')
      return await runImport(app.db, { path: spooled.file, fileName: spooled.fileName }, { ...base, mapping })
    } finally {
      await spooled?.remove()
    }
  }

  app.get(
    '/export/:layer.:format',
    {
      config: { access: 'staff', scope: { list: true } },
      schema: {
        tags: ['import/export'],
        summary: 'Export a layer of the current selection as GeoJSON, CSV (UTF-8 with BOM), XLSX or GeoPackage (EPSG:4326)',
        params: exportParams,
        querystring: exportQuery,
        response: {
          200: { description: 'The file (GeoJSON, CSV or XLSX), streamed as attachment', type: 'string', format: 'binary' },
          400: errorResponses[400],
          500: errorResponses[500],
          503: errorResponses[503],
        },
      },
    },
    async (request, reply) => {
      const { layer, format } = request.params
      // scopeGridId: a grid worker's grid, set by the auth scope (auth/jurisdiction ScopedListQuery).
      const q: typeof request.query & ScopedListQuery = request.query
      const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '')
      const file = `${layer}-${stamp}.${format}`
      const filters = { division: q.division ?? null, minLevel: q.minLevel ?? null, bbox: q.bbox ?? null, res: q.res ?? null, lang: q.lang, wkt: q.wkt }
      // Every export is audited with the account, the file, its filters and the rows sent (docs/security.md "Imports and exports").
      const audit = (outcome: 'sent' | 'failed', rows: number | null) =>
        app.db
          .transaction((trx) =>
            recordAudit(trx, {
              action: 'exported',
              entity: layer,
              entityId: null,
              before: null,
              after: { file, layer, format, filters, rows, outcome },
              username: auditUser(request),
            }),
          )
          .catch((err: unknown) => request.log.error({ err }, 'export audit failed'))
      const out = await exportLayer(app.db, layer, format, {
        division: q.division,
        scopeGridId: q.scopeGridId,
        contacts: readScope(request.user).contacts,
        minLevel: q.minLevel,
        bbox: q.bbox === undefined ? undefined : parseBBox(q.bbox),
        lang: q.lang,
        res: q.res ?? app.grading.res,
        rules: app.grading.rules,
        wkt: q.wkt,
        onDone: ({ rows, error }) => void audit(error ? 'failed' : 'sent', rows),
      })
      reply.header('content-type', out.contentType).header('content-disposition', `attachment; filename="${file}"`).header('cache-control', 'no-store')
      return bytesReply(reply).send(out.stream)
    },
  )
}
