import type { Lang } from '../i18n'
import type { ReportStatus } from './api'

/** Fields of the report forms whose errors are shown next to them. */
export type ReportField = 'location' | 'category' | 'description' | 'contact' | 'address'

/** Texts of the public report form, the tracking lookup and the staff triage page. */
export interface ReportMessages {
  formTitle: string
  pickHint: string
  lon: string
  lat: string
  category: string
  chooseCategory: string
  description: string
  descriptionPlaceholder: string
  /** Characters typed out of the maximum. */
  counter: (used: number, max: number) => string
  address: string
  contact: string
  contactHint: string
  optional: string
  submit: string
  submitting: string
  /** After a successful report. */
  submitted: string
  trackingCode: string
  keepCode: string
  deadline: string
  /** A field's constraint, shown next to it when the server refuses it. */
  fieldErrors: Record<ReportField, string>
  rateLimited: (minutes: number) => string
  failed: (message: string) => string
  lookupTitle: string
  lookupPlaceholder: string
  lookup: string
  lookupNotFound: string
  lookupMalformed: string
  statusLabel: string
  statuses: Record<ReportStatus, string>
  createdAt: string
  updatedAt: string
  resolution: string
  // ---- staff page
  pageTitle: string
  mapLink: string
  signedInAs: (name: string, role: string) => string
  filterStatus: string
  allStatuses: string
  overdueOnly: string
  filterSource: string
  allSources: string
  sources: Record<'public' | 'grid_worker', string>
  refresh: string
  total: (n: number) => string
  empty: string
  previous: string
  next: string
  columns: { code: string; created: string; category: string; status: string; place: string; department: string; deadline: string }
  overdue: string
  details: string
  location: string
  filedBy: string
  staffNote: string
  saveNote: string
  moveTo: (status: string) => string
  resolutionRequired: string
  reassign: string
  departmentId: string
  inspectionTitle: string
  enterpriseId: string
  plannedFor: string
  makeInspection: string
  inspectionLinked: (id: number) => string
  saved: string
  gridFormTitle: string
  fileReport: string
  filed: (code: string) => string
}

const zhCN: ReportMessages = {
  formTitle: '我要举报',
  pickHint: '在地图上点击选择位置，或直接输入经纬度。',
  lon: '经度',
  lat: '纬度',
  category: '类别',
  chooseCategory: '请选择',
  description: '情况描述',
  descriptionPlaceholder: '请描述您看到的安全隐患或违法行为：时间、地点、现象……',
  counter: (used, max) => `${used} / ${max} 字`,
  address: '地址或地标（选填）',
  contact: '联系方式（选填）',
  contactHint: '仅供工作人员回访，不会公开。',
  optional: '选填',
  submit: '提交举报',
  submitting: '正在提交……',
  submitted: '举报已受理。',
  trackingCode: '查询码',
  keepCode: '请记下查询码，凭它查询办理进度。',
  deadline: '办理期限',
  fieldErrors: {
    location: '请选择服务区域内的位置（在地图上点击，或输入经纬度）。',
    category: '请选择举报类别。',
    description: '请填写 1–2000 字的情况描述。',
    contact: '联系方式不超过 200 字。',
    address: '地址不超过 200 字。',
  },
  rateLimited: (minutes) => `提交过于频繁：每个网络每小时最多 5 条举报，请约 ${minutes} 分钟后再试。`,
  failed: (message) => `提交失败：${message}`,
  lookupTitle: '查询办理进度',
  lookupPlaceholder: '输入 10 位查询码',
  lookup: '查询',
  lookupNotFound: '没有找到这个查询码对应的举报，请核对后再试。',
  lookupMalformed: '查询码格式不正确：应为 10 位字母和数字。',
  statusLabel: '状态',
  statuses: { received: '已受理', triaged: '已核实', assigned: '已交办', closed: '已办结', rejected: '不予受理' },
  createdAt: '提交时间',
  updatedAt: '更新时间',
  resolution: '办理结果',
  pageTitle: '举报受理',
  mapLink: '返回地图',
  signedInAs: (name, role) => `${name}（${role}）`,
  filterStatus: '状态',
  allStatuses: '全部状态',
  overdueOnly: '仅看逾期',
  filterSource: '来源',
  allSources: '全部来源',
  sources: { public: '群众举报', grid_worker: '网格员上报' },
  refresh: '刷新',
  total: (n) => `共 ${n} 条`,
  empty: '没有符合条件的举报。',
  previous: '上一页',
  next: '下一页',
  columns: { code: '查询码', created: '提交时间', category: '类别', status: '状态', place: '位置', department: '承办部门', deadline: '办理期限' },
  overdue: '逾期',
  details: '详情',
  location: '位置',
  filedBy: '上报人',
  staffNote: '内部备注',
  saveNote: '保存备注',
  moveTo: (status) => `改为“${status}”`,
  resolutionRequired: '办结或不予受理须填写办理结果（举报人可见）。',
  reassign: '改派部门',
  departmentId: '改派部门',
  inspectionTitle: '转为检查任务',
  enterpriseId: '企业编号',
  plannedFor: '计划检查日期',
  makeInspection: '生成检查任务',
  inspectionLinked: (id) => `已生成检查任务 #${id}`,
  saved: '已保存。',
  gridFormTitle: '网格员上报（本网格）',
  fileReport: '上报',
  filed: (code) => `已上报，查询码 ${code}`,
}

const en: ReportMessages = {
  formTitle: 'Report a hazard',
  pickHint: 'Click the map to pick the location, or type its longitude and latitude.',
  lon: 'Longitude',
  lat: 'Latitude',
  category: 'Category',
  chooseCategory: 'Choose…',
  description: 'What did you see?',
  descriptionPlaceholder: 'Describe the hazard or illegal activity: when, where, what…',
  counter: (used, max) => `${used} / ${max} characters`,
  address: 'Address or landmark (optional)',
  contact: 'Contact (optional)',
  contactHint: 'Only for staff to call you back; never published.',
  optional: 'optional',
  submit: 'Send report',
  submitting: 'Sending…',
  submitted: 'Your report was received.',
  trackingCode: 'Tracking code',
  keepCode: 'Keep the tracking code: it is how you follow your report.',
  deadline: 'Deadline',
  fieldErrors: {
    location: 'Pick a location inside the service area (click the map or type the coordinates).',
    category: 'Choose a category.',
    description: 'Describe it in 1–2000 characters.',
    contact: 'At most 200 characters.',
    address: 'At most 200 characters.',
  },
  rateLimited: (minutes) => `Too many reports: at most 5 per hour from one connection. Try again in about ${minutes} minute(s).`,
  failed: (message) => `Could not send the report: ${message}`,
  lookupTitle: 'Follow a report',
  lookupPlaceholder: '10-character tracking code',
  lookup: 'Look up',
  lookupNotFound: 'No report has this tracking code; check it and try again.',
  lookupMalformed: 'That is not a tracking code: 10 letters and digits.',
  statusLabel: 'Status',
  statuses: { received: 'Received', triaged: 'Checked', assigned: 'Assigned', closed: 'Closed', rejected: 'Rejected' },
  createdAt: 'Filed',
  updatedAt: 'Updated',
  resolution: 'Resolution',
  pageTitle: 'Reports triage',
  mapLink: 'Back to the map',
  signedInAs: (name, role) => `${name} (${role})`,
  filterStatus: 'Status',
  allStatuses: 'All statuses',
  overdueOnly: 'Overdue only',
  filterSource: 'Source',
  allSources: 'All sources',
  sources: { public: 'Public', grid_worker: 'Grid worker' },
  refresh: 'Refresh',
  total: (n) => `${n} report(s)`,
  empty: 'No report matches.',
  previous: 'Previous',
  next: 'Next',
  columns: { code: 'Code', created: 'Filed', category: 'Category', status: 'Status', place: 'Place', department: 'Department', deadline: 'Deadline' },
  overdue: 'Overdue',
  details: 'Details',
  location: 'Location',
  filedBy: 'Filed by',
  staffNote: 'Staff note',
  saveNote: 'Save note',
  moveTo: (status) => `Mark “${status}”`,
  resolutionRequired: 'Closing or rejecting needs a resolution (the reporter reads it).',
  reassign: 'Reassign',
  departmentId: 'Send to department',
  inspectionTitle: 'Make an inspection task',
  enterpriseId: 'Enterprise id',
  plannedFor: 'Planned for',
  makeInspection: 'Create inspection task',
  inspectionLinked: (id) => `Inspection task #${id} created`,
  saved: 'Saved.',
  gridFormTitle: 'File a report from your grid',
  fileReport: 'File report',
  filed: (code) => `Filed; tracking code ${code}`,
}

export const REPORT_MESSAGES: Readonly<Record<Lang, ReportMessages>> = { 'zh-CN': zhCN, en }

/** Which form field an API error detail names (`location.lon` → location). */
export function formField(apiField: string | undefined): ReportField | null {
  const head = (apiField ?? '').split('.')[0]
  return head === 'location' || head === 'category' || head === 'description' || head === 'contact' || head === 'address' ? head : null
}
