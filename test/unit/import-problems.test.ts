import { describe, expect, it } from 'vitest'
import { FILE_PROBLEM_CODES, IMPORT_PROBLEM_CODES } from '../../server/modules/transfer/problems'
import { FILE_PROBLEM_WORDING, PROBLEM_WORDING } from '../../web/src/transfer/problems'

// Every reason an import can give for a row has a code (server/modules/transfer/problems.ts); the
// upload page words each code in Chinese and English (web/src/transfer/problems.ts). A code added to
// the server without its wordings fails here.

/** Latin words a Chinese reason may say: formats, standards, units, symbols and values typed as such. */
const ALLOWED_IN_CHINESE = new Set([
  'CSV',
  'UTF-8',
  'UTF',
  'GBK',
  'XLSX',
  'Excel',
  'ZIP',
  'XML',
  'PBF',
  'Shapefile',
  'FeatureCollection',
  'Feature',
  'EPSG',
  'WGS',
  'CGCS',
  'GCJ',
  'BD',
  'UTM',
  'MB',
  'osmium',
  'Unicode',
  'crs',
  'shp',
  'dbf',
  'prj',
  'cpg',
  'xls',
  'xlsx',
  'osm',
  'pbf',
  'zip',
  'JSON',
  'GeoJSON',
  'WKT',
  'GIS',
  'GB',
  'LEC',
  'OpenStreetMap',
  'highway',
  'primary',
  'residential',
  'yes',
  'no',
  'km',
  'h',
  'L',
  'E',
  'C',
  'S',
  'Q',
  'q',
  'x',
  'y',
  'I',
  'O',
  'V',
  'Z',
  'T',
  'name',
  'cas',
  'class',
  'beta',
  'item',
  'quantity',
  'unit',
])

/** Latin words outside the values (in «»), as the one-language browser scan reads them: a run with a digit is a code, one letter a symbol. */
function latinWords(text: string): string[] {
  return (text.replace(/«[^»]*»/g, ' ').match(/[A-Za-z0-9][A-Za-z0-9²_-]*/g) ?? []).filter((w) => /[A-Za-z]/.test(w) && !/\d/.test(w) && w.length > 1)
}

/** Sample parameters: every name a wording may read, as text, numbers and a list. */
const sample = new Proxy({} as Record<string, string | number | string[]>, {
  get: (_t, key) =>
    key === 'owners' ? ['depot', 'shelter'] : key === 'allowed' || key === 'codes' || key === 'candidates' ? ['a', 'b'] : key === 'type' ? 'Polygon' : 7,
  has: () => true,
})
const marked = new Proxy({} as Record<string, string>, { get: (_t, key) => `«${String(key)}»` })

describe('import row reasons by code', () => {
  it('the server lists each code once', () => {
    expect(new Set(IMPORT_PROBLEM_CODES).size).toBe(IMPORT_PROBLEM_CODES.length)
  })

  it.each(['zh', 'en'] as const)('the upload page words every code in %s', (lang) => {
    const missing = IMPORT_PROBLEM_CODES.filter((code) => typeof PROBLEM_WORDING[lang][code] !== 'function')
    expect(missing).toEqual([])
    // And no wording for a code the server no longer sends.
    const known = new Set<string>(IMPORT_PROBLEM_CODES)
    expect(Object.keys(PROBLEM_WORDING[lang]).filter((code) => !known.has(code))).toEqual([])
  })

  it('every Chinese wording is Chinese, whatever the parameters', () => {
    const english: string[] = []
    for (const code of IMPORT_PROBLEM_CODES) {
      const wording = PROBLEM_WORDING.zh[code]!
      const text = wording(marked, sample)
      expect(text, code).toMatch(/[\u4e00-\u9fff]/)
      // The values it names (in «») are shown as written; the rest must not be English.
      for (const word of latinWords(text)) {
        if (!ALLOWED_IN_CHINESE.has(word)) english.push(`${code}: ${word}`)
      }
    }
    expect(english).toEqual([])
  })

  it.each(['zh', 'en'] as const)('the upload page words every problem of a refused file in %s, and the Chinese ones are Chinese', (lang) => {
    expect(FILE_PROBLEM_CODES.filter((code) => typeof FILE_PROBLEM_WORDING[lang][code] !== 'function')).toEqual([])
    const known = new Set<string>(FILE_PROBLEM_CODES)
    expect(Object.keys(FILE_PROBLEM_WORDING[lang]).filter((code) => !known.has(code))).toEqual([])
    const english: string[] = []
    for (const code of FILE_PROBLEM_CODES) {
      const text = FILE_PROBLEM_WORDING[lang][code]!(marked, sample)
      expect(text.length, code).toBeGreaterThan(3)
      if (lang === 'en') continue
      expect(text, code).toMatch(/[\u4e00-\u9fff]/)
      for (const word of latinWords(text)) {
        if (!ALLOWED_IN_CHINESE.has(word)) english.push(`${code}: ${word}`)
      }
    }
    expect(english).toEqual([])
  })

  it('every English wording is English and names its values', () => {
    for (const code of IMPORT_PROBLEM_CODES) {
      const text = PROBLEM_WORDING.en[code]!(marked, sample)
      expect(text, code).not.toMatch(/[\u4e00-\u9fff]/)
      expect(text.length, code).toBeGreaterThan(5)
    }
    expect(PROBLEM_WORDING.en.below_min!(marked, { number: -1, min: 0 })).toBe('must be at least «min», got «number»')
  })
})
