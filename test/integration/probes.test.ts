import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/app'

// Hostile input must be refused without effect (issue #7): SQL injection in every query and path
// parameter, path traversal in tile and static paths, oversized bodies.
let app: FastifyInstance

beforeAll(async () => {
  app = await buildTestApp()
  await app.ready() // app.swagger() reads the finished route table
})
afterAll(async () => {
  await app.close()
})

const INJECTIONS = ["' OR '1'='1", '1; DROP TABLE enterprise; --', "210106' UNION SELECT password_hash FROM app_user --", '$1) OR (1=1']

/** The tables an injection would most like to read or destroy (user_session too: it has no id, other files sign out, so only that it still exists is checked). */
const TABLES = ['enterprise', 'hidden_danger', 'app_user', 'audit_log', 'major_hazard']

/**
 * What the tables held: each table's highest id and how many rows it had up to that id. Other test
 * files write to the shared database while this file runs (and remove what they made), so "nothing
 * changed" is checked as "every row stored before is still there": `lost` reads the rows up to the
 * same ids again. A dropped table throws.
 */
async function snapshot(): Promise<Record<string, { maxId: number; rows: number }>> {
  const out: Record<string, { maxId: number; rows: number }> = {}
  for (const table of TABLES) {
    const [row] = await app.db(table).select(app.db.raw('coalesce(max(id), 0)::bigint AS max_id, count(*)::bigint AS n'))
    out[table] = { maxId: Number(row.max_id), rows: Number(row.n) }
  }
  return out
}

/** The tables with fewer rows up to the snapshot's ids than the snapshot had (rows lost since). */
async function lost(before: Record<string, { maxId: number; rows: number }>): Promise<string[]> {
  const out: string[] = []
  await app.db('user_session').first() // throws once the table is gone
  for (const table of TABLES) {
    const [{ n }] = await app.db(table).where('id', '<=', before[table]!.maxId).count<{ n: string }[]>('* as n')
    if (Number(n) < before[table]!.rows) out.push(`${table}: ${n} of ${before[table]!.rows} rows`)
  }
  return out
}

interface Operation {
  path: string
  parameters?: Array<{ in: string; name: string; schema?: { type?: string | string[] } }>
}

describe('SQL injection', () => {
  it('every query and path parameter of every GET route refuses or neutralises injection strings', async () => {
    const spec = app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> }
    const before = await snapshot()
    const problems: string[] = []
    let requests = 0
    for (const [pattern, operations] of Object.entries(spec.paths)) {
      const get = operations.get
      if (!get || !(pattern.startsWith('/api/') || pattern.startsWith('/tiles/'))) continue
      const params = get.parameters ?? []
      const fill = (name: string, value: string) =>
        pattern.replace(/\{([^}]+)\}/g, (_m, p: string) => encodeURIComponent(p === name ? value : p === 'layer' ? 'cells' : '1'))
      for (const param of params) {
        for (const payload of INJECTIONS) {
          const url = param.in === 'path' ? fill(param.name, payload) : `${fill('', '')}?${param.name}=${encodeURIComponent(payload)}`
          const res = await app.inject(url)
          requests++
          if (res.statusCode >= 500) problems.push(`${url} → ${res.statusCode} ${res.body.slice(0, 160)}`)
          if (/syntax error|unterminated|scrypt\$/i.test(res.body)) problems.push(`${url} leaked: ${res.body.slice(0, 160)}`)
        }
      }
    }
    expect(requests).toBeGreaterThan(200)
    expect(problems).toEqual([])
    expect(await lost(before)).toEqual([])
  }, 240_000)

  it('a search for an injection string is a search for that text', async () => {
    const res = await app.inject(`/api/enterprises?q=${encodeURIComponent("' OR '1'='1")}`)
    expect(res.statusCode).toBe(200)
    expect(res.json().numberMatched).toBe(0)
  })
})

describe('path traversal', () => {
  const paths = [
    '/tiles/../../../../etc/passwd',
    '/tiles/..%2f..%2f..%2fetc%2fpasswd/0/0/0.mvt',
    '/tiles/%2e%2e%2f%2e%2e%2fpackage.json',
    '/tiles/cells/0/0/..%2f..%2fpackage.json.mvt',
    '/../../../../etc/passwd',
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/assets/..%2f..%2f..%2fpackage.json',
    '/..%5c..%5cpackage.json',
    '/index.html/..%2f..%2f..%2fpackage.json',
    '/%2e%2e%2fserver%2fconfig.ts',
  ]
  it.each(paths)('%s is refused and reveals nothing', async (url) => {
    const res = await app.inject(url)
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
    expect(res.body).not.toMatch(/root:x:0|"name": "riskmap"|loadConfig/)
  })
})

describe('oversized bodies', () => {
  it('a JSON body over the limit → 413 in the error shape, nothing stored', async () => {
    const before = await snapshot()
    const huge = { enterpriseId: 1, description: 'x'.repeat(1_100_000), isMajor: false, foundAt: '2026-11-01', deadline: '2026-12-01' }
    const res = await app.inject({ method: 'POST', url: '/api/hidden-dangers', payload: huge })
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toMatch(/too_large|FST_ERR_CTP_BODY_TOO_LARGE/)
    expect(await lost(before)).toEqual([])
    // and nothing new from this request: no hidden danger above the snapshot's ids with its text
    expect(
      await app.db('hidden_danger').where('id', '>', before.hidden_danger!.maxId).whereRaw('length(description) > 1000000').count<{ n: string }[]>('* as n'),
    ).toEqual([{ n: '0' }])
  })

  it('a public request over the limit → 413 as well', async () => {
    const anonymous = await buildTestApp({}, { as: null })
    try {
      const res = await anonymous.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'a', password: 'p'.repeat(2_000_000) } })
      expect(res.statusCode).toBe(413)
    } finally {
      await anonymous.close()
    }
  })
})
