import type { Messages } from '../i18n'
import { levelTag } from '../panels/parts'
import { el } from '../ui/dom'
import { formatDegrees, formatDistance, formatDuration, formatInstant, formatNumber } from '../ui/format'
import { compassPoint } from './geodesic'
import { isTimed, type IncidentSnapshot } from './panel'

// The printable dispatch sheet: a section of the page that covers it on screen and is all that
// prints (style.css, @media print). The incident, the situation map as an image, the resources
// to dispatch with their ETA and route length (or, off the road network, labelled straight-line
// distance) and their contacts, the major hazards nearby with their substances, the shelters.

function table(headers: string[], rows: Array<Array<string | Node>>, className: string): HTMLTableElement {
  const tableEl = el('table', `sheet-table ${className}`)
  const head = el('tr')
  for (const h of headers) head.append(el('th', undefined, h))
  tableEl.append(el('thead'))
  tableEl.tHead!.append(head)
  const body = el('tbody')
  for (const row of rows) {
    const tr = el('tr')
    for (const cell of row) {
      const td = el('td')
      td.append(cell)
      tr.append(td)
    }
    body.append(tr)
  }
  tableEl.append(body)
  return tableEl
}

/** Fills the sheet's section and shows it; `mapImage` is a data: URL of the map canvas. */
export function renderDispatchSheet(root: HTMLElement, m: Messages, snapshot: IncidentSnapshot, mapImage: string, issuedAt: Date, onClose: () => void): void {
  const c = m.incident.columns
  const [lon, lat] = snapshot.incident
  const direction = (bearing: number) => m.incident.compass[compassPoint(bearing)]

  const close = el('button', 'sheet-close', '×')
  close.type = 'button'
  close.title = m.incident.closeSheet
  close.setAttribute('aria-label', m.incident.closeSheet)
  close.addEventListener('click', onClose)

  const facts = el('dl', 'sheet-facts')
  facts.append(el('dt', undefined, m.incident.coordinates), el('dd', 'sheet-point', m.incident.point(formatDegrees(lon), formatDegrees(lat))))
  facts.append(el('dt', undefined, m.incident.sheetTime), el('dd', 'sheet-time', formatInstant(issuedAt.toISOString())))

  const figure = el('figure', 'sheet-map')
  const image = el('img', 'sheet-map-image')
  image.src = mapImage
  image.alt = m.incident.sheetMap
  figure.append(image, el('figcaption', undefined, m.incident.sheetMap))

  const resources = table(
    [c.name, c.kind, c.eta, c.roadDistance, c.distance, c.direction, c.phone, c.contact, c.capabilities],
    snapshot.resources.map((r) => [
      r.name,
      m.resourceKinds[r.kind] ?? r.kind,
      isTimed(r) ? formatDuration(m, r.etaS) : '—',
      isTimed(r) ? formatDistance(m, r.roadDistanceM) : '—',
      formatDistance(m, r.distanceM),
      direction(r.bearingDeg),
      r.dutyPhone ?? '',
      [r.organisation, r.contact].filter(Boolean).join(' '),
      r.capabilities.map((k) => m.capabilities[k] ?? k).join('、'),
    ]),
    'sheet-resources',
  )
  const hazards = table(
    [c.name, c.level, c.distance, c.direction, c.substances, c.contact],
    snapshot.context.riskSources.majorHazards.map((h) => [
      `${h.name}（${h.enterprise.name}）`,
      levelTag(m, h.level),
      formatDistance(m, h.distanceM),
      direction(h.bearingDeg),
      h.substances.map((s) => m.incident.substance(s.name, formatNumber(m, s.qT, 2), formatNumber(m, s.criticalQT, 2))).join('；'),
      [h.enterprise.responsiblePerson, h.enterprise.responsiblePhone].filter(Boolean).join(' '),
    ]),
    'sheet-hazards',
  )
  const shelters = table(
    [c.name, c.capacity, c.distance, c.direction, c.phone],
    snapshot.context.shelters.map((s) => [s.name, formatNumber(m, s.capacity, 0), formatDistance(m, s.distanceM), direction(s.bearingDeg), s.dutyPhone ?? '']),
    'sheet-shelters',
  )

  const sub = (text: string) => el('h3', 'sheet-subtitle', text)
  root.replaceChildren(
    close,
    el('h2', 'sheet-title', `${m.productName} · ${m.incident.sheetTitle}`),
    facts,
    figure,
    sub(m.incident.sheetResources),
    el('p', 'sheet-ranking', snapshot.ranking.by === 'time' ? m.incident.rankedByTime : m.incident.rankedStraight(snapshot.ranking.reason)),
    resources,
    sub(m.incident.sheetHazards),
    hazards,
    sub(m.incident.sheetShelters),
    shelters,
  )
  root.hidden = false
}
