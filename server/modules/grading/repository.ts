/**
 * SQL of the grading routes: the stored grading runs (table grading_run, written by the grading
 * engine, server/grading/repository.ts), read here for their status.
 */
import type { Db } from '../../db/db'

/** A grading_run row as stored. */
export interface GradingRunRow {
  id: string | number
  kind: 'full' | 'incremental'
  status: 'running' | 'done' | 'failed'
  rule_version: string
  h3_res: number
  started_at: Date
  finished_at: Date | null
  counts: Record<string, unknown>
  error: string | null
}

/** The id of the full regrade run still running, if there is one. */
export async function runningFullRun(db: Db): Promise<number | null> {
  const row = await db('grading_run').where({ kind: 'full', status: 'running' }).first<{ id: string } | undefined>('id')
  return row ? Number(row.id) : null
}

/** One grading run by id. */
export async function getRun(db: Db, id: number): Promise<GradingRunRow | undefined> {
  return db('grading_run').where({ id }).first<GradingRunRow | undefined>()
}

/** The most recent grading runs, newest first. */
export async function recentRuns(db: Db, limit: number): Promise<GradingRunRow[]> {
  return db('grading_run').orderBy('id', 'desc').limit(limit)
}
