import type { ApiPromise } from '@polkadot/api'
import { backoffDelay, type Clock, type RetryPolicy } from '../../src/bridge/retry.ts'
import { BridgeError, errorMessage } from '../../src/errors.ts'
import type { EraEventLine } from '../../src/schema/settlement.ts'
import type { SqlDatabase } from '../sql/database.ts'
import { saveEra } from '../sql/eras.ts'
import { appendEvent } from '../sql/events.ts'
import { readStateValue, writeStateValue } from '../sql/state-values.ts'
import { systemClock } from '../system/clock.ts'
import { readBlockEvents } from './block-events.ts'
import { connectCere } from './connect.ts'
import { readPayoutFinalizedAt } from './payout-receipt.ts'
import { DEFAULT_SCAN_WINDOW } from './read-era.ts'
import { reconcileEraFromNode, type EraReconciledFromNode } from './reconcile-era-from-node.ts'

/** An era verdict the follower stored: the event appended to the `events` table (kind `era`), as `onEvent` hears it. */
export type EraVerdictEvent = {
  /** the id of the appended event (what `/v1/events` streams) */
  eventId: string
  clusterId: string
  era: number
  verdict: 'balanced' | 'discrepancies' | 'incomplete'
  /** the block holding the era's `ClusterEraPaid` */
  block: number
  /** the stored `reconcile --json` result */
  result: EraReconciledFromNode['json']
}

export type FollowErasOptions = {
  /** the state database: eras go to `eras`, verdicts to `events`, each cluster's cursor to `state` (`eras/follow/<cluster>`) */
  database: SqlDatabase
  /** the Cere node (ws:// or wss://) */
  wsUrl: string
  /** the clusters to follow (0x + 40 hex digits) */
  clusters: string[]
  /** on a first start (no cursor yet), reconcile eras from this one on; without it, only eras paid from now on */
  fromEra?: number
  /** stops the follower (it returns after the step in progress) */
  signal: AbortSignal
  /** each era stored (after its transaction committed) */
  onEvent?: (event: EraVerdictEvent) => void | Promise<void>
  /** what the follower says: start, retries (with their reason and wait), eras stored; default: stderr */
  onLog?: (line: string) => void
  /** after each pass over the chain: the newest finalized block looked at */
  onProgress?: (block: number) => void
  /** how far back from `ClusterEraPaid` an era's events are read (default 1200 blocks) */
  window?: number
  /** look for a new finalized head at least this often even without a notification (default 6000 ms) */
  pollMs?: number
  /** waits between attempts after a node or database error: `baseMs·2ⁿ` with jitter, at most `maxMs` (default 1 s … 60 s) */
  retry?: Pick<RetryPolicy, 'baseMs' | 'maxMs'>
  /** connecting: give up after this long and retry (default 30 s) */
  connectTimeoutMs?: number
  clock?: Clock
}

/** What a follower did before it was stopped. */
export type FollowErasSummary = { eras: number; retries: number; lastBlock: number | undefined }

/** Where a cluster's following stands: the next era to reconcile (undefined: the first one seen) and the next block to read. */
type Cursor = { next_era: number | null; next_block: number }

const DEFAULT_FOLLOW_RETRY = { baseMs: 1_000, maxMs: 60_000 }

/**
 * The era follower: reconciles each era of the configured clusters as soon as its `DdcClusters.ClusterEraPaid` is in a
 * finalized block, stores the result (with its HTML report) in the `eras` table and appends an `era` event, in one
 * transaction that also moves the cluster's cursor, so a restart resumes without skipping or repeating an era.
 * Node, WebSocket and database errors are retried with backoff (each retry is said through `onLog`); it returns when
 * `signal` aborts, and throws only on what retrying cannot fix (a malformed event of the chain, a bad cluster id).
 * @example await followEras({ database: db, wsUrl: 'ws://127.0.0.1:9944', clusters: ['0x0d14…'], signal, onEvent: (e) => feed.push(e) })
 */
export async function followEras(options: FollowErasOptions): Promise<FollowErasSummary> {
  const clusters = [...new Set(options.clusters.map((cluster) => cluster.toLowerCase()))]
  for (const cluster of clusters) {
    if (!/^0x[0-9a-f]{40}$/.test(cluster)) throw new BridgeError('BAD_ARGUMENTS', `--cluster expects 0x and 40 hex digits (a 20-byte cluster id), got ${JSON.stringify(cluster)}`)
  }
  if (clusters.length === 0) throw new BridgeError('BAD_ARGUMENTS', 'missing --cluster 0x…: which clusters to follow')
  const log = options.onLog ?? ((line: string) => void process.stderr.write(`${line}\n`))
  const clock = options.clock ?? systemClock
  const policy = options.retry ?? DEFAULT_FOLLOW_RETRY
  const summary: FollowErasSummary = { eras: 0, retries: 0, lastBlock: undefined }
  let failures = 0
  let announced = false
  // each cluster's cursor, kept across reconnections (and in SQL, where a restart finds it)
  const cursors = new Map<string, Cursor>()
  while (!options.signal.aborted) {
    let api: ApiPromise | undefined
    try {
      api = await connectCere(options.wsUrl, { timeoutMs: options.connectTimeoutMs ?? 30_000 })
      await followConnected(api, clusters, cursors, options, summary, {
        log,
        progressed: () => {
          failures = 0
        },
        announce: (line) => {
          if (!announced) log(line)
          announced = true
        },
      })
    } catch (error) {
      if (options.signal.aborted) break
      if (!retryable(error)) throw error
      const delayMs = backoffDelay(failures, policy, clock.random)
      failures += 1
      summary.retries += 1
      log(`eras follow: ${errorMessage(error).split('\n')[0]}; retrying in ${formatSeconds(delayMs)} (attempt ${failures + 1})`)
      await clock.sleep(delayMs, options.signal)
    } finally {
      await api?.disconnect().catch(() => undefined)
    }
  }
  return summary
}

/** Follows on one connection until aborted; any node or database error ends it (the caller reconnects). */
async function followConnected(
  api: ApiPromise,
  clusters: string[],
  cursors: Map<string, Cursor>,
  options: FollowErasOptions,
  summary: FollowErasSummary,
  say: { log: (line: string) => void; progressed: () => void; announce: (line: string) => void },
): Promise<void> {
  const { database: db, signal } = options
  const window = options.window ?? DEFAULT_SCAN_WINDOW
  const heads = finalizedHeadWatcher(api)
  try {
    let head = await finalizedHead(api)
    for (const cluster of clusters) if (!cursors.has(cluster)) cursors.set(cluster, await startingCursor(api, cluster, head, options, summary, say))
    say.announce(
      `eras follow: ${clusters.length} cluster(s) on ${options.wsUrl}, from block ${Math.min(...[...cursors.values()].map((c) => c.next_block))} (finalized head ${head}); ${db.description}`,
    )
    while (!signal.aborted) {
      const from = Math.min(...[...cursors.values()].map((c) => c.next_block))
      for (let block = from; block <= head && !signal.aborted; block++) {
        for (const paid of erasPaid(await readBlockEvents(api, block), cursors)) {
          const cursor = cursors.get(paid.cluster)!
          if (cursor.next_block > block || (cursor.next_era !== null && paid.era < cursor.next_era)) continue
          await reconcileAndStore(api, paid.cluster, paid.era, block, cursors, options, summary, say.log)
        }
        say.progressed()
      }
      if (signal.aborted) break
      // everything up to the head is read: move each cursor past it
      for (const [cluster, cursor] of cursors) {
        if (cursor.next_block <= head) {
          cursor.next_block = head + 1
          await writeStateValue(db, cursorKey(cluster), cursor)
        }
      }
      summary.lastBlock = head
      options.onProgress?.(head)
      await heads.next(options.pollMs ?? 6_000, signal)
      head = await finalizedHead(api)
    }
  } finally {
    heads.stop()
  }
}

/**
 * A cluster's cursor: the stored one; on a first start with `fromEra`, the eras from it whose payout receipt says where
 * they ended are reconciled first, then blocks are read from the last of them (or `window` blocks back); without
 * `fromEra`, from the next block on.
 */
async function startingCursor(
  api: ApiPromise,
  cluster: string,
  head: number,
  options: FollowErasOptions,
  summary: FollowErasSummary,
  say: { log: (line: string) => void },
): Promise<Cursor> {
  const stored = await readStateValue<Cursor>(options.database, cursorKey(cluster))
  if (stored) {
    if (options.fromEra !== undefined && (stored.next_era === null || options.fromEra > stored.next_era)) return { ...stored, next_era: options.fromEra }
    return stored
  }
  const start: Cursor =
    options.fromEra === undefined ? { next_era: null, next_block: head + 1 } : { next_era: options.fromEra, next_block: Math.max(0, head - (options.window ?? DEFAULT_SCAN_WINDOW) + 1) }
  // stored at once: a restart (or a reconnection) goes on from here, not from a newer head
  await writeStateValue(options.database, cursorKey(cluster), start)
  const cursors = new Map<string, Cursor>([[cluster, start]])
  for (let era = options.fromEra ?? 0; options.fromEra !== undefined && !options.signal.aborted; era++) {
    const finalizedAt = await readPayoutFinalizedAt(api, cluster, era)
    if (finalizedAt === undefined || finalizedAt > head) break
    await reconcileAndStore(api, cluster, era, finalizedAt, cursors, options, summary, say.log)
  }
  return cursors.get(cluster)!
}

/**
 * Reconciles one cluster-era closed at `block`, then, in one transaction under the cluster's lock, stores it, appends
 * its event and moves the cursor; when another process already stored it (the cursor is past it), nothing is written.
 */
async function reconcileAndStore(
  api: ApiPromise,
  cluster: string,
  era: number,
  block: number,
  cursors: Map<string, Cursor>,
  options: FollowErasOptions,
  summary: FollowErasSummary,
  log: (line: string) => void,
): Promise<void> {
  const db = options.database
  const reconciled = await reconcileEraFromNode({ api, clusterId: cluster, era, to: block, ...(options.window !== undefined ? { window: options.window } : {}) })
  const closedAt = reconciled.closedBlock ?? block
  const next: Cursor = { next_era: era + 1, next_block: block }
  const eventId = await db.withLock(`eras/follow/${cluster}`, () =>
    db.transaction(async (tx) => {
      const current = await readStateValue<Cursor>(tx, cursorKey(cluster))
      if (current && current.next_era !== null && era < current.next_era) return undefined
      await saveEra(tx, {
        clusterId: cluster,
        era,
        verdict: reconciled.result.verdict,
        result: reconciled.json,
        html: reconciled.html,
        source: `node ${options.wsUrl}`,
        block: BigInt(closedAt),
      })
      const id = await appendEvent(tx, {
        kind: 'era',
        subject: `${cluster}/${era}`,
        payload: { cluster_id: cluster, era, verdict: reconciled.result.verdict, block: closedAt, closed: reconciled.result.closed },
        block: BigInt(closedAt),
      })
      await writeStateValue(tx, cursorKey(cluster), next)
      return id
    }),
  )
  cursors.set(cluster, next)
  if (eventId === undefined) return
  summary.eras += 1
  log(`eras follow: era ${era} of cluster ${cluster}: ${reconciled.result.verdict} (ClusterEraPaid at block ${closedAt}), stored as event ${eventId}`)
  try {
    await options.onEvent?.({ eventId, clusterId: cluster, era, verdict: reconciled.result.verdict, block: closedAt, result: reconciled.json })
  } catch (error) {
    log(`eras follow: onEvent failed for era ${era} of cluster ${cluster}: ${errorMessage(error).split('\n')[0]}`)
  }
}

/** The eras of followed clusters whose `ClusterEraPaid` is among a block's events, in event order. */
function erasPaid(lines: EraEventLine[], cursors: Map<string, Cursor>): Array<{ cluster: string; era: number }> {
  const paid: Array<{ cluster: string; era: number }> = []
  for (const line of lines) {
    if (line.section !== 'ddcClusters' || line.method !== 'ClusterEraPaid') continue
    const cluster = typeof line.data['cluster_id'] === 'string' ? line.data['cluster_id'].toLowerCase() : undefined
    const era = Number(line.data['era_id'] ?? line.data['era'])
    if (cluster !== undefined && cursors.has(cluster) && Number.isSafeInteger(era)) paid.push({ cluster, era })
  }
  return paid
}

function cursorKey(cluster: string): string {
  return `eras/follow/${cluster}`
}

async function finalizedHead(api: ApiPromise): Promise<number> {
  return (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber()
}

/**
 * Wakes the follower when a new head is finalized (`chain_subscribeFinalizedHeads`) or the connection drops, with a
 * poll interval as a floor; never rejects (a failed subscription only means waiting for the interval).
 */
function finalizedHeadWatcher(api: ApiPromise) {
  let wake: (() => void) | undefined
  let pending = false
  const ring = () => {
    pending = true
    wake?.()
  }
  let unsubscribe: (() => void) | undefined
  let stopped = false
  api.rpc.chain.subscribeFinalizedHeads(() => ring()).then(
    (unsub) => {
      if (stopped) unsub()
      else unsubscribe = unsub
    },
    () => ring(),
  )
  api.on('disconnected', ring)
  api.on('error', ring)
  return {
    async next(ms: number, signal: AbortSignal): Promise<void> {
      if (pending || signal.aborted) {
        pending = false
        return
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          signal.removeEventListener('abort', done)
          wake = undefined
          resolve()
        }
        const timer = setTimeout(done, ms)
        signal.addEventListener('abort', done, { once: true })
        wake = done
      })
      pending = false
    },
    stop(): void {
      stopped = true
      try {
        unsubscribe?.()
      } catch {
        // the connection is already gone
      }
      api.off('disconnected', ring)
      api.off('error', ring)
    },
  }
}

/** Node, WebSocket and database failures are retried; a malformed chain event or a bad argument is not. */
function retryable(error: unknown): boolean {
  if (!(error instanceof BridgeError)) return true
  return error.kind === 'io'
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`
}
