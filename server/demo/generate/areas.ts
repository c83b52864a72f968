/**
 * Public-area risk assessments (area_assessment): named places, named corridors (lines buffered
 * to polygons) and random places, each graded by ./assessments.ts.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson'
import { buffer as turfBuffer, lineString as turfLineString } from '@turf/turf'
import { DEFAULT_RULES } from '../../domain/rules'
import { Random } from '../../domain/random'
import { assessmentColumns } from './assessments'
import { type Context, DEMO_NOTE, SCALE_ANCHORS, scaledCount, takeId } from './context'
import { addMonths, isoDate } from './dates'
import { toKm, toLonLat } from './lattice'
import { type Layout, type LayoutTownship } from './layout'
import { pointInCell } from './places'
import { type AreaAssessmentRow, type AssessmentColumns } from './rows'

/** A star-shaped (hence simple and valid) polygon of about `radiusM` metres around a point. */
export function blobPolygon(rng: Random, centre: readonly [number, number], radiusM: number, vertices = 20): MultiPolygon {
  const [cx, cy] = toKm(centre[0], centre[1])
  const ring: Position[] = []
  for (let k = 0; k < vertices; k++) {
    const angle = (2 * Math.PI * k) / vertices
    const r = (radiusM / 1000) * rng.float(0.75, 1.2)
    ring.push(toLonLat(cx + r * Math.cos(angle), cy + r * Math.sin(angle)))
  }
  ring.push([ring[0]![0]!, ring[0]![1]!])
  return { type: 'MultiPolygon', coordinates: [[ring]] }
}

export function asMultiPolygon(geometry: Polygon | MultiPolygon): MultiPolygon {
  return geometry.type === 'MultiPolygon' ? geometry : { type: 'MultiPolygon', coordinates: [geometry.coordinates] }
}

/** Named public places (approximate real locations; the assessments themselves are synthetic). */
export const NAMED_AREAS: ReadonlyArray<{ name: string; centre: [number, number]; radiusM: number; severity: number }> = [
  { name: '沈阳站站前广场及周边', centre: [123.3955, 41.7945], radiusM: 450, severity: 1.6 },
  { name: '沈阳北站站前区域', centre: [123.4375, 41.8175], radiusM: 500, severity: 1.6 },
  { name: '中街步行街商圈', centre: [123.465, 41.8005], radiusM: 400, severity: 1.8 },
  { name: '太原街商圈', centre: [123.402, 41.7905], radiusM: 400, severity: 1.6 },
  { name: '沈阳奥林匹克体育中心', centre: [123.469, 41.7395], radiusM: 600, severity: 1.5 },
  { name: '沈阳故宫周边游客聚集区', centre: [123.4555, 41.7965], radiusM: 350, severity: 1.4 },
  { name: '北陵公园', centre: [123.4275, 41.844], radiusM: 700, severity: 1.2 },
  { name: '沈阳桃仙国际机场航站区', centre: [123.493, 41.6395], radiusM: 900, severity: 1.4 },
  { name: '铁西广场商圈', centre: [123.346, 41.7935], radiusM: 400, severity: 1.4 },
  { name: '五爱市场', centre: [123.4585, 41.786], radiusM: 300, severity: 1.8 },
  { name: '五里河滨水区', centre: [123.425, 41.765], radiusM: 500, severity: 1.2 },
  { name: '棋盘山风景区', centre: [123.645, 41.905], radiusM: 1200, severity: 1.1 },
]

/** Named corridors: lines (approximate courses) buffered by `bufferM` metres. */
export const NAMED_CORRIDORS: ReadonlyArray<{ name: string; line: Array<[number, number]>; bufferM: number; severity: number }> = [
  {
    name: '浑河沈阳城区段沿岸',
    line: [
      [123.64, 41.785],
      [123.56, 41.765],
      [123.49, 41.762],
      [123.44, 41.758],
      [123.38, 41.748],
      [123.3, 41.728],
      [123.22, 41.69],
    ],
    bufferM: 300,
    severity: 1.3,
  },
  {
    name: '天然气长输管道辽中—于洪段',
    line: [
      [122.8, 41.55],
      [122.98, 41.62],
      [123.12, 41.7],
      [123.2, 41.76],
      [123.26, 41.8],
    ],
    bufferM: 50,
    severity: 1.8,
  },
  {
    name: '城市高压燃气管线浑南段',
    line: [
      [123.33, 41.735],
      [123.41, 41.745],
      [123.5, 41.75],
      [123.6, 41.76],
    ],
    bufferM: 30,
    severity: 1.8,
  },
  {
    name: '成品油输送管道新民段',
    line: [
      [122.62, 42.14],
      [122.8, 42.05],
      [123.0, 41.96],
      [123.14, 41.89],
    ],
    bufferM: 60,
    severity: 1.6,
  },
  {
    name: '蒲河沿岸',
    line: [
      [123.18, 41.93],
      [123.3, 41.95],
      [123.45, 41.965],
      [123.6, 41.99],
    ],
    bufferM: 150,
    severity: 1.1,
  },
  {
    name: '辽河新民段堤防',
    line: [
      [122.58, 42.25],
      [122.56, 42.05],
      [122.6, 41.8],
      [122.62, 41.6],
    ],
    bufferM: 200,
    severity: 1.2,
  },
]

export const AREA_KINDS = [
  '中小学校园周边',
  '大型商场',
  '农贸市场',
  '医院门急诊区',
  '建筑工地集中区',
  '老旧小区燃气管网',
  '地铁站',
  '客运站',
  '旅游景区',
  '大型仓储区',
  '加油站集中区',
  '体育场馆',
]

export function townshipAt(layout: Layout, lonLat: readonly [number, number]): LayoutTownship | null {
  const cell = layout.lattice.locate(lonLat[0], lonLat[1])
  if (cell < 0 || layout.townshipOf[cell]! < 0) return null
  return layout.townships[layout.townshipOf[cell]!]!
}

export function areaAssessmentRows(ctx: Context, rng: Random): AreaAssessmentRow[] {
  const total = Math.max(1, scaledCount(SCALE_ANCHORS.areaAssessment, ctx.scale))
  const rows: AreaAssessmentRow[] = []
  const { layout } = ctx
  const assessors = ['沈阳市应急管理局（示例）', '辽宁示例安全评价有限公司（第三方）', '沈阳示例安全技术咨询中心（第三方）']
  const dates = () => {
    const assessed = ctx.today - rng.int(10, 500)
    return { assessed_at: isoDate(assessed), valid_until: isoDate(addMonths(assessed, 12)) }
  }
  const push = (row: Omit<AreaAssessmentRow, 'id' | 'rule_version' | 'assessed_at' | 'valid_until' | keyof AssessmentColumns>, severity: number) => {
    if (rows.length >= total) return
    rows.push({ id: takeId(ctx, 'area_assessment'), ...row, ...assessmentColumns(rng, severity), ...dates(), rule_version: DEFAULT_RULES.version })
  }
  const corridor = (name: string, line: Array<[number, number]>, bufferM: number, severity: number) => {
    const buffered = turfBuffer(turfLineString(line), bufferM, { units: 'meters' })
    if (!buffered) return
    push(
      {
        name: `${name}${DEMO_NOTE}`,
        area_kind: 'corridor',
        assessor: rng.pick(assessors),
        division_code: townshipAt(layout, line[Math.floor(line.length / 2)]!)?.code ?? null,
        source_line: { type: 'MultiLineString', coordinates: [line] },
        buffer_m: bufferM,
        geom: asMultiPolygon(buffered.geometry),
      },
      severity,
    )
  }
  for (const area of NAMED_AREAS) {
    push(
      {
        name: `${area.name}${DEMO_NOTE}`,
        area_kind: 'area',
        assessor: rng.pick(assessors),
        division_code: townshipAt(layout, area.centre)?.code ?? null,
        source_line: null,
        buffer_m: null,
        geom: blobPolygon(rng, area.centre, area.radiusM),
      },
      area.severity,
    )
  }
  for (const c of NAMED_CORRIDORS) corridor(c.name, c.line, c.bufferM, c.severity)
  while (rows.length < total) {
    const cell = ctx.samplers[rng.chance(0.75) ? 'urban' : 'industrial'].sample(rng)
    const centre = pointInCell(rng, layout.lattice, cell)
    const township = layout.townships[layout.townshipOf[cell]!]!
    const county = layout.counties[township.county]!
    const town = township.name.replace(DEMO_NOTE, '')
    if (rng.chance(0.08)) {
      // A synthetic pipeline or river-bank corridor: a short wandering line.
      const line: Array<[number, number]> = [centre]
      let heading = rng.float(0, 2 * Math.PI)
      for (let k = 0; k < rng.int(2, 4); k++) {
        heading += rng.float(-0.6, 0.6)
        const stepKm = rng.float(0.8, 3)
        const [x, y] = toKm(line[line.length - 1]![0], line[line.length - 1]![1])
        line.push(toLonLat(x + stepKm * Math.cos(heading), y + stepKm * Math.sin(heading)))
      }
      const kind = rng.pick(['燃气管线', '供热管线', '河道堤防', '输油管线'])
      corridor(`${county.short}${town}${kind}`, line, rng.pick([30, 50, 80, 100, 150, 200]), kind === '河道堤防' ? 1 : 1.5)
      continue
    }
    const kind = rng.pick(AREA_KINDS)
    push(
      {
        name: `${county.short}${town}${kind}${DEMO_NOTE}`,
        area_kind: 'area',
        assessor: rng.chance(0.5) ? `${county.fact.name}应急管理局（示例）` : rng.pick(assessors),
        division_code: township.code,
        source_line: null,
        buffer_m: null,
        geom: blobPolygon(rng, centre, rng.int(150, 800)),
      },
      1.3,
    )
  }
  return rows
}
