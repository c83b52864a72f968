/**
 * Industries as registers write them: the national classification GB/T 4754-2017 (国民经济行业分类,
 * with its amendment No. 1 of 2019), by code or name, mapped to the service's industry vocabulary
 * (`rules.industries`) and the high-hazard flag through ONE table. The departments follow from the
 * industry: its industry department (`department.industries`) and the specialist fields it needs
 * (SPECIALIST_NEEDS in supervision.ts).
 *
 * The table lists every section (门类 A–T) and every division (大类 01–97) of the standard, as the
 * standard lists them, plus the groups and classes (中类/小类) whose mapping differs from their
 * division's (fireworks, fuel retail, dangerous-goods storage). A code is looked up by its longest
 * listed prefix, so `C2614`, `2614`, `C26` and `26` all find 化学原料和化学制品制造业. A deployment
 * changes or adds mappings with its own rows (INDUSTRY_TABLE, a CSV read at start-up: see
 * `industryTableOverlay`); the table's `version` then names that file beside the standard's edition.
 */

/** One row of the classification table. */
export interface IndustryClass {
  /** Section letter (`C`), or the 2-, 3- or 4-digit code of a division, group or class (`26`, `267`, `2672`). */
  code: string
  /** The standard's Chinese name. */
  zh: string
  /** The service's industry code (`rules.industries`). */
  industry: string
  /** High-hazard under the seed's list (hazardous chemicals, mining, fireworks, metal smelting). */
  highHazard: boolean
}

export interface IndustryTable {
  /** Names the standard and edition the rows follow, and who changed them. */
  version: string
  rows: readonly IndustryClass[]
}

/** The industry a register's text resolves to. */
export interface IndustryMatch {
  /** The service's industry code. */
  industry: string
  highHazard: boolean
  /** The matched GB/T 4754 code with its section letter (`C26`), or null when the text named a service industry directly. */
  classCode: string | null
  /** The matched row's name. */
  classZh: string | null
}

const SECTIONS: ReadonlyArray<[string, string, string]> = [
  // letter, name, divisions (first–last)
  ['A', '农、林、牧、渔业', '01-05'],
  ['B', '采矿业', '06-12'],
  ['C', '制造业', '13-43'],
  ['D', '电力、热力、燃气及水生产和供应业', '44-46'],
  ['E', '建筑业', '47-50'],
  ['F', '批发和零售业', '51-52'],
  ['G', '交通运输、仓储和邮政业', '53-60'],
  ['H', '住宿和餐饮业', '61-62'],
  ['I', '信息传输、软件和信息技术服务业', '63-65'],
  ['J', '金融业', '66-69'],
  ['K', '房地产业', '70-70'],
  ['L', '租赁和商务服务业', '71-72'],
  ['M', '科学研究和技术服务业', '73-75'],
  ['N', '水利、环境和公共设施管理业', '76-79'],
  ['O', '居民服务、修理和其他服务业', '80-82'],
  ['P', '教育', '83-83'],
  ['Q', '卫生和社会工作', '84-85'],
  ['R', '文化、体育和娱乐业', '86-90'],
  ['S', '公共管理、社会保障和社会组织', '91-96'],
  ['T', '国际组织', '97-97'],
]

/** Divisions (大类) of GB/T 4754-2017 with the service industry each maps to. */
const DIVISIONS: ReadonlyArray<[string, string, string]> = [
  ['01', '农业', 'other'],
  ['02', '林业', 'other'],
  ['03', '畜牧业', 'other'],
  ['04', '渔业', 'other'],
  ['05', '农、林、牧、渔专业及辅助性活动', 'other'],
  ['06', '煤炭开采和洗选业', 'mining'],
  ['07', '石油和天然气开采业', 'mining'],
  ['08', '黑色金属矿采选业', 'mining'],
  ['09', '有色金属矿采选业', 'mining'],
  ['10', '非金属矿采选业', 'mining'],
  ['11', '开采专业及辅助性活动', 'mining'],
  ['12', '其他采矿业', 'mining'],
  ['13', '农副食品加工业', 'manufacturing'],
  ['14', '食品制造业', 'manufacturing'],
  ['15', '酒、饮料和精制茶制造业', 'manufacturing'],
  ['16', '烟草制品业', 'manufacturing'],
  ['17', '纺织业', 'manufacturing'],
  ['18', '纺织服装、服饰业', 'manufacturing'],
  ['19', '皮革、毛皮、羽毛及其制品和制鞋业', 'manufacturing'],
  ['20', '木材加工和木、竹、藤、棕、草制品业', 'manufacturing'],
  ['21', '家具制造业', 'manufacturing'],
  ['22', '造纸和纸制品业', 'manufacturing'],
  ['23', '印刷和记录媒介复制业', 'manufacturing'],
  ['24', '文教、工美、体育和娱乐用品制造业', 'manufacturing'],
  ['25', '石油、煤炭及其他燃料加工业', 'hazardous_chemicals'],
  ['26', '化学原料和化学制品制造业', 'hazardous_chemicals'],
  ['27', '医药制造业', 'manufacturing'],
  ['28', '化学纤维制造业', 'manufacturing'],
  ['29', '橡胶和塑料制品业', 'manufacturing'],
  ['30', '非金属矿物制品业', 'manufacturing'],
  ['31', '黑色金属冶炼和压延加工业', 'metal_smelting'],
  ['32', '有色金属冶炼和压延加工业', 'metal_smelting'],
  ['33', '金属制品业', 'manufacturing'],
  ['34', '通用设备制造业', 'manufacturing'],
  ['35', '专用设备制造业', 'manufacturing'],
  ['36', '汽车制造业', 'manufacturing'],
  ['37', '铁路、船舶、航空航天和其他运输设备制造业', 'manufacturing'],
  ['38', '电气机械和器材制造业', 'manufacturing'],
  ['39', '计算机、通信和其他电子设备制造业', 'manufacturing'],
  ['40', '仪器仪表制造业', 'manufacturing'],
  ['41', '其他制造业', 'manufacturing'],
  ['42', '废弃资源综合利用业', 'manufacturing'],
  ['43', '金属制品、机械和设备修理业', 'manufacturing'],
  ['44', '电力、热力生产和供应业', 'other'],
  ['45', '燃气生产和供应业', 'gas'],
  ['46', '水的生产和供应业', 'other'],
  ['47', '房屋建筑业', 'construction'],
  ['48', '土木工程建筑业', 'construction'],
  ['49', '建筑安装业', 'construction'],
  ['50', '建筑装饰、装修和其他建筑业', 'construction'],
  ['51', '批发业', 'retail'],
  ['52', '零售业', 'retail'],
  ['53', '铁路运输业', 'transport'],
  ['54', '道路运输业', 'transport'],
  ['55', '水上运输业', 'transport'],
  ['56', '航空运输业', 'transport'],
  ['57', '管道运输业', 'transport'],
  ['58', '多式联运和运输代理业', 'transport'],
  ['59', '装卸搬运和仓储业', 'warehousing'],
  ['60', '邮政业', 'warehousing'],
  ['61', '住宿业', 'retail'],
  ['62', '餐饮业', 'retail'],
  ['63', '电信、广播电视和卫星传输服务', 'other'],
  ['64', '互联网和相关服务', 'other'],
  ['65', '软件和信息技术服务业', 'other'],
  ['66', '货币金融服务', 'other'],
  ['67', '资本市场服务', 'other'],
  ['68', '保险业', 'other'],
  ['69', '其他金融业', 'other'],
  ['70', '房地产业', 'other'],
  ['71', '租赁业', 'other'],
  ['72', '商务服务业', 'other'],
  ['73', '研究和试验发展', 'other'],
  ['74', '专业技术服务业', 'other'],
  ['75', '科技推广和应用服务业', 'other'],
  ['76', '水利管理业', 'other'],
  ['77', '生态保护和环境治理业', 'other'],
  ['78', '公共设施管理业', 'other'],
  ['79', '土地管理业', 'other'],
  ['80', '居民服务业', 'other'],
  ['81', '机动车、电子产品和日用产品修理业', 'other'],
  ['82', '其他服务业', 'other'],
  ['83', '教育', 'other'],
  ['84', '卫生', 'other'],
  ['85', '社会工作', 'other'],
  ['86', '新闻和出版业', 'other'],
  ['87', '广播、电视、电影和录音制作业', 'other'],
  ['88', '文化艺术业', 'other'],
  ['89', '体育', 'other'],
  ['90', '娱乐业', 'other'],
  ['91', '中国共产党机关', 'other'],
  ['92', '国家机构', 'other'],
  ['93', '人民政协、民主党派', 'other'],
  ['94', '社会保障', 'other'],
  ['95', '群众团体、社会团体和其他成员组织', 'other'],
  ['96', '基层群众自治组织及其他组织', 'other'],
  ['97', '国际组织', 'other'],
]

/** Groups and classes (中类/小类) whose mapping differs from their division's. */
const FINER: ReadonlyArray<[string, string, string]> = [
  ['267', '炸药、火工及焰火产品制造', 'fireworks'],
  ['2672', '焰火、鞭炮产品制造', 'fireworks'],
  ['451', '燃气生产和供应业', 'gas'],
  ['5162', '石油及制品批发', 'hazardous_chemicals'],
  ['5265', '机动车燃油零售', 'hazardous_chemicals'],
  ['5266', '机动车燃气零售', 'gas'],
  ['594', '危险品仓储', 'hazardous_chemicals'],
]

/** The seed's high-hazard industries (hazardous chemicals, mining, fireworks, metal smelting). */
const HIGH_HAZARD = new Set(['hazardous_chemicals', 'mining', 'fireworks', 'metal_smelting'])

function sectionIndustry(first: number, last: number): string {
  const industries = new Set(DIVISIONS.filter(([c]) => Number(c) >= first && Number(c) <= last).map(([, , i]) => i))
  return industries.size === 1 ? [...industries][0]! : 'other'
}

/** The built-in table: GB/T 4754-2017 (amendment No. 1, 2019), sections and divisions, and the finer exceptions above. */
export const GBT4754_TABLE: IndustryTable = Object.freeze({
  version: 'GB/T 4754-2017 (amendment No. 1, 2019): 20 sections, 97 divisions, 7 finer groups/classes; riskmap mapping 2026.1',
  rows: Object.freeze([
    ...SECTIONS.map(([letter, zh, range]) => {
      const [first, last] = range.split('-').map(Number) as [number, number]
      const industry = sectionIndustry(first, last)
      return { code: letter, zh, industry, highHazard: HIGH_HAZARD.has(industry) }
    }),
    ...[...DIVISIONS, ...FINER].map(([code, zh, industry]) => ({ code, zh, industry, highHazard: HIGH_HAZARD.has(industry) })),
  ]),
})

/** The form names are compared in: NFKC, no blanks or punctuation. */
export function normaliseIndustryName(text: string): string {
  return text.normalize('NFKC').replace(/[\s、，,。.·()（）【】\[\]"'“”]+/g, '')
}

/** The section letter of a division code, e.g. 26 → C. */
export function sectionOf(division: string): string | null {
  const n = Number(division.slice(0, 2))
  for (const [letter, , range] of SECTIONS) {
    const [first, last] = range.split('-').map(Number) as [number, number]
    if (n >= first && n <= last) return letter
  }
  return null
}

/** A compiled lookup over a table: by digits (longest listed prefix), by section letter and by name. */
export interface IndustryClassifier {
  version: string
  /** The industry a register's cell names, or null when neither a code nor a name of the table nor a service industry matches. */
  resolve(text: string): IndustryMatch | null
}

/**
 * Compiles a table. `serviceIndustries` are the service's own codes and labels (code → labels),
 * accepted as they are, so files exported by the service import again.
 */
export function industryClassifier(table: IndustryTable, serviceIndustries: Record<string, readonly string[]>): IndustryClassifier {
  const byCode = new Map<string, IndustryClass>()
  const byName = new Map<string, IndustryClass>()
  for (const row of table.rows) {
    byCode.set(row.code.toUpperCase(), row)
    byName.set(normaliseIndustryName(row.zh), row)
  }
  const service = new Map<string, string>()
  for (const [code, labels] of Object.entries(serviceIndustries)) {
    service.set(normaliseIndustryName(code).toLowerCase(), code)
    for (const label of labels) service.set(normaliseIndustryName(label).toLowerCase(), code)
  }
  const match = (row: IndustryClass): IndustryMatch => {
    const letter = /^[A-Z]$/.test(row.code) ? row.code : sectionOf(row.code)
    return {
      industry: row.industry,
      highHazard: row.highHazard,
      classCode: /^[A-Z]$/.test(row.code) ? row.code : `${letter ?? ''}${row.code}`,
      classZh: row.zh,
    }
  }
  const byDigits = (digits: string): IndustryClass | undefined => {
    for (let n = Math.min(digits.length, 4); n >= 2; n--) {
      const row = byCode.get(digits.slice(0, n))
      if (row) return row
    }
    return undefined
  }
  return {
    version: table.version,
    resolve(text: string): IndustryMatch | null {
      const raw = text.normalize('NFKC').trim()
      if (raw === '') return null
      const own = service.get(normaliseIndustryName(raw).toLowerCase())
      if (own !== undefined) return { industry: own, highHazard: HIGH_HAZARD.has(own), classCode: null, classZh: null }
      // A code alone (`C26`, `26`, `2614`, `C`), or a code beside the name (`C26 化学原料…`, `化学原料…(2614)`).
      const code = /(?:^|[^A-Za-z0-9])([A-Ta-t])?(\d{2,4})(?![0-9])/.exec(` ${raw}`)
      if (code) {
        const row = byDigits(code[2]!)
        const letter = code[1]?.toUpperCase()
        if (row && (letter === undefined || sectionOf(code[2]!) === letter)) return match(row)
      }
      if (/^[A-Ta-t]$/.test(raw)) {
        const row = byCode.get(raw.toUpperCase())
        if (row) return match(row)
      }
      const name = byName.get(normaliseIndustryName(raw.replace(/^[A-Ta-t]?\d{2,4}\s*/, '')))
      return name ? match(name) : null
    },
  }
}

/** A row of a deployment's own table as read from its file: cells by header, as written. */
export type IndustryTableRecord = Record<string, string | undefined>

/** The headers a deployment's table may use for each column (English or Chinese). */
const OVERLAY_HEADERS = {
  code: ['code', '代码', '行业代码'],
  name: ['name', '名称', '行业名称'],
  industry: ['industry', '行业', '本系统行业'],
  highHazard: ['high_hazard', 'highhazard', '高危'],
} as const

const YES = new Set(['1', 'true', 'yes', 'y', '是', '高危'])
const NO = new Set(['0', 'false', 'no', 'n', '否', ''])

/**
 * The base table with a deployment's rows laid over it: a row whose code the base lists replaces that
 * row, any other row is added (a finer group or class with its own mapping). Columns: code (a section
 * letter, or a 2–4 digit code, with or without its section letter: `C2614`), name, industry (one of
 * `industries`, the rule set's codes) and optionally high_hazard (default: the industry's flag).
 * Returns the table, or a message naming the first bad row (row 1 = the first after the header).
 */
export function industryTableOverlay(
  base: IndustryTable,
  records: readonly IndustryTableRecord[],
  source: string,
  industries: readonly string[],
): IndustryTable | string {
  if (records.length === 0) return `${source} has no rows: give a header (code,name,industry[,high_hazard]) and one row per mapping`
  const cell = (record: IndustryTableRecord, key: keyof typeof OVERLAY_HEADERS) => {
    for (const header of OVERLAY_HEADERS[key]) {
      const v = record[header]
      if (v !== undefined) return v.trim()
    }
    return undefined
  }
  const missing = (['code', 'name', 'industry'] as const).filter((k) => cell(records[0]!, k) === undefined)
  if (missing.length > 0) return `${source} lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((k) => OVERLAY_HEADERS[k].join('/')).join(', ')}`
  const known = new Set(industries)
  const rows = new Map(base.rows.map((r) => [r.code, r]))
  const seen = new Map<string, number>()
  let replaced = 0
  for (const [i, record] of records.entries()) {
    const at = `${source} row ${i + 1}`
    const written = cell(record, 'code')!.toUpperCase()
    const parts = /^([A-T])$|^([A-T])?(\d{2,4})$/.exec(written)
    if (!parts) return `${at}: code "${written}" is neither a section letter (A–T) nor a 2–4 digit GB/T 4754 code`
    if (parts[2] && sectionOf(parts[3]!) !== parts[2]) return `${at}: code "${written}": ${parts[3]} is not in section ${parts[2]}`
    const code = parts[1] ?? parts[3]!
    const first = seen.get(code)
    if (first !== undefined) return `${at}: code ${code} is also at row ${first}`
    seen.set(code, i + 1)
    const name = cell(record, 'name')!
    if (name === '') return `${at}: the name is empty`
    const industry = cell(record, 'industry')!
    if (!known.has(industry)) return `${at}: industry "${industry}" is not one of the service's industries (${[...known].join(', ')})`
    const flag = (cell(record, 'highHazard') ?? '').toLowerCase()
    if (!YES.has(flag) && !NO.has(flag)) return `${at}: high_hazard "${flag}" is not yes/no (1/0, 是/否)`
    if (rows.has(code)) replaced++
    rows.set(code, { code, zh: name, industry, highHazard: flag === '' ? HIGH_HAZARD.has(industry) : YES.has(flag) })
  }
  const added = records.length - replaced
  return Object.freeze({ version: `${base.version}; with ${source}: ${replaced} rows replaced, ${added} added`, rows: Object.freeze([...rows.values()]) })
}
