/** A time as the reader's locale writes it, to the minute. */
export function formatTime(iso: string, lang: 'zh-CN' | 'en'): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(lang, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
}
