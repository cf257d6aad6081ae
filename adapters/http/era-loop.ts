import { backoffDelay } from '../../src/bridge/retry.ts'
import { errorMessage } from '../../src/errors.ts'
import type { SqlDatabase } from '../sql/database.ts'
import { systemClock } from '../system/clock.ts'
import type { LoopStatus } from './context.ts'
import { failureFields, type Logger } from './log.ts'
import type { ServiceMetrics } from './metrics.ts'

export type EraLoopOptions = {
  db: SqlDatabase
  /** the Cere node (ws:// or wss://) */
  wsUrl: string
  /** the clusters whose eras are reconciled (0x + 40 hex digits) */
  clusters: string[]
  /** on a first start, also reconcile the eras from this one that are already paid */
  fromEra?: number | undefined
  /** how many blocks back from ClusterEraPaid an era's events are read */
  window?: number | undefined
  signal: AbortSignal
  log: Logger
  metrics: ServiceMetrics
  status: LoopStatus
}

/** The longest wait before the era follower is started again after it stopped on an error. */
const MAX_RESTART_MS = 60_000

/**
 * The era follower inside `serve` (`followEras` of adapters/cere/era-follower.ts, loaded only when eras are followed):
 * it reconciles each era of the clusters as its ClusterEraPaid is finalized, stores it and appends the `era` event that
 * /v1/events streams. Node and database errors are retried inside it; should it still stop on an error (a malformed
 * chain event), it is started again after a growing wait and the error stays in /health: the server never exits for it.
 * Returns when `signal` aborts.
 * @example const done = superviseEras({ db, wsUrl: 'ws://127.0.0.1:9944', clusters: ['0x0d14…'], signal, log, metrics, status })
 */
export async function superviseEras(options: EraLoopOptions): Promise<void> {
  const { signal, log, status, metrics } = options
  const { followEras } = await import('../cere/era-follower.ts')
  let failures = 0
  while (!signal.aborted) {
    status.running = true
    try {
      await followEras({
        database: options.db,
        wsUrl: options.wsUrl,
        clusters: options.clusters,
        ...(options.fromEra !== undefined ? { fromEra: options.fromEra } : {}),
        ...(options.window !== undefined ? { window: options.window } : {}),
        signal,
        onLog: (line) => {
          const retrying = /retrying in/.test(line)
          if (retrying) {
            status.lastError = line.replace(/^eras follow: /, '')
            metrics.loopErrors.inc({ loop: 'eras' })
          }
          log.log(retrying ? 'warn' : 'info', 'eras', line.replace(/^eras follow: /, ''))
        },
        onProgress: (block) => {
          status.block = BigInt(block)
          status.lastError = null
          failures = 0
        },
      })
    } catch (error) {
      if (signal.aborted) break
      failures++
      status.lastError = errorMessage(error)
      metrics.loopErrors.inc({ loop: 'eras' })
      const delay = backoffDelay(failures - 1, { baseMs: 1000, maxMs: MAX_RESTART_MS }, Math.random)
      log.log('error', 'eras', `the era follower stopped; starting it again in ${(delay / 1000).toFixed(1)} s`, failureFields(error))
      await systemClock.sleep(delay, signal)
    } finally {
      status.running = false
    }
  }
}
