import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { getResolution } from 'h3-js'
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { buildTestApp } from '../helpers/app'
import { signIn, signInOther } from '../helpers/auth'
import { publishViaDraft } from '../helpers/publish'
import { MIN_PYRAMID_RES } from '../../server/grading/engine'
import { tileAt } from '../../server/modules/tiles/tile'

// Publications over the shared graded demo database: the snapshot is the live state at publish
// time, later edits leave it alone, the database refuses to change it, and the diff between two
// publications names exactly the cells and regions whose level moved.

let planner: FastifyInstance
let inspector: FastifyInstance
/** Makes the live edits (admin passes every access rule). */
let admin: FastifyInstance
const PUBLIC_MAX_RES = 7

beforeAll(async () => {
  planner = await buildTestApp({ PUBLIC_MAX_RES: String(PUBLIC_MAX_RES) }, { as: 'planner' })
  inspector = await buildTestApp({}, { as: 'inspector' })
  admin = await buildTestApp()
})
afterAll(async () => {
  await planner?.close()
  await inspector?.close()
  await admin?.close()
})

interface CellLevel {
  h3: string
  res: number
  level: number
  stale: boolean
}

const key = (c: { h3: string; res: number }) => `${c.res}/${c.h3}`

async function liveCells(from: number, to: number): Promise<Map<string, CellLevel>> {
  const rows = (await planner.db('cell').whereBetween('res', [from, to]).select('h3', 'res', 'level', 'stale')) as CellLevel[]
  return new Map(rows.map((r) => [key(r), { h3: r.h3, res: Number(r.res), level: Number(r.level), stale: r.stale }]))
}

async function snapshotCells(id: number): Promise<Map<string, CellLevel>> {
  const rows = (await planner.db('publication_cell').where({ publication_id: id }).select('h3', 'res', 'level', 'stale')) as CellLevel[]
  return new Map(rows.map((r) => [key(r), { h3: r.h3, res: Number(r.res), level: Number(r.level), stale: r.stale }]))
}

/** Published in two steps: the test planner's draft, approved by the test admin. */
function publish(note: string, app = planner) {
  return publishViaDraft(app, note)
}

describe('publications', () => {
  let first: Awaited<ReturnType<typeof publish>>
  let liveAtFirst: Map<string, CellLevel>

  it('snapshot the live cell levels from the coarsest pyramid resolution up to PUBLIC_MAX_RES, regions and areas', async () => {
    first = await publish('第一次发布（测试）')
    liveAtFirst = await liveCells(MIN_PYRAMID_RES, PUBLIC_MAX_RES)
    expect(first.resolution).toBe(PUBLIC_MAX_RES)
    expect(first.minResolution).toBe(MIN_PYRAMID_RES)

    const snapshot = await snapshotCells(first.id)
    expect(snapshot.size).toBeGreaterThan(100)
    expect(snapshot).toEqual(liveAtFirst)
    // never finer than the public resolution: no single site can be located
    const { rows } = await planner.db.raw('SELECT max(res) AS max, min(res) AS min FROM publication_cell WHERE publication_id = ?', [first.id])
    expect(Number(rows[0].max)).toBe(PUBLIC_MAX_RES)
    expect(Number(rows[0].min)).toBe(MIN_PYRAMID_RES)

    const regions = await planner.db('publication_region').where({ publication_id: first.id }).select('region_kind', 'region_key', 'level', 'shares')
    const liveRegions = await planner.db('region_level').select('region_kind', 'region_key', 'level', 'shares')
    const byKey = (rs: Array<{ region_kind: string; region_key: string }>) =>
      [...rs].sort((a, b) => `${a.region_kind}/${a.region_key}`.localeCompare(`${b.region_kind}/${b.region_key}`))
    expect(byKey(regions)).toEqual(byKey(liveRegions))
    expect(regions.length).toBeGreaterThan(10)

    const areas = await planner.db('publication_area').where({ publication_id: first.id }).orderBy('area_id').select('area_id', 'level')
    const liveAreas = await planner.db('area_assessment').orderBy('id').select('id as area_id', 'level')
    expect(areas.map((a) => [Number(a.area_id), a.level])).toEqual(liveAreas.map((a) => [Number(a.area_id), a.level]))

    // counts per level at the published resolution
    const atRes = [...snapshot.values()].filter((c) => c.res === PUBLIC_MAX_RES)
    for (const level of [0, 1, 2, 3, 4]) expect(first.counts.cells[level]).toBe(atRes.filter((c) => c.level === level).length)
  })

  it('record the approver and audit the creation', async () => {
    const row = await planner
      .db('publication as p')
      .join('app_user as u', 'u.id', 'p.approved_by')
      .where('p.id', first.id)
      .first('u.username', 'p.rule_version', 'p.data_version')
    expect(row.username).toBe('test_admin')
    expect(row.rule_version).toEqual(expect.any(String))
    const audit = await planner
      .db('audit_log')
      .where({ entity: 'publication', entity_id: String(first.id) })
      .first()
    expect(audit).toMatchObject({ action: 'created', username: 'test_admin', before: null })
    expect(audit.after).toMatchObject({ id: first.id, note: '第一次发布（测试）' })
    const draft = await planner.db('publication_draft').where({ publication_id: first.id }).first('id')
    const steps = await planner
      .db('audit_log')
      .where({ entity: 'publication_draft', entity_id: String(draft.id) })
      .orderBy('id')
      .select('action', 'username')
    expect(steps).toEqual([
      { action: 'created', username: 'test_planner' },
      { action: 'approved', username: 'test_admin' },
    ])
  })

  it('are listed newest first and read one by one; only planners and admins publish', async () => {
    const list = await inspector.inject({ method: 'GET', url: '/api/publications' })
    expect(list.statusCode).toBe(200)
    const ids = list.json().items.map((p: { id: number }) => p.id)
    expect(ids).toContain(first.id)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    const one = await inspector.inject({ method: 'GET', url: `/api/publications/${first.id}` })
    expect(one.json()).toMatchObject({ id: first.id, resolution: PUBLIC_MAX_RES, approverName: 'test_admin' })
    expect((await inspector.inject({ method: 'GET', url: '/api/publications/999999' })).statusCode).toBe(404)
    expect((await inspector.inject({ method: 'POST', url: '/api/publications/drafts', payload: { note: 'x' } })).statusCode).toBe(403)
    expect((await planner.inject({ method: 'POST', url: '/api/publications/drafts', payload: { note: 'x'.repeat(501) } })).statusCode).toBe(400)
    // there is no one-step publishing
    expect((await planner.inject({ method: 'POST', url: '/api/publications', payload: { note: 'x' } })).statusCode).toBe(404)
    // no route changes or removes one
    expect((await planner.inject({ method: 'DELETE', url: `/api/publications/${first.id}` })).statusCode).toBe(404)
    expect((await planner.inject({ method: 'PUT', url: `/api/publications/${first.id}`, payload: {} })).statusCode).toBe(404)
  })

  it('are immutable in the database: UPDATE, DELETE and TRUNCATE are refused on all four tables', async () => {
    const db = planner.db
    const refused = /publications are immutable/
    const id = first.id
    await expect(db.raw("UPDATE publication SET note = 'changed' WHERE id = ?", [id])).rejects.toThrow(refused)
    await expect(db.raw('DELETE FROM publication WHERE id = ?', [id])).rejects.toThrow(refused)
    await expect(db.raw('UPDATE publication_cell SET level = 4 WHERE publication_id = ?', [id])).rejects.toThrow(refused)
    await expect(db.raw('DELETE FROM publication_cell WHERE publication_id = ?', [id])).rejects.toThrow(refused)
    await expect(db.raw('UPDATE publication_region SET level = 0 WHERE publication_id = ?', [id])).rejects.toThrow(refused)
    await expect(db.raw('DELETE FROM publication_region WHERE publication_id = ?', [id])).rejects.toThrow(refused)
    await expect(db.raw("UPDATE publication_area SET name = 'x' WHERE publication_id = ?", [id])).rejects.toThrow(refused)
    await expect(db.raw('DELETE FROM publication_area WHERE publication_id = ?', [id])).rejects.toThrow(refused)
    await expect(db.raw('TRUNCATE publication_cell')).rejects.toThrow(refused)
    expect(await snapshotCells(first.id)).toEqual(liveAtFirst)
    expect((await db('publication').where({ id: first.id }).first('note')).note).toBe('第一次发布（测试）')
  })

  it('keep their content after a live edit; the diff of a second publication names exactly the changed cells and regions', async () => {
    // A res-7 cell below red, with an analysis cell at its centre: a red area there raises both.
    const { rows } = await planner.db.raw<{ rows: Array<{ h3: string; lon: number; lat: number }> }>(
      `SELECT h3, ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat FROM cell
       WHERE res = ? AND level BETWEEN 1 AND 2 AND NOT stale ORDER BY level, h3 LIMIT 1`,
      [PUBLIC_MAX_RES],
    )
    const spot = rows[0]!
    const regionsBefore = await planner.db('region_level').select('region_kind', 'region_key', 'level')
    const d = 0.001 // degrees: a ≈ 170 m square
    const created = await admin.inject({
      method: 'POST',
      url: '/api/area-assessments',
      payload: {
        name: '发布差异测试区域',
        kind: 'area',
        assessor: '测试',
        assessedAt: new Date().toISOString().slice(0, 10),
        method: 'stated',
        stated: { level: 4, method: '专家判定' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [spot.lon - d, spot.lat - d],
              [spot.lon + d, spot.lat - d],
              [spot.lon + d, spot.lat + d],
              [spot.lon - d, spot.lat + d],
              [spot.lon - d, spot.lat - d],
            ],
          ],
        },
      },
    })
    expect(created.statusCode, created.body).toBe(201)
    const areaId = created.json().id as number
    try {
      const liveNow = await liveCells(PUBLIC_MAX_RES, PUBLIC_MAX_RES)
      expect(liveNow.get(key({ h3: spot.h3, res: PUBLIC_MAX_RES }))?.level).toBe(4)
      // the first publication still shows what was live when it was made
      expect(await snapshotCells(first.id)).toEqual(liveAtFirst)

      const second = await publish('第二次发布（测试）')
      const regionsNow = await planner.db('region_level').select('region_kind', 'region_key', 'level')
      const diff = await inspector.inject({ method: 'GET', url: `/api/publications/${second.id}/diff?against=${first.id}` })
      expect(diff.statusCode, diff.body).toBe(200)
      const body = diff.json()

      const expectedCells = new Map<string, { before: number; after: number }>()
      const beforeAtRes = new Map([...liveAtFirst.values()].filter((c) => c.res === PUBLIC_MAX_RES).map((c) => [c.h3, c.level]))
      for (const h3 of new Set([...beforeAtRes.keys(), ...[...liveNow.values()].map((c) => c.h3)])) {
        const before = beforeAtRes.get(h3) ?? 0
        const after = liveNow.get(key({ h3, res: PUBLIC_MAX_RES }))?.level ?? 0
        if (before !== after) expectedCells.set(h3, { before, after })
      }
      expect(expectedCells.get(spot.h3)?.after).toBe(4)
      const gotCells = new Map<string, { before: number; after: number }>(
        body.cells.features.map((f: { properties: { h3: string; before: number; after: number; res: number; change: string } }) => {
          expect(f.properties.res).toBe(PUBLIC_MAX_RES)
          expect(f.properties.change).toBe(f.properties.after > f.properties.before ? 'raised' : 'lowered')
          return [f.properties.h3, { before: f.properties.before, after: f.properties.after }]
        }),
      )
      expect(gotCells).toEqual(expectedCells)
      expect(body.summary.cellsChanged).toBe(expectedCells.size)
      expect(body.summary.cellsRaised + body.summary.cellsLowered).toBe(expectedCells.size)
      const feature = body.cells.features.find((f: { properties: { h3: string } }) => f.properties.h3 === spot.h3)
      expect(feature.geometry.type).toBe('Polygon')

      const levelOf = (rs: Array<{ region_kind: string; region_key: string; level: number }>) =>
        new Map(rs.map((r) => [`${r.region_kind}/${r.region_key}`, Number(r.level)]))
      const [rb, ra] = [levelOf(regionsBefore), levelOf(regionsNow)]
      const expectedRegions = [...ra.keys()].filter((k) => (rb.get(k) ?? 0) !== ra.get(k)).sort()
      const levelChanges = body.regions.filter((r: { change: string }) => r.change !== 'shares')
      const gotRegions = levelChanges.map((r: { kind: string; key: string }) => `${r.kind}/${r.key}`).sort()
      expect(gotRegions).toEqual(expectedRegions)
      for (const r of body.regions)
        expect(r).toMatchObject({ before: rb.get(`${r.kind}/${r.key}`) ?? 0, after: ra.get(`${r.kind}/${r.key}`) ?? 0, name: expect.any(String) })
      // the red area is why: its cells are named with their cause
      expect(body.causes).toContainEqual(
        expect.objectContaining({ cause: { kind: 'area_assessment', id: areaId, action: 'created' }, raised: expect.any(Number) }),
      )
      expect(body.summary.regionsChanged).toBe(expectedRegions.length)

      // the reverse diff swaps before and after
      const reverse = (await inspector.inject({ method: 'GET', url: `/api/publications/${first.id}/diff?against=${second.id}` })).json()
      expect(reverse.summary.cellsRaised).toBe(body.summary.cellsLowered)
      expect(reverse.summary.cellsLowered).toBe(body.summary.cellsRaised)
      expect((await inspector.inject({ method: 'GET', url: `/api/publications/${first.id}/diff?against=999999` })).statusCode).toBe(400)
      expect((await inspector.inject({ method: 'GET', url: `/api/publications/${first.id}/diff` })).statusCode).toBe(400)
    } finally {
      // Put the demo back as it was.
      expect((await admin.inject({ method: 'DELETE', url: `/api/area-assessments/${areaId}` })).statusCode).toBe(200)
    }
  })

  it('cap the public tiles at the published resolution at every zoom', async () => {
    const coarse = await buildTestApp({ PUBLIC_MAX_RES: '5' }, { as: null })
    try {
      const res = await coarse.inject({ method: 'POST', url: '/api/publications/drafts', payload: { note: 'coarse' } })
      expect(res.statusCode).toBe(401) // anonymous cannot publish
      const coarseAdmin = await buildTestApp({ PUBLIC_MAX_RES: '5' })
      const published = await publish('粗分辨率发布（测试）', coarseAdmin)
      await coarseAdmin.close()
      expect(published.resolution).toBe(5)
      const { rows } = await coarse.db.raw('SELECT max(res) AS max FROM publication_cell WHERE publication_id = ?', [published.id])
      expect(Number(rows[0].max)).toBe(5)
      for (const z of [6, 9, 12, 14]) {
        const { x, y } = tileAt(123.43, 41.8, z)
        const tile = await coarse.inject({ method: 'GET', url: `/tiles/public/cells/${z}/${x}/${y}.mvt` })
        expect([200, 204]).toContain(tile.statusCode)
        if (tile.statusCode !== 200) continue
        const layer = new VectorTile(new PbfReader(tile.rawPayload)).layers.cells!
        for (let i = 0; i < layer.length; i++) {
          const props = layer.feature(i).properties
          expect(Object.keys(props).sort()).toEqual(['h3', 'level', 'stale'])
          expect(getResolution(String(props.h3))).toBeLessThanOrEqual(5)
        }
      }
    } finally {
      await coarse.close()
    }
  })
})

describe('publishing in two steps', () => {
  const draft = async (app: FastifyInstance, headers: Record<string, string>, note: string) => {
    const res = await app.inject({ method: 'POST', url: '/api/publications/drafts', headers, payload: { note } })
    expect(res.statusCode, res.body).toBe(201)
    return res.json() as { id: number; status: string; preparedBy: number; dataVersion: number; basePublicationId: number | null }
  }

  it('a planner prepares a draft with a preview; the author may not approve it, another planner or admin approves or rejects it with a note', async () => {
    const [author, other, inspectorSession] = [await signIn(planner, 'planner'), await signIn(planner, 'admin'), await signIn(planner, 'inspector')]
    const latest = (await planner.db('publication').max('id as id').first()) as { id: number | null }
    const d = await draft(planner, author.headers, '两步发布测试')
    expect(d).toMatchObject({ status: 'pending', preparedBy: author.user.id, basePublicationId: latest.id })

    const preview = await planner.inject({ method: 'GET', url: `/api/publications/drafts/${d.id}/preview`, headers: inspectorSession.headers })
    expect(preview.statusCode, preview.body).toBe(200)
    expect(preview.json()).toMatchObject({ draft: { id: d.id }, current: { id: latest.id }, outdated: false, summary: { cellsChanged: expect.any(Number) } })

    // the author's own approval (and rejection) is refused, by the API and by the database
    const own = await planner.inject({ method: 'POST', url: `/api/publications/drafts/${d.id}/approve`, headers: author.headers, payload: {} })
    expect(own.statusCode).toBe(403)
    expect(own.json().error.code).toBe('own_draft')
    expect(
      (await planner.inject({ method: 'POST', url: `/api/publications/drafts/${d.id}/reject`, headers: author.headers, payload: { note: '自己驳回' } }))
        .statusCode,
    ).toBe(403)
    await expect(
      planner.db.raw(`UPDATE publication_draft SET status = 'rejected', decided_by = prepared_by, decided_at = now() WHERE id = ${Number(d.id)}`),
    ).rejects.toThrow(/publication_draft_four_eyes/)
    // an inspector may look, not decide
    expect(
      (await planner.inject({ method: 'POST', url: `/api/publications/drafts/${d.id}/approve`, headers: inspectorSession.headers, payload: {} })).statusCode,
    ).toBe(403)
    expect((await planner.db('publication').max('id as id').first())!.id).toBe(latest.id)

    const approved = await planner.inject({
      method: 'POST',
      url: `/api/publications/drafts/${d.id}/approve`,
      headers: other.headers,
      payload: { note: '已核对' },
    })
    expect(approved.statusCode, approved.body).toBe(201)
    const published = approved.json()
    expect(published).toMatchObject({ id: expect.any(Number), note: '两步发布测试', approverName: 'test_admin' })
    const row = await planner.db('publication_draft').where({ id: d.id }).first('status', 'decided_by', 'decision_note', 'publication_id')
    expect(row).toMatchObject({ status: 'approved', decided_by: other.user.id, decision_note: '已核对', publication_id: published.id })
    // decided once: a second approval, by anyone, is refused
    for (const headers of [other.headers, author.headers]) {
      const again = await planner.inject({ method: 'POST', url: `/api/publications/drafts/${d.id}/approve`, headers, payload: {} })
      expect([403, 409]).toContain(again.statusCode)
    }

    // a rejection needs a note and publishes nothing
    const r = await draft(planner, author.headers, '待驳回的草稿')
    const noNote = await planner.inject({ method: 'POST', url: `/api/publications/drafts/${r.id}/reject`, headers: other.headers, payload: {} })
    expect(noNote.statusCode).toBe(400)
    expect(noNote.body).toContain('note')
    const rejected = await planner.inject({
      method: 'POST',
      url: `/api/publications/drafts/${r.id}/reject`,
      headers: other.headers,
      payload: { note: '数据尚未核实' },
    })
    expect(rejected.statusCode, rejected.body).toBe(200)
    expect(rejected.json()).toMatchObject({ status: 'rejected', decisionNote: '数据尚未核实', publicationId: null })
    expect((await planner.db('publication').max('id as id').first())!.id).toBe(published.id)
    const audit = await planner
      .db('audit_log')
      .where({ entity: 'publication_draft', entity_id: String(r.id) })
      .orderBy('id')
      .select('action', 'username')
    expect(audit).toEqual([
      { action: 'created', username: 'test_planner' },
      { action: 'rejected', username: 'test_admin' },
    ])
    const pending = (await planner.inject({ method: 'GET', url: '/api/publications/drafts?status=pending', headers: inspectorSession.headers })).json()
    expect(pending.items.map((x: { id: number }) => x.id)).not.toContain(r.id)
  })

  it('show what a verified rectification changed (it lowers cells), and refuse a draft whose data moved after its preview', async () => {
    const [author, other] = [await signIn(admin, 'planner'), await signIn(admin, 'admin')]
    // An enterprise in a yellow-or-lower analysis cell: a major hidden danger turns its zone red.
    const { rows } = await admin.db.raw<{ rows: Array<{ id: number }> }>(
      `SELECT e.id FROM enterprise e JOIN cell c ON c.res = ? AND ST_Intersects(c.geom, e.geom)
       WHERE c.level BETWEEN 1 AND 2 ORDER BY e.id LIMIT 1`,
      [admin.grading.res],
    )
    const enterpriseId = Number(rows[0]!.id)
    const today = new Date().toISOString().slice(0, 10)
    const reported = await admin.inject({
      method: 'POST',
      url: '/api/hidden-dangers',
      payload: { enterpriseId, description: '发布差异测试：储罐区可燃气体报警失效', foundAt: today, deadline: today },
    })
    expect(reported.statusCode, reported.body).toBe(201)
    const dangerId = reported.json().id as number
    const before = await publishViaDraft(admin, '整改前（测试）')

    // a draft prepared now, then the rectification verified: the draft is outdated
    const stale = await draft(admin, author.headers, '过期草稿（测试）')
    expect((await admin.inject({ method: 'POST', url: `/api/hidden-dangers/${dangerId}/rectify`, payload: { rectification: '更换探头' } })).statusCode).toBe(
      200,
    )
    // verified by another account than the admin who reported it (separation of duties)
    const verifier = await signInOther(admin, 'test_verifier_publication', 'admin')
    expect((await admin.inject({ method: 'POST', url: `/api/hidden-dangers/${dangerId}/verify`, payload: {}, headers: verifier.headers })).statusCode).toBe(200)
    const outdated = (await admin.inject({ method: 'GET', url: `/api/publications/drafts/${stale.id}/preview` })).json()
    expect(outdated.outdated).toBe(true)
    const refused = await admin.inject({ method: 'POST', url: `/api/publications/drafts/${stale.id}/approve`, headers: other.headers, payload: {} })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().error.message).toMatch(/data changed/)

    // a fresh draft's preview names the change and its cause; so does the diff once published
    const verifiedCause = { kind: 'hidden_danger', id: dangerId, action: 'verified' }
    const lowered = (causes: Array<{ cause: object; lowered: number }>) =>
      causes.find((c) => expect.objectContaining(verifiedCause).asymmetricMatch(c.cause))?.lowered ?? 0
    let preview: {
      current: { id: number }
      causes: Array<{ cause: object; lowered: number }>
      summary: { analysisCellsChanged: number }
      cells: { features: unknown[] }
    }
    let approved
    // (a test file editing the shared database meanwhile outdates the draft: prepare it again)
    for (let attempt = 0; attempt < 3; attempt++) {
      const fresh = await draft(admin, author.headers, '整改后（测试）')
      preview = (await admin.inject({ method: 'GET', url: `/api/publications/drafts/${fresh.id}/preview` })).json()
      approved = await admin.inject({ method: 'POST', url: `/api/publications/drafts/${fresh.id}/approve`, headers: other.headers, payload: {} })
      if (approved.statusCode !== 409) break
    }
    expect(preview!.current.id).toBe(before.id)
    expect(lowered(preview!.causes)).toBeGreaterThan(0)
    expect(preview!.summary.analysisCellsChanged).toBeGreaterThan(0)
    expect(approved!.statusCode, approved!.body).toBe(201)
    const after = approved!.json() as { id: number }
    const diff = (await inspector.inject({ method: 'GET', url: `/api/publications/${after.id}/diff?against=${before.id}` })).json()
    expect(lowered(diff.causes)).toBe(lowered(preview!.causes))
    const s = diff.summary
    // the diff of the two publications is not empty: cells, region levels or region shares moved
    expect(s.cellsChanged + s.regionsChanged + s.regionsReshared).toBeGreaterThan(0)
    expect(diff.cells.features.length).toBe(preview!.cells.features.length)
  })
})
