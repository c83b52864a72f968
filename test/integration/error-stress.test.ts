import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { Random } from '../../server/demo/random'
import { buildTestApp } from '../helpers/app'
import * as statements from '../helpers/statements'
import { echo, run, type Outcome } from '../helpers/statements'

// A seeded, bounded stress run: rounds of concurrent requests through the real app — department
// writes that succeed or conflict (409, also from the unique index when two creations race), bad
// input (400), reads of what was written — mixed with direct statements that succeed or fail, and
// transactions whose savepoints fail. Every answer is checked against the one expected; a mismatch
// names the seed, the round and the operation. STRESS_SEED replays another sequence.

const SEED = process.env.STRESS_SEED || 'error-stress-1'
const ROUNDS = 100
/** Operations started at once in a round. */
const CONCURRENCY = 10
const COUNTY = '210181'

const marker = `压力测试-${process.pid}-`
const probe = `error_stress_probe_${process.pid}`
const failing = statements.failing(probe)

let app: FastifyInstance
beforeAll(async () => {
  app = await buildTestApp()
  await statements.dropProbe(app.db, probe)
  await statements.createProbe(app.db, probe)
})
afterAll(async () => {
  await statements.dropProbe(app.db, probe)
  await app.db('department').where('name', 'like', `${marker}%`).delete()
  await app.close()
})

/** What an operation got and what it should have got, in a form both compare in. */
interface Checked {
  what: string
  got: unknown
  expected: unknown
}

interface Department {
  id: number
  name: string
}

/** The departments this run created, by name, and the names a round is about to create. */
const created = new Map<string, Department>()

async function send(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  const res = await app.inject({ method, url, payload })
  const body = res.json() as { id?: number; name?: string; error?: { code: string; details: Array<{ field?: string }> } }
  return { status: res.statusCode, body }
}

/** An HTTP answer reduced to what must be the same on both databases: status, error code and field, or the record. */
function answer(res: Awaited<ReturnType<typeof send>>): unknown {
  if (res.body.error) return { status: res.status, code: res.body.error.code, field: res.body.error.details[0]?.field ?? null }
  return { status: res.status, id: res.body.id, name: res.body.name }
}

type Operation = () => Promise<Checked[]>

/** One operation of a round, drawn from the seeded stream. `fresh` gives a name no one has used. */
function draw(random: Random, fresh: () => string): Operation {
  const kind = random.weighted(
    ['statement', 'transaction', 'create', 'race', 'duplicate', 'rename', 'read', 'missing', 'badDivision'] as const,
    [40, 8, 12, 4, 10, 6, 12, 4, 4],
  )
  const existing = [...created.values()]
  switch (kind) {
    case 'statement': {
      const n = random.int(1, 1_000_000)
      const step = random.pick([
        echo(n),
        statements.read(probe, 1, 10, 'one'),
        statements.read(probe, 2, 20, 'two'),
        failing.duplicate(random.pick([1, 2])),
        failing.check(random.int(100, 10_000)),
        failing.syntax(),
        failing.badInteger(),
        failing.trigger(),
      ])
      return async () => [{ what: `statement ${step.sql} ${JSON.stringify(step.bindings)}`, got: await run(app.db, step), expected: step.expected }]
    }
    case 'transaction': {
      const n = random.int(1, 1_000_000)
      const bad = random.pick([failing.duplicate(1), failing.check(5), failing.syntax(), failing.badInteger(), failing.trigger()])
      return async () => {
        const got: Outcome[] = []
        await app.db.transaction(async (trx) => {
          await trx
            .transaction(async (sp) => {
              const result = await run(sp, bad)
              got.push(result)
              if ('error' in result) throw new Error(result.error)
            })
            .catch(() => undefined)
          got.push(await run(trx, echo(n)))
        })
        return [{ what: `transaction with a failing savepoint: ${bad.sql}`, got, expected: [bad.expected, echo(n).expected] }]
      }
    }
    case 'create':
    case 'race': {
      const name = fresh()
      const copies = kind === 'race' ? 2 : 1
      return async () => {
        const answers = await Promise.all(
          Array.from({ length: copies }, () => send('POST', '/api/departments', { name, kind: 'industry', divisionCode: COUNTY })),
        )
        const winner = answers.find((a) => a.status === 201)
        if (winner) created.set(name, { id: winner.body.id!, name })
        // one creation wins, the other is refused whether the check or the unique index caught it
        const got = answers
          .map((a) => (a.status === 201 ? { status: 201, name: a.body.name } : answer(a)))
          .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
        const expected = [{ status: 201, name }, ...(copies === 2 ? [{ status: 409, code: 'conflict', field: 'name' }] : [])]
        return [{ what: `create ${copies}× ${name}`, got, expected }]
      }
    }
    case 'duplicate': {
      if (existing.length === 0) return draw(random, fresh)
      const twin = random.pick(existing)
      return async () => [
        {
          what: `create again ${twin.name}`,
          got: answer(await send('POST', '/api/departments', { name: twin.name, kind: 'industry', divisionCode: COUNTY })),
          expected: { status: 409, code: 'conflict', field: 'name' },
        },
      ]
    }
    case 'rename': {
      if (existing.length < 2) return draw(random, fresh)
      const [one, other] = random.sample(existing, 2) as [Department, Department]
      return async () => [
        {
          what: `rename ${one.name} to ${other.name}`,
          got: answer(await send('PUT', `/api/departments/${one.id}`, { name: other.name, kind: 'industry', divisionCode: COUNTY })),
          expected: { status: 409, code: 'conflict', field: 'name' },
        },
      ]
    }
    case 'read': {
      if (existing.length === 0) return draw(random, fresh)
      const one = random.pick(existing)
      return async () => [
        { what: `read ${one.id}`, got: answer(await send('GET', `/api/departments/${one.id}`)), expected: { status: 200, id: one.id, name: one.name } },
      ]
    }
    case 'missing': {
      const id = random.int(900_000_000, 999_999_999)
      return async () => [
        { what: `read ${id}`, got: answer(await send('GET', `/api/departments/${id}`)), expected: { status: 404, code: 'not_found', field: 'id' } },
      ]
    }
    case 'badDivision': {
      const name = fresh()
      return async () => [
        {
          what: `create ${name} in no division`,
          got: answer(await send('POST', '/api/departments', { name, kind: 'industry', divisionCode: '999999' })),
          expected: { status: 400, code: 'invalid_input', field: 'divisionCode' },
        },
      ]
    }
  }
}

describe('a seeded stress run of failing and succeeding work from concurrent requests', () => {
  it(`answers every request as expected (seed ${SEED}, ${ROUNDS} rounds of ${CONCURRENCY})`, async () => {
    const random = new Random(SEED)
    let serial = 0
    const fresh = () => `${marker}${++serial}`
    const mismatches: Array<Checked & { round: number }> = []
    let checked = 0
    for (let round = 0; round < ROUNDS; round++) {
      const operations = Array.from({ length: CONCURRENCY }, () => draw(random, fresh))
      for (const results of await Promise.all(operations.map((op) => op()))) {
        for (const result of results) {
          checked++
          if (JSON.stringify(result.got) !== JSON.stringify(result.expected)) mismatches.push({ round, ...result })
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([])
    expect(checked).toBe(ROUNDS * CONCURRENCY)
    // the database holds exactly what the answers said was created
    const stored = await app.db('department').where('name', 'like', `${marker}%`).select('id', 'name').orderBy('id')
    expect(stored.map((d) => ({ id: Number(d.id), name: d.name }))).toEqual([...created.values()].sort((a, b) => a.id - b.id))
  }, 240_000)
})
