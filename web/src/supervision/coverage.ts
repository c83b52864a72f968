import { isAbortError } from '../api/client'
import type { Messages } from '../i18n'
import { formatSelection } from '../state/selection'
import { SELECTION_PARAM } from '../state/url'
import { el } from '../ui/dom'
import { COVERAGE_GAP_KINDS, fetchCoverage, type CoverageDivision, type CoverageGap, type CoverageGapKind, type CoverageItem, type CoverageReport } from './api'
import { QUALITY_MESSAGES, type SupervisionMessages } from './messages'
import { nextSort, sortDivisions, type DivisionColumn, type DivisionSort } from './sort'

/** Enterprises with gaps per page of the list. */
export const COVERAGE_PAGE_SIZE = 50

/** What the coverage tab shows: a division prefix and a kind of gap to filter by (empty: all), and the page. */
export interface CoverageFilter {
  division: string
  gap: CoverageGapKind | ''
  offset: number
}

/** The staff map's URL selecting an enterprise (see state/url.ts). */
export function enterpriseMapUrl(id: number): string {
  return `/#${SELECTION_PARAM}=${formatSelection({ kind: 'enterprise', id })}`
}

/**
 * The coverage (全覆盖) report: counts per county in a sortable table, a division and a gap filter,
 * and the paged list of enterprises with their gaps, each linking to the map.
 */
export class CoverageView {
  private messages: SupervisionMessages
  private common: Messages
  private report: CoverageReport | null = null
  /** Counties of the whole city (from an unfiltered report), for the division filter. */
  private counties: Array<Pick<CoverageDivision, 'code' | 'name'>> = []
  private sort: DivisionSort = { column: 'code', descending: false }
  private error: string | null = null
  private loading: AbortController | null = null

  constructor(
    private readonly root: HTMLElement,
    messages: SupervisionMessages,
    common: Messages,
    private filter: CoverageFilter,
    private readonly onFilterChange: (filter: CoverageFilter) => void,
  ) {
    this.messages = messages
    this.common = common
  }

  setMessages(messages: SupervisionMessages, common: Messages): void {
    this.messages = messages
    this.common = common
    this.render()
  }

  /** Loads the report for the current filter (and, once, the list of counties). */
  async load(): Promise<void> {
    this.loading?.abort()
    const controller = new AbortController()
    this.loading = controller
    this.root.dataset.state = 'loading'
    this.error = null
    this.render()
    try {
      const { division, gap, offset } = this.filter
      const [report, whole] = await Promise.all([
        fetchCoverage({ division: division || undefined, gap: gap || undefined, limit: COVERAGE_PAGE_SIZE, offset }, controller.signal),
        this.counties.length === 0 && division ? fetchCoverage({ limit: 1, offset: 0 }, controller.signal) : Promise.resolve(null),
      ])
      if (!division) this.counties = report.byDivision.map(({ code, name }) => ({ code, name }))
      else if (whole) this.counties = whole.byDivision.map(({ code, name }) => ({ code, name }))
      this.report = report
      this.root.dataset.state = 'ready'
    } catch (err) {
      if (isAbortError(err)) return
      this.error = err instanceof Error ? err.message : String(err)
      this.root.dataset.state = 'error'
    } finally {
      if (this.loading === controller) this.loading = null
    }
    this.render()
  }

  private setFilter(change: Partial<CoverageFilter>): void {
    this.filter = { ...this.filter, offset: 0, ...change }
    this.onFilterChange(this.filter)
    void this.load()
  }

  private render(): void {
    const m = this.messages.coverage
    // Undetermined tiers and unknown industries come from incomplete register entries: link their report.
    const quality = el('a', 'coverage-quality-link', QUALITY_MESSAGES[this.common.locale].link)
    quality.href = '#tab=quality'
    this.root.replaceChildren(el('h2', 'sv-heading', m.title), el('p', 'sv-intro', m.intro), quality, this.renderFilters())
    if (this.error !== null) {
      const alert = el('p', 'sv-load-error', this.messages.loadFailed(m.title, this.error))
      alert.setAttribute('role', 'alert')
      this.root.append(alert)
      return
    }
    const report = this.report
    if (!report) {
      this.root.append(el('p', 'sv-loading', this.messages.loading))
      return
    }
    const summary = el('p', 'sv-summary', m.summary(report.enterprises, report.withGaps, report.excluded))
    Object.assign(summary.dataset, { enterprises: String(report.enterprises), withGaps: String(report.withGaps), excluded: String(report.excluded) })
    this.root.append(
      summary,
      el('h3', 'sv-subheading', m.byDivisionTitle),
      this.renderDivisionTable(report),
      el('h3', 'sv-subheading', m.itemsTitle),
      this.renderItems(report),
    )
  }

  private renderFilters(): HTMLElement {
    const m = this.messages.coverage
    const bar = el('div', 'sv-filters')
    const division = el('select', 'coverage-division')
    division.name = 'division'
    division.append(new Option(m.allDivisions, ''))
    for (const county of this.counties) division.append(new Option(county.name ? `${county.name}（${county.code}）` : county.code, county.code))
    // A filter from the URL that is not a county (a township prefix) still shows as chosen.
    if (this.filter.division && !this.counties.some((c) => c.code === this.filter.division))
      division.append(new Option(this.filter.division, this.filter.division))
    division.value = this.filter.division
    division.addEventListener('change', () => this.setFilter({ division: division.value }))

    const gap = el('select', 'coverage-gap')
    gap.name = 'gap'
    gap.append(new Option(m.allGaps, ''))
    for (const kind of COVERAGE_GAP_KINDS) gap.append(new Option(m.gapNames[kind], kind))
    gap.value = this.filter.gap
    gap.addEventListener('change', () => this.setFilter({ gap: gap.value as CoverageGapKind | '' }))

    bar.append(labelled(m.division, division), labelled(m.gap, gap))
    return bar
  }

  private renderDivisionTable(report: CoverageReport): HTMLElement {
    const m = this.messages.coverage
    const columns: Array<[DivisionColumn, string]> = [
      ['code', m.columns.code],
      ['name', m.columns.name],
      ['enterprises', m.columns.enterprises],
      ['withGaps', m.columns.withGaps],
      ...COVERAGE_GAP_KINDS.map((k): [DivisionColumn, string] => [k, m.gapColumns[k]]),
    ]
    const table = el('table', 'sv-table coverage-divisions')
    const head = el('tr')
    for (const [column, label] of columns) {
      const th = el('th')
      th.scope = 'col'
      th.dataset.column = column
      const sorted = this.sort.column === column
      th.setAttribute('aria-sort', sorted ? (this.sort.descending ? 'descending' : 'ascending') : 'none')
      const button = el('button', 'sv-sort', label + (sorted ? (this.sort.descending ? ' ▼' : ' ▲') : ''))
      button.type = 'button'
      button.title = m.sortBy(label)
      button.addEventListener('click', () => {
        this.sort = nextSort(this.sort, column)
        this.render()
      })
      th.append(button)
      head.append(th)
    }
    table.createTHead().append(head)
    const body = table.createTBody()
    /** A table cell: counts written the language's way, their value in data-value. */
    const cell = (column: DivisionColumn, value: string | number) => {
      const td = el('td', undefined, typeof value === 'number' ? value.toLocaleString(this.common.locale) : value)
      td.dataset.column = column
      if (typeof value === 'number') td.dataset.value = String(value)
      return td
    }
    for (const row of sortDivisions(report.byDivision, this.sort, this.common.locale)) {
      const tr = el('tr')
      tr.dataset.code = row.code
      const values: Record<DivisionColumn, string | number> = {
        code: row.code,
        name: row.name ?? '',
        enterprises: row.enterprises,
        withGaps: row.withGaps,
        ...row.gaps,
      }
      for (const [column] of columns) {
        const td = cell(column, values[column])
        if (column === 'code' || column === 'name') {
          // A click on a county filters by it.
          td.classList.add('sv-clickable')
          td.addEventListener('click', () => this.setFilter({ division: row.code }))
        }
        tr.append(td)
      }
      body.append(tr)
    }
    const total = el('tr', 'sv-total')
    const totals: Record<DivisionColumn, string | number> = {
      code: m.total,
      name: '',
      enterprises: report.enterprises,
      withGaps: report.withGaps,
      ...report.byGap,
    }
    for (const [column] of columns) total.append(cell(column, totals[column]))
    table.createTFoot().append(total)
    return table
  }

  private renderItems(report: CoverageReport): HTMLElement {
    const m = this.messages.coverage
    const wrap = el('div', 'coverage-items')
    if (report.total === 0) {
      wrap.append(el('p', 'sv-empty', m.noItems))
      return wrap
    }
    const table = el('table', 'sv-table coverage-list')
    const head = el('tr')
    for (const label of [m.itemColumns.enterprise, m.itemColumns.division, m.itemColumns.industry, m.itemColumns.tier, m.itemColumns.gaps]) {
      const th = el('th', undefined, label)
      th.scope = 'col'
      head.append(th)
    }
    table.createTHead().append(head)
    const body = table.createTBody()
    for (const item of report.items) body.append(this.renderItem(item))
    wrap.append(
      table,
      pager(this.messages, report.offset, report.items.length, report.total, (offset) => this.setFilter({ offset })),
    )
    return wrap
  }

  private renderItem(item: CoverageItem): HTMLElement {
    const m = this.messages.coverage
    const tr = el('tr')
    tr.dataset.enterpriseId = String(item.id)
    const name = el('td', 'coverage-enterprise')
    const link = el('a', 'sv-map-link', item.name)
    link.href = enterpriseMapUrl(item.id)
    link.title = this.messages.openOnMap
    name.append(link, el('div', 'sv-code', item.uscc ?? item.externalId ?? ''))
    const gaps = el('ul', 'sv-gaps')
    for (const gap of item.gaps) gaps.append(this.renderGap(gap))
    const gapCell = el('td')
    gapCell.append(gaps)
    tr.append(
      name,
      el('td', undefined, item.divisionCode),
      el('td', undefined, item.industry === null ? '' : (this.common.industries[item.industry] ?? item.industry)),
      el('td', undefined, item.tier ? this.common.tiers[item.tier] : m.noTier),
      gapCell,
    )
    return tr
  }

  private renderGap(gap: CoverageGap): HTMLElement {
    const m = this.messages.coverage
    const text =
      gap.kind === 'specialist_department' && gap.specialty ? m.missingSpecialty(m.specialties[gap.specialty] ?? gap.specialty) : m.gapNames[gap.kind]
    const chip = el('li', 'sv-gap', text)
    chip.dataset.kind = gap.kind
    if (gap.specialty) chip.dataset.specialty = gap.specialty
    if (this.common.locale === 'en') chip.title = gap.message // the server's sentence is English; the chip says it in Chinese
    return chip
  }
}

/** A label around a control, with its text before it. */
export function labelled(text: string, control: HTMLElement, className = 'sv-label'): HTMLLabelElement {
  const label = el('label', className)
  label.append(el('span', 'sv-label-text', text), control)
  return label
}

/** Previous / next buttons and the position, for a list of `total` shown from `offset`. */
export function pager(
  messages: SupervisionMessages,
  offset: number,
  shown: number,
  total: number,
  go: (offset: number) => void,
  pageSize = COVERAGE_PAGE_SIZE,
): HTMLElement {
  const bar = el('div', 'sv-pager')
  const previous = el('button', 'sv-previous', messages.previous)
  previous.type = 'button'
  previous.disabled = offset === 0
  previous.addEventListener('click', () => go(Math.max(0, offset - pageSize)))
  const next = el('button', 'sv-next', messages.next)
  next.type = 'button'
  next.disabled = offset + shown >= total
  next.addEventListener('click', () => go(offset + pageSize))
  const range = el('span', 'sv-range', messages.range(shown === 0 ? 0 : offset + 1, offset + shown, total))
  range.dataset.total = String(total)
  bar.append(previous, range, next)
  return bar
}
