import type { SqlExecutor } from './database.ts'
import { stateJson } from './sql-state-store.ts'

/**
 * Reads one value of the `state` table through any executor, a transaction's included (the StateStore port of
 * sql-state-store.ts works on the database itself, outside transactions). Undefined when the key is absent.
 * @example const cursor = await readStateValue<{ next_block: number }>(tx, 'eras/follow/0x0d14…')
 */
export async function readStateValue<T>(db: SqlExecutor, key: string): Promise<T | undefined> {
  const rows = await db.query<{ value: T }>('select value from state where key = $1', [key])
  return rows[0]?.value
}

/**
 * Writes one value of the `state` table through any executor: inside a transaction, it commits with the rest.
 * @example await writeStateValue(tx, 'eras/follow/0x0d14…', { next_era: 413, next_block: 6 })
 */
export async function writeStateValue(db: SqlExecutor, key: string, value: unknown): Promise<void> {
  await db.query(
    `insert into state (key, value, updated_at) values ($1, $2::jsonb, now())
     on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`,
    [key, stateJson(value)],
  )
}
