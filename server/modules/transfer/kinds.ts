/**
 * What an import kind is: its fields, where its geometry comes from, how one row becomes a record
 * (pure checks), which checks need the database (per batch), and how a batch is written. The
 * orchestration (reading, batching, the transaction, the report, the regrade) is in import.ts.
 */
import type { IndustryTable } from '../../domain/industry-classification'
import type { RegisterDivision } from '../../domain/division-register'
import type { Access } from '../auth/access'
import type { Geometry, Point } from 'geojson'
import type { Knex } from 'knex'
import type { RuleSet } from '../../domain/rules'
import type { Field } from './fields'
import type { ProblemCode, ProblemParams } from './problems'
import type { ImportNote } from './records'

export const IMPORT_KINDS = [
  'enterprises',
  'major_hazards',
  'safety_risks',
  'hidden_dangers',
  'area_assessments',
  'resources',
  'divisions',
  'mgmt_grids',
  'roads',
] as const
export type ImportKindName = (typeof IMPORT_KINDS)[number]

/** Who may import (admins always may): the upload route's rule, and the CLI's rule for `--as`. */
export const IMPORT_ACCESS: Access = ['planner']

/**
 * A problem with one row; `field` is a field key (reported as the file's header) or omitted.
 * `reason` is the English sentence (the CLI and API clients read it); `code` and `params` say the
 * same for a page to word in its language (problems.ts lists the codes).
 */
export interface Problem {
  field?: string
  reason: string
  code: ProblemCode
  params?: ProblemParams
  value?: unknown
}

/** Longitude/latitude box of the deployment (the divisions), WGS 84 degrees, margin included. */
export interface Extent {
  minLon: number
  minLat: number
  maxLon: number
  maxLat: number
}

/** A row after the common steps: values parsed by field key, geometry in WGS 84. */
export interface RowInput {
  row: number
  line: number
  /** Parsed values by field key: null when empty, undefined when the file has no such column. */
  values: Record<string, unknown>
  /** Point kinds: the location (absent when the row gives none); area kinds: the geometry. */
  geometry: Geometry | null
  /**
   * Set when the row already failed the common checks: the fields whose cells did (their values are
   * undefined here). The kind then prepares the row only to report its own problems with it, at once.
   */
  failed?: ReadonlySet<string>
}

/** What every kind may read while preparing and checking rows. */
export interface KindContext {
  rules: RuleSet
  /** Division codes in the database (and, for a divisions import, those already read from the file). */
  divisions: Set<string>
  /** Field keys whose columns the file has. */
  present: Set<string>
  /** Converts a geometry from the file's coordinate system to WGS 84 (throws `invalid('lon'|'lat')`). */
  toWgs84(geometry: Geometry): Geometry
  /** What a kind's `load` keeps for its checks during one import (e.g. grid codes). */
  memo: Map<string, unknown>
  /** The GB/T 4754 table enterprises' industries are mapped with. */
  industryTable: IndustryTable
  /** The deployment's register divisions (GB/T 2260 codes and names of its area). */
  register: readonly RegisterDivision[]
  /** The deployment's area code (REGION_CODE), null when not given. */
  regionCode: string | null
  /** A dry run: everything is rolled back, so nothing may be done for storing alone (e.g. locking a table). */
  dryRun: boolean
}

/** A prepared row on its way to the database. */
export interface Prepared<R> {
  /** Where the row is and its geometry; its values went into the record (they are not kept while the batch waits). */
  input: Pick<RowInput, 'row' | 'line' | 'geometry'>
  record: R
  /** Problems found by the batch checks; the row is not written when any. */
  problems: Problem[]
}

export interface WriteResult {
  created: number
  updated: number
  /** Enterprises whose grading sources changed (for the regrade). */
  enterpriseIds: number[]
  /** Area assessments that changed. */
  areaIds: number[]
  /** Division units or management grids changed: cells must be mapped to regions again. */
  regionsChanged?: boolean
  /** Existing records the batch changed, as they were and as they are: audited one by one like an API write. */
  changes?: Array<{ entity: string; id: number | string; before: unknown; after: unknown }>
}

export interface KindSpec<R> {
  kind: ImportKindName
  /** Singular English and Chinese names, for messages. */
  label: { en: string; zh: string }
  fields: readonly Field[]
  /** Tables the kind writes (for planner statistics after a large import). */
  tables: readonly string[]
  /** Where the geometry comes from: lon/lat or a Point; a polygon (or line); none. */
  geometry: 'point' | 'area' | 'none'
  /** A point kind whose location may be omitted (it defaults to its enterprise's). */
  pointOptional?: boolean
  /** Skips the deployment-extent check (divisions define that extent). */
  noExtentCheck?: boolean
  /**
   * Field keys required as columns beyond `required` fields, given whether the file has geometry and
   * which columns it has (one column of a pair may stand in for the other).
   */
  requiredColumns?(hasGeometry: boolean, has: (key: string) => boolean): string[]
  /** Pure checks of one row; returns the record or the row's problems. */
  prepare(input: RowInput, ctx: KindContext): R | Problem[]
  /**
   * The record's unique keys within the file (USCC, code, external id), each with its field: two rows
   * sharing any of them are duplicates. The first is the key consecutive rows merge on (`merge`).
   */
  keys?(record: R): Array<{ field: string; value: string }>
  /** Consecutive rows with the same key make one record (an installation and its substances). */
  merge?(into: R, next: R): Problem[] | void
  /** Loads what the batch checks need, once per import. */
  load?(trx: Knex.Transaction, ctx: KindContext): Promise<void>
  /**
   * The checks read only what is committed and what the batch itself holds, never what earlier
   * batches of the same file wrote: on a PostgreSQL server the next batch is checked on a second,
   * read-only connection while the one before is written.
   */
  checksAhead?: boolean
  /** Checks that need the database; adds problems to the rows. */
  check?(trx: Knex.Transaction, batch: Array<Prepared<R>>, ctx: KindContext): Promise<void>
  /** Writes valid rows; inside a savepoint, so a failure can be narrowed down to a row. */
  write(trx: Knex.Transaction, batch: Array<Prepared<R>>, ctx: KindContext): Promise<WriteResult>
  /** One sentence on what was stored beyond the counts (e.g. the edges a road import made), for the report. */
  outcome?(ctx: KindContext): ImportNote | null
  /** Last steps after every batch (e.g. division parents); problems name rows. */
  finish?(trx: Knex.Transaction, ctx: KindContext): Promise<Array<{ row: number; line: number; problem: Problem }>>
}

/** Whether the row gave a location the common checks could not read (a longitude, latitude or geometry that failed). */
export function locationFailed(input: RowInput): boolean {
  return input.failed !== undefined && (input.failed.has('lon') || input.failed.has('lat') || input.failed.has('geometry'))
}

/** The coordinates of a point geometry (a Point, or a MultiPoint of one). */
export function pointOf(geometry: Geometry | null): [number, number] | null {
  if (geometry === null) return null
  if (geometry.type === 'Point') return [geometry.coordinates[0]!, geometry.coordinates[1]!]
  return null
}

export function point(lon: number, lat: number): Point {
  return { type: 'Point', coordinates: [lon, lat] }
}

/** Serialises rows for `jsonb_to_recordset(?::jsonb)`: every value bound in one parameter. */
export function jsonRows(rows: readonly object[]): string {
  return JSON.stringify(rows)
}
