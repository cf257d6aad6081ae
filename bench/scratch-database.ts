import pg from 'pg'

/**
 * A PostgreSQL database of its own on a server, for a benchmark or a test file (pg-boss keeps its schema `pgboss` in
 * it, the bridge its tables), and the function that drops it, closing whatever still connects.
 * @example const { url, drop } = await scratchDatabase('postgres://postgres@127.0.0.1:5432/test', 'ccp_bench_queue'); …; await drop()
 */
export async function scratchDatabase(serverUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name: ${name}`)
  await admin(serverUrl, `create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => admin(serverUrl, `drop database if exists ${name} with (force)`) }
}

/** Runs one statement on the server's own database (creating or dropping databases). */
async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 })
  client.on('error', () => undefined)
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end().catch(() => undefined)
  }
}
