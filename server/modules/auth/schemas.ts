/**
 * The request and response schemas of sign-in, the current session and the users admin, and their
 * static types: the routes are typed by them (`typed(app)`), and the web imports the types through
 * web/src/api/contract.ts.
 */
import { sentObject, type SchemaType } from '../../http/schemas'
import { ROLES } from '../../domain/roles'

/** Shortest password a person may choose; generated ones are 16 characters. */
export const MIN_PASSWORD_LENGTH = 10

const userProperties = {
  id: { type: 'integer' },
  username: { type: 'string' },
  displayName: { type: ['string', 'null'] },
  role: { type: 'string', enum: ROLES },
  departmentId: { type: ['integer', 'null'] },
  divisionPrefix: { type: ['string', 'null'], description: 'jurisdiction of an inspector: a division-code prefix' },
  mgmtGridId: { type: ['integer', 'null'], description: "a grid worker's management grid" },
} as const

const userSchema = sentObject(userProperties)

/** A staff account as the users admin lists it. */
export const userRecordSchema = sentObject({ ...userProperties, disabled: { type: 'boolean' }, createdAt: { type: 'string' } })

export type UserRecord = SchemaType<typeof userRecordSchema>

export const sessionInfoSchema = sentObject({
  user: { anyOf: [userSchema, { type: 'null' }] },
  csrfToken: { type: ['string', 'null'], description: 'send it back in X-CSRF-Token on every POST/PUT/PATCH/DELETE' },
})

/** Who is signed in (user null when nobody) and the CSRF token of the session. */
export type SessionInfo = SchemaType<typeof sessionInfoSchema>

const username = { type: 'string', pattern: '^[A-Za-z0-9_.-]{3,64}$', description: '3–64 letters, digits, _ . -' } as const
const password = { type: 'string', minLength: 1, maxLength: 256 } as const
const newPassword = { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: 256 } as const
const scoping = {
  displayName: { type: ['string', 'null'], maxLength: 100 },
  role: { type: 'string', enum: ROLES },
  departmentId: { type: ['integer', 'null'], minimum: 1 },
  divisionPrefix: { type: ['string', 'null'], pattern: '^[0-9]{2,9}$' },
  mgmtGridId: { type: ['integer', 'null'], minimum: 1 },
} as const

export const loginBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password },
} as const

export const passwordBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['currentPassword', 'newPassword'],
  properties: { currentPassword: password, newPassword },
} as const

export const newUserSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'role'],
  properties: { username, password: { ...newPassword, description: 'left out: one is generated and returned once' }, ...scoping },
} as const

/** An account to create (the admin page's form). */
export type NewUser = SchemaType<typeof newUserSchema>

export const createdUserSchema = sentObject({
  user: userRecordSchema,
  password: { type: ['string', 'null'], description: 'the generated password, shown once; null when one was given' },
})

/** A created account, with its generated password shown once. */
export type CreatedUser = SchemaType<typeof createdUserSchema>

export const userChangeSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { ...scoping, password: newPassword, disabled: { type: 'boolean' } },
} as const

/** A change to an account (role, scope, name, password, disabled). */
export type UserChange = SchemaType<typeof userChangeSchema>
