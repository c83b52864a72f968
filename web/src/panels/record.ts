import { fetchRecord, type RecordKind, type RecordTypes } from '../api/client'
import type { AreaAssessmentRecord, HiddenDangerRecord, MajorHazardRecord, MethodFigures, ResourceFeature, SafetyRiskRecord } from '../api/contract'
import type { Messages } from '../i18n'
import { geometriesBounds } from '../map/bounds'
import { el } from '../ui/dom'
import { formatAreaKm2, formatDegrees, formatDistance, formatInstant, formatNumber } from '../ui/format'
import { detailsList, levelChip, linkButton, subtitle } from './parts'
import { scenarioChangeFor, scenarioLink, type ScenarioLinkRecord } from './scenario-link'
import type { PanelDeps, PanelFocus, PanelView } from './view'

/** Zoom the map flies to for a point record. */
const RECORD_ZOOM = 15

type Row = [string, string | Node | null | undefined]

/**
 * One risk record or emergency resource, opened from a source link in a cell or region panel or
 * from a marker on the map: its figures, and a link to its enterprise.
 */
export class RecordView<K extends RecordKind> implements PanelView {
  readonly errorContext = 'loadRecord' as const
  private record: RecordTypes[K] | null = null

  constructor(
    readonly kind: K,
    readonly id: number,
    private readonly deps: PanelDeps,
  ) {}

  async load(signal: AbortSignal): Promise<void> {
    this.record = await fetchRecord(this.kind, this.id, signal)
  }

  kindLabel(m: Messages): string {
    return m.records.titles[this.kind]
  }

  title(m: Messages): string {
    const r = this.record
    if (!r) return m.records.loading
    if (this.kind === 'resource') return (r as ResourceFeature).properties.name
    if (this.kind === 'hidden_danger') return (r as HiddenDangerRecord).description
    return (r as MajorHazardRecord | SafetyRiskRecord | AreaAssessmentRecord).name
  }

  focus(): PanelFocus | null {
    const r = this.record
    if (!r) return null
    if (this.kind === 'resource') {
      const feature = r as ResourceFeature
      return { highlight: { geometry: feature.geometry }, target: { center: feature.geometry.coordinates as [number, number], zoom: RECORD_ZOOM } }
    }
    if (this.kind === 'area_assessment') {
      const area = r as AreaAssessmentRecord
      const geometry = area.zone ?? area.geometry
      const bbox = geometry ? geometriesBounds([geometry]) : null
      return geometry && bbox ? { highlight: { geometry }, target: { bbox } } : null
    }
    const point = r as MajorHazardRecord | SafetyRiskRecord | HiddenDangerRecord
    return { highlight: { geometry: { type: 'Point', coordinates: [point.lon, point.lat] } }, target: { center: [point.lon, point.lat], zoom: RECORD_ZOOM } }
  }

  body(m: Messages): Node[] {
    const body = this.details(m)
    const link = this.scenarioLink(m)
    return link ? [...body, link] : body
  }

  private details(m: Messages): Node[] {
    switch (this.kind) {
      case 'major_hazard':
        return this.majorHazard(m, this.record as MajorHazardRecord)
      case 'safety_risk':
        return this.safetyRisk(m, this.record as SafetyRiskRecord)
      case 'hidden_danger':
        return this.hiddenDanger(m, this.record as HiddenDangerRecord)
      case 'area_assessment':
        return this.areaAssessment(m, this.record as AreaAssessmentRecord)
      default:
        return this.resource(m, this.record as ResourceFeature)
    }
  }

  /** "Try in a scenario": the scenario page started with this record's change, for those who may build scenarios. */
  private scenarioLink(m: Messages): HTMLElement | null {
    if (!this.deps.scenarios || !this.record) return null
    const change = scenarioChangeFor(this.linkRecord(this.record))
    if (!change) return null
    const a = el('a', 'panel-link scenario-try-link', m.records.tryScenario)
    a.href = scenarioLink(change)
    a.dataset.change = change.kind
    const line = el('p', 'panel-scenario')
    line.append(a)
    return line
  }

  private linkRecord(r: RecordTypes[K]): ScenarioLinkRecord {
    if (this.kind === 'hidden_danger') return { kind: 'hidden_danger', id: this.id, status: (r as HiddenDangerRecord).status }
    if (this.kind === 'resource') return { kind: 'resource', id: this.id, resourceKind: (r as ResourceFeature).properties.kind }
    return { kind: this.kind as Exclude<RecordKind, 'hidden_danger' | 'resource'>, id: this.id }
  }

  private badges(m: Messages, level: number): HTMLElement {
    const badges = el('div', 'panel-badges')
    badges.append(levelChip(m, level))
    return badges
  }

  private enterpriseLink(m: Messages, enterpriseId: number): HTMLElement {
    return linkButton(m.panel.openEnterprise, () => this.deps.navigate({ kind: 'enterprise', id: enterpriseId }))
  }

  private location(lon: number, lat: number): string {
    return `${formatDegrees(lat)}, ${formatDegrees(lon)}`
  }

  private radius(m: Messages, radiusM: number | null): string {
    return radiusM ? formatDistance(m, radiusM) : m.records.defaultRadius
  }

  private methodRows(m: Messages, r: MethodFigures): Row[] {
    const figures = r.lec
      ? `L ${r.lec.L} × E ${r.lec.E} × C ${r.lec.C} = ${formatNumber(m, r.score ?? r.lec.L * r.lec.E * r.lec.C)}`
      : r.matrix
        ? `L ${r.matrix.L} × S ${r.matrix.S} = ${formatNumber(m, r.score ?? r.matrix.L * r.matrix.S)}`
        : null
    const method = m.records.methods[r.method] ?? r.method
    return [
      [m.records.method, r.stated?.method ? `${method}（${r.stated.method}）` : method],
      [m.records.score, figures],
    ]
  }

  private majorHazard(m: Messages, r: MajorHazardRecord): Node[] {
    const substances = el('ul', 'panel-list substance-list')
    for (const s of r.substances) {
      substances.append(
        el('li', undefined, `${s.name}${s.class ? ` [${s.class}]` : ''}: ${formatNumber(m, s.q, 3)} / ${formatNumber(m, s.Q, 3)} · β ${s.beta}`),
      )
    }
    return [
      this.badges(m, r.level),
      detailsList([
        [m.records.grade, m.records.gradeNames[r.grade] ?? String(r.grade)],
        [m.records.rValue, formatNumber(m, r.R, 2)],
        [m.records.sValue, formatNumber(m, r.S, 2)],
        [m.records.alpha, String(r.alpha)],
        [m.records.population500m, formatNumber(m, r.population500m, 0)],
        [m.records.gradeMismatch, r.gradeMismatch],
        [m.records.impactRadius, this.radius(m, r.impactRadiusM)],
        [m.records.reportedAt, r.reportedAt],
        [m.records.validUntil, r.validUntil],
        [m.records.location, this.location(r.lon, r.lat)],
        [m.records.enterprise, this.enterpriseLink(m, r.enterpriseId)],
      ]),
      subtitle(m.records.substances),
      substances,
    ]
  }

  private safetyRisk(m: Messages, r: SafetyRiskRecord): Node[] {
    return [
      this.badges(m, r.level),
      detailsList([
        ...this.methodRows(m, r),
        [m.records.description, r.description],
        [m.records.impactRadius, this.radius(m, r.impactRadiusM)],
        [m.records.assessedAt, r.assessedAt],
        [m.records.validUntil, r.validUntil],
        [m.records.location, this.location(r.lon, r.lat)],
        [m.records.enterprise, this.enterpriseLink(m, r.enterpriseId)],
      ]),
    ]
  }

  private hiddenDanger(m: Messages, r: HiddenDangerRecord): Node[] {
    // An unverified major hidden danger makes its enterprise red (docs/domain.md §3.3); other ones carry no level.
    const badges = r.isMajor && r.status !== 'verified' ? this.badges(m, 4) : el('div', 'panel-badges')
    if (r.overdue) badges.append(el('span', 'overdue-badge', m.records.overdue))
    return [
      badges,
      detailsList([
        [m.records.status, m.records.hiddenDangerStatuses[r.status] ?? r.status],
        [m.records.isMajor, r.isMajor ? m.panel.yes : m.panel.no],
        [m.records.foundAt, r.foundAt],
        [m.records.deadline, r.deadline],
        [m.records.rectifiedAt, r.rectifiedAt ? formatInstant(r.rectifiedAt) : null],
        [m.records.verifiedAt, r.verifiedAt ? formatInstant(r.verifiedAt) : null],
        [m.records.reportedBy, r.reportedBy],
        [m.records.location, this.location(r.lon, r.lat)],
        [m.records.enterprise, this.enterpriseLink(m, r.enterpriseId)],
      ]),
    ]
  }

  private areaAssessment(m: Messages, r: AreaAssessmentRecord): Node[] {
    return [
      this.badges(m, r.level),
      detailsList([
        [m.records.areaKind, m.records.areaKinds[r.kind] ?? r.kind],
        ...this.methodRows(m, r),
        [m.records.area, formatAreaKm2(m, r.areaKm2)],
        [m.records.bufferWidth, r.bufferM ? formatDistance(m, r.bufferM) : null],
        [m.records.assessor, r.assessor],
        [m.records.assessedAt, r.assessedAt],
        [m.records.validUntil, r.validUntil],
      ]),
    ]
  }

  private resource(m: Messages, feature: ResourceFeature): Node[] {
    const r = feature.properties
    const [lon, lat] = feature.geometry.coordinates as [number, number]
    const status = el('span', `resource-status resource-status-${r.status}`, m.resourceStatuses[r.status] ?? r.status)
    const badges = el('div', 'panel-badges')
    badges.append(status)
    if (r.synthetic) badges.append(el('span', 'demo-badge', m.demoData))
    const stock = r.items.length ? r.items.map((i) => `${i.item} ${formatNumber(m, i.quantity, 2)} ${i.unit}`).join('、') : null
    return [
      badges,
      detailsList([
        [m.records.resourceKind, m.resourceKinds[r.kind] ?? r.kind],
        [m.records.teamType, r.teamType ? (m.teamTypes[r.teamType] ?? r.teamType) : null],
        [m.records.headcount, r.headcount === null ? null : formatNumber(m, r.headcount, 0)],
        [m.records.equipment, r.equipmentType],
        [m.records.quantity, r.quantity === null ? null : formatNumber(m, r.quantity, 0)],
        [m.records.stock, stock],
        [m.records.capacity, r.capacity === null ? null : formatNumber(m, r.capacity, 0)],
        [m.records.expertField, r.expertField],
        [m.records.capabilities, r.capabilities.length ? r.capabilities.map((c) => m.capabilities[c] ?? c).join('、') : null],
        [m.records.organisation, r.organisation],
        [m.records.contact, r.contact],
        [m.records.dutyPhone, r.dutyPhone],
        [m.records.statusUpdatedAt, formatInstant(r.statusUpdatedAt)],
        [m.panel.division, r.divisionName],
        [m.records.location, this.location(lon, lat)],
      ]),
    ]
  }
}
