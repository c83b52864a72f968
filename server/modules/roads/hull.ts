/**
 * The outline of the network vertices a search reaches (docs/domain.md §6): a concave hull by
 * concaveman (mapbox), computed in Node. PostGIS's ST_ConcaveHull (GEOS 3.11) gave the same kind of
 * outline but took 150–450 ms over the 20 000 vertices of a 15-minute search on the benchmark
 * network, where concaveman takes 15–50 ms; and the vertices' places are read once for every
 * minutes value instead of once per hull.
 */
import { buffer as turfBuffer, multiPoint } from '@turf/turf'
import concaveman from 'concaveman'
import type { MultiPolygon, Polygon } from 'geojson'

/** concaveman's relative concavity (its default): lower digs deeper between the streets, higher is closer to the convex hull. */
const CONCAVITY = 2
/** Edges of the outline shorter than this are not dug into further, metres: below a city block. */
const MIN_EDGE_M = 60
/** Radius drawn around one or two reached vertices, or a row of them (no area to outline), metres. */
const POINT_RADIUS_M = 50
const M_PER_DEG = 111_320

const round6 = (v: number) => Math.round(v * 1e6) / 1e6

/**
 * The area around some points (lon, lat): their concave hull, or a 50 m buffer where they span no
 * area (fewer than three, all in a row, or a hull smaller than one such circle). Null for no points.
 */
export function reachOutline(points: ReadonlyArray<readonly [number, number]>): Polygon | MultiPolygon | null {
  if (points.length === 0) return null
  // The hull is taken in a local plane (longitude scaled by the cosine of the latitude), so that
  // "concave" means the same east–west as north–south.
  const lat0 = points.reduce((sum, p) => sum + p[1], 0) / points.length
  const k = Math.cos((lat0 * Math.PI) / 180)
  const ring =
    points.length >= 3
      ? concaveman(
          points.map(([lon, lat], i) => [lon * k + tieBreak(i), lat + tieBreak(i + 1)]),
          CONCAVITY,
          MIN_EDGE_M / M_PER_DEG,
        )
      : []
  // An outline thinner than the circles drawn around single points (a row of vertices along one
  // street) is drawn as those circles.
  if (ring.length >= 4 && (Math.abs(signedArea(ring)) / 2) * M_PER_DEG * M_PER_DEG >= Math.PI * POINT_RADIUS_M * POINT_RADIUS_M) {
    // concaveman closes its ring clockwise; GeoJSON's outer rings turn counter-clockwise (RFC 7946).
    const coordinates = ring.map(([x, y]) => [round6(x! / k), round6(y!)])
    if (signedArea(ring) < 0) coordinates.reverse()
    return { type: 'Polygon', coordinates: [coordinates] }
  }
  const buffered = turfBuffer(multiPoint(points.map((p) => [p[0], p[1]])), POINT_RADIUS_M, { units: 'meters' })
  return buffered ? (buffered.geometry as Polygon | MultiPolygon) : null
}

/**
 * Below 0.1 mm, different for neighbouring points: no two points share an exact coordinate. The
 * R-tree concaveman sorts the points into slows down sharply on equal coordinates (a street lattice
 * whose vertices stand in exact rows took 45 ms for 1 600 points; broken ties, 8 ms), and the outline
 * is rounded to 6 decimals (0.1 m) anyway.
 */
const tieBreak = (i: number) => ((i * 2_654_435_761) % 1000) * 1e-12

/** Twice the signed area of a closed ring (shoelace): positive when it turns counter-clockwise. */
function signedArea(ring: ReadonlyArray<ReadonlyArray<number>>): number {
  let sum = 0
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!
  return sum
}
