import { fetchEnforcement, fetchEnterprise, fetchSupervision, isAbortError } from '../api/client'
import type { EnforcementHistory, EnterpriseFeature, EnterpriseSupervision } from '../api/contract'
import type { Messages } from '../i18n'
import { el } from '../ui/dom'
import { code, detailsList, levelChip, subtitle } from './parts'
import { enforcementSection, supervisionSection } from './enforcement'
import type { PanelFocus, PanelView } from './view'

/** Zoom the map flies to for one enterprise: every enterprise is drawn from zoom 14. */
export const ENTERPRISE_ZOOM = 15
/** Latest items per enforcement list asked of the API. */
const ENFORCEMENT_LIMIT = 20

/** One enterprise, from `/api/enterprises/:id`: registration, supervision and risk summary. */
export class EnterpriseView implements PanelView {
  readonly errorContext = 'loadEnterprise' as const
  private feature: EnterpriseFeature | null = null
  /** Null when it could not be loaded (the panel still shows the enterprise). */
  private enforcement: EnforcementHistory | null = null
  private supervision: EnterpriseSupervision | null = null

  constructor(readonly id: number) {}

  async load(signal: AbortSignal): Promise<void> {
    const optional = <T>(load: Promise<T>): Promise<T | null> =>
      load.catch((err: unknown) => {
        if (isAbortError(err)) throw err
        console.warn('riskmap: enterprise enforcement or supervision failed', err)
        return null
      })
    const [feature, enforcement, supervision] = await Promise.all([
      fetchEnterprise(this.id, signal),
      optional(fetchEnforcement(this.id, ENFORCEMENT_LIMIT, signal)),
      optional(fetchSupervision(this.id, signal)),
    ])
    this.feature = feature
    this.enforcement = enforcement
    this.supervision = supervision
  }

  kindLabel(m: Messages): string {
    return m.records.titles.enterprise
  }

  title(m: Messages): string {
    return this.feature?.properties.name ?? m.panel.loading
  }

  focus(): PanelFocus | null {
    if (!this.feature) return null
    const [lon, lat] = this.feature.geometry.coordinates as [number, number]
    return { highlight: { geometry: this.feature.geometry }, target: { center: [lon, lat], zoom: ENTERPRISE_ZOOM } }
  }

  body(m: Messages): Node[] {
    const e = this.feature!.properties
    const none = m.panel.none
    // An industry the register wrote but the classification does not know shows as written.
    const industry = e.industry === null ? (e.industrySource ? `${e.industrySource} (?)` : none) : (m.industries[e.industry] ?? e.industry)
    const badges = el('div', 'panel-badges')
    badges.append(levelChip(m, e.level))
    if (e.synthetic) badges.append(el('span', 'demo-badge', m.demoData))
    const list = detailsList([
      ...(e.uscc !== null ? [[m.panel.uscc, code(e.uscc)] as [string, Node]] : []),
      ...(e.externalId !== null ? [[m.panel.externalId, code(e.externalId)] as [string, Node]] : []),
      [m.panel.industry, e.highHazard ? `${industry} · ${m.panel.highHazard}` : industry],
      [m.panel.inherentLevel, m.levelNames[e.inherentLevel] ?? String(e.inherentLevel)],
      [m.panel.division, e.divisionName ? `${e.divisionName} (${e.divisionCode})` : e.divisionCode],
      [m.panel.grid, e.mgmtGridName ?? none],
      // Tier, departments and the responsible person belong to the supervision block below; they
      // are listed here only when that block could not be loaded, so they never show twice.
      ...(this.supervision
        ? []
        : ([
            [m.panel.tier, e.tier ? (m.tiers[e.tier] ?? e.tier) : none],
            [m.panel.industryDepartment, e.industryDepartment ?? none],
            [m.panel.specialistDepartments, e.specialistDepartments?.length ? e.specialistDepartments.join('、') : none],
            [m.panel.responsiblePerson, [e.responsiblePerson, e.responsiblePhone].filter(Boolean).join(' · ') || none],
          ] satisfies Array<[string, string]>)),
      [m.panel.address, e.address ?? none],
      [m.panel.scale, e.scale === null ? none : (m.scales[e.scale] ?? e.scale)],
      [m.panel.credit, m.creditStatuses[e.creditStatus] ?? e.creditStatus],
      [m.panel.lastReported, e.lastReportedAt ?? none],
    ])

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
    // Located only at the division its address names: say so, and that it grades no cell from there.
    const approximate: HTMLElement[] =
      e.locatedBy === 'division' ? [el('p', 'panel-approximate', APPROXIMATE_NOTE[m.locale === 'en' ? 'en' : 'zh'](e.divisionName ?? e.divisionCode))] : []
    for (const note of approximate) note.style.cssText = 'border-left: 3px solid #fdae61; padding: 4px 8px; background: #fff8ec; font-size: 0.85em'
    return [
      badges,
      ...approximate,
      list,
      subtitle(m.panel.counts),
      counts,
      ...supervisionSection(m, this.supervision),
      ...enforcementSection(m, this.enforcement),
    ]
  }
}

const APPROXIMATE_NOTE = {
  zh: (division: string) => `位置为近似：登记册未给经纬度，按地址定位到「${division}」的代表点（地图上为空心圆）。该点不参与网格风险分级，请补充经纬度。`,
  en: (division: string) =>
    `Approximate location: the register gave no coordinates, so the enterprise is placed at a representative point of ${division}, named in its address (a hollow ring on the map). This point grades no cell: add its coordinates.`,
}
