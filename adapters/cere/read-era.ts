import type { ApiPromise } from '@polkadot/api'
import { BridgeError } from '../../src/errors.ts'
import type { ClusterParams, EraEventLine } from '../../src/schema/settlement.ts'
import type { EraScanCursor } from '../../src/schema/settlement-cursor.ts'
import { eraChainFacts } from '../../src/settlement/era-chain-facts.ts'
import { readClusterParams } from './cluster-params.ts'
import { loadCursor, saveCursor } from './cursor-file.ts'
import { followEraBlocks } from './follow-era-blocks.ts'
import { readPayoutFinalizedAt } from './payout-receipt.ts'
import { scanEraBlocks } from './scan-era-blocks.ts'

/** How many blocks back from the era's end a scan reads when no `--from` is given (about two hours of 6 s blocks). */
export const DEFAULT_SCAN_WINDOW = 1200

export type ReadEraOptions = {
  clusterId: string
  era: number
  from?: number
  to?: number
  window?: number
  /** follow finalized heads until `ClusterEraPaid` instead of scanning a fixed range */
  follow?: boolean
  followTimeoutMs?: number
  /** a file to resume from and to save progress to after each block */
  cursorFile?: string
  onBlock?: (cursor: EraScanCursor) => void
}

export type EraFromChain = {
  events: EraEventLine[]
  params: ClusterParams
  /** the block whose state gave the params: where the era's payout began, else the last block read */
  paramsBlock: number
  range: { from: number; to: number }
  closed: boolean
}

/**
 * Reads everything the chain holds about a cluster's era: its events (by scanning a range or following finalized heads,
 * resuming from a cursor) and the cluster's protocol parameters and validator set at the era's payout block.
 * Without `to`, the range ends at the payout receipt's `finalized_at` (or the finalized head); without `from`, it starts `window` blocks earlier;
 * the scan stops after the block holding the era's `ClusterEraPaid`.
 * @example const era = await readEraFromChain(api, { clusterId: '0x…', era: 412 })
 */
export async function readEraFromChain(api: ApiPromise, options: ReadEraOptions): Promise<EraFromChain> {
  const clusterId = options.clusterId.toLowerCase()
  const cursor = options.cursorFile ? await loadCursor(options.cursorFile, clusterId, options.era) : undefined
  const save = async (next: EraScanCursor) => {
    if (options.cursorFile) await saveCursor(options.cursorFile, next)
    options.onBlock?.(next)
  }
  let result: EraScanCursor & { closed: boolean }
  let range: { from: number; to: number }
  if (options.follow) {
    const start = options.from
    result = await followEraBlocks(api, { clusterId, era: options.era, ...(start !== undefined ? { from: start } : {}), ...(cursor ? { cursor } : {}), timeoutMs: options.followTimeoutMs ?? 600_000, onBlock: save })
    range = { from: start ?? cursor?.next_block ?? result.next_block - 1, to: result.next_block - 1 }
  } else {
    const finalizedHead = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber()
    const to = options.to ?? (await readPayoutFinalizedAt(api, clusterId, options.era)) ?? finalizedHead
    const from = options.from ?? Math.max(0, to - (options.window ?? DEFAULT_SCAN_WINDOW) + 1)
    if (from > to) throw new BridgeError('BAD_ARGUMENTS', `--from ${from} is after --to ${to}`)
    if (to > finalizedHead) throw new BridgeError('BAD_ARGUMENTS', `--to ${to} is beyond the finalized head ${finalizedHead}`)
    result = await scanEraBlocks(api, { clusterId, era: options.era, from, to, ...(cursor ? { cursor } : {}), stopWhenClosed: true, onBlock: save })
    range = { from, to: Math.max(from, result.next_block - 1) }
  }
  const payoutBlocks = result.events.filter((e) => e.section === 'ddcPayouts' && !/FingerprintCommited$/.test(e.method)).map((e) => e.block)
  const paramsBlock = payoutBlocks.length > 0 ? Math.min(...payoutBlocks) : Math.max(range.from, result.next_block - 1)
  const hash = await api.rpc.chain.getBlockHash(paramsBlock)
  const { validatorSetOnChain, ...params } = await readClusterParams(api, clusterId, hash.toHex())
  if (!validatorSetOnChain) params.validators = eraChainFacts(result.events, clusterId, options.era).validatorSet ?? []
  return { events: result.events, params, paramsBlock, range, closed: result.closed }
}
