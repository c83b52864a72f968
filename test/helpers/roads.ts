/**
 * A small road network as GeoJSON lines, for the road-import tests (integration and browser): a
 * primary street and a residential street crossing it at a shared vertex, and a secondary road drawn
 * east→west but one-way against its drawing (-1). Imported, it is 5 edges between 6 junctions and
 * road ends.
 */

/** A road feature with these properties (a property left out stays out). */
export const roadFeature = (props: Record<string, unknown>, coordinates: Array<[number, number]>) => ({
  type: 'Feature',
  properties: props,
  geometry: { type: 'LineString', coordinates },
})

/** A FeatureCollection file of these features. */
export const roadCollection = (features: object[]) => Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }))

export const SMALL_ROAD_NETWORK = roadCollection([
  roadFeature({ class: 'primary', maxspeed: 60, name: '示例大街' }, [
    [123.4, 41.78],
    [123.41, 41.78],
    [123.42, 41.78],
  ]),
  roadFeature({ class: 'residential' }, [
    [123.41, 41.77],
    [123.41, 41.78],
    [123.41, 41.79],
  ]),
  roadFeature({ class: 'secondary', maxspeed: 40, oneway: '-1' }, [
    [123.43, 41.78],
    [123.42, 41.78],
  ]),
])
