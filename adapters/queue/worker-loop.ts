import type PgBoss from 'pg-boss'
import { z } from 'zod'
import { BridgeError } from '../../src/errors.ts'
import type { SqlDatabase } from '../sql/database.ts'
import { openQueueDatabase } from './queue-database.ts'
import { errorFields } from '../workers/error-fields.ts'
import { VerifyPool } from '../workers/pool.ts'
import { ERA_DONE_CHANNEL, ERA_QUEUE, JOBS_CHANNEL, startBoss, stopBoss, TRAIL_DONE_CHANNEL, TRAIL_QUEUE, workerName } from './boss.ts'
import { describeSlice, verifyTrailBatch, type TrailJob } from './trail-batch.ts'
import { saveTrailBatch } from './trail-results.ts'
import { wakeUp } from './wake-up.ts'

/** How a `ccp-bridge worker` process runs. */
export type QueueWorkerOptions = {
  /** the PostgreSQL URL of the service's database (the coordinators' `--queue`) */
  url: string
  /** verification threads (bounded by the cores) */
  threads: number
  /** batches read at once (default: one per thread); a batch whose reading is done lets the next one be taken while its last verifications run */
  jobs?: number
  /** handles one cluster-era job of `reconcile --queue` (loaded only when such a job arrives) */
  eraJob?: (data: unknown, db: SqlDatabase) => Promise<string>
  /** one line per finished job, and warnings */
  log?: (line: string) => void
  /** stops taking jobs; the jobs in progress finish first */
  signal?: AbortSignal
  /** once connected and listening, before the first job is taken */
  onReady?: (threads: number) => void
}

const TrailJobSchema = z.object({
  run: z.string().uuid(),
  batch: z.number().int().nonnegative(),
  name: z.string(),
  slice: z.discriminatedUnion('kind', [
    z.object({ file: z.string(), kind: z.literal('whole') }),
    z.object({ file: z.string(), kind: z.literal('proofs'), start: z.number().int().nonnegative(), end: z.number().int().nonnegative() }),
    z.object({ file: z.string(), kind: z.literal('leaves'), start: z.number().int().nonnegative(), end: z.number().int().nonnegative() }),
    z.object({ file: z.string(), kind: z.literal('lines'), start: z.number().int().nonnegative(), end: z.number().int().nonnegative(), line: z.number().int().positive() }),
  ]),
})

/**
 * The `ccp-bridge worker` loop: takes trail batches (and cluster-era jobs) from the queue, verifies each batch with a
 * worker-thread pool and stores its result for the coordinator, until `signal` aborts. Any number of these processes,
 * on any number of machines, share the work; a batch taken by a process that dies is retried by another once its lease
 * expires. A job that throws is failed, so pg-boss retries it (a verification thread that died is replaced first).
 * @example await runQueueWorker({ url: process.env.DATABASE_URL!, threads: 2, signal })
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<{ batches: number; records: number }> {
  const log = options.log ?? (() => {})
  const me = workerName()
  const db = await openQueueDatabase(options.url)
  let boss: PgBoss | undefined
  let unlisten: (() => Promise<void>) | undefined
  let pool = await VerifyPool.start(options.threads)
  pool.warm()
  const limit = Math.max(1, options.jobs ?? pool.size)
  const running = new Set<Promise<void>>()
  /** jobs still reading their input (a trail batch until all its items are handed to the threads; an era job throughout) */
  let reading = 0
  const poolJobs = new Map<VerifyPool, number>([[pool, 0]])
  const totals = { batches: 0, records: 0 }
  // new jobs announced, a job finished, stop asked: the loop looks at the queue again at once
  const { rest, wake } = wakeUp(1000)

  const trailJob = async (job: PgBoss.Job<unknown>) => {
    const started = Date.now()
    const used = pool
    poolJobs.set(used, (poolJobs.get(used) ?? 0) + 1)
    let read = false
    const inputDone = () => {
      if (read) return
      read = true
      reading--
      wake()
    }
    try {
      const parsed = TrailJobSchema.safeParse(job.data)
      if (!parsed.success) throw new BridgeError('QUEUE_JOB_INVALID', `trail job ${job.id} does not hold a trail batch (another ccp-bridge version?)`, { kind: 'internal' })
      const data = parsed.data as TrailJob
      const result = await verifyTrailBatch(data, used, me, inputDone)
      const kept = await saveTrailBatch(db, result)
      if (kept) await db.query('select pg_notify($1, $2)', [TRAIL_DONE_CHANNEL, data.run])
      await boss!.complete(TRAIL_QUEUE, job.id, { records: result.records, error: result.error?.code ?? null })
      totals.batches++
      totals.records += result.records
      const what = `run ${data.run.slice(0, 8)} batch ${data.batch + 1}: ${data.name} ${describeSlice(data.slice)}`
      log(!kept ? `${what}: the run is gone (its coordinator stopped), result dropped` : result.error ? `${what}: ${result.error.code} ${result.error.shortMessage}` : `${what}: ${result.records.toLocaleString('en')} records (${result.valid.toLocaleString('en')} valid) in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    } catch (error) {
      const fields = errorFields(error)
      log(`job ${job.id} failed (${fields.code}: ${fields.shortMessage}); it is retried`)
      await boss!.fail(TRAIL_QUEUE, job.id, { error: fields }).catch(() => undefined)
      if (fields.code === 'WORKER_FAILED' && used === pool) {
        // a verification thread died (out of memory, say): later batches get a fresh pool
        pool = await VerifyPool.start(options.threads)
        pool.warm()
        poolJobs.set(pool, 0)
      }
    } finally {
      inputDone()
      const left = (poolJobs.get(used) ?? 1) - 1
      poolJobs.set(used, left)
      if (left === 0 && used !== pool) {
        poolJobs.delete(used)
        await used.close()
      }
    }
  }

  const eraJob = async (job: PgBoss.Job<unknown>) => {
    try {
      if (!options.eraJob) throw new BridgeError('QUEUE_JOB_INVALID', 'this worker does not reconcile eras', { kind: 'internal' })
      const summary = await options.eraJob(job.data, db)
      await boss!.complete(ERA_QUEUE, job.id, { summary })
      log(summary)
    } catch (error) {
      const fields = errorFields(error)
      // bad input (a cluster-era the chain cannot reconcile as asked) ends the job; a node that did not answer is retried
      const final = error instanceof BridgeError && (error.kind === 'input' || error.kind === 'check')
      log(`era job ${job.id} failed (${fields.code}: ${fields.shortMessage})${final ? '' : '; it is retried'}`)
      if (final) await boss!.complete(ERA_QUEUE, job.id, { error: fields }).catch(() => undefined)
      else await boss!.fail(ERA_QUEUE, job.id, { error: fields }).catch(() => undefined)
    } finally {
      reading--
      const run = (job.data as { run?: unknown } | null)?.run
      if (typeof run === 'string') await db.query('select pg_notify($1, $2)', [ERA_DONE_CHANNEL, run]).catch(() => undefined)
    }
  }

  const start = (run: () => Promise<void>) => {
    reading++
    const tracked = run().finally(() => {
      running.delete(tracked)
      wake()
    })
    running.add(tracked)
  }

  try {
    boss = await startBoss(options.url, db, { supervise: true, onError: (error) => log(`queue: ${error.message}`) })
    unlisten = await db.listen(JOBS_CHANNEL, () => wake())
    options.signal?.addEventListener('abort', () => wake(), { once: true })
    options.onReady?.(pool.size)
    while (!options.signal?.aborted) {
      let took = 0
      // a new batch is taken when fewer than `limit` are still being read: the threads go on from one batch to the next
      if (reading < limit && running.size < 2 * limit) {
        for (const job of await boss.fetch(TRAIL_QUEUE, { batchSize: limit - reading })) {
          start(() => trailJob(job))
          took++
        }
      }
      if (reading < limit && running.size < 2 * limit) {
        for (const job of await boss.fetch(ERA_QUEUE, { batchSize: 1 })) {
          start(() => eraJob(job))
          took++
        }
      }
      if (took === 0 || reading >= limit || running.size >= 2 * limit) await rest()
    }
    await Promise.all(running)
    return totals
  } finally {
    await Promise.allSettled(running)
    await unlisten?.()
    if (boss) await stopBoss(boss)
    for (const p of poolJobs.keys()) await p.close()
    await db.close().catch(() => undefined)
  }
}
