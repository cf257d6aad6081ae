import { join } from 'node:path'
import type { SqlDatabase } from './database.ts'
import { DEFAULT_DATA_DIR } from './default-data-dir.ts'
import { importJsonState } from './import-json-state.ts'
import { migrate } from './migrate.ts'
import { MIGRATIONS } from './migrations/index.ts'
import { pgliteTemplate } from './pglite-template.ts'
import { pgliteDatabase } from './pglite-database.ts'
import { postgresDatabase } from './postgres-database.ts'

export type DatabaseOptions = {
  /** a PostgreSQL URL (what `DATABASE_URL` holds); without it, the embedded database in `dataDir` */
  url?: string | undefined
  /** the bridge's data folder (default `.ccp-bridge`): the embedded database lives in `<dataDir>/db` */
  dataDir?: string | undefined
  /** PostgreSQL only: a schema of its own for this deployment's tables */
  schema?: string | undefined
  /** a JSON state file of an earlier version to import (default `<dataDir>/state.json`, when present) */
  legacyStateFile?: string | undefined
}

export { DEFAULT_DATA_DIR }

/**
 * Opens the state database (PostgreSQL when `url` is given, else PGlite embedded in `<dataDir>/db`), brings its schema
 * up to date, and imports the JSON state file of an earlier version once. Close it when done.
 * @example const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: '.ccp-bridge' })
 */
export async function openDatabase(options: DatabaseOptions = {}): Promise<SqlDatabase> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR
  const embedded = options.url ? undefined : await pgliteDatabase(join(dataDir, 'db'), pgliteTemplate(MIGRATIONS))
  const db = embedded ?? (await postgresDatabase(options.url!, { ...(options.schema ? { schema: options.schema } : {}) }))
  try {
    await migrate(db)
    await embedded?.dumpIfFresh()
    await importJsonState(db, options.legacyStateFile ?? join(dataDir, 'state.json'))
  } catch (error) {
    await db.close().catch(() => undefined)
    throw error
  }
  return db
}
