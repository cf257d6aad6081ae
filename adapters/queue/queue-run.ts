import type PgBoss from 'pg-boss'
import { BridgeError } from '../../src/errors.ts'
import type { SqlDatabase } from '../sql/database.ts'
import { JOBS_CHANNEL, startBoss, stopBoss } from './boss.ts'
import { openQueueDatabase } from './queue-database.ts'
import { wakeUp } from './wake-up.ts'

/** What a coordinator works with while its run lasts (see `withQueueRun`). */
export type QueueRun = {
  db: SqlDatabase
  boss: PgBoss
  /** enqueues jobs (in slices of 500) on the run's queue and wakes the workers */
  enqueue(jobs: Array<Omit<PgBoss.JobInsert, 'name'> & { id: string }>): Promise<void>
  /** waits a second, or less when a worker says it finished one of this run's jobs, or the run is aborted */
  rest(): Promise<void>
}

/**
 * A coordinator's run on the queue: opens the database and pg-boss, listens on `doneChannel` for this run's id (a
 * worker NOTIFYs it when it finishes one of the run's jobs), runs `body`, and whatever happens closes everything; when
 * `body` throws (an error, Ctrl-C), the run's unfinished jobs are cancelled first. `cleanup` runs last on the open database.
 * @example await withQueueRun({ url, queue: ERA_QUEUE, doneChannel: ERA_DONE_CHANNEL, run }, async ({ enqueue, rest }) => …)
 */
export async function withQueueRun<T>(
  options: { url: string; queue: string; doneChannel: string; run: string; signal?: AbortSignal | undefined; cleanup?: (db: SqlDatabase) => Promise<void> },
  body: (run: QueueRun) => Promise<T>,
): Promise<T> {
  const db = await openQueueDatabase(options.url)
  let boss: PgBoss | undefined
  let unlisten: (() => Promise<void>) | undefined
  const ids: string[] = []
  let finished = false
  try {
    boss = await startBoss(options.url, db)
    const { rest, wake } = wakeUp(1000)
    unlisten = await db.listen(options.doneChannel, (payload) => payload === options.run && wake())
    options.signal?.addEventListener('abort', () => wake(), { once: true })
    const started = boss
    const enqueue: QueueRun['enqueue'] = async (jobs) => {
      for (let i = 0; i < jobs.length; i += 500) {
        const slice = jobs.slice(i, i + 500)
        await started.insert(slice.map((job) => ({ ...job, name: options.queue })))
        ids.push(...slice.map((job) => job.id))
      }
      await db.query('select pg_notify($1, $2)', [JOBS_CHANNEL, options.run])
    }
    const result = await body({ db, boss, enqueue, rest })
    finished = true
    return result
  } catch (error) {
    // the database went away mid-run (pg's own error): said as the bridge says it, never as raw library text
    if (error instanceof BridgeError) throw error
    throw new BridgeError('QUEUE_FAILED', `the job queue on ${db.description} failed while the run waited`, { kind: 'io', cause: error, details: (error as Error)?.message ?? String(error) })
  } finally {
    if (!finished && boss && ids.length) await boss.cancel(options.queue, ids).catch(() => undefined)
    await options.cleanup?.(db).catch(() => undefined)
    await unlisten?.()
    if (boss) await stopBoss(boss)
    await db.close().catch(() => undefined)
  }
}
