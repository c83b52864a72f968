import type { Health } from '../api/contract'
import type { Messages } from '../i18n'
import { requireElement } from './dom'

/** What the header's health indicator shows. */
export type HealthState = { kind: 'checking' } | { kind: 'ok'; health: Health } | { kind: 'error' }

/** The staff map's header: product name, demo-data badge, service health and the incident-mode button (the language switch and the staff navigation are ui/page.ts's). */
export class Header {
  private readonly title: HTMLElement
  private readonly demoBadge: HTMLElement
  private readonly healthIndicator: HTMLElement
  private readonly incidentToggle: HTMLButtonElement
  private messages: Messages
  private healthState: HealthState = { kind: 'checking' }

  constructor(root: HTMLElement, messages: Messages, onToggleIncident: () => void) {
    this.title = requireElement(root, '.app-title')
    this.demoBadge = requireElement(root, '.demo-badge')
    this.healthIndicator = requireElement(root, '.health')
    this.incidentToggle = requireElement<HTMLButtonElement>(root, '.incident-toggle')
    this.incidentToggle.addEventListener('click', onToggleIncident)
    this.messages = messages
    this.render()
  }

  setMessages(messages: Messages): void {
    this.messages = messages
    this.render()
  }

  setHealth(state: HealthState): void {
    this.healthState = state
    this.render()
  }

  /** Marks the incident-mode button as on or off. */
  setIncidentActive(active: boolean): void {
    this.incidentToggle.setAttribute('aria-pressed', String(active))
  }

  /** Shows the "demo data" badge while synthetic records are on the map. */
  setDemoData(shown: boolean): void {
    this.demoBadge.hidden = !shown
  }

  private render(): void {
    const m = this.messages
    this.title.textContent = m.productName
    this.demoBadge.textContent = m.demoData
    this.demoBadge.title = m.demoDataTitle
    this.incidentToggle.textContent = m.incident.toggle
    this.incidentToggle.title = m.incident.toggleTitle

    const state = this.healthState
    this.healthIndicator.dataset.state = state.kind
    if (state.kind === 'checking') {
      this.healthIndicator.textContent = m.health.checking
      this.healthIndicator.title = ''
    } else if (state.kind === 'error') {
      this.healthIndicator.textContent = m.health.unavailable
      this.healthIndicator.title = ''
    } else {
      const { health } = state
      const database = health.embedded ? m.health.embedded : m.health.postgres
      this.healthIndicator.textContent = m.health.summary(database, shortVersion(health.postgres), shortVersion(health.postgis))
      this.healthIndicator.title = `PostgreSQL: ${health.postgres}\nPostGIS: ${health.postgis}`
    }
  }
}

/** The leading version number of a version string: `16.4 (Debian 16.4-1)` → `16.4`, `3.5 USE_GEOS=1…` → `3.5`. */
export function shortVersion(version: string): string {
  return /\d+(\.\d+)*/.exec(version)?.[0] ?? version
}
