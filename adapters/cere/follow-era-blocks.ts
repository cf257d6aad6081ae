import type { ApiPromise } from '@polkadot/api'
import type { EraScanCursor } from '../../src/schema/settlement-cursor.ts'
import { scanEraBlocks } from './scan-era-blocks.ts'

export type EraFollowOptions = {
  clusterId: string
  era: number
  /** first block to read; by default the finalized head when following starts (or the cursor's next block) */
  from?: number
  cursor?: EraScanCursor
  /** give up waiting for `ClusterEraPaid` after this long; what was found so far is returned */
  timeoutMs: number
  onBlock?: (cursor: EraScanCursor) => Promise<void> | void
}

/**
 * Follows finalized heads (`chain_subscribeFinalizedHeads`), reading every block as it is finalized (gaps filled in order),
 * until the block with the era's `ClusterEraPaid` or the timeout. Unsubscribes before returning.
 * @example const { events, closed } = await followEraBlocks(api, { clusterId, era: 412, timeoutMs: 600_000 })
 */
export async function followEraBlocks(api: ApiPromise, options: EraFollowOptions): Promise<EraScanCursor & { closed: boolean; timedOut: boolean }> {
  const clusterId = options.clusterId.toLowerCase()
  let state: EraScanCursor & { closed: boolean } = {
    cluster_id: clusterId,
    era: options.era,
    next_block: options.cursor?.next_block ?? options.from ?? -1,
    events: options.cursor?.events ?? [],
    closed: false,
  }
  return new Promise((resolve, reject) => {
    let unsubscribe: (() => void) | undefined
    let finished = false
    let working = Promise.resolve()
    const finish = (timedOut: boolean, error?: unknown) => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      unsubscribe?.()
      if (error) reject(error)
      else resolve({ ...state, timedOut })
    }
    const timer = setTimeout(() => finish(true), options.timeoutMs)
    api.rpc.chain
      .subscribeFinalizedHeads((header) => {
        const head = header.number.toNumber()
        working = working.then(async () => {
          if (finished) return
          if (state.next_block < 0) state.next_block = head
          if (head < state.next_block) return
          state = await scanEraBlocks(api, {
            clusterId,
            era: options.era,
            from: state.next_block,
            to: head,
            cursor: state,
            stopWhenClosed: true,
            onBlock: options.onBlock,
          })
          if (state.closed) finish(false)
        }).catch((error) => finish(false, error))
      })
      .then((unsub) => {
        unsubscribe = unsub
        if (finished) unsub()
      }, (error) => finish(false, error))
  })
}
