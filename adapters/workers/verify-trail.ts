import { BridgeError } from '../../src/errors.ts'
import type { RawItem } from '../../src/activity/raw-item.ts'
import type { TrailEntry } from '../../src/activity/trail-entry.ts'
import type { Batch, Round } from '../../src/schema/evidence-trail.ts'
import { readTrailFile, type TrailInput } from '../files/trail-files.ts'
import { VerifyPool } from './pool.ts'
import { verifyItems } from './verify-items.ts'

/** Where verified entries, batches and rounds go (a trail auditor, a queue batch's result, or a counter in the benchmark). */
export type TrailSink = { addEntry(entry: TrailEntry): void; addBatch(batch: Batch): void; addRound(round: Round): void }

/**
 * How trail inputs are verified: `workers` threads (0: in this thread), or an already running `pool` shared with
 * others. `onInputDone`: every input is read and handed out, only verifications in flight remain (a queue worker then
 * starts reading its next batch, so its threads never wait between batches).
 */
export type VerifyOptions = { workers: number; pool?: VerifyPool; onProgress?: (records: number) => void; onInputDone?: () => void }

const BATCH_ITEMS = 256
const BATCH_BYTES = 256 * 1024

/**
 * Streams trail files through verification into a sink: with `workers > 0` items are verified in a worker pool
 * (batched, at most four batches in flight per worker, results consumed in input order so reports are deterministic);
 * with `workers = 0` in this thread, one item at a time. Memory stays flat however long the trail is, and however large
 * one of its messages (a large proof arrives in runs of leaves).
 * @example await verifyTrailFiles(['a.pb', 'b.jsonl'], auditor, { workers: 2 })
 */
export async function verifyTrailFiles(files: string[], sink: TrailSink, options: VerifyOptions): Promise<void> {
  await verifyTrailInputs(
    (async function* () {
      for (const file of files) yield* readTrailFile(file)
    })(),
    sink,
    options,
  )
}

/**
 * Verifies a stream of trail inputs (a whole trail, or one queue batch of it) into a sink, as `verifyTrailFiles` does.
 * @example await verifyTrailInputs(readTrailSlice(slice), sink, { workers: 2, pool })
 */
export async function verifyTrailInputs(inputs: AsyncIterable<TrailInput>, sink: TrailSink, options: VerifyOptions): Promise<void> {
  let done = 0
  const deliver = (entries: TrailEntry[]) => {
    for (const e of entries) sink.addEntry(e)
    done += entries.length
    options.onProgress?.(done)
  }
  if (!options.pool && options.workers <= 0) {
    for await (const input of inputs) {
      if (input.kind === 'batch') sink.addBatch(input.batch)
      else if (input.kind === 'round') sink.addRound(input.round)
      else deliver(await verifyItems([input.item]))
    }
    options.onInputDone?.()
    return
  }
  const pool = options.pool ?? (await VerifyPool.start(options.workers))
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
    for await (const input of inputs) {
      if (input.kind === 'batch') sink.addBatch(input.batch)
      else if (input.kind === 'round') sink.addRound(input.round)
      else {
        batch.push(input.item)
        batchBytes += 'bytes' in input.item ? input.item.bytes.length : input.item.text.length
        if (batch.length >= BATCH_ITEMS || batchBytes >= BATCH_BYTES) await flush()
      }
    }
    await flush()
    options.onInputDone?.()
    while (inFlight.length) deliver(await inFlight.shift()!)
  } catch (error) {
    throw error instanceof BridgeError ? error : new BridgeError('VERIFY_FAILED', (error as Error).message, { kind: 'internal', cause: error })
  } finally {
    if (!options.pool) await pool.close()
  }
}
