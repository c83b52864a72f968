import type { CurrentUser } from '../auth/session'
import type { Lang } from '../i18n'

// The staff navigation's texts (staff-nav.ts), per language (the convention of web/src/i18n/index.ts).

/** The staff pages the navigation links, by path. */
export type StaffPagePath =
  | '/'
  | '/ranking.html'
  | '/scenario.html'
  | '/charts.html'
  | '/supervision.html'
  | '/reports.html'
  | '/publications.html'
  | '/admin.html'
  | '/tokens.html'
  | '/public.html'

export interface StaffNavMessages {
  /** The navigation's accessible name. */
  label: string
  signOut: string
  pages: Record<StaffPagePath, string>
  roles: Record<CurrentUser['role'], string>
}

const zhCN: StaffNavMessages = {
  label: '工作页面',
  signOut: '退出',
  pages: {
    '/': '风险地图',
    '/ranking.html': '优先排序',
    '/scenario.html': '情景推演',
    '/charts.html': '统计图表',
    '/supervision.html': '监管覆盖',
    '/reports.html': '群众举报',
    '/publications.html': '发布',
    '/admin.html': '用户与审计',
    '/tokens.html': 'API 令牌',
    '/public.html': '公众版',
  },
  roles: { admin: '管理员', planner: '规划人员', commander: '应急指挥', inspector: '执法检查员', grid_worker: '网格员' },
}

const en: StaffNavMessages = {
  label: 'Staff pages',
  signOut: 'Sign out',
  pages: {
    '/': 'Risk map',
    '/ranking.html': 'Priorities',
    '/scenario.html': 'Scenarios',
    '/charts.html': 'Charts',
    '/supervision.html': 'Supervision',
    '/reports.html': 'Public reports',
    '/publications.html': 'Publications',
    '/admin.html': 'Users & audit',
    '/tokens.html': 'API tokens',
    '/public.html': 'Public view',
  },
  roles: { admin: 'Admin', planner: 'Planner', commander: 'Commander', inspector: 'Inspector', grid_worker: 'Grid worker' },
}

export const STAFF_NAV_MESSAGES: Readonly<Record<Lang, StaffNavMessages>> = { 'zh-CN': zhCN, en }
