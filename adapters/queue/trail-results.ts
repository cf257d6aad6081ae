import type { SqlExecutor } from '../sql/database.ts'
import type { TrailSlice } from '../files/trail-files.ts'
import type { Batch, Round } from '../../src/schema/evidence-trail.ts'
import type { ErrorFields } from '../workers/error-fields.ts'
import type { EncodedEntries } from './entry-rows.ts'

/** A record of a batch whose signatures do not all verify: its id, file, byte offset (DDC) or line/path (SCP), why. */
export type InvalidRecord = { recordId: string; file: string; offset?: number; where?: string; reasons: string[] }

/** A batch or round read in a part of the trail, in file order. */
export type TrailItem = { batch: Batch } | { round: Round }

/** What a worker stores for one verified part of a trail: counts, invalid records, entries (leaf hashes included), items. */
export type TrailBatchResult = {
  run: string
  batch: number
  /** the file as the coordinator named it (what the report says) */
  file: string
  slice: TrailSlice
  records: number
  signatures: number
  validSignatures: number
  valid: number
  invalid: InvalidRecord[]
  entries: EncodedEntries
  items: TrailItem[]
  /** the error that made the part unreadable or malformed (then nothing else counts) */
  error: ErrorFields | null
  worker: string
}

/**
 * Registers a coordinator's run (its files and number of batches); runs abandoned for a week are dropped with their
 * batches. Batches of a run that no longer exists are refused (`saveTrailBatch` returns false).
 * @example await createTrailRun(db, { id: randomUUID(), files: ['a.pb'], batches: 12 })
 */
export async function createTrailRun(db: SqlExecutor, run: { id: string; files: string[]; batches: number }): Promise<void> {
  await db.query(`delete from trail_runs where created_at < now() - interval '7 days'`)
  await db.query('insert into trail_runs (id, files, batches) values ($1, $2::jsonb, $3)', [run.id, JSON.stringify(run.files), run.batches])
}

/**
 * Deletes a run and every batch result it has.
 * @example await deleteTrailRun(db, runId)
 */
export async function deleteTrailRun(db: SqlExecutor, run: string): Promise<void> {
  await db.query('delete from trail_runs where id = $1', [run])
}

/**
 * Stores one batch's result once: a batch retried after its lease expired, whose first worker still finished, keeps the
 * first result (both are the same: verification is deterministic), so every record counts exactly once. Returns false
 * when the run is gone (its coordinator finished or gave up).
 * @example await saveTrailBatch(db, result)
 */
export async function saveTrailBatch(db: SqlExecutor, r: TrailBatchResult): Promise<boolean> {
  const rows = await db.query<{ ok: number }>(
    `insert into trail_batches (run_id, batch, file, slice, records, signatures, valid_signatures, valid, invalid, leaf_hashes, entries, items, error, worker)
     select $1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9::jsonb, $10, $11, $12::jsonb, $13::jsonb, $14
     where exists (select 1 from trail_runs where id = $1)
     on conflict (run_id, batch) do nothing
     returning 1 as ok`,
    [r.run, r.batch, r.file, JSON.stringify(r.slice), r.records, r.signatures, r.validSignatures, r.valid, JSON.stringify(r.invalid), Buffer.from(r.entries.leafHashes.buffer, r.entries.leafHashes.byteOffset, r.entries.leafHashes.byteLength), r.entries.rows, JSON.stringify(r.items), r.error ? JSON.stringify(r.error) : null, r.worker],
  )
  if (rows.length > 0) return true
  return (await db.query('select 1 from trail_runs where id = $1', [r.run])).length > 0
}

type Row = { batch: number; file: string; slice: TrailSlice; records: number; signatures: number; valid_signatures: number; valid: number; invalid: InvalidRecord[]; leaf_hashes: Uint8Array; entries: string; items: TrailItem[]; error: ErrorFields | null; worker: string }

/**
 * The stored results of a run's batches `from`, `from + 1`, … that are finished, in order, up to the first missing one
 * (at most `limit`).
 * @example const done = await readTrailBatches(db, runId, 0, 16)
 */
export async function readTrailBatches(db: SqlExecutor, run: string, from: number, limit: number): Promise<TrailBatchResult[]> {
  const rows = await db.query<Row>('select * from trail_batches where run_id = $1 and batch >= $2 and batch < $3 order by batch', [run, from, from + limit])
  const out: TrailBatchResult[] = []
  for (const row of rows) {
    if (Number(row.batch) !== from + out.length) break
    out.push({
      run,
      batch: Number(row.batch),
      file: row.file,
      slice: row.slice,
      records: Number(row.records),
      signatures: Number(row.signatures),
      validSignatures: Number(row.valid_signatures),
      valid: Number(row.valid),
      invalid: row.invalid,
      entries: { leafHashes: new Uint8Array(row.leaf_hashes), rows: row.entries },
      items: row.items,
      error: row.error,
      worker: row.worker,
    })
  }
  return out
}
