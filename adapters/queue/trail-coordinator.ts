import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type PgBoss from 'pg-boss'
import { BridgeError } from '../../src/errors.ts'
import { planTrailSlices, type PlannedSlice } from '../files/trail-slices.ts'
import { unreadableError } from '../files/unreadable.ts'
import { withQueueRun } from './queue-run.ts'
import { errorFromFields } from '../workers/error-fields.ts'
import type { TrailSink } from '../workers/verify-trail.ts'
import { TRAIL_DONE_CHANNEL, TRAIL_QUEUE } from './boss.ts'
import { decodeEntries } from './entry-rows.ts'
import { describeSlice, type TrailJob } from './trail-batch.ts'
import { createTrailRun, deleteTrailRun, readTrailBatches } from './trail-results.ts'

/** How a queued trail verification runs: the database (`--queue`), batch size, lease, retries. */
export type QueuedVerifyOptions = {
  /** the PostgreSQL URL of the service's database, where pg-boss keeps the jobs and workers store the results */
  url: string
  /** about this many bytes of trail per batch (default 1 MiB) */
  batchBytes?: number
  /** a batch whose worker has not finished it this many seconds after taking it goes to another worker (default 60) */
  leaseSeconds?: number
  /** how many times a batch is retried after its worker died or failed (default 5) */
  retries?: number
  /** progress after each finished batch: records verified, the estimated total, seconds since the batches were queued */
  onProgress?: (progress: QueueProgress) => void
  /** aborts the wait (Ctrl-C): the run's jobs are cancelled and its results deleted */
  signal?: AbortSignal
  /** a note for the person waiting (no worker has taken a batch yet) */
  onNote?: (line: string) => void
}

export type QueueProgress = { records: number; total: number; batches: number; batchesDone: number; seconds: number }

export const DEFAULT_BATCH_BYTES = 1 << 20
export const DEFAULT_LEASE_SECONDS = 60
export const DEFAULT_RETRIES = 5
/** Batches shrink to 1/TAIL_DIVISOR of the bytes left (not below MIN_TAIL_BATCH_BYTES) over the end of a trail. */
const TAIL_DIVISOR = 8
const MIN_TAIL_BATCH_BYTES = 128 * 1024
/** After this long with the first batch still untaken, the person waiting is told that no worker seems to run. */
const NO_WORKER_NOTE_MS = 10_000

/**
 * Verifies trail files through the job queue into a sink, as `verifyTrailFiles` does locally: cuts the files into
 * batches (by file and byte range, never splitting a record; a giant single message by ranges of leaf offsets),
 * enqueues them (pg-boss, queue `ccp-bridge-trail`, one run id per coordinator so two coordinators never mix their
 * jobs), waits while `ccp-bridge worker` processes verify them, and feeds every batch's entries, batches and rounds to
 * the sink in file order, so the caller's auditor assembles the same report, byte for byte, as a local run. A batch
 * that cannot be read or decoded throws the error a local run gives; the first one in file order wins. A batch whose
 * worker died is retried by another after its lease expires (this coordinator expires leases while it waits).
 * @example await verifyTrailQueued(['a.pb'], auditor, { url: process.env.DATABASE_URL! })
 */
export async function verifyTrailQueued(files: string[], sink: TrailSink, options: QueuedVerifyOptions): Promise<void> {
  const planned: Array<PlannedSlice & { name: string }> = []
  let planError: unknown
  try {
    const sizes = await Promise.all(files.map(async (name) => (await stat(name).catch((cause) => Promise.reject(unreadableError(name, cause)))).size))
    const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES
    for (let i = 0; i < files.length; i++) {
      const later = sizes.slice(i + 1).reduce((n, s) => n + s, 0)
      // full-size batches, then smaller ones over the trail's last bytes: no worker is left with a long batch at the end
      const bytes = (offset: number) => Math.min(batchBytes, Math.max(MIN_TAIL_BATCH_BYTES, Math.floor((later + sizes[i]! - offset) / TAIL_DIVISOR)))
      for await (const part of planTrailSlices(files[i]!, { bytes })) planned.push({ ...part, name: files[i]! })
    }
  } catch (error) {
    planError = error // the batches before it still run: an earlier error in file order is the one a local run reports
  }
  const lease = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS
  const run = randomUUID()
  const jobs = planned.map((part, batch) => ({ id: randomUUID(), data: { run, batch, name: part.name, slice: { ...part.slice, file: resolve(part.slice.file) } } satisfies TrailJob }))
  const retryLimit = options.retries ?? DEFAULT_RETRIES
  await withQueueRun({ url: options.url, queue: TRAIL_QUEUE, doneChannel: TRAIL_DONE_CHANNEL, run, signal: options.signal, cleanup: (db) => deleteTrailRun(db, run) }, async ({ db, boss, enqueue, rest }) => {
    await createTrailRun(db, { id: run, files, batches: jobs.length })
    // batches are taken in file order (pg-boss takes the highest priority first): the report is assembled in that
    // order, and the small batches planned for the end of the trail are the last ones taken
    await enqueue(jobs.map((job, i) => ({ id: job.id, data: job.data, priority: jobs.length - i, retryLimit, retryDelay: 0, expireInSeconds: lease })))

    const started = Date.now()
    let total = planned.reduce((n, p) => n + p.records, 0)
    let records = 0
    let next = 0
    let lastExpire = Date.now()
    let lastCheck = Date.now()
    let noted = false
    while (next < jobs.length) {
      if (options.signal?.aborted) throw new BridgeError('INTERRUPTED', `interrupted: the run's ${jobs.length - next} unfinished batch(es) are cancelled`, { kind: 'io' })
      const done = await readTrailBatches(db, run, next, 32)
      for (const result of done) {
        if (result.error) throw errorFromFields(result.error)
        for (const item of result.items) 'batch' in item ? sink.addBatch(item.batch) : sink.addRound(item.round)
        for (const entry of decodeEntries(result.entries, result.file)) sink.addEntry(entry)
        records += result.records
        total += result.records - planned[next]!.records
        next++
        options.onProgress?.({ records, total, batches: jobs.length, batchesDone: next, seconds: (Date.now() - started) / 1000 })
      }
      if (done.length > 0) continue
      const now = Date.now()
      if (now - lastExpire >= Math.max(1000, (lease * 1000) / 4)) {
        // a worker that died (SIGKILL, a lost machine) holds its batch until the lease expires: then it is retried
        await boss.expire()
        lastExpire = now
      }
      if (now - lastCheck >= 2000) {
        const state = await refuseFailedJob(boss, jobs[next]!.id, planned[next]!, next, jobs.length)
        if (state === 'created' && next === 0 && !noted && now - started >= NO_WORKER_NOTE_MS) {
          options.onNote?.(`the first batch has waited ${Math.round((now - started) / 1000)} s for a worker: is a \`ccp-bridge worker --queue <this database>\` running (or are the workers busy with other runs)?`)
          noted = true
        }
        lastCheck = now
      }
      await rest()
    }
    if (planError) throw planError
  })
}

/** Throws when the job of the batch the report waits for has failed for good (every retry spent) or was cancelled; else its state. */
async function refuseFailedJob(boss: PgBoss, id: string, part: PlannedSlice & { name: string }, batch: number, batches: number): Promise<string | undefined> {
  const job = await boss.getJobById<TrailJob>(TRAIL_QUEUE, id)
  if (!job || (job.state !== 'failed' && job.state !== 'cancelled')) return job?.state
  const output = (job.output ?? {}) as { error?: { shortMessage?: string }; value?: { message?: string }; message?: string }
  const why = output.error?.shortMessage ?? output.value?.message ?? output.message ?? job.state
  throw new BridgeError('QUEUE_BATCH_FAILED', `batch ${batch + 1} of ${batches} (${part.name}, ${describeSlice(part.slice)}) ${job.state === 'cancelled' ? 'was cancelled' : `failed on all ${job.retryLimit + 1} tries`}: ${why}`, { kind: 'io' })
}
