/** Creates an element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  if (className) element.className = className
  if (text !== undefined) element.textContent = text
  return element
}

/** The element matching `selector` inside `root`; throws naming the selector when the page lacks it. */
export function requireElement<T extends Element = HTMLElement>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector)
  if (!found) throw new Error(`The page has no element ${selector}`)
  return found
}

/**
 * Text that people wrote (names, notes), which the page shows as written in whatever language:
 * marked translate="no" (HTML's own mark for content a translation leaves alone).
 */
export function userText(text: string): HTMLSpanElement {
  const span = el('span', 'user-text', text)
  span.translate = false
  return span
}

/** An element holding labelled parts joined by ' · ', the user-written ones marked as such. */
export function metaLine<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  parts: Array<string | Node | null | undefined>,
): HTMLElementTagNameMap[K] {
  const element = el(tag, className)
  parts
    .filter((p): p is string | Node => p !== null && p !== undefined && p !== '')
    .forEach((part, i) => {
      if (i > 0) element.append(' · ')
      element.append(part)
    })
  return element
}

/** A label's text around a person's name (`format` puts the name in its sentence), the name marked user-written. */
export function labelled(format: (name: string) => string, name: string | null): DocumentFragment {
  const [before = '', after = ''] = format('\u0000').split('\u0000')
  const fragment = document.createDocumentFragment()
  fragment.append(before, name ? userText(name) : '—', after)
  return fragment
}
