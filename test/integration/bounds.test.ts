import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { cellToParent, getResolution } from 'h3-js'
import { buildTestApp } from '../helpers/app'
import { MAX_OFFSET, MAX_RANKING_MAP } from '../../server/http/bounds'
import { MAX_K } from '../../server/modules/resources/nearest'
import { MIN_PYRAMID_RES } from '../../server/grading/engine'

// Every input whose cost grows with its value is bounded before the work starts (issue #14,
// docs/security.md): a request beyond the bound is a 400 naming the parameter, one within it is
// answered. `app` runs at the database's analysis resolution (8); `fine` at resolution 11, where a
// city-sized region or a 50 km circle holds millions of cells, so the area bounds bite.
let app: FastifyInstance
let fine: FastifyInstance

beforeAll(async () => {
  app = await buildTestApp()
  fine = await buildTestApp({ H3_RES: '11' })
  await app.ready() // app.swagger() reads the finished route table
})
afterAll(async () => {
  await app?.close()
  await fine?.close()
})

interface Parameter {
  in: string
  name: string
  schema?: { type?: string | string[]; maximum?: number; exclusiveMaximum?: number; pattern?: string; maxLength?: number; enum?: unknown[]; format?: string }
}

function getRoutes(): Array<{ pattern: string; parameters: Parameter[] }> {
  const spec = app.swagger() as unknown as { paths: Record<string, Record<string, { parameters?: Parameter[] }>> }
  return Object.entries(spec.paths)
    .filter(([pattern, ops]) => ops.get && (pattern.startsWith('/api/') || pattern.startsWith('/tiles/')))
    .map(([pattern, ops]) => ({ pattern, parameters: ops.get!.parameters ?? [] }))
}

function errorField(body: string): string | undefined {
  return (JSON.parse(body) as { error?: { details?: Array<{ field?: string }> } }).error?.details?.[0]?.field
}

describe('bounded work per request', () => {
  it('every numeric query parameter of every GET route declares a maximum (ids: a huge one is no 5xx), every string one a length or pattern', async () => {
    const unbounded: string[] = []
    for (const { pattern, parameters } of getRoutes()) {
      for (const p of parameters) {
        if (p.in !== 'query' || !p.schema) continue
        const types = ([] as string[]).concat(p.schema.type ?? [])
        const numeric = types.includes('integer') || types.includes('number')
        // An identifier costs one index lookup whatever its value; it must only not break the query.
        const identifier = /Id$/.test(p.name) || p.name === 'against'
        if (numeric && identifier && !pattern.includes('{')) {
          const res = await app.inject(`${pattern}?${p.name}=100000000000000000000`)
          if (res.statusCode >= 500) unbounded.push(`${pattern} ?${p.name}=1e20 → ${res.statusCode}`)
        } else if (numeric && p.schema.maximum === undefined && p.schema.exclusiveMaximum === undefined) unbounded.push(`${pattern} ?${p.name}`)
        if (
          types.includes('string') &&
          !p.schema.enum &&
          !p.schema.pattern &&
          !p.schema.format &&
          p.schema.maxLength === undefined &&
          !['bbox', 'q'].includes(p.name)
        ) {
          unbounded.push(`${pattern} ?${p.name} (string)`)
        }
      }
    }
    expect(unbounded).toEqual([])
  })

  it('every paged list refuses an offset beyond the bound (400 naming offset) and answers an empty last page at the bound', async () => {
    const paged = getRoutes().filter((r) => r.parameters.some((p) => p.in === 'query' && p.name === 'offset') && !r.pattern.includes('{'))
    expect(paged.length).toBeGreaterThan(8)
    const problems: string[] = []
    for (const { pattern } of paged) {
      for (const offset of [String(MAX_OFFSET + 1), '100000000000000000000', '9007199254740993']) {
        const res = await app.inject(`${pattern}?offset=${offset}`)
        if (res.statusCode !== 400 || errorField(res.body) !== 'offset')
          problems.push(`${pattern}?offset=${offset} → ${res.statusCode} ${res.body.slice(0, 120)}`)
      }
      const last = await app.inject(`${pattern}?offset=${MAX_OFFSET}`)
      const body = last.statusCode === 200 ? (last.json() as { items?: unknown[]; features?: unknown[] }) : null
      if (!body || (body.items ?? body.features ?? []).length !== 0)
        problems.push(`${pattern}?offset=${MAX_OFFSET} → ${last.statusCode} ${last.body.slice(0, 120)}`)
    }
    expect(problems).toEqual([])
  })

  // One row per cost-bearing parameter that is not a plain numeric maximum: the request, and the
  // parameter its 400 must name (or null: answered, within the bound).
  const table: Array<[string, 'app' | 'fine', string, string | null]> = [
    ['a resolution-0 cell (5.8 million analysis cells)', 'app', '/api/cells/8031fffffffffff', 'h3'],
    ['a resolution-3 cell, below the pyramid', 'app', '/api/cells/833025fffffffff', 'h3'],
    ['a cell finer than the analysis resolution', 'app', '/api/cells/893025c2d0fffff', 'h3'],
    ['k above the largest', 'app', `/api/resources/nearest?lon=123.4&lat=41.8&k=${MAX_K + 1}`, 'k'],
    ['a 50 km incident circle at resolution 8', 'app', '/api/incident/context?lon=123.43&lat=41.8&radiusM=50000', null],
    ['a 50 km incident circle at resolution 11 (millions of cells)', 'fine', '/api/incident/context?lon=123.43&lat=41.8&radiusM=50000', 'radiusM'],
    ['an incident radius above the largest', 'app', '/api/incident/context?lon=123.43&lat=41.8&radiusM=50001', 'radiusM'],
    ['the changes of a whole city at resolution 8', 'app', '/api/changes?since=2026-01-01&region=210100', null],
    ['the changes of a whole city at resolution 11', 'fine', '/api/changes?since=2026-01-01&region=210100', 'region'],
    ['a change window of decades', 'app', '/api/changes?since=1990-01-01', 'since'],
    ['a city report at resolution 11', 'fine', '/api/regions/210100/report', 'key'],
    ['a city report at resolution 8', 'app', '/api/regions/210100/report', null],
    ['a zoom beyond the deepest', 'app', '/tiles/cells/23/0/0.mvt', 'z'],
    ['a limit above the largest', 'app', '/api/enterprises?limit=10001', 'limit'],
    ['a whole-world bbox (bounded by limit)', 'app', '/api/enterprises?bbox=-180,-90,180,90&limit=10', null],
    ['a ranking map of more areas than the largest', 'app', `/api/ranking/map?limit=${MAX_RANKING_MAP + 1}`, 'limit'],
    ['a ranking map of the largest number of areas', 'app', `/api/ranking/map?level=region&rank=township&limit=${MAX_RANKING_MAP}`, null],
  ]
  it.each(table)('%s', async (_what, which, url, field) => {
    const res = await (which === 'app' ? app : fine).inject(url)
    if (field === null) {
      expect(res.statusCode, res.body.slice(0, 200)).toBe(200)
    } else {
      expect(res.statusCode, res.body.slice(0, 200)).toBe(400)
      expect(errorField(res.body)).toBe(field)
    }
  })

  it('a coarse cell is answered from the pyramid: its stored level and the sources of its analysis cells', async () => {
    const red = await app.db('cell').where({ res: 8, level: 4 }).first('h3')
    expect(red).toBeTruthy()
    for (let res = 7; res >= MIN_PYRAMID_RES; res--) {
      const parent = cellToParent(red.h3, res)
      const stored = await app.db('cell').where({ res, h3: parent }).first('level')
      const body = (await app.inject(`/api/cells/${parent}`)).json()
      expect(getResolution(body.h3)).toBe(res)
      expect(body.level, `res ${res}`).toBe(stored.level)
      expect(body.level).toBe(4)
      expect(body.explanation).not.toContain('No identified risk source')
      expect(body.sources.some((s: { level: number }) => s.level === 4)).toBe(true)
    }
  })
})
