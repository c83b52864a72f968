// Creates an admin account: `npm run create-admin -- <username> [display name]` (DATABASE_URL, or the
// embedded database in DATA_DIR). The password is read from RISKMAP_ADMIN_PASSWORD, or generated and
// printed once. Re-running with an existing username fails without changing anything.
import { loadConfig } from '../server/config'
import { createUser } from '../server/modules/auth/users'
import { openDatabase } from './lib/database'

const [username, ...nameParts] = process.argv.slice(2)
if (!username || username.startsWith('-')) {
  console.error('usage: npm run create-admin -- <username> [display name]   (password from RISKMAP_ADMIN_PASSWORD, else generated)')
  process.exit(2)
}
const config = loadConfig(process.env)
const { db, close } = await openDatabase(config)
try {
  const { user, password } = await db.transaction((trx) =>
    createUser(trx, { username, displayName: nameParts.join(' ') || null, role: 'admin', password: process.env.RISKMAP_ADMIN_PASSWORD || undefined }, null),
  )
  console.log(`Created admin ${user.username} (id ${user.id}).`)
  if (password) console.log(`Password (shown once, change it after signing in): ${password}`)
} catch (err) {
  const error = err as Error & { details?: Array<{ field?: string; message: string }> }
  console.error(`create-admin failed: ${error.message}`)
  process.exitCode = 1
} finally {
  await close()
}
