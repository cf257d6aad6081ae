import { BridgeError } from '../../src/errors.ts'
import type { SqlDatabase } from './database.ts'
import { MIGRATIONS } from './migrations/index.ts'
import type { Migration } from './migrations/migration.ts'

/**
 * Brings the database's schema up to date: each migration not yet in `schema_migrations` runs in its own transaction,
 * all under one advisory lock, so processes that start together migrate once. Refuses a database that a newer
 * version of ccp-bridge migrated further than this one knows.
 * @example const applied = await migrate(db) // [1, 2] on a new database, [] afterwards
 */
export async function migrate(db: SqlDatabase, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  return db.withLock('ccp-bridge/migrations', async () => {
    await db.query(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`)
    const done = new Set((await db.query<{ version: number }>('select version from schema_migrations')).map((row) => Number(row.version)))
    const known = Math.max(0, ...migrations.map((m) => m.version))
    const newest = Math.max(0, ...done)
    if (newest > known) {
      throw new BridgeError('DATABASE_TOO_NEW', `${db.description} is at schema version ${newest}; this ccp-bridge knows versions up to ${known}`, {
        kind: 'io',
        details: 'upgrade ccp-bridge, or point it at another database',
      })
    }
    const applied: number[] = []
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue
      await db.transaction(async (tx) => {
        for (const statement of migration.statements) await tx.query(statement)
        await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [migration.version, migration.name])
      })
      applied.push(migration.version)
    }
    return applied
  })
}
