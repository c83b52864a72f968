import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config'

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: null, h3Res: 8, logLevel: 'info', loadDemo: true })
    expect(config.dataDir).toBe(path.resolve('./.riskmap'))
  })

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@db/riskmap', DATA_DIR: '/var/lib/riskmap', H3_RES: '9', LOG_LEVEL: 'warn',
    })
    expect(config).toMatchObject({
      port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u@db/riskmap', dataDir: '/var/lib/riskmap', h3Res: 9, logLevel: 'warn',
      // a real deployment gets no demo data unless it asks for it
      loadDemo: false,
    })
  })

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['H3_RES', '8.5', /H3_RES must be a whole number/],
    ['H3_RES', '16', /H3_RES must be between/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must start with postgres/],
    ['LOAD_DEMO', 'maybe', /LOAD_DEMO must be true or false/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [name]: value })).toThrow(message)
  })
})
