import { isAbortError } from '../api/client'
import type { Messages } from '../i18n'
import { levelDot } from '../panels/parts'
import { enterpriseResults, wantsEnterpriseSearch, type SearchResult } from '../search/results'
import { el } from './dom'
import { formatDegrees } from './format'

/** Quiet time after the last keystroke before the server is asked, milliseconds. */
const DEBOUNCE_MS = 250

export interface SearchBoxOptions {
  /** Results that need no network (coordinates, divisions), for a query. */
  localResults(query: string): SearchResult[]
  onChoose(result: SearchResult): void
  onError(error: unknown): void
}

type ListState = { kind: 'idle' } | { kind: 'searching'; results: SearchResult[] } | { kind: 'shown'; results: SearchResult[] }

/**
 * The search box in the header: enterprise name or USCC, division name, or coordinates. Local
 * matches show at once; enterprises follow from the API (debounced, the previous request aborted).
 * Arrow keys move through the results, Enter chooses, Escape closes the list.
 */
export class SearchBox {
  private readonly input: HTMLInputElement
  private readonly clear: HTMLButtonElement
  private readonly list: HTMLUListElement
  private messages: Messages
  private state: ListState = { kind: 'idle' }
  private active = -1
  private timer: ReturnType<typeof setTimeout> | null = null
  private request: AbortController | null = null

  constructor(
    root: HTMLElement,
    messages: Messages,
    private readonly options: SearchBoxOptions,
  ) {
    this.messages = messages
    this.input = el('input', 'search-input')
    this.input.type = 'text'
    this.input.autocomplete = 'off'
    this.input.spellcheck = false
    this.input.setAttribute('role', 'combobox')
    this.input.setAttribute('aria-autocomplete', 'list')
    this.input.setAttribute('aria-controls', 'search-results')
    this.input.setAttribute('aria-expanded', 'false')
    this.clear = el('button', 'search-clear', '×')
    this.clear.type = 'button'
    this.list = el('ul', 'search-results')
    this.list.id = 'search-results'
    this.list.setAttribute('role', 'listbox')
    root.replaceChildren(this.input, this.clear, this.list)

    this.input.addEventListener('input', () => this.onInput())
    this.input.addEventListener('keydown', (event) => this.onKeyDown(event))
    this.input.addEventListener('focus', () => {
      if (this.input.value.trim()) this.onInput()
    })
    this.clear.addEventListener('click', () => {
      this.input.value = ''
      this.reset()
      this.input.focus()
    })
    // A click elsewhere closes the list; a click on a result is handled on pointerdown, before blur.
    document.addEventListener('pointerdown', (event) => {
      if (!root.contains(event.target as Node)) this.closeList()
    })
    this.render()
  }

  setMessages(messages: Messages): void {
    this.messages = messages
    this.render()
  }

  private onInput(): void {
    const query = this.input.value
    if (this.timer) clearTimeout(this.timer)
    this.request?.abort()
    if (!query.trim()) {
      this.reset()
      return
    }
    const local = this.options.localResults(query)
    const remote = local[0]?.kind !== 'coordinates' && wantsEnterpriseSearch(query)
    this.state = remote ? { kind: 'searching', results: local } : { kind: 'shown', results: local }
    this.active = local.length ? 0 : -1
    this.render()
    if (!remote) return
    this.timer = setTimeout(() => void this.searchEnterprises(query, local), DEBOUNCE_MS)
  }

  private async searchEnterprises(query: string, local: SearchResult[]): Promise<void> {
    const controller = new AbortController()
    this.request = controller
    try {
      const enterprises = await enterpriseResults(query, controller.signal)
      if (controller.signal.aborted) return
      // An enterprise found by its exact credit code is what was asked for: first.
      const exact = enterprises.filter((r) => r.kind === 'enterprise' && r.uscc === query.trim().toUpperCase())
      const results = exact.length ? [...exact, ...local] : [...local, ...enterprises]
      this.state = { kind: 'shown', results }
      if (this.active < 0 && results.length) this.active = 0
      this.render()
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      this.state = { kind: 'shown', results: local }
      this.render()
      this.options.onError(err)
    } finally {
      if (this.request === controller) this.request = null
    }
  }

  private onKeyDown(event: KeyboardEvent): void {
    const results = this.state.kind === 'idle' ? [] : this.state.results
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!results.length) return
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      this.active = (this.active + step + results.length) % results.length
      this.render()
    } else if (event.key === 'Enter') {
      const chosen = results[Math.max(0, this.active)]
      if (chosen) {
        event.preventDefault()
        this.choose(chosen)
      }
    } else if (event.key === 'Escape') {
      event.stopPropagation()
      this.closeList()
    }
  }

  private choose(result: SearchResult): void {
    this.closeList()
    this.options.onChoose(result)
  }

  private reset(): void {
    if (this.timer) clearTimeout(this.timer)
    this.request?.abort()
    this.state = { kind: 'idle' }
    this.active = -1
    this.render()
  }

  private closeList(): void {
    if (this.timer) clearTimeout(this.timer)
    this.request?.abort()
    this.state = { kind: 'idle' }
    this.render()
  }

  private resultItem(result: SearchResult, index: number): HTMLLIElement {
    const m = this.messages
    const item = el('li', 'search-result')
    item.id = `search-result-${index}`
    item.setAttribute('role', 'option')
    item.setAttribute('aria-selected', String(index === this.active))
    item.dataset.kind = result.kind
    const kind = el('span', 'search-result-kind', m.search.kinds[result.kind])
    const main = el('span', 'search-result-name')
    const detail = el('span', 'search-result-detail')
    if (result.kind === 'enterprise') {
      item.dataset.id = String(result.id)
      main.append(levelDot(m, result.level), ` ${result.name}`)
      detail.textContent = result.uscc
    } else if (result.kind === 'division') {
      item.dataset.code = result.code
      main.textContent = m.locale === 'en' && result.nameEn ? result.nameEn : result.name
      detail.textContent = result.code
    } else {
      main.textContent = m.search.coordinates(formatDegrees(result.lat), formatDegrees(result.lon))
      detail.textContent = result.latFirst ? m.search.swapped : ''
    }
    item.append(kind, main, detail)
    item.addEventListener('pointerdown', (event) => {
      event.preventDefault()
      this.choose(result)
    })
    return item
  }

  private render(): void {
    const m = this.messages
    this.input.placeholder = m.search.placeholder
    this.input.setAttribute('aria-label', m.search.label)
    this.clear.title = m.search.clear
    this.clear.setAttribute('aria-label', m.search.clear)
    this.clear.hidden = this.input.value === ''
    const state = this.state
    const open = state.kind !== 'idle'
    this.list.hidden = !open
    this.input.setAttribute('aria-expanded', String(open))
    if (!open) {
      this.list.replaceChildren()
      this.input.removeAttribute('aria-activedescendant')
      return
    }
    const items: HTMLElement[] = state.results.map((r, i) => this.resultItem(r, i))
    if (state.kind === 'searching') items.push(el('li', 'search-status', m.search.searching))
    else if (state.results.length === 0) items.push(el('li', 'search-status', m.search.noResults))
    this.list.replaceChildren(...items)
    if (this.active >= 0 && this.active < state.results.length) this.input.setAttribute('aria-activedescendant', `search-result-${this.active}`)
    else this.input.removeAttribute('aria-activedescendant')
  }
}
