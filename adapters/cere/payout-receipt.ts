import type { ApiPromise } from '@polkadot/api'
import { storageQuery } from './storage-query.ts'

/**
 * The block at which the era's payout receipt was finalized, from storage `DdcPayouts.PayoutReceipts(cluster, era)`
 * (field `finalized_at`); undefined when the runtime or the receipt does not say.
 * @example const block = await readPayoutFinalizedAt(api, '0x…', 412)
 */
export async function readPayoutFinalizedAt(api: ApiPromise, clusterId: string, era: number): Promise<number | undefined> {
  const query = storageQuery(api.query, 'ddcPayouts', 'payoutReceipts')
  if (!query) return undefined
  const receipt = await query(clusterId, era)
  if (!receipt || receipt.isNone) return undefined
  const finalizedAt = receipt.unwrap().get('finalizedAt')
  if (!finalizedAt || finalizedAt.isNone) return undefined
  return Number(finalizedAt.unwrap().toString())
}
