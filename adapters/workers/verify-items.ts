import { sr25519Ready } from '../../src/crypto/sr25519.ts'
import { decodeRawItem, type RawItem } from '../../src/activity/raw-item.ts'
import { trailEntry, type TrailEntry } from '../../src/activity/trail-entry.ts'

let srReady = false

/**
 * Decodes raw trail items and verifies every signature in them, in this thread (a worker's or the main one). The
 * sr25519 WebAssembly is instantiated on the first items that need it: ed25519-only trails never pay its memory.
 * @example const entries = await verifyItems([{ kind: 'pb-record', file: 'a.pb', base: 0, bytes }])
 */
export async function verifyItems(items: RawItem[]): Promise<TrailEntry[]> {
  const records = items.flatMap((item) => decodeRawItem(item))
  if (!srReady && records.some((r) => r.checks.some((c) => c.algorithm === 'sr25519'))) {
    await sr25519Ready()
    srReady = true
  }
  return records.map((record) => trailEntry(record))
}
