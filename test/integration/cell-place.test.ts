import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { cellToLatLng, latLngToCell } from 'h3-js'
import { buildTestApp } from '../helpers/app'

// The cell explanation names the county and the township a cell lies in (its human title in the
// panel), checked against the division polygons of the shared demo database.

let app: FastifyInstance

beforeAll(async () => {
  app = await buildTestApp()
})
afterAll(async () => {
  await app?.close()
})

interface Place {
  code: string
  name: string
  nameEn: string | null
}

async function placeOf(h3: string): Promise<{ county: Place | null; township: Place | null }> {
  const res = await app.inject({ url: `/api/cells/${h3}` })
  expect(res.statusCode, res.body).toBe(200)
  return res.json().place
}

/** The division of a rank whose polygon covers a point, by plain SQL. */
async function coveringDivision(rank: string, lon: number, lat: number) {
  return app.db('division').where({ rank }).whereRaw('ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))', [lon, lat]).first('code', 'name', 'name_en')
}

describe('a cell names the place it lies in', () => {
  it('the township and the county holding its centre, for analysis cells inside the city', async () => {
    const cells = await app.db('cell').where({ res: 8 }).where('level', '>', 0).orderBy('id').limit(8).pluck('h3')
    expect(cells.length).toBeGreaterThan(0)
    let named = 0
    for (const h3 of cells as string[]) {
      const [lat, lon] = cellToLatLng(h3)
      const [township, county] = [await coveringDivision('township', lon, lat), await coveringDivision('county', lon, lat)]
      const place = await placeOf(h3)
      if (township) {
        expect(place.township, h3).toEqual({ code: township.code, name: township.name, nameEn: township.name_en })
        named++
      }
      if (county) expect(place.county, h3).toEqual({ code: county.code, name: county.name, nameEn: county.name_en })
      // A township lies in its county.
      if (place.township && place.county) expect(place.township.code.startsWith(place.county.code), h3).toBe(true)
    }
    expect(named).toBeGreaterThan(0)
  })

  it('a summary (pyramid) cell is named too', async () => {
    const h3 = (await app.db('cell').where({ res: 6 }).where('level', '>', 0).orderBy('id').first('h3'))?.h3 as string
    const place = await placeOf(h3)
    expect(place.county).not.toBeNull()
    expect(place.county!.name.length).toBeGreaterThan(0)
  })

  it('null for a cell far from every division', async () => {
    // A resolution-8 cell in the South China Sea: valid, ungraded, outside the deployment.
    const place = await placeOf(latLngToCell(15, 115, 8))
    expect(place).toEqual({ county: null, township: null })
  })
})
