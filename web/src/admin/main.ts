import { requireElement } from '../ui/dom'
import { startStaffPage } from '../ui/page'
import { AuditView } from './audit'
import { ADMIN_MESSAGES } from './messages'
import { UsersView } from './users'
import '../ui/page.css'
import './admin.css'

// The admin page (admins only): staff accounts and the audit log. Other signed-in users see a
// message instead (the API would refuse them anyway); anonymous visitors are sent to sign in.

async function start(): Promise<void> {
  const { page, user } = await startStaffPage()

  const title = requireElement(document, '.ad-title')
  const denied = requireElement(document, '.ad-denied')
  const usersRoot = requireElement(document, '#users')
  const auditRoot = requireElement(document, '#audit')

  const isAdmin = user.role === 'admin'
  const audit = isAdmin ? new AuditView(auditRoot, ADMIN_MESSAGES[page.lang]) : null
  const users = isAdmin ? new UsersView(usersRoot, ADMIN_MESSAGES[page.lang], user, () => void audit?.load()) : null

  const renderTexts = () => {
    const m = ADMIN_MESSAGES[page.lang]
    document.title = m.pageTitle
    title.textContent = m.pageTitle
    denied.textContent = m.adminsOnly
  }

  page.onSwitch((lang) => {
    renderTexts()
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
