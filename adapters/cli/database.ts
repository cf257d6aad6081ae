import type { SqlDatabase } from '../sql/database.ts'
import type { StateStore } from '../../src/ports.ts'

import { DEFAULT_DATA_DIR } from '../sql/default-data-dir.ts'

export { DEFAULT_DATA_DIR }

/** The database a command uses: PostgreSQL when `DATABASE_URL` is set, else the embedded one in `--data-dir`. */
export type CliDatabaseOptions = { dataDir?: string | undefined; legacyStateFile?: string | undefined }

const open = new Map<string, Promise<SqlDatabase>>()

/**
 * Opens (once per process) the state database of a command and schedules nothing else: `main` closes every database
 * a command opened when the command returns.
 * @example const db = await cliDatabase({ dataDir: values['data-dir'] })
 */
export function cliDatabase(options: CliDatabaseOptions = {}): Promise<SqlDatabase> {
  const url = process.env.DATABASE_URL || undefined
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR
  const key = url ?? `dir:${dataDir}`
  let db = open.get(key)
  if (!db) {
    // loaded on first use: commands that keep no state never load the database clients
    db = import('../sql/open-database.ts').then(({ openDatabase }) => openDatabase({ url, dataDir, legacyStateFile: options.legacyStateFile }))
    db.catch(() => open.delete(key))
    open.set(key, db)
  }
  return db
}

/**
 * The bridge's state (publish steps, watcher cursor…) in the command's database, opened on first use only, so a
 * command that never touches its state never pays for opening the database.
 * @example const state = cliStateStore({ dataDir: '.ccp-bridge' }); await state.read('watch/cursor')
 */
export function cliStateStore(options: CliDatabaseOptions = {}): StateStore {
  let store: Promise<StateStore> | undefined
  const get = () => (store ??= Promise.all([cliDatabase(options), import('../sql/sql-state-store.ts')]).then(([db, { sqlStateStore }]) => sqlStateStore(db)))
  return {
    read: async (key) => (await get()).read(key),
    write: async (key, value) => (await get()).write(key, value),
    keys: async (prefix) => (await get()).keys(prefix),
    lock: async (name, fn) => (await get()).lock!(name, fn),
  }
}

/** Closes every database opened by `cliDatabase` (main calls it when a command returns). */
export async function closeCliDatabases(): Promise<void> {
  const all = [...open.values()]
  open.clear()
  await Promise.all(all.map((db) => db.then((d) => d.close()).catch(() => undefined)))
}
