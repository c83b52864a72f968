/**
 * Bounds on the work one request may ask for (docs/security.md). Every input whose cost grows with
 * its value is checked against these BEFORE the work starts, and a request beyond them is a 400
 * that names the parameter. The table test test/integration/bounds.test.ts walks every one.
 */
import { getHexagonAreaAvg } from 'h3-js'
import { invalid } from '../errors'

/** Deepest `offset` of any paged list: deeper pages cost a scan of every row before them. */
export const MAX_OFFSET = 1_000_000

/** The `offset` query parameter of every paged list. */
export const offsetParam = { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0, description: `rows to skip, at most ${MAX_OFFSET}` } as const

/** Largest row id a request may name (PostgreSQL `integer`; bigserial ids never reach it here). */
export const MAX_ID = 2_147_483_647

/** A coarse cell is explained from at most this many analysis cells (7⁴: four resolutions coarser). */
export const MAX_EXPLAINED_CELLS = 7 ** 4

/** A region (or any area) is expanded to at most this many analysis cells in one request. */
export const MAX_REGION_CELLS = 200_000

/** Longest window of the level-change history one request may group, days. */
export const MAX_CHANGES_DAYS = 3 * 366

/** Throws 400 naming `field` when an area of `areaM2` covers more than MAX_REGION_CELLS cells at `res`. */
export function assertAreaCells(areaM2: number, res: number, field: string): void {
  const cells = Math.ceil(areaM2 / (getHexagonAreaAvg(res, 'km2') * 1e6))
  if (cells > MAX_REGION_CELLS) {
    throw invalid(
      field,
      `the region covers about ${cells} cells at resolution ${res}, more than the ${MAX_REGION_CELLS} one request may expand; choose a smaller region`,
    )
  }
}

/** One priority ranking scores at most this many areas (regions or graded cells, docs/ranking.md). */
export const MAX_RANKED_AREAS = 50_000

/** Rows of a ranking one request returns (a page); exports take every row up to MAX_RANKED_AREAS. */
export const MAX_RANKING_PAGE = 5_000

/** Areas one ranking map draws (their outlines: a page of polygons, not of rows). */
export const MAX_RANKING_MAP = 5_000
