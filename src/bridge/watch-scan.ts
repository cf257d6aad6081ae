import { errorMessage } from '../errors.ts'
import type { Hex, Registry, RegistryEvent } from '../ports.ts'
import type { ChainCursor } from './registry-index.ts'

/** Runs a call with the watcher's retries (`withRetries` bound to its policy, clock and log). */
export type Retry = <T>(what: string, fn: () => Promise<T>) => Promise<T>

/**
 * Public JSON-RPC providers cap `eth_getLogs` (a block range of a few hundred to a few thousand blocks, or about
 * 10 000 logs): 500 blocks a call fits all the common ones. A provider that still refuses a range gets it halved.
 */
export const DEFAULT_MAX_RANGE = 500

/** Chain ids of local development chains (anvil, hardhat, ganache): no reorgs, no confirmation depth by default. */
export const LOCAL_CHAIN_IDS: ReadonlySet<number> = new Set([31337, 1337])
/** The confirmation depth elsewhere: past the reorgs public EVM chains see in practice. */
export const DEFAULT_CONFIRMATIONS = 12

/**
 * The confirmation depth a watcher uses when none is given: 0 on a local development chain, DEFAULT_CONFIRMATIONS elsewhere.
 * @example defaultConfirmations(31337) // 0
 */
export function defaultConfirmations(chainId: number): number {
  return LOCAL_CHAIN_IDS.has(chainId) ? 0 : DEFAULT_CONFIRMATIONS
}

/**
 * The newest block at least `confirmations` deep: the last block the watcher acts on (an event in a newer block may
 * still be dropped by a reorg). Negative when the chain is shorter than the depth.
 * @example confirmedTip(100n, 12) // 88n
 */
export function confirmedTip(latest: bigint, confirmations: number): bigint {
  return latest - BigInt(confirmations)
}

/**
 * Checks that the block a cursor stands on is still on the node's chain. Returns the cursor when it is (or when the
 * node has no such block yet: a lagging node is waited for, not taken for a reorg), else the newest checkpoint still on
 * the chain, or `null` when none is (start again from the first block).
 * @example const at = await forkPoint(registry, cursor, retry) // cursor, an earlier checkpoint, or null
 */
export async function forkPoint(registry: Registry, cursor: ChainCursor, retry: Retry): Promise<ChainCursor | null> {
  if (cursor.hash === undefined) return cursor // an earlier version's cursor: nothing to compare
  const now = await retry(`read block ${cursor.block}`, () => registry.blockHash(cursor.block))
  if (now === undefined || now === cursor.hash) return cursor
  const recent = cursor.recent ?? []
  for (let i = recent.length - 1; i >= 0; i--) {
    const checkpoint = recent[i]!
    if ((await retry(`read block ${checkpoint.block}`, () => registry.blockHash(checkpoint.block))) === checkpoint.hash) {
      return { block: checkpoint.block, hash: checkpoint.hash, recent: recent.slice(0, i) }
    }
  }
  return null
}

/**
 * Reads the registry's events in `[from, to]` in ranges of at most `range.max` blocks, calling `onRange` with each
 * range's events and its last block's hash, in chain order (so the caller saves its cursor range by range). A range the
 * provider refuses as too large is halved, and later ranges stay that size. Stops early when `signal` aborts or the
 * node no longer has a block of the range (it is read again next round).
 * @example await scanRanges(registry, 1n, 5000n, { max: 500 }, retry, async (events, end) => save(events, end))
 */
export async function scanRanges(
  registry: Registry,
  from: bigint,
  to: bigint,
  range: { max: number },
  retry: Retry,
  onRange: (events: RegistryEvent[], end: { block: bigint; hash: Hex }) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const read = async (a: bigint, b: bigint): Promise<RegistryEvent[]> => {
    const result = await retry(`read registry events in blocks ${a}-${b}`, async (): Promise<{ events: RegistryEvent[] } | { split: true }> => {
      try {
        return { events: (await registry.events(a, b)).events }
      } catch (error) {
        if (b > a && rangeRefused(error)) return { split: true }
        throw error
      }
    })
    if ('events' in result) return result.events
    const middle = a + (b - a) / 2n
    range.max = Math.max(1, Number(middle - a + 1n))
    return [...(await read(a, middle)), ...(await read(middle + 1n, b))]
  }
  for (let a = from; a <= to && !signal?.aborted; ) {
    const b = a + BigInt(range.max) - 1n < to ? a + BigInt(range.max) - 1n : to
    const events = await read(a, b)
    const hash = await retry(`read block ${b}`, () => registry.blockHash(b))
    if (hash === undefined) return
    await onRange(events, { block: b, hash })
    a = b + 1n
  }
}

/** Whether a provider refused a getLogs call for its size (block range or result count), not for a rate limit or an outage. */
export function rangeRefused(error: unknown): boolean {
  const text = [errorMessage(error), (error as { details?: unknown })?.details, (error as { cause?: { message?: unknown } })?.cause?.message].filter((t) => typeof t === 'string').join(' ')
  if (/rate.?limit|too many requests/i.test(text)) return false
  return /block range|range (is )?too|too (large|big|wide)|more than \d+ (results|logs|blocks)|response size|query returned more|exceed(s|ed)? (the )?(max|maximum|limit)|limit exceeded|log limit/i.test(text)
}
