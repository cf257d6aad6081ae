import type { ApiPromise } from '@polkadot/api'
import { z } from 'zod'
import { BridgeError } from '../../src/errors.ts'
import { connectCere } from '../cere/connect.ts'
import { reconcileEraFromNode } from '../cere/reconcile-era-from-node.ts'
import type { SqlDatabase } from '../sql/database.ts'
import { saveEra } from '../sql/eras.ts'
import { appendEvent } from '../sql/events.ts'

/** One cluster-era to reconcile against a Cere node (`reconcile --clusters … --queue`). */
export const EraJobSchema = z.object({
  /** the coordinator's run (one per `reconcile --queue` call) */
  run: z.string().uuid(),
  clusterId: z.string().regex(/^0x[0-9a-f]{40}$/),
  era: z.number().int().nonnegative(),
  /** the node's WebSocket URL */
  ws: z.string().regex(/^wss?:\/\//),
  /** how many blocks back from the era's ClusterEraPaid its events are read */
  window: z.number().int().positive().optional(),
})
export type EraJob = z.infer<typeof EraJobSchema>

/** Connections kept by a worker process, one per node: connecting reads the node's metadata, which takes a while. */
const connections = new Map<string, Promise<ApiPromise>>()

/**
 * A worker's handler of one cluster-era job: reconciles it against the node (`reconcileEraFromNode`, the
 * `reconcile --ws` path), then stores the result with its HTML report in the service's `eras` table and appends an
 * `era` event, in one transaction. Returns a line for the worker's log. A node that cannot be reached throws (the job
 * is retried).
 * @example await reconcileEraJob({ run, clusterId: '0x0d14…', era: 412, ws: 'ws://127.0.0.1:9944' }, db)
 */
export async function reconcileEraJob(data: unknown, db: SqlDatabase): Promise<string> {
  const parsed = EraJobSchema.safeParse(data)
  if (!parsed.success) throw new BridgeError('QUEUE_JOB_INVALID', 'era job does not hold a cluster-era (another ccp-bridge version?)', { kind: 'internal' })
  const job = parsed.data
  let api = connections.get(job.ws)
  if (!api) {
    api = connectCere(job.ws)
    connections.set(job.ws, api)
    api.catch(() => connections.delete(job.ws))
  }
  let reconciled
  try {
    reconciled = await reconcileEraFromNode({ api: await api, clusterId: job.clusterId, era: job.era, ...(job.window !== undefined ? { window: job.window } : {}) })
  } catch (error) {
    // the next job connects afresh: this connection may be the problem
    if (connections.get(job.ws) === api) connections.delete(job.ws)
    void api.then((a) => a.disconnect()).catch(() => undefined)
    throw error
  }
  const verdict = reconciled.result.verdict
  const block = reconciled.closedBlock
  await db.transaction(async (tx) => {
    await saveEra(tx, { clusterId: job.clusterId, era: job.era, verdict, result: reconciled.json, html: reconciled.html, source: `node ${job.ws}`, block: block === undefined ? null : BigInt(block) })
    await appendEvent(tx, {
      kind: 'era',
      subject: `${job.clusterId}/${job.era}`,
      payload: { cluster_id: job.clusterId, era: job.era, verdict, block: block ?? null, closed: reconciled.result.closed },
      block: block === undefined ? null : BigInt(block),
    })
  })
  return `era ${job.era} of cluster ${job.clusterId}: ${verdict}${block !== undefined ? ` (ClusterEraPaid at block ${block})` : ''}, stored`
}

/**
 * Disconnects the nodes this process connected to for era jobs (the worker calls it when it stops).
 * @example await closeEraConnections()
 */
export async function closeEraConnections(): Promise<void> {
  const all = [...connections.values()]
  connections.clear()
  await Promise.all(all.map(async (api) => (await api.catch(() => undefined))?.disconnect().catch(() => undefined)))
}
