import type { Address, Hex, RegistryClass, RegistryEvent, RegistryStatus } from '../ports.ts'

/**
 * Where a watcher stands on the chain: the newest block it processed and that block's hash (how it sees a reorg),
 * with a few earlier checkpoints to find the fork point of a reorg deeper than its confirmations.
 */
export type ChainCursor = { block: bigint; hash: Hex | undefined; at?: string; recent?: Array<{ block: bigint; hash: Hex }> }

/** How many earlier checkpoints a cursor keeps (one per processed range or round). */
export const CHECKPOINTS = 32

/**
 * The cursor after processing up to `to`: `to` becomes the head and the previous head a checkpoint.
 * @example advanceCursor(undefined, { block: 12n, hash: '0xab…' }, now) // { block: 12n, hash: '0xab…', at, recent: [] }
 */
export function advanceCursor(previous: ChainCursor | undefined, to: { block: bigint; hash: Hex }, at: Date): ChainCursor {
  const recent = [...(previous?.recent ?? [])]
  if (previous?.hash !== undefined && previous.block < to.block) recent.push({ block: previous.block, hash: previous.hash })
  return { block: to.block, hash: to.hash, at: at.toISOString(), recent: recent.slice(-CHECKPOINTS) }
}

/** A cursor as JSON (blocks as decimal strings) and back: how it is stored. */
export function cursorJson(cursor: ChainCursor): Record<string, unknown> {
  return {
    block: cursor.block.toString(),
    ...(cursor.hash !== undefined ? { hash: cursor.hash } : {}),
    ...(cursor.at !== undefined ? { at: cursor.at } : {}),
    recent: (cursor.recent ?? []).map((c) => ({ block: c.block.toString(), hash: c.hash })),
  }
}

/** A stored cursor (`cursorJson`, or an earlier version's `{ block }`), or undefined when absent or unreadable. */
export function parseCursor(value: unknown): ChainCursor | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const v = value as { block?: unknown; hash?: unknown; at?: unknown; recent?: unknown }
  if (typeof v.block !== 'string' && typeof v.block !== 'number') return undefined
  if (!/^(-1|[0-9]+)$/.test(String(v.block))) return undefined // -1: before the first block
  const recent = Array.isArray(v.recent)
    ? v.recent.filter((c): c is { block: string; hash: Hex } => /^[0-9]+$/.test(String(c?.block)) && typeof c?.hash === 'string').map((c) => ({ block: BigInt(c.block), hash: c.hash }))
    : []
  return { block: BigInt(String(v.block)), hash: typeof v.hash === 'string' ? (v.hash as Hex) : undefined, ...(typeof v.at === 'string' ? { at: v.at } : {}), recent }
}

/** The kinds of change the index records for a certificate (the registry event's kind, for every kind but `other`). */
export type ChangeType = Exclude<RegistryEvent['kind'], 'other'>

/**
 * One registry event about a certificate, as the index records it. `published` carries what the registry holds
 * (read once when the event is processed: the URI and issue time are not in the event).
 */
export type CertificateChange = {
  type: ChangeType
  certHash: Hex
  agent: Address
  block: bigint
  logIndex: number
  txHash?: Hex
  operator?: Address
  certificateClass?: RegistryClass
  /** exact, in the registry's unit */
  containmentBound?: bigint
  /** unix seconds */
  issuedAt?: number
  expiresAt?: number
  uri?: string
  successor?: Hex
  upheld?: boolean
  /** the registry's status of the certificate when the change was processed: the fallback for one the index never saw before */
  registryStatus?: RegistryStatus
}

/**
 * The registry index a watcher keeps (SQL in the CLI and the service): every certificate with its status as of the
 * last event, an event per change, and the newest block processed. `record` is atomic: the changes and the new head
 * are stored together or not at all, and changes in blocks at or below the stored head are skipped (another watcher on
 * the same database recorded them), so two watchers never record one event twice.
 * @example const applied = await index.record(changes, advanceCursor(await index.head(), { block, hash }, now))
 */
export interface RegistryIndex {
  head(): Promise<ChainCursor | undefined>
  /** records the changes after the stored head (in chain order) and moves the head to `head`; returns the changes recorded */
  record(changes: CertificateChange[], head: ChainCursor): Promise<Array<CertificateChange & { status: RegistryStatus | undefined }>>
  /**
   * After a reorg deeper than the confirmations: moves the head back to `to` (undefined: before the first block) and
   * restores every certificate changed after it to its status as of `to` (dropping one first seen after it). Returns
   * what changed, for the log.
   */
  rewind(to: ChainCursor | undefined): Promise<Array<{ certHash: Hex; status: RegistryStatus | undefined }>>
}

/**
 * A certificate's status after a change, given its status before (undefined: not known to the index). Follows the
 * registry: a challenge moves only an ACTIVE certificate to CHALLENGED (an ended one stays ended); a dismissed challenge
 * returns CHALLENGED to ACTIVE; an upheld one is followed by its own revocation event; settlement changes no status.
 * @example statusAfter('ACTIVE', 'challenged') // 'CHALLENGED'
 */
export function statusAfter(before: RegistryStatus | undefined, change: Pick<CertificateChange, 'type' | 'upheld'>): RegistryStatus | undefined {
  switch (change.type) {
    case 'published':
      return 'ACTIVE'
    case 'revoked':
      return 'REVOKED'
    case 'expired':
    case 'renewed':
      return 'EXPIRED'
    case 'challenged':
      return before === 'ACTIVE' ? 'CHALLENGED' : before
    case 'challenge-resolved':
      return !change.upheld && before === 'CHALLENGED' ? 'ACTIVE' : before
    case 'settled':
      return before
  }
}

/**
 * The status the index records after a change: `statusAfter`, or for a certificate the index never saw before (the
 * watcher started after its publish) and a change that does not decide it alone, what the registry reported.
 * @example indexedStatus(undefined, { type: 'challenged', registryStatus: 'CHALLENGED' }) // 'CHALLENGED'
 */
export function indexedStatus(before: RegistryStatus | undefined, change: Pick<CertificateChange, 'type' | 'upheld' | 'registryStatus'>): RegistryStatus | undefined {
  return statusAfter(before, change) ?? (before === undefined ? change.registryStatus : undefined)
}
