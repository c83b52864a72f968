import { apiUrl, getJson, isAbortError } from '../api/client'
import { DATA_GAP_KINDS, type DataGapKind, type QualityReport } from '../api/contract'
import { el } from '../ui/dom'
import { enterpriseMapUrl, labelled, pager, COVERAGE_PAGE_SIZE } from './coverage'
import type { QualityMessages, SupervisionMessages } from './messages'

// The data-quality tab (server/modules/supervision/data-quality.ts): what each enterprise's register
// entry lacks — industry, scale, affiliation, a determined tier, a precise location, a responsible
// person — counted per county and per gap, the paged list, and the whole list as CSV.

export class QualityView {
  private report: QualityReport | null = null
  private error: string | null = null
  private loading: AbortController | null = null
  private gap: DataGapKind | '' = ''
  private offset = 0

  constructor(
    private readonly root: HTMLElement,
    private texts: QualityMessages,
    private messages: SupervisionMessages,
    private locale: string,
  ) {}

  setTexts(texts: QualityMessages, messages: SupervisionMessages, locale: string): void {
    this.texts = texts
    this.messages = messages
    this.locale = locale
    this.render()
  }

  async load(): Promise<void> {
    this.loading?.abort()
    const controller = new AbortController()
    this.loading = controller
    this.root.dataset.state = 'loading'
    this.render()
    try {
      this.report = await getJson<QualityReport>(
        '/api/supervision/data-quality',
        { gap: this.gap || undefined, limit: COVERAGE_PAGE_SIZE, offset: this.offset },
        controller.signal,
      )
      this.error = null
      this.root.dataset.state = 'ready'
    } catch (err) {
      if (isAbortError(err)) return
      this.error = err instanceof Error ? err.message : String(err)
      this.root.dataset.state = 'error'
    }
    this.render()
  }

  private render(): void {
    const t = this.texts
    const gap = el('select', 'quality-gap')
    gap.append(new Option(t.allGaps, ''))
    for (const kind of DATA_GAP_KINDS) gap.append(new Option(t.gapNames[kind], kind))
    gap.value = this.gap
    gap.addEventListener('change', () => {
      this.gap = gap.value as DataGapKind | ''
      this.offset = 0
      void this.load()
    })
    const download = el('a', 'quality-download', t.download)
    download.href = apiUrl('/api/supervision/data-quality.csv', { gap: this.gap || undefined })
    download.setAttribute('download', 'data-quality.csv')
    const bar = el('div', 'sv-filters')
    bar.append(labelled(t.gap, gap), download)
    this.root.replaceChildren(el('h2', 'sv-heading', t.title), el('p', 'sv-intro', t.intro), bar)
    if (this.error !== null) {
      const alert = el('p', 'sv-load-error', this.messages.loadFailed(t.title, this.error))
      alert.setAttribute('role', 'alert')
      this.root.append(alert)
      return
    }
    const r = this.report
    if (!r) {
      this.root.append(el('p', 'sv-loading', this.messages.loading))
      return
    }
    const summary = el('p', 'sv-summary', t.summary(r.enterprises, r.withGaps))
    Object.assign(summary.dataset, { enterprises: String(r.enterprises), withGaps: String(r.withGaps) })
    this.root.append(summary, this.divisionTable(r), this.items(r))
  }

  private divisionTable(r: QualityReport): HTMLElement {
    const t = this.texts
    const table = el('table', 'sv-table quality-divisions')
    const head = el('tr')
    for (const text of [t.code, t.county, t.enterprises, t.withGaps, ...DATA_GAP_KINDS.map((k) => t.gapNames[k])]) head.append(el('th', undefined, text))
    table.createTHead().append(head)
    const body = table.createTBody()
    const n = (v: number) => v.toLocaleString(this.locale)
    for (const d of r.byDivision) {
      const tr = el('tr')
      tr.dataset.code = d.code
      tr.append(el('td', undefined, d.code), el('td', undefined, d.name ?? ''), el('td', undefined, n(d.enterprises)), el('td', undefined, n(d.withGaps)))
      for (const k of DATA_GAP_KINDS) {
        const td = el('td', undefined, n(d.gaps[k]))
        td.dataset.gap = k
        td.dataset.value = String(d.gaps[k])
        tr.append(td)
      }
      body.append(tr)
    }
    const total = el('tr', 'sv-total')
    total.append(el('td', undefined, t.total), el('td'), el('td', undefined, n(r.enterprises)), el('td', undefined, n(r.withGaps)))
    for (const k of DATA_GAP_KINDS) {
      const td = el('td', undefined, n(r.byGap[k]))
      td.dataset.gap = k
      td.dataset.value = String(r.byGap[k])
      total.append(td)
    }
    table.createTFoot().append(total)
    return table
  }

  private items(r: QualityReport): HTMLElement {
    const t = this.texts
    const wrap = el('div', 'quality-items')
    if (r.total === 0) {
      wrap.append(el('p', 'sv-empty', t.none))
      return wrap
    }
    const table = el('table', 'sv-table quality-list')
    const head = el('tr')
    for (const text of [t.enterprise, t.division, t.industrySource, t.gaps]) head.append(el('th', undefined, text))
    table.createTHead().append(head)
    const body = table.createTBody()
    for (const item of r.items) {
      const tr = el('tr')
      tr.dataset.enterpriseId = String(item.id)
      const name = el('td')
      const link = el('a', 'sv-map-link', item.name)
      link.href = enterpriseMapUrl(item.id)
      name.append(link, el('div', 'sv-code', item.uscc ?? item.externalId ?? ''))
      const gaps = el('ul', 'sv-gaps')
      for (const g of item.gaps) {
        const chip = el('li', 'sv-gap', t.gapNames[g.kind])
        chip.dataset.kind = g.kind
        if (!this.locale.startsWith('zh')) chip.title = g.message // the server's sentence is English; the chip says it in Chinese
        gaps.append(chip)
      }
      const gapCell = el('td')
      gapCell.append(gaps)
      const industry = el('td', undefined, item.industrySource ?? '')
      industry.translate = false // the register's own words
      tr.append(name, el('td', undefined, item.divisionCode), industry, gapCell)
      body.append(tr)
    }
    wrap.append(
      table,
      pager(this.messages, r.offset, r.items.length, r.total, (offset) => {
        this.offset = offset
        void this.load()
      }),
    )
    return wrap
  }
}
