import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import { BridgeError } from '../../src/errors.ts'
import { decodeUtf8, parseJson } from '../../src/json/parse-json.ts'
import { LIMITS } from '../../src/limits.ts'
import { readFileBounded } from '../files/read-file.ts'
import type { SqlDatabase } from './database.ts'
import { stateJson } from './sql-state-store.ts'

/**
 * Imports a JSON state file of an earlier ccp-bridge (publish steps, the watch cursor, followed certificates, pending
 * revocations) into the `state` table, in one transaction. A key SQL already holds is kept (SQL is newer), so nothing
 * recorded is lost either way; a file is imported again only when its bytes changed. The file itself is left as it is.
 * @example await importJsonState(db, '.ccp-bridge/state.json') // { imported: 12 } the first time, undefined after
 */
export async function importJsonState(db: SqlDatabase, file: string): Promise<{ imported: number; kept: number } | undefined> {
  let bytes: Uint8Array
  try {
    bytes = await readFileBounded(file, LIMITS.stateFile)
  } catch (cause) {
    if ((cause as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return undefined
    throw new BridgeError('STATE_UNREADABLE', `cannot read the JSON state file to import it: ${(cause as BridgeError).shortMessage}`, { kind: 'io', file, cause })
  }
  const path = resolve(file)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const seen = await db.query<{ sha256: string }>('select sha256 from imported_state_files where path = $1', [path])
  if (seen[0]?.sha256 === sha256) return undefined
  const origin = { file, what: 'the JSON state file to import', code: 'STATE_CORRUPT' }
  const state = parseJson(decodeUtf8(bytes, origin), origin) // strict: duplicate keys refused
  if (state === null || typeof state !== 'object' || Array.isArray(state)) throw new BridgeError('STATE_CORRUPT', 'the JSON state file to import is not a JSON object', { file, path: '$' })
  const entries = Object.entries(state as Record<string, unknown>)
  return db.transaction(async (tx) => {
    let imported = 0
    for (const [key, value] of entries) {
      const rows = await tx.query('insert into state (key, value) values ($1, $2::jsonb) on conflict (key) do nothing returning key', [key, stateJson(value)])
      imported += rows.length
    }
    await tx.query(
      `insert into imported_state_files (path, sha256, keys) values ($1, $2, $3)
       on conflict (path) do update set sha256 = excluded.sha256, keys = excluded.keys, imported_at = now()`,
      [path, sha256, entries.length],
    )
    return { imported, kept: entries.length - imported }
  })
}
