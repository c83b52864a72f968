import type { Lang } from '../i18n'
import type { DataGapKind } from '../api/contract'
import type { CoverageGapKind, PlanStatus, Specialty } from './api'

/** Texts of the supervision page (coverage report and double-random plans), per language. */
export interface SupervisionMessages {
  pageTitle: string
  mapLink: string
  tabs: { coverage: string; plans: string; quality: string }
  loading: string
  /** A failed load: what failed and the server's message. */
  loadFailed: (what: string, message: string) => string
  previous: string
  next: string
  /** The position in a paged list. */
  range: (from: number, to: number, total: number) => string
  openOnMap: string

  coverage: {
    title: string
    intro: string
    division: string
    allDivisions: string
    gap: string
    allGaps: string
    summary: (enterprises: number, withGaps: number, excluded: number) => string
    byDivisionTitle: string
    columns: { code: string; name: string; enterprises: string; withGaps: string }
    /** Column heads of the gap counts (short). */
    gapColumns: Record<CoverageGapKind, string>
    total: string
    sortBy: (column: string) => string
    itemsTitle: string
    noItems: string
    itemColumns: { enterprise: string; division: string; industry: string; tier: string; gaps: string }
    /** A gap as a chip; a missing specialist department names its field. */
    gapNames: Record<CoverageGapKind, string>
    missingSpecialty: (field: string) => string
    specialties: Record<Specialty, string>
    noTier: string
  }

  plans: {
    title: string
    intro: string
    formTitle: string
    department: string
    chooseDepartment: string
    divisionPrefix: string
    divisionPrefixHint: string
    periodStart: string
    periodEnd: string
    seed: string
    seedHint: string
    /** There is no sample size: the frequencies follow the risk levels. */
    frequencyNote: string
    submit: string
    submitting: string
    created: (id: number, inspections: number, enterprises: number) => string
    /** An error the server did not tie to a field of the form. */
    formError: (message: string) => string
    listTitle: string
    noPlans: string
    columns: { id: string; department: string; division: string; period: string; status: string; enterprises: string; inspections: string; createdBy: string }
    status: Record<PlanStatus, string>
    show: string
    detailTitle: (id: number) => string
    detailSummary: (department: string, division: string, period: string, seed: string) => string
    inspectionColumns: { plannedFor: string; enterprise: string; division: string; inspectors: string; result: string }
    noInspections: string
    notRecorded: string
  }
}

const zhCN: SupervisionMessages = {
  pageTitle: '监管覆盖与双随机抽查',
  mapLink: '风险地图',
  tabs: { coverage: '全覆盖报告', plans: '双随机抽查计划', quality: '数据质量' },
  loading: '加载中…',
  loadFailed: (what, message) => `${what}加载失败：${message}`,
  previous: '上一页',
  next: '下一页',
  range: (from, to, total) => (total === 0 ? '共 0 条' : `第 ${from}–${to} 条，共 ${total} 条`),
  openOnMap: '在地图上查看',

  coverage: {
    title: '监管全覆盖报告',
    intro: '列出缺少行业监管部门、所需专业监管部门、监管责任人或监管层级的企业（中央垂直管理企业不计）。',
    division: '行政区',
    allDivisions: '全市',
    gap: '缺项',
    allGaps: '全部缺项',
    summary: (enterprises, withGaps, excluded) => `检查企业 ${enterprises} 家，存在缺项 ${withGaps} 家；中央垂直管理 ${excluded} 家不计。`,
    byDivisionTitle: '各区县统计',
    columns: { code: '代码', name: '区县', enterprises: '企业数', withGaps: '有缺项' },
    gapColumns: { industry_department: '缺行业部门', specialist_department: '缺专业部门', responsible_person: '缺责任人', tier: '缺层级' },
    total: '合计',
    sortBy: (column) => `按“${column}”排序`,
    itemsTitle: '存在缺项的企业',
    noItems: '没有存在缺项的企业。',
    itemColumns: { enterprise: '企业', division: '行政区划代码', industry: '行业', tier: '监管层级', gaps: '缺项' },
    gapNames: { industry_department: '无行业监管部门', specialist_department: '无专业监管部门', responsible_person: '无监管责任人', tier: '无监管层级' },
    missingSpecialty: (field) => `无专业监管部门（${field}）`,
    specialties: { fire: '消防', special_equipment: '特种设备' },
    noTier: '—',
  },

  plans: {
    title: '双随机抽查计划',
    intro: '按部门、辖区和周期随机抽取检查对象，每次检查随机抽取两名执法人员；随机种子留存以便复核。',
    formTitle: '新建计划',
    department: '监管部门',
    chooseDepartment: '请选择部门',
    divisionPrefix: '抽取范围（行政区划代码前缀）',
    divisionPrefixHint: '如 2101 为全市，210106 为铁西区；须在部门辖区内',
    periodStart: '开始日期',
    periodEnd: '结束日期',
    seed: '重放随机种子（仅管理员）',
    seedHint: '留空：由系统生成随机种子并保存；只有管理员可重放已记录计划的种子',
    frequencyNote: '抽查频次按风险等级确定（红 4 次/年、橙 2 次/年、黄 1 次/年、蓝 0.5 次/年，失信企业提高一级），按周期折算。',
    submit: '抽取并保存',
    submitting: '正在抽取…',
    created: (id, inspections, enterprises) => `已生成计划 ${id}：${enterprises} 家企业，${inspections} 次检查。`,
    formError: (message) => `未能生成计划：${message}`,
    listTitle: '已有计划',
    noPlans: '暂无计划。',
    columns: {
      id: '编号',
      department: '部门',
      division: '范围',
      period: '周期',
      status: '状态',
      enterprises: '企业',
      inspections: '检查',
      createdBy: '创建人',
    },
    status: { draft: '草稿', published: '已公开', results_published: '结果已公开' },
    show: '查看',
    detailTitle: (id) => `计划 ${id}`,
    detailSummary: (department, division, period, seed) => `${department} · 范围 ${division} · ${period} · 随机种子 ${seed}`,
    inspectionColumns: { plannedFor: '计划日期', enterprise: '抽中企业', division: '行政区划代码', inspectors: '执法人员', result: '结果' },
    noInspections: '本计划未抽中任何检查。',
    notRecorded: '未录入',
  },
}

const en: SupervisionMessages = {
  pageTitle: 'Supervision coverage and double-random inspections',
  mapLink: 'Risk map',
  tabs: { coverage: 'Coverage report', plans: 'Double-random plans', quality: 'Data quality' },
  loading: 'Loading…',
  loadFailed: (what, message) => `Could not load ${what}: ${message}`,
  previous: 'Previous',
  next: 'Next',
  range: (from, to, total) => (total === 0 ? 'None' : `${from}–${to} of ${total}`),
  openOnMap: 'Show on the map',

  coverage: {
    title: 'Supervision coverage report',
    intro:
      'Enterprises lacking an industry department, a specialist department their industry needs, a responsible person or a supervision tier (centrally supervised ones excluded).',
    division: 'Division',
    allDivisions: 'Whole city',
    gap: 'Gap',
    allGaps: 'All gaps',
    summary: (enterprises, withGaps, excluded) =>
      `${enterprises} enterprises checked, ${withGaps} with gaps; ${excluded} under central vertical supervision excluded.`,
    byDivisionTitle: 'Per district',
    columns: { code: 'Code', name: 'District', enterprises: 'Enterprises', withGaps: 'With gaps' },
    gapColumns: {
      industry_department: 'No industry dept.',
      specialist_department: 'No specialist dept.',
      responsible_person: 'No responsible person',
      tier: 'No tier',
    },
    total: 'Total',
    sortBy: (column) => `Sort by “${column}”`,
    itemsTitle: 'Enterprises with gaps',
    noItems: 'No enterprise has a gap.',
    itemColumns: { enterprise: 'Enterprise', division: 'Division code', industry: 'Industry', tier: 'Tier', gaps: 'Gaps' },
    gapNames: {
      industry_department: 'No industry department',
      specialist_department: 'No specialist department',
      responsible_person: 'No responsible person',
      tier: 'No supervision tier',
    },
    missingSpecialty: (field) => `No specialist department (${field})`,
    specialties: { fire: 'fire safety', special_equipment: 'special equipment' },
    noTier: '—',
  },

  plans: {
    title: 'Double-random inspection plans',
    intro:
      'Enterprises drawn at random for a department, a jurisdiction and a period, two inspectors drawn for each inspection; the seed is kept so the draw can be checked.',
    formTitle: 'New plan',
    department: 'Department',
    chooseDepartment: 'Choose a department',
    divisionPrefix: 'Draw from (division code prefix)',
    divisionPrefixHint: "e.g. 2101 for the whole city, 210106 for Tiexi; within the department's jurisdiction",
    periodStart: 'First day',
    periodEnd: 'Last day',
    seed: 'Replay a seed (admin only)',
    seedHint: 'Left empty: the service generates a random seed and keeps it; only an admin may replay the seed of a recorded plan',
    frequencyNote:
      'How often an enterprise is drawn follows its risk level (red 4/yr, orange 2/yr, yellow 1/yr, blue 0.5/yr; blacklisted one level up), pro-rated to the period.',
    submit: 'Draw and save',
    submitting: 'Drawing…',
    created: (id, inspections, enterprises) => `Plan ${id} drawn: ${enterprises} enterprises, ${inspections} inspections.`,
    formError: (message) => `The plan was not drawn: ${message}`,
    listTitle: 'Plans',
    noPlans: 'No plans yet.',
    columns: {
      id: 'No.',
      department: 'Department',
      division: 'Scope',
      period: 'Period',
      status: 'Status',
      enterprises: 'Enterprises',
      inspections: 'Inspections',
      createdBy: 'Created by',
    },
    status: { draft: 'Draft', published: 'Published', results_published: 'Results published' },
    show: 'Show',
    detailTitle: (id) => `Plan ${id}`,
    detailSummary: (department, division, period, seed) => `${department} · scope ${division} · ${period} · seed ${seed}`,
    inspectionColumns: { plannedFor: 'Planned for', enterprise: 'Enterprise drawn', division: 'Division code', inspectors: 'Inspectors', result: 'Result' },
    noInspections: 'This plan drew no inspection.',
    notRecorded: 'Not recorded',
  },
}

export const SUPERVISION_MESSAGES: Readonly<Record<Lang, SupervisionMessages>> = { 'zh-CN': zhCN, en }

/** Texts of the supervision page's data-quality tab, per language. */
export interface QualityMessages {
  tab: string
  title: string
  intro: string
  summary: (n: number, gaps: number) => string
  gapNames: Record<DataGapKind, string>
  allGaps: string
  gap: string
  download: string
  county: string
  code: string
  enterprises: string
  withGaps: string
  total: string
  enterprise: string
  division: string
  industrySource: string
  gaps: string
  none: string
  link: string
}

const qualityZhCN: QualityMessages = {
  tab: '数据质量',
  title: '企业登记数据质量',
  intro: '按企业列出登记信息中仍缺少的内容：缺失的属性记为“未知”，不做猜测；监管层级因此无法确定的企业也计入全覆盖报告的“监管层级”缺口。',
  summary: (n: number, gaps: number) => `共 ${n} 家企业，其中 ${gaps} 家信息不全。`,
  gapNames: {
    industry: '行业未知',
    scale: '缺规模',
    affiliation: '缺隶属关系',
    tier: '监管层级未定',
    location: '位置为近似',
    responsible_person: '缺责任人',
  },
  allGaps: '全部缺项',
  gap: '缺项',
  download: '下载清单（CSV）',
  county: '区县',
  code: '代码',
  enterprises: '企业数',
  withGaps: '信息不全',
  total: '合计',
  enterprise: '企业',
  division: '区划',
  industrySource: '行业（原文）',
  gaps: '缺项',
  none: '没有信息不全的企业。',
  link: '数据质量报告：登记信息缺失情况 →',
}

const qualityEn: QualityMessages = {
  tab: 'Data quality',
  title: 'Enterprise register data quality',
  intro:
    "What each enterprise's register entry still lacks: missing attributes are stored as unknown, never guessed; enterprises whose tier therefore cannot be determined also count as tier gaps in the coverage report.",
  summary: (n: number, gaps: number) => `${n} enterprises, ${gaps} with incomplete entries.`,
  gapNames: {
    industry: 'industry unknown',
    scale: 'no scale',
    affiliation: 'no affiliation',
    tier: 'tier undetermined',
    location: 'approximate location',
    responsible_person: 'no responsible person',
  },
  allGaps: 'all gaps',
  gap: 'Gap',
  download: 'Download the list (CSV)',
  county: 'County',
  code: 'Code',
  enterprises: 'Enterprises',
  withGaps: 'Incomplete',
  total: 'Total',
  enterprise: 'Enterprise',
  division: 'Division',
  industrySource: 'Industry (as written)',
  gaps: 'Gaps',
  none: 'No enterprise has an incomplete entry.',
  link: 'Data-quality report: what the register entries lack →',
}

export const QUALITY_MESSAGES: Readonly<Record<Lang, QualityMessages>> = { 'zh-CN': qualityZhCN, en: qualityEn }
