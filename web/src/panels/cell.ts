import { fetchCell } from '../api/client'
import type { CellDetail, CellEnterprise, CellHistoryEntry, CellResource, CellSource } from '../api/contract'
import type { Messages } from '../i18n'
import type { Selection } from '../state/selection'
import { el } from '../ui/dom'
import { formatDistance, formatInstant, formatNumber } from '../ui/format'
import { causeText } from './cause'
import { code, collapsibleList, detailsList, emptyNote, levelChip, levelDot, levelTag, linkButton, meta, staleBadge, subtitle } from './parts'
import type { PanelDeps, PanelFocus, PanelView } from './view'

/** The H3 analysis resolution of the service (docs/domain.md §4.2); coarser cells summarise it. */
export const ANALYSIS_RES = 8
/** Zoom the map flies to for a cell: analysis cells are drawn from zoom 12. */
const CELL_ZOOM = 13
/** Sources listed before "show all" (a coarse cell can have hundreds). */
const SOURCES_SHOWN = 12
const ENTERPRISES_SHOWN = 8

/**
 * A short reference for a cell: the last four significant characters of its H3 index. The trailing
 * "f"s of an index are unused digits (every cell of a resolution has the same), so they are dropped.
 */
export function shortCellRef(h3: string): string {
  return h3.replace(/f+$/, '').slice(-4)
}

/** The selection a source's link opens: the record itself, or the enterprise of a baseline source. */
export function sourceSelection(source: Pick<CellSource, 'kind' | 'id'>): Selection {
  return source.kind === 'enterprise' ? { kind: 'enterprise', id: source.id } : { kind: source.kind, id: source.id }
}

/** One cell, from `/api/cells/{h3}`: its level and why, the sources behind it, what is in and near it. */
export class CellView implements PanelView {
  readonly errorContext = 'loadCell' as const
  private cell: CellDetail | null = null

  constructor(
    readonly h3: string,
    private readonly deps: PanelDeps,
  ) {}

  async load(signal: AbortSignal): Promise<void> {
    this.cell = await fetchCell(this.h3, signal)
  }

  kindLabel(m: Messages): string {
    return m.cell.title
  }

  /**
   * The township (or county) the cell lies in and a short reference, e.g. "五三街道 · 网格 a502";
   * the full H3 index is in the facts below. The reference is a code, marked translate="no".
   */
  title(m: Messages): string | Node {
    if (!this.cell) return m.cell.loading
    const { township, county } = this.cell.place
    const place = township ?? county
    const ref = el('span', 'cell-ref', shortCellRef(this.h3))
    ref.setAttribute('translate', 'no')
    const title = document.createDocumentFragment()
    title.append(m.cell.placeTitle(place ? (m.locale === 'en' && place.nameEn ? place.nameEn : place.name) : null), ref)
    return title
  }

  focus(): PanelFocus | null {
    if (!this.cell) return null
    return { highlight: { geometry: this.cell.geometry }, target: { center: this.cell.centre, zoom: Math.max(CELL_ZOOM, this.cell.res + 4) } }
  }

  body(m: Messages): Node[] {
    const cell = this.cell!
    const badges = el('div', 'panel-badges')
    badges.append(levelChip(m, cell.level))
    if (cell.stale) badges.append(staleBadge(m))

    const explanation = el('p', 'cell-explanation', m.locale === 'en' ? cell.explanation : cell.explanationZh)
    const facts = detailsList([
      [m.cell.rule, m.cell.rules[cell.rule] ?? cell.rule],
      [m.cell.region, this.regionLinks(m)],
      [m.cell.score, formatNumber(m, cell.score)],
      ['H3', this.h3Fact(m)],
    ])
    const nodes: Node[] = [badges, el('h3', 'panel-subtitle', m.cell.explanation), explanation]
    if (cell.stale) nodes.push(el('p', 'panel-note', m.cell.staleNote))
    nodes.push(facts)

    nodes.push(subtitle(m.cell.sources(cell.sources.length)))
    nodes.push(cell.sources.length ? collapsibleList(m, 'source-list', cell.sources, SOURCES_SHOWN, (s) => this.sourceItem(m, s)) : emptyNote(m.cell.noSources))

    nodes.push(subtitle(m.cell.enterprises(cell.enterprises.length)))
    nodes.push(
      cell.enterprises.length
        ? collapsibleList(m, 'enterprise-list', cell.enterprises, ENTERPRISES_SHOWN, (e) => this.enterpriseItem(m, e))
        : emptyNote(m.cell.noEnterprises),
    )

    nodes.push(subtitle(m.cell.resources))
    if (cell.resources.length) {
      const list = el('ul', 'panel-list resource-list')
      for (const r of cell.resources) list.append(this.resourceItem(m, r))
      nodes.push(list)
    } else {
      nodes.push(emptyNote(m.cell.noResources))
    }

    nodes.push(subtitle(m.cell.history))
    if (cell.history.length) {
      const list = el('ul', 'panel-list history-list')
      for (const h of cell.history) list.append(this.historyItem(m, h))
      nodes.push(list)
    } else {
      nodes.push(emptyNote(m.cell.noHistory))
    }
    return nodes
  }

  /** "和平区 › 嘉禾街道", each opening its region. */
  /** The full H3 index (a code, never translated) and what its resolution means. */
  private h3Fact(m: Messages): HTMLElement {
    const index = code(this.h3)
    index.classList.add('cell-h3')
    index.setAttribute('translate', 'no')
    const span = el('span')
    span.append(index, ' ', m.cell.resolution(this.cell!.res, this.cell!.res >= ANALYSIS_RES))
    return span
  }

  private regionLinks(m: Messages): HTMLElement | null {
    const [lon, lat] = this.cell!.centre
    const divisions = this.deps.divisionsAt(lon, lat).filter((d) => d.rank !== 'city')
    if (divisions.length === 0) return null
    const span = el('span', 'region-links')
    divisions.forEach((d, i) => {
      if (i > 0) span.append(' › ')
      const name = m.locale === 'en' && d.nameEn ? d.nameEn : d.name
      const link = linkButton(name, () => this.deps.navigate({ kind: 'region', code: d.code }))
      link.dataset.region = d.code
      span.append(link)
    })
    return span
  }

  private sourceItem(m: Messages, s: CellSource): HTMLElement {
    const item = el('li', 'source-item')
    item.dataset.kind = s.kind
    item.dataset.id = String(s.id)
    const head = el('div', 'item-head')
    const link = linkButton(s.name, () => this.deps.navigate(sourceSelection(s)))
    link.classList.add('source-link')
    head.append(levelDot(m, s.level), el('span', 'item-kind', m.sourceKinds[s.kind] ?? s.kind), link)
    if (s.stale) head.append(staleBadge(m))
    item.append(head)
    const where = s.distanceM > 0 ? formatDistance(m, s.distanceM) : null
    const radius = s.radiusM > 0 ? formatDistance(m, s.radiusM) : null
    item.append(meta(m.cell.distance(where, radius)))
    item.append(el('p', 'source-rule', m.locale === 'en' ? s.ruleText : s.ruleTextZh))
    const extra = el('div', 'item-extra')
    if (s.reportedAt) extra.append(meta(m.cell.reportedAt(s.reportedAt)))
    if (s.enterprise && s.kind !== 'enterprise') {
      const enterprise = s.enterprise
      extra.append(linkButton(enterprise.name, () => this.deps.navigate({ kind: 'enterprise', id: enterprise.id }), 'panel-link panel-link-muted'))
    }
    if (extra.childNodes.length) item.append(extra)
    return item
  }

  private enterpriseItem(m: Messages, e: CellEnterprise): HTMLElement {
    const item = el('li', 'enterprise-item')
    item.dataset.id = String(e.id)
    const head = el('div', 'item-head')
    head.append(
      levelDot(m, e.level),
      linkButton(e.name, () => this.deps.navigate({ kind: 'enterprise', id: e.id })),
    )
    if (e.overdue > 0) {
      const overdue = el('span', 'overdue-badge', m.cell.overdue(e.overdue))
      head.append(overdue)
    }
    item.append(head)
    const lines = el('div', 'item-extra')
    lines.append(code(e.uscc ?? e.externalId ?? ''))
    const inspection = e.latestInspection
    lines.append(
      meta(
        inspection
          ? m.cell.latestInspection(inspection.date, inspection.result ? (m.inspectionResults[inspection.result] ?? inspection.result) : m.panel.none)
          : m.cell.noInspection,
      ),
    )
    if (e.openViolations > 0) lines.append(el('span', 'panel-meta panel-alert', m.cell.openViolations(e.openViolations)))
    item.append(lines)
    return item
  }

  private resourceItem(m: Messages, r: CellResource): HTMLElement {
    const item = el('li', 'resource-item')
    item.dataset.id = String(r.id)
    const head = el('div', 'item-head')
    head.append(
      el('span', 'item-kind', m.resourceKinds[r.kind] ?? r.kind),
      linkButton(r.name, () => this.deps.navigate({ kind: 'resource', id: r.id })),
    )
    head.append(el('span', 'item-distance', formatDistance(m, r.distanceM)))
    item.append(head)
    const extra = el('div', 'item-extra')
    if (r.capabilities.length) extra.append(meta(r.capabilities.map((c) => m.capabilities[c] ?? c).join('、')))
    if (r.dutyPhone) extra.append(meta(`${m.cell.dutyPhone} ${r.dutyPhone}`))
    if (extra.childNodes.length) item.append(extra)
    return item
  }

  private historyItem(m: Messages, h: CellHistoryEntry): HTMLElement {
    const item = el('li', 'history-item')
    item.append(meta(formatInstant(h.changedAt)), ' ', levelTag(m, h.oldLevel), ' → ', levelTag(m, h.newLevel))
    if (h.newStale) item.append(' ', staleBadge(m))
    const cause = causeText(m, h.cause)
    if (cause) item.append(' ', meta(cause))
    return item
  }
}
