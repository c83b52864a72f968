/**
 * Coverage in minutes (docs/domain.md §6): the fastest arrival of any available rescue team of a
 * capability at each of a set of points (risk cell centres), over the road network. One search
 * from all teams at once (each leaving at its off-road leg's time), then each point takes the
 * better end of its own edge plus its off-road leg. A point farther than the snap limit from every
 * road is off the network: no time is claimed for it.
 */
import type { Knex } from 'knex'
import type { EngineName } from './engine'
import type { Snap } from './network'
import { snapPoints } from './network'
import type { Routing } from './plugin'

export interface PointCoverage {
  /** Fastest arrival, seconds (off-road legs included); null when no team reaches the point by road. */
  bestS: number | null
  /** The point is beyond the snap limit from every road. */
  offNetwork: boolean
}

export interface CoverageByTime {
  engine: EngineName
  points: PointCoverage[]
  /** Available teams of the capability, and those of them too far from any road to drive. */
  teams: number
  teamsOffNetwork: number
}

/** Seconds to drive from the vertices reached (`reached`) to a snapped point, via either end of its edge. */
export function arrivalAt(point: Snap, reached: ReadonlyMap<number, number>): number {
  let best = Infinity
  const fromSource = reached.get(point.source)
  if (fromSource !== undefined && point.costS >= 0) best = Math.min(best, fromSource + point.fraction * point.costS)
  const fromTarget = reached.get(point.target)
  if (fromTarget !== undefined && point.reverseCostS >= 0) best = Math.min(best, fromTarget + (1 - point.fraction) * point.reverseCostS)
  return best
}

/** Seconds along one edge from a team's place to a point's place on it, when its direction allows. */
export function alongSameEdge(team: Snap, point: Snap): number {
  if (team.fraction <= point.fraction && team.costS >= 0) return (point.fraction - team.fraction) * team.costS
  if (team.fraction >= point.fraction && team.reverseCostS >= 0) return (team.fraction - point.fraction) * team.reverseCostS
  return Infinity
}

export async function coverageByTime(
  db: Knex,
  routing: Routing,
  points: ReadonlyArray<{ lon: number; lat: number }>,
  capability: string,
): Promise<CoverageByTime> {
  const engine = routing.require()
  const { maxSnapM, offRoadKmh } = routing.settings
  const offRoadS = (m: number) => m / (offRoadKmh / 3.6)
  const { rows: teams } = await db.raw<{ rows: Array<{ lon: number; lat: number }> }>(
    `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM resource
     WHERE kind = 'rescue_team' AND status = 'available' AND ? = ANY(capabilities)`,
    [capability],
  )
  const snapped = await snapPoints(db, [...teams, ...points])
  const sources = snapped
    .slice(0, teams.length)
    .filter((s): s is Snap => s !== null && s.offRoadM <= maxSnapM)
    .map((snap) => ({ snap, startS: offRoadS(snap.offRoadM) }))
  const reached = sources.length === 0 ? new Map<number, number>() : await engine.reach(sources, Infinity)
  const byEdge = new Map<number, typeof sources>()
  for (const s of sources) byEdge.set(s.snap.edge, [...(byEdge.get(s.snap.edge) ?? []), s])
  const out = snapped.slice(teams.length).map((snap): PointCoverage => {
    if (snap === null || snap.offRoadM > maxSnapM) return { bestS: null, offNetwork: true }
    let best = arrivalAt(snap, reached)
    for (const s of byEdge.get(snap.edge) ?? []) best = Math.min(best, s.startS + alongSameEdge(s.snap, snap))
    return { bestS: Number.isFinite(best) ? Math.round((best + offRoadS(snap.offRoadM)) * 10) / 10 : null, offNetwork: false }
  })
  return { engine: engine.name, points: out, teams: teams.length, teamsOffNetwork: teams.length - sources.length }
}
