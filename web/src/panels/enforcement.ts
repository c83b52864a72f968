import type {
  EnforcementHistory,
  EnforcementInspection,
  EnforcementPenalty,
  EnforcementViolation,
  EnterpriseSupervision,
  HiddenDangerRecord,
} from '../api/contract'
import type { Messages } from '../i18n'
import { el } from '../ui/dom'
import { tierReasonText } from '../ui/tier-reason'
import { code, detailsList, emptyNote, meta, subtitle } from './parts'

// The enterprise panel's supervision and enforcement sections (issue 6): tier and coverage gaps from
// /api/enterprises/:id/supervision; credit, what is overdue, inspections, open findings and penalties
// from /api/enterprises/:id/enforcement.

/** Specialist fields in Chinese (server/domain/supervision.ts SPECIALIST_FIELDS). */
const SPECIALTIES_ZH: Record<string, string> = { fire: '消防', special_equipment: '特种设备' }

/** Inspections listed (the latest). */
const INSPECTIONS_SHOWN = 5

/** Supervision: the tier and whether a rule or an explicit assignment gave it, and coverage gaps in warning style. */
export function supervisionSection(m: Messages, s: EnterpriseSupervision | null): Node[] {
  if (!s) return []
  const e = m.enforcement
  const section = el('section', 'supervision-section')
  const tier = el('span', 'supervision-tier')
  tier.dataset.tier = s.tier ?? ''
  tier.dataset.source = s.tierSource
  tier.textContent = `${s.tier ? (m.tiers[s.tier] ?? s.tier) : m.panel.none} · ${e.tierSource[s.tierSource] ?? s.tierSource}`
  section.append(
    detailsList([
      [m.panel.tier, tier],
      [e.tierReason, tierReasonText(s.tierReason ?? s.ruleTierReason, m.locale)],
      [m.panel.industryDepartment, s.industryDepartment?.name ?? m.panel.none],
      [m.panel.specialistDepartments, s.specialistDepartments.length ? s.specialistDepartments.map((d) => d.name).join('、') : m.panel.none],
      [m.panel.responsiblePerson, [s.responsiblePerson, s.responsiblePhone].filter(Boolean).join(' · ') || m.panel.none],
    ]),
  )
  if (s.gaps.length) {
    const gaps = el('ul', 'panel-list coverage-gap-list')
    gaps.setAttribute('aria-label', e.gaps)
    for (const gap of s.gaps) {
      const item = el('li', 'coverage-gap-warning')
      item.dataset.kind = gap.kind
      item.append(el('strong', undefined, e.gapKinds[gap.kind] ?? gap.kind))
      // The server's sentence is English; the kind above says it in Chinese (a missing specialist
      // department is named by its field).
      if (m.locale === 'en') item.append(' ', meta(gap.message))
      else if (gap.specialty) item.append(' ', meta(SPECIALTIES_ZH[gap.specialty] ?? gap.specialty))
      gaps.append(item)
    }
    section.append(el('p', 'coverage-gap-title', e.gaps), gaps)
  } else {
    section.append(el('p', 'coverage-covered', e.noGaps))
  }
  return [subtitle(e.supervision), section]
}

/** Enforcement: credit badge, overdue marker, latest inspections, open violations and hidden dangers, penalties. */
export function enforcementSection(m: Messages, h: EnforcementHistory | null): Node[] {
  const e = m.enforcement
  if (!h) return [subtitle(e.title), emptyNote(e.unavailable)]
  const section = el('section', 'enforcement-section')
  const badges = el('div', 'panel-badges')
  const credit = el('span', 'credit-badge', `${e.credit}: ${(m.creditStatuses as Record<string, string>)[h.creditStatus] ?? h.creditStatus}`)
  credit.dataset.status = h.creditStatus
  badges.append(credit)
  const overdueCount = h.overdue.hiddenDangers + h.overdue.violations
  if (overdueCount > 0) {
    const overdue = el('span', 'overdue-badge enforcement-overdue', e.overdue(overdueCount, h.overdue.oldestDeadline))
    overdue.dataset.count = String(overdueCount)
    badges.append(overdue)
  } else {
    badges.append(el('span', 'enforcement-no-overdue', e.noOverdue))
  }
  section.append(badges, meta(e.open(h.open.hiddenDangers, h.open.violations)))
  if (h.nextPlannedInspection?.plannedFor) section.append(el('p', 'panel-meta', e.nextInspection(h.nextPlannedInspection.plannedFor)))

  const recorded = h.inspections
    .filter((i) => i.status === 'recorded')
    .sort((a, b) => ((a.inspectedAt ?? '') < (b.inspectedAt ?? '') ? 1 : (a.inspectedAt ?? '') > (b.inspectedAt ?? '') ? -1 : b.id - a.id))
    .slice(0, INSPECTIONS_SHOWN)
  section.append(subtitle(e.inspections), recorded.length ? list('inspection-list', recorded, (i) => inspectionItem(m, i)) : emptyNote(e.noInspections))

  const violations = h.violations.filter((v) => v.status !== 'verified')
  section.append(subtitle(e.violations), violations.length ? list('violation-list', violations, (v) => findingItem(m, v, false)) : emptyNote(e.noViolations))

  const dangers = h.hiddenDangers.filter((d) => d.status !== 'verified')
  section.append(
    subtitle(e.hiddenDangers),
    dangers.length ? list('hidden-danger-list', dangers, (d) => findingItem(m, d, d.isMajor)) : emptyNote(e.noHiddenDangers),
  )

  const penalties = [...h.penalties].sort((a, b) => (a.decidedAt < b.decidedAt ? 1 : a.decidedAt > b.decidedAt ? -1 : b.id - a.id))
  section.append(subtitle(e.penalties), penalties.length ? list('penalty-list', penalties, (p) => penaltyItem(m, p)) : emptyNote(e.noPenalties))
  return [subtitle(e.title), section]
}

function list<T>(className: string, items: readonly T[], render: (item: T) => HTMLElement): HTMLElement {
  const ul = el('ul', `panel-list ${className}`)
  for (const item of items) ul.append(render(item))
  return ul
}

function inspectionItem(m: Messages, i: EnforcementInspection): HTMLElement {
  const item = el('li', 'inspection-item')
  item.dataset.id = String(i.id)
  const result = i.result ? (m.inspectionResults[i.result] ?? i.result) : m.panel.none
  item.append(meta(m.enforcement.inspectionLine(i.inspectedAt ?? '', result)))
  if (i.result === 'violations_found') item.classList.add('panel-alert')
  return item
}

function findingItem(m: Messages, f: EnforcementViolation | HiddenDangerRecord, major: boolean): HTMLElement {
  const e = m.enforcement
  const item = el('li', f.overdue ? 'finding-item finding-overdue' : 'finding-item')
  item.dataset.id = String(f.id)
  const head = el('div', 'item-head')
  if (major) head.append(el('span', 'finding-major', e.major))
  head.append(el('span', 'finding-description', f.description))
  item.append(head)
  const extra = el('div', 'item-extra')
  extra.append(el('span', f.overdue ? 'panel-meta panel-alert finding-deadline' : 'panel-meta finding-deadline', e.deadline(f.deadline)))
  if (f.overdue) extra.append(el('span', 'overdue-badge', e.overdueTag))
  item.append(extra)
  return item
}

function penaltyItem(m: Messages, p: EnforcementPenalty): HTMLElement {
  const e = m.enforcement
  const item = el('li', 'penalty-item')
  item.dataset.id = String(p.id)
  const head = el('div', 'item-head')
  const amount = p.amountYuan.toLocaleString(m.locale, { maximumFractionDigits: 2 })
  head.append(code(p.decisionNo), el('span', 'penalty-amount', e.amount(amount)))
  const published = el('span', p.published ? 'penalty-published' : 'penalty-unpublished', p.published ? e.published : e.unpublished)
  published.dataset.published = String(p.published)
  head.append(published)
  item.append(head)
  const extra = el('div', 'item-extra')
  extra.append(meta(p.decidedAt))
  if (p.description) extra.append(meta(p.description))
  item.append(extra)
  return item
}
