import { ApiError } from '../api/client'
import type { Messages } from '../i18n'
import { errorCodeText } from '../i18n'
import { el } from './dom'

/** What the user was doing when an error happened; each has a sentence in the i18n files. */
export type ErrorContext =
  | 'loadDivisions'
  | 'loadEnterprises'
  | 'loadEnterprise'
  | 'loadCell'
  | 'loadRegion'
  | 'loadChanges'
  | 'loadRecord'
  | 'search'
  | 'loadHealth'
  | 'map'
  | 'loadIncident'
  | 'loadGaps'

interface ShownError {
  context: ErrorContext
  error: unknown
}

/** At most this many errors are listed; older ones drop off. */
const MAX_SHOWN = 3

/**
 * A small dismissible banner listing errors in the user's language: what failed, then why
 * (the API's error code explained, or its message when the code is unknown) and the HTTP status.
 */
export class ErrorBanner {
  private readonly root: HTMLElement
  private messages: Messages
  private errors: ShownError[] = []

  constructor(root: HTMLElement, messages: Messages) {
    this.root = root
    this.messages = messages
    this.render()
  }

  setMessages(messages: Messages): void {
    this.messages = messages
    this.render()
  }

  show(context: ErrorContext, error: unknown): void {
    this.errors = [...this.errors.filter((e) => e.context !== context), { context, error }].slice(-MAX_SHOWN)
    this.render()
  }

  /** Removes the errors of one context (it succeeded since), or all of them. */
  clear(context?: ErrorContext): void {
    this.errors = context ? this.errors.filter((e) => e.context !== context) : []
    this.render()
  }

  /** One line describing an error in the current language. */
  describe({ context, error }: ShownError): string {
    const m = this.messages
    const what = m.errors[context]
    if (error instanceof ApiError) {
      // One language: the page's own text of the code where it has one (the browser's text of a failed
      // fetch is English), else the server's message, which comes in the page's language (api/client.ts).
      const reason = errorCodeText(m, error.code) ?? error.message
      return error.status ? `${what}: ${reason} [HTTP ${error.status}]` : `${what}: ${reason}`
    }
    return `${what}: ${error instanceof Error ? error.message : String(error)}`
  }

  private render(): void {
    this.root.hidden = this.errors.length === 0
    if (this.errors.length === 0) {
      this.root.replaceChildren()
      return
    }
    const list = el('ul', 'banner-list')
    for (const shown of this.errors) {
      const item = el('li', 'banner-item', this.describe(shown))
      item.dataset.context = shown.context
      list.append(item)
    }
    const dismiss = el('button', 'banner-dismiss', '×')
    dismiss.type = 'button'
    dismiss.title = this.messages.errors.dismiss
    dismiss.setAttribute('aria-label', this.messages.errors.dismiss)
    dismiss.addEventListener('click', () => this.clear())
    this.root.replaceChildren(el('strong', 'banner-title', this.messages.errors.title), list, dismiss)
  }
}
