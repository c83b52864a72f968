// The projection of the report's small map: plate carrée with longitudes shrunk by the cosine of the
// middle latitude, so that shapes keep their proportions at city scale. Pure functions.

/** Metres per degree of latitude on the mean Earth sphere (6 371 008.8 m · π / 180). */
const METRES_PER_DEGREE = 111_195.08

export interface Projection {
  /** SVG x, y (pixels from the top left) of a WGS 84 point. */
  project(lon: number, lat: number): [number, number]
  /** Ground metres per pixel (the same in every direction). */
  metresPerPx: number
}

/** Fits a [minLon, minLat, maxLon, maxLat] box into `width` × `height` pixels with `padding` around it, centred. */
export function fitProjection(bbox: readonly [number, number, number, number], width: number, height: number, padding: number): Projection {
  const [minLon, minLat, maxLon, maxLat] = bbox
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180)
  const spanX = Math.max((maxLon - minLon) * kx, 1e-9)
  const spanY = Math.max(maxLat - minLat, 1e-9)
  const scale = Math.min((width - 2 * padding) / spanX, (height - 2 * padding) / spanY)
  const offsetX = (width - spanX * scale) / 2
  const offsetY = (height - spanY * scale) / 2
  return {
    project: (lon, lat) => [offsetX + (lon - minLon) * kx * scale, offsetY + (maxLat - lat) * scale],
    metresPerPx: METRES_PER_DEGREE / scale,
  }
}

/** An SVG path (`M…L…Z` per ring) of polygon rings through a projection, to 0.1 px. */
export function ringsPath(rings: ReadonlyArray<ReadonlyArray<readonly number[]>>, projection: Projection): string {
  return rings
    .filter((ring) => ring.length >= 3)
    .map(
      (ring) =>
        ring
          .map(([lon, lat], i) => {
            const [x, y] = projection.project(lon!, lat!)
            return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`
          })
          .join('') + 'Z',
    )
    .join('')
}
