import type { Lang } from '../i18n'

/** Texts of the printable region report (report.html), per language; level, kind and unit names come from i18n. */
export interface RegionReportMessages {
  pageTitle: string
  loading: string
  print: string
  printTitle: string
  backToMap: string
  noRegion: string
  notFound: (key: string) => string
  failed: (message: string) => string
  generated: (date: string) => string
  dataVersion: (version: number) => string
  demoData: string
  code: string
  rank: string
  area: string
  level: string
  updatedAt: string
  sections: { levels: string; map: string; why: string; changes: string; resources: string; enforcement: string }
  staleNote: string
  levelHeaders: { level: string; areaShare: string; cells: string; cellShare: string }
  total: string
  staleCells: (count: number) => string
  whyIntro: string
  sourceHeaders: { kind: string; name: string; enterprise: string; level: string; cells: string }
  noSources: string
  mapNote: (res: number) => string
  mapTitle: string
  since: (date: string) => string
  /** A heading with the window it covers. */
  withSince: (label: string, since: string) => string
  /** Cells graded for the first time: reported apart from level changes. */
  firstGraded: string
  /** The recent-changes line of a first grading. */
  firstGrading: string
  raised: string
  lowered: string
  staleOnly: string
  monthlyTitle: string
  recentTitle: string
  noChanges: string
  changeHeaders: { cell: string; change: string; date: string }
  resourceHeaders: { kind: string; inside: string; near: (km: string) => string }
  nearestTeams: string
  teamHeaders: { name: string; type: string; headcount: string; status: string; distance: string; phone: string }
  inside: string
  noTeams: string
  enterprises: string
  blacklisted: string
  inspections: string
  inspectionsDone: string
  inspectionsWithViolations: string
  inspectionsPending: string
  lastInspection: string
  hiddenDangers: string
  open: string
  overdue: string
  majorOpen: string
  awaitingVerification: string
  violations: string
  penalties: string
  penaltyCount: string
  penaltyAmount: string
  published: string
  yuan: (amount: string) => string
  none: string
  footer: string
}

const zhCN: RegionReportMessages = {
  pageTitle: '区域安全风险报告',
  loading: '正在生成报告…',
  print: '打印报告',
  printTitle: '打印本报告（A4 纵向）',
  backToMap: '返回地图',
  noRegion: '链接中缺少区域：请从地图的区域面板打开报告（report.html?region=区划代码或网格编码）。',
  notFound: (key) => `找不到区域“${key}”：请从地图的区域面板重新打开报告。`,
  failed: (message) => `报告加载失败：${message}`,
  generated: (date) => `生成日期：${date}`,
  dataVersion: (version) => `数据版本：${version}`,
  demoData: '示例数据（非真实数据）',
  code: '编码',
  rank: '类别',
  area: '面积',
  level: '区域风险等级',
  updatedAt: '等级更新时间',
  sections: { levels: '风险等级与分布', map: '区域地图', why: '主要风险来源', changes: '等级变化', resources: '应急资源', enforcement: '执法检查' },
  staleNote: '数据过期：决定该等级的网格所依据的记录均已超过有效期，等级仅供参考。',
  levelHeaders: { level: '等级', areaShare: '面积占比', cells: '网格数', cellShare: '网格占比' },
  total: '合计',
  staleCells: (count) => `其中数据过期网格 ${count} 个。`,
  whyIntro: '决定区域等级（就高）的风险来源，按影响的本等级网格数排序。',
  sourceHeaders: { kind: '类型', name: '名称', enterprise: '所属企业', level: '等级', cells: '影响网格' },
  noSources: '区域内无已识别的风险来源。',
  mapNote: (res) => `H3 第 ${res} 级网格，按风险等级着色`,
  mapTitle: '区域内风险网格分布图',
  since: (date) => `${date} 以来`,
  withSince: (label, since) => `${label}（${since}）`,
  firstGraded: '首次定级的网格',
  firstGrading: '首次定级',
  raised: '等级升高的网格',
  lowered: '等级降低的网格',
  staleOnly: '仅数据时效变化',
  monthlyTitle: '每月等级变化（网格次数）',
  recentTitle: '最近的变化',
  noChanges: '期间无等级变化。',
  changeHeaders: { cell: '网格', change: '等级变化', date: '时间' },
  resourceHeaders: { kind: '类别', inside: '区域内', near: (km) => `${km} 公里范围内` },
  nearestTeams: '最近的救援队伍',
  teamHeaders: { name: '队伍', type: '类型', headcount: '人数', status: '状态', distance: '距区域', phone: '值班电话' },
  inside: '区域内',
  noTeams: '没有登记的救援队伍。',
  enterprises: '区域内企业',
  blacklisted: '失信（黑名单）企业',
  inspections: '监督检查',
  inspectionsDone: '已完成检查',
  inspectionsWithViolations: '发现违法行为的检查',
  inspectionsPending: '已计划未检查',
  lastInspection: '最近一次检查',
  hiddenDangers: '重大事故隐患',
  open: '未整改',
  overdue: '逾期未整改',
  majorOpen: '未整改的重大隐患',
  awaitingVerification: '已整改待验收',
  violations: '违法行为',
  penalties: '行政处罚',
  penaltyCount: '处罚决定',
  penaltyAmount: '罚款金额',
  published: '已公开',
  yuan: (amount) => `${amount} 元`,
  none: '无',
  footer: '本报告由区域安全风险地图自动生成。区域等级取区域内网格的最高等级（就高）；执法数据按位于区域内的企业统计。',
}

const en: RegionReportMessages = {
  pageTitle: 'Regional safety-risk report',
  loading: 'Preparing the report…',
  print: 'Print report',
  printTitle: 'Print this report (A4 portrait)',
  backToMap: 'Back to the map',
  noRegion: 'The link names no region: open the report from a region panel on the map (report.html?region=division or grid code).',
  notFound: (key) => `There is no region “${key}”: open the report again from a region panel on the map.`,
  failed: (message) => `The report could not be loaded: ${message}`,
  generated: (date) => `Generated: ${date}`,
  dataVersion: (version) => `Data version: ${version}`,
  demoData: 'Demo data (not real)',
  code: 'Code',
  rank: 'Kind',
  area: 'Area',
  level: 'Region risk level',
  updatedAt: 'Level updated',
  sections: {
    levels: 'Risk level and distribution',
    map: 'Map',
    why: 'Main risk sources',
    changes: 'Level changes',
    resources: 'Emergency resources',
    enforcement: 'Enforcement',
  },
  staleNote: 'Data stale: every record behind the cells that set this level is past its validity; the level is indicative only.',
  levelHeaders: { level: 'Level', areaShare: 'Share of area', cells: 'Cells', cellShare: 'Share of cells' },
  total: 'Total',
  staleCells: (count) => `${count} of them rest on stale data.`,
  whyIntro: "The sources behind the region's level (the highest cell level), by how many of those cells they reach.",
  sourceHeaders: { kind: 'Kind', name: 'Name', enterprise: 'Enterprise', level: 'Level', cells: 'Cells reached' },
  noSources: 'No identified risk source in this region.',
  mapNote: (res) => `H3 resolution ${res} cells coloured by risk level`,
  mapTitle: 'Risk cells in the region',
  since: (date) => `since ${date}`,
  withSince: (label, since) => `${label} (${since})`,
  firstGraded: 'Cells graded for the first time',
  firstGrading: 'first grading',
  raised: 'Cells raised',
  lowered: 'Cells lowered',
  staleOnly: 'Data age only',
  monthlyTitle: 'Level changes per month (cell changes)',
  recentTitle: 'Latest changes',
  noChanges: 'No level changed in this period.',
  changeHeaders: { cell: 'Cell', change: 'Change', date: 'When' },
  resourceHeaders: { kind: 'Kind', inside: 'Inside', near: (km) => `Within ${km} km` },
  nearestTeams: 'Nearest rescue teams',
  teamHeaders: { name: 'Team', type: 'Type', headcount: 'Staff', status: 'Status', distance: 'Distance', phone: 'Duty phone' },
  inside: 'inside',
  noTeams: 'No rescue team is registered.',
  enterprises: 'Enterprises in the region',
  blacklisted: 'Blacklisted enterprises',
  inspections: 'Inspections',
  inspectionsDone: 'Inspections done',
  inspectionsWithViolations: 'with violations found',
  inspectionsPending: 'Planned, not yet done',
  lastInspection: 'Latest inspection',
  hiddenDangers: 'Major hidden dangers',
  open: 'Open',
  overdue: 'Overdue',
  majorOpen: 'Open major ones',
  awaitingVerification: 'Rectified, awaiting verification',
  violations: 'Violations',
  penalties: 'Penalties',
  penaltyCount: 'Decisions',
  penaltyAmount: 'Fines',
  published: 'Published',
  yuan: (amount) => `¥${amount}`,
  none: 'none',
  footer:
    "Generated by the regional safety-risk map. A region's level is the highest level of its cells; enforcement counts the enterprises located in the region.",
}

export const REGION_REPORT_MESSAGES: Readonly<Record<Lang, RegionReportMessages>> = { 'zh-CN': zhCN, en }
