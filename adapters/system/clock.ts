import { setTimeout as wait } from 'node:timers/promises'
import type { Clock } from '../../src/bridge/retry.ts'

/**
 * The machine's clock for the core's loops (the watcher's rounds and retries): the real time, timers that an
 * AbortSignal cuts short (resolving, not throwing), and Math.random for the backoff jitter.
 * @example await runWatcher(ports, { clock: systemClock, signal, intervalMs: 5000, log })
 */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: async (ms, signal) => {
    if (signal?.aborted) return
    await wait(ms, undefined, { signal }).catch((error: unknown) => {
      if ((error as { name?: string })?.name !== 'AbortError') throw error
    })
  },
  random: Math.random,
}
