import { requireStaff, type CurrentUser } from '../auth/session'
import { initialLang, MESSAGES, otherLang, persistLang, type Lang, type Messages } from '../i18n'
import { StaffNav } from './staff-nav'
import { browserStorage } from './storage'

// Every page starts the same way: the language (the URL's `?lang=`, then the stored choice, then
// Chinese), `<html lang>`, the header's language switch and, on staff pages, the staff navigation.
// A page gives its header and what to redraw after a switch; the rest is here, once.

export interface PageOptions {
  /** Where the page's `.lang-switch` button (and a staff page's `.staff-nav`) are; the document by default. */
  header?: ParentNode
  /** The signed-in staff member: the header's `.staff-nav`, where there is one, becomes the staff navigation. */
  user?: CurrentUser
}

/** A started page: its language and the texts shared by every page in that language. */
export class Page {
  private current: Lang
  private readonly langSwitch: HTMLButtonElement | null
  private readonly nav: StaffNav | null
  private readonly listeners: Array<(lang: Lang) => void> = []

  constructor(options: PageOptions = {}) {
    const header = options.header ?? document
    this.current = initialLang(window.location, browserStorage())
    // A page without a switch (the printable region report) keeps the language it was opened in.
    this.langSwitch = header.querySelector<HTMLButtonElement>('.lang-switch')
    this.langSwitch?.addEventListener('click', () => this.switchLanguage())
    const navRoot = header.querySelector<HTMLElement>('.staff-nav')
    this.nav = options.user && navRoot ? new StaffNav(navRoot, options.user, this.current) : null
    this.showLanguage()
  }

  /** The page's language. */
  get lang(): Lang {
    return this.current
  }

  /** The texts shared by every page (i18n/zh-CN.ts, i18n/en.ts) in the page's language. */
  get messages(): Messages {
    return MESSAGES[this.current]
  }

  /**
   * Calls `listener` after every language switch, once the choice is stored and `<html lang>`, the
   * switch and the staff navigation show it: the page redraws its own texts in `lang` there.
   */
  onSwitch(listener: (lang: Lang) => void): void {
    this.listeners.push(listener)
  }

  private switchLanguage(): void {
    this.current = otherLang(this.current)
    persistLang(this.current, browserStorage())
    this.showLanguage()
    this.nav?.setLang(this.current)
    for (const listener of this.listeners) listener(this.current)
  }

  /** `<html lang>` and the switch, which is written in the other language and says so (screen readers, the one-language test). */
  private showLanguage(): void {
    const m = this.messages
    document.documentElement.lang = m.locale
    if (!this.langSwitch) return
    this.langSwitch.textContent = m.switchLanguage
    this.langSwitch.title = m.switchLanguageTitle
    this.langSwitch.lang = otherLang(this.current)
  }
}

/** Starts a page in the language its visitor chose (see Page). */
export function startPage(options: PageOptions = {}): Page {
  return new Page(options)
}

/**
 * Starts a staff page: resolves once someone is signed in (an anonymous visitor is sent on to sign
 * in, and this never resolves: auth/session.ts requireStaff), with the page and its staff navigation.
 */
export async function startStaffPage(options: Omit<PageOptions, 'user'> = {}): Promise<{ page: Page; user: CurrentUser }> {
  const user = await requireStaff()
  return { page: startPage({ ...options, user }), user }
}
