/**
 * Prints the graded demo city's area shares per level, city-wide and per district, beside the
 * target ranges (server/demo/shares.ts):
 *
 *   DATABASE_URL=… tsx scripts/demo-shares.ts
 */
import { createKnex } from '../server/db/knex'
import { DEMO_TARGET_SHARES, demoShares } from '../server/demo/shares'

const url = process.env.DATABASE_URL
if (!url) {
  console.error('DATABASE_URL is not set: point it at a database with the demo loaded and graded')
  process.exit(2)
}
const db = createKnex({ url, embedded: false, statementTimeoutMs: 60_000 })
try {
  const s = await demoShares(db)
  const pct = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(1).padStart(5)} %`
  const names = ['none', 'blue', 'yellow', 'orange', 'red']
  console.log('city-wide, share of the graded area (target):')
  for (const k of ['4', '3', '2', '1'] as const) {
    const [lo, hi] = DEMO_TARGET_SHARES[k]
    const v = s.graded[k]!
    console.log(`  ${names[Number(k)]!.padEnd(6)} ${pct(v)}  (${pct(lo)} – ${pct(hi)})${v < lo || v > hi ? '  OUT OF RANGE' : ''}`)
  }
  console.log(`  graded ${pct(1 - (s.city['0'] ?? 0))} of the city's area`)
  console.log('districts: grade / highest cell / red, orange, yellow, blue shares')
  for (const d of s.districts) {
    console.log(
      `  ${d.code} ${d.name.padEnd(5, '　')} ${names[d.level]!.padEnd(6)} ${names[d.highestLevel]!.padEnd(6)} ${['4', '3', '2', '1'].map((k) => pct(d.shares[k])).join(' ')}`,
    )
  }
  const red = s.districts.filter((d) => d.level === 4).length
  console.log(`red districts: ${red} of ${s.districts.length}`)
} finally {
  await db.destroy()
}
