import type { CurrentUser } from '../auth/session'
import { el } from '../ui/dom'
import {
  createUser,
  fetchDepartments,
  fetchUsers,
  ROLES,
  signOutEverywhere,
  updateUser,
  type DepartmentOption,
  type NewUser,
  type Role,
  type UserRecord,
} from './api'
import { localDateTime } from './diff'
import { clearFieldErrors, errorMessage, field, showFieldErrors, type Field } from './fields'
import type { AdminMessages } from './messages'

/** The inputs of POST /api/users, by the API's names. */
const FORM_FIELDS = ['username', 'displayName', 'role', 'departmentId', 'divisionPrefix', 'mgmtGridId', 'password'] as const
type FormField = (typeof FORM_FIELDS)[number]

/** Which roles need which scoping fields (server/modules/auth/users.ts checkRoleFields). */
const ROLE_FIELDS: Partial<Record<FormField, readonly Role[]>> = {
  departmentId: ['inspector'],
  divisionPrefix: ['inspector'],
  mgmtGridId: ['grid_worker'],
}

const COLUMNS = ['username', 'displayName', 'role', 'departmentId', 'divisionPrefix', 'mgmtGridId', 'disabled', 'createdAt', 'actions'] as const

/**
 * Staff accounts: the table with per-row actions (disable/enable, reset password, sign out
 * everywhere), and the form that creates one (a generated password is shown once).
 */
export class UsersView {
  private messages: AdminMessages
  private users: UserRecord[] = []
  private departments: DepartmentOption[] = []
  private loadError: string | null = null
  /** The account whose reset-password form is open. */
  private resetFor: number | null = null
  /** The account an action is under way for (its buttons are disabled meanwhile). */
  private busy: number | null = null
  private submitting = false

  private readonly headings = { title: el('h2', 'ad-heading'), form: el('h3', 'ad-subheading'), list: el('h3', 'ad-subheading') }
  private readonly form = el('form', 'ad-form user-form')
  private readonly fields: Record<FormField, Field>
  private readonly submit = el('button', 'ad-submit')
  private readonly formError = el('p', 'ad-form-error')
  private readonly formStatus = el('p', 'ad-form-status')
  private readonly secret = el('div', 'ad-secret')
  private readonly statusLine = el('p', 'ad-status')
  private readonly table = el('div', 'ad-table-wrap user-list')

  constructor(
    private readonly root: HTMLElement,
    messages: AdminMessages,
    private readonly me: CurrentUser,
    /** Called after a write, so the audit log can show it. */
    private readonly onChange: () => void,
  ) {
    this.messages = messages
    const input = (type: string) => {
      const i = el('input')
      i.type = type
      return i
    }
    const username = input('text')
    username.autocomplete = 'off'
    username.required = true
    const role = el('select')
    const divisionPrefix = input('text')
    divisionPrefix.inputMode = 'numeric'
    const mgmtGridId = input('number')
    mgmtGridId.min = '1'
    mgmtGridId.step = '1'
    const password = input('text')
    password.autocomplete = 'new-password'
    const controls: Record<FormField, HTMLInputElement | HTMLSelectElement> = {
      username,
      displayName: input('text'),
      role,
      departmentId: el('select'),
      divisionPrefix,
      mgmtGridId,
      password,
    }
    this.fields = Object.fromEntries(FORM_FIELDS.map((name) => [name, field('user', name, controls[name])])) as Record<FormField, Field>
    role.addEventListener('change', () => this.showRoleFields())

    this.form.noValidate = true
    this.submit.type = 'submit'
    this.formError.setAttribute('role', 'alert')
    this.formError.hidden = true
    this.formStatus.setAttribute('role', 'status')
    const actions = el('div', 'ad-actions')
    actions.append(this.submit)
    this.form.append(...FORM_FIELDS.map((name) => this.fields[name].wrap), actions, this.formError, this.formStatus)
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      void this.send()
    })
    this.secret.hidden = true
    this.secret.setAttribute('role', 'status')
    this.statusLine.setAttribute('role', 'status')
    this.statusLine.hidden = true

    this.root.append(this.headings.title, this.headings.form, this.form, this.secret, this.headings.list, this.statusLine, this.table)
    this.renderTexts()
    role.value = 'planner'
    this.showRoleFields()
  }

  setMessages(messages: AdminMessages): void {
    this.messages = messages
    this.renderTexts()
    this.renderTable()
  }

  /** Loads the departments (for the form) and the accounts. */
  async load(): Promise<void> {
    this.root.dataset.state = 'loading'
    this.renderTable()
    try {
      const [departments, users] = await Promise.all([fetchDepartments(), fetchUsers()])
      this.departments = departments
      this.users = users
      this.loadError = null
      this.renderDepartments()
    } catch (err) {
      this.loadError = errorMessage(err)
    }
    this.renderTable()
    this.root.dataset.state = this.loadError === null ? 'ready' : 'error'
  }

  private async reloadUsers(): Promise<void> {
    try {
      this.users = await fetchUsers()
      this.loadError = null
    } catch (err) {
      this.loadError = errorMessage(err)
    }
    this.renderTable()
  }

  private renderTexts(): void {
    const m = this.messages.users
    this.headings.title.textContent = m.title
    this.headings.form.textContent = m.formTitle
    this.headings.list.textContent = m.listTitle
    const labels: Record<FormField, string> = {
      username: m.username,
      displayName: m.displayName,
      role: m.role,
      departmentId: m.department,
      divisionPrefix: m.divisionPrefix,
      mgmtGridId: m.mgmtGridId,
      password: m.password,
    }
    const hints: Partial<Record<FormField, string>> = {
      username: m.usernameHint,
      divisionPrefix: m.divisionPrefixHint,
      mgmtGridId: m.mgmtGridIdHint,
      password: m.passwordHint,
    }
    for (const name of FORM_FIELDS) {
      this.fields[name].label.textContent = labels[name]
      this.fields[name].hint.textContent = hints[name] ?? ''
      this.fields[name].hint.hidden = !hints[name]
    }
    const role = this.fields.role.control as HTMLSelectElement
    const chosen = role.value
    role.replaceChildren(...ROLES.map((r) => new Option(this.messages.roles[r], r)))
    if (chosen) role.value = chosen
    this.renderDepartments()
    this.submit.textContent = this.submitting ? m.creating : m.create
    this.renderSecretTexts()
  }

  private renderDepartments(): void {
    const select = this.fields.departmentId.control as HTMLSelectElement
    const chosen = select.value
    select.replaceChildren(
      new Option(this.messages.users.chooseDepartment, ''),
      ...this.departments.map((d) => new Option(`${d.name}（${d.divisionName ?? d.divisionCode}）`, String(d.id))),
    )
    select.value = chosen
  }

  /** Shows the scoping fields only for the roles that need them. */
  private showRoleFields(): void {
    const role = this.fields.role.control.value as Role
    for (const [name, roles] of Object.entries(ROLE_FIELDS) as Array<[FormField, readonly Role[]]>) this.fields[name].wrap.hidden = !roles.includes(role)
  }

  private async send(): Promise<void> {
    if (this.submitting) return
    clearFieldErrors(Object.values(this.fields))
    this.formError.hidden = true
    this.formStatus.textContent = ''
    const value = (name: FormField) => this.fields[name].control.value.trim()
    const role = value('role') as Role
    const body: NewUser = { username: value('username'), role }
    if (value('displayName')) body.displayName = value('displayName')
    // A password is taken as typed: spaces are characters too.
    if (this.fields.password.control.value) body.password = this.fields.password.control.value
    if (role === 'inspector') {
      if (value('departmentId')) body.departmentId = Number(value('departmentId'))
      if (value('divisionPrefix')) body.divisionPrefix = value('divisionPrefix')
    }
    if (role === 'grid_worker' && value('mgmtGridId')) body.mgmtGridId = Number(value('mgmtGridId'))

    this.submitting = true
    this.submit.disabled = true
    this.submit.textContent = this.messages.users.creating
    try {
      const created = await createUser(body)
      this.formStatus.textContent = this.messages.users.created(created.user.username)
      this.showSecret(created.user.username, created.password)
      for (const name of ['username', 'displayName', 'divisionPrefix', 'mgmtGridId', 'password'] as const) this.fields[name].control.value = ''
      await this.reloadUsers()
      this.onChange()
    } catch (err) {
      if (!showFieldErrors(err, this.fields)) {
        this.formError.textContent = this.messages.users.formError(errorMessage(err))
        this.formError.hidden = false
      }
    } finally {
      this.submitting = false
      this.submit.disabled = false
      this.submit.textContent = this.messages.users.create
    }
  }

  /** The generated password, shown once: closing the box forgets it. */
  private showSecret(username: string, password: string | null): void {
    this.secret.replaceChildren()
    this.secret.hidden = true
    if (password === null) return
    const title = el('strong', 'ad-secret-title')
    title.dataset.username = username
    const note = el('p', 'ad-secret-note')
    const value = el('code', 'ad-secret-value', password)
    const copy = el('button', 'ad-secret-copy')
    copy.type = 'button'
    const dismiss = el('button', 'ad-secret-dismiss')
    dismiss.type = 'button'
    const feedback = el('span', 'ad-secret-feedback')
    feedback.setAttribute('aria-live', 'polite')
    copy.addEventListener('click', () => {
      navigator.clipboard.writeText(password).then(
        () => {
          feedback.textContent = this.messages.users.copied
        },
        () => {
          // No clipboard (permission, insecure origin): select the text for a manual copy.
          const range = document.createRange()
          range.selectNodeContents(value)
          window.getSelection()?.removeAllRanges()
          window.getSelection()?.addRange(range)
          feedback.textContent = this.messages.users.copyFailed
        },
      )
    })
    dismiss.addEventListener('click', () => {
      this.secret.replaceChildren()
      this.secret.hidden = true
    })
    const line = el('div', 'ad-secret-line')
    line.append(value, copy, feedback)
    this.secret.append(title, note, line, dismiss)
    this.secret.hidden = false
    this.renderSecretTexts()
  }

  private renderSecretTexts(): void {
    const m = this.messages.users
    const title = this.secret.querySelector<HTMLElement>('.ad-secret-title')
    if (!title) return
    title.textContent = m.generatedTitle(title.dataset.username ?? '')
    this.secret.querySelector('.ad-secret-note')!.textContent = m.generatedNote
    this.secret.querySelector('.ad-secret-copy')!.textContent = m.copy
    this.secret.querySelector('.ad-secret-dismiss')!.textContent = m.dismiss
  }

  private setStatus(text: string, error: boolean): void {
    this.statusLine.textContent = text
    this.statusLine.classList.toggle('ad-status-error', error)
    this.statusLine.setAttribute('role', error ? 'alert' : 'status')
    this.statusLine.hidden = false
  }

  /** Runs a row action; the row's buttons are disabled meanwhile, and the outcome is said above the table. */
  private async act(user: UserRecord, action: () => Promise<string>): Promise<boolean> {
    if (this.busy !== null) return false
    this.busy = user.id
    this.renderTable()
    let ok = false
    try {
      this.setStatus(await action(), false)
      ok = true
      this.onChange()
    } catch (err) {
      this.setStatus(this.messages.users.actionFailed(errorMessage(err)), true)
    } finally {
      this.busy = null
      this.renderTable()
    }
    return ok
  }

  private replace(updated: UserRecord): void {
    this.users = this.users.map((u) => (u.id === updated.id ? updated : u))
  }

  private toggleDisabled(user: UserRecord): void {
    void this.act(user, async () => {
      this.replace(await updateUser(user.id, { disabled: !user.disabled }))
      return user.disabled ? this.messages.users.enabledDone(user.username) : this.messages.users.disabledDone(user.username)
    })
  }

  private async resetPassword(user: UserRecord, passwordField: Field): Promise<void> {
    if (this.busy !== null) return
    clearFieldErrors([passwordField])
    this.busy = user.id
    for (const button of this.table.querySelectorAll<HTMLButtonElement>(`[data-user-id="${user.id}"] button`)) button.disabled = true
    try {
      this.replace(await updateUser(user.id, { password: passwordField.control.value }))
      this.resetFor = null
      this.setStatus(this.messages.users.passwordDone(user.username), false)
      this.onChange()
    } catch (err) {
      if (!showFieldErrors(err, { password: passwordField })) this.setStatus(this.messages.users.actionFailed(errorMessage(err)), true)
      this.busy = null
      for (const button of this.table.querySelectorAll<HTMLButtonElement>(`[data-user-id="${user.id}"] button`)) button.disabled = false
      passwordField.control.focus()
      return
    }
    this.busy = null
    this.renderTable()
  }

  private renderTable(): void {
    const m = this.messages
    if (this.root.dataset.state === 'loading' && this.users.length === 0) {
      this.table.replaceChildren(el('p', 'ad-hint', m.loading))
      return
    }
    if (this.loadError !== null) {
      const alert = el('p', 'ad-load-error', m.loadFailed(m.users.listName, this.loadError))
      alert.setAttribute('role', 'alert')
      this.table.replaceChildren(alert)
      return
    }
    if (this.users.length === 0) {
      this.table.replaceChildren(el('p', 'ad-hint', m.users.noUsers))
      return
    }
    const table = el('table', 'ad-table')
    const head = el('tr')
    for (const column of COLUMNS) {
      const th = el('th', undefined, m.users.columns[column])
      th.scope = 'col'
      th.dataset.column = column
      head.append(th)
    }
    table.createTHead().append(head)
    const body = table.createTBody()
    for (const user of this.users) {
      body.append(this.userRow(user))
      if (this.resetFor === user.id) body.append(this.resetRow(user))
    }
    this.table.replaceChildren(table)
  }

  private userRow(user: UserRecord): HTMLTableRowElement {
    const m = this.messages
    const tr = el('tr')
    tr.dataset.userId = String(user.id)
    tr.dataset.username = user.username
    if (user.disabled) tr.classList.add('ad-row-disabled')
    const department = this.departments.find((d) => d.id === user.departmentId)
    const cells: Record<(typeof COLUMNS)[number], string> = {
      username: user.username + (user.id === this.me.id ? m.users.you : ''),
      displayName: user.displayName ?? m.none,
      role: m.roles[user.role] ?? user.role,
      // The department's name (its id only while the list of departments is not there).
      departmentId: user.departmentId === null ? m.none : department ? department.name : String(user.departmentId),
      divisionPrefix: user.divisionPrefix ?? m.none,
      mgmtGridId: user.mgmtGridId === null ? m.none : String(user.mgmtGridId),
      disabled: user.disabled ? m.yes : m.no,
      createdAt: localDateTime(user.createdAt),
      actions: '',
    }
    for (const column of COLUMNS) {
      const td = el('td', undefined, cells[column])
      td.dataset.column = column
      if (column === 'departmentId' && user.departmentId !== null) td.dataset.value = String(user.departmentId)
      // Account and display names are what an administrator wrote.
      if (column === 'username' || (column === 'displayName' && user.displayName !== null)) td.translate = false
      if (column === 'role') td.dataset.role = user.role
      if (column === 'disabled') td.dataset.value = String(user.disabled)
      if (column === 'actions') td.append(this.actions(user))
      tr.append(td)
    }
    return tr
  }

  private actions(user: UserRecord): HTMLElement {
    const m = this.messages.users
    const wrap = el('div', 'ad-row-actions')
    const button = (action: string, text: string, onClick: () => void) => {
      const b = el('button', 'ad-button', text)
      b.type = 'button'
      b.dataset.action = action
      b.disabled = this.busy !== null
      b.addEventListener('click', onClick)
      wrap.append(b)
      return b
    }
    const toggle = button(user.disabled ? 'enable' : 'disable', user.disabled ? m.enable : m.disable, () => this.toggleDisabled(user))
    // The server refuses it anyway: an admin cannot disable their own account.
    if (user.id === this.me.id && !user.disabled) toggle.disabled = true
    const reset = button('reset-password', m.resetPassword, () => {
      this.resetFor = this.resetFor === user.id ? null : user.id
      this.renderTable()
      this.table.querySelector<HTMLInputElement>('.ad-reset-row input')?.focus()
    })
    reset.setAttribute('aria-expanded', String(this.resetFor === user.id))
    button('sign-out', m.signOutEverywhere, () => {
      void this.act(user, async () => {
        await signOutEverywhere(user.id)
        return m.signedOutDone(user.username)
      })
    })
    return wrap
  }

  /** The inline form that sets a new password typed by the admin. */
  private resetRow(user: UserRecord): HTMLTableRowElement {
    const m = this.messages.users
    const tr = el('tr', 'ad-reset-row')
    tr.dataset.userId = String(user.id)
    const td = el('td')
    td.colSpan = COLUMNS.length
    // Shown as typed, as the create form's password: the admin hands it over and must see it.
    const input = el('input')
    input.type = 'text'
    input.autocomplete = 'off'
    const password = field(`reset-${user.id}`, 'password', input)
    password.label.textContent = m.newPassword
    password.hint.textContent = m.newPasswordHint
    const form = el('form', 'ad-reset-form')
    form.noValidate = true
    const save = el('button', 'ad-submit', m.save)
    save.type = 'submit'
    const cancel = el('button', 'ad-button', m.cancel)
    cancel.type = 'button'
    cancel.addEventListener('click', () => {
      this.resetFor = null
      this.renderTable()
    })
    const buttons = el('div', 'ad-actions')
    buttons.append(save, cancel)
    form.append(password.wrap, buttons)
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      void this.resetPassword(user, password)
    })
    td.append(form)
    tr.append(td)
    return tr
  }
}
