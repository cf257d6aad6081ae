import { cursorJson, indexedStatus, parseCursor, type CertificateChange, type ChainCursor, type ChangeType, type RegistryIndex } from '../../src/bridge/registry-index.ts'
import type { Address, Hex, RegistryStatus } from '../../src/ports.ts'
import type { SqlDatabase, SqlExecutor } from './database.ts'
import { appendEvent } from './events.ts'
import { stateJson } from './sql-state-store.ts'

/**
 * The registry index in SQL (table `certificates`, migration 005): every certificate the watcher saw, its status as of
 * the last event it processed, and the watcher's head (state key `watch/head`). Each change is also one `certificate`
 * event in the event log (subject = the certHash in lower case; payload `{ type, agent, status, txHash, … }`), appended in
 * the same transaction, so a server streams it (and drops its cached decisions) as soon as it is committed.
 */
export type IndexedCertificate = {
  certHash: Hex
  agent: Address
  operator: Address | null
  certificateClass: string | null
  /** exact (the registry's uint128), null when never seen */
  containmentBound: bigint | null
  issuedAt: Date | null
  expiresAt: Date | null
  /** as of the last event processed; null when the index never learnt it */
  status: RegistryStatus | null
  uri: string | null
  publishedBlock: bigint | null
  publishedTx: Hex | null
  /** the certificate that replaced this one by renewal */
  renewedBy: Hex | null
  /** the block of the last event processed for it */
  lastBlock: bigint
  updatedAt: Date
}

/** The payload `type` of a certificate event: a registry change, or a correction after a reorg deeper than the confirmations. */
export type CertificateEventType = ChangeType | 'reorged' | 'dropped'

/** The state key of the watcher's head: `{ block, hash, at, recent }` (blocks as decimal strings). */
export const WATCHER_HEAD_KEY = 'watch/head'

type Row = {
  cert_hash: string
  agent: string
  operator: string | null
  class: string | null
  containment_bound: string | null
  issued_at: Date | null
  expires_at: Date | null
  status: string | null
  uri: string | null
  published_block: string | null
  published_tx: string | null
  renewed_by: string | null
  last_block: string
  last_log_index: number
  updated_at: Date
}

const isoSeconds = (seconds: number | undefined) => (seconds === undefined ? null : new Date(seconds * 1000).toISOString())

/**
 * Applies one registry change to the index and appends its event, inside the caller's transaction. A change at or
 * before the certificate's last recorded one (block, then log index) is skipped. Returns the status recorded, or
 * `null` when skipped.
 * @example await db.transaction((tx) => recordCertificateEvent(tx, { type: 'revoked', certHash, agent, block: 42n, logIndex: 0 }))
 */
export async function recordCertificateEvent(tx: SqlExecutor, change: CertificateChange): Promise<{ status: RegistryStatus | undefined } | null> {
  const certHash = change.certHash.toLowerCase()
  const rows = await tx.query<Pick<Row, 'status' | 'last_block' | 'last_log_index'>>('select status, last_block, last_log_index from certificates where cert_hash = $1 for update', [certHash])
  const row = rows[0]
  if (row && (BigInt(row.last_block) > change.block || (BigInt(row.last_block) === change.block && Number(row.last_log_index) >= change.logIndex))) return null
  const status = indexedStatus((row?.status ?? undefined) as RegistryStatus | undefined, change)
  const published = change.type === 'published'
  await tx.query(
    `insert into certificates (cert_hash, agent, operator, class, containment_bound, issued_at, expires_at, status, uri, published_block, published_tx, renewed_by, last_block, last_log_index, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now())
     on conflict (cert_hash) do update set
       agent = excluded.agent,
       operator = coalesce(excluded.operator, certificates.operator),
       class = coalesce(excluded.class, certificates.class),
       containment_bound = coalesce(excluded.containment_bound, certificates.containment_bound),
       issued_at = coalesce(excluded.issued_at, certificates.issued_at),
       expires_at = coalesce(excluded.expires_at, certificates.expires_at),
       status = excluded.status,
       uri = coalesce(excluded.uri, certificates.uri),
       published_block = coalesce(excluded.published_block, certificates.published_block),
       published_tx = coalesce(excluded.published_tx, certificates.published_tx),
       renewed_by = coalesce(excluded.renewed_by, certificates.renewed_by),
       last_block = excluded.last_block,
       last_log_index = excluded.last_log_index,
       updated_at = excluded.updated_at`,
    [
      certHash,
      change.agent,
      change.operator ?? null,
      change.certificateClass ?? null,
      change.containmentBound?.toString() ?? null,
      isoSeconds(change.issuedAt),
      isoSeconds(change.expiresAt),
      status ?? null,
      change.uri ?? null,
      published ? change.block.toString() : null,
      published ? (change.txHash ?? null) : null,
      change.successor?.toLowerCase() ?? null,
      change.block.toString(),
      change.logIndex,
    ],
  )
  await appendEvent(tx, {
    kind: 'certificate',
    subject: certHash,
    block: change.block,
    payload: {
      type: change.type,
      agent: change.agent,
      status: status ?? null,
      ...(change.txHash ? { txHash: change.txHash } : {}),
      logIndex: change.logIndex,
      ...(change.operator ? { operator: change.operator } : {}),
      ...(published && change.certificateClass ? { class: change.certificateClass } : {}),
      ...(published && change.containmentBound !== undefined ? { containmentBound: change.containmentBound.toString() } : {}),
      ...(published && change.expiresAt !== undefined ? { expiresAt: isoSeconds(change.expiresAt) } : {}),
      ...(published && change.uri ? { uri: change.uri } : {}),
      ...(change.successor ? { successor: change.successor.toLowerCase() } : {}),
      ...(change.upheld !== undefined ? { upheld: change.upheld } : {}),
    },
  })
  return { status }
}

/**
 * Indexed certificates, newest publish first: of one agent, one operator, in one status, or expiring before a time
 * (what an operator renews next: soonest expiry first).
 * @example const next = await listCertificates(db, { operator, status: 'ACTIVE', expiringBefore: in30Days })
 */
export async function listCertificates(
  db: SqlExecutor,
  filter: { agent?: string; operator?: string; status?: RegistryStatus; expiringBefore?: Date; limit?: number; offset?: number } = {},
): Promise<IndexedCertificate[]> {
  const where: string[] = []
  const params: unknown[] = []
  const add = (clause: string, value: unknown) => {
    params.push(value)
    where.push(clause.replace('?', `$${params.length}`))
  }
  if (filter.agent !== undefined) add('lower(agent) = ?', filter.agent.toLowerCase())
  if (filter.operator !== undefined) add('lower(operator) = ?', filter.operator.toLowerCase())
  if (filter.status !== undefined) add('status = ?', filter.status)
  if (filter.expiringBefore !== undefined) add('expires_at < ?', filter.expiringBefore.toISOString())
  params.push(filter.limit ?? 100, filter.offset ?? 0)
  const order = filter.expiringBefore !== undefined ? 'expires_at asc, cert_hash' : 'published_block desc nulls last, last_block desc, cert_hash'
  const rows = await db.query<Row>(
    `select * from certificates ${where.length ? `where ${where.join(' and ')}` : ''} order by ${order} limit $${params.length - 1} offset $${params.length}`,
    params,
  )
  return rows.map(fromRow)
}

/**
 * One indexed certificate, or undefined when the watcher has not seen it.
 * @example const cert = await getIndexedCertificate(db, '0x18f5…')
 */
export async function getIndexedCertificate(db: SqlExecutor, certHash: string): Promise<IndexedCertificate | undefined> {
  const rows = await db.query<Row>('select * from certificates where cert_hash = $1', [certHash.toLowerCase()])
  return rows[0] && fromRow(rows[0])
}

/**
 * The watcher's head: the newest confirmed block it processed (every change up to it is in the index and the event
 * log), that block's hash, and when it got there. Undefined before its first range.
 * @example const head = await watcherHead(db) // { block: 1234n, hash: '0x…', at: Date }
 */
export async function watcherHead(db: SqlExecutor): Promise<{ block: bigint; hash: Hex | undefined; at: Date | undefined } | undefined> {
  const cursor = parseCursor(await readState(db, WATCHER_HEAD_KEY))
  return cursor && { block: cursor.block, hash: cursor.hash, at: cursor.at ? new Date(cursor.at) : undefined }
}

/**
 * The `RegistryIndex` port over these tables. `record` and `rewind` run in one transaction each, under the
 * database's lock `watch/index`, so watchers in several processes on one PostgreSQL record each change once.
 * @example const index = sqlRegistryIndex(db); await watchOnce({ registry, store, state, index }, { now })
 */
export function sqlRegistryIndex(db: SqlDatabase): RegistryIndex {
  return {
    head: async () => parseCursor(await readState(db, WATCHER_HEAD_KEY)),
    record: (changes, head) =>
      db.withLock('watch/index', () =>
        db.transaction(async (tx) => {
          const stored = parseCursor(await readState(tx, WATCHER_HEAD_KEY))
          if (stored && stored.block >= head.block) return [] // another watcher got there first
          const recorded: Array<CertificateChange & { status: RegistryStatus | undefined }> = []
          for (const change of changes) {
            if (stored && change.block <= stored.block) continue
            const result = await recordCertificateEvent(tx, change)
            if (result) recorded.push({ ...change, status: result.status })
          }
          await writeState(tx, WATCHER_HEAD_KEY, cursorJson(head))
          return recorded
        }),
      ),
    rewind: (to) => db.withLock('watch/index', () => db.transaction((tx) => rewindIndex(tx, to))),
  }
}

/**
 * Moves the index back to block `to` after a reorg deeper than the confirmations: each certificate changed after it
 * gets its status as of `to` back (from its last event at or before `to`), and one first seen after it is dropped;
 * each correction is an event (`reorged` or `dropped`), so a server drops what it cached.
 */
async function rewindIndex(tx: SqlExecutor, to: ChainCursor | undefined): Promise<Array<{ certHash: Hex; status: RegistryStatus | undefined }>> {
  const toBlock = to?.block ?? -1n
  const affected = await tx.query<{ cert_hash: string; agent: string }>('select cert_hash, agent from certificates where last_block > $1 order by cert_hash', [toBlock.toString()])
  const out: Array<{ certHash: Hex; status: RegistryStatus | undefined }> = []
  for (const { cert_hash: certHash, agent } of affected) {
    const last = await tx.query<{ payload: { status?: string | null; logIndex?: number }; block: string }>(
      `select payload, block from events where kind = 'certificate' and subject = $1 and block <= $2 and payload->>'type' <> 'dropped' order by id desc limit 1`,
      [certHash, toBlock.toString()],
    )
    const before = last[0]
    if (!before) {
      await tx.query('delete from certificates where cert_hash = $1', [certHash])
      await appendEvent(tx, { kind: 'certificate', subject: certHash, block: toBlock < 0n ? null : toBlock, payload: { type: 'dropped', agent, status: null } })
      out.push({ certHash: certHash as Hex, status: undefined })
      continue
    }
    const status = (before.payload.status ?? null) as RegistryStatus | null
    await tx.query('update certificates set status = $2, last_block = $3, last_log_index = $4, updated_at = now() where cert_hash = $1', [certHash, status, before.block, before.payload.logIndex ?? -1])
    await appendEvent(tx, { kind: 'certificate', subject: certHash, block: toBlock, payload: { type: 'reorged', agent, status, logIndex: before.payload.logIndex ?? -1 } })
    out.push({ certHash: certHash as Hex, status: status ?? undefined })
  }
  if (to) await writeState(tx, WATCHER_HEAD_KEY, cursorJson(to))
  else await tx.query('delete from state where key = $1', [WATCHER_HEAD_KEY])
  return out
}

async function readState(db: SqlExecutor, key: string): Promise<unknown> {
  return (await db.query<{ value: unknown }>('select value from state where key = $1', [key]))[0]?.value
}

async function writeState(db: SqlExecutor, key: string, value: unknown): Promise<void> {
  await db.query(
    `insert into state (key, value, updated_at) values ($1, $2::jsonb, now())
     on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`,
    [key, stateJson(value)],
  )
}

function fromRow(row: Row): IndexedCertificate {
  return {
    certHash: row.cert_hash as Hex,
    agent: row.agent as Address,
    operator: row.operator as Address | null,
    certificateClass: row.class,
    containmentBound: row.containment_bound === null ? null : BigInt(row.containment_bound),
    issuedAt: row.issued_at && new Date(row.issued_at),
    expiresAt: row.expires_at && new Date(row.expires_at),
    status: row.status as RegistryStatus | null,
    uri: row.uri,
    publishedBlock: row.published_block === null ? null : BigInt(row.published_block),
    publishedTx: row.published_tx as Hex | null,
    renewedBy: row.renewed_by as Hex | null,
    lastBlock: BigInt(row.last_block),
    updatedAt: new Date(row.updated_at),
  }
}
