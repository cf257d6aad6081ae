import pg from 'pg'

/** The PostgreSQL server real-database tests use: `TEST_DATABASE_URL`, default the machine's server, database `test`. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

let available: Promise<boolean> | undefined

/**
 * True when the test server answers within two seconds (checked once per test file); tests skip with
 * `postgresSkipReason` otherwise.
 * @example describe.skipIf(!(await postgresAvailable()))('on PostgreSQL', () => { … })
 */
export function postgresAvailable(): Promise<boolean> {
  available ??= (async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 2000 })
    client.on('error', () => undefined)
    try {
      await client.connect()
      await client.query('select 1')
      return true
    } catch {
      console.warn(`SKIP: ${postgresSkipReason}`)
      return false
    } finally {
      await client.end().catch(() => undefined)
    }
  })()
  return available
}

export const postgresSkipReason = `no PostgreSQL server answers at ${testDatabaseUrl} (set TEST_DATABASE_URL): the real-database tests are skipped`

/**
 * A schema name of its own for one test (so test files running at once on one server never see each other's rows),
 * and the function that drops it with everything in it.
 * @example const { schema, drop } = freshSchema('state'); …; await drop()
 */
export function freshSchema(prefix: string): { schema: string; drop(): Promise<void> } {
  const schema = `t_${prefix.replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  return {
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: testDatabaseUrl })
      client.on('error', () => undefined)
      try {
        await client.connect()
        await client.query(`drop schema if exists ${schema} cascade`)
      } finally {
        await client.end().catch(() => undefined)
      }
    },
  }
}
