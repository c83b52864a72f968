import type { ScenarioChangeKind } from '../api/contract'
import type { Lang } from '../i18n'
import type { Missing, ReferenceField } from './changes'

// The scenario page's texts, per language (the convention of web/src/i18n/index.ts): the page
// (main.ts), the builder (builder.ts) and a result (result.ts). The Chinese objects give the shapes.

const zhCN = {
  title: '风险情景推演',
  back: '返回地图',
  list: '已保存的情景',
  empty: '尚无情景。',
  recompute: '按今日数据重新计算',
  outdated: '数据已变化：结果不是今日的答案。',
  failed: '失败：',
  editCopy: '复制为新情景并编辑',
  copyName: (n: string) => `${n} (副本)`,
  preview: '预览（未保存）',
  previewNote: '修改变化后请重新预览；保存后才会记录。',
  closePreview: '关闭预览',
}

/** Texts of the scenario page itself. */
export type ScenarioMessages = typeof zhCN

const en: ScenarioMessages = {
  title: 'What-if scenarios',
  back: 'Back to the map',
  list: 'Saved scenarios',
  empty: 'No scenarios yet.',
  recompute: "Recompute against today's data",
  outdated: "The data changed: this is not today's answer.",
  failed: 'Failed: ',
  editCopy: 'Edit as new scenario',
  copyName: (n: string) => `${n} (copy)`,
  preview: 'Preview (not saved)',
  previewNote: 'Preview again after editing the changes; nothing is kept until you save.',
  closePreview: 'Close the preview',
}

export const SCENARIO_MESSAGES: Readonly<Record<Lang, ScenarioMessages>> = { 'zh-CN': zhCN, en }

const builderZhCN = {
  kinds: {
    rectify_hidden_danger: '整改隐患（整改并验收）',
    add_hidden_danger: '新增隐患',
    remove_installation: '撤除重大危险源',
    relocate_installation: '搬迁重大危险源',
    reduce_installation: '核减重大危险源',
    change_area_assessment: '调整区域评估等级',
    add_resource: '新增救援队伍或物资储备库',
    move_resource: '迁移救援队伍或物资储备库',
    remove_resource: '撤出救援队伍或物资储备库',
  } satisfies Record<ScenarioChangeKind, string>,
  fields: {
    hiddenDangerId: '隐患',
    enterpriseId: '企业',
    majorHazardId: '重大危险源',
    areaAssessmentId: '区域评估',
    resourceId: '救援队伍或储备库',
    lon: '位置（经度、纬度）',
    isMajor: '重大隐患',
    level: '等级',
    impactRadiusM: '影响半径（米，可选）',
    resourceKind: '类型',
    name: '名称',
    capabilities: '救援能力',
  },
  searchHint: {
    hiddenDangerId: '输入企业名称或隐患编号',
    enterpriseId: '输入企业名称、统一社会信用代码或编号',
    majorHazardId: '输入企业名称或危险源编号',
    areaAssessmentId: '输入区域名称或编号',
    resourceId: '输入名称或编号（当前地图范围内）',
  } satisfies Record<ReferenceField, string>,
  title: '新建情景',
  name: '情景名称',
  description: '说明（可选）',
  changes: '假设变化',
  none: '尚未添加变化。',
  add: '添加变化',
  save: '计算并保存',
  saving: '正在计算…',
  preview: '预览（不保存）',
  up: '上移',
  down: '下移',
  remove: '删除',
  changeRecord: '重新选择',
  pick: '在地图上选点',
  picking: '请点击地图…',
  clear: '清除',
  searching: '正在查找…',
  noMatch: '未找到。',
  noMatchAt: '名称含此文字的企业中没有可选的记录；请输入更完整的企业名称。',
  searchFailed: '查找失败：',
  unknownRecord: (id: number) => `#${id}（未找到）`,
  old: '原位置',
  new: '新位置',
  movedBy: (km: string) => `移动 ${km} 公里`,
  enterpriseDefault: '留空：使用企业位置',
  current: (level: string) => `当前：${level}`,
  levelAbove: '高于当前等级：核减只能降低等级',
  major: '重大隐患',
  general: '一般隐患',
  team: '救援队伍',
  depot: '物资储备库',
  missing: { record: '请先查找并选择一条记录。', position: '请在地图上选点，或输入经度和纬度。', level: '请选择等级。' } satisfies Record<
    Missing['what'],
    string
  >,
  needOne: '请至少添加一项变化。',
  failed: '失败：',
  changeN: (n: number) => `第 ${n} 项变化：`,
  json: '高级：以 JSON 编辑',
  applyJson: '应用 JSON',
  jsonBad: 'JSON 无法读取：',
}

/** Texts of the scenario builder. */
export type BuilderMessages = typeof builderZhCN

const builderEn: BuilderMessages = {
  kinds: {
    rectify_hidden_danger: 'Rectify a hidden danger (and verify it)',
    add_hidden_danger: 'Add a hidden danger',
    remove_installation: 'Remove a major hazard installation',
    relocate_installation: 'Relocate a major hazard installation',
    reduce_installation: 'Reduce a major hazard installation',
    change_area_assessment: "Change an area assessment's level",
    add_resource: 'Add a rescue team or depot',
    move_resource: 'Move a rescue team or depot',
    remove_resource: 'Withdraw a rescue team or depot',
  } satisfies Record<ScenarioChangeKind, string>,
  fields: {
    hiddenDangerId: 'Hidden danger',
    enterpriseId: 'Enterprise',
    majorHazardId: 'Major hazard installation',
    areaAssessmentId: 'Area assessment',
    resourceId: 'Rescue team or depot',
    lon: 'Position (longitude, latitude)',
    isMajor: 'Major hidden danger',
    level: 'Level',
    impactRadiusM: 'Impact radius (metres, optional)',
    resourceKind: 'Kind',
    name: 'Name',
    capabilities: 'Capabilities',
  },
  searchHint: {
    hiddenDangerId: 'Enterprise name or hidden danger id',
    enterpriseId: 'Enterprise name, USCC or id',
    majorHazardId: 'Enterprise name or installation id',
    areaAssessmentId: 'Area name or id',
    resourceId: 'Name or id (within the map view)',
  } satisfies Record<ReferenceField, string>,
  title: 'New scenario',
  name: 'Scenario name',
  description: 'Description (optional)',
  changes: 'Hypothetical changes',
  none: 'No changes yet.',
  add: 'Add change',
  save: 'Compute and save',
  saving: 'Computing…',
  preview: 'Preview (not saved)',
  up: 'Move up',
  down: 'Move down',
  remove: 'Remove',
  changeRecord: 'Choose another',
  pick: 'Pick on the map',
  picking: 'Click the map…',
  clear: 'Clear',
  searching: 'Searching…',
  noMatch: 'Nothing found.',
  noMatchAt: 'None at the enterprises whose name contains this; type more of the name.',
  searchFailed: 'Search failed: ',
  unknownRecord: (id: number) => `#${id} (not found)`,
  old: 'Now at',
  new: 'New position',
  movedBy: (km: string) => `moves ${km} km`,
  enterpriseDefault: "Leave empty: the enterprise's position",
  current: (level: string) => `now: ${level}`,
  levelAbove: 'above its level: a reduction only lowers it',
  major: 'major',
  general: 'general',
  team: 'rescue team',
  depot: 'depot',
  missing: {
    record: 'Search for the record and pick it first.',
    position: 'Pick the position on the map, or type longitude and latitude.',
    level: 'Choose a level.',
  } satisfies Record<Missing['what'], string>,
  needOne: 'Add at least one change.',
  failed: 'Failed: ',
  changeN: (n: number) => `Change ${n}: `,
  json: 'Advanced: edit as JSON',
  applyJson: 'Apply JSON',
  jsonBad: 'The JSON cannot be read: ',
}

export const BUILDER_MESSAGES: Readonly<Record<Lang, BuilderMessages>> = { 'zh-CN': builderZhCN, en: builderEn }

const resultZhCN = {
  summary: (s: Record<string, number>) =>
    `${s.cellsChanged} 个网格等级变化（升高 ${s.cellsRaised}，降低 ${s.cellsLowered}）；${s.regionsChanged} 个区域等级变化`,
  region: (n: string, a: string, b: string) => `${n}：${a} → ${b}`,
  shares: (n: string) => `${n}：等级不变，面积占比变化`,
  coverage: (k: string, m: number, b: number, a: number) => `${k === 'depot' ? '物资储备库' : '救援队伍'}覆盖（${m} 米内）：缺口 ${b} → ${a}`,
  raised: '升高',
  lowered: '降低',
  computed: '计算时间',
  regions: '行政区划变化',
  grids: '管理网格变化',
  cells: '网格变化',
  ranking: '区县安全项目优先排名变化',
  rankingNone: (n: number) => `${n} 个区县的排名与得分不变。`,
  move: (n: string, rb: number, ra: number, sb: number, sa: number) => `${n}：第 ${rb} → 第 ${ra} 位（${sb} → ${sa} 分）`,
}

/** Texts of a scenario's result (saved or previewed). */
export type ResultMessages = typeof resultZhCN

const resultEn: ResultMessages = {
  summary: (s: Record<string, number>) =>
    `${s.cellsChanged} cells change level (${s.cellsRaised} up, ${s.cellsLowered} down); ${s.regionsChanged} regions change level`,
  region: (n: string, a: string, b: string) => `${n}: ${a} → ${b}`,
  shares: (n: string) => `${n}: same level, shares move`,
  coverage: (k: string, m: number, b: number, a: number) => `${k === 'depot' ? 'Depot' : 'Rescue team'} coverage (within ${m} m): gaps ${b} → ${a}`,
  raised: 'raised',
  lowered: 'lowered',
  computed: 'Computed',
  regions: 'Divisions',
  grids: 'Management grids',
  cells: 'Cells',
  ranking: 'County priority ranking for safety projects',
  rankingNone: (n: number) => `The rank and score of all ${n} counties stay.`,
  move: (n: string, rb: number, ra: number, sb: number, sa: number) => `${n}: #${rb} → #${ra} (${sb} → ${sa} points)`,
}

export const RESULT_MESSAGES: Readonly<Record<Lang, ResultMessages>> = { 'zh-CN': resultZhCN, en: resultEn }
