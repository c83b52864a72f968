import { requireStaff } from '../auth/session'
import { initialLang, MESSAGES, otherLang, persistLang, type Lang } from '../i18n'
import { requireElement } from '../ui/dom'
import { StaffNav } from '../ui/staff-nav'
import { AuditView } from './audit'
import { ADMIN_MESSAGES } from './messages'
import { UsersView } from './users'
import '../ui/page.css'
import './admin.css'
import { browserStorage } from '../ui/storage'

// The admin page (admins only): staff accounts and the audit log. Other signed-in users see a
// message instead (the API would refuse them anyway); anonymous visitors are sent to sign in.

async function start(): Promise<void> {
  const user = await requireStaff()
  let lang: Lang = initialLang(window.location, browserStorage())

  const title = requireElement(document, '.ad-title')
  const langSwitch = requireElement<HTMLButtonElement>(document, '.lang-switch')
  const denied = requireElement(document, '.ad-denied')
  const usersRoot = requireElement(document, '#users')
  const auditRoot = requireElement(document, '#audit')
  const nav = new StaffNav(requireElement(document, '.staff-nav'), user, lang)

  const isAdmin = user.role === 'admin'
  const audit = isAdmin ? new AuditView(auditRoot, ADMIN_MESSAGES[lang]) : null
  const users = isAdmin ? new UsersView(usersRoot, ADMIN_MESSAGES[lang], user, () => void audit?.load()) : null

  const renderTexts = () => {
    const m = ADMIN_MESSAGES[lang]
    const common = MESSAGES[lang]
    document.documentElement.lang = common.locale
    document.title = m.pageTitle
    title.textContent = m.pageTitle
    denied.textContent = m.adminsOnly
    langSwitch.textContent = common.switchLanguage
    langSwitch.title = common.switchLanguageTitle
    langSwitch.lang = lang === 'en' ? 'zh-CN' : 'en'
  }

  langSwitch.addEventListener('click', () => {
    lang = otherLang(lang)
    persistLang(lang, browserStorage())
    renderTexts()
    nav.setLang(lang)
    users?.setMessages(ADMIN_MESSAGES[lang])
    audit?.setMessages(ADMIN_MESSAGES[lang])
  })
  renderTexts()

  if (!users || !audit) {
    denied.hidden = false
    document.body.dataset.state = 'denied'
    return
  }
  usersRoot.hidden = false
  auditRoot.hidden = false
  await Promise.all([users.load(), audit.load()])
  document.body.dataset.state = 'ready'
}

void start()
