import type { StateStore } from '../../src/ports.ts'
import type { SqlDatabase } from './database.ts'

/**
 * The bridge's StateStore port over the `state` table: each write is committed before it resolves; `lock` is the
 * database's named lock, so two processes on one PostgreSQL never run the same publish or revocation at once.
 * @example const state = sqlStateStore(db); await state.write('watch/cursor', { block: '12' })
 */
export function sqlStateStore(db: SqlDatabase): StateStore {
  return {
    async read<T>(key: string) {
      const rows = await db.query<{ value: T }>('select value from state where key = $1', [key])
      return rows[0]?.value
    },
    async write(key, value) {
      await db.query(
        `insert into state (key, value, updated_at) values ($1, $2::jsonb, now())
         on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`,
        [key, stateJson(value)],
      )
    },
    async keys(prefix) {
      // starts_with, not LIKE: `%` and `_` in a prefix mean themselves; sorted by code point whatever the collation
      const rows = await db.query<{ key: string }>('select key from state where starts_with(key, $1) order by key collate "C"', [prefix])
      return rows.map((row) => row.key)
    },
    lock: (name, fn) => db.withLock(`state/${name}`, fn),
  }
}

/** A state value as JSON text: bigint as decimal strings (as the JSON state file had them). */
export function stateJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v))
}
