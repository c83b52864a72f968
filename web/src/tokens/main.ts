import { getJson, sendJson } from '../api/client'
import type { ApiToken, CreatedToken, NewTokenInput } from '../api/contract'
import type { CurrentUser } from '../auth/session'
import { el, requireElement } from '../ui/dom'
import { startStaffPage } from '../ui/page'
import { localDateTime } from '../admin/diff'
import { errorMessage } from '../admin/fields'
import { TOKEN_MESSAGES, type TokenMessages } from './messages'
import '../ui/page.css'
import '../admin/admin.css'

// Personal API tokens (server/modules/auth/token-routes.ts): every staff user creates and revokes
// their own; an admin may list and revoke everyone's. The secret is shown once, after creation.

class TokensView {
  private tokens: ApiToken[] = []
  private all = false
  private error: string | null = null
  private readonly intro = el('p', 'ad-hint')
  private readonly usage = el('p', 'ad-hint')
  private readonly formTitle = el('h3', 'ad-subheading')
  private readonly form = el('form', 'ad-form token-form')
  private readonly nameLabel = el('span', 'ad-label-text')
  private readonly name = el('input')
  private readonly readOnlyText = el('span')
  private readonly readOnly = el('input')
  private readonly daysLabel = el('span', 'ad-label-text')
  private readonly days = el('input')
  private readonly daysHint = el('span', 'ad-hint')
  private readonly submit = el('button', 'ad-submit')
  private readonly formError = el('p', 'ad-form-error')
  private readonly secret = el('div', 'ad-secret token-secret')
  private readonly listTitle = el('h3', 'ad-subheading')
  private readonly allToggle = el('input')
  private readonly allText = el('span')
  private readonly table = el('div', 'ad-table-wrap token-list')

  constructor(
    private readonly root: HTMLElement,
    private m: TokenMessages,
    private readonly me: CurrentUser,
  ) {
    this.name.name = 'name'
    this.name.required = true
    this.name.maxLength = 100
    this.readOnly.type = 'checkbox'
    this.readOnly.name = 'readOnly'
    this.readOnly.checked = true
    this.days.type = 'number'
    this.days.name = 'expiresInDays'
    this.days.min = '1'
    this.days.max = '366'
    this.days.step = '1'
    this.submit.type = 'submit'
    this.formError.hidden = true
    this.formError.setAttribute('role', 'alert')
    this.secret.hidden = true
    this.secret.setAttribute('role', 'status')
    const nameField = el('label', 'ad-label')
    nameField.append(this.nameLabel, this.name)
    const daysField = el('label', 'ad-label')
    daysField.append(this.daysLabel, this.days, this.daysHint)
    const readOnlyField = el('label', 'ad-label')
    readOnlyField.append(this.readOnly, this.readOnlyText)
    const actions = el('div', 'ad-actions')
    actions.append(this.submit)
    this.form.append(nameField, daysField, readOnlyField, actions, this.formError)
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      void this.create()
    })
    const heading = el('div', 'ad-actions')
    heading.append(this.listTitle)
    if (me.role === 'admin') {
      this.allToggle.type = 'checkbox'
      this.allToggle.addEventListener('change', () => {
        this.all = this.allToggle.checked
        void this.load()
      })
      const toggle = el('label', 'ad-hint')
      toggle.append(this.allToggle, this.allText)
      heading.append(toggle)
    }
    root.append(this.intro, this.usage, this.formTitle, this.form, this.secret, heading, this.table)
    this.renderTexts()
  }

  setMessages(m: TokenMessages): void {
    this.m = m
    this.renderTexts()
    this.renderTable()
  }

  async load(): Promise<void> {
    try {
      this.tokens = await getJson<ApiToken[]>('/api/tokens', this.all ? { all: true } : {})
      this.error = null
    } catch (err) {
      this.error = errorMessage(err)
    }
    this.renderTable()
  }

  private renderTexts(): void {
    const m = this.m
    this.intro.textContent = m.intro
    this.usage.replaceChildren(
      ...m.usage(window.location.origin).map((part) => {
        if (typeof part === 'string') return part
        const code = el('code', undefined, part.code)
        code.translate = false // a header and addresses, typed as written
        return code
      }),
    )
    this.formTitle.textContent = m.formTitle
    this.nameLabel.textContent = m.name
    this.name.placeholder = m.namePlaceholder
    this.readOnlyText.textContent = ` ${m.readOnly}`
    this.daysLabel.textContent = m.expiresInDays
    this.daysHint.textContent = m.expiresHint
    this.submit.textContent = m.create
    this.listTitle.textContent = m.listTitle
    this.allText.textContent = ` ${m.allAccounts}`
  }

  private async create(): Promise<void> {
    this.formError.hidden = true
    this.submit.disabled = true
    this.submit.textContent = this.m.creating
    try {
      const body: NewTokenInput = { name: this.name.value, readOnly: this.readOnly.checked }
      if (this.days.value !== '') body.expiresInDays = Number(this.days.value)
      const created = await sendJson<CreatedToken>('POST', '/api/tokens', body)
      this.showSecret(created.secret)
      this.name.value = ''
      this.days.value = ''
      await this.load()
    } catch (err) {
      this.formError.textContent = this.m.failed(errorMessage(err))
      this.formError.hidden = false
    } finally {
      this.submit.disabled = false
      this.submit.textContent = this.m.create
    }
  }

  /** The secret, shown once: closing the box forgets it. */
  private showSecret(secret: string): void {
    const title = el('strong', 'ad-secret-title', this.m.secretTitle)
    const note = el('p', 'ad-secret-note', this.m.secretNote)
    const value = el('code', 'ad-secret-value', secret)
    const copy = el('button', 'ad-secret-copy', this.m.copy)
    copy.type = 'button'
    const feedback = el('span', 'ad-secret-feedback')
    copy.addEventListener('click', () => {
      navigator.clipboard.writeText(secret).then(
        () => (feedback.textContent = this.m.copied),
        () => {
          const range = document.createRange()
          range.selectNodeContents(value)
          window.getSelection()?.removeAllRanges()
          window.getSelection()?.addRange(range)
          feedback.textContent = this.m.copyFailed
        },
      )
    })
    const dismiss = el('button', 'ad-secret-dismiss', this.m.dismiss)
    dismiss.type = 'button'
    dismiss.addEventListener('click', () => {
      this.secret.replaceChildren()
      this.secret.hidden = true
    })
    const line = el('div', 'ad-secret-line')
    line.append(value, copy, feedback)
    this.secret.replaceChildren(title, note, line, dismiss)
    this.secret.hidden = false
  }

  private state(t: ApiToken): string {
    if (t.revokedAt) return this.m.revoked(t.revokedBy ?? '')
    if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now()) return this.m.expired
    return this.m.active
  }

  private renderTable(): void {
    const m = this.m
    if (this.error) {
      this.table.replaceChildren(el('p', 'ad-load-error', m.failed(this.error)))
      return
    }
    if (this.tokens.length === 0) {
      this.table.replaceChildren(el('p', 'ad-muted', m.noTokens))
      return
    }
    const columns = ['name', 'owner', 'prefix', 'scope', 'created', 'expires', 'lastUsed', 'state', 'actions'] as const
    const table = el('table', 'ad-table')
    const head = el('tr')
    for (const c of columns) head.append(el('th', undefined, m.columns[c]))
    table.append(el('thead'), el('tbody'))
    table.tHead!.append(head)
    const when = (iso: string | null) => (iso ? localDateTime(iso) : m.never)
    for (const t of this.tokens) {
      const row = el('tr')
      row.dataset.tokenId = String(t.id)
      const cells: Record<(typeof columns)[number], string> = {
        name: t.name,
        owner: t.username,
        prefix: `${t.prefix}…`,
        scope: m.scopes[t.scope],
        created: when(t.createdAt),
        expires: when(t.expiresAt),
        lastUsed: when(t.lastUsedAt),
        state: this.state(t),
        actions: '',
      }
      for (const c of columns) {
        const td = el('td', undefined, cells[c])
        td.dataset.column = c
        // What people wrote or chose: the token's purpose, the account name, the key's prefix.
        if (c === 'name' || c === 'owner' || c === 'prefix') td.translate = false
        if (c === 'actions' && !t.revokedAt) {
          const revoke = el('button', 'ad-button', m.revoke)
          revoke.type = 'button'
          revoke.addEventListener('click', () => {
            if (!window.confirm(m.confirmRevoke(t.name))) return
            revoke.disabled = true
            sendJson('DELETE', `/api/tokens/${t.id}`).then(
              () => this.load(),
              (err: unknown) => {
                revoke.disabled = false
                window.alert(m.failed(errorMessage(err)))
              },
            )
          })
          td.append(revoke)
        }
        row.append(td)
      }
      table.tBodies[0]!.append(row)
    }
    this.table.replaceChildren(table)
  }
}

async function start(): Promise<void> {
  const { page, user } = await startStaffPage()
  const title = requireElement(document, '.ad-title')
  const view = new TokensView(requireElement(document, '#tokens'), TOKEN_MESSAGES[page.lang], user)
  const renderTexts = () => {
    document.title = TOKEN_MESSAGES[page.lang].pageTitle
    title.textContent = TOKEN_MESSAGES[page.lang].pageTitle
  }
  page.onSwitch((lang) => {
    renderTexts()
    view.setMessages(TOKEN_MESSAGES[lang])
  })
  renderTexts()
  await view.load()
  document.body.dataset.state = 'ready'
}

void start()
