import { describe, expect, it } from 'vitest'
import { EXPORT_LAYERS } from '../../server/modules/transfer/export'
import { IMPORT_SPECS } from '../../server/modules/transfer/import'
import { IMPORT_KINDS } from '../../server/modules/transfer/kinds'
import { ADMIN_MESSAGES } from '../../web/src/admin/messages'

// The audit log names each import and export by its kind or layer (audit_log.entity); the admin page
// must word every one in both languages, or the raw key ('cells') shows in a Chinese page. Each record
// an import changes is audited under its kind's main table (updated_by_import), so those need names too.
describe('audit entity names', () => {
  const tables = Object.values(IMPORT_SPECS).map((spec) => spec.tables[0]!)
  const entities = [...new Set<string>([...IMPORT_KINDS, ...EXPORT_LAYERS, ...tables])]
  it.each(['zh-CN', 'en'] as const)('every import kind, its main table and export layer has a name in %s', (lang) => {
    const names = ADMIN_MESSAGES[lang].audit.entities
    expect(entities.filter((e) => !names[e])).toEqual([])
  })
  it('the Chinese names have no Latin word', () => {
    const names = ADMIN_MESSAGES['zh-CN'].audit.entities
    expect(entities.map((e) => names[e]).filter((n) => /[A-Za-z]/.test(n ?? ''))).toEqual([])
  })
})
