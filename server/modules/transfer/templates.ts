/**
 * What an import accepts, for the upload page: each kind's columns (Chinese header, English key,
 * other accepted headers, required or not, accepted values) and template files with the Chinese
 * headers, as CSV (UTF-8 with BOM, so Excel reads the Chinese) or XLSX.
 */
import type { FastifyInstance } from 'fastify'
import { Readable } from 'node:stream'
import { bytesReply, errorResponses, typed } from '../../http/schemas'
import type { Field } from './fields'
import { IMPORT_SPECS } from './import'
import { IMPORT_KINDS, type ImportKindName } from './kinds'
import { xlsxStream } from './xlsx-writer'

export interface AcceptedColumn {
  key: string
  zh: string
  aliases: string[]
  required: boolean
  type: string
  /** Accepted values of a coded column: their Chinese labels, first of each. */
  values?: string[]
  description?: string
  descriptionZh?: string
}

/** The columns an import of `kind` reads, required first. */
export function acceptedColumns(kind: ImportKindName): AcceptedColumn[] {
  const spec = IMPORT_SPECS[kind]
  const columns = spec.fields
    .filter((f: Field) => !f.exportOnly)
    .map((f: Field): AcceptedColumn => {
      const required = f.required === true || spec.requiredColumns?.(false, () => false).includes(f.key) === true
      const column: AcceptedColumn = { key: f.key, zh: f.zh, aliases: [...(f.aliases ?? [])], required, type: f.type.t }
      const values = f.type.t === 'enum' ? f.type.values : f.type.t === 'list' ? f.type.values : f.exportLabels
      if (values) column.values = Object.entries(values).map(([code, labels]) => labels[0] ?? code)
      if (f.description) column.description = f.description
      if (f.descriptionZh) column.descriptionZh = f.descriptionZh
      return column
    })
  return [...columns.filter((c) => c.required), ...columns.filter((c) => !c.required)]
}

const kindParam = {
  type: 'object',
  properties: { kind: { type: 'string', enum: IMPORT_KINDS } },
  required: ['kind'],
} as const

const templateParams = {
  type: 'object',
  properties: { ...kindParam.properties, format: { type: 'string', enum: ['csv', 'xlsx'] } },
  required: ['kind', 'format'],
} as const

const columnsResponse = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    industryTable: { type: ['string', 'null'], description: 'the industry classification the 行业 column is read with (enterprises)' },
    columns: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          zh: { type: 'string' },
          aliases: { type: 'array', items: { type: 'string' } },
          required: { type: 'boolean' },
          type: { type: 'string' },
          values: { type: 'array', items: { type: 'string' } },
          description: { type: 'string' },
          descriptionZh: { type: 'string' },
        },
      },
    },
  },
} as const

export async function templateRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['import/export']
  app.get(
    '/import/:kind/columns',
    {
      config: { access: 'staff' },
      schema: {
        tags,
        summary: 'The columns an import accepts: Chinese header, key, other accepted headers, required or not, accepted values',
        params: kindParam,
        response: {
          200: columnsResponse,
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      kind: request.params.kind,
      industryTable: request.params.kind === 'enterprises' ? app.config.industryTable.version : null,
      columns: acceptedColumns(request.params.kind),
    }),
  )

  app.get(
    '/import/:kind/template.:format',
    {
      config: { access: 'staff' },
      schema: {
        tags,
        summary: 'A template file for an import: the Chinese headers of every accepted column, required first (CSV with BOM, or XLSX)',
        params: templateParams,
        response: { 200: { type: 'string', format: 'binary' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { kind, format } = request.params
      const header = acceptedColumns(kind).map((c) => c.zh)
      reply.header('content-disposition', `attachment; filename="template-${kind}.${format}"`).header('cache-control', 'no-store')
      if (format === 'csv') {
        reply.header('content-type', 'text/csv; charset=utf-8')
        return `\ufeff${header.map((h) => (/[",]/.test(h) ? `"${h.replace(/"/g, '""')}"` : h)).join(',')}\r\n`
      }
      reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      return bytesReply(reply).send(xlsxStream(kind, header, Readable.from([])))
    },
  )
}
