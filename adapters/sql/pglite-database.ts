import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { BridgeError } from '../../src/errors.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { INT8_OID, type SqlDatabase, type SqlExecutor } from './database.ts'
import { keyedMutex } from './keyed-mutex.ts'

/** What a new database starts from, and where a fresh one is kept for the next (see pglite-template.ts). */
export type PgliteTemplate = { load(): Promise<Blob | undefined>; save(dump: Blob): Promise<void> }

/**
 * The embedded engine: PGlite (PostgreSQL compiled to WebAssembly) persisted in a folder, owned by this process. A new
 * folder starts from `template` when there is one; `fresh` tells the caller it should save one once it migrated.
 * @example const db = await pgliteDatabase('.ccp-bridge/db')
 */
export async function pgliteDatabase(dir: string, template?: PgliteTemplate): Promise<SqlDatabase & { dumpIfFresh(): Promise<void> }> {
  const release = await lockDataDir(dir)
  let db
  let startedEmpty = false
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    const isNew = !existsSync(join(dir, 'PG_VERSION'))
    const dump = isNew ? await template?.load() : undefined
    startedEmpty = isNew && dump === undefined
    db = await PGlite.create(dir, { parsers: { [INT8_OID]: (value: string) => value }, ...(dump ? { loadDataDir: dump } : {}) })
  } catch (cause) {
    await release()
    throw new BridgeError('DATABASE_UNAVAILABLE', `cannot open the embedded database in ${dir}`, { kind: 'io', file: dir, cause, details: (cause as Error).message })
  }
  const pglite = db
  const mutex = keyedMutex()
  const executor = (runner: { query: typeof pglite.query }): SqlExecutor => ({
    query: async <T>(text: string, params?: unknown[]) => (await runner.query<T>(text, params as unknown[])).rows,
    schema: undefined,
  })
  return {
    engine: 'pglite',
    description: `embedded database in ${dir}`,
    ...executor(pglite),
    transaction: (fn) => pglite.transaction((tx) => fn(executor(tx))),
    withLock: (name, fn) => mutex(name, fn),
    async listen(channel, onPayload) {
      const unlisten = await pglite.listen(channel, onPayload)
      return () => unlisten()
    },
    async dumpIfFresh() {
      if (startedEmpty && template) await template.save(await pglite.dumpDataDir('none'))
    },
    async close() {
      try {
        if (!pglite.closed) await pglite.close()
      } finally {
        await release()
      }
    },
  }
}
