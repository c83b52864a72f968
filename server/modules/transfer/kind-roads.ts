/**
 * Importing the road network (docs/domain.md §6): lines with a road class (an OpenStreetMap
 * `highway` value), a speed limit (empty or 0: the class default) and a direction, from GeoJSON,
 * a shapefile, CSV/XLSX with WKT, or an OpenStreetMap PBF extract (osm-pbf-reader.ts). The file
 * is the whole network: once every row is read, the old network is removed, the lines are split
 * into edges where they share a vertex (roads.splitAtJunctions) and stored with their travel times,
 * and the network version rises, so both routing engines and the isochrone cache reload.
 */
import { ROAD_CLASSES, roadProblems, splitAtJunctions, type RoadClass } from '../../domain/roads'
import { bumpNetworkVersion, clearNetwork, insertRoads, type RoadWrite } from '../roads'
import type { Field } from './fields'
import type { KindSpec, Problem } from './kinds'
import type { ImportNote } from './records'

export const ROAD_FIELDS: readonly Field[] = [
  {
    key: 'class',
    zh: '道路等级',
    aliases: ['highway', 'roadClass', 'fclass', '道路类型', '等级'],
    type: { t: 'text', maxLength: 40 },
    required: true,
    description: `OpenStreetMap highway value: ${ROAD_CLASSES.join(', ')}`,
  },
  {
    key: 'maxspeed',
    zh: '限速',
    aliases: ['speed', 'speedKmh', 'maxspeedKmh', '速度', '限速(km/h)'],
    type: { t: 'number' },
    description: 'speed limit, km/h; empty or 0: the class default',
    descriptionZh: '限速，km/h；为空或 0 时取道路等级的默认速度',
  },
  {
    key: 'oneway',
    zh: '单行',
    aliases: ['单向', '单行线'],
    type: { t: 'text', maxLength: 10 },
    description: 'yes/true/1/F: along the line; -1/T: against it; no/empty/B: both ways',
    descriptionZh: 'yes、true、1、F：沿线方向单行；-1、T：逆线方向单行；no、空、B：双向',
  },
  { key: 'name', zh: '道路名称', aliases: ['名称', '路名'], type: { t: 'text', maxLength: 200 } },
  { key: 'osmWayId', zh: 'OSM编号', aliases: ['osm_id', 'osmid', 'wayId'], type: { t: 'integer', min: 1 } },
]

interface RoadRecord {
  roadClass: RoadClass
  maxspeedKmh: number | null
  oneway: boolean
  name: string | null
  osmWayId: number | null
  /** Driving order when one-way. */
  lines: Array<Array<[number, number]>>
}

/** A direction cell: along the line, against it, or both ways (Geofabrik's shapefiles say F, T, B). */
function direction(value: unknown): 'forward' | 'backward' | 'both' | null {
  if (value === null || value === undefined || value === '') return 'both'
  if (typeof value === 'boolean') return value ? 'forward' : 'both'
  const t = String(value).trim().toLowerCase()
  if (['yes', 'true', '1', 'f', 'y', '是', '单行'].includes(t)) return 'forward'
  if (['-1', 'reverse', 't'].includes(t)) return 'backward'
  if (['no', 'false', '0', 'b', 'n', '否', '双向'].includes(t)) return 'both'
  return null
}

export const roadsKind: KindSpec<RoadRecord> = {
  kind: 'roads',
  tables: ['road_edge', 'road_vertex'],
  label: { en: 'road', zh: '道路' },
  fields: ROAD_FIELDS,
  geometry: 'area',
  prepare(input) {
    const v = input.values
    const problems: Problem[] = []
    const g = input.geometry!
    let lines: Array<Array<[number, number]>> = []
    if (g.type === 'LineString') lines = [g.coordinates as Array<[number, number]>]
    else if (g.type === 'MultiLineString') lines = g.coordinates as Array<Array<[number, number]>>
    else
      problems.push({
        field: 'geometry',
        code: 'road_not_line',
        params: { type: g.type },
        reason: `a road must be a LineString or MultiLineString, not ${g.type}`,
      })
    // 0 is "unknown" in Geofabrik's shapefiles: the class default, like an empty cell.
    const speed = v.maxspeed === 0 ? null : v.maxspeed
    const roadClass = typeof v.class === 'string' ? v.class.trim().toLowerCase() : v.class
    for (const p of roadProblems({ roadClass, maxspeedKmh: speed }))
      problems.push({
        field: p.field,
        value: p.field === 'class' ? v.class : v.maxspeed,
        reason: p.message,
        code: p.code,
        ...(p.params ? { params: p.params } : {}),
      })
    const dir = direction(v.oneway)
    if (dir === null)
      problems.push({
        field: 'oneway',
        value: v.oneway,
        code: 'road_oneway_unknown',
        reason: 'must be yes (along the line), -1 (against it) or no (both ways)',
      })
    if (problems.length > 0) return problems
    return {
      roadClass: roadClass as RoadClass,
      maxspeedKmh: (speed as number | null | undefined) ?? null,
      oneway: dir !== 'both',
      name: (v.name as string | null | undefined) ?? null,
      osmWayId: (v.osmWayId as number | null | undefined) ?? null,
      lines: dir === 'backward' ? lines.map((l) => l.slice().reverse()).reverse() : lines,
    }
  },
  async write(_trx, batch, ctx) {
    // Kept until every row is read: a line splits where a later one crosses it.
    const roads = (ctx.memo.get('roads') as RoadRecord[] | undefined) ?? []
    ctx.memo.set('roads', roads)
    for (const p of batch) roads.push(p.record)
    return { created: batch.length, updated: 0, enterpriseIds: [], areaIds: [] }
  },
  async finish(trx, ctx) {
    const roads = (ctx.memo.get('roads') as RoadRecord[] | undefined) ?? []
    const lines = roads.flatMap((r) => r.lines.map((coordinates) => ({ road: r, coordinates })))
    const pieces = splitAtJunctions(lines.map((l) => l.coordinates))
    const edges: RoadWrite[] = lines.flatMap((l, i) =>
      pieces[i]!.map((coordinates) => ({
        roadClass: l.road.roadClass,
        name: l.road.name,
        maxspeedKmh: l.road.maxspeedKmh,
        oneway: l.road.oneway,
        osmWayId: l.road.osmWayId,
        coordinates,
      })),
    )
    await clearNetwork(trx)
    const stored = await insertRoads(trx, edges)
    const version = await bumpNetworkVersion(trx)
    const { rows } = await trx.raw<{ rows: Array<{ n: string }> }>('SELECT count(*) AS n FROM road_vertex')
    const junctions = Number(rows[0]!.n)
    ctx.memo.set('outcome', {
      code: 'roads_replaced',
      params: { edges: stored, junctions, version },
      text: `the road network now has ${stored} edges between ${junctions} junctions and road ends (it replaced the previous network; version ${version})`,
    } satisfies ImportNote)
    return []
  },
  outcome: (ctx) => (ctx.memo.get('outcome') as ImportNote | undefined) ?? null,
}
