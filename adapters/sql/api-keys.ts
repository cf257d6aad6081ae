import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { BridgeError } from '../../src/errors.ts'
import type { ApiKeyInfo, ApiKeyScope } from '../../src/schema/api-service.ts'
import type { SqlExecutor } from './database.ts'

/**
 * API keys of the HTTP API: a bearer token `ccpb_<id>_<secret>`; the table keeps the id, a SHA-256 of the secret (the
 * secret is 32 random bytes, so a plain hash is enough: nothing to brute-force), the scopes and the revocation time.
 * The token itself is shown once, by `createApiKey`, and never stored or logged.
 */
const TOKEN = /^ccpb_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

type KeyRow = { id: string; name: string; secret_sha256: string; scopes: ApiKeyScope[]; created_at: Date; revoked_at: Date | null; last_used_at: Date | null }

/**
 * Creates a key with a name and scopes; returns its info and the token (shown to the user once, stored nowhere).
 * @example const { token } = await createApiKey(db, { name: 'auditor-ci', scopes: ['trails:verify'] })
 */
export async function createApiKey(db: SqlExecutor, options: { name: string; scopes: ApiKeyScope[] }): Promise<{ token: string; key: ApiKeyInfo }> {
  const id = randomBytes(8).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  const rows = await db.query<KeyRow>('insert into api_keys (id, name, secret_sha256, scopes) values ($1, $2, $3, $4::jsonb) returning *', [id, options.name, sha256Hex(secret), JSON.stringify([...new Set(options.scopes)])])
  return { token: `ccpb_${id}_${secret}`, key: keyInfo(rows[0]!) }
}

/**
 * Every key (revoked ones too), oldest first; never a secret.
 * @example for (const key of await listApiKeys(db)) console.log(key.id, key.scopes)
 */
export async function listApiKeys(db: SqlExecutor): Promise<ApiKeyInfo[]> {
  return (await db.query<KeyRow>('select * from api_keys order by created_at, id')).map(keyInfo)
}

/**
 * Revokes a key (from then on every request with it is refused); revoking twice keeps the first time. Undefined when no key has that id.
 * @example await revokeApiKey(db, '3f9a1c2b7d4e5f60')
 */
export async function revokeApiKey(db: SqlExecutor, id: string): Promise<ApiKeyInfo | undefined> {
  const rows = await db.query<KeyRow>('update api_keys set revoked_at = coalesce(revoked_at, now()) where id = $1 returning *', [id])
  return rows[0] && keyInfo(rows[0])
}

/** Why a bearer token was refused: not of the form, no such key, secret wrong, or revoked. */
export type KeyRefusal = 'malformed' | 'unknown' | 'revoked'

/**
 * Checks a bearer token: the key's id and scopes when it is a live key, else why not. The secret's hash is compared in
 * constant time (and a token naming no key costs the same comparison), so timing tells nothing about the secret.
 * @example const who = await authenticateApiKey(db, token); if ('refused' in who) …
 */
export async function authenticateApiKey(db: SqlExecutor, token: string): Promise<{ id: string; scopes: ApiKeyScope[] } | { refused: KeyRefusal }> {
  const m = TOKEN.exec(token)
  if (!m) return { refused: 'malformed' }
  const [, id, secret] = m as unknown as [string, string, string]
  const row = (await db.query<KeyRow>('select * from api_keys where id = $1', [id]))[0]
  const given = Buffer.from(sha256Hex(secret), 'hex')
  const stored = Buffer.from(row?.secret_sha256 ?? DUMMY_HASH, 'hex')
  const same = stored.length === given.length && timingSafeEqual(stored, given)
  if (!row || !same) return { refused: 'unknown' }
  if (row.revoked_at !== null) return { refused: 'revoked' }
  await db.query('update api_keys set last_used_at = now() where id = $1', [id])
  return { id, scopes: row.scopes }
}

/**
 * The id of a key from its token or id as a user may type either (`keys revoke`); refuses anything else.
 * @example keyIdOf('ccpb_3f9a1c2b7d4e5f60_…') // '3f9a1c2b7d4e5f60'
 */
export function keyIdOf(text: string): string {
  const m = TOKEN.exec(text)
  if (m) return m[1]!
  if (/^[0-9a-f]{16}$/.test(text)) return text
  throw new BridgeError('KEY_ID_INVALID', 'expected an API key id (16 hex digits, as `keys list` shows it)')
}

const DUMMY_HASH = '0'.repeat(64)

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function keyInfo(row: KeyRow): ApiKeyInfo {
  const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString())
  return { id: row.id, name: row.name, scopes: row.scopes, createdAt: new Date(row.created_at).toISOString(), revokedAt: iso(row.revoked_at), lastUsedAt: iso(row.last_used_at) }
}
