import type { ApiPromise } from '@polkadot/api'
import type { EraEventLine } from '../../src/schema/settlement.ts'
import { BridgeError } from '../../src/errors.ts'
import { eventRecordLine, SETTLEMENT_SECTIONS, type EventRecordLike } from './event-record-line.ts'
import { requireStorageQuery } from './storage-query.ts'

/**
 * The settlement events of one block (DdcPayouts, DdcClusters, DdcCustomers, DdcVerification), read from
 * `System.Events` at that block and decoded through the node's metadata for that block.
 * @example const lines = await readBlockEvents(api, 2317421)
 */
export async function readBlockEvents(api: ApiPromise, block: number): Promise<EraEventLine[]> {
  const hash = await api.rpc.chain.getBlockHash(block)
  if (hash.isEmpty) throw new BridgeError('CERE_NO_BLOCK', `the node has no block ${block}`, { kind: 'io' })
  const at = await api.at(hash)
  const records = (await requireStorageQuery(at.query, 'system', 'events')()) as EventRecordLike[]
  const lines: EraEventLine[] = []
  records.forEach((record, index) => {
    if (SETTLEMENT_SECTIONS.has(record.event.section)) lines.push(eventRecordLine(record, block, index))
  })
  return lines
}
