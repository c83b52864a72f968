import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { openGuardedPage, readCanvas, startWebSession, stopWebSession, waitForMapIdle, waitUntilReady, type GuardedPage } from '../helpers/browser'
import { publishViaDraft } from '../helpers/publish'
import { CELL_FILL_OPACITY, LEVEL_COLORS, RED_CELL_EDGE, RISK_LEVELS, blendOver, hexToRgb } from '../../web/src/map/levels'
import { BASEMAP_COLORS } from '../../web/src/map/style'

// The staff map's cartography read off the pixels Chromium draws over the shared demo database:
// a county boundary that crosses red cells stands apart from their fill, and no cell colour is
// drawn outside the city's outline (issue 20).

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

const ZOOM = 13

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
})
afterAll(() => stopWebSession({ app, browser }))

async function open(page: Page, lon: number, lat: number): Promise<void> {
  await page.goto('about:blank')
  await page.goto(`${baseUrl}/#map=${ZOOM}/${lat}/${lon}&layers=cells,regions`)
  await waitUntilReady(page)
  await waitForMapIdle(page)
}

type Rgb = [number, number, number]

/**
 * The canvas pixels around each lon/lat (projected with map.project), within `radius` CSS pixels:
 * the darkest one and the per-channel median, read inside a `render` event like readCanvas.
 */
async function pixelsAt(page: Page, points: Array<[number, number]>, radius: number): Promise<Array<{ darkest: Rgb; median: Rgb }>> {
  return page.evaluate(
    ({ points, radius }) =>
      new Promise<Array<{ darkest: [number, number, number]; median: [number, number, number] }>>((resolve) => {
        const map = window.__riskmap!.map
        map.once('render', () => {
          const canvas = map.getCanvas()
          const ratio = canvas.width / map.getContainer().clientWidth
          const copy = document.createElement('canvas')
          copy.width = canvas.width
          copy.height = canvas.height
          const context = copy.getContext('2d', { willReadFrequently: true })!
          context.drawImage(canvas, 0, 0)
          resolve(
            points.map(([lon, lat]) => {
              const p = map.project([lon, lat])
              const r = Math.round(radius * ratio)
              const x0 = Math.round(p.x * ratio)
              const y0 = Math.round(p.y * ratio)
              const data = context.getImageData(x0 - r, y0 - r, 2 * r + 1, 2 * r + 1).data
              const pixels: Array<[number, number, number]> = []
              for (let i = 0; i < data.length; i += 4) pixels.push([data[i]!, data[i + 1]!, data[i + 2]!])
              const lum = (c: [number, number, number]) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
              const darkest = pixels.reduce((a, b) => (lum(b) < lum(a) ? b : a))
              const median = [0, 1, 2].map((k) => pixels.map((c) => c[k]!).sort((a, b) => a - b)[Math.floor(pixels.length / 2)]!) as [number, number, number]
              return { darkest, median }
            }),
          )
        })
        map.triggerRepaint()
      }),
    { points, radius },
  )
}

const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])

describe('cartography of the staff map', () => {
  it('a county boundary crossing red cells is drawn apart from their fill', async () => {
    // Red analysis cells cut by a county boundary (not the city's outline), each with a point on the
    // boundary inside the cell and the cell's centre well away from the boundary.
    const { rows } = await app.db.raw<{ rows: Array<{ h3: string; blon: number; blat: number; clon: number; clat: number }> }>(
      `WITH b AS (SELECT ST_Boundary(geom) AS line, code FROM division WHERE rank = 'county'),
            outline AS (SELECT ST_Boundary(ST_Union(geom)) AS line FROM division WHERE parent_code IS NULL)
       SELECT c.h3, ST_X(p) AS blon, ST_Y(p) AS blat, ST_X(ctr) AS clon, ST_Y(ctr) AS clat
       FROM cell c JOIN b ON ST_Intersects(c.geom, b.line), outline,
            LATERAL (SELECT ST_ClosestPoint(ST_Intersection(c.geom, b.line), ST_Centroid(c.geom)) AS p, ST_Centroid(c.geom) AS ctr) q
       WHERE c.res = 8 AND c.level = 4 AND NOT c.stale
         AND ST_Distance(q.ctr::geography, b.line::geography) > 200
         AND ST_Distance(q.p::geography, outline.line::geography) > 2000
       ORDER BY c.id LIMIT 3`,
    )
    expect(rows.length, 'red cells crossed by a county boundary in the demo data').toBeGreaterThan(0)
    const redFill = blendOver(LEVEL_COLORS[4], CELL_FILL_OPACITY, BASEMAP_COLORS.countyFill)
    const { page, guard } = session
    for (const r of rows) {
      await open(page, Number(r.clon), Number(r.clat))
      const [onLine, inCell] = await pixelsAt(
        page,
        [
          [Number(r.blon), Number(r.blat)],
          [Number(r.clon), Number(r.clat)],
        ],
        2,
      )
      // The cell's own colour is the red fill.
      expect(distance(inCell!.median, redFill), `${r.h3} fill ${inCell!.median}`).toBeLessThan(40)
      // The boundary is dark and far from that red.
      expect(distance(onLine!.darkest, redFill), `${r.h3} boundary ${onLine!.darkest}`).toBeGreaterThan(150)
      expect(0.299 * onLine!.darkest[0] + 0.587 * onLine!.darkest[1] + 0.114 * onLine!.darkest[2], `${r.h3} boundary luminance`).toBeLessThan(90)
      // Red cells carry their dark edge (for red-green colour-vision deficiency).
      const edge = await readCanvas(page, { colors: { edge: hexToRgb(RED_CELL_EDGE) }, tolerance: 24 })
      expect(edge.byColor.edge, `${r.h3} red cell edges in view`).toBeGreaterThan(100)
    }
    guard.assertClean()
  })

  it('no cell colour is drawn outside the city outline where graded cells cross it', async () => {
    // Graded analysis cells crossing the outline, each with a point of the cell well outside the outline.
    const { rows } = await app.db.raw<{ rows: Array<{ h3: string; level: number; lon: number; lat: number; clon: number; clat: number }> }>(
      `WITH u AS (SELECT ST_Union(geom) AS g FROM division WHERE parent_code IS NULL),
            o AS (SELECT g, ST_Buffer(g::geography, 150)::geometry AS grown, ST_Buffer(g::geography, -150)::geometry AS shrunk FROM u)
       SELECT c.h3, c.level, ST_X(q.p) AS lon, ST_Y(q.p) AS lat, ST_X(q.i) AS clon, ST_Y(q.i) AS clat
       FROM cell c, o,
            LATERAL (SELECT ST_PointOnSurface(ST_Difference(c.geom, o.grown)) AS p, ST_PointOnSurface(ST_Intersection(c.geom, o.shrunk)) AS i) q
       WHERE c.res = 8 AND c.level > 0 AND NOT c.stale AND NOT ST_CoveredBy(c.geom, o.g) AND NOT ST_IsEmpty(q.p) AND NOT ST_IsEmpty(q.i)
       ORDER BY c.level DESC, c.id LIMIT 3`,
    )
    expect(rows.length, 'graded cells crossing the outline in the demo data').toBeGreaterThan(0)
    const backgrounds = [BASEMAP_COLORS.background, BASEMAP_COLORS.countyFill]
    const seen = RISK_LEVELS.flatMap((l) => backgrounds.map((bg) => ({ level: l, rgb: blendOver(LEVEL_COLORS[l], CELL_FILL_OPACITY, bg) })))
    const { page, guard } = session
    for (const r of rows) {
      await open(page, Number(r.lon), Number(r.lat))
      const [outside, inside] = await pixelsAt(
        page,
        [
          [Number(r.lon), Number(r.lat)],
          [Number(r.clon), Number(r.clat)],
        ],
        1,
      )
      // The cell itself is drawn (inside the outline), so the view is not simply empty…
      const ownColour = blendOver(LEVEL_COLORS[r.level as 1 | 2 | 3 | 4], CELL_FILL_OPACITY, BASEMAP_COLORS.countyFill)
      expect(distance(inside!.median, ownColour), `${r.h3} drawn inside ${inside!.median}`).toBeLessThan(40)
      // …but its part outside the outline is not.
      for (const s of seen)
        expect(distance(outside!.median, s.rgb), `${r.h3} outside the outline looks like level ${s.level}: ${outside!.median}`).toBeGreaterThan(25)
    }
    guard.assertClean()
  })

  it('the public portal draws red cells with the same dark edge, and its legend shows it', async () => {
    const published = await publishViaDraft(app, 'cartography: red edge on the public portal')
    const { rows } = await app.db.raw<{ rows: Array<{ lon: number; lat: number }> }>(
      `SELECT ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat FROM publication_cell
       WHERE publication_id = ? AND res = ? AND level = 4 AND NOT stale ORDER BY id LIMIT 1`,
      [published.id, published.resolution],
    )
    expect(rows.length, 'a red cell in the publication').toBe(1)
    const visitor = await openGuardedPage(browser)
    try {
      const { page } = visitor
      await page.goto(`${baseUrl}/public.html#map=${ZOOM}/${rows[0]!.lat}/${rows[0]!.lon}`)
      await waitUntilReady(page)
      await waitForMapIdle(page)
      const edge = await readCanvas(page, { colors: { edge: hexToRgb(RED_CELL_EDGE) }, tolerance: 24 })
      expect(edge.byColor.edge, 'red cell edges in view').toBeGreaterThan(100)
      const border = await page.locator('.legend-item[data-level="4"] .legend-swatch').evaluate((node) => getComputedStyle(node).borderTopColor)
      expect(border).toBe(`rgb(${hexToRgb(RED_CELL_EDGE).join(', ')})`)
      visitor.guard.assertClean()
    } finally {
      await visitor.context.close()
    }
  })
})
