import { hostname } from 'node:os'
import PgBoss from 'pg-boss'
import { BridgeError } from '../../src/errors.ts'
import { redactUrl, type SqlDatabase } from '../sql/database.ts'

/** The queue of trail batches (`trail verify --queue`) and the queue of cluster-era reconciliations (`reconcile --queue`). */
export const TRAIL_QUEUE = 'ccp-bridge-trail'
export const ERA_QUEUE = 'ccp-bridge-era'

/** NOTIFY channels: new jobs for the workers; a finished trail batch (payload: its run id) for its coordinator. */
export const JOBS_CHANNEL = 'ccp_bridge_jobs'
export const TRAIL_DONE_CHANNEL = 'ccp_bridge_trail_done'
/** A finished (or failed) cluster-era job, payload: its run id. */
export const ERA_DONE_CHANNEL = 'ccp_bridge_era_done'

/** pg-boss keeps its jobs in this schema of the database (created on first start). */
export const BOSS_SCHEMA = 'pgboss'

/**
 * Starts pg-boss 10 on a PostgreSQL database and makes sure both queues exist. Processes that start at once on a new
 * database take turns (an advisory lock on `db`): pg-boss installing its schema twice at once would deadlock.
 * `supervise` (the long-lived workers): pg-boss's maintenance every 2 minutes (expired leases, finished jobs archived
 * after 12 hours and deleted after 7 days); a coordinator instead expires the leases of dead workers itself, often,
 * while it waits. pg-boss's own errors (a lost connection while polling) go to `onError`, never to an unhandled
 * 'error' event.
 * @example const boss = await startBoss(process.env.DATABASE_URL!, db, { supervise: true, onError: (e) => console.error(e.message) })
 */
export async function startBoss(url: string, db: Pick<SqlDatabase, 'withLock'>, options: { supervise?: boolean; onError?: (error: Error) => void } = {}): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, schema: BOSS_SCHEMA, max: 4, application_name: `ccp-bridge ${hostname()}:${process.pid}`, supervise: options.supervise ?? false, schedule: false, migrate: true })
  boss.on('error', (error) => options.onError?.(error))
  try {
    await db.withLock('ccp-bridge/queue-start', async () => {
      await boss.start()
      await boss.createQueue(TRAIL_QUEUE)
      await boss.createQueue(ERA_QUEUE)
    })
  } catch (cause) {
    await boss.stop({ graceful: false, close: true }).catch(() => undefined)
    throw new BridgeError('QUEUE_UNAVAILABLE', `cannot start the job queue on ${redactUrl(url)}`, { kind: 'io', cause, details: (cause as Error).message })
  }
  return boss
}

/**
 * Stops pg-boss and closes its connections (its timers would otherwise keep the process alive).
 * @example await stopBoss(boss)
 */
export async function stopBoss(boss: PgBoss): Promise<void> {
  await boss.stop({ graceful: false, close: true, wait: true }).catch(() => undefined)
}

/** This process, as job results name who wrote them: `host:pid`. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`
}
