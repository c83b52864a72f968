// vt-pbf 3 ships no types: the part the Node encoder uses.
declare module 'vt-pbf' {
  /** A feature in geojson-vt's tile form: coordinates already in tile units. */
  export interface VtFeature {
    id?: number
    /** 1 point, 2 line string, 3 polygon (MVT geometry types). */
    type: 1 | 2 | 3
    /** Points: [[x, y], …]; lines: one array of points per line; polygons: every ring, closed. */
    geometry: number[][] | number[][][]
    tags: Record<string, string | number | boolean | null>
  }

  export function fromGeojsonVt(layers: Record<string, { features: VtFeature[] }>, options?: { version?: number; extent?: number }): Uint8Array

  const vtpbf: { fromGeojsonVt: typeof fromGeojsonVt }
  export default vtpbf
}
