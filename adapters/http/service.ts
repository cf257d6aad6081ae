import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { answerClientErrors } from './client-error.ts'
import type { RetryPolicy } from '../../src/bridge/retry.ts'
import { BridgeError } from '../../src/errors.ts'
import { MiB } from '../../src/limits.ts'
import type { Address, GrantSource, TypedDataSigner } from '../../src/ports.ts'
import type { RiskPolicy } from '../../src/schema/policy.ts'
import { verifyAgent } from '../../src/verify/verify-agent.ts'
import { watcherHead } from '../sql/certificates.ts'
import type { SqlDatabase } from '../sql/database.ts'
import { DEFAULT_DATA_DIR } from '../sql/default-data-dir.ts'
import { openDatabase } from '../sql/open-database.ts'
import { localContentStore } from '../store/local-content-store.ts'
import { VerifyPool } from '../workers/pool.ts'
import { createApp } from './app.ts'
import { lazyChain } from './chain.ts'
import { followChanges } from './change-follower.ts'
import type { ServiceContext, ServiceLimits } from './context.ts'
import { DecisionCache } from './decision-cache.ts'
import { superviseEras, type EraLoopOptions } from './era-loop.ts'
import { eventFeed } from './event-feed.ts'
import { createLogger, failureFields, type Logger } from './log.ts'
import { serviceMetrics } from './metrics.ts'
import { superviseWatcher } from './watcher-loop.ts'

/** What `startService` needs; everything but `version` has a default (the embedded database in .ccp-bridge, port 8080). */
export type ServiceOptions = {
  version: string
  host?: string
  /** 0: any free port (the running service says which) */
  port?: number
  /** the data folder: the embedded database in `<dataDir>/db`, the content store in `<dataDir>/store` */
  dataDir?: string
  /** PostgreSQL (what DATABASE_URL holds); without it the embedded database */
  databaseUrl?: string | undefined
  /** PostgreSQL only: a schema of its own (tests) */
  databaseSchema?: string | undefined
  /** an already open database (the caller closes it) */
  db?: SqlDatabase
  storeDir?: string | undefined
  /** the registry to follow and to answer decisions from */
  rpcUrl?: string | undefined
  registry?: Address | undefined
  fromBlock?: bigint | undefined
  /** the watcher: revoke this operator's certificates when their consent ends (needs `gar`); without it read-only */
  operator?: TypedDataSigner | undefined
  gar?: GrantSource | undefined
  watcher?: { intervalMs?: number; confirmations?: number | undefined; maxRange?: number | undefined; warnDays?: number; retry?: RetryPolicy } | undefined
  /** the era follower: reconcile each era of these clusters as its ClusterEraPaid is finalized */
  eras?: Pick<EraLoopOptions, 'wsUrl' | 'clusters' | 'fromEra' | 'window'> | undefined
  policy?: RiskPolicy
  /** a fixed clock (serve --now); default the real time */
  now?: Date | undefined
  renewDays?: number
  limits?: Partial<ServiceLimits>
  corsOrigins?: string[]
  accessLog?: boolean
  /** worker threads verifying uploaded trails (default every core) */
  workers?: number
  log?: Logger
}

export type RunningService = {
  url: string
  port: number
  context: ServiceContext
  /** stops the loops (after their step in progress), ends every stream, closes the server and the database */
  stop(): Promise<void>
}

export const DEFAULT_LIMITS: ServiceLimits = { uploadBytes: 256 * MiB, concurrentUploads: 2, sseClients: 1000, heartbeatSeconds: 15, rateLimitPerMinute: 0 }

/**
 * Starts `ccp-bridge serve`: opens the state database (migrated, the JSON state of an earlier version imported),
 * starts the HTTP API, and runs the watcher and the era follower beside it when configured. Nothing of the outside
 * world (a node, GAR, a Cere node) being down stops it: the loops retry, requests that need them answer 503.
 * @example const service = await startService({ version: '0.1.0', port: 0, rpcUrl, registry }); …; await service.stop()
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const log = options.log ?? createLogger()
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR
  const ownDb = !options.db
  const db = options.db ?? (await openDatabase({ url: options.databaseUrl, dataDir, schema: options.databaseSchema }))
  const cleanups: Array<() => Promise<void> | void> = []
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch((error) => log.log('warn', 'serve', 'a shutdown step failed', failureFields(error)))
  }
  if (ownDb) cleanups.push(() => db.close())
  try {
    const store = localContentStore(options.storeDir ?? join(dataDir, 'store'))
    const metrics = serviceMetrics()
    const fixed = options.now
    const clock = fixed ? () => fixed : () => new Date()
    const chain = options.rpcUrl && options.registry ? lazyChain({ rpcUrl: options.rpcUrl, address: options.registry, fromBlock: options.fromBlock ?? 0n }) : undefined
    const policy = options.policy ?? {}
    const feed = await eventFeed(db)
    cleanups.push(() => feed.close())
    const decisions = new DecisionCache({
      db,
      metrics,
      log,
      compute: async (agent, policy, now) => {
        if (!chain) throw new BridgeError('REGISTRY_NOT_CONFIGURED', 'this server follows no registry', { kind: 'io' })
        const registry = await chain.registry()
        const block = await registry.blockNumber()
        return { result: await verifyAgent({ agent, registry, store, policy, now }), block }
      },
    })
    const loops = { watcher: { running: false, lastError: null as string | null }, eras: { running: false, lastError: null as string | null } }
    const changes = await followChanges({
      db,
      feed,
      readHead: async () => (await watcherHead(db))?.block,
      onChange: (change) => decisions.invalidate(change),
      onHead: (head) => {
        metrics.watcherHead.set(Number(head))
        loops.watcher.lastError = null // the watcher made progress
      },
      log,
    })
    cleanups.push(() => changes.stop())
    let pool: Promise<VerifyPool> | undefined
    cleanups.push(async () => {
      if (pool) await (await pool).close()
    })
    const uploadDir = await mkdtemp(join(tmpdir(), 'ccp-bridge-uploads-'))
    cleanups.push(() => rm(uploadDir, { recursive: true, force: true }))
    const probes = { database: true }
    const probe = setInterval(() => {
      db.query('select 1')
        .then(() => (probes.database = true))
        .catch((error) => {
          if (probes.database) log.log('error', 'serve', `the database does not answer: ${db.description}`, failureFields(error))
          probes.database = false
        })
    }, 5000)
    probe.unref()
    cleanups.push(() => clearInterval(probe))

    const context: ServiceContext = {
      version: options.version,
      db,
      store,
      chain,
      clock,
      policy,
      renewDays: options.renewDays ?? 7,
      decisions,
      changes,
      feed,
      metrics,
      log,
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      verifyPool: () => (pool ??= VerifyPool.start(options.workers)),
      uploadDir,
      corsOrigins: options.corsOrigins ?? [],
      accessLog: options.accessLog ?? false,
      loops,
      streams: new Set(),
      probes,
      startedAt: Date.now(),
    }
    const app = createApp(context)
    const server = await listen(app.fetch, options.host ?? '127.0.0.1', options.port ?? 8080)
    cleanups.push(() => closeServer(server, context))
    const port = (server.address() as AddressInfo).port
    const host = options.host ?? '127.0.0.1'
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

    const controller = new AbortController()
    const background: Array<Promise<void>> = []
    if (options.rpcUrl && options.registry) {
      background.push(
        superviseWatcher({
          rpcUrl: options.rpcUrl,
          registry: options.registry,
          db,
          store,
          operator: options.operator,
          gar: options.gar,
          intervalMs: options.watcher?.intervalMs ?? 5000,
          confirmations: options.watcher?.confirmations,
          maxRange: options.watcher?.maxRange,
          fromBlock: options.fromBlock,
          warnDays: options.watcher?.warnDays ?? options.renewDays ?? 7,
          retry: options.watcher?.retry,
          now: fixed ? clock : undefined,
          signal: controller.signal,
          log,
          metrics,
          status: loops.watcher,
        }),
      )
    }
    if (options.eras) background.push(superviseEras({ ...options.eras, db, signal: controller.signal, log, metrics, status: loops.eras }))
    // stopping: the loops first (they finish their step), then the server and its streams, then the rest
    cleanups.push(async () => {
      controller.abort()
      await Promise.allSettled(background)
    })
    let stopped: Promise<void> | undefined
    return { url, port, context, stop: () => (stopped ??= cleanup()) }
  } catch (error) {
    await cleanup()
    throw error
  }
}

function listen(fetch: (request: Request) => Response | Promise<Response>, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => {
      server.off('error', reject)
      answerClientErrors(server as import('node:http').Server)
      resolve(server)
    })
    server.once('error', (cause: NodeJS.ErrnoException) =>
      reject(
        new BridgeError('LISTEN_FAILED', `cannot listen on ${hostname}:${port}`, {
          kind: 'io',
          cause,
          details: cause.code === 'EADDRINUSE' ? 'the port is in use: pick another with --port (0: any free port)' : cause.message,
        }),
      ),
    )
  })
}

/** Ends every event stream, stops accepting connections, and closes idle ones; a request still running gets 5 s. */
async function closeServer(server: ServerType, ctx: ServiceContext): Promise<void> {
  for (const end of [...ctx.streams]) end()
  const http = server as import('node:http').Server
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => http.closeAllConnections?.(), 5000)
    force.unref()
    http.close(() => {
      clearTimeout(force)
      resolve()
    })
    http.closeIdleConnections?.()
  })
}
