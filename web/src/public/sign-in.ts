import { ApiError } from '../api/client'
import { signIn } from '../auth/session'
import { el } from '../ui/dom'
import type { PublicMessages } from './messages'

export interface SignInOptions {
  /** Signed in: go on (to the `next` path). */
  onSignedIn(): void
  /** The form was closed without signing in. */
  onCancel(): void
}

/**
 * The staff sign-in form, a modal over the portal. The API's refusals are shown in the form: a
 * wrong user name or password (401), too many attempts (429, with the API's text on when to retry).
 */
export class SignInForm {
  private readonly root: HTMLElement
  private readonly options: SignInOptions
  private messages: PublicMessages
  private readonly form = el('form', 'sign-in-form')
  private readonly title = el('h2', 'sign-in-title')
  private readonly username = el('input', 'sign-in-username')
  private readonly password = el('input', 'sign-in-password')
  private readonly usernameLabel = el('span')
  private readonly passwordLabel = el('span')
  private readonly submit = el('button', 'sign-in-submit')
  private readonly cancel = el('button', 'sign-in-cancel')
  private readonly error = el('p', 'sign-in-error')

  constructor(root: HTMLElement, messages: PublicMessages, options: SignInOptions) {
    this.root = root
    this.messages = messages
    this.options = options
    root.setAttribute('role', 'dialog')
    root.setAttribute('aria-modal', 'true')
    this.title.id = 'sign-in-title'
    root.setAttribute('aria-labelledby', this.title.id)
    this.username.name = 'username'
    this.username.autocomplete = 'username'
    this.username.required = true
    this.password.name = 'password'
    this.password.type = 'password'
    this.password.autocomplete = 'current-password'
    this.password.required = true
    this.submit.type = 'submit'
    this.cancel.type = 'button'
    this.error.setAttribute('role', 'alert')
    this.error.hidden = true
    const userField = el('label', 'sign-in-field')
    userField.append(this.usernameLabel, this.username)
    const passwordField = el('label', 'sign-in-field')
    passwordField.append(this.passwordLabel, this.password)
    const buttons = el('div', 'sign-in-buttons')
    buttons.append(this.submit, this.cancel)
    this.form.append(this.title, userField, passwordField, this.error, buttons)
    root.replaceChildren(this.form)
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      void this.send()
    })
    this.cancel.addEventListener('click', () => this.close(true))
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close(true)
    })
    this.render()
  }

  setMessages(messages: PublicMessages): void {
    this.messages = messages
    this.render()
  }

  get isOpen(): boolean {
    return !this.root.hidden
  }

  open(): void {
    this.root.hidden = false
    this.error.hidden = true
    this.username.focus()
  }

  close(cancelled = false): void {
    if (this.root.hidden) return
    this.root.hidden = true
    this.password.value = ''
    if (cancelled) this.options.onCancel()
  }

  private render(): void {
    const m = this.messages.signIn
    this.title.textContent = m.title
    this.usernameLabel.textContent = m.username
    this.passwordLabel.textContent = m.password
    this.submit.textContent = m.submit
    this.cancel.textContent = m.cancel
  }

  private async send(): Promise<void> {
    const m = this.messages.signIn
    if (!this.username.value || !this.password.value) {
      this.showError(m.wrong)
      return
    }
    this.submit.disabled = true
    try {
      await signIn(this.username.value.trim(), this.password.value)
      this.close()
      this.options.onSignedIn()
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.showError(m.wrong)
      else if (err instanceof ApiError && err.status === 429) this.showError(`${m.tooMany} ${err.message}`)
      else this.showError(`${m.failed}${err instanceof Error ? err.message : String(err)}`)
      this.password.select()
    } finally {
      this.submit.disabled = false
    }
  }

  private showError(text: string): void {
    this.error.textContent = text
    this.error.hidden = false
  }
}
