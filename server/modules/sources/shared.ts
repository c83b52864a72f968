/**
 * What the four grading-source modules share (docs/domain.md §3, §9): request and response schemas, the
 * LEC / matrix / stated-level block, the API's wording of the checks it shares with the importer
 * (domain/source-checks.ts) and the location of a source, and the end of every write —
 * regrade the touched zones and audit the change, inside the write's transaction.
 */
import type { FastifyRequest, RawServerDefault, RouteGenericInterface } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { Knex } from 'knex'
import { AppError, invalid } from '../../errors'
import { placeSource, pointPairIssues, type EnterpriseRef, type SourceIssue } from '../../domain/source-checks'
import { validateLonLat } from '../../domain/geo'
import { gradeLec } from '../../domain/lec'
import { gradeMatrix } from '../../domain/matrix'
import type { Level } from '../../domain/levels'
import type { RuleSet } from '../../domain/rules'
import { regradeIncremental, type GradingOptions } from '../../grading/engine'
import { recordAudit } from '../audit/audit'
import { isoTime, lockRow, type Db } from '../../db/db'
import { enterpriseLocation, type RecordPage } from './repository'
import { levelSchema, nameSchema, pageProperties } from '../../http/params'
import type { SessionActor } from '../../http/actor'
import { withFieldPrefix } from '../../http/validation'
import { levelResponseSchema, type SchemaTypeProvider } from '../../http/schemas'

/** The grading sources; each is also its table name, its audit entity and its regrade cause kind. */
export type SourceKind = 'major_hazard' | 'safety_risk' | 'hidden_danger' | 'area_assessment'

/** What a write touched, for the incremental regrade. */
export interface GradingScope {
  enterpriseIds?: number[]
  areaIds?: number[]
}

/** What the incremental regrade of a write changed. */
export interface RegradeSummary {
  /** Analysis cells in the old and new impact zones. */
  affectedCells: number
  /** Analysis cells whose level or stale flag changed. */
  changedCells: number
}

/**
 * A request part as `typed(app)` gives it to a handler once `schema` has validated it (FromSchema,
 * defaults applied). Spelled as Fastify spells a handler's request, so that the record routes'
 * generic handlers (routes.ts) pass `request.body` and `request.query` to a spec unchanged, and a
 * spec's methods take the concrete type of its own schemas.
 */
export type ValidBody<S> = FastifyRequest<RouteGenericInterface, RawServerDefault, IncomingMessage, { body: S }, SchemaTypeProvider>['body']
export type ValidQuery<S> = FastifyRequest<RouteGenericInterface, RawServerDefault, IncomingMessage, { querystring: S }, SchemaTypeProvider>['query']

/** The querystring schema of a record list: the kind's filters, limit and offset. */
export function listQuerySchema<const F extends Record<string, unknown>>(filters: F) {
  return { type: 'object', additionalProperties: false, properties: { ...filters, ...pageProperties } } as const
}

/**
 * A kind of stored record with the standard routes (routes.ts): how it is stored, read and listed,
 * and which zones it grades. Without `replace` it has no PUT and no DELETE. `BodyS` and `QueryS`
 * are its POST (and PUT) body and list query schemas, written `as const`; its methods take what they
 * validate to.
 */
// `in out`: a spec's schemas are its exact types (measuring the variance through FromSchema is too deep for tsc).
export interface RecordSpec<in out BodyS, Rec extends { id: number }, in out QueryS> {
  kind: SourceKind
  /** Singular English name used in summaries and errors, e.g. `safety risk`. */
  label: string
  /** Path under /api, e.g. `/safety-risks`. */
  path: string
  tag: string
  /** JSON schema of the POST (and PUT) body. */
  body: BodyS
  /** JSON schema properties of a stored record (the POST and PUT responses add `regrade`). */
  record: Record<string, unknown>
  /** JSON schema of a stored record as GET by id and the list send it. */
  response: object
  /** JSON schema of the list's querystring (`listQuerySchema`: the filters, limit and offset). */
  query: QueryS
  /** Extra documentation of the POST and PUT routes. */
  description?: string
  /** Validates and stores a new record written by `actor` (the session's account); returns its id. */
  insert(trx: Knex.Transaction, body: ValidBody<BodyS>, grading: GradingOptions, actor: SessionActor): Promise<number>
  /** Validates and stores a full replacement of record `id` (already locked by the caller). */
  replace?(trx: Knex.Transaction, id: number, body: ValidBody<BodyS>, grading: GradingOptions): Promise<void>
  load(db: Db, id: number): Promise<Rec | undefined>
  /**
   * A page of records. The auth scope may have narrowed the query (`division`; a grid worker's
   * `scopeGridId`, which no schema lists: a kind that reads it takes `ValidQuery<…> & ScopedListQuery`).
   */
  list(db: Db, query: ValidQuery<QueryS>): Promise<RecordPage<Rec>>
  scope(record: Rec): GradingScope
}

// ---------------------------------------------------------------- schemas

/** Optional point of a source; both or neither, defaulting to the enterprise's location. */
export const locationProperties = {
  lon: { type: ['number', 'null'], description: 'longitude, WGS 84 degrees; default: the enterprise location' },
  lat: { type: ['number', 'null'], description: 'latitude, WGS 84 degrees; default: the enterprise location' },
} as const

export const impactRadiusSchema = {
  type: ['number', 'null'],
  exclusiveMinimum: 0,
  maximum: 50_000,
  description: 'impact radius, geodesic metres (e.g. from a consequence model); default by level: red 1000, orange 500, yellow 300, blue 100',
} as const

export const regradeSchema = {
  type: 'object',
  properties: {
    affectedCells: { type: 'integer', description: 'analysis cells in the old and new impact zones' },
    changedCells: { type: 'integer', description: 'analysis cells whose level or stale flag changed' },
  },
  required: ['affectedCells', 'changedCells'],
} as const

export const timestampsProperties = {
  ruleVersion: { type: 'string' },
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
} as const

/** The assessment method block shared by safety risks and area assessments (docs/domain.md §3.2). */
const METHODS = ['lec', 'matrix', 'stated'] as const

export const methodProperties = {
  method: { type: 'string', enum: METHODS, description: 'which of lec, matrix or stated the body carries (exactly that one)' },
  lec: {
    type: 'object',
    additionalProperties: false,
    required: ['L', 'E', 'C'],
    description: "LEC: D = L × E × C; values from the rule set's value sets",
    properties: {
      L: { type: 'number', description: 'likelihood' },
      E: { type: 'number', description: 'exposure' },
      C: { type: 'number', description: 'consequence' },
    },
  },
  matrix: {
    type: 'object',
    additionalProperties: false,
    required: ['L', 'S'],
    description: "risk matrix: R = L × S, integers in the rule set's range (1..5)",
    properties: { L: { type: 'number', description: 'likelihood' }, S: { type: 'number', description: 'severity' } },
  },
  stated: {
    type: 'object',
    additionalProperties: false,
    required: ['level', 'method'],
    description: 'a level stated by the assessor, with the method that produced it',
    properties: { level: levelSchema, method: nameSchema },
  },
} as const

/** The stored method block of a record, with the computed score and level. */
// methodView sets every key, and each block it sends in full (or null).
export const methodResponseProperties = {
  method: { type: 'string', enum: METHODS },
  lec: { type: ['object', 'null'], properties: { L: { type: 'number' }, E: { type: 'number' }, C: { type: 'number' } }, required: ['L', 'E', 'C'] },
  matrix: { type: ['object', 'null'], properties: { L: { type: 'number' }, S: { type: 'number' } }, required: ['L', 'S'] },
  stated: { type: ['object', 'null'], properties: { level: { type: 'integer' }, method: { type: 'string' } }, required: ['level', 'method'] },
  score: { type: ['number', 'null'], description: 'LEC D or matrix R; null for a stated level' },
  level: levelResponseSchema,
} as const

// ---------------------------------------------------------------- checks

/**
 * A rule of the shared checks (domain/source-checks.ts) as the API words it: the 400 `invalid_input`
 * naming the field (the importer words the same issues as its problem rows, transfer/kind-sources.ts).
 */
export function invalidSource(issue: SourceIssue): AppError {
  switch (issue.code) {
    case 'date_before':
      return invalid(issue.field, `${issue.value} is before ${issue.params.other} ${issue.params.date}`)
    case 'enterprise_unknown':
      return invalid(issue.field, `no enterprise with ${enterpriseRefText(issue.params)}`)
    case 'enterprise_required':
      return invalid(issue.field, 'is required')
    case 'point_half':
      return invalid(issue.field, `is required when ${issue.params.given} is given`)
    case 'division_code_format':
      return invalid(issue.field, 'must be a 6-digit (GB/T 2260) or 9-digit township code')
    case 'division_unknown':
      return invalid(issue.field, `no division with code ${issue.params.code}`)
    case 'corridor_buffer_required':
      return invalid(issue.field, 'is required for a corridor: 1 to 5000 metres')
    case 'buffer_corridor_only':
      return invalid(issue.field, 'applies to a corridor only')
    case 'not_major_hazard':
      return invalid(issue.field, `not a major hazard installation: S = ${issue.params.S} < ${issue.params.threshold}`)
  }
}

function enterpriseRefText(ref: EnterpriseRef): string {
  if (ref.by === 'id') return `id ${ref.id}`
  return ref.by === 'uscc' ? `USCC ${ref.uscc}` : `external id ${ref.externalId}`
}

/** Throws the first of `issues` as the API's 400 (the API reports one field at a time). */
export function throwFirst(issues: readonly SourceIssue[]): void {
  if (issues.length > 0) throw invalidSource(issues[0]!)
}

/**
 * Where a source of an enterprise stands: the given lon/lat (both, checked), or the enterprise's
 * location when neither is given (domain/source-checks.ts `placeSource`). Also checks that the
 * enterprise exists.
 */
export async function sourceLocation(db: Db, body: { enterpriseId: number; lon?: number | null; lat?: number | null }): Promise<{ lon: number; lat: number }> {
  throwFirst(pointPairIssues(body.lon, body.lat))
  const placed = placeSource(body, { field: 'enterpriseId', ref: { by: 'id', id: body.enterpriseId } }, await enterpriseLocation(db, body.enterpriseId))
  if (!placed.ok) throw invalidSource(placed.issue)
  if (body.lon !== undefined && body.lon !== null) validateLonLat(body.lon, body.lat)
  return { lon: placed.lon, lat: placed.lat }
}

export interface MethodInput {
  method: 'lec' | 'matrix' | 'stated'
  lec?: { L: number; E: number; C: number } | null
  matrix?: { L: number; S: number } | null
  stated?: { level: number; method: string } | null
}

/** The stored columns of a method block (`safety_risk` and `area_assessment` share them). */
export interface MethodColumns {
  method: MethodInput['method']
  lec_l: number | null
  lec_e: number | null
  lec_c: number | null
  matrix_l: number | null
  matrix_s: number | null
  stated_method: string | null
  score: number | null
  level: Level
}

const METHOD_PARTS = ['lec', 'matrix', 'stated'] as const

/**
 * Grades a method block with the rule set: LEC, risk matrix or a stated level. The body must carry
 * exactly the part its method names; errors name `lec`, `lec.L`, `matrix.S`, ….
 */
export function gradeByMethod(input: MethodInput, rules: RuleSet): MethodColumns {
  for (const part of METHOD_PARTS) {
    const given = input[part] !== undefined && input[part] !== null
    if (part === input.method && !given) throw invalid(part, `is required when method is ${part}`)
    if (part !== input.method && given) throw invalid(part, `must be omitted when method is ${input.method}`)
  }
  const none = { lec_l: null, lec_e: null, lec_c: null, matrix_l: null, matrix_s: null, stated_method: null }
  if (input.method === 'lec') {
    const lec = input.lec!
    const { D, level } = withFieldPrefix('lec', () => gradeLec(lec, rules))
    return { ...none, method: 'lec', lec_l: lec.L, lec_e: lec.E, lec_c: lec.C, score: D, level }
  }
  if (input.method === 'matrix') {
    const matrix = input.matrix!
    const { R, level } = withFieldPrefix('matrix', () => gradeMatrix(matrix, rules))
    return { ...none, method: 'matrix', matrix_l: matrix.L, matrix_s: matrix.S, score: R, level }
  }
  const stated = input.stated!
  return { ...none, method: 'stated', stated_method: stated.method.trim(), score: null, level: stated.level as Level }
}

/** SQL select list of a method block, aliased for `methodView`. */
export const METHOD_COLUMNS = ['method', 'lec_l', 'lec_e', 'lec_c', 'matrix_l', 'matrix_s', 'stated_method', 'score', 'level'] as const

/** A stored method block as the API shows it. */
export function methodView(row: Record<string, unknown>) {
  const method = row.method as MethodColumns['method']
  return {
    method,
    lec: method === 'lec' ? { L: row.lec_l as number, E: row.lec_e as number, C: row.lec_c as number } : null,
    matrix: method === 'matrix' ? { L: row.matrix_l as number, S: row.matrix_s as number } : null,
    stated: method === 'stated' ? { level: row.level as number, method: row.stated_method as string } : null,
    score: (row.score as number | null) ?? null,
    level: row.level as Level,
  }
}

/** The version and time fields every stored source carries. */
export function recordMeta(row: Record<string, unknown>) {
  return { ruleVersion: row.rule_version as string, createdAt: isoTime(row.created_at), updatedAt: isoTime(row.updated_at) }
}

// ---------------------------------------------------------------- the end of every write

/** The union of two grading scopes. */
export function mergeScopes(a: GradingScope, b: GradingScope): GradingScope {
  return {
    enterpriseIds: [...new Set([...(a.enterpriseIds ?? []), ...(b.enterpriseIds ?? [])])],
    areaIds: [...new Set([...(a.areaIds ?? []), ...(b.areaIds ?? [])])],
  }
}

/**
 * The last steps of every write, in its transaction: regrade the old and new zones with the cause
 * `{ kind, id, action }`, then write the audit row. A failure in either rolls the write back.
 */
export async function regradeAndAudit(
  trx: Knex.Transaction,
  grading: GradingOptions,
  change: { kind: SourceKind; id: number; action: string; before: object | null; after: object | null; scope: GradingScope; username: string | null },
): Promise<RegradeSummary> {
  const result = await regradeIncremental(trx, change.scope, { kind: change.kind, id: change.id, action: change.action }, grading)
  await recordAudit(trx, {
    action: change.action,
    entity: change.kind,
    entityId: change.id,
    before: change.before,
    after: change.after,
    username: change.username,
  })
  return { affectedCells: result.affectedCells, changedCells: result.changedCells }
}

/**
 * Changes a stored record: locks it (`SELECT … FOR UPDATE`, so concurrent changes of one record run
 * one after the other and each sees the other's result), lets `change` check and write it, then
 * regrades its old and new zones and audits it. `change` returns the record after (null when deleted)
 * and an optional note kept in the audit row only.
 */
export async function changeRecord<Rec extends { id: number }>(
  trx: Knex.Transaction,
  grading: GradingOptions,
  spec: Pick<RecordSpec<unknown, Rec, unknown>, 'kind' | 'label' | 'load' | 'scope'>,
  change: { id: number; action: string; username: string | null; apply(before: Rec): Promise<{ after: Rec | null; auditNote?: object }> },
): Promise<{ after: Rec | null; regrade: RegradeSummary }> {
  await lockRow(trx, spec.kind, change.id, spec.label)
  const before = (await spec.load(trx, change.id))!
  const { after, auditNote } = await change.apply(before)
  const regrade = await regradeAndAudit(trx, grading, {
    kind: spec.kind,
    id: change.id,
    action: change.action,
    before,
    after: after && { ...after, ...auditNote },
    scope: after ? mergeScopes(spec.scope(before), spec.scope(after)) : spec.scope(before),
    username: change.username,
  })
  return { after, regrade }
}
