import { randomUUID } from 'node:crypto'
import { BridgeError } from '../../src/errors.ts'
import type { SqlDatabase } from '../sql/database.ts'
import { getEra } from '../sql/eras.ts'
import { BOSS_SCHEMA, ERA_DONE_CHANNEL, ERA_QUEUE } from './boss.ts'
import type { EraJob } from './era-jobs.ts'
import { withQueueRun } from './queue-run.ts'

/** One cluster-era of a fan-out and how it ended: its stored verdict, or why it could not be reconciled. */
export type EraOutcome = { cluster_id: string; era: number; verdict?: 'balanced' | 'discrepancies' | 'incomplete'; block?: string | null; error?: string }

/** What a fan-out does: the clusters and eras, the node the workers read, the queue. */
export type EraFanOutOptions = {
  url: string
  ws: string
  clusters: string[]
  fromEra: number
  toEra: number
  /** blocks read back from an era's ClusterEraPaid when its payout receipt does not say */
  window?: number
  /** a job whose worker has not finished it this many seconds after taking it goes to another worker (default 300) */
  leaseSeconds?: number
  /** tries after the first, for a node that does not answer (default 2, 10 s apart) */
  retries?: number
  onProgress?: (done: number, total: number) => void
  signal?: AbortSignal
}

/**
 * `reconcile --clusters … --from-era N --to-era M --queue URL`: one job per cluster-era on the queue `ccp-bridge-era`;
 * `ccp-bridge worker` processes reconcile each against the Cere node (what `reconcile --ws` does) and store the result
 * with its HTML report in the service's `eras` table (and an `era` event). Waits for every job and returns each
 * cluster-era's outcome in order (cluster, then era), read back from the eras table.
 * @example const outcomes = await fanOutEras({ url, ws: 'ws://node:9944', clusters: ['0x0d14…'], fromEra: 410, toEra: 412 })
 */
export async function fanOutEras(options: EraFanOutOptions): Promise<EraOutcome[]> {
  const run = randomUUID()
  const jobs = options.clusters.flatMap((clusterId) =>
    Array.from({ length: options.toEra - options.fromEra + 1 }, (_, i) => ({
      id: randomUUID(),
      data: { run, clusterId, era: options.fromEra + i, ws: options.ws, ...(options.window !== undefined ? { window: options.window } : {}) } satisfies EraJob,
    })),
  )
  const lease = options.leaseSeconds ?? 300
  const retryLimit = options.retries ?? 2
  return withQueueRun({ url: options.url, queue: ERA_QUEUE, doneChannel: ERA_DONE_CHANNEL, run, signal: options.signal }, async ({ db, boss, enqueue, rest }) => {
    // taken in order (cluster, then era): the outcomes come in the order they are printed
    await enqueue(jobs.map((job, i) => ({ id: job.id, data: job.data, priority: jobs.length - i, retryLimit, retryDelay: 10, expireInSeconds: lease })))
    const outcomes = new Map<string, EraOutcome>()
    let lastExpire = Date.now()
    while (outcomes.size < jobs.length) {
      if (options.signal?.aborted) throw new BridgeError('INTERRUPTED', `interrupted: ${jobs.length - outcomes.size} cluster-era job(s) cancelled`, { kind: 'io' })
      const pending = jobs.filter((job) => !outcomes.has(job.id))
      const states = await jobStates(db, pending.map((job) => job.id))
      for (const job of pending) {
        const outcome = await jobOutcome(states.get(job.id), db, job.data)
        if (outcome) outcomes.set(job.id, outcome)
      }
      options.onProgress?.(outcomes.size, jobs.length)
      if (outcomes.size === jobs.length) break
      if (Date.now() - lastExpire >= Math.max(1000, (lease * 1000) / 4)) {
        await boss.expire()
        lastExpire = Date.now()
      }
      await rest()
    }
    return jobs.map((job) => outcomes.get(job.id)!)
  })
}

type JobState = { state: string; output: unknown }

/**
 * The states of many jobs in one query (pg-boss 10 reads one job at a time): its `job` table, the one every queue's
 * partition belongs to, by id.
 */
async function jobStates(db: SqlDatabase, ids: string[]): Promise<Map<string, JobState>> {
  const rows = await db.query<{ id: string; state: string; output: unknown }>(`select id, state, output from ${BOSS_SCHEMA}.job where name = $1 and id = any($2::uuid[])`, [ERA_QUEUE, ids])
  return new Map(rows.map((row) => [row.id, { state: row.state, output: row.output }]))
}

/** A finished job's outcome (the verdict the worker stored, or why it failed for good); undefined while it runs. */
async function jobOutcome(job: JobState | undefined, db: SqlDatabase, data: EraJob): Promise<EraOutcome | undefined> {
  const base = { cluster_id: data.clusterId, era: data.era }
  const output = (job?.output ?? {}) as { error?: { shortMessage?: string }; value?: { message?: string }; message?: string }
  if (!job || job.state === 'failed' || job.state === 'cancelled') {
    return { ...base, error: output.error?.shortMessage ?? output.value?.message ?? output.message ?? (job ? job.state : 'the job is gone') }
  }
  if (job.state !== 'completed') return undefined
  if (output.error) return { ...base, error: output.error.shortMessage ?? 'failed' }
  const stored = await getEra(db, data.clusterId, data.era)
  if (!stored) return { ...base, error: 'the worker finished but no result is in the eras table' }
  return { ...base, verdict: stored.verdict, block: stored.block === null ? null : stored.block.toString() }
}
