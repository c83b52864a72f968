import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { Knex } from 'knex'
import { createKnex } from '../../server/db/knex'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'
import * as statements from '../helpers/statements'
import { BAD_INTEGER, CHECK, echo, IMMUTABLE, IN_FAILED_TX, run, SYNTAX, UNIQUE, type Outcome, type Step } from '../helpers/statements'

// After a failing statement, the next ones must get exactly their own answers. The embedded
// database once answered an extended-protocol error with a premature ReadyForQuery, so node-postgres
// ran one reply behind: an error landed on the next query, or a query resolved with the tail of the
// previous one. Each step below is a parameterised statement (Parse/Bind/Execute/Sync on the wire)
// whose expected outcome is what PostgreSQL answers; with a real PostGIS server at hand the sequence
// also runs on a fresh embedded database and the two are compared row by row.

const probe = `error_framing_probe_${process.pid}`
const failing = statements.failing(probe)
const read = (id: number, score: number, note: string) => statements.read(probe, id, score, note)
const createProbe = (db: Knex) => statements.createProbe(db, probe)
const dropProbe = (db: Knex) => statements.dropProbe(db, probe)

/**
 * Steps whose answers do not depend on their order (they read the probe's fixed rows, echo their
 * bindings or fail), so they may also run all at once on a pool of several connections.
 */
function independentSteps(): Step[] {
  return [
    echo(1),
    failing.duplicate(1),
    echo(2),
    read(1, 10, 'one'),
    failing.check(3),
    echo(3),
    failing.syntax(),
    echo(4),
    failing.trigger(),
    read(2, 20, 'two'),
    failing.badInteger(),
    echo(5),
    failing.duplicate(2),
    failing.trigger(),
    failing.check(4),
    failing.syntax(),
    echo(6),
    read(1, 10, 'one'),
    failing.badInteger(),
    failing.duplicate(1),
    echo(7),
    echo(8),
  ]
}

/** The order-dependent sequence: writes, failures and reads of what was written, one after another. */
async function sequential(db: Knex): Promise<Outcome[]> {
  const out: Outcome[] = []
  for (const step of independentSteps()) out.push(await run(db, step))
  out.push(
    await run(db, { sql: `INSERT INTO ${probe} (id, score, note) VALUES (?, ?, ?) RETURNING id, note`, bindings: [10, 1, 'ten'], expected: { rows: [] } }),
  )
  out.push(await run(db, failing.duplicate(10)))
  out.push(await run(db, { sql: `UPDATE ${probe} SET score = ? WHERE id = ? RETURNING id, score`, bindings: [7, 10], expected: { rows: [] } }))
  out.push(await run(db, failing.trigger()))
  out.push(await run(db, read(10, 7, 'ten')))
  out.push(await run(db, { sql: `DELETE FROM ${probe} WHERE id = ? RETURNING id`, bindings: [10], expected: { rows: [] } }))
  return out
}
const sequentialExpected: Outcome[] = [
  ...independentSteps().map((s) => s.expected),
  { rows: [{ id: 10, note: 'ten' }] },
  { error: UNIQUE },
  { rows: [{ id: 10, score: 7 }] },
  { error: IMMUTABLE },
  { rows: [{ id: 10, score: 7, note: 'ten' }] },
  { rows: [{ id: 10 }] },
]

/**
 * A knex transaction whose nested transactions (savepoints) fail in every way and are rolled back,
 * while the outer one goes on, plus one statement that fails outside a savepoint and aborts the
 * transaction. Returns each step's outcome and what the table holds afterwards.
 */
async function withSavepoints(db: Knex): Promise<Outcome[]> {
  const out: Outcome[] = []
  const nested = async (trx: Knex.Transaction, steps: Step[]) => {
    try {
      await trx.transaction(async (sp) => {
        for (const step of steps) {
          const result = await run(sp, step)
          out.push(result)
          if ('error' in result) throw new Error(`step failed: ${result.error}`)
        }
      })
      out.push({ rows: [{ savepoint: 'released' }] })
    } catch {
      out.push({ rows: [{ savepoint: 'rolled back' }] })
    }
  }
  await db.transaction(async (trx) => {
    out.push(await run(trx, { sql: `INSERT INTO ${probe} (id, score, note) VALUES (?, ?, ?) RETURNING id`, bindings: [20, 2, 'kept'], expected: { rows: [] } }))
    await nested(trx, [
      { sql: `INSERT INTO ${probe} (id, score, note) VALUES (?, ?, ?) RETURNING id`, bindings: [21, 3, 'undone'], expected: { rows: [] } },
      failing.duplicate(1),
    ])
    out.push(await run(trx, echo(30)))
    await nested(trx, [failing.check(22)])
    out.push(await run(trx, read(20, 2, 'kept')))
    await nested(trx, [failing.trigger()])
    await nested(trx, [failing.syntax()])
    out.push(await run(trx, echo(31)))
    await nested(trx, [failing.badInteger()])
    await nested(trx, [{ sql: `UPDATE ${probe} SET note = ? WHERE id = ? RETURNING note`, bindings: ['kept twice', 20], expected: { rows: [] } }])
    out.push(
      await run(trx, { sql: `SELECT count(*)::integer AS n FROM ${probe} WHERE id = ANY(?::integer[])`, bindings: [[20, 21, 22]], expected: { rows: [] } }),
    )
  })
  out.push(await run(db, { sql: `SELECT id, score, note FROM ${probe} WHERE id >= ? ORDER BY id`, bindings: [20], expected: { rows: [] } }))
  // a failure outside any savepoint aborts the transaction: the next statement is refused, then rolled back
  await db
    .transaction(async (trx) => {
      out.push(await run(trx, failing.duplicate(2)))
      out.push(await run(trx, echo(32)))
      throw new Error('roll back')
    })
    .catch(() => undefined)
  out.push(await run(db, echo(33)))
  await db.raw(`DELETE FROM ${probe} WHERE id >= 20`)
  return out
}
const savepointExpected: Outcome[] = [
  { rows: [{ id: 20 }] },
  { rows: [{ id: 21 }] },
  { error: UNIQUE },
  { rows: [{ savepoint: 'rolled back' }] },
  echo(30).expected,
  { error: CHECK },
  { rows: [{ savepoint: 'rolled back' }] },
  read(20, 2, 'kept').expected,
  { error: IMMUTABLE },
  { rows: [{ savepoint: 'rolled back' }] },
  { error: SYNTAX },
  { rows: [{ savepoint: 'rolled back' }] },
  echo(31).expected,
  { error: BAD_INTEGER },
  { rows: [{ savepoint: 'rolled back' }] },
  { rows: [{ note: 'kept twice' }] },
  { rows: [{ savepoint: 'released' }] },
  { rows: [{ n: 1 }] },
  { rows: [{ id: 20, score: 2, note: 'kept twice' }] },
  { error: UNIQUE },
  { error: IN_FAILED_TX },
  echo(33).expected,
]

/** Every step queued at once on the pool (one connection on the embedded database, so they queue there). */
async function allAtOnce(db: Knex): Promise<Outcome[]> {
  return Promise.all(independentSteps().map((step) => run(db, step)))
}

/** Two pools on the same database, each with its own steps at once: their answers must not cross. */
async function twoPools(db: Knex, other: Knex): Promise<[Outcome[], Outcome[]]> {
  const steps = independentSteps()
  const mine = steps.map((step) => run(db, step))
  const theirs = steps.map((step, i) => run(other, i % 2 ? echo(100 + i) : step))
  return [await Promise.all(mine), await Promise.all(theirs)]
}
const twoPoolsExpected = (): [Outcome[], Outcome[]] => {
  const steps = independentSteps()
  return [steps.map((s) => s.expected), steps.map((s, i) => (i % 2 ? echo(100 + i).expected : s.expected))]
}

function open(url: string, embedded: boolean): Knex {
  return createKnex({ url, embedded, statementTimeoutMs: 60_000 })
}

let db: Knex
let other: Knex
beforeAll(async () => {
  db = open(inject('databaseUrl'), inject('embedded'))
  other = open(inject('databaseUrl'), inject('embedded'))
  await dropProbe(db)
  await createProbe(db)
})
afterAll(async () => {
  await dropProbe(db)
  await other.destroy()
  await db.destroy()
})

describe('after a failing statement the next ones get exactly their own answers', () => {
  it('one after another', async () => {
    expect(await sequential(db)).toEqual(sequentialExpected)
  })

  it('all queued at once on the pool', async () => {
    expect(await allAtOnce(db)).toEqual(independentSteps().map((s) => s.expected))
  })

  it('in a transaction whose savepoints fail and roll back', async () => {
    expect(await withSavepoints(db)).toEqual(savepointExpected)
  })

  it('from two pools at once', async () => {
    expect(await twoPools(db, other)).toEqual(twoPoolsExpected())
  })
})

// On a real PostGIS server: the same sequences on a fresh embedded database, compared row by row
// with what the server answered.
describe.runIf(!inject('embedded'))('the embedded database answers as the real server does', () => {
  let scratch: ScratchDatabase
  let embedded: Knex
  let embeddedOther: Knex
  beforeAll(async () => {
    scratch = await openScratch(null, 'riskmap-framing')
    embedded = open(scratch.url, true)
    embeddedOther = open(scratch.url, true)
    // the trigger function of migration 008, exactly as the server has it
    const { rows } = await db.raw<{ rows: Array<{ def: string }> }>("SELECT pg_get_functiondef('publication_immutable'::regproc) AS def")
    await embedded.raw(rows[0]!.def)
    await createProbe(embedded)
  })
  afterAll(async () => {
    await embeddedOther?.destroy()
    await embedded?.destroy()
    await scratch?.drop()
  })

  it('row by row, for every sequence', async () => {
    expect(await sequential(embedded)).toEqual(await sequential(db))
    expect(await allAtOnce(embedded)).toEqual(await allAtOnce(db))
    expect(await withSavepoints(embedded)).toEqual(await withSavepoints(db))
    expect(await twoPools(embedded, embeddedOther)).toEqual(await twoPools(db, other))
  })
})
