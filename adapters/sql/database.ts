/**
 * The state database of the bridge, one SQL dialect (PostgreSQL) on two engines: PGlite embedded in a data folder
 * (the default: nothing to install) and a PostgreSQL server (`DATABASE_URL`, shared by several processes).
 * Every query is written once, with `$1…` parameters; int8 columns come back as decimal strings on both engines.
 * @example const rows = await db.query<{ value: unknown }>('select value from state where key = $1', [key])
 */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>
  /** the PostgreSQL schema holding this deployment's tables (undefined: the default search path) */
  readonly schema: string | undefined
}

export interface SqlDatabase extends SqlExecutor {
  readonly engine: 'pglite' | 'postgres'
  /** where the data lives, for messages: a folder or a server URL without its password */
  readonly description: string
  /** runs `fn` in one transaction (committed when it resolves, rolled back when it throws) */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>
  /**
   * Runs `fn` holding a named lock that every process on the same database respects (a PostgreSQL advisory lock;
   * in the embedded engine, which one process owns, an in-process mutex). Two processes never run `fn` for one name at once.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>
  /** calls `onPayload` for each NOTIFY on `channel` (from any process on the database); returns the unsubscribe function */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

/** PostgreSQL's type id of int8 (bigint, bigserial): parsed as a decimal string so no value loses precision. */
export const INT8_OID = 20

/** A URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'a PostgreSQL URL'
  }
}
