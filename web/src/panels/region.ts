import { fetchChanges, fetchRegion, isAbortError } from '../api/client'
import type { LevelChange, RegionDetail, RegionTopSource } from '../api/contract'
import type { Messages } from '../i18n'
import { el } from '../ui/dom'
import { daysBefore, formatAreaKm2, formatInstant, localDate } from '../ui/format'
import { shareChart } from '../ui/share-chart'
import { REGION_REPORT_MESSAGES } from '../region-report/messages'
import { sourceSelection } from './cell'
import { causeText } from './cause'
import { code, detailsList, emptyNote, levelChip, levelDot, levelTag, linkButton, meta, staleBadge, subtitle } from './parts'
import type { PanelDeps, PanelFocus, PanelView } from './view'

/** The changes list starts this many days back. */
export const DEFAULT_CHANGES_DAYS = 30
/** Changed cells listed; the rest are counted. */
const CHANGES_SHOWN = 15

type ChangesState = { kind: 'loading' } | { kind: 'shown'; items: LevelChange[] } | { kind: 'failed' }

/**
 * A division unit or a management grid, from `/api/regions/{code}`: its level, the share of its
 * area at each level, the sources behind its level, and the cells that changed level since a date.
 */
export class RegionView implements PanelView {
  readonly errorContext = 'loadRegion' as const
  private region: RegionDetail | null = null
  private since: string
  private changes: ChangesState = { kind: 'loading' }
  private changesLoad: AbortController | null = null
  /** The part of the panel showing the changes, updated in place so the date input keeps focus. */
  private changesResult: { element: HTMLElement; messages: Messages } | null = null

  constructor(
    readonly code: string,
    private readonly deps: PanelDeps,
    now: Date = new Date(),
  ) {
    this.since = daysBefore(now, DEFAULT_CHANGES_DAYS)
  }

  async load(signal: AbortSignal): Promise<void> {
    this.region = await fetchRegion(this.code, signal)
    void this.loadChanges()
  }

  dispose(): void {
    this.changesLoad?.abort()
  }

  kindLabel(m: Messages): string {
    if (!this.region) return m.region.kinds.division
    return m.region.ranks[this.region.rank] ?? m.region.kinds[this.region.kind]
  }

  title(m: Messages): string {
    if (!this.region) return m.region.loading
    return m.locale === 'en' && this.region.nameEn ? this.region.nameEn : this.region.name
  }

  focus(): PanelFocus | null {
    if (!this.region) return null
    return { highlight: { regionCode: this.region.code }, target: { bbox: this.region.bbox } }
  }

  body(m: Messages): Node[] {
    const region = this.region!
    const badges = el('div', 'panel-badges')
    badges.append(levelChip(m, region.level))
    // The grade comes from the area shares; the highest cell level (就高) stands beside it.
    const highest = el('span', 'region-highest')
    highest.append(`${m.region.highestLevel}: `, levelTag(m, region.highestLevel))
    badges.append(highest)
    if (region.stale) badges.append(staleBadge(m))
    badges.append(code(region.code))
    const zoom = linkButton(m.region.zoomTo, () => this.deps.showOnMap({ bbox: region.bbox }), 'panel-link panel-zoom')

    const facts = detailsList([
      [m.region.area, formatAreaKm2(m, region.areaKm2)],
      [m.region.updatedAt, region.updatedAt ? formatInstant(region.updatedAt) : null],
    ])
    // The printable report opens in a new tab: the map keeps its state.
    const report = el('a', 'panel-link panel-report', REGION_REPORT_MESSAGES[m.locale].print)
    report.href = `/report.html?region=${encodeURIComponent(region.code)}`
    report.target = '_blank'
    report.rel = 'noopener'
    report.style.cssText = 'margin-left: 14px; font-size: 12px'
    const rule = el('p', 'region-rule', m.locale === 'zh-CN' ? region.explanationZh : region.explanation)
    const nodes: Node[] = [badges, rule, facts, zoom, report, subtitle(m.region.shares), shareChart(m, region.shares)]

    nodes.push(subtitle(m.region.topSources))
    if (region.topSources.length) {
      const list = el('ul', 'panel-list top-source-list')
      for (const s of region.topSources) list.append(this.topSourceItem(m, s))
      nodes.push(list)
    } else {
      nodes.push(emptyNote(m.region.noTopSources))
    }

    nodes.push(subtitle(m.region.changes), this.changesSection(m))
    return nodes
  }

  private topSourceItem(m: Messages, s: RegionTopSource): HTMLElement {
    const item = el('li', 'source-item')
    item.dataset.kind = s.kind
    item.dataset.id = String(s.id)
    const head = el('div', 'item-head')
    const link = linkButton(s.name, () => this.deps.navigate(sourceSelection(s)))
    link.classList.add('source-link')
    head.append(levelDot(m, s.level), el('span', 'item-kind', m.sourceKinds[s.kind] ?? s.kind), link)
    item.append(head)
    const extra = el('div', 'item-extra')
    extra.append(meta(m.region.sourceCells(s.cells)))
    if (s.enterprise && s.kind !== 'enterprise') {
      const enterprise = s.enterprise
      extra.append(linkButton(enterprise.name, () => this.deps.navigate({ kind: 'enterprise', id: enterprise.id }), 'panel-link panel-link-muted'))
    }
    item.append(extra)
    return item
  }

  private changesSection(m: Messages): HTMLElement {
    const section = el('div', 'changes')
    const label = el('label', 'changes-since')
    const input = el('input', 'changes-date')
    input.type = 'date'
    input.value = this.since
    input.max = localDate(new Date())
    input.addEventListener('change', () => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.value) || input.value === this.since) return
      this.since = input.value
      void this.loadChanges()
    })
    label.append(el('span', undefined, m.region.since), input)
    const result = el('div', 'changes-result')
    this.changesResult = { element: result, messages: m }
    this.renderChanges()
    section.append(label, result)
    return section
  }

  private renderChanges(): void {
    if (!this.changesResult) return
    const { element, messages: m } = this.changesResult
    const changes = this.changes
    element.dataset.state = changes.kind
    delete element.dataset.count
    if (changes.kind === 'loading') {
      element.replaceChildren(el('p', 'panel-loading', m.region.changesLoading))
      return
    }
    if (changes.kind === 'failed') {
      element.replaceChildren()
      return
    }
    element.dataset.count = String(changes.items.length)
    if (changes.items.length === 0) {
      element.replaceChildren(emptyNote(m.region.noChanges))
      return
    }
    const raised = changes.items.filter((c) => c.after > c.before).length
    const lowered = changes.items.filter((c) => c.after < c.before).length
    const list = el('ul', 'panel-list change-list')
    for (const change of changes.items.slice(0, CHANGES_SHOWN)) list.append(this.changeItem(m, change))
    element.replaceChildren(el('p', 'changes-summary', m.region.changesSummary(changes.items.length, raised, lowered)), list)
    if (changes.items.length > CHANGES_SHOWN) element.append(emptyNote(m.region.more(changes.items.length - CHANGES_SHOWN)))
  }

  private changeItem(m: Messages, change: LevelChange): HTMLElement {
    const item = el('li', 'change-item')
    item.dataset.h3 = change.h3
    const link = linkButton(change.h3, () => this.deps.navigate({ kind: 'cell', h3: change.h3 }), 'panel-link panel-code')
    item.append(link, ' ', levelTag(m, change.before), ' → ', levelTag(m, change.after))
    if (change.afterStale) item.append(' ', staleBadge(m))
    const extra = el('div', 'item-extra')
    extra.append(meta(formatInstant(change.changedAt)))
    const cause = causeText(m, change.cause)
    if (cause) extra.append(meta(cause))
    item.append(extra)
    return item
  }

  private async loadChanges(): Promise<void> {
    this.changesLoad?.abort()
    const controller = new AbortController()
    this.changesLoad = controller
    this.changes = { kind: 'loading' }
    this.renderChanges()
    try {
      const response = await fetchChanges(this.since, this.code, controller.signal)
      if (controller.signal.aborted) return
      this.changes = { kind: 'shown', items: response.items }
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      this.changes = { kind: 'failed' }
      this.deps.reportError('loadChanges', err)
    } finally {
      if (this.changesLoad === controller) this.changesLoad = null
    }
    this.renderChanges()
  }
}
