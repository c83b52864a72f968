import './reports.css'
import { ApiError, isAbortError } from '../api/client'
import { fetchDepartments, type Department } from '../api/departments'
import type { CurrentUser } from '../auth/session'
import type { Lang } from '../i18n'
import { el, labelled, requireElement, userText } from '../ui/dom'
import { startStaffPage } from '../ui/page'
import { STAFF_NAV_MESSAGES } from '../ui/messages'
import {
  REPORT_STATUSES,
  REPORT_TRANSITIONS,
  categoryLabel,
  changeReport,
  fetchCategories,
  fetchReports,
  fileGridReport,
  makeInspectionTask,
  type ReportCategories,
  type ReportListQuery,
  type ReportSource,
  type ReportStatus,
  type StaffReport,
} from './api'
import { REPORT_MESSAGES, type ReportMessages } from './messages'
import { formatTime } from './format'

// The staff triage page (staff only): reports filtered by status, overdue and source, overdue ones
// highlighted; a report's details with the moves its status allows, its staff note, reassignment
// and "make an inspection task" for inspectors (and admins); for grid workers, a form to file a
// report from their own grid.

const PAGE_SIZE = 50

interface State {
  lang: Lang
  user: CurrentUser
  categories: ReportCategories | null
  /** The departments a report can be sent to, by name (loaded once for the triage roles). */
  departments: Department[]
  query: ReportListQuery
  total: number
  items: StaffReport[]
  selected: StaffReport | null
  /** A line under the details or the list: what the last action did. */
  message: { text: string; bad: boolean } | null
}

async function start(): Promise<void> {
  const { page, user } = await startStaffPage()
  const state: State = {
    lang: page.lang,
    user,
    categories: null,
    departments: [],
    query: { limit: PAGE_SIZE, offset: 0 },
    total: 0,
    items: [],
    selected: null,
    message: null,
  }
  const canTriage = user.role === 'inspector' || user.role === 'admin'

  const title = requireElement(document, '.rp-header h1')
  const home = requireElement<HTMLAnchorElement>(document, '.rp-home')
  const who = requireElement(document, '.rp-user')
  const listRoot = requireElement(document, '.rp-list')
  const side = requireElement(document, '.rp-side')
  let loading: AbortController | null = null

  const m = (): ReportMessages => REPORT_MESSAGES[state.lang]
  const label = (code: string) => categoryLabel(state.categories, code, state.lang)
  const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err))

  async function load(): Promise<void> {
    loading?.abort()
    const abort = new AbortController()
    loading = abort
    try {
      const page = await fetchReports(state.query, abort.signal)
      state.total = page.total
      state.items = page.items
      if (state.selected) state.selected = page.items.find((r) => r.id === state.selected!.id) ?? state.selected
    } catch (err) {
      if (isAbortError(err)) return
      state.message = { text: errorText(err), bad: true }
    }
    renderList()
  }

  function renderHeader(): void {
    document.title = m().pageTitle
    title.textContent = m().pageTitle
    home.textContent = m().mapLink
    who.replaceChildren(labelled((name) => m().signedInAs(name, STAFF_NAV_MESSAGES[state.lang].roles[user.role]), user.displayName ?? user.username))
  }

  function renderList(): void {
    const t = m()
    const filters = el('div', 'rp-filters')
    const status = el('select', 'rp-filter-status')
    status.setAttribute('aria-label', t.filterStatus)
    status.append(new Option(t.allStatuses, ''), ...REPORT_STATUSES.map((s) => new Option(t.statuses[s], s)))
    status.value = state.query.status ?? ''
    status.addEventListener('change', () => {
      state.query = { ...state.query, status: (status.value || undefined) as ReportStatus | undefined, offset: 0 }
      void load()
    })
    const overdue = el('input', 'rp-filter-overdue')
    overdue.type = 'checkbox'
    overdue.checked = state.query.overdue === true
    overdue.addEventListener('change', () => {
      state.query = { ...state.query, overdue: overdue.checked ? true : undefined, offset: 0 }
      void load()
    })
    const overdueLabel = el('label')
    overdueLabel.append(overdue, ` ${t.overdueOnly}`)
    const source = el('select', 'rp-filter-source')
    source.setAttribute('aria-label', t.filterSource)
    source.append(new Option(t.allSources, ''), new Option(t.sources.public, 'public'), new Option(t.sources.grid_worker, 'grid_worker'))
    source.value = state.query.source ?? ''
    source.addEventListener('change', () => {
      state.query = { ...state.query, source: (source.value || undefined) as ReportSource | undefined, offset: 0 }
      void load()
    })
    const refresh = el('button', 'rp-refresh', t.refresh)
    refresh.type = 'button'
    refresh.addEventListener('click', () => void load())
    filters.append(status, overdueLabel, source, refresh, el('span', 'rp-total', t.total(state.total)))

    const table = el('table', 'rp-table')
    const head = el('tr')
    const c = t.columns
    for (const text of [c.code, c.created, c.category, c.status, c.place, c.department, c.deadline]) head.append(el('th', undefined, text))
    table.append(el('thead'), el('tbody'))
    table.tHead!.append(head)
    for (const report of state.items) {
      const row = el('tr', 'rp-row')
      row.dataset.id = String(report.id)
      row.dataset.code = report.trackingCode
      if (report.overdue) row.classList.add('rp-overdue')
      if (state.selected?.id === report.id) row.classList.add('rp-selected')
      const deadline = el('td', undefined, formatTime(report.deadline, state.lang))
      if (report.overdue) deadline.append(el('span', 'rp-overdue-badge', t.overdue))
      // The tracking code is a code (ten letters may spell nothing), never a word to translate.
      const code = el('td', 'rp-cell-code', report.trackingCode)
      code.translate = false
      row.append(
        code,
        el('td', undefined, formatTime(report.createdAt, state.lang)),
        el('td', undefined, label(report.category)),
        el('td', `rp-cell-status rp-status-${report.status}`, t.statuses[report.status]),
        el('td', undefined, report.mgmtGridName ?? report.divisionName ?? ''),
        el('td', undefined, report.departmentName ?? ''),
        deadline,
      )
      row.addEventListener('click', () => {
        state.selected = report
        state.message = null
        renderList()
        renderSide()
      })
      table.tBodies[0]!.append(row)
    }
    const pager = el('div', 'rp-pager')
    const previous = el('button', 'rp-previous', t.previous)
    previous.type = 'button'
    previous.disabled = state.query.offset === 0
    previous.addEventListener('click', () => {
      state.query = { ...state.query, offset: Math.max(0, state.query.offset - PAGE_SIZE) }
      void load()
    })
    const next = el('button', 'rp-next', t.next)
    next.type = 'button'
    next.disabled = state.query.offset + PAGE_SIZE >= state.total
    next.addEventListener('click', () => {
      state.query = { ...state.query, offset: state.query.offset + PAGE_SIZE }
      void load()
    })
    pager.append(previous, next)
    listRoot.replaceChildren(filters, ...(state.items.length ? [table, pager] : [el('p', 'rp-empty', t.empty)]))
    renderSide()
  }

  function renderSide(): void {
    const parts: HTMLElement[] = []
    if (user.role === 'grid_worker' || user.role === 'admin') parts.push(gridForm())
    if (state.selected) parts.push(details(state.selected))
    if (state.message) parts.push(el('p', `rp-message${state.message.bad ? ' rp-bad' : ''}`, state.message.text))
    side.replaceChildren(...parts)
  }

  /** Runs a write, shows what happened and reloads the list. */
  async function act(write: () => Promise<StaffReport>, done: (r: StaffReport) => string): Promise<void> {
    try {
      const report = await write()
      state.selected = report
      state.message = { text: done(report), bad: false }
    } catch (err) {
      state.message = { text: errorText(err), bad: true }
    }
    await load()
  }

  function details(report: StaffReport): HTMLElement {
    const t = m()
    const box = el('section', 'rp-detail')
    box.dataset.id = String(report.id)
    const list = el('dl', 'rp-status')
    const dd = (value: string, written: boolean) => {
      const node = el('dd')
      node.append(written ? userText(value) : value)
      return node
    }
    const pair = (term: string, value: string | null, written = false) => {
      if (value) list.append(el('dt', undefined, term), dd(value, written))
    }
    // The code and what the citizen or grid worker wrote are shown as written (translate="no").
    pair(t.trackingCode, report.trackingCode, true)
    pair(t.category, label(report.category))
    pair(t.statusLabel, t.statuses[report.status])
    pair(t.description, report.description, true)
    pair(t.location, `${report.lon.toFixed(5)}, ${report.lat.toFixed(5)}${report.mgmtGridName ? ` · ${report.mgmtGridName}` : ''}`)
    pair(t.address.replace(/（.*）|\(.*\)/, ''), report.address, true)
    pair(t.contact.replace(/（.*）|\(.*\)/, ''), report.contact, true)
    pair(t.filedBy, report.filedBy ?? t.sources[report.source])
    pair(t.columns.department, report.departmentName)
    pair(t.deadline, formatTime(report.deadline, state.lang) + (report.overdue ? ` · ${t.overdue}` : ''))
    pair(t.resolution, report.resolution)
    pair(t.staffNote, report.staffNote)
    if (report.inspectionId !== null) pair(t.inspectionTitle, `#${report.inspectionId}`)
    const heading = el('h2', undefined, `${t.details} · `)
    heading.append(userText(report.trackingCode))
    box.append(heading, list)
    if (!canTriage) return box

    // Status moves the machine allows; a final one needs the resolution typed above the buttons.
    const moves = REPORT_TRANSITIONS[report.status]
    if (moves.length > 0) {
      const resolution = el('textarea', 'rp-resolution')
      resolution.rows = 3
      resolution.maxLength = 2000
      resolution.placeholder = t.resolutionRequired
      resolution.setAttribute('aria-label', t.resolution)
      const actions = el('div', 'rp-actions')
      for (const status of moves) {
        const button = el('button', `rp-move rp-move-${status}`, t.moveTo(t.statuses[status]))
        button.type = 'button'
        button.addEventListener('click', () => {
          const final = status === 'closed' || status === 'rejected'
          void act(
            () => changeReport(report.id, { status, ...(final ? { resolution: resolution.value } : {}) }),
            () => t.saved,
          )
        })
        actions.append(button)
      }
      box.append(resolution, actions)

      const note = el('textarea', 'rp-note-input')
      note.rows = 2
      note.maxLength = 2000
      note.value = report.staffNote ?? ''
      note.setAttribute('aria-label', t.staffNote)
      const saveNote = el('button', 'rp-save-note', t.saveNote)
      saveNote.type = 'button'
      saveNote.addEventListener(
        'click',
        () =>
          void act(
            () => changeReport(report.id, { staffNote: note.value || null }),
            () => t.saved,
          ),
      )
      // Sent to another department, picked by name (with its division where names repeat).
      const reassign = el('select', 'rp-department')
      reassign.setAttribute('aria-label', t.departmentId)
      for (const d of state.departments) {
        const option = el('option', undefined, d.divisionName ? `${d.name}（${d.divisionName}）` : d.name)
        option.value = String(d.id)
        option.selected = d.id === report.departmentId
        reassign.append(option)
      }
      const reassignButton = el('button', 'rp-reassign', t.reassign)
      reassignButton.type = 'button'
      reassignButton.disabled = state.departments.length === 0
      reassignButton.addEventListener(
        'click',
        () =>
          void act(
            () => changeReport(report.id, { departmentId: Number(reassign.value) }),
            () => t.saved,
          ),
      )
      const reassignRow = el('div', 'rp-actions')
      reassignRow.append(reassign, reassignButton)
      box.append(note, saveNote, reassignRow)
    }

    if (report.inspectionId === null && report.status !== 'closed' && report.status !== 'rejected') {
      const enterprise = el('input', 'rp-enterprise')
      enterprise.type = 'number'
      enterprise.min = '1'
      enterprise.placeholder = t.enterpriseId
      enterprise.setAttribute('aria-label', t.enterpriseId)
      const planned = el('input', 'rp-planned')
      planned.type = 'date'
      planned.setAttribute('aria-label', t.plannedFor)
      const make = el('button', 'rp-make-inspection', t.makeInspection)
      make.type = 'button'
      make.addEventListener(
        'click',
        () =>
          void act(
            () => makeInspectionTask(report.id, Number(enterprise.value), planned.value),
            (r) => t.inspectionLinked(r.inspectionId ?? 0),
          ),
      )
      const row = el('div', 'rp-actions')
      row.append(enterprise, planned, make)
      box.append(el('h3', undefined, t.inspectionTitle), row)
    }
    return box
  }

  function gridForm(): HTMLElement {
    const t = m()
    const form = el('form', 'rp-grid-form')
    form.noValidate = true
    const category = el('select', 'rp-grid-category')
    category.setAttribute('aria-label', t.category)
    category.append(new Option(t.chooseCategory, ''), ...(state.categories?.gridWorker ?? []).map((c) => new Option(state.lang === 'en' ? c.en : c.zh, c.code)))
    const lon = el('input', 'rp-grid-lon')
    lon.placeholder = t.lon
    lon.setAttribute('aria-label', t.lon)
    const lat = el('input', 'rp-grid-lat')
    lat.placeholder = t.lat
    lat.setAttribute('aria-label', t.lat)
    const description = el('textarea', 'rp-grid-description')
    description.rows = 3
    description.maxLength = 2000
    description.placeholder = t.description
    description.setAttribute('aria-label', t.description)
    const address = el('input', 'rp-grid-address')
    address.maxLength = 200
    address.placeholder = t.address
    address.setAttribute('aria-label', t.address)
    const submit = el('button', 'rp-grid-submit', t.fileReport)
    submit.type = 'submit'
    const coords = el('div', 'rp-actions')
    coords.append(lon, lat)
    form.append(el('h2', undefined, t.gridFormTitle), category, coords, description, address, submit)
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const location = lon.value.trim() && lat.value.trim() ? { lon: Number(lon.value), lat: Number(lat.value) } : undefined
      void act(
        () =>
          fileGridReport({
            ...(location ? { location } : {}),
            category: category.value,
            description: description.value,
            address: address.value.trim() || null,
          }),
        (r) => t.filed(r.trackingCode),
      )
    })
    return form
  }

  page.onSwitch((lang) => {
    state.lang = lang
    renderHeader()
    renderList()
  })

  renderHeader()
  try {
    ;[state.categories, state.departments] = await Promise.all([fetchCategories(), canTriage ? fetchDepartments() : Promise.resolve([])])
  } catch (err) {
    state.message = { text: err instanceof ApiError ? err.message : errorText(err), bad: true }
  }
  await load()
}

void start()
