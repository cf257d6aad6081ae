/**
 * The watcher as a long-running loop: what `ccp-bridge watch --follow` runs, and what `ccp-bridge serve` runs beside
 * its HTTP API. Contract:
 *
 * - **Ports** (`WatchPorts`): `registry`, `store`, `state` and `index` (the registry index: `sqlRegistryIndex(db)` from
 *   adapters/sql/certificates.ts, on the same database as `state`). With `operator` and `gar` the watcher also revokes
 *   the operator's certificates whose consent ended; without `operator` it is read-only: it follows the registry and
 *   keeps the index, and never sends a transaction.
 * - **Rounds**: one `watchOnce` every `intervalMs` until `signal` aborts (or after `rounds` rounds). Each round reads
 *   only events at least `confirmations` blocks deep, in `getLogs` ranges of at most `maxRange` blocks.
 * - **Failures**: a transient failure (RPC, GAR, database unreachable) is retried inside the round with capped
 *   exponential backoff and jitter (`retry`, each retry reported to `log` as a `retry` event). A round that still
 *   cannot check something reports `error` events and the next round starts after the backoff (never sooner than
 *   `intervalMs`); the loop never throws for it. With `stopOnError` (scripts, `--rounds`), it returns at the first such
 *   round instead, and a round that failed outright rethrows.
 * - **Shutdown**: aborting `signal` cuts any wait short; the loop returns after the step in progress (a range of
 *   blocks, or one certificate's revocation). Every step is committed before the next begins, so a stop, or a crash,
 *   leaves the state consistent and the next start resumes where this one stopped without repeating an action.
 * - **Output**: every event goes to `log` as it happens. `indexed` events follow every change recorded in the index;
 *   the index itself also appends each change to the database's event log (`/v1/events`) in the same transaction.
 *
 * @example
 * const controller = new AbortController()
 * const done = runWatcher({ registry, store, state, index: sqlRegistryIndex(db) }, { clock: systemClock, signal: controller.signal, intervalMs: 5000, confirmations: 12, log: console.log })
 * // later: controller.abort(); await done
 */
import { BridgeError } from '../errors.ts'
import { backoffDelay, DEFAULT_RETRY, failureText, withRetries, type Clock } from './retry.ts'
import { watchOnce, type WatchEvent, type WatchOptions, type WatchPorts } from './watch.ts'

export type RunWatcherOptions = Omit<WatchOptions, 'now' | 'onEvent' | 'clock' | 'signal'> & {
  clock: Clock
  signal: AbortSignal
  /** the wait between rounds */
  intervalMs: number
  /** stop after this many rounds (default: until `signal` aborts) */
  rounds?: number
  /** the time the rounds judge grants and expiries at (default `clock.now()`; a fixed `--now` for scripts) */
  now?: () => Date
  /** hears every event as it happens */
  log: (event: WatchEvent) => void
  /** return at the first round that could not check everything (exit 2 in scripts) instead of trying again */
  stopOnError?: boolean
}

export type RunWatcherResult = {
  rounds: number
  /** why the loop returned */
  stoppedBy: 'signal' | 'rounds' | 'error'
  /** the `error` events of the last round (empty when it checked everything) */
  errors: Array<Extract<WatchEvent, { kind: 'error' }>>
}

/**
 * Runs the watcher until `signal` aborts (see the contract at the top of this file).
 * @example const result = await runWatcher(ports, { clock, signal, intervalMs: 5000, log })
 */
export async function runWatcher(ports: WatchPorts, options: RunWatcherOptions): Promise<RunWatcherResult> {
  const { clock, signal, log } = options
  const policy = options.retry ?? DEFAULT_RETRY
  let errors: RunWatcherResult['errors'] = []
  const report = (event: WatchEvent) => {
    if (event.kind === 'error') errors.push(event)
    log(event)
  }
  if (ports.operator && ports.gar && !signal.aborted) {
    const gar = ports.gar
    try {
      // fails early on a GAR that cannot be polled or grant files that cannot be read, even with nothing to check yet
      await withRetries(`reach ${gar.description}`, () => gar.agreements(`0x${'00'.repeat(32)}`), { policy, clock, signal, onRetry: (notice) => log({ kind: 'retry', ...notice }) })
    } catch (error) {
      if (!(error instanceof BridgeError) && options.stopOnError) throw error
      report({ kind: 'error', code: error instanceof BridgeError ? error.code : 'INTERNAL', message: `cannot poll ${gar.description}: ${failureText(error)}` })
      if (options.stopOnError) return { rounds: 0, stoppedBy: signal.aborted ? 'signal' : 'error', errors }
    }
  }
  let failures = 0
  let round = 0
  while (!signal.aborted) {
    round++
    errors = []
    try {
      await watchOnce(ports, { ...options, now: options.now?.() ?? clock.now(), clock, signal, onEvent: report })
    } catch (error) {
      if (signal.aborted) break
      if (options.stopOnError) throw error
      report({ kind: 'error', code: error instanceof BridgeError ? error.code : 'INTERNAL', message: `the round failed: ${failureText(error)}` })
    }
    if (signal.aborted) break
    failures = errors.length > 0 ? failures + 1 : 0
    if (failures > 0 && options.stopOnError) return { rounds: round, stoppedBy: 'error', errors }
    if (options.rounds !== undefined && round >= options.rounds) return { rounds: round, stoppedBy: 'rounds', errors }
    await clock.sleep(failures > 0 ? Math.max(options.intervalMs, backoffDelay(failures - 1, policy, clock.random)) : options.intervalMs, signal)
  }
  return { rounds: round, stoppedBy: 'signal', errors }
}
