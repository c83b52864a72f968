import type { Knex } from 'knex'

// Parameterised statements whose answers PostgreSQL defines: the rows they return, or the SQLSTATE
// of their error (unique and check violations, a syntax error, a bad integer, the publication
// immutability trigger of migration 008), on a probe table of the caller's own.

/** One statement and what PostgreSQL answers to it: its rows, or the SQLSTATE of its error. */
export interface Step {
  sql: string
  bindings: Knex.RawBinding[]
  expected: Outcome
}
export type Outcome = { rows: Array<Record<string, unknown>> } | { error: string }

export const UNIQUE = '23505'
export const CHECK = '23514'
export const SYNTAX = '42601'
export const BAD_INTEGER = '22P02'
/** `publication_immutable()` of migration 008 raises restrict_violation. */
export const IMMUTABLE = '23001'
export const IN_FAILED_TX = '25P02'

/** A table with a unique key, a check constraint and the publication immutability trigger. */
export async function createProbe(db: Knex, probe: string): Promise<void> {
  await db.raw(`CREATE TABLE ${probe} (id integer PRIMARY KEY, score integer NOT NULL CHECK (score > 0), note text)`)
  await db.raw(`CREATE TABLE ${probe}_frozen (id integer PRIMARY KEY, note text)`)
  await db.raw(`INSERT INTO ${probe}_frozen VALUES (1, 'frozen')`)
  await db.raw(`CREATE TRIGGER ${probe}_immutable BEFORE UPDATE OR DELETE ON ${probe}_frozen FOR EACH ROW EXECUTE FUNCTION publication_immutable()`)
  await db.raw(`INSERT INTO ${probe} VALUES (1, 10, 'one'), (2, 20, 'two')`)
}

export async function dropProbe(db: Knex, probe: string): Promise<void> {
  await db.raw(`DROP TABLE IF EXISTS ${probe}, ${probe}_frozen`)
}

export const echo = (n: number): Step => ({
  sql: 'SELECT ?::integer AS n, ?::text AS label',
  bindings: [n, `step ${n}`],
  expected: { rows: [{ n, label: `step ${n}` }] },
})
export const read = (probe: string, id: number, score: number, note: string): Step => ({
  sql: `SELECT id, score, note FROM ${probe} WHERE id = ?`,
  bindings: [id],
  expected: { rows: [{ id, score, note }] },
})
export const failing = (probe: string) => ({
  duplicate: (id: number): Step => ({ sql: `INSERT INTO ${probe} (id, score) VALUES (?, ?) RETURNING id`, bindings: [id, 5], expected: { error: UNIQUE } }),
  check: (id: number): Step => ({ sql: `INSERT INTO ${probe} (id, score) VALUES (?, ?) RETURNING id`, bindings: [id, -1], expected: { error: CHECK } }),
  syntax: (): Step => ({ sql: 'SELEC ?::integer AS n', bindings: [1], expected: { error: SYNTAX } }),
  badInteger: (): Step => ({ sql: 'SELECT ?::integer AS n', bindings: ['not a number'], expected: { error: BAD_INTEGER } }),
  trigger: (): Step => ({ sql: `UPDATE ${probe}_frozen SET note = ? WHERE id = ?`, bindings: ['changed', 1], expected: { error: IMMUTABLE } }),
})

/** The rows a statement returned, or the SQLSTATE of its error. */
export async function outcome(run: Promise<{ rows: Array<Record<string, unknown>> }>): Promise<Outcome> {
  try {
    return { rows: (await run).rows }
  } catch (err) {
    return { error: String((err as { code?: string }).code ?? (err as Error).message) }
  }
}

/** Runs a step's statement with its bindings (a parameterised statement on the wire). */
export const run = (db: Knex | Knex.Transaction, step: Step) =>
  outcome(db.raw(step.sql, step.bindings) as unknown as Promise<{ rows: Array<Record<string, unknown>> }>)
