import { BridgeError } from '../../src/errors.ts'
import type { RawItem } from '../../src/activity/raw-item.ts'
import type { TrailEntry } from '../../src/activity/trail-entry.ts'
import type { Batch, Round } from '../../src/schema/evidence-trail.ts'
import { readTrailFile } from '../files/trail-files.ts'
import { VerifyPool } from './pool.ts'
import { verifyItems } from './verify-items.ts'

/** Where verified entries, batches and rounds go (a trail auditor, or a counter in the benchmark). */
export type TrailSink = { addEntry(entry: TrailEntry): void; addBatch(batch: Batch): void; addRound(round: Round): void }

const BATCH_ITEMS = 256
const BATCH_BYTES = 256 * 1024

/**
 * Streams trail files through verification into a sink: with `workers > 0` items are verified in a worker pool
 * (batched, at most four batches in flight per worker, results consumed in input order so reports are deterministic);
 * with `workers = 0` in this thread. Memory stays flat however long the trail is.
 * @example await verifyTrailFiles(['a.pb', 'b.jsonl'], auditor, { workers: 2 })
 */
export async function verifyTrailFiles(files: string[], sink: TrailSink, options: { workers: number; onProgress?: (records: number) => void }): Promise<void> {
  let done = 0
  const deliver = (entries: TrailEntry[]) => {
    for (const e of entries) sink.addEntry(e)
    done += entries.length
    options.onProgress?.(done)
  }
  if (options.workers <= 0) {
    for (const file of files) {
      for await (const input of readTrailFile(file)) {
        if (input.kind === 'batch') sink.addBatch(input.batch)
        else if (input.kind === 'round') sink.addRound(input.round)
        else deliver(await verifyItems([input.item]))
      }
    }
    return
  }
  const pool = await VerifyPool.start(options.workers)
  const inFlight: Array<Promise<TrailEntry[]>> = []
  let batch: RawItem[] = []
  let batchBytes = 0
  const flush = async () => {
    if (batch.length === 0) return
    const p = pool.run(batch)
    p.catch(() => {})
    inFlight.push(p)
    batch = []
    batchBytes = 0
    while (inFlight.length >= pool.size * 4) deliver(await inFlight.shift()!)
  }
  try {
    for (const file of files) {
      for await (const input of readTrailFile(file)) {
        if (input.kind === 'batch') sink.addBatch(input.batch)
        else if (input.kind === 'round') sink.addRound(input.round)
        else {
          batch.push(input.item)
          batchBytes += 'bytes' in input.item ? input.item.bytes.length : input.item.text.length
          if (batch.length >= BATCH_ITEMS || batchBytes >= BATCH_BYTES) await flush()
        }
      }
    }
    await flush()
    while (inFlight.length) deliver(await inFlight.shift()!)
  } catch (error) {
    throw error instanceof BridgeError ? error : new BridgeError('VERIFY_FAILED', (error as Error).message, { kind: 'internal', cause: error })
  } finally {
    await pool.close()
  }
}
