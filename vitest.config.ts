import { defineConfig } from 'vitest/config'

// Two projects: pure unit tests, and tests that need a database (integration + browser), which
// share one database prepared by test/setup/global-db.ts — real PostGIS when TEST_DATABASE_URL
// or DATABASE_URL is set, the embedded PGlite+PostGIS otherwise.
const embedded = !(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL)

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts', 'server/**/*.test.ts', 'web/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'db',
          // after the unit tests: the two projects use different worker counts
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/global-db.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // The embedded database is one PGlite session: its test files run one at a time.
          fileParallelism: !embedded,
          maxWorkers: embedded ? 1 : 2,
        },
      },
    ],
  },
})
