import { describe, expect, it } from 'vitest'
import { generatePassword, hashPassword, verifyPassword } from '../../server/modules/auth/password'
import { RateLimiter } from '../../server/http/rate-limit'

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse 电池')
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(await verifyPassword('correct horse 电池', hash)).toBe(true)
    expect(await verifyPassword('correct horse 电池 ', hash)).toBe(false)
    expect(await verifyPassword('wrong', hash)).toBe(false)
  })

  it('salts every hash and rejects malformed stored values', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'))
    expect(await verifyPassword('x', 'plaintext')).toBe(false)
    expect(await verifyPassword('x', 'bcrypt$1$2$3$a$b')).toBe(false)
  })

  it('generates unambiguous 16-character passwords', () => {
    const p = generatePassword()
    expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{16}$/)
    expect(generatePassword()).not.toBe(p)
  })
})

describe('RateLimiter', () => {
  it('allows the limit, then answers with the seconds to wait, then resets with the window', () => {
    let now = 0
    const limiter = new RateLimiter(3, 60_000, () => now)
    expect([limiter.hit('a'), limiter.hit('a'), limiter.hit('a')]).toEqual([0, 0, 0])
    expect(limiter.hit('a')).toBe(60)
    expect(limiter.hit('b')).toBe(0)
    now = 30_000
    expect(limiter.hit('a')).toBe(30)
    now = 60_001
    expect(limiter.hit('a')).toBe(0)
  })
})
