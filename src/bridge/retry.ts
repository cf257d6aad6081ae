import { BridgeError, errorMessage, formatLocation } from '../errors.ts'

/**
 * Time and chance as the watcher sees them, passed in (the core reads no clock and draws no random numbers itself).
 * `sleep` resolves early, without throwing, when `signal` aborts.
 * @example const clock: Clock = { now: () => new Date(), sleep: (ms, signal) => wait(ms, signal), random: Math.random }
 */
export type Clock = {
  now(): Date
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  random(): number
}

/** How a failing call is retried: `retries` more attempts, the n-th after about `baseMs·2ⁿ`, never more than `maxMs`. */
export type RetryPolicy = { retries: number; baseMs: number; maxMs: number }

/** 5 retries from half a second, capped at 30 s: a node or GAR down for about a minute costs one round, not the process. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseMs: 500, maxMs: 30_000 }

/** A retry about to happen, for the log: what failed, why, which attempt comes next and after how long. */
export type RetryNotice = { what: string; attempt: number; attempts: number; delayMs: number; code: string; message: string }

/**
 * The wait before retry number `n` (0-based): capped exponential backoff with equal jitter, a uniformly drawn time
 * between half and all of `min(maxMs, baseMs·2ⁿ)`. Bounded by `maxMs` whatever `n` is; the jitter keeps processes
 * that failed together from retrying in step.
 * @example backoffDelay(3, { retries: 5, baseMs: 500, maxMs: 30_000 }, () => 0.5) // 3000 (between 2000 and 4000)
 */
export function backoffDelay(n: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n, 40))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/**
 * Whether an error is worth retrying: a service that could not be reached or answered with an error (`io`). Bad input,
 * a refused transaction and bugs are not (they fail the same way again).
 * @example isTransient(new BridgeError('GAR_UNREACHABLE', 'cannot reach GAR', { kind: 'io' })) // true
 */
export function isTransient(error: unknown): boolean {
  return error instanceof BridgeError && error.kind === 'io'
}

/**
 * Runs `fn`, retrying transient failures (`isTransient`) up to `policy.retries` times with `backoffDelay` between
 * attempts; `onRetry` hears of each retry before its wait. A non-transient error, the last failure, or an abort of
 * `signal` during a wait ends it with that error.
 * @example const block = await withRetries('read the newest block', () => registry.blockNumber(), { policy, clock, onRetry: log })
 */
export async function withRetries<T>(
  what: string,
  fn: () => Promise<T>,
  options: { policy: RetryPolicy; clock: Pick<Clock, 'sleep' | 'random'>; signal?: AbortSignal | undefined; onRetry?: ((notice: RetryNotice) => void) | undefined },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      const retry = attempt - 1
      if (!isTransient(error) || retry >= options.policy.retries || options.signal?.aborted) throw error
      const delayMs = backoffDelay(retry, options.policy, options.clock.random)
      options.onRetry?.({ what, attempt: attempt + 1, attempts: options.policy.retries + 1, delayMs, code: (error as BridgeError).code, message: failureText(error) })
      await options.clock.sleep(delayMs, options.signal)
      if (options.signal?.aborted) throw error
    }
  }
}

/**
 * An error as one line for a log: where, what, and the details in parentheses (a BridgeError's message puts its
 * details on a second line).
 * @example failureText(new BridgeError('GAR_UNREACHABLE', 'cannot reach GAR at http://h', { kind: 'io', details: 'ECONNREFUSED' })) // 'cannot reach GAR at http://h (ECONNREFUSED)'
 */
export function failureText(error: unknown): string {
  if (!(error instanceof BridgeError)) return errorMessage(error).replace(/\s*\n\s*/g, ' ')
  const where = formatLocation(error)
  return `${where ? `${where}: ` : ''}${error.shortMessage}${error.details ? ` (${error.details})` : ''}`.replace(/\s*\n\s*/g, ' ')
}
