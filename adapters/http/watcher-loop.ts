import { backoffDelay, DEFAULT_RETRY, withRetries, type RetryPolicy } from '../../src/bridge/retry.ts'
import { runWatcher } from '../../src/bridge/run-watcher.ts'
import { defaultConfirmations } from '../../src/bridge/watch-scan.ts'
import type { WatchEvent } from '../../src/bridge/watch.ts'
import { errorMessage } from '../../src/errors.ts'
import type { Address, ContentStore, GrantSource, TypedDataSigner } from '../../src/ports.ts'
import { sqlRegistryIndex } from '../sql/certificates.ts'
import type { SqlDatabase } from '../sql/database.ts'
import { sqlStateStore } from '../sql/sql-state-store.ts'
import { systemClock } from '../system/clock.ts'
import type { LoopStatus } from './context.ts'
import { failureFields, type Logger } from './log.ts'
import type { ServiceMetrics } from './metrics.ts'


export type WatcherLoopOptions = {
  rpcUrl: string
  registry: Address
  db: SqlDatabase
  store: ContentStore
  /** with `gar`: revoke this operator's certificates whose consent ended; without: read-only (the index only) */
  operator?: TypedDataSigner | undefined
  gar?: GrantSource | undefined
  intervalMs: number
  /** default 0 on a local chain (31337, 1337), 12 elsewhere */
  confirmations?: number | undefined
  maxRange?: number | undefined
  fromBlock?: bigint | undefined
  warnDays?: number | undefined
  retry?: RetryPolicy | undefined
  /** a fixed clock for the rounds (serve --now) */
  now?: (() => Date) | undefined
  signal: AbortSignal
  log: Logger
  metrics: ServiceMetrics
  status: LoopStatus
}

/**
 * The watcher inside `serve`: connects to the node (waiting for it as long as it takes), then runs `runWatcher` (its
 * rounds retry RPC, GAR and database failures with backoff and never throw for them). Should the loop still fail (a
 * database gone for good, a bug), it starts again after a backoff: the server never exits because of its watcher.
 * Returns when `signal` aborts, after the step in progress.
 * @example const done = superviseWatcher({ rpcUrl, registry, db, store, intervalMs: 5000, signal, log, metrics, status })
 */
export async function superviseWatcher(options: WatcherLoopOptions): Promise<void> {
  const { signal, log, status } = options
  const retry = options.retry ?? DEFAULT_RETRY
  const mode = options.operator && options.gar ? `revoking for operator ${options.operator.address}` : 'read-only'
  let failures = 0
  while (!signal.aborted) {
    try {
      const { evmRegistry } = await import('../evm/registry-port.ts')
      const registry = await withRetries(`connect to the EVM node at ${options.rpcUrl}`, () => evmRegistry(options.rpcUrl, options.registry, { fromBlock: options.fromBlock ?? 0n }), {
        policy: { ...retry, retries: Number.POSITIVE_INFINITY },
        clock: systemClock,
        signal,
        onRetry: (notice) => {
          status.lastError = `${notice.what}: ${notice.message}`
          log.log('warn', 'watcher', `${notice.what} failed; retrying in ${(notice.delayMs / 1000).toFixed(1)} s`, { code: notice.code, error: notice.message })
        },
      })
      if (signal.aborted) break
      const confirmations = options.confirmations ?? defaultConfirmations(registry.chainId)
      status.running = true
      log.log('info', 'watcher', `following registry ${registry.address} on chain ${registry.chainId} (${mode}): ${confirmations} confirmations, every ${options.intervalMs / 1000} s`)
      await runWatcher(
        { registry, store: options.store, state: sqlStateStore(options.db), index: sqlRegistryIndex(options.db), ...(options.operator ? { operator: options.operator } : {}), ...(options.gar ? { gar: options.gar } : {}) },
        {
          clock: systemClock,
          signal,
          intervalMs: options.intervalMs,
          confirmations,
          ...(options.maxRange !== undefined ? { maxRange: options.maxRange } : {}),
          ...(options.fromBlock !== undefined ? { fromBlock: options.fromBlock } : {}),
          ...(options.warnDays !== undefined ? { warnDays: options.warnDays } : {}),
          ...(options.now ? { now: options.now } : {}),
          retry,
          log: (event) => report(event, options),
        },
      )
      failures = 0
    } catch (error) {
      if (signal.aborted) break
      failures++
      status.lastError = errorMessage(error)
      options.metrics.loopErrors.inc({ loop: 'watcher' })
      const delay = backoffDelay(failures - 1, retry, Math.random)
      log.log('error', 'watcher', `the watcher stopped; starting it again in ${(delay / 1000).toFixed(1)} s`, failureFields(error))
      await systemClock.sleep(delay, signal)
    } finally {
      status.running = false
    }
  }
}

/** What the watcher reports, in the service's log: its retries and errors (also in /health), and what it did. */
function report(event: WatchEvent, options: WatcherLoopOptions): void {
  const { log, status, metrics } = options
  switch (event.kind) {
    case 'retry':
      log.log('warn', 'watcher', `${event.what} failed; retry ${event.attempt} in ${(event.delayMs / 1000).toFixed(1)} s`, { code: event.code, error: event.message })
      return
    case 'error':
      status.lastError = event.message
      metrics.loopErrors.inc({ loop: 'watcher' })
      log.log('warn', 'watcher', `could not check${event.certHash ? ` ${event.certHash}` : ''} this round: ${event.message}`, { code: event.code })
      return
    case 'indexed':
      log.log('info', 'watcher', `${event.change} ${event.certHash} (agent ${event.agent}) at block ${event.block}${event.status ? `: ${event.status}` : ''}`)
      return
    case 'revoked':
      log.log('info', 'watcher', `REVOKED ${event.certHash}: ${event.reason}${event.txHash ? ` (tx ${event.txHash})` : ''}${event.note ? ` (${event.note})` : ''}`)
      return
    case 'reorg':
      log.log('warn', 'watcher', `reorg: ${event.message}`)
      return
    case 'warning':
      log.log('warn', 'watcher', `${event.certHash ? `${event.certHash}: ` : ''}${event.message}`)
      return
    case 'expiring':
      log.log('info', 'watcher', `${event.certHash} expires at ${event.expiresAt} (${event.daysLeft} days left): renew it`)
      return
    case 'tracked':
      log.log('info', 'watcher', `tracking ${event.certHash} (agent ${event.agent})`)
      return
    case 'ended':
      log.log('info', 'watcher', `${event.certHash} ended on chain (${event.how})`)
      return
  }
}
