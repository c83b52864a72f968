import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateDemoBatches } from '../../server/demo/generate'

/**
 * The demo generator is split over server/demo/generate/*.ts. Refactoring it must not change a
 * single row: the digest of every batch (table name and rows, in order) for a fixed seed, scale
 * and date is pinned here. A deliberate change to the demo data updates the pin in the same commit.
 */
function digest(seed: string, scale: number): { rows: number; sha256: string } {
  const hash = crypto.createHash('sha256')
  let rows = 0
  for (const batch of generateDemoBatches({ seed, scale, today: new Date('2026-03-15T00:00:00Z') })) {
    hash.update(batch.table)
    hash.update(JSON.stringify(batch.rows))
    rows += batch.rows.length
  }
  return { rows, sha256: hash.digest('hex') }
}

describe('demo generator output', () => {
  // One generation at scale 1 takes a few seconds; the timeout leaves room for a busy CI machine.
  it('is byte-for-byte the pinned set at scale 1', { timeout: 120_000 }, () => {
    expect(digest('unit-test', 1)).toEqual({ rows: 23022, sha256: '14b0b92b829f2e137341021f1ac09e68168cd2c293ef5e8e0d9aa0ad8e250c1d' })
  })
})
