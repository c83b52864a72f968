import './staff-nav.css'
import { SCENARIO_ROLES } from '../api/contract'
import type { CurrentUser } from '../auth/session'
import { signInUrl, signOut } from '../auth/session'
import type { Lang } from '../i18n'
import { userText } from './dom'

/** A staff page, as the navigation links it; `roles` limits who sees the link (admin sees all). */
interface NavPage {
  path: string
  label: Record<Lang, string>
  roles?: ReadonlyArray<CurrentUser['role']>
}

const PAGES: NavPage[] = [
  { path: '/', label: { 'zh-CN': '风险地图', en: 'Risk map' } },
  { path: '/ranking.html', label: { 'zh-CN': '优先排序', en: 'Priorities' } },
  { path: '/scenario.html', label: { 'zh-CN': '情景推演', en: 'Scenarios' }, roles: SCENARIO_ROLES },
  { path: '/charts.html', label: { 'zh-CN': '统计图表', en: 'Charts' } },
  { path: '/supervision.html', label: { 'zh-CN': '监管覆盖', en: 'Supervision' } },
  { path: '/reports.html', label: { 'zh-CN': '群众举报', en: 'Public reports' } },
  { path: '/publications.html', label: { 'zh-CN': '发布', en: 'Publications' } },
  { path: '/admin.html', label: { 'zh-CN': '用户与审计', en: 'Users & audit' }, roles: ['admin'] },
  { path: '/tokens.html', label: { 'zh-CN': 'API 令牌', en: 'API tokens' } },
  { path: '/public.html', label: { 'zh-CN': '公众版', en: 'Public view' } },
]

export const ROLE_NAMES: Record<CurrentUser['role'], Record<Lang, string>> = {
  admin: { 'zh-CN': '管理员', en: 'Admin' },
  planner: { 'zh-CN': '规划人员', en: 'Planner' },
  commander: { 'zh-CN': '应急指挥', en: 'Commander' },
  inspector: { 'zh-CN': '执法检查员', en: 'Inspector' },
  grid_worker: { 'zh-CN': '网格员', en: 'Grid worker' },
}

const SIGN_OUT: Record<Lang, string> = { 'zh-CN': '退出', en: 'Sign out' }
const NAV_LABEL: Record<Lang, string> = { 'zh-CN': '工作页面', en: 'Staff pages' }

/** The staff pages' navigation: links to the other pages, who is signed in, and sign-out. */
export class StaffNav {
  private lang: Lang

  constructor(
    private readonly root: HTMLElement,
    private readonly user: CurrentUser,
    lang: Lang,
  ) {
    this.lang = lang
    this.root.classList.add('staff-nav')
    this.render()
  }

  setLang(lang: Lang): void {
    this.lang = lang
    this.render()
  }

  private render(): void {
    const lang = this.lang
    const here = window.location.pathname === '/index.html' ? '/' : window.location.pathname
    const links = PAGES.filter((p) => !p.roles || this.user.role === 'admin' || p.roles.includes(this.user.role)).map((p) => {
      const a = document.createElement('a')
      a.href = p.path
      a.textContent = p.label[lang]
      if (p.path === here) a.setAttribute('aria-current', 'page')
      return a
    })
    const who = document.createElement('span')
    who.className = 'staff-nav-user'
    // The name is what an administrator wrote (userText); the account name goes in the tooltip of
    // the name alone, so that the tooltip is user-written too.
    const name = userText(this.user.displayName ?? this.user.username)
    name.title = this.user.username + (this.user.divisionPrefix ? ` (${this.user.divisionPrefix})` : '')
    who.replaceChildren(name, ` · ${ROLE_NAMES[this.user.role][lang]}`)
    const out = document.createElement('button')
    out.type = 'button'
    out.className = 'staff-nav-signout'
    out.textContent = SIGN_OUT[lang]
    out.addEventListener('click', () => {
      void signOut().finally(() => window.location.assign(signInUrl('/')))
    })
    this.root.setAttribute('aria-label', NAV_LABEL[lang])
    this.root.replaceChildren(...links, who, out)
  }
}
