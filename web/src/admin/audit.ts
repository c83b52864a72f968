import { isAbortError } from '../api/client'
import { el } from '../ui/dom'
import { fetchAudit, type AuditEntry, type AuditPage } from './api'
import { auditChanges, dayRange, formatValue, localDateTime } from './diff'
import { clearFieldErrors, errorMessage, field, showFieldErrors, type Field } from './fields'
import type { AdminMessages } from './messages'

/** Entries per page. */
export const AUDIT_PAGE_SIZE = 50

/** The filters, by the names of GET /api/audit's parameters. */
const FILTERS = ['entity', 'entityId', 'username', 'action', 'from', 'to'] as const
type Filter = (typeof FILTERS)[number]

const COLUMNS = ['at', 'username', 'action', 'entity', 'entityId', 'changes'] as const

/** The audit log: filters, a page of entries newest first, each with its changed fields. */
export class AuditView {
  private messages: AdminMessages
  private page: AuditPage | null = null
  private offset = 0
  private loadError: string | null = null
  private loading: AbortController | null = null

  private readonly heading = el('h2', 'ad-heading')
  private readonly form = el('form', 'ad-form ad-filters audit-filters')
  private readonly fields: Record<Filter, Field>
  private readonly apply = el('button', 'ad-submit')
  private readonly reset = el('button', 'ad-button')
  private readonly list = el('div', 'ad-table-wrap audit-list')
  private readonly pager = el('div', 'ad-pager')
  private readonly range = el('span', 'ad-range')
  private readonly previous = el('button', 'ad-button ad-previous')
  private readonly next = el('button', 'ad-button ad-next')

  constructor(
    private readonly root: HTMLElement,
    messages: AdminMessages,
  ) {
    this.messages = messages
    const input = (type: string) => {
      const i = el('input')
      i.type = type
      return i
    }
    const controls: Record<Filter, HTMLInputElement | HTMLSelectElement> = {
      entity: el('select'),
      entityId: input('text'),
      username: input('text'),
      action: el('select'),
      from: input('date'),
      to: input('date'),
    }
    this.fields = Object.fromEntries(FILTERS.map((name) => [name, field('audit', name, controls[name])])) as Record<Filter, Field>
    for (const f of Object.values(this.fields)) f.hint.hidden = true
    this.form.noValidate = true
    this.apply.type = 'submit'
    this.reset.type = 'button'
    const actions = el('div', 'ad-actions')
    actions.append(this.apply, this.reset)
    this.form.append(...FILTERS.map((name) => this.fields[name].wrap), actions)
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      this.offset = 0
      void this.load()
    })
    this.reset.addEventListener('click', () => {
      for (const f of Object.values(this.fields)) f.control.value = ''
      this.offset = 0
      void this.load()
    })
    this.previous.type = 'button'
    this.next.type = 'button'
    this.previous.addEventListener('click', () => this.goTo(this.offset - AUDIT_PAGE_SIZE))
    this.next.addEventListener('click', () => this.goTo(this.offset + AUDIT_PAGE_SIZE))
    this.range.setAttribute('aria-live', 'polite')
    this.pager.append(this.previous, this.range, this.next)
    this.root.append(this.heading, this.form, this.pager, this.list)
    this.renderTexts()
  }

  setMessages(messages: AdminMessages): void {
    this.messages = messages
    this.renderTexts()
    this.render()
  }

  /** Loads the page at the current offset with the filters as they are in the form. */
  async load(): Promise<void> {
    this.loading?.abort()
    const controller = new AbortController()
    this.loading = controller
    this.root.dataset.state = 'loading'
    clearFieldErrors(Object.values(this.fields))
    const value = (name: Filter) => this.fields[name].control.value.trim()
    try {
      this.page = await fetchAudit(
        {
          entity: value('entity'),
          entityId: value('entityId'),
          username: value('username'),
          action: value('action'),
          ...dayRange(value('from'), value('to')),
          limit: AUDIT_PAGE_SIZE,
          offset: this.offset,
        },
        controller.signal,
      )
      if (controller.signal.aborted) return
      this.loadError = null
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      // A refused filter (e.g. `to` before `from`) is said next to its input.
      this.loadError = showFieldErrors(err, this.fields) ? null : errorMessage(err)
      this.page = null
    }
    this.loading = null
    this.render()
    this.root.dataset.state = this.loadError === null ? 'ready' : 'error'
  }

  private goTo(offset: number): void {
    this.offset = Math.max(0, offset)
    void this.load()
  }

  private renderTexts(): void {
    const m = this.messages.audit
    this.heading.textContent = m.title
    for (const name of FILTERS) this.fields[name].label.textContent = m[name]
    const options = (select: HTMLSelectElement, names: Record<string, string>) => {
      const chosen = select.value
      select.replaceChildren(new Option(m.any, ''), ...Object.entries(names).map(([code, name]) => new Option(name, code)))
      select.value = chosen
    }
    options(this.fields.entity.control as HTMLSelectElement, m.entities)
    options(this.fields.action.control as HTMLSelectElement, m.actions)
    this.apply.textContent = m.apply
    this.reset.textContent = m.reset
    this.previous.textContent = m.previous
    this.next.textContent = m.next
  }

  private render(): void {
    const m = this.messages
    const page = this.page
    this.pager.hidden = page === null
    if (page) {
      const last = page.offset + page.items.length
      this.range.textContent = m.audit.range(page.items.length ? page.offset + 1 : 0, last, page.total)
      this.range.dataset.total = String(page.total)
      this.range.dataset.offset = String(page.offset)
      this.previous.disabled = page.offset === 0
      this.next.disabled = last >= page.total
    }
    if (this.loadError !== null) {
      const alert = el('p', 'ad-load-error', m.loadFailed(m.audit.listName, this.loadError))
      alert.setAttribute('role', 'alert')
      this.list.replaceChildren(alert)
      return
    }
    if (!page) {
      this.list.replaceChildren()
      return
    }
    if (page.items.length === 0) {
      this.list.replaceChildren(el('p', 'ad-hint', m.audit.noEntries))
      return
    }
    const table = el('table', 'ad-table')
    const head = el('tr')
    for (const column of COLUMNS) {
      const th = el('th', undefined, m.audit.columns[column])
      th.scope = 'col'
      th.dataset.column = column
      head.append(th)
    }
    table.createTHead().append(head)
    const body = table.createTBody()
    for (const entry of page.items) body.append(this.row(entry))
    this.list.replaceChildren(table)
  }

  private row(entry: AuditEntry): HTMLTableRowElement {
    const m = this.messages.audit
    const tr = el('tr')
    tr.dataset.auditId = String(entry.id)
    tr.dataset.entity = entry.entity
    tr.dataset.action = entry.action
    const cell = (column: (typeof COLUMNS)[number], text: string, raw?: string | null) => {
      const td = el('td', undefined, text)
      td.dataset.column = column
      if (raw !== undefined) td.dataset.value = raw ?? ''
      tr.append(td)
      return td
    }
    const at = cell('at', localDateTime(entry.at), entry.at)
    at.classList.add('ad-nowrap')
    const user = cell('username', entry.username ?? m.system, entry.username)
    if (entry.username === null) user.classList.add('ad-muted')
    else user.translate = false // an account name, as its administrator wrote it
    cell('action', m.actions[entry.action] ?? entry.action, entry.action)
    cell('entity', m.entities[entry.entity] ?? entry.entity, entry.entity)
    cell('entityId', entry.entityId ?? this.messages.none, entry.entityId)
    cell('changes', '').append(this.changes(entry))
    return tr
  }

  /** The changed fields, folded: key, old → new. */
  private changes(entry: AuditEntry): HTMLElement {
    const m = this.messages
    const changes = auditChanges(entry.before, entry.after)
    if (changes.length === 0) return el('span', 'ad-muted', m.audit.noChanges)
    const details = el('details', 'ad-diff')
    details.append(el('summary', undefined, m.audit.changes(changes.length)))
    const list = el('dl', 'ad-diff-list')
    for (const change of changes) {
      const key = el('dt', 'ad-diff-key', change.key)
      const values = el('dd', 'ad-diff-values')
      values.dataset.key = change.key
      // Absent on that side (a creation, a deletion, a field added): a muted dash.
      const value = (v: unknown, className: string) =>
        el('span', v === undefined ? `${className} ad-absent` : className, v === undefined ? m.none : formatValue(v))
      values.append(value(change.before, 'ad-old'), el('span', 'ad-arrow', ' → '), value(change.after, 'ad-new'))
      list.append(key, values)
    }
    details.append(list)
    return details
  }
}
