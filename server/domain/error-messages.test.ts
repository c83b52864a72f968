import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERROR_MESSAGES_ZH, errorLanguage, localizedMessage, validationMessage } from './error-messages'

const serverRoot = path.join(import.meta.dirname, '..')

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : []
  })
}

/** Every error code the server sends: thrown AppErrors, the token refusals, the error handler's own. */
function codesInSource(): Set<string> {
  const codes = new Set<string>()
  for (const file of sourceFiles(serverRoot)) {
    const text = fs.readFileSync(file, 'utf8')
    for (const match of text.matchAll(/new AppError\(\s*\d{3},\s*'([a-z_]+)'/g)) codes.add(match[1]!)
    for (const match of text.matchAll(/\brefused\('([a-z_]+)'/g)) codes.add(match[1]!)
    for (const match of text.matchAll(/\bsend\(\d{3}, '([a-z_]+)'/g)) codes.add(match[1]!)
  }
  return codes
}

describe('the Chinese error messages', () => {
  it('have a sentence for every error code the server sends', () => {
    const codes = codesInSource()
    // The helpers of server/domain/errors.ts and the 4xx codes of the error handler.
    for (const code of ['invalid_input', 'not_found', 'conflict', 'unavailable', 'bad_request', 'payload_too_large', 'unsupported_media_type']) codes.add(code)
    expect(codes.size).toBeGreaterThan(20)
    const missing = [...codes].filter((code) => !ERROR_MESSAGES_ZH[code])
    expect(missing).toEqual([])
  })

  it('contain no Latin word but the names of API tokens', () => {
    for (const [code, sentence] of Object.entries(ERROR_MESSAGES_ZH)) {
      expect(sentence.replace(/\b(API|CSRF)\b/g, ''), code).not.toMatch(/[A-Za-z]{2,}/)
    }
  })
})

describe('errorLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-Hans-CN,zh;q=0.9', 'zh-CN'],
    ['en', 'en'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['en;q=0.5, zh-CN', 'zh-CN'],
    ['zh-CN;q=0, en', 'en'],
    ['fr', 'en'],
  ] as const)('%j → %s', (header, lang) => {
    expect(errorLanguage(header)).toBe(lang)
  })
})

describe('localizedMessage', () => {
  it('keeps the thrown English message in English', () => {
    expect(localizedMessage('en', 'not_found', 'enterprise 12 not found', [])).toBe('enterprise 12 not found')
  })

  it('gives the code’s sentence in Chinese with the fields the details name, once each', () => {
    const details = [
      { field: 'lon', message: 'must be ≥ -180' },
      { field: 'lat', message: 'x' },
      { field: 'lon', message: 'y' },
    ]
    expect(localizedMessage('zh-CN', 'invalid_input', 'lon: must be ≥ -180', details)).toBe('输入有误：lon、lat')
    expect(localizedMessage('zh-CN', 'forbidden', 'The role planner may not do this', [])).toBe(ERROR_MESSAGES_ZH.forbidden)
  })

  it('keeps the thrown message for a code it does not know', () => {
    expect(localizedMessage('zh-CN', 'brand_new_code', 'something new', [])).toBe('something new')
  })

  it('turns validation keywords into Chinese', () => {
    expect(validationMessage('zh-CN', 'maximum', { limit: 90 }, 'must be <= 90')).toBe('不能大于 90')
    expect(validationMessage('zh-CN', 'required', { missingProperty: 'name' }, "must have required property 'name'")).toBe('必填')
    expect(validationMessage('en', 'maximum', { limit: 90 }, 'must be <= 90')).toBe('must be <= 90')
  })
})
