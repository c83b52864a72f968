import type { Level } from '../api/types'
import type { Messages } from '../i18n'
import { LEVEL_COLORS, LEVEL_OUTLINE_COLOR, LEVELS_BY_SEVERITY } from '../map/levels'
import { el } from './dom'

/** The map legend: one row per risk level with its colour, name and how many enterprises have it. */
export class Legend {
  private readonly root: HTMLElement
  private messages: Messages
  private counts: Record<Level, number> | null = null

  constructor(root: HTMLElement, messages: Messages) {
    this.root = root
    this.messages = messages
    this.render()
  }

  setMessages(messages: Messages): void {
    this.messages = messages
    this.render()
  }

  /** Enterprises per level, shown beside each row; `null` while they load. */
  setCounts(counts: Record<Level, number> | null): void {
    this.counts = counts
    this.render()
  }

  private render(): void {
    const m = this.messages
    const title = el('h2', 'legend-title', m.legendTitle)
    title.id = 'legend-title'
    const list = el('ul', 'legend-list')
    for (const level of LEVELS_BY_SEVERITY) {
      // Level 0 is listed only when some enterprise has it: the legend explains what is drawn.
      if (level === 0 && !this.counts?.[0]) continue
      const item = el('li', 'legend-item')
      item.dataset.level = String(level)
      const swatch = el('span', 'legend-swatch')
      swatch.style.backgroundColor = LEVEL_COLORS[level]
      swatch.style.borderColor = LEVEL_OUTLINE_COLOR
      item.append(swatch, el('span', 'legend-name', m.levelNames[level]))
      if (this.counts) item.append(el('span', 'legend-count', this.counts[level].toLocaleString(m.locale)))
      list.append(item)
    }
    const children: Node[] = [title, list]
    if (this.counts) {
      const total = LEVELS_BY_SEVERITY.reduce<number>((sum, level) => sum + (this.counts?.[level] ?? 0), 0)
      children.push(el('p', 'legend-total', m.enterpriseCount(total)))
    } else {
      children.push(el('p', 'legend-total', m.loading))
    }
    this.root.replaceChildren(...children)
  }
}

/** Counts features per level. */
export function countByLevel(levels: Iterable<Level>): Record<Level, number> {
  const counts: Record<Level, number> = { 0: 0, 1: 0, 2: 0, 3: 0, 4: 0 }
  for (const level of levels) counts[level] += 1
  return counts
}
