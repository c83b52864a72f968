/** The page's localStorage, or null where the browser refuses it (private mode, blocked cookies): callers then keep nothing. */
export function browserStorage(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}
