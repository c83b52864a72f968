import type { Level } from '../api/contract'
import type { Messages } from '../i18n'
import { LEVEL_COLORS, LEVEL_OUTLINE_COLOR, LEVEL_TEXT_COLORS, isLevel } from '../map/levels'
import { el } from '../ui/dom'

// Building blocks shared by the side panels.

/** A level as a chip in the level's colour: "风险等级: 重大风险". */
export function levelChip(m: Messages, level: number): HTMLElement {
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

/** A small dot in a level's colour with the level's name as its tooltip, for lists. */
export function levelDot(m: Messages, level: Level): HTMLElement {
  const dot = el('span', 'level-dot')
  dot.dataset.level = String(level)
  dot.style.backgroundColor = LEVEL_COLORS[level]
  dot.style.borderColor = LEVEL_OUTLINE_COLOR
  dot.title = m.levelNames[level]
  dot.setAttribute('aria-label', m.levelNames[level])
  dot.setAttribute('role', 'img')
  return dot
}

/** The short level name in the level's colour, for running text. */
export function levelTag(m: Messages, level: number): HTMLElement {
  const tag = el('span', 'level-tag', isLevel(level) ? m.levelNames[level] : String(level))
  if (isLevel(level)) {
    tag.dataset.level = String(level)
    tag.style.backgroundColor = LEVEL_COLORS[level]
    tag.style.color = LEVEL_TEXT_COLORS[level]
  }
  return tag
}

/** The "data stale" badge. */
export function staleBadge(m: Messages): HTMLElement {
  const badge = el('span', 'stale-badge', m.stale)
  badge.title = m.staleTitle
  return badge
}

/** A code shown as one unbroken monospace run. */
export function code(text: string): HTMLElement {
  return el('code', 'panel-code', text)
}

/** A button that looks like a link and opens something in the panel or on the map. */
export function linkButton(text: string, onClick: () => void, className = 'panel-link'): HTMLButtonElement {
  const button = el('button', className, text)
  button.type = 'button'
  button.addEventListener('click', onClick)
  return button
}

/** A term/definition list; rows whose value is null are left out. */
export function detailsList(rows: Array<[string, string | Node | null | undefined]>): HTMLElement {
  const list = el('dl', 'panel-details')
  for (const [term, value] of rows) {
    if (value === null || value === undefined || value === '') continue
    list.append(el('dt', undefined, term))
    const dd = el('dd')
    dd.append(value)
    list.append(dd)
  }
  return list
}

/** A section heading inside a panel. */
export function subtitle(text: string): HTMLElement {
  return el('h3', 'panel-subtitle', text)
}

/** A muted line saying a list is empty. */
export function emptyNote(text: string): HTMLElement {
  return el('p', 'panel-empty', text)
}

/**
 * A list that shows its first `initial` items and a button revealing the rest (long source lists
 * of coarse cells). `render` builds one item.
 */
export function collapsibleList<T>(m: Messages, className: string, items: readonly T[], initial: number, render: (item: T) => HTMLElement): HTMLElement {
  const list = el('ul', `panel-list ${className}`)
  const shown = items.length > initial + 2 ? initial : items.length
  for (const item of items.slice(0, shown)) list.append(render(item))
  if (shown === items.length) return list
  const wrapper = el('div')
  const more = linkButton(
    m.panel.showAll(items.length),
    () => {
      for (const item of items.slice(shown)) list.append(render(item))
      more.remove()
    },
    'panel-link panel-show-all',
  )
  wrapper.append(list, more)
  return wrapper
}

/** One line of text in a list item, muted. */
export function meta(text: string): HTMLElement {
  return el('span', 'panel-meta', text)
}
