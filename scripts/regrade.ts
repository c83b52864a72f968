// Full regrade from the command line: `npm run regrade` (DATABASE_URL, or the embedded database in DATA_DIR).
import { loadConfig } from '../server/config'
import { DEFAULT_RULES } from '../server/domain/rules'
import { fullRegrade } from '../server/grading/engine'
import { openDatabase, progressBar } from './lib/database'

const config = loadConfig(process.env)
const { db, close } = await openDatabase(config)
const bar = progressBar('regrade')
try {
  const result = await fullRegrade(
    db,
    { res: config.h3Res, rules: DEFAULT_RULES },
    {
      onProgress: (p) => bar(p.done, p.total, p.phase),
    },
  )
  process.stderr.write('\n')
  console.log(JSON.stringify(result))
} catch (err) {
  process.stderr.write('\n')
  console.error(`regrade failed: ${(err as Error).message}`)
  process.exitCode = 1
} finally {
  await close()
}
