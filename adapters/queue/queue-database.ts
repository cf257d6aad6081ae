import type { SqlDatabase } from '../sql/database.ts'
import { migrate } from '../sql/migrate.ts'
import { postgresDatabase } from '../sql/postgres-database.ts'

/**
 * The service's PostgreSQL database as the queue uses it: its schema brought up to date (the trail run and batch
 * tables are migration 004), a small connection pool, and no import of a JSON state file (a coordinator or worker is
 * not the process that owns the bridge's state).
 * @example const db = await openQueueDatabase(process.env.DATABASE_URL!)
 */
export async function openQueueDatabase(url: string): Promise<SqlDatabase> {
  const db = await postgresDatabase(url, { max: 4 })
  try {
    await migrate(db)
  } catch (error) {
    await db.close().catch(() => undefined)
    throw error
  }
  return db
}
