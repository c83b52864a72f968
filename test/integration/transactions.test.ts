import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { createKnex } from '../../server/db/knex'
import { buildTestApp } from '../helpers/app'

let app: FastifyInstance
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

beforeAll(async () => {
  app = await buildTestApp()
})
afterAll(async () => {
  await app.close()
})

// On the embedded database every connection shares ONE PGlite session, so a transaction on one
// pooled connection would see (and could commit) another's uncommitted work. These tests hold a
// transaction open with an uncommitted row and check that concurrent work never sees it.
describe('transactions do not interleave', () => {
  const probe = { region_kind: 'division', region_key: `tx-probe-${process.pid}`, level: 1 }

  it('on the app pool', async () => {
    const events: string[] = []
    const writer = app.db
      .transaction(async (trx) => {
        await trx('region_level').insert(probe)
        events.push('written')
        await sleep(300)
        events.push('rolling back')
        await trx.rollback()
      })
      .catch(() => undefined)
    await sleep(50)
    const reader = app
      .db('region_level')
      .where('region_key', probe.region_key)
      .count<{ count: string }[]>('* as count')
      .then((rows) => {
        events.push('read')
        return Number(rows[0]!.count)
      })
    const [, seen] = await Promise.all([writer, reader])
    expect(seen).toBe(0)
    expect(events[0]).toBe('written')
    if (inject('embedded')) {
      // one pooled connection: the read waited for the transaction to end
      expect(events).toEqual(['written', 'rolling back', 'read'])
    }
  })

  it('across two separate connections to the same database', async () => {
    const other = createKnex({ url: inject('databaseUrl'), embedded: inject('embedded'), statementTimeoutMs: 30_000 })
    try {
      const writer = app.db
        .transaction(async (trx) => {
          await trx('region_level').insert(probe)
          await sleep(300)
          await trx.rollback()
        })
        .catch(() => undefined)
      await sleep(50)
      const reader = other('region_level').where('region_key', probe.region_key).count<{ count: string }[]>('* as count')
      const [, rows] = await Promise.all([writer, reader])
      expect(Number(rows[0]!.count)).toBe(0)
    } finally {
      await other.destroy()
    }
    const after = await app.db('region_level').where('region_key', probe.region_key).count<{ count: string }[]>('* as count')
    expect(Number(after[0]!.count)).toBe(0)
  })
})
