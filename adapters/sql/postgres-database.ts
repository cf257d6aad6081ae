import pg from 'pg'
import { BridgeError } from '../../src/errors.ts'
import { INT8_OID, redactUrl, type SqlDatabase, type SqlExecutor } from './database.ts'

/**
 * A PostgreSQL server (node-postgres pool): the engine several bridge processes share. `schema` (optional) keeps this
 * deployment's tables in their own schema (created when missing), which is how tests share one server.
 * @example const db = await postgresDatabase('postgres://postgres@127.0.0.1:5432/bridge')
 */
export async function postgresDatabase(url: string, options: { schema?: string; max?: number } = {}): Promise<SqlDatabase> {
  const description = `PostgreSQL ${redactUrl(url)}${options.schema ? ` (schema ${options.schema})` : ''}`
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new BridgeError('DATABASE_SCHEMA_INVALID', `expected a lower-case SQL schema name, got ${JSON.stringify(options.schema)}`)
  }
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}), types: { getTypeParser: (oid: number, format?: any) => (oid === INT8_OID ? (v: string) => v : pg.types.getTypeParser(oid, format)) } as any })
  pool.on('error', () => undefined) // an idle client's lost connection: the next query reconnects or reports it
  const unavailable = (cause: unknown) =>
    new BridgeError('DATABASE_UNAVAILABLE', `cannot reach ${description}`, { kind: 'io', cause, details: (cause as Error).message })
  try {
    const client = await pool.connect()
    try {
      if (options.schema) await client.query(`create schema if not exists ${options.schema}`)
    } finally {
      client.release()
    }
  } catch (cause) {
    await pool.end().catch(() => undefined)
    throw unavailable(cause)
  }
  const executor = (runner: { query: pg.Pool['query'] } | pg.PoolClient): SqlExecutor => ({
    query: async <T>(text: string, params?: unknown[]) => (await (runner as pg.Pool).query(text, params as unknown[])).rows as T[],
    schema: options.schema,
  })
  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    let client: pg.PoolClient
    try {
      client = await pool.connect()
    } catch (cause) {
      throw unavailable(cause)
    }
    let broken: unknown
    try {
      return await fn(client)
    } catch (error) {
      broken = error
      throw error
    } finally {
      client.release(broken instanceof Error && !(broken instanceof BridgeError) ? broken : undefined)
    }
  }
  return {
    engine: 'postgres',
    description,
    ...executor(pool),
    transaction: (fn) =>
      withClient(async (client) => {
        await client.query('begin')
        try {
          const result = await fn(executor(client))
          await client.query('commit')
          return result
        } catch (error) {
          await client.query('rollback').catch(() => undefined)
          throw error
        }
      }),
    withLock: (name, fn) =>
      withClient(async (client) => {
        // a session lock on a connection held for the duration: released by unlock, or by the server if this process dies
        const key = `${options.schema ?? ''}/${name}`
        await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [key])
        try {
          return await fn()
        } finally {
          await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key])
        }
      }),
    async listen(channel, onPayload) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new BridgeError('DATABASE_CHANNEL_INVALID', `expected a lower-case channel name, got ${JSON.stringify(channel)}`)
      const client = new pg.Client({ connectionString: url })
      client.on('error', () => undefined)
      client.on('notification', (message) => {
        if (message.channel === channel) onPayload(message.payload ?? '')
      })
      try {
        await client.connect()
        await client.query(`listen ${channel}`)
      } catch (cause) {
        await client.end().catch(() => undefined)
        throw unavailable(cause)
      }
      return async () => {
        await client.end().catch(() => undefined)
      }
    },
    close: () => pool.end(),
  }
}
