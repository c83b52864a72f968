import './staff-nav.css'
import { SCENARIO_ROLES } from '../api/contract'
import type { CurrentUser } from '../auth/session'
import { signInUrl, signOut } from '../auth/session'
import type { Lang } from '../i18n'
import { userText } from './dom'
import { STAFF_NAV_MESSAGES, type StaffPagePath } from './messages'

/** A staff page, as the navigation links it; `roles` limits who sees the link (admin sees all). */
interface NavPage {
  path: StaffPagePath
  roles?: ReadonlyArray<CurrentUser['role']>
}

const PAGES: NavPage[] = [
  { path: '/' },
  { path: '/ranking.html' },
  { path: '/scenario.html', roles: SCENARIO_ROLES },
  { path: '/charts.html' },
  { path: '/supervision.html' },
  { path: '/reports.html' },
  { path: '/publications.html' },
  { path: '/admin.html', roles: ['admin'] },
  { path: '/tokens.html' },
  { path: '/public.html' },
]

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
    const m = STAFF_NAV_MESSAGES[this.lang]
    const here = window.location.pathname === '/index.html' ? '/' : window.location.pathname
    const links = PAGES.filter((p) => !p.roles || this.user.role === 'admin' || p.roles.includes(this.user.role)).map((p) => {
      const a = document.createElement('a')
      a.href = p.path
      a.textContent = m.pages[p.path]
      if (p.path === here) a.setAttribute('aria-current', 'page')
      return a
    })
    const who = document.createElement('span')
    who.className = 'staff-nav-user'
    // The name is what an administrator wrote (userText); the account name goes in the tooltip of
    // the name alone, so that the tooltip is user-written too.
    const name = userText(this.user.displayName ?? this.user.username)
    name.title = this.user.username + (this.user.divisionPrefix ? ` (${this.user.divisionPrefix})` : '')
    who.replaceChildren(name, ` · ${m.roles[this.user.role]}`)
    const out = document.createElement('button')
    out.type = 'button'
    out.className = 'staff-nav-signout'
    out.textContent = m.signOut
    out.addEventListener('click', () => {
      void signOut().finally(() => window.location.assign(signInUrl('/')))
    })
    this.root.setAttribute('aria-label', m.label)
    this.root.replaceChildren(...links, who, out)
  }
}
