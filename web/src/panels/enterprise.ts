import { fetchEnterprise, isAbortError } from '../api/client'
import type { EnterpriseDetail } from '../api/types'
import type { Messages } from '../i18n'
import { LEVEL_COLORS, LEVEL_TEXT_COLORS, isLevel } from '../map/levels'
import { el } from '../ui/dom'

export interface EnterprisePanelOptions {
  /** Called when the panel closes (button, Escape, or `close()`), e.g. to clear the map selection. */
  onClose?: () => void
  /** Called with a failed load; the panel itself then closes. */
  onError?: (error: unknown) => void
}

type PanelState =
  | { kind: 'closed' }
  | { kind: 'loading'; id: number }
  | { kind: 'shown'; enterprise: EnterpriseDetail }

/**
 * The side panel describing one enterprise, fetched from `/api/enterprises/:id`. Opening another
 * enterprise aborts the load of the previous one.
 */
export class EnterprisePanel {
  private readonly root: HTMLElement
  private readonly options: EnterprisePanelOptions
  private messages: Messages
  private state: PanelState = { kind: 'closed' }
  private loading: AbortController | null = null

  constructor(root: HTMLElement, messages: Messages, options: EnterprisePanelOptions = {}) {
    this.root = root
    this.messages = messages
    this.options = options
    document.addEventListener('keydown', this.onKeyDown)
    this.render()
  }

  /** The id of the enterprise shown or loading, or null when closed. */
  get enterpriseId(): number | null {
    if (this.state.kind === 'loading') return this.state.id
    if (this.state.kind === 'shown') return this.state.enterprise.id
    return null
  }

  setMessages(messages: Messages): void {
    this.messages = messages
    this.render()
  }

  /** Opens the panel on an enterprise; resolves once it is shown (or failed, or was superseded). */
  async open(id: number): Promise<void> {
    this.loading?.abort()
    const controller = new AbortController()
    this.loading = controller
    this.state = { kind: 'loading', id }
    this.render()
    try {
      const feature = await fetchEnterprise(id, controller.signal)
      if (controller.signal.aborted) return
      this.state = { kind: 'shown', enterprise: feature.properties }
      this.render()
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      this.close()
      this.options.onError?.(err)
    } finally {
      if (this.loading === controller) this.loading = null
    }
  }

  close(): void {
    this.loading?.abort()
    this.loading = null
    const wasOpen = this.state.kind !== 'closed'
    this.state = { kind: 'closed' }
    this.render()
    if (wasOpen) this.options.onClose?.()
  }

  destroy(): void {
    document.removeEventListener('keydown', this.onKeyDown)
    this.close()
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.state.kind !== 'closed') this.close()
  }

  private render(): void {
    const m = this.messages
    const state = this.state
    this.root.hidden = state.kind === 'closed'
    if (state.kind === 'closed') {
      this.root.replaceChildren()
      delete this.root.dataset.enterpriseId
      return
    }
    const close = el('button', 'panel-close', '×')
    close.type = 'button'
    close.title = m.panel.close
    close.setAttribute('aria-label', m.panel.close)
    close.addEventListener('click', () => this.close())

    if (state.kind === 'loading') {
      this.root.dataset.enterpriseId = String(state.id)
      this.root.setAttribute('aria-busy', 'true')
      this.root.replaceChildren(close, el('p', 'panel-loading', m.panel.loading))
      return
    }
    const e = state.enterprise
    this.root.dataset.enterpriseId = String(e.id)
    this.root.removeAttribute('aria-busy')
    const header = el('div', 'panel-header')
    header.append(el('h2', 'panel-title', e.name), close)
    const badges = el('div', 'panel-badges')
    badges.append(levelChip(m, e.level))
    if (e.synthetic) badges.append(el('span', 'demo-badge', m.demoData))
    this.root.replaceChildren(header, badges, this.details(e))
  }

  private details(e: EnterpriseDetail): HTMLElement {
    const m = this.messages
    const none = m.panel.none
    const industry = m.industries[e.industry] ?? e.industry
    const rows: Array<[string, string | Node]> = [
      [m.panel.uscc, code(e.uscc)],
      [m.panel.industry, e.highHazard ? `${industry} · ${m.panel.highHazard}` : industry],
      [m.panel.inherentLevel, isLevel(e.inherentLevel) ? m.levelNames[e.inherentLevel] : String(e.inherentLevel)],
      [m.panel.division, e.divisionName ? `${e.divisionName} (${e.divisionCode})` : e.divisionCode],
      [m.panel.grid, e.mgmtGridName ?? none],
      [m.panel.tier, e.tier ? m.tiers[e.tier] ?? e.tier : none],
      [m.panel.industryDepartment, e.industryDepartment ?? none],
      [m.panel.specialistDepartments, e.specialistDepartments?.length ? e.specialistDepartments.join('、') : none],
      [m.panel.responsiblePerson, [e.responsiblePerson, e.responsiblePhone].filter(Boolean).join(' · ') || none],
      [m.panel.address, e.address ?? none],
      [m.panel.scale, m.scales[e.scale] ?? e.scale],
      [m.panel.credit, m.creditStatuses[e.creditStatus] ?? e.creditStatus],
      [m.panel.lastReported, e.lastReportedAt ?? none],
    ]
    const list = el('dl', 'panel-details')
    for (const [term, value] of rows) {
      list.append(el('dt', undefined, term))
      const dd = el('dd')
      dd.append(value)
      list.append(dd)
    }

    const counts = el('ul', 'panel-counts')
    for (const [term, value, alert] of [
      [m.panel.majorHazards, e.majorHazards, false],
      [m.panel.safetyRisks, e.safetyRisks, false],
      [m.panel.openHiddenDangers, e.openHiddenDangers, e.openHiddenDangers > 0],
    ] as const) {
      const item = el('li', alert ? 'panel-count panel-count-alert' : 'panel-count')
      item.append(el('strong', 'panel-count-value', String(value ?? 0)), el('span', 'panel-count-label', term))
      counts.append(item)
    }
    const section = el('div', 'panel-body')
    section.append(list, el('h3', 'panel-subtitle', m.panel.counts), counts)
    return section
  }
}

/** A code shown as one unbroken monospace run. */
function code(text: string): HTMLElement {
  return el('code', 'panel-code', text)
}

/** The enterprise's level as a chip in the level's colour. */
function levelChip(m: Messages, level: number): HTMLElement {
  const chip = el('span', 'level-chip')
  if (!isLevel(level)) {
    chip.textContent = `${m.panel.level}: ${level}`
    return chip
  }
  chip.dataset.level = String(level)
  chip.style.backgroundColor = LEVEL_COLORS[level]
  chip.style.color = LEVEL_TEXT_COLORS[level]
  chip.textContent = `${m.panel.level}: ${m.levelNames[level]}`
  return chip
}
