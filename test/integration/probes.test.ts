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

const INJECTIONS = [
  "' OR '1'='1",
  "1; DROP TABLE enterprise; --",
  "210106' UNION SELECT password_hash FROM app_user --",
  "$1) OR (1=1",
]

/** Row counts of the tables an injection would most like to read or destroy. */
async function counts(): Promise<Record<string, number>> {
  const tables = ['enterprise', 'hidden_danger', 'app_user', 'user_session', 'audit_log', 'major_hazard']
  const out: Record<string, number> = {}
  for (const table of tables) {
    const [{ count }] = await app.db(table).count<{ count: string }[]>('* as count')
    out[table] = Number(count)
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
    const before = await counts()
    const problems: string[] = []
    let requests = 0
    for (const [pattern, operations] of Object.entries(spec.paths)) {
      const get = operations.get
      if (!get || !(pattern.startsWith('/api/') || pattern.startsWith('/tiles/'))) continue
      const params = get.parameters ?? []
      const fill = (name: string, value: string) => pattern.replace(/\{([^}]+)\}/g, (_m, p: string) => encodeURIComponent(p === name ? value : p === 'layer' ? 'cells' : '1'))
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
    expect(await counts()).toEqual(before)
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
    const before = await counts()
    const huge = { enterpriseId: 1, description: 'x'.repeat(1_100_000), isMajor: false, foundAt: '2026-11-01', deadline: '2026-12-01' }
    const res = await app.inject({ method: 'POST', url: '/api/hidden-dangers', payload: huge })
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toMatch(/too_large|FST_ERR_CTP_BODY_TOO_LARGE/)
    expect(await counts()).toEqual(before)
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
