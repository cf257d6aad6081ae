import type { ContentStore } from '../../src/ports.ts'
import type { RiskPolicy } from '../../src/schema/policy.ts'
import type { SqlDatabase } from '../sql/database.ts'
import type { VerifyPool } from '../workers/pool.ts'
import type { ChainAccess } from './chain.ts'
import type { ChangeFollower } from './change-follower.ts'
import type { DecisionCache } from './decision-cache.ts'
import type { EventFeed } from './event-feed.ts'
import type { Logger } from './log.ts'
import type { ServiceMetrics } from './metrics.ts'

/** The state of a background loop of `serve`, as /health reports it (`block`: the newest block it has read, when it says). */
export type LoopStatus = { running: boolean; lastError: string | null; block?: bigint }

/** The limits of the HTTP API (every one has a default; `serve` options change them). */
export type ServiceLimits = {
  /** the largest trail upload, in bytes */
  uploadBytes: number
  /** trail uploads verified at once (more are refused with 503 and Retry-After) */
  concurrentUploads: number
  /** clients of /v1/events at once */
  sseClients: number
  /** seconds between SSE heartbeats */
  heartbeatSeconds: number
  /** requests per minute per client address (0: no limit) */
  rateLimitPerMinute: number
}

/**
 * Everything the routes of the HTTP API use, built once by `startService` (tests build their own).
 * @example const app = createApp(context)
 */
export type ServiceContext = {
  version: string
  db: SqlDatabase
  store: ContentStore
  /** the registry, when `serve` was given one (--rpc, --registry) */
  chain: ChainAccess | undefined
  /** the clock decisions and lifecycles are judged at (`serve --now` fixes it) */
  clock: () => Date
  /** the server's risk policy (`--policy`); a request's minClass and maxLoss go over it */
  policy: RiskPolicy
  /** days before expiry from which a renewal is due */
  renewDays: number
  decisions: DecisionCache
  changes: ChangeFollower
  feed: EventFeed
  metrics: ServiceMetrics
  log: Logger
  limits: ServiceLimits
  /** the worker pool that verifies uploaded trails (started on first use) */
  verifyPool: () => Promise<VerifyPool>
  /** where uploads are written while they arrive */
  uploadDir: string
  /** allowed CORS origins (empty: CORS off) */
  corsOrigins: string[]
  /** `Access log`: one line per request */
  accessLog: boolean
  loops: { watcher: LoopStatus; eras: LoopStatus }
  /** the open /v1/events streams, each by the function that ends it (shutdown ends them all) */
  streams: Set<() => void>
  /** whether the database answered its last ping (checked in the background, so /health costs no query) */
  probes: { database: boolean }
  startedAt: number
}
