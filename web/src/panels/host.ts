import { isAbortError } from '../api/client'
import type { Messages } from '../i18n'
import { formatSelection, sameSelection, type Selection } from '../state/selection'
import type { ErrorContext } from '../ui/banner'
import { el } from '../ui/dom'
import type { PanelFocus, PanelView } from './view'

/**
 * How the map follows a panel that opens: `fly` centres it on the selection (search), `jump`
 * does so without animation (a link holding a selection but no view), `reveal` pans only when the
 * selection is out of sight (links between panels), `none` leaves it (a click on the map, a link
 * holding a view).
 */
export type FocusMode = 'fly' | 'jump' | 'reveal' | 'none'

export interface SidePanelOptions {
  /** Builds the view of a selection. */
  createView(selection: Selection): PanelView
  /** The selection shown changed (null: closed). */
  onChange(selection: Selection | null): void
  /** The loaded view's highlight and target (null: clear the highlight). */
  onFocus(focus: PanelFocus | null, mode: FocusMode): void
  onError(context: ErrorContext, error: unknown): void
}

type State = { kind: 'closed' } | { kind: 'loading'; selection: Selection; view: PanelView } | { kind: 'shown'; selection: Selection; view: PanelView }

/**
 * The side panel: shows one selection at a time, keeps the ones it came from for the Back button,
 * aborts a load that another selection supersedes, and closes with Escape or its close button.
 */
export class SidePanel {
  private readonly root: HTMLElement
  private readonly options: SidePanelOptions
  private messages: Messages
  private state: State = { kind: 'closed' }
  private loading: AbortController | null = null
  /** Selections to go back to, most recent last. */
  private history: Selection[] = []

  constructor(root: HTMLElement, messages: Messages, options: SidePanelOptions) {
    this.root = root
    this.messages = messages
    this.options = options
    document.addEventListener('keydown', this.onKeyDown)
    this.render()
  }

  /** The selection shown or loading, or null when closed. */
  get selection(): Selection | null {
    return this.state.kind === 'closed' ? null : this.state.selection
  }

  setMessages(messages: Messages): void {
    this.messages = messages
    this.render()
  }

  /**
   * Opens a selection. `push` keeps the current one for Back (a link inside the panel); otherwise
   * the history starts afresh. Resolves once shown, failed, or superseded.
   */
  async open(selection: Selection, options: { mode: FocusMode; push?: boolean }): Promise<void> {
    const current = this.selection
    if (options.push && current && !sameSelection(current, selection)) this.history.push(current)
    else if (!options.push) this.history = []
    await this.show(selection, options.mode)
  }

  /** Goes back to the previous selection. */
  async back(): Promise<void> {
    const previous = this.history.pop()
    if (previous) await this.show(previous, 'reveal')
  }

  close(): void {
    this.loading?.abort()
    this.loading = null
    const wasOpen = this.state.kind !== 'closed'
    if (this.state.kind !== 'closed') this.state.view.dispose?.()
    this.state = { kind: 'closed' }
    this.history = []
    this.render()
    if (wasOpen) {
      this.options.onFocus(null, 'none')
      this.options.onChange(null)
    }
  }

  destroy(): void {
    document.removeEventListener('keydown', this.onKeyDown)
    this.close()
  }

  private async show(selection: Selection, mode: FocusMode): Promise<void> {
    this.loading?.abort()
    if (this.state.kind !== 'closed') this.state.view.dispose?.()
    const controller = new AbortController()
    this.loading = controller
    const view = this.options.createView(selection)
    this.state = { kind: 'loading', selection, view }
    this.render()
    this.options.onChange(selection)
    try {
      await view.load(controller.signal)
      if (controller.signal.aborted) return
      this.state = { kind: 'shown', selection, view }
      this.render()
      this.root.scrollTop = 0
      this.options.onFocus(view.focus(), mode)
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      this.close()
      this.options.onError(view.errorContext, err)
    } finally {
      if (this.loading === controller) this.loading = null
    }
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || this.state.kind === 'closed') return
    // Escape inside a form field (the date input) belongs to that field.
    if (event.target instanceof HTMLInputElement && this.root.contains(event.target)) return
    this.close()
  }

  private render(): void {
    const m = this.messages
    const state = this.state
    this.root.hidden = state.kind === 'closed'
    if (state.kind === 'closed') {
      this.root.replaceChildren()
      delete this.root.dataset.selection
      delete this.root.dataset.state
      this.root.removeAttribute('aria-busy')
      return
    }
    this.root.dataset.selection = formatSelection(state.selection)
    this.root.dataset.state = state.kind

    const header = el('div', 'panel-header')
    if (this.history.length > 0) {
      const back = el('button', 'panel-back', '‹')
      back.type = 'button'
      back.title = m.panel.back
      back.setAttribute('aria-label', m.panel.back)
      back.addEventListener('click', () => void this.back())
      header.append(back)
    }
    const heading = el('div', 'panel-heading')
    heading.append(el('span', 'panel-kind', state.view.kindLabel(m)))
    const close = el('button', 'panel-close', '×')
    close.type = 'button'
    close.title = m.panel.close
    close.setAttribute('aria-label', m.panel.close)
    close.addEventListener('click', () => this.close())

    if (state.kind === 'loading') {
      this.root.setAttribute('aria-busy', 'true')
      const loading = el('p', 'panel-loading')
      loading.append(state.view.title(m))
      heading.append(loading)
      header.append(heading, close)
      this.root.replaceChildren(header)
      return
    }
    this.root.removeAttribute('aria-busy')
    const title = el('h2', 'panel-title')
    title.append(state.view.title(m))
    heading.append(title)
    header.append(heading, close)
    const body = el('div', 'panel-body')
    body.append(...state.view.body(m))
    this.root.replaceChildren(header, body)
  }
}
