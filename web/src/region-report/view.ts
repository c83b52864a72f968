import type { Level } from '../api/contract'
import type { Messages } from '../i18n'
import { LEVEL_COLORS, LEVEL_TEXT_COLORS, LEVELS_BY_SEVERITY } from '../map/levels'
import { el } from '../ui/dom'
import { formatAreaKm2, formatDistance, formatInstant, formatNumber, formatShare } from '../ui/format'
import type { RegionReport } from './api'
import type { RegionReportMessages } from './messages'
import { staticMap } from './static-map'

type Cell = string | number | Node

/** A table with a header row; numbers are right-aligned. */
function table(className: string, headers: string[], rows: Cell[][]): HTMLTableElement {
  const t = el('table', `report-table ${className}`)
  const head = el('tr')
  headers.forEach((h, i) => head.append(el('th', typeof rows[0]?.[i] === 'number' ? 'num' : undefined, h)))
  t.createTHead().append(head)
  const body = t.createTBody()
  for (const row of rows) {
    const tr = el('tr')
    for (const cell of row) {
      const td = el('td', typeof cell === 'number' ? 'num' : undefined)
      td.append(typeof cell === 'number' ? String(cell) : cell)
      tr.append(td)
    }
    body.append(tr)
  }
  return t
}

/** A level as a coloured chip. */
function levelChip(m: Messages, level: Level): HTMLElement {
  const chip = el('span', 'report-level', m.levelNames[level])
  chip.dataset.level = String(level)
  chip.style.backgroundColor = LEVEL_COLORS[level]
  chip.style.color = LEVEL_TEXT_COLORS[level]
  return chip
}

/** Labelled figures; each value is findable as `[data-stat="key"] .report-stat-value`. */
function stats(entries: Array<[key: string, label: string, value: string | number]>): HTMLElement {
  const list = el('dl', 'report-stats')
  for (const [key, label, value] of entries) {
    const item = el('div', 'report-stat')
    item.dataset.stat = key
    item.append(el('dt', 'report-stat-label', label), el('dd', 'report-stat-value', typeof value === 'number' ? String(value) : value))
    list.append(item)
  }
  return list
}

function section(key: string, title: string, ...content: Node[]): HTMLElement {
  const s = el('section', `report-section report-section-${key}`)
  s.dataset.section = key
  s.append(el('h2', 'report-section-title', title), ...content)
  return s
}

/** The whole report of one region, as nodes for the page's `<main>`. */
export function reportView(m: Messages, t: RegionReportMessages, report: RegionReport, demo: boolean): Node[] {
  const { region } = report
  const header = el('header', 'report-header')
  const title = el('h1', 'report-title', m.locale === 'en' && region.nameEn ? region.nameEn : region.name)
  const subtitle = el('p', 'report-subtitle', t.pageTitle)
  const meta = el('p', 'report-meta')
  meta.append(
    el('span', 'report-meta-item', t.generated(formatInstant(report.generatedAt))),
    el('span', 'report-meta-item report-data-version', t.dataVersion(report.dataVersion)),
  )
  if (demo) meta.append(el('span', 'report-meta-item report-demo', t.demoData))
  header.append(subtitle, title, meta)

  return [
    header,
    levelsSection(m, t, report),
    section('map', t.sections.map, staticMap(m, report, t.mapTitle), el('p', 'report-note', t.mapNote(report.map.res))),
    whySection(m, t, report),
    changesSection(m, t, report),
    resourcesSection(m, t, report),
    enforcementSection(m, t, report),
    el('footer', 'report-footer', t.footer),
  ]
}

function levelsSection(m: Messages, t: RegionReportMessages, report: RegionReport): HTMLElement {
  const { region } = report
  const facts = stats([
    ['code', t.code, region.code],
    ['rank', t.rank, m.region.ranks[region.rank] ?? region.rank],
    ['area', t.area, formatAreaKm2(m, region.areaKm2)],
    ['updated', t.updatedAt, region.updatedAt ? formatInstant(region.updatedAt) : t.none],
  ])
  const level = el('p', 'report-overall')
  level.append(
    el('span', 'report-overall-label', t.level),
    levelChip(m, region.level),
    ' ',
    el('span', 'report-overall-label', m.region.highestLevel),
    levelChip(m, region.highestLevel),
  )
  const totalCells = Object.values(region.cells).reduce((a, b) => a + b, 0)
  const rows: Cell[][] = LEVELS_BY_SEVERITY.map((l) => {
    const cells = region.cells[String(l) as keyof typeof region.cells]
    const row: Cell[] = [
      levelChip(m, l),
      formatShare(m, region.shares[String(l) as keyof typeof region.shares] ?? 0),
      cells,
      formatShare(m, totalCells ? cells / totalCells : 0),
    ]
    return row
  })
  rows.push([t.total, formatShare(m, 1), totalCells, formatShare(m, totalCells ? 1 : 0)])
  const shares = table('report-levels', [t.levelHeaders.level, t.levelHeaders.areaShare, t.levelHeaders.cells, t.levelHeaders.cellShare], rows)
  shares.tBodies[0]!.querySelectorAll('tr').forEach((tr, i) => {
    const l = LEVELS_BY_SEVERITY[i]
    if (l !== undefined) tr.dataset.level = String(l)
  })
  const nodes: Node[] = [level, facts, shares]
  if (region.staleCells > 0) nodes.push(el('p', 'report-note', t.staleCells(region.staleCells)))
  if (region.stale) nodes.push(el('p', 'report-note report-warning', t.staleNote))
  return section('levels', t.sections.levels, ...nodes)
}

function whySection(m: Messages, t: RegionReportMessages, report: RegionReport): HTMLElement {
  if (!report.topSources.length) return section('why', t.sections.why, el('p', 'report-empty', t.noSources))
  const rows: Cell[][] = report.topSources.map((s) => [m.sourceKinds[s.kind] ?? s.kind, s.name, s.enterprise?.name ?? '—', levelChip(m, s.level), s.cells])
  const h = t.sourceHeaders
  return section('why', t.sections.why, el('p', 'report-note', t.whyIntro), table('report-sources', [h.kind, h.name, h.enterprise, h.level, h.cells], rows))
}

/** Monthly raised / lowered cell changes as paired bars (inline SVG). */
function monthlyChart(t: RegionReportMessages, months: RegionReport['changes']['months']): SVGSVGElement {
  const NS = 'http://www.w3.org/2000/svg'
  const width = 640
  const height = 120
  const base = 96
  const max = Math.max(1, ...months.map((x) => Math.max(x.raised, x.lowered)))
  const step = width / months.length
  const chart = document.createElementNS(NS, 'svg')
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`)
  chart.setAttribute('class', 'report-chart')
  chart.setAttribute('role', 'img')
  const title = document.createElementNS(NS, 'title')
  title.textContent = `${t.monthlyTitle}: ${months.map((x) => `${x.month} +${x.raised} −${x.lowered}`).join(', ')}`
  chart.append(title)
  const add = (tag: string, attributes: Record<string, string | number>, text?: string) => {
    const node = document.createElementNS(NS, tag)
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v))
    if (text !== undefined) node.textContent = text
    chart.append(node)
  }
  months.forEach((x, i) => {
    const left = i * step + step * 0.15
    const barWidth = step * 0.33
    const raisedH = (x.raised / max) * (base - 14)
    const loweredH = (x.lowered / max) * (base - 14)
    add('rect', { x: left, y: base - raisedH, width: barWidth, height: raisedH, fill: LEVEL_COLORS[4], 'data-month': x.month, 'data-raised': x.raised })
    add('rect', {
      x: left + barWidth,
      y: base - loweredH,
      width: barWidth,
      height: loweredH,
      fill: LEVEL_COLORS[1],
      'data-month': x.month,
      'data-lowered': x.lowered,
    })
    if (x.raised + x.lowered > 0)
      add(
        'text',
        { x: left + barWidth, y: base - Math.max(raisedH, loweredH) - 3, 'text-anchor': 'middle', class: 'report-chart-value' },
        String(x.raised + x.lowered),
      )
    add('text', { x: i * step + step / 2, y: height - 8, 'text-anchor': 'middle', class: 'report-chart-label' }, x.month.slice(2))
  })
  add('line', { x1: 0, x2: width, y1: base, y2: base, stroke: '#9aa4ad' })
  return chart
}

function changesSection(m: Messages, t: RegionReportMessages, report: RegionReport): HTMLElement {
  const { changes } = report
  // A first grading is not a raised level: it is counted apart, and the chart shows changes only.
  const totals = stats([
    ['firstGraded', t.withSince(t.firstGraded, t.since(report.since)), changes.firstGraded],
    ['raised', t.withSince(t.raised, t.since(report.since)), changes.raised],
    ['lowered', t.withSince(t.lowered, t.since(report.since)), changes.lowered],
    ['staleOnly', t.staleOnly, changes.staleOnly],
  ])
  const legend = el('p', 'report-note report-chart-legend')
  const key = (color: string, text: string) => {
    const swatch = el('span', 'report-chart-key')
    swatch.style.backgroundColor = color
    legend.append(swatch, text, ' ')
  }
  key(LEVEL_COLORS[4], t.raised)
  key(LEVEL_COLORS[1], t.lowered)
  const nodes: Node[] = [
    totals,
    el('h3', 'report-subtitle-small', t.monthlyTitle),
    monthlyChart(t, changes.months),
    legend,
    el('h3', 'report-subtitle-small', t.recentTitle),
  ]
  if (changes.recent.length === 0) nodes.push(el('p', 'report-empty', t.noChanges))
  else {
    const rows: Cell[][] = changes.recent.map((c) => {
      const change = el('span')
      if (c.firstGraded) change.append(t.firstGrading, ' → ', levelChip(m, c.after))
      else change.append(levelChip(m, c.before), ' → ', levelChip(m, c.after))
      if (c.afterStale) change.append(' ', el('span', 'report-stale', m.stale))
      return [el('code', undefined, c.h3), change, formatInstant(c.changedAt)]
    })
    nodes.push(table('report-changes', [t.changeHeaders.cell, t.changeHeaders.change, t.changeHeaders.date], rows))
  }
  return section('changes', t.sections.changes, ...nodes)
}

function resourcesSection(m: Messages, t: RegionReportMessages, report: RegionReport): HTMLElement {
  const { resources } = report
  const km = formatNumber(m, resources.nearM / 1000)
  const byKind = table(
    'report-resources',
    [t.resourceHeaders.kind, t.resourceHeaders.inside, t.resourceHeaders.near(km)],
    resources.byKind.map((r) => [m.resourceKinds[r.kind] ?? r.kind, r.inside, r.near]),
  )
  byKind.tBodies[0]!.querySelectorAll('tr').forEach((tr, i) => {
    tr.dataset.kind = resources.byKind[i]!.kind
  })
  const h = t.teamHeaders
  const teams = resources.nearestTeams.length
    ? table(
        'report-teams',
        [h.name, h.type, h.headcount, h.status, h.distance, h.phone],
        resources.nearestTeams.map((team) => [
          team.name,
          team.teamType ? (m.teamTypes[team.teamType] ?? team.teamType) : '—',
          team.headcount ?? '—',
          m.resourceStatuses[team.status as keyof Messages['resourceStatuses']] ?? team.status,
          team.distanceM === 0 ? t.inside : formatDistance(m, team.distanceM),
          team.dutyPhone ?? '—',
        ]),
      )
    : el('p', 'report-empty', t.noTeams)
  return section('resources', t.sections.resources, byKind, el('h3', 'report-subtitle-small', t.nearestTeams), teams)
}

function enforcementSection(m: Messages, t: RegionReportMessages, report: RegionReport): HTMLElement {
  const e = report.enforcement
  const since = t.since(report.since)
  return section(
    'enforcement',
    t.sections.enforcement,
    stats([
      ['enterprises', t.enterprises, e.enterprises],
      ['blacklisted', t.blacklisted, e.blacklisted],
    ]),
    el('h3', 'report-subtitle-small', t.withSince(t.inspections, since)),
    stats([
      ['inspections', t.inspectionsDone, e.inspections.done],
      ['inspectionsWithViolations', t.inspectionsWithViolations, e.inspections.withViolations],
      ['inspectionsPending', t.inspectionsPending, e.inspections.pending],
      ['lastInspection', t.lastInspection, e.inspections.lastDate ?? t.none],
    ]),
    el('h3', 'report-subtitle-small', t.hiddenDangers),
    stats([
      ['hiddenDangersOpen', t.open, e.hiddenDangers.open],
      ['hiddenDangersOverdue', t.overdue, e.hiddenDangers.overdue],
      ['hiddenDangersMajorOpen', t.majorOpen, e.hiddenDangers.majorOpen],
      ['hiddenDangersAwaiting', t.awaitingVerification, e.hiddenDangers.awaitingVerification],
    ]),
    el('h3', 'report-subtitle-small', t.violations),
    stats([
      ['violationsOpen', t.open, e.violations.open],
      ['violationsOverdue', t.overdue, e.violations.overdue],
    ]),
    el('h3', 'report-subtitle-small', t.withSince(t.penalties, since)),
    stats([
      ['penalties', t.penaltyCount, e.penalties.count],
      ['penaltyAmount', t.penaltyAmount, t.yuan(formatNumber(m, e.penalties.amountYuan, 2))],
      ['penaltiesPublished', t.published, e.penalties.published],
    ]),
  )
}
