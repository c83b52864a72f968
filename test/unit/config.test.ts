import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config'

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: null, h3Res: 8, logLevel: 'info', loadDemo: true })
    expect(config.dataDir).toBe(path.resolve('./.riskmap'))
    expect(config).toMatchObject({ trustProxy: 0, publicUrl: null, metricsToken: null })
  })

  it('reads TRUST_PROXY as a hop count and PUBLIC_URL without its trailing slash', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(0)
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ PUBLIC_URL: 'https://risk.example.gov.cn/map/' }).publicUrl).toBe('https://risk.example.gov.cn/map')
  })

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u@db/riskmap',
      DATA_DIR: '/var/lib/riskmap',
      H3_RES: '9',
      LOG_LEVEL: 'warn',
    })
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u@db/riskmap',
      dataDir: '/var/lib/riskmap',
      h3Res: 9,
      logLevel: 'warn',
      // a real deployment gets no demo data unless it asks for it
      loadDemo: false,
    })
  })

  it('names the region with REGION_CODE (default Shenyang) and its register divisions', () => {
    const shenyang = loadConfig({})
    expect(shenyang.regionCode).toBe('210100')
    expect(shenyang.regionDivisions.filter((d) => d.rank === 'county')).toHaveLength(13)
    expect(shenyang.regionDivisions.map((d) => d.code)).toContain('210000') // its province stays known
    expect(shenyang.regionDivisions.some((d) => d.code.startsWith('2102'))).toBe(false)
    const liaoning = loadConfig({ REGION_CODE: '210000' })
    expect(liaoning.regionDivisions.filter((d) => d.rank === 'county')).toHaveLength(100)
    expect(liaoning.regionDivisions.filter((d) => d.rank === 'township').length).toBeGreaterThan(1000)
    // The demo is Shenyang: it loads by default only where the region covers it.
    expect(liaoning.loadDemo).toBe(true)
    expect(loadConfig({ REGION_CODE: '210200' }).loadDemo).toBe(false)
    expect(() => loadConfig({ REGION_CODE: '210200', LOAD_DEMO: 'true' })).toThrow(/LOAD_DEMO the demo data set is Shenyang \(210100\)/)
  })

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['H3_RES', '8.5', /H3_RES must be a whole number/],
    ['H3_RES', '16', /H3_RES must be between/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must start with postgres/],
    ['LOAD_DEMO', 'maybe', /LOAD_DEMO must be true or false/],
    ['REGION_CODE', 'Shenyang', /REGION_CODE must be a 6-digit GB\/T 2260 code/],
    ['REGION_CODE', '2101001', /REGION_CODE must be a 6-digit GB\/T 2260 code/],
    ['REGION_CODE', '219999', /REGION_CODE 219999 is not a division code of the shipped register/],
    ['REGION_CODE', '110000', /REGION_CODE 110000 is not a division code/],
    ['TRUST_PROXY', 'true', /TRUST_PROXY must be the number of proxies in front of the service .*lets a client choose its address/],
    ['TRUST_PROXY', '11', /TRUST_PROXY must be between 0 and 10/],
    ['TRUST_PROXY', '10.0.0.1', /TRUST_PROXY must be a whole number/],
    ['METRICS_TOKEN', 'short', /METRICS_TOKEN must be a secret of 24 to 200/],
    ['PUBLIC_URL', 'risk.example.gov.cn', /PUBLIC_URL must be an http\(s\) origin/],
    ['PUBLIC_URL', 'https://evil.example/"><script>', /PUBLIC_URL must be an http\(s\) origin/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [name]: value })).toThrow(message)
  })
})

describe('INDUSTRY_TABLE', () => {
  const write = (name: string, content: Buffer | string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskmap-industries-'))
    const file = path.join(dir, name)
    fs.writeFileSync(file, content)
    return file
  }

  it('lays a GBK or UTF-8 CSV of mappings over the built-in table, named in its version', () => {
    expect(loadConfig({}).industryTable.version).not.toMatch(/with /)
    const gbk = write('沈阳行业.csv', iconv.encode('代码,名称,行业,高危\r\n5162,石油及制品批发,gas,是\r\n', 'gbk'))
    const table = loadConfig({ INDUSTRY_TABLE: gbk }).industryTable
    expect(table.version).toMatch(/; with 沈阳行业\.csv: 1 rows replaced, 0 added$/)
    expect(table.rows.find((r) => r.code === '5162')).toEqual({ code: '5162', zh: '石油及制品批发', industry: 'gas', highHazard: true })
    const utf8 = write('local.csv', '\ufeffcode,name,industry\n2929,塑料零件及其他塑料制品制造,manufacturing\n')
    expect(loadConfig({ INDUSTRY_TABLE: utf8 }).industryTable.version).toMatch(/0 rows replaced, 1 added$/)
  })

  it('stops the start naming the setting, the file and the row', () => {
    expect(() => loadConfig({ INDUSTRY_TABLE: '/nonexistent/industries.csv' })).toThrow(
      /INDUSTRY_TABLE names a file that does not exist: \/nonexistent\/industries\.csv/,
    )
    const bad = write('bad.csv', 'code,name,industry\n26,化学原料和化学制品制造业,chemistry\n')
    expect(() => loadConfig({ INDUSTRY_TABLE: bad })).toThrow(
      /INDUSTRY_TABLE is not a valid industry table: bad\.csv row 1: industry "chemistry" is not one of/,
    )
    const ragged = write('ragged.csv', 'code,name,industry\n26,"unclosed\n')
    expect(() => loadConfig({ INDUSTRY_TABLE: ragged })).toThrow(/INDUSTRY_TABLE is not a readable CSV/)
  })
})
