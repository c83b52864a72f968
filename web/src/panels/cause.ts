import type { ChangeCause } from '../api/contract'
import type { Messages } from '../i18n'

/** What caused a level change, in words: "全量评估", "重大事故隐患 #11 整改". */
export function causeText(m: Messages, cause: ChangeCause | null): string {
  if (!cause) return ''
  const what = m.causes[cause.kind] ?? cause.kind
  const action = m.causeActions[cause.action] ?? cause.action
  const id = cause.kind === 'grading_run' || cause.kind === 'import' ? '' : ` #${cause.id}`
  return [`${what}${id}`, action].filter(Boolean).join(' ')
}
