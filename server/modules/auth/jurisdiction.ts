/**
 * Jurisdiction (docs/domain.md §8): an inspector works within a division-code prefix. Routes declare what
 * they touch in `config.scope`; the auth plugin checks it against the database before the handler
 * runs, and list routes narrow their `division` filter to the prefix. Others have no limit.
 */
import type { FastifyRequest } from 'fastify'
import type { Knex } from 'knex'
import { AppError } from '../../errors'
import { readScope, type ReadScope } from './access'

/** Tables whose rows belong to an enterprise through `enterprise_id`. */
export type EnterpriseRecordTable = 'major_hazard' | 'safety_risk' | 'hidden_danger' | 'inspection' | 'violation' | 'penalty' | 'credit_event'

/** What a route touches, for the jurisdiction check. */
export type Scope =
  /** An enterprise by its id in the path (`params.id`) or the body (`body.enterpriseId`, optional there). */
  | { enterprise: 'params.id' | 'body.enterpriseId' }
  /** A record of an enterprise by `params.id`. */
  | { record: EnterpriseRecordTable }
  /** A record that carries its own division code (a public-area assessment) by `params.id`. */
  | { divisionRecord: 'area_assessment' }
  /** A list whose `division` query filter is narrowed to the jurisdiction. */
  | { list: true }

/** The 403 for something that lies outside the user's jurisdiction `prefix`. */
export function outsideJurisdiction(what: string, code: string | null, prefix: string): AppError {
  return new AppError(403, 'out_of_jurisdiction', `${what} lies in division ${code ?? '(none)'}, outside your jurisdiction ${prefix}`, [
    { field: 'division', message: `your jurisdiction is the division-code prefix ${prefix}` },
  ])
}

/** The 403 for an enterprise outside the signed-in grid worker's management grid. */
export function outsideGrid(what: string, gridId: number): AppError {
  return new AppError(403, 'out_of_jurisdiction', `${what} lies outside your management grid ${gridId}`, [
    { field: 'mgmtGridId', message: `your scope is the enterprises of management grid ${gridId}` },
  ])
}

/** The query of a list route after enforceScope: `division` narrowed, and a grid worker's grid. */
export interface ScopedListQuery {
  division?: string
  /** Set by enforceScope, never by the client (the schemas refuse unknown parameters). */
  scopeGridId?: number
}

/** Throws 403 when a route's scope reaches outside the signed-in user's read scope (readScope). */
export async function enforceScope(db: Knex, request: FastifyRequest, scopes: readonly Scope[]): Promise<void> {
  const scope = readScope(request.user)
  if (scope.all) return
  const prefix = scope.divisionPrefix
  const check = (what: string, row: { division_code: string | null; mgmt_grid_id: number | null } | undefined) => {
    // A missing row is the handler's 404 to give.
    if (!row) return
    if (prefix !== null && !String(row.division_code ?? '').startsWith(prefix)) throw outsideJurisdiction(what, row.division_code, prefix)
    if (scope.mgmtGridId !== null && row.mgmt_grid_id !== scope.mgmtGridId) throw outsideGrid(what, scope.mgmtGridId)
  }
  for (const item of scopes) {
    if ('list' in item) {
      const query = request.query as ScopedListQuery
      if (prefix !== null) {
        if (query.division === undefined || prefix.startsWith(query.division)) query.division = prefix
        else if (!query.division.startsWith(prefix)) throw outsideJurisdiction('The division asked for', query.division, prefix)
      }
      if (scope.mgmtGridId !== null) query.scopeGridId = scope.mgmtGridId
      continue
    }
    const params = request.params as { id?: number }
    if ('enterprise' in item) {
      const id = item.enterprise === 'params.id' ? params.id : (request.body as { enterpriseId?: number } | undefined)?.enterpriseId
      if (id === undefined || id === null) continue
      check(`Enterprise ${id}`, await db('enterprise').where('id', id).first('division_code', 'mgmt_grid_id'))
      continue
    }
    if (params.id === undefined) continue
    if ('record' in item) {
      check(
        `Record ${params.id}`,
        await db(`${item.record} as r`).join('enterprise as e', 'e.id', 'r.enterprise_id').where('r.id', params.id).first('e.division_code', 'e.mgmt_grid_id'),
      )
    } else if (prefix !== null) {
      // A public-area assessment belongs to no enterprise and so to no grid: only a jurisdiction limits it.
      const row = await db(item.divisionRecord).where('id', params.id).first('division_code')
      if (row && !String(row.division_code ?? '').startsWith(prefix)) throw outsideJurisdiction(`Record ${params.id}`, row.division_code, prefix)
    }
  }
}

/**
 * Limits a query to enterprises in a division prefix (and a grid worker's grid) through the given
 * enterprise-id column.
 */
export function whereEnterpriseIn(query: Knex.QueryBuilder, enterpriseIdColumn: string, divisionPrefix: string | undefined, gridId?: number): void {
  if (divisionPrefix === undefined && gridId === undefined) return
  query.whereExists((sub) => {
    sub.select(1).from('enterprise as je').whereRaw('je.id = ??', [enterpriseIdColumn])
    if (divisionPrefix !== undefined) sub.whereLike('je.division_code', `${divisionPrefix}%`)
    if (gridId !== undefined) sub.where('je.mgmt_grid_id', gridId)
  })
}

/** What stands for the name of a source or enterprise outside the reader's scope: what a CASE on scopeSql shows instead. */
export const REDACTED_NAME = '辖区外 (outside your scope)'

/**
 * The read scope as a SQL condition on an enterprise row aliased `alias`, for raw queries:
 * `{ sql: 'TRUE' }` when unlimited. Splice `sql` into a WHERE (or a CASE to redact) and bind `bindings`.
 */
export function scopeSql(scope: ReadScope, alias: string): { sql: string; bindings: Array<string | number> } {
  if (scope.all) return { sql: 'TRUE', bindings: [] }
  const parts: string[] = []
  const bindings: Array<string | number> = []
  if (scope.divisionPrefix !== null) {
    parts.push(`coalesce(${alias}.division_code, '') LIKE ?`)
    bindings.push(`${scope.divisionPrefix}%`)
  }
  if (scope.mgmtGridId !== null) {
    parts.push(`${alias}.mgmt_grid_id IS NOT DISTINCT FROM ?::int`)
    bindings.push(scope.mgmtGridId)
  }
  return { sql: parts.length ? `(${parts.join(' AND ')})` : 'TRUE', bindings }
}

/** Limits a knex query on an enterprise row aliased `alias` to a read scope. */
export function whereInScope(query: Knex.QueryBuilder, scope: ReadScope, alias: string): Knex.QueryBuilder {
  const { sql, bindings } = scopeSql(scope, alias)
  return scope.all ? query : query.whereRaw(sql, bindings)
}
