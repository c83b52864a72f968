/**
 * The reasons an import gives for a row, worded by their code (server/modules/transfer/problems.ts
 * lists the codes; a unit test checks that every one has a Chinese and an English wording here).
 * What the reason names from the file (values, codes, a parser's or the database's own words) is
 * shown as written, marked translate="no"; a code this page does not know shows the server's text.
 */
import { userText } from '../ui/dom'

/** What a reason names, by name (the server's `params`). */
export type ProblemParams = Record<string, string | number | string[]>

/**
 * A reason's wording: `v` holds each parameter as a placeholder the page replaces with the value as
 * written; `r` holds the raw values, for the wordings that translate one (a geometry type, a field).
 */
type Wording = (v: Record<string, string>, r: ProblemParams) => string

type Lang = 'zh' | 'en'

const GEOMETRY_ZH: Record<string, string> = {
  Point: '点',
  MultiPoint: '多点',
  LineString: '线',
  MultiLineString: '多线',
  Polygon: '多边形',
  MultiPolygon: '多面',
  GeometryCollection: '几何集合',
}

/** PostGIS's reasons for an invalid polygon (ST_IsValidDetail), in Chinese. */
export const POLYGON_FAULTS_ZH: Record<string, string> = {
  'Self-intersection': '自相交',
  'Ring Self-intersection': '环自相交',
  'Too few points in geometry component': '几何部件的点数过少',
  'Hole lies outside shell': '内环位于外环之外',
  'Nested holes': '内环相互嵌套',
  'Interior is disconnected': '内部不连通',
  'Nested shells': '外环相互嵌套',
  'Duplicate Rings': '存在重复的环',
  'Invalid Coordinate': '坐标无效',
  'Ring is not closed': '环未闭合',
  'invalid geometry': '几何无效',
}

const FIELDS: Record<string, { zh: string; en: string }> = {
  lastReportedAt: { zh: '最近报告日期', en: 'the last report date' },
  assessedAt: { zh: '评估日期', en: 'the assessment date' },
  foundAt: { zh: '发现日期', en: 'the date found' },
  reportedAt: { zh: '备案日期', en: 'the filing date' },
}

const KINDS: Record<string, { zh: string; en: string }> = {
  enterprises: { zh: '企业', en: 'enterprise' },
  major_hazards: { zh: '重大危险源', en: 'major hazard installation' },
  safety_risks: { zh: '安全风险', en: 'safety risk' },
  hidden_dangers: { zh: '事故隐患', en: 'hidden danger' },
  area_assessments: { zh: '区域评估', en: 'area assessment' },
  resources: { zh: '应急资源', en: 'emergency resource' },
  divisions: { zh: '行政区划', en: 'division unit' },
  mgmt_grids: { zh: '管理网格', en: 'management grid' },
  roads: { zh: '道路', en: 'road' },
}

const RESOURCE_KINDS: Record<string, { zh: string; en: string }> = {
  rescue_team: { zh: '救援队伍', en: 'rescue team' },
  equipment: { zh: '救援装备', en: 'equipment' },
  depot: { zh: '物资储备库', en: 'depot' },
  shelter: { zh: '应急避难场所', en: 'shelter' },
  expert: { zh: '专家', en: 'expert' },
}

const STATUSES: Record<string, { zh: string; en: string }> = {
  open: { zh: '未整改', en: 'open' },
  rectified: { zh: '已整改', en: 'rectified' },
  verified: { zh: '已验收销号', en: 'verified' },
}

const METHODS: Record<string, { zh: string; en: string }> = {
  lec: { zh: 'LEC 法', en: 'LEC' },
  matrix: { zh: '风险矩阵法', en: 'risk matrix' },
  stated: { zh: '指定等级', en: 'stated level' },
}

const name = (table: Record<string, { zh: string; en: string }>, lang: Lang, value: unknown, fallback: string): string =>
  table[String(value)]?.[lang] ?? fallback
const geometryZh = (v: Record<string, string>, r: ProblemParams) => GEOMETRY_ZH[String(r.type)] ?? v.type!
const crsZh = (v: Record<string, string>, r: ProblemParams) => (r.crs !== undefined ? `（坐标系 ${v.crs}）` : '')
const crsEn = (v: Record<string, string>, r: ProblemParams) => (r.crs !== undefined ? ` (${v.crs})` : '')
const faultZh = (v: Record<string, string>, r: ProblemParams) => POLYGON_FAULTS_ZH[String(r.fault)] ?? v.fault!
const atZh = (v: Record<string, string>, r: ProblemParams) => (r.lon !== undefined ? `，位置（${v.lon}, ${v.lat}）` : '')
const atEn = (v: Record<string, string>, r: ProblemParams) => (r.lon !== undefined ? ` at (${v.lon}, ${v.lat})` : '')
const areaZh = (v: Record<string, string>) => `本系统行政区划范围（经度 ${v.areaMinLon}–${v.areaMaxLon}，纬度 ${v.areaMinLat}–${v.areaMaxLat}）`
const areaEn = (v: Record<string, string>) =>
  `the area of this deployment's divisions (lon ${v.areaMinLon}–${v.areaMaxLon}, lat ${v.areaMinLat}–${v.areaMaxLat})`

/** The wording of every reason code, in Chinese and in English. */
export const PROBLEM_WORDING: Record<Lang, Record<string, Wording>> = {
  zh: {
    required: () => '必填',
    not_a_number: (v, r) => (r.text !== undefined ? `不是数字：${v.text}` : '不是数字'),
    number_too_long: () => '数字位数过多，表格软件无法保留每一位：请将该列设为文本格式后重新输入',
    not_whole: (v) => `应为整数，实为 ${v.number}`,
    not_positive: (v) => `应大于 0，实为 ${v.number}`,
    below_min: (v) => `不能小于 ${v.min}，实为 ${v.number}`,
    above_max: (v) => `不能大于 ${v.max}，实为 ${v.number}`,
    too_long: (v) => `长 ${v.length} 个字符，最多 ${v.max} 个`,
    not_a_date: (v, r) => (r.text !== undefined ? `不是日期：${v.text}（应为 年-月-日）` : '不是有效日期'),
    not_a_real_date: (v) => `日期不存在：${v.date}`,
    year_out_of_range: (v) => `年份 ${v.year} 超出范围`,
    not_a_time: (v) => `不是有效时间：${v.text}`,
    not_yes_no: (v) => `“${v.text}”不是 是/否`,
    not_one_of: (v) => `“${v.text}”不是可选值之一：${v.allowed}`,
    not_json: () => '不是有效的 JSON',
    field_count: (v) => `该行有 ${v.fields} 个字段，表头有 ${v.header} 个：分隔符或引号是否放错？`,
    not_a_feature: (v) => `不是 GeoJSON 要素（类型 ${v.type}）`,
    shape_unreadable: (v) => `无法读取该记录的图形：${v.detail}`,
    duplicate_key: (v) => `文件中重复：${v.key}，另见第 ${v.row} 行`,
    duplicate_key_apart: (v) => `文件中重复：${v.key}，另见第 ${v.row} 行（同一记录的各行须相邻）`,
    same_record_invalid: (v, r) => `未写入：同一${name(KINDS, 'zh', r.kind, '记录')}的第 ${v.row} 行有错误`,
    database_refused: (v) => `数据库拒绝了该行：${v.detail}`,
    lon_required_with_lat: () => '已填纬度，经度必填',
    lat_required_with_lon: () => '已填经度，纬度必填',
    lat_lon_swapped: (v) => `经纬度似乎填反了：经度 ${v.lon} 像纬度，纬度 ${v.lat} 像经度`,
    not_a_position: (v, r) => `（${v.x}, ${v.y}）不是有效位置${crsZh(v, r)}：经度应在 ±180° 以内，纬度在 ±90° 以内`,
    outside_extent: (v, r) => `（${v.lon}, ${v.lat}）不在${areaZh(v)}内${crsZh(v, r)}`,
    geometry_missing: () => '该行没有几何图形',
    geometry_unreadable: (v) => `不是有效的 WKT 或 GeoJSON：${v.detail}`,
    geometry_not_object: () => '不是几何对象',
    geometry_malformed: (v, r) =>
      String(r.type).includes('Polygon')
        ? `${geometryZh(v, r)}的每个环至少需要 4 个点且首尾相同`
        : String(r.type).includes('Line')
          ? `${geometryZh(v, r)}的每条线至少需要 2 个点`
          : `${geometryZh(v, r)}的坐标应为 [x, y] 数值`,
    geometry_type_unsupported: (v) => `不支持的几何类型 ${v.type}`,
    geometry_not_point: (v, r) => `应为点，而不是${geometryZh(v, r)}`,
    geometry_lat_lon_swapped: () => '经纬度似乎填反了：按（纬度, 经度）读取时坐标落在本系统范围内',
    geometry_not_lon_lat: (v, r) => `有坐标不是 ±180°/±90° 以内的经纬度${crsZh(v, r)}：坐标系是否正确？`,
    geometry_outside_extent: (v, r) => `范围为经度 ${v.minLon}–${v.maxLon}、纬度 ${v.minLat}–${v.maxLat}，不在${areaZh(v)}内${crsZh(v, r)}`,
    polygon_invalid: (v, r) => `无效多边形：${faultZh(v, r)}${atZh(v, r)}；勾选“修复无效多边形”后导入可自动修复，或在 GIS 软件中修正`,
    polygon_repair_empty: (v, r) => `无效多边形：${faultZh(v, r)}${atZh(v, r)}；修复后不剩任何面积，请在 GIS 软件中修正`,
    polygon_repair_too_large: (v, r) =>
      `无效多边形：${faultZh(v, r)}${atZh(v, r)}；修复会使面积变化${r.changePct !== undefined ? ` ${v.changePct}%` : '超过 100%'}，超过允许的 ${v.maxPct}%，请在 GIS 软件中修正`,
    uscc_not_string: () => '统一社会信用代码无效：应为文本',
    uscc_length: (v) => `统一社会信用代码无效：应为 18 位，实为 ${v.length} 位`,
    uscc_character: (v) => `统一社会信用代码无效：第 ${v.position} 位的字符“${v.character}”不允许（可用 0-9 及除 I、O、S、V、Z 外的大写字母）`,
    uscc_check_character: (v) => `统一社会信用代码无效：校验码应为 ${v.expected}，实为 ${v.got}`,
    uscc_or_external_id_required: () => '企业须有标识：请填写统一社会信用代码或企业编号',
    external_id_taken: (v) => `企业编号 ${v.key} 已属于另一家企业（${v.other}）`,
    division_code_format: () => '应为 6 位（GB/T 2260）或 9 位（乡镇街道）区划代码',
    division_unknown: (v) => `行政区划 ${v.code} 不存在：请先导入行政区划`,
    division_unknown_or_empty: (v) => `行政区划 ${v.code} 不存在：请先导入行政区划，或留空以按坐标确定所在区划`,
    address_ambiguous: (v) => `对应多个行政区划（${v.candidates}）：请填写经纬度或行政区划代码`,
    address_unknown: () => '未对应本系统的任何行政区划，且该行没有坐标：请填写经纬度或行政区划代码',
    location_or_address_required: () => '位置必填：请填写经纬度，或填写能对应行政区划的地址',
    location_required: () => '位置必填：请填写经纬度',
    point_in_no_division: (v) => `点（${v.lon}, ${v.lat}）不在任何行政区划内：请填写行政区划代码`,
    grid_unknown: (v) => `管理网格 ${v.code} 不存在：请先导入网格，或留空`,
    date_before: (v, r) => `早于${name(FIELDS, 'zh', r.other, '起始日期')} ${v.date}`,
    assessment_missing: () => '没有评估：请填写评估方法，并给出 L、E、C（LEC 法）、L 和 S（风险矩阵法）或指定等级',
    required_for_method: (_v, r) => `评估方法为${name(METHODS, 'zh', r.method, String(r.method))}时必填`,
    lec_not_in_set: (v) => `应为以下之一：${v.allowed}`,
    matrix_out_of_range: (v) => `应为 ${v.min} 到 ${v.max} 的整数`,
    enterprise_unknown: (v) => `没有统一社会信用代码为 ${v.uscc} 的企业：请先导入企业`,
    enterprise_unknown_external_id: (v) => `没有企业编号为 ${v.key} 的企业：请先导入企业`,
    required_for_status: (_v, r) => `状态为“${name(STATUSES, 'zh', r.status, String(r.status))}”时必填`,
    verifier_is_reporter: () => '验收人不能是隐患的上报人',
    substance_incomplete: (v) => `第 ${v.index} 种物质需要名称、q > 0 和 Q > 0（吨）`,
    substances_not_list: () => '应为 JSON 数组：[{ name, cas, class, q, Q, beta }]',
    required_with_substance: () => '填写了物质名称时必填',
    installation_needs_substance: () => '危险源至少需要一种物质（物质名称、设计最大量、临界量）或物质清单 JSON',
    not_major_hazard: (v) => `不构成重大危险源：S = Σ q/Q = ${v.S}，小于 ${v.threshold}`,
    hazard_class_unknown: (v) => `第 ${v.index} 种物质的危险性类别“${v.text}”未知（GB 18218-2018 表 4）`,
    beta_invalid: (v) => `第 ${v.index} 种物质的校正系数 β 应为大于 0 的数`,
    quantity_invalid: (v) => `第 ${v.index} 种物质的设计最大量 q 应为大于 0 的数（吨）`,
    critical_quantity_invalid: (v) => `第 ${v.index} 种物质的临界量 Q 必填，应为大于 0 的数（吨）`,
    population_invalid: () => '500 米内人数应为非负整数',
    substance_required: () => '至少需要一种物质',
    corridor_buffer_required: () => '廊道必填：其半宽，1 到 5000 米',
    not_a_line: (v, r) => `应为线或多线，而不是${geometryZh(v, r)}`,
    line_not_lon_lat: (v) => `中心线坐标无法换算为经纬度：${v.detail}`,
    corridor_line_required: () => '以多边形给出的廊道还需要中心线；或直接以线作为几何图形',
    area_not_line: () => '区域需要多边形（线表示廊道：请将区域类型设为廊道并填写缓冲距离）',
    buffer_corridor_only: () => '只适用于廊道',
    area_geometry_type: (v, r) => `应为多边形、多面或（廊道的）线，而不是${geometryZh(v, r)}`,
    polygon_type: (v, r) => `应为多边形或多面，而不是${geometryZh(v, r)}`,
    parent_code_format: () => '应为 6 位或 9 位代码',
    parent_unknown: (v) => `上级行政区划 ${v.code} 在数据库和文件中都不存在`,
    division_name_unknown: (v) => `名称“${v.name}”不是本部署（${v.region}）登记的行政区划：请填写区划代码`,
    division_name_ambiguous: (v) => `名称“${v.name}”对应多个行政区划（${v.candidates}）：请填写区划代码或上级区划代码`,
    grid_in_no_division: () => '网格不在任何行政区划内：请填写行政区划代码',
    items_not_list: () => '应为 { item, quantity, unit } 列表',
    item_not_triple: (v) => `“${v.text}”不是 物资:数量:单位`,
    resource_field_required: (_v, r) => `${name(RESOURCE_KINDS, 'zh', r.kind, String(r.kind))}必填`,
    resource_field_not_applicable: (_v, r) =>
      `只适用于${((r.owners as string[] | undefined) ?? []).map((k) => name(RESOURCE_KINDS, 'zh', k, k)).join('、')}，不适用于${name(RESOURCE_KINDS, 'zh', r.kind, String(r.kind))}`,
    capability_unknown: (v) => `未知的能力“${v.text}”`,
    capability_repeated: (v) => `重复：“${v.text}”`,
    team_needs_capability: () => '救援队伍至少需要一项能力',
    expert_needs_contact: () => '专家需要联系人或值班电话',
    depot_needs_items: () => '物资储备库至少需要一项物资',
    depot_item_repeated: (v) => `物资“${v.item}”（${v.unit}）重复`,
    road_not_line: (v, r) => `道路应为线或多线，而不是${geometryZh(v, r)}`,
    road_class_required: () => '必填（OpenStreetMap 的 highway 值，例如 primary、residential）',
    road_class_unknown: (v) => `未知的道路等级“${v.text}”；可选：${v.allowed}`,
    road_speed_not_number: (v) => `应为以 km/h 计的数字，实为“${v.text}”`,
    road_speed_not_positive: (v) => `应大于 0，实为 ${v.number}`,
    road_speed_too_high: (v) => `不能超过 ${v.max} km/h，实为 ${v.number}`,
    road_oneway_not_boolean: () => '应为 是 或 否',
    road_oneway_unknown: () => '应为 yes（沿线方向）、-1（逆线方向）或 no（双向）',
  },
  en: {
    required: () => 'is required',
    not_a_number: (v, r) => (r.text !== undefined ? `is not a number: ${v.text}` : 'is not a number'),
    number_too_long: () => 'is a number too long for a spreadsheet to keep every digit: format the column as text and enter it again',
    not_whole: (v) => `must be a whole number, got ${v.number}`,
    not_positive: (v) => `must be greater than 0, got ${v.number}`,
    below_min: (v) => `must be at least ${v.min}, got ${v.number}`,
    above_max: (v) => `must be at most ${v.max}, got ${v.number}`,
    too_long: (v) => `is ${v.length} characters long, at most ${v.max} allowed`,
    not_a_date: (v, r) => (r.text !== undefined ? `is not a date: ${v.text} (expected YYYY-MM-DD)` : 'is not a valid date'),
    not_a_real_date: (v) => `is not a real date: ${v.date}`,
    year_out_of_range: (v) => `year ${v.year} is out of range`,
    not_a_time: (v) => `is not a valid time: ${v.text}`,
    not_yes_no: (v) => `“${v.text}” is not yes or no`,
    not_one_of: (v) => `“${v.text}” is not one of ${v.codes}`,
    not_json: () => 'is not valid JSON',
    field_count: (v) => `has ${v.fields} fields but the header has ${v.header}: is a delimiter or quote misplaced?`,
    not_a_feature: (v) => `is not a GeoJSON Feature (type ${v.type})`,
    shape_unreadable: (v) => `the record's shape cannot be read: ${v.detail}`,
    duplicate_key: (v) => `duplicate ${v.key} in the file: also at row ${v.row}`,
    duplicate_key_apart: (v) => `duplicate ${v.key} in the file: also at row ${v.row} (rows of one record must be consecutive)`,
    same_record_invalid: (v, r) => `not stored: row ${v.row} of the same ${name(KINDS, 'en', r.kind, 'record')} is invalid`,
    database_refused: (v) => `the database refused the row: ${v.detail}`,
    lon_required_with_lat: () => 'is required when the latitude is given',
    lat_required_with_lon: () => 'is required when the longitude is given',
    lat_lon_swapped: (v) => `looks like latitude and longitude are swapped: longitude ${v.lon} reads as a latitude and latitude ${v.lat} as a longitude`,
    not_a_position: (v, r) => `(${v.x}, ${v.y}) is not a position${crsEn(v, r)}: longitude must be within ±180° and latitude within ±90°`,
    outside_extent: (v, r) => `(${v.lon}, ${v.lat}) lies outside ${areaEn(v)}${crsEn(v, r)}`,
    geometry_missing: () => 'the row has no geometry',
    geometry_unreadable: (v) => `is not WKT or GeoJSON: ${v.detail}`,
    geometry_not_object: () => 'is not a geometry object',
    geometry_malformed: (v, r) =>
      String(r.type).includes('Polygon')
        ? `every ${v.type} ring needs at least 4 positions and must be closed (first = last)`
        : String(r.type).includes('Line')
          ? `every line of a ${v.type} needs at least 2 positions`
          : `${v.type} coordinates must be [x, y] numbers`,
    geometry_type_unsupported: (v) => `unsupported geometry type ${v.type}`,
    geometry_not_point: (v) => `must be a Point, not ${v.type}`,
    geometry_lat_lon_swapped: () => "looks like latitude and longitude are swapped: the coordinates read as (lat, lon) fall in the deployment's area",
    geometry_not_lon_lat: (v, r) => `has positions that are not longitude/latitude within ±180°/±90°${crsEn(v, r)}: is the coordinate system right?`,
    geometry_outside_extent: (v, r) => `spans lon ${v.minLon}–${v.maxLon}, lat ${v.minLat}–${v.maxLat}, outside ${areaEn(v)}${crsEn(v, r)}`,
    polygon_invalid: (v, r) => `invalid polygon: ${v.fault}${atEn(v, r)}; tick “Repair invalid polygons” to repair it on import, or fix it in a GIS`,
    polygon_repair_empty: (v, r) => `invalid polygon: ${v.fault}${atEn(v, r)}; the repair leaves no area: fix it in a GIS`,
    polygon_repair_too_large: (v, r) =>
      `invalid polygon: ${v.fault}${atEn(v, r)}; repairing it would change its area by ${r.changePct !== undefined ? `${v.changePct} %` : 'more than 100 %'}, more than the ${v.maxPct} % allowed: fix it in a GIS`,
    uscc_not_string: () => 'invalid unified social credit code: must be text',
    uscc_length: (v) => `invalid unified social credit code: must be 18 characters, got ${v.length}`,
    uscc_character: (v) =>
      `invalid unified social credit code: illegal character “${v.character}” at position ${v.position} (allowed: 0-9 and A-Y without I, O, S, V, Z)`,
    uscc_check_character: (v) => `invalid unified social credit code: check character expected ${v.expected}, got ${v.got}`,
    uscc_or_external_id_required: () => 'the enterprise needs an identifier: give the unified social credit code or the enterprise id',
    external_id_taken: (v) => `enterprise id ${v.key} already belongs to another enterprise (${v.other})`,
    division_code_format: () => 'must be a 6-digit (GB/T 2260) or 9-digit township code',
    division_unknown: (v) => `division ${v.code} does not exist: import the divisions first`,
    division_unknown_or_empty: (v) =>
      `division ${v.code} does not exist: import the divisions first, or leave the cell empty to take the division containing the point`,
    address_ambiguous: (v) => `names several divisions (${v.candidates}): give the coordinates or the division code`,
    address_unknown: () => 'names no division of this deployment, and the row has no coordinates: give the coordinates or the division code',
    location_or_address_required: () => 'the location is required: give the longitude and latitude, or an address naming a division',
    location_required: () => 'the location is required: give the longitude and latitude',
    point_in_no_division: (v) => `the point (${v.lon}, ${v.lat}) lies in no division: give the division code`,
    grid_unknown: (v) => `management grid ${v.code} does not exist: import the grids first, or leave the cell empty`,
    date_before: (v, r) => `is before ${name(FIELDS, 'en', r.other, 'the start date')} ${v.date}`,
    assessment_missing: () => 'no assessment: give the method with L, E, C (LEC), L and S (risk matrix) or a stated level',
    required_for_method: (_v, r) => `is required when the method is ${name(METHODS, 'en', r.method, String(r.method))}`,
    lec_not_in_set: (v) => `must be one of ${v.allowed}`,
    matrix_out_of_range: (v) => `must be an integer from ${v.min} to ${v.max}`,
    enterprise_unknown: (v) => `no enterprise with USCC ${v.uscc}: import the enterprises first`,
    enterprise_unknown_external_id: (v) => `no enterprise with the id ${v.key}: import the enterprises first`,
    required_for_status: (_v, r) => `is required when the status is ${name(STATUSES, 'en', r.status, String(r.status))}`,
    verifier_is_reporter: () => 'must differ from the person who reported the hidden danger',
    substance_incomplete: (v) => `substance ${v.index} needs a name, q > 0 and Q > 0 (tonnes)`,
    substances_not_list: () => 'must be a JSON array of { name, cas, class, q, Q, beta }',
    required_with_substance: () => 'is required with a substance name',
    installation_needs_substance: () => 'an installation needs at least one substance (name, maximum quantity, critical quantity) or a substance list in JSON',
    not_major_hazard: (v) => `not a major hazard installation: S = Σ q/Q = ${v.S} < ${v.threshold}`,
    hazard_class_unknown: (v) => `substance ${v.index}: unknown hazard class “${v.text}” (GB 18218-2018 table 4)`,
    beta_invalid: (v) => `substance ${v.index}: the correction factor β must be a number > 0`,
    quantity_invalid: (v) => `substance ${v.index}: the quantity q must be a number > 0 (tonnes)`,
    critical_quantity_invalid: (v) => `substance ${v.index}: the critical quantity Q is required, a number > 0 (tonnes)`,
    population_invalid: () => 'the persons within 500 m must be a whole number ≥ 0',
    substance_required: () => 'at least one substance is required',
    corridor_buffer_required: () => 'is required for a corridor: its half-width, 1 to 5000 metres',
    not_a_line: (v) => `must be a LineString or MultiLineString, not ${v.type}`,
    line_not_lon_lat: (v) => `the centre line cannot be converted to longitude/latitude: ${v.detail}`,
    corridor_line_required: () => 'a corridor given as a polygon needs its centre line too; or give the line itself as the geometry',
    area_not_line: () => 'an area needs a Polygon or MultiPolygon (a line makes a corridor: set the area kind to corridor with a buffer)',
    buffer_corridor_only: () => 'applies to a corridor only',
    area_geometry_type: (v) => `must be a Polygon, MultiPolygon or (for a corridor) a line, not ${v.type}`,
    polygon_type: (v) => `must be a Polygon or MultiPolygon, not ${v.type}`,
    parent_code_format: () => 'must be a 6- or 9-digit code',
    parent_unknown: (v) => `parent division ${v.code} does not exist in the database or the file`,
    division_name_unknown: (v) => `the name "${v.name}" is not a division of this deployment's register (${v.region}): give the division code`,
    division_name_ambiguous: (v) => `the name "${v.name}" names several divisions (${v.candidates}): give the division code or the parent code`,
    grid_in_no_division: () => 'the grid lies in no division: give the division code',
    items_not_list: () => 'must be a list of { item, quantity, unit }',
    item_not_triple: (v) => `“${v.text}” is not item:quantity:unit`,
    resource_field_required: (_v, r) => `is required for a ${name(RESOURCE_KINDS, 'en', r.kind, String(r.kind))}`,
    resource_field_not_applicable: (_v, r) =>
      `applies only to ${((r.owners as string[] | undefined) ?? []).map((k) => name(RESOURCE_KINDS, 'en', k, k)).join(', ')}, not to a ${name(RESOURCE_KINDS, 'en', r.kind, String(r.kind))}`,
    capability_unknown: (v) => `unknown capability “${v.text}”`,
    capability_repeated: (v) => `repeats “${v.text}”`,
    team_needs_capability: () => 'a rescue team needs at least one capability',
    expert_needs_contact: () => 'an expert needs a contact or a duty phone',
    depot_needs_items: () => 'a depot needs at least one stock item',
    depot_item_repeated: (v) => `repeats “${v.item}” in ${v.unit}`,
    road_not_line: (v) => `a road must be a LineString or MultiLineString, not ${v.type}`,
    road_class_required: () => 'is required (an OpenStreetMap highway value, e.g. primary, residential)',
    road_class_unknown: (v) => `unknown road class “${v.text}”; one of ${v.allowed}`,
    road_speed_not_number: (v) => `must be a number of km/h, got “${v.text}”`,
    road_speed_not_positive: (v) => `must be positive, got ${v.number}`,
    road_speed_too_high: (v) => `must be at most ${v.max} km/h, got ${v.number}`,
    road_oneway_not_boolean: () => 'must be yes or no',
    road_oneway_unknown: () => 'must be yes (along the line), -1 (against it) or no (both ways)',
  },
}

const FORMATS_ZH: Record<string, string> = { csv: 'CSV', xlsx: 'XLSX', geojson: 'GeoJSON', shapefile: 'Shapefile', 'osm-pbf': 'OpenStreetMap PBF' }
const FOUND_ZH: Record<string, string> = { zip: 'ZIP 压缩包', xml: 'OpenStreetMap XML（请先用 osmium 转换为 PBF）', json: 'JSON 文本', text: '文本' }
const FOUND_EN: Record<string, string> = { zip: 'a zip archive', xml: 'OpenStreetMap XML (convert it to PBF with osmium first)', json: 'JSON', text: 'text' }
const format = (r: ProblemParams) => FORMATS_ZH[String(r.format)] ?? String(r.format)

/** The wording of every problem that refuses a whole file (the server's FILE_PROBLEM_CODES), in Chinese and in English. */
export const FILE_PROBLEM_WORDING: Record<Lang, Record<string, Wording>> = {
  zh: {
    file_empty: () => '文件是空的',
    file_too_large: (v, r) => (r.sizeMb !== undefined ? `文件大小 ${v.sizeMb} MB，超过导入上限 ${v.limitMb} MB` : `文件超过导入上限 ${v.limitMb} MB`),
    no_data_rows: () => '文件只有表头，没有数据行',
    column_missing: (v) => `缺少必需的列：${v.column}`,
    header_duplicate: (v) => `表头中“${v.column}”列出现了两次`,
    encoding_unknown: () => '文件既不是 UTF-8 也不是 GBK 文本：请另存为“CSV UTF-8”，或用中文版 Excel 另存为 CSV（GBK）',
    not_text: (v) => `文件不是文本（第 ${v.offset} 字节为二进制）：应为 UTF-8 或 GBK 编码的 CSV`,
    encoding_mixed: (v) => `第 ${v.at} 字节附近不是有效的 ${v.encoding}：文件混用了多种编码`,
    utf8_truncated: () => '文件在一个 UTF-8 字符中间结束',
    utf16: () => '文件是 UTF-16 文本（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8”',
    csv_syntax: (v) => `CSV 第 ${v.line} 行附近语法错误（引号或分隔符不匹配）`,
    xls_old: () => '不支持旧版 Excel .xls 文件：请另存为 .xlsx 或 CSV',
    xlsx_not_workbook: () => '不是 XLSX 工作簿',
    xlsx_no_sheet: () => '工作簿中没有工作表',
    xlsx_damaged: () => '工作表的 XML 已损坏',
    geojson_invalid: (v) => `不是有效的 GeoJSON：第 ${v.line} 行附近有错误`,
    geojson_not_collection: (v) => `不是 GeoJSON：顶层类型为 ${v.type}，应为 FeatureCollection 或 Feature`,
    geojson_no_features: () => 'GeoJSON 中没有要素',
    geojson_crs_late: () => 'GeoJSON 的 crs 成员在要素之后：请将其放在前面，或在导入时选择坐标系',
    shp_not_zipped: () => 'Shapefile 须打包为一个 .zip 上传，内含 .shp、.dbf 和 .prj（及 .cpg）文件',
    not_zip: (_v, r) =>
      r.format === 'xlsx' ? '不是 XLSX 工作簿（.xlsx 文件是 ZIP 压缩包）' : 'Shapefile 须打包为一个 .zip 上传，内含 .shp、.dbf 和 .prj 文件',
    is_zip: (_v, r) => `文件是 ZIP 压缩包，不是 ${format(r)}：请选择 XLSX 或 Shapefile 格式`,
    zip_unreadable: () => '无法读取该 ZIP 压缩包',
    zip_entry_missing: (v) => `无法从压缩包中读取 ${v.name}`,
    zip_no_shp: () => '压缩包中没有 .shp 文件；Shapefile 需要 .shp、.dbf 以及说明坐标系的 .prj',
    zip_many_shp: (v) => `压缩包中有 ${v.count} 个 Shapefile：请一次导入一个`,
    shp_no_dbf: (v) => `压缩包中 ${v.name} 旁没有 .dbf 属性表`,
    shapefile_damaged: () => 'Shapefile 已损坏或不完整（.shp 与 .dbf 不一致或被截断）',
    shape_type_unsupported: (v) => `不支持 .shp 文件中的图形类型 ${v.type}`,
    shapefile_no_records: () => 'Shapefile 中没有记录',
    osm_xml: () => '不支持 OpenStreetMap XML：请用 osmium 转换为 PBF，或下载 .osm.pbf 数据',
    not_osm_pbf: (_v, r) => `不是 OpenStreetMap PBF 文件：而是${FOUND_ZH[String(r.found)] ?? '其他文件'}`,
    is_osm_pbf: (_v, r) => `文件是 OpenStreetMap PBF 数据，不是 ${format(r)}：请选择 OpenStreetMap PBF 格式`,
    osm_unreadable: () => '无法读取该 OpenStreetMap PBF 文件（是否不完整？）',
    osm_no_roads: () => 'OpenStreetMap 文件中没有可通行车辆的道路',
    osm_not_roads_kind: () => 'OpenStreetMap PBF 数据只含道路：请按“道路”类型导入',
    crs_value: (v) => `坐标系“${v.text}”无效：请从列表中选择，或填写 EPSG 代码`,
    crs_unsupported: (v) => `不支持的坐标系 ${v.crs}：请使用 WGS 84 / CGCS2000（或 GCJ-02、BD-09）、CGCS2000 高斯-克吕格分带或 UTM`,
    crs_needs_datum: (v) => `坐标系 ${v.crs}（北京 1954 / 西安 1980）需要使用本地参数进行基准转换：请先将数据转换为 CGCS2000`,
    crs_unusable: (v) => `无法使用坐标系 ${v.crs}`,
    mapping_column_unknown: (v) => `列对应关系中的列“${v.column}”在文件中不存在`,
    mapping_field_unknown: (v) => `列对应关系把列“${v.column}”对应到未知字段“${v.field}”`,
    mapping_same_field: (v) => `列 ${v.columns} 都对应到字段“${v.field}”：请删去其中一列的对应`,
  },
  en: {
    file_empty: () => 'the file is empty',
    file_too_large: (v, r) =>
      r.sizeMb !== undefined
        ? `the file is ${v.sizeMb} MB, over the import limit of ${v.limitMb} MB`
        : `the file is larger than the import limit of ${v.limitMb} MB`,
    no_data_rows: () => 'the file has a header but no data rows',
    column_missing: (v) => `a required column is missing: ${v.column}`,
    header_duplicate: (v) => `column “${v.column}” appears twice in the header`,
    encoding_unknown: () => 'the file is neither UTF-8 nor GBK text: save it as “CSV UTF-8” or as CSV from a Chinese-language Excel (GBK)',
    not_text: (v) => `the file is not text (binary byte at offset ${v.offset}): expected CSV in UTF-8 or GBK`,
    encoding_mixed: (v) => `invalid ${v.encoding} near byte ${v.at}: the file mixes encodings`,
    utf8_truncated: () => 'the file ends in the middle of a UTF-8 character',
    utf16: () => 'the file is UTF-16 text (“Unicode text” in Excel): save it as “CSV UTF-8” instead',
    csv_syntax: (v) => `CSV syntax error near line ${v.line} (a quote or delimiter out of place)`,
    xls_old: () => 'old Excel .xls files are not supported: save the sheet as .xlsx or CSV',
    xlsx_not_workbook: () => 'not an XLSX workbook',
    xlsx_no_sheet: () => 'the workbook has no worksheet',
    xlsx_damaged: () => 'the worksheet XML is damaged',
    geojson_invalid: (v) => `not valid GeoJSON: an error near line ${v.line}`,
    geojson_not_collection: (v) => `not GeoJSON: the top-level type is ${v.type}, expected FeatureCollection or Feature`,
    geojson_no_features: () => 'the GeoJSON has no features',
    geojson_crs_late: () => 'the GeoJSON crs member comes after the features: put it first, or choose the coordinate system',
    shp_not_zipped: () => 'upload a shapefile as one .zip holding the .shp, .dbf and .prj (and .cpg) files',
    not_zip: (_v, r) =>
      r.format === 'xlsx'
        ? 'not an XLSX workbook (an .xlsx file is a zip archive)'
        : 'a shapefile must be uploaded as a .zip holding the .shp, .dbf and .prj files',
    is_zip: (_v, r) => `the file is a zip archive, not ${r.format === 'csv' ? 'CSV text' : 'GeoJSON'}: choose format XLSX or Shapefile`,
    zip_unreadable: () => 'not a readable zip archive',
    zip_entry_missing: (v) => `cannot read ${v.name} from the archive`,
    zip_no_shp: () => 'the zip holds no .shp file; a zipped shapefile needs .shp, .dbf and, for its coordinate system, .prj',
    zip_many_shp: (v) => `the zip holds ${v.count} shapefiles: import one at a time`,
    shp_no_dbf: (v) => `${v.name} has no .dbf attribute table beside it in the zip`,
    shapefile_damaged: () => 'the shapefile is damaged or incomplete (the .shp and .dbf disagree, or one is truncated)',
    shape_type_unsupported: (v) => `unsupported shape type ${v.type} in the .shp file`,
    shapefile_no_records: () => 'the shapefile has no records',
    osm_xml: () => 'OpenStreetMap XML is not supported: convert it to PBF with osmium, or download the .osm.pbf extract',
    not_osm_pbf: (_v, r) => `not an OpenStreetMap PBF file: it is ${FOUND_EN[String(r.found)] ?? 'another kind of file'}`,
    is_osm_pbf: (_v, r) => `the file is an OpenStreetMap PBF extract, not ${String(r.format)}: choose format OpenStreetMap PBF`,
    osm_unreadable: () => 'not a readable OpenStreetMap PBF file (is it truncated?)',
    osm_no_roads: () => 'the OpenStreetMap file has no drivable roads',
    osm_not_roads_kind: () => 'an OpenStreetMap PBF extract holds roads: import it as roads',
    crs_value: (v) => `the coordinate system “${v.text}” is not valid: choose one from the list or give an EPSG code`,
    crs_unsupported: (v) => `unsupported coordinate system ${v.crs}: use WGS 84 / CGCS2000 (or GCJ-02, BD-09), a CGCS2000 Gauss-Kruger zone or UTM`,
    crs_needs_datum: (v) => `${v.crs} (Beijing 1954 / Xian 1980) needs a datum transformation with local parameters: reproject the data to CGCS2000 first`,
    crs_unusable: (v) => `cannot use the coordinate system ${v.crs}`,
    mapping_column_unknown: (v) => `the column mapping names column “${v.column}”, which the file does not have`,
    mapping_field_unknown: (v) => `the column mapping sends column “${v.column}” to unknown field “${v.field}”`,
    mapping_same_field: (v) => `columns ${v.columns} both map to the field “${v.field}”: drop one`,
  },
}

/** A parameter's placeholder in a wording: `⟦name⟧` (no wording uses these brackets). */
const MARK = /⟦([A-Za-z0-9_]+)⟧/

/**
 * A reason in `lang` by its code: text, with every value it names as written (translate="no");
 * null when this page does not know the code (the caller shows the server's text).
 */
export function problemNodes(
  lang: Lang,
  code: string | undefined,
  params: ProblemParams | undefined,
  catalogue: Record<Lang, Record<string, Wording>> = PROBLEM_WORDING,
): Array<string | Node> | null {
  const wording = code === undefined ? undefined : catalogue[lang][code]
  if (!wording) return null
  const raw = params ?? {}
  const marked = new Proxy({} as Record<string, string>, { get: (_t, key) => `⟦${String(key)}⟧` })
  const text = wording(marked, raw)
  const parts = text.split(MARK)
  const out: Array<string | Node> = []
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      if (part) out.push(part)
      return
    }
    const value = raw[part]
    out.push(userText(value === undefined ? '' : Array.isArray(value) ? value.join(lang === 'zh' ? '、' : ', ') : String(value)))
  })
  return out
}
