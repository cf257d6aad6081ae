import type { ApiPromise } from '@polkadot/api'
import type { EraEventLine } from '../../src/schema/settlement.ts'
import type { EraScanCursor } from '../../src/schema/settlement-cursor.ts'
import { closesEra, isEraEvent } from '../../src/settlement/era-event-filter.ts'
import { readBlockEvents } from './block-events.ts'

export type EraScanOptions = {
  clusterId: string
  era: number
  /** first block to read (ignored when the cursor is further on) */
  from: number
  /** last block to read, inclusive */
  to: number
  /** where an earlier scan stopped: its events are kept and its `next_block` is the start */
  cursor?: EraScanCursor
  /** stop after the block holding the era's `ClusterEraPaid` */
  stopWhenClosed?: boolean
  /** called after each block with the cursor (save it to resume later) */
  onBlock?: (cursor: EraScanCursor) => Promise<void> | void
}

/**
 * Reads blocks `from..to` and keeps the events of the cluster's era (DdcCustomers charges only from blocks where the
 * era is charged, deposits from any block of the range); resumes from a cursor.
 * Returns the cursor after the last block read (its `events` are the era's events so far).
 * @example const { events } = await scanEraBlocks(api, { clusterId, era: 412, from: 100, to: 200 })
 */
export async function scanEraBlocks(api: ApiPromise, options: EraScanOptions): Promise<EraScanCursor & { closed: boolean }> {
  const clusterId = options.clusterId.toLowerCase()
  const events: EraEventLine[] = [...(options.cursor?.events ?? [])]
  let next = Math.max(options.from, options.cursor?.next_block ?? 0)
  let closed = events.some((e) => closesEra(e, clusterId, options.era))
  while (next <= options.to && !(closed && options.stopWhenClosed)) {
    const lines = (await readBlockEvents(api, next)).filter((e) => isEraEvent(e, clusterId, options.era))
    // DdcCustomers events carry no era: keep deposits, and customer charges only in blocks where this era is charged
    const eraPaysHere = lines.some((e) => e.section === 'ddcPayouts')
    events.push(...lines.filter((e) => e.section !== 'ddcCustomers' || e.method === 'Deposited' || eraPaysHere))
    closed ||= lines.some((e) => closesEra(e, clusterId, options.era))
    next += 1
    await options.onBlock?.({ cluster_id: clusterId, era: options.era, next_block: next, events })
  }
  return { cluster_id: clusterId, era: options.era, next_block: next, events, closed }
}
