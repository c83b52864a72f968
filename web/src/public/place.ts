import type { Lang, Messages } from '../i18n'
import { LEVEL_COLORS, LEVEL_TEXT_COLORS } from '../map/levels'
import { el } from '../ui/dom'
import { shareChart } from '../ui/share-chart'
import type { Level } from '../api/contract'
import type { PlaceReading } from './api'
import type { PublicMessages } from './messages'

/** A level as a coloured chip (the official colour, its readable text colour and the level's name). */
export function levelChip(messages: Messages, level: Level, className = 'level-chip'): HTMLElement {
  const chip = el('span', className, messages.levelNames[level])
  chip.dataset.level = String(level)
  chip.style.backgroundColor = LEVEL_COLORS[level]
  chip.style.color = LEVEL_TEXT_COLORS[level]
  return chip
}

/** A division's name in the page's language: the English name where the data has one. */
export function divisionName(lang: Lang, region: { name: string; nameEn?: string | null }): string {
  return lang === 'en' && region.nameEn ? region.nameEn : region.name
}

export interface PlaceView {
  lang: Lang
  messages: Messages
  m: PublicMessages
  /** Called by the "report a hazard here" button with the place's coordinates. */
  onReportHere(lon: number, lat: number): void
}

/**
 * The "level here" pane: the published level of the place (big, in its colour), a note when the
 * records are stale or the place lies in a public-area zone, the township's and county's level
 * with their share of area per level, and the nearest shelters with their distance.
 */
export function renderPlace(view: PlaceView, reading: PlaceReading): HTMLElement[] {
  const { m, messages } = view
  const parts: HTMLElement[] = []
  const head = el('div', 'place-level')
  head.dataset.level = String(reading.level)
  head.append(el('span', 'place-level-caption', m.place.levelHere))
  const chip = levelChip(messages, reading.level, 'level-chip place-level-chip')
  if (reading.level === 0) chip.textContent = m.place.noRisk
  head.append(chip)
  parts.push(head)
  if (reading.stale) parts.push(el('p', 'place-note', m.place.staleNote))
  if (reading.areaLevel > 0) parts.push(el('p', 'place-note place-area', m.place.areaZone(messages.levelNames[reading.areaLevel])))
  if (reading.regions.length === 0) parts.push(el('p', 'place-note place-outside', m.place.outside))

  for (const region of reading.regions) {
    const section = el('section', 'place-region')
    section.dataset.key = region.key
    const title = el('h3', 'panel-subtitle place-region-title')
    title.append(el('span', 'place-region-name', divisionName(view.lang, region)), ' ', levelChip(messages, region.level))
    section.append(title, el('div', 'place-region-caption', m.place.regionShares), shareChart(messages, region.shares))
    parts.push(section)
  }

  const shelters = el('section', 'place-shelters')
  shelters.append(el('h3', 'panel-subtitle', m.place.sheltersNear))
  if (reading.shelters.length === 0) shelters.append(el('p', 'panel-empty', m.place.noShelters))
  const list = el('ul', 'panel-list')
  const people = new Intl.NumberFormat(messages.locale)
  for (const s of reading.shelters) {
    const item = el('li', 'place-shelter')
    const detail = [m.place.distance(s.distanceM), s.address, s.capacity === null ? null : m.shelterCapacity(people.format(s.capacity))]
      .filter(Boolean)
      .join(' · ')
    item.append(el('div', 'item-head', s.name), el('div', 'public-shelter-detail', detail))
    list.append(item)
  }
  shelters.append(list)
  parts.push(shelters)

  const report = el('button', 'place-report', m.place.reportHere)
  report.type = 'button'
  report.addEventListener('click', () => view.onReportHere(reading.lon, reading.lat))
  parts.push(report)
  return parts
}
