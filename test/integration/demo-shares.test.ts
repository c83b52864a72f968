import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Knex } from 'knex'
import { createKnex } from '../../server/db/knex'
import { demoShares, type DemoShares } from '../../server/demo/shares'

// The shared test database holds the demo city, graded (test/setup/global-db.ts).
describe('the graded demo city', () => {
  let db: Knex
  let shares: DemoShares

  beforeAll(async () => {
    db = createKnex({ url: inject('databaseUrl'), embedded: inject('embedded'), statementTimeoutMs: 60_000 })
    shares = await demoShares(db)
  })
  afterAll(async () => {
    await db?.destroy()
  })

  it('has fewer than half of its districts red, and grades that discriminate', () => {
    const { districts } = shares
    expect(districts.length).toBe(13)
    const red = districts.filter((d) => d.level === 4)
    expect(red.length, JSON.stringify(districts.map((d) => [d.name, d.level, d.highestLevel]))).toBeLessThan(districts.length / 2)
    expect(red.length).toBeGreaterThan(0)
    // More than one grade is in use, and some district with a red cell is not red itself.
    expect(new Set(districts.map((d) => d.level)).size).toBeGreaterThanOrEqual(2)
    expect(districts.some((d) => d.highestLevel === 4 && d.level < 4)).toBe(true)
    for (const d of districts) expect(d.level, d.name).toBeLessThanOrEqual(d.highestLevel)
  })

  it('reports the city-wide shares of the graded area, summing to 1', () => {
    const sum = Object.values(shares.graded).reduce((a, b) => a + b, 0)
    expect(sum).toBeCloseTo(1, 5)
    expect(shares.graded['4']).toBeLessThan(shares.graded['1']!)
  })
})
