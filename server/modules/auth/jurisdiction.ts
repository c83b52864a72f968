/**
 * Jurisdiction (DESIGN §8): an inspector works within a division-code prefix. Routes declare what
 * they touch in `config.scope`; the auth plugin checks it against the database before the handler
 * runs, and list routes narrow their `division` filter to the prefix. Others have no limit.
 */
import type { FastifyRequest } from 'fastify'
import type { Knex } from 'knex'
import { AppError } from '../../errors'
import { jurisdiction } from './access'

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

/** Throws 403 when a route's scope reaches outside the signed-in inspector's jurisdiction. */
export async function enforceScope(db: Knex, request: FastifyRequest, scopes: readonly Scope[]): Promise<void> {
  const prefix = jurisdiction(request.user)
  if (prefix === null) return
  for (const scope of scopes) {
    if ('list' in scope) {
      const query = request.query as { division?: string }
      if (query.division === undefined || prefix.startsWith(query.division)) query.division = prefix
      else if (!query.division.startsWith(prefix)) throw outsideJurisdiction('The division asked for', query.division, prefix)
      continue
    }
    const params = request.params as { id?: number }
    if ('enterprise' in scope) {
      const id = scope.enterprise === 'params.id' ? params.id : (request.body as { enterpriseId?: number } | undefined)?.enterpriseId
      if (id === undefined || id === null) continue
      const row = await db('enterprise').where('id', id).first('division_code')
      if (row && !String(row.division_code).startsWith(prefix)) throw outsideJurisdiction(`Enterprise ${id}`, row.division_code, prefix)
      continue
    }
    if (params.id === undefined) continue
    const row =
      'record' in scope
        ? await db(`${scope.record} as r`).join('enterprise as e', 'e.id', 'r.enterprise_id').where('r.id', params.id).first('e.division_code')
        : await db(scope.divisionRecord).where('id', params.id).first('division_code')
    // A missing row is the handler's 404 to give.
    if (row && !String(row.division_code ?? '').startsWith(prefix)) throw outsideJurisdiction(`Record ${params.id}`, row.division_code, prefix)
  }
}

/** Limits a query to enterprises in a division prefix through the given enterprise-id column. */
export function whereEnterpriseIn(query: Knex.QueryBuilder, enterpriseIdColumn: string, divisionPrefix: string | undefined): void {
  if (divisionPrefix === undefined) return
  query.whereExists((sub) => sub.select(1).from('enterprise as je').whereRaw('je.id = ??', [enterpriseIdColumn]).whereLike('je.division_code', `${divisionPrefix}%`))
}
