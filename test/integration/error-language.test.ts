import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/app'
import { ERROR_MESSAGES_ZH } from '../../server/domain/error-messages'

// The one error path answers in the language the request asks for (Accept-Language, which the web
// app sets to its page language): English by default, Chinese for zh-CN, through the real app.

let staff: FastifyInstance
let anonymous: FastifyInstance

beforeAll(async () => {
  staff = await buildTestApp({}, { as: 'planner' })
  anonymous = await buildTestApp({}, { as: null })
})

afterAll(async () => {
  await staff?.close()
  await anonymous?.close()
})

const zh = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }

describe('error messages by Accept-Language', () => {
  it('names a bad query parameter in Chinese, and in English without the header', async () => {
    const chinese = await staff.inject({ url: '/api/enterprises?limit=-1', headers: zh })
    expect(chinese.statusCode).toBe(400)
    const body = chinese.json().error
    expect(body.code).toBe('invalid_input')
    expect(body.message).toBe(`${ERROR_MESSAGES_ZH.invalid_input}：limit`)
    expect(body.details[0]).toMatchObject({ field: 'limit' })
    expect(body.details[0].message).not.toMatch(/[A-Za-z]{2,}/)

    const english = (await staff.inject({ url: '/api/enterprises?limit=-1' })).json().error
    expect(english.message).toMatch(/^limit: must be >= /)
  })

  it('says not found, forbidden and sign in first in Chinese', async () => {
    const missing = await staff.inject({ url: '/api/enterprises/999999999', headers: zh })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().error.message).toBe(`${ERROR_MESSAGES_ZH.not_found}：id`)

    const forbidden = await staff.inject({ url: '/api/users', headers: zh })
    expect(forbidden.statusCode).toBe(403)
    expect(forbidden.json().error.message).toBe(ERROR_MESSAGES_ZH.forbidden)

    const signIn = await anonymous.inject({ url: '/api/enterprises', headers: zh })
    expect(signIn.statusCode).toBe(401)
    expect(signIn.json().error.message).toBe(ERROR_MESSAGES_ZH.unauthenticated)
    expect((await anonymous.inject({ url: '/api/enterprises', headers: { 'accept-language': 'en-GB' } })).json().error.message).toMatch(/^Sign in first/)
  })
})
