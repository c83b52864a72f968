import './import.css'
import { ApiError, isAbortError } from '../api/client'
import { errorCodeText, type Messages } from '../i18n'
import { el, userText } from '../ui/dom'
import { FILE_PROBLEM_WORDING, POLYGON_FAULTS_ZH, problemNodes, type ProblemParams } from './problems'
import {
  IMPORT_CRS,
  IMPORT_FORMATS,
  IMPORT_KINDS,
  formatFromName,
  sendImport,
  type ImportCrs,
  type ImportFormat,
  type ImportKind,
  type ImportMode,
  type ImportReport,
  type ImportRequest,
  type ImportRowError,
} from './api'
import { ColumnsPanel } from './columns'

/** Row errors listed in the view; the rest are counted. */
export const MAX_SHOWN_ERRORS = 200

type State =
  | { kind: 'idle' }
  | { kind: 'busy'; dryRun: boolean }
  | { kind: 'checked'; report: ImportReport }
  | { kind: 'done'; report: ImportReport }
  | { kind: 'rejected'; message: string; errors: ImportRowError[] }
  /** `problems`: the refused file's problems by code, worded when shown (in the page's language then). */
  | { kind: 'failed'; message: string; problems?: Array<{ code?: string; params?: ProblemParams }> }

export interface ImportViewOptions {
  /** Records were stored: refresh what shows them. */
  onImported(report: ImportReport): void
}

/**
 * The upload page, a full-window overlay: the kind, file, format, coordinate system and mode;
 * step 1 checks the file (a dry run) and shows the report, step 2 imports it.
 */
export class ImportView {
  readonly button: HTMLButtonElement
  private readonly root: HTMLElement
  private readonly options: ImportViewOptions
  private messages: Messages
  private state: State = { kind: 'idle' }
  /** The request the shown dry run checked: what "Import" sends. */
  private checkedRequest: ImportRequest | null = null
  private loading: AbortController | null = null
  private readonly titleEl = el('h2', 'import-title')
  private readonly closeButton = el('button', 'import-close', '×')
  private readonly kindSelect = el('select', 'import-kind')
  private readonly fileInput = el('input', 'import-file')
  private readonly formatSelect = el('select', 'import-format')
  private readonly crsSelect = el('select', 'import-crs')
  private readonly modeSelect = el('select', 'import-mode')
  private readonly checkButton = el('button', 'import-check')
  private readonly confirmButton = el('button', 'import-confirm')
  private readonly labels: Record<'kind' | 'file' | 'format' | 'crs' | 'mode', HTMLElement> = {
    kind: el('span'),
    file: el('span'),
    format: el('span'),
    crs: el('span'),
    mode: el('span'),
  }
  private readonly reportEl = el('div', 'import-report')
  private readonly columnsPanel = new ColumnsPanel()
  private readonly repairBox = el('input', 'import-repair')
  private readonly repairLabel = el('span')

  constructor(header: HTMLElement, container: HTMLElement, messages: Messages, options: ImportViewOptions) {
    this.messages = messages
    this.options = options
    this.button = el('button', 'import-toggle')
    this.button.type = 'button'
    this.button.setAttribute('aria-pressed', 'false')
    this.button.addEventListener('click', () => (this.isOpen ? this.close() : this.open()))
    header.insertBefore(this.button, header.querySelector('.lang-switch'))

    this.root = el('section', 'import-view')
    this.root.hidden = true
    this.root.setAttribute('role', 'dialog')
    this.root.setAttribute('aria-labelledby', 'import-title')
    this.titleEl.id = 'import-title'
    this.closeButton.type = 'button'
    this.closeButton.addEventListener('click', () => this.close())
    this.fileInput.type = 'file'
    this.fileInput.accept = '.csv,.txt,.xlsx,.geojson,.json,.zip,.pbf'
    this.fileInput.addEventListener('change', () => this.formChanged())
    for (const select of [this.kindSelect, this.formatSelect, this.crsSelect, this.modeSelect]) select.addEventListener('change', () => this.formChanged())
    this.repairBox.type = 'checkbox'
    this.repairBox.addEventListener('change', () => this.formChanged())
    const repairField = el('label', 'import-field import-field-repair')
    repairField.append(this.repairBox, this.repairLabel)
    this.checkButton.type = 'button'
    this.checkButton.addEventListener('click', () => void this.run(true))
    this.confirmButton.type = 'button'
    this.confirmButton.addEventListener('click', () => void this.run(false))

    const field = (key: keyof ImportView['labels'], control: HTMLElement): HTMLElement => {
      const label = el('label', `import-field import-field-${key}`)
      label.append(this.labels[key], control)
      return label
    }
    const heading = el('div', 'import-heading')
    heading.append(this.titleEl, this.closeButton)
    const form = el('div', 'import-form')
    form.append(
      field('kind', this.kindSelect),
      field('file', this.fileInput),
      field('format', this.formatSelect),
      field('crs', this.crsSelect),
      field('mode', this.modeSelect),
      repairField,
    )
    const actions = el('div', 'import-actions')
    actions.append(this.checkButton, this.confirmButton)
    const card = el('div', 'import-card')
    card.append(heading, form, this.columnsPanel.element, actions, this.reportEl)
    this.root.append(card)
    container.append(this.root)
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.isOpen) this.close()
    })
    this.render()
  }

  get isOpen(): boolean {
    return !this.root.hidden
  }

  open(): void {
    this.root.hidden = false
    this.button.setAttribute('aria-pressed', 'true')
    this.kindSelect.focus()
  }

  close(): void {
    this.root.hidden = true
    this.button.setAttribute('aria-pressed', 'false')
  }

  setMessages(messages: Messages): void {
    this.messages = messages
    this.render()
  }

  /** The request the form describes, or null without a file. */
  private request(dryRun: boolean): ImportRequest | null {
    const file = this.fileInput.files?.[0]
    if (!file) return null
    return {
      kind: this.kindSelect.value as ImportKind,
      file,
      format: (this.formatSelect.value || formatFromName(file.name)) as ImportFormat | undefined,
      crs: this.crsSelect.value as ImportCrs,
      mode: this.modeSelect.value as ImportMode,
      dryRun,
      repair: this.repairBox.checked,
    }
  }

  /** Any change to the form asks for a fresh check before importing. */
  private formChanged(): void {
    this.loading?.abort()
    this.checkedRequest = null
    this.state = { kind: 'idle' }
    this.render()
  }

  private async run(dryRun: boolean): Promise<void> {
    const request = dryRun ? this.request(true) : this.checkedRequest && { ...this.checkedRequest, dryRun: false }
    if (!request) {
      this.state = { kind: 'failed', message: this.messages.importer.noFile }
      this.render()
      return
    }
    this.loading?.abort()
    const controller = new AbortController()
    this.loading = controller
    this.state = { kind: 'busy', dryRun }
    this.render()
    try {
      const outcome = await sendImport(request, controller.signal)
      if (controller.signal.aborted) return
      if (outcome.kind === 'rejected') {
        this.state = { kind: 'rejected', message: outcome.message, errors: outcome.errors }
      } else if (dryRun) {
        this.checkedRequest = request
        this.state = { kind: 'checked', report: outcome.report }
      } else {
        this.checkedRequest = null
        this.state = { kind: 'done', report: outcome.report }
        if (outcome.report.stored) this.options.onImported(outcome.report)
      }
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      const text = err instanceof ApiError ? errorCodeText(this.messages, err.code) : undefined
      const message = err instanceof Error ? err.message : String(err)
      const problems =
        err instanceof ApiError ? err.details.map((d) => ({ code: d.code as string | undefined, params: d.params as ProblemParams | undefined })) : []
      this.state = { kind: 'failed', message: text ? `${text}: ${message}` : message, problems }
    } finally {
      if (this.loading === controller) this.loading = null
    }
    this.render()
  }

  private render(): void {
    const m = this.messages.importer
    this.button.textContent = m.toggle
    this.button.title = m.toggleTitle
    this.titleEl.textContent = m.title
    this.closeButton.title = m.close
    this.closeButton.setAttribute('aria-label', m.close)
    this.labels.kind.textContent = m.kind
    this.labels.file.textContent = m.file
    this.labels.format.textContent = m.format
    this.labels.crs.textContent = m.crs
    this.labels.mode.textContent = m.mode
    this.repairLabel.textContent = REPAIR_TEXTS[this.lang()].label
    this.repairLabel.title = REPAIR_TEXTS[this.lang()].title
    const file = this.fileInput.files?.[0]
    const detected = file ? formatFromName(file.name) : undefined
    fillSelect(
      this.kindSelect,
      IMPORT_KINDS.map((k) => [k, m.kinds[k]]),
    )
    this.columnsPanel.show(this.kindSelect.value as ImportKind, this.messages.locale)
    fillSelect(this.formatSelect, [
      ['', detected ? `${m.formatAuto} (${m.formats[detected]})` : m.formatAuto],
      ...IMPORT_FORMATS.map((f): [string, string] => [f, m.formats[f]]),
    ])
    fillSelect(
      this.crsSelect,
      IMPORT_CRS.map((c) => [c, m.crsNames[c]]),
    )
    fillSelect(
      this.modeSelect,
      (['all', 'valid'] as const).map((k) => [k, m.modes[k]]),
    )
    this.checkButton.textContent = m.check
    this.confirmButton.textContent = m.confirm
    const busy = this.state.kind === 'busy'
    this.checkButton.disabled = busy
    this.confirmButton.disabled = busy || this.checkedRequest === null || this.state.kind !== 'checked'
    this.root.setAttribute('aria-busy', String(busy))
    this.reportEl.dataset.state = this.state.kind
    this.reportEl.replaceChildren(...this.reportBody())
  }

  private reportBody(): HTMLElement[] {
    const m = this.messages.importer
    const state = this.state
    switch (state.kind) {
      case 'idle':
        return []
      case 'busy':
        return [el('p', 'import-status', state.dryRun ? m.checking : m.importing)]
      case 'failed': {
        // A refused file in the page's language by its problems' codes (each missing column, say); else the server's message.
        const message = el('p', 'import-message')
        const worded = (state.problems ?? []).map((p) => problemNodes(this.lang(), p.code, p.params, FILE_PROBLEM_WORDING))
        if (worded.length > 0 && worded.every((w) => w !== null)) {
          worded.forEach((w, i) => message.append(...(i > 0 ? [this.lang() === 'zh' ? '；' : '; '] : []), ...w!))
          message.dataset.code = state.problems!.map((p) => p.code).join(' ')
        } else message.textContent = state.message
        return [el('h3', 'import-report-title', m.failedTitle), message]
      }
      case 'rejected':
        // The page's own sentence: the server's names the rows in English words (row, column).
        return [el('h3', 'import-report-title', m.rejectedTitle), el('p', 'import-message', m.rejectedMessage), ...this.errorTable(state.errors)]
      case 'checked':
      case 'done': {
        const r = state.report
        const dry = state.kind === 'checked'
        const stats: Array<[string, string, string | number]> = [
          ['encoding', m.encoding, r.encoding ?? m.encodingNone],
          ['rows', m.rows, r.rows],
          ['valid', m.valid, r.valid],
          ['invalid', m.invalid, r.invalid],
          ['created', dry ? m.wouldCreate : m.created, r.created],
          ['updated', dry ? m.wouldUpdate : m.updated, r.updated],
          ['unchanged', m.unchanged, r.unchanged],
        ]
        if (!dry && r.regrade) {
          const g = r.regrade
          stats.push(['regrade', m.regrade, m.regradeSummary(g.mode, g.enterprises ?? 0, g.areas ?? 0, g.changedCells ?? 0)])
        }
        const list = el('dl', 'import-stats')
        for (const [key, label, value] of stats) {
          const item = el('div', 'import-stat')
          item.dataset.stat = key
          item.append(el('dt', undefined, label), el('dd', 'import-stat-value', String(value)))
          list.append(item)
        }
        const out: HTMLElement[] = [el('h3', 'import-report-title', dry ? m.dryRunTitle : m.resultTitle), list]
        if (dry) out.push(el('p', 'import-note', m.nothingStored))
        if (dry && r.mode === 'all' && r.invalid > 0) out.push(el('p', 'import-warning', m.willBeRejected))
        if (!dry && r.stored) out.push(el('p', 'import-note', m.mapRefreshed))
        // The notes in the page's language by their code; the server's English text for a code the page does not know.
        const notes = r.notes?.map((n) => m.notes[n.code]?.(n.params) ?? null)
        if (notes && notes.every((n) => n !== null)) for (const n of notes) out.push(el('p', 'import-note import-outcome', n))
        else if (r.note) out.push(el('p', 'import-note import-outcome', r.note))
        if (r.repairs && r.repairs.length > 0) out.push(this.repairList(r.repairs))
        out.push(...this.errorTable(r.errors))
        return out
      }
    }
  }

  private lang(): 'zh' | 'en' {
    return this.messages.locale === 'en' ? 'en' : 'zh'
  }

  /** The polygons repaired: row, fault and where, change of area. */
  private repairList(repairs: NonNullable<ImportReport['repairs']>): HTMLElement {
    const t = REPAIR_TEXTS[this.lang()]
    const list = el('ul', 'import-repairs')
    for (const r of repairs) {
      const item = el(
        'li',
        'import-repair-item',
        t.item(r.row, this.lang() === 'zh' ? (POLYGON_FAULTS_ZH[r.reason] ?? r.reason) : r.reason, r.location, r.areaChangePct),
      )
      item.dataset.row = String(r.row)
      item.dataset.areaChangePct = String(r.areaChangePct)
      list.append(item)
    }
    const wrap = el('div', 'import-repairs-wrap')
    wrap.append(el('h4', undefined, t.heading(repairs.length)), list)
    return wrap
  }

  /** The first MAX_SHOWN_ERRORS row errors as a table, and how many more there are. */
  private errorTable(errors: readonly ImportRowError[]): HTMLElement[] {
    const m = this.messages.importer
    if (errors.length === 0) return [el('p', 'import-no-errors', m.noErrors)]
    const table = el('table', 'import-errors')
    const head = el('tr')
    for (const text of [m.columns.row, m.columns.line, m.columns.column, m.columns.value, m.columns.reason]) head.append(el('th', undefined, text))
    table.append(el('caption', undefined, m.errorsTitle))
    table.createTHead().append(head)
    const body = table.createTBody()
    for (const e of errors.slice(0, MAX_SHOWN_ERRORS)) {
      const row = el('tr')
      row.dataset.row = String(e.row)
      const shown = (text: unknown) => (text === undefined || text === null ? '' : typeof text === 'object' ? JSON.stringify(text) : String(text))
      row.append(el('td', 'import-error-row', shown(e.row)), el('td', 'import-error-line', shown(e.line)))
      // The column and the value as the file wrote them; the reason by its code in the page's language, else the server's text.
      const column = el('td', 'import-error-column')
      if (e.column !== undefined) column.append(userText(e.column))
      const value = el('td', 'import-error-value')
      if (e.value !== undefined && e.value !== null) value.append(userText(shown(e.value)))
      const reason = el('td', 'import-error-reason')
      const worded = problemNodes(this.lang(), e.code, e.params)
      if (worded) reason.append(...worded)
      else reason.textContent = e.reason
      if (e.code) reason.dataset.code = e.code
      row.append(column, value, reason)
      body.append(row)
    }
    const rest = errors.length - MAX_SHOWN_ERRORS
    return rest > 0 ? [table, el('p', 'import-more-errors', m.moreErrors(rest))] : [table]
  }
}

/** Sets a select's options, keeping its value when still offered. */
function fillSelect(select: HTMLSelectElement, options: ReadonlyArray<readonly [string, string]>): void {
  const value = select.value
  select.replaceChildren(
    ...options.map(([v, text]) => {
      const option = el('option', undefined, text)
      option.value = v
      return option
    }),
  )
  if (options.some(([v]) => v === value)) select.value = value
}

const REPAIR_TEXTS = {
  zh: {
    label: '修复无效多边形',
    title: '自相交、蝴蝶结等无效边界自动修复（保留面部分）；面积变化超过允许比例（默认 1%）的行仍被拒绝',
    heading: (n: number) => `已修复 ${n} 个多边形`,
    item: (row: number, reason: string, at: [number, number] | null, pct: number) =>
      `第 ${row} 行：${reason}${at ? `（${at[0]}, ${at[1]}）` : ''}，面积变化 ${pct}%`,
  },
  en: {
    label: 'Repair invalid polygons',
    title:
      'Self-intersecting rings, bow-ties and the like are repaired with ST_MakeValid (polygonal parts kept); a row whose area would change by more than the allowed share (1 % by default) is still refused',
    heading: (n: number) => `${n} polygon(s) repaired`,
    item: (row: number, reason: string, at: [number, number] | null, pct: number) =>
      `row ${row}: ${reason}${at ? ` at (${at[0]}, ${at[1]})` : ''}, area changed by ${pct} %`,
  },
}
