import { normalizeKey } from '../activity/keys.ts'
import { certificateUri } from '../certificate/hash.ts'
import { verifyGrant } from '../consent/verify-grant.ts'
import { sr25519Ready } from '../crypto/sr25519.ts'
import { BridgeError, errorMessage } from '../errors.ts'
import { parseJsonBytes } from '../json/parse-json.ts'
import type { Address, ContentStore, GrantSource, Hex, Registry, RegistryEvent, RegistryRecord, RegistryStatus, StateStore, TypedDataSigner } from '../ports.ts'
import { TRAIL_SCOPE, type CertifiedTrailReport, type ConsentSummary } from './certify.ts'
import { parseCertificate } from './publish.ts'
import { advanceCursor, cursorJson, parseCursor, type CertificateChange, type ChainCursor, type ChangeType, type RegistryIndex } from './registry-index.ts'
import { DEFAULT_RETRY, failureText, withRetries, type Clock, type RetryNotice, type RetryPolicy } from './retry.ts'
import { confirmedTip, DEFAULT_MAX_RANGE, forkPoint, scanRanges, type Retry } from './watch-scan.ts'
import { actionKey, revokeOnce, type RevokeStep, type WatchAction } from './watch-revoke.ts'

export type { WatchAction, RevokeStep }

/** A certificate the watcher follows: its consent, from the trail report its attestation points to. */
export type Watched = {
  certHash: Hex
  agent: Address
  expiresAt: string
  agentServiceKey: string
  grants: ConsentSummary['grants']
  /** the operator that published it (absent in an earlier version's state: that watcher's own) */
  operator?: Address
  /** the block of its publish event */
  block?: string
  /** how it ended: the registry event, or `revoked by watch` */
  ended?: string
  /** its publish event was in blocks a reorg dropped: followed again if the event comes back */
  dropped?: boolean
}

export type WatchEvent =
  | { kind: 'tracked'; certHash: Hex; agent: Address }
  | { kind: 'ended'; certHash: Hex; how: string }
  | { kind: 'revoked'; certHash: Hex; reason: string; txHash?: Hex; note?: string }
  | { kind: 'expiring'; certHash: Hex; expiresAt: string; daysLeft: number }
  | { kind: 'warning'; certHash?: Hex; message: string }
  /** a change the registry index recorded (a certificate published, revoked, expired, renewed, challenged…) */
  | { kind: 'indexed'; certHash: Hex; change: ChangeType; status?: RegistryStatus; agent: Address; block: bigint; txHash?: Hex }
  /** the chain the watcher had followed lost blocks deeper than its confirmations; it went back to `rewoundTo` */
  | { kind: 'reorg'; cursor: 'operator' | 'index'; block: bigint; rewoundTo: bigint | null; message: string }
  /** a call failed for a reason that may pass; it is tried again after `delayMs` */
  | ({ kind: 'retry' } & RetryNotice)
  /** something could not be checked this round (the next round tries again): the round is incomplete */
  | { kind: 'error'; certHash?: Hex; code: string; message: string }

export type WatchPorts = {
  registry: Registry
  store: ContentStore
  state: StateStore
  /** GAR: where the consent behind each certificate is checked (needed with an operator) */
  gar?: GrantSource | undefined
  /** the operator whose certificates are revoked when their consent ends; without one the watcher only indexes (read-only) */
  operator?: TypedDataSigner | undefined
  /** the registry index (SQL in the CLI and the service); without one only the operator's certificates are followed */
  index?: RegistryIndex | undefined
}

export type WatchOptions = {
  now: Date
  /** report a certificate this many days before its expiry (default 7) */
  warnDays?: number
  /** act only on events at least this many blocks deep (default 0: the newest block) */
  confirmations?: number
  /** the most blocks one `getLogs` call asks for (default DEFAULT_MAX_RANGE); halved when a provider refuses a range */
  maxRange?: number
  /** the first block to read when nothing was read yet (the registry's deployment block) */
  fromBlock?: bigint
  /** how transient failures are retried (needs `clock`; default DEFAULT_RETRY) */
  retry?: RetryPolicy
  /** sleep and jitter for the retries; without it a failure is not retried */
  clock?: Pick<Clock, 'sleep' | 'random'>
  /** stops between ranges and certificates, and cuts retry waits short */
  signal?: AbortSignal
  /** hears each event as it happens (the returned list has them too) */
  onEvent?: (event: WatchEvent) => void
  /** fault injection for crash tests */
  afterStep?: (step: RevokeStep, certHash: Hex) => void | Promise<void>
}

const LEGACY_CURSOR = 'watch/cursor'
/** certificates of this operator the watcher could not follow yet (their document or trail report was unreadable) */
const UNTRACKED = 'watch/untracked/'
const DAY_MS = 86_400_000

const certKey = (certHash: Hex) => `watch/cert/${certHash}`
const operatorCursorKey = (operator: string) => `watch/cursor/${operator}`

/**
 * One round of the watcher.
 * 1. Finishes revocations a previous run decided but may not have completed.
 * 2. Reads the registry's events from where it stopped up to the newest block `confirmations` deep, in bounded
 *    ranges (a cursor per operator, and the index's head), after checking that the block it stopped at is still on the
 *    chain (else it goes back to the fork point): it follows this operator's new certificates (one whose document or
 *    trail report cannot be read yet is retried every round) and records every certificate change in the index.
 * 3. With an operator: polls GAR for the grants behind each followed certificate; a grant revoked or expired → the
 *    certificate is revoked (exactly once, under the state's lock); one within `warnDays` of expiry is reported once.
 * Every decision is saved before it is acted on, so a restart neither repeats nor misses an action. Transient failures
 * are retried (`retry` events); what still fails is an `error` event for a certificate, or a rejection for the chain.
 * @example const events = await watchOnce(ports, { now, warnDays: 7, confirmations: 12 })
 */
export async function watchOnce(ports: WatchPorts, options: WatchOptions): Promise<WatchEvent[]> {
  await sr25519Ready() // GAR grants may be sr25519-signed
  const out: WatchEvent[] = []
  const emit = (event: WatchEvent) => {
    out.push(event)
    options.onEvent?.(event)
  }
  const clock = options.clock
  const retry: Retry = clock
    ? (what, fn) => withRetries(what, fn, { policy: options.retry ?? DEFAULT_RETRY, clock, signal: options.signal, onRetry: (notice) => emit({ kind: 'retry', ...notice }) })
    : (_what, fn) => fn()
  const round: Round = { ports, options, emit, retry, me: ports.operator?.address.toLowerCase() }

  if (round.me) await finishPending(round)
  await scan(round)
  if (round.me) {
    await trackUntracked(round)
    await checkConsent(round)
  }
  return out
}

type Round = { ports: WatchPorts; options: WatchOptions; emit: (event: WatchEvent) => void; retry: Retry; me: string | undefined }

/** Reads the confirmed events after both cursors; each range is handed to the operator's follower and to the index. */
async function scan(round: Round): Promise<void> {
  const { ports, options, retry, me } = round
  if (!me && !ports.index) return
  const start = options.fromBlock ?? 0n
  let mine = me ? await operatorCursor(ports.state, me) : undefined
  let head = ports.index ? await ports.index.head() : undefined
  if (me && mine) mine = await followFork(round, 'operator', mine)
  if (ports.index && head) head = await followFork(round, 'index', head)
  const after = (cursor: ChainCursor | undefined) => (cursor && cursor.block >= start ? cursor.block : start - 1n)
  const from = [me ? after(mine) : undefined, ports.index ? after(head) : undefined].filter((b): b is bigint => b !== undefined).reduce((a, b) => (a < b ? a : b)) + 1n
  const tip = confirmedTip(await retry('read the newest block', () => ports.registry.blockNumber()), options.confirmations ?? 0)
  const range = { max: options.maxRange ?? DEFAULT_MAX_RANGE }
  await scanRanges(
    ports.registry,
    from,
    tip,
    range,
    retry,
    async (events, end) => {
      if (me && end.block > after(mine)) {
        const fresh = after(mine)
        await follow(round, events.filter((e) => e.blockNumber > fresh))
        mine = advanceCursor(mine, end, options.now)
        await ports.state.write(operatorCursorKey(me), cursorJson(mine))
      }
      if (ports.index && end.block > after(head)) {
        const fresh = after(head)
        const changes = await indexChanges(round, events.filter((e) => e.blockNumber > fresh))
        head = advanceCursor(head, end, options.now)
        for (const change of await ports.index.record(changes, head)) {
          round.emit({ kind: 'indexed', certHash: change.certHash, change: change.type, ...(change.status ? { status: change.status } : {}), agent: change.agent, block: change.block, ...(change.txHash ? { txHash: change.txHash } : {}) })
        }
      }
    },
    options.signal,
  )
}

/** This operator's cursor, or an earlier version's single cursor. */
async function operatorCursor(state: StateStore, me: string): Promise<ChainCursor | undefined> {
  return parseCursor(await state.read(operatorCursorKey(me))) ?? parseCursor(await state.read(LEGACY_CURSOR))
}

/**
 * Checks a cursor's block is still on the chain; after a reorg deeper than the confirmations, goes back to the fork
 * point: the index restores what it recorded after it, the operator's follower looks again at what it followed after it.
 */
async function followFork(round: Round, which: 'operator' | 'index', cursor: ChainCursor): Promise<ChainCursor | undefined> {
  const point = await forkPoint(round.ports.registry, cursor, round.retry)
  if (point === cursor) return cursor
  const to = point ?? undefined
  round.emit({
    kind: 'reorg',
    cursor: which,
    block: cursor.block,
    rewoundTo: to?.block ?? null,
    message: `block ${cursor.block} is no longer on the chain (a reorg deeper than the confirmations); reading again from ${to ? `block ${to.block + 1n}` : 'the first block'}`,
  })
  if (which === 'index') {
    for (const restored of await round.ports.index!.rewind(to)) {
      round.emit({ kind: 'warning', certHash: restored.certHash, message: restored.status ? `restored to ${restored.status} as of block ${to?.block}` : 'dropped from the index: its publish event was in the dropped blocks' })
    }
    return to
  }
  await round.ports.state.write(operatorCursorKey(round.me!), to ? cursorJson(to) : { block: '-1' })
  await reopenAfterFork(round, to?.block ?? -1n)
  return to
}

/**
 * After a reorg: a certificate whose publish event was dropped is marked so (followed again if the event comes back),
 * and one that ended by an event the registry no longer shows is followed again.
 */
async function reopenAfterFork(round: Round, forkBlock: bigint): Promise<void> {
  for (const key of await round.ports.state.keys('watch/cert/')) {
    const watched = await round.ports.state.read<Watched>(key)
    if (!watched || !mine(round, watched)) continue
    if (watched.block !== undefined && BigInt(watched.block) > forkBlock) {
      await round.ports.state.write(key, { ...watched, dropped: true })
    } else if (watched.ended && watched.ended !== 'revoked by watch') {
      const record = await round.retry(`read certificate ${watched.certHash}`, () => round.ports.registry.getCertificate(watched.certHash))
      if (record?.status === 'ACTIVE' || record?.status === 'CHALLENGED') {
        const { ended: _ended, ...open } = watched
        await round.ports.state.write(key, open)
      }
    }
  }
}

/** Follows this operator's newly published certificates, and notes the ones that ended on the registry. */
async function follow(round: Round, events: RegistryEvent[]): Promise<void> {
  const { ports, me } = round
  for (const event of events) {
    const key = certKey(event.certHash)
    if (event.kind === 'published' && event.operator?.toLowerCase() === me) {
      const known = await ports.state.read<Watched>(key)
      if (known && !known.dropped) continue
      const watched = await describe(round, event.certHash, event.blockNumber)
      if ('warning' in watched) {
        // past the cursor from now on: remembered, and described again every round until it can be followed
        await ports.state.write(`${UNTRACKED}${event.certHash}`, { certHash: event.certHash, block: event.blockNumber.toString(), warning: watched.warning })
        round.emit({ kind: 'warning', certHash: event.certHash, message: watched.warning })
      } else await track(round, watched)
    } else if (event.kind === 'revoked' || event.kind === 'expired') {
      const watched = await ports.state.read<Watched>(key)
      if (watched && mine(round, watched) && !watched.ended) {
        await ports.state.write(key, { ...watched, ended: event.kind })
        round.emit({ kind: 'ended', certHash: event.certHash, how: event.kind })
      }
    }
  }
}

/** The index's view of a range's events: each certificate event with what the registry holds for it. */
async function indexChanges(round: Round, events: RegistryEvent[]): Promise<CertificateChange[]> {
  const records = new Map<Hex, RegistryRecord | undefined>()
  const changes: CertificateChange[] = []
  for (const event of events) {
    if (event.kind === 'other') continue
    if (!records.has(event.certHash)) records.set(event.certHash, await round.retry(`read certificate ${event.certHash}`, () => round.ports.registry.getCertificate(event.certHash)))
    const record = records.get(event.certHash)
    const agent = /^0x0{40}$/.test(event.agent) && record ? record.agent : event.agent
    const operator = event.operator ?? record?.operator
    const certificateClass = event.certificateClass ?? record?.certificateClass
    const containmentBound = event.containmentBound ?? record?.containmentBound
    const expiresAt = event.expiresAt ?? record?.expiresAt
    changes.push({
      type: event.kind,
      certHash: event.certHash,
      agent,
      block: event.blockNumber,
      logIndex: event.logIndex,
      ...(event.txHash ? { txHash: event.txHash } : {}),
      ...(operator ? { operator } : {}),
      ...(certificateClass ? { certificateClass } : {}),
      ...(containmentBound !== undefined ? { containmentBound } : {}),
      ...(record ? { issuedAt: record.issuedAt, uri: record.ipfsUri, registryStatus: record.status } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(event.successor ? { successor: event.successor } : {}),
      ...(event.upheld !== undefined ? { upheld: event.upheld } : {}),
    })
  }
  return changes
}

/** Revocations a previous run decided but did not finish (it crashed, or the chain failed): finished once. */
async function finishPending(round: Round): Promise<void> {
  for (const key of await round.ports.state.keys('watch/action/')) {
    const action = await round.ports.state.read<WatchAction>(key)
    if (action?.state !== 'pending') continue
    const watched = await round.ports.state.read<Watched>(certKey(action.certHash))
    if (watched && !mine(round, watched)) continue
    await revokeAndReport(round, action.certHash, undefined)
  }
}

/** Followed certificates whose document or trail report could not be read when their event came: tried again. */
async function trackUntracked(round: Round): Promise<void> {
  const { state } = round.ports
  for (const key of await state.keys(UNTRACKED)) {
    const entry = await state.read<{ certHash: Hex; block?: string; tracked?: boolean }>(key)
    if (!entry || entry.tracked) continue
    const known = await state.read<Watched>(certKey(entry.certHash))
    if (known && !known.dropped) continue
    const watched = await describe(round, entry.certHash, entry.block === undefined ? undefined : BigInt(entry.block))
    if ('warning' in watched) continue // reported when first seen
    await track(round, watched)
    await state.write(key, { ...entry, tracked: true })
  }
}

/** Polls GAR for the consent behind each followed certificate: revokes the ones whose consent ended, reports near expiries. */
async function checkConsent(round: Round): Promise<void> {
  const { ports, options } = round
  for (const key of await ports.state.keys('watch/cert/')) {
    if (options.signal?.aborted) return
    const watched = await ports.state.read<Watched>(key)
    if (!watched || watched.ended || watched.dropped || !mine(round, watched)) continue
    if (await ports.state.read(actionKey(watched.certHash))) continue
    let ended: string | undefined
    try {
      ended = await consentEnded(round, watched, options.now)
    } catch (error) {
      if (!(error instanceof BridgeError)) throw error
      round.emit({ kind: 'error', certHash: watched.certHash, code: error.code, message: `cannot poll ${ports.gar?.description ?? 'GAR'}: ${failureText(error)}` })
      continue
    }
    if (ended) {
      await revokeAndReport(round, watched.certHash, ended)
      continue
    }
    const daysLeft = (Date.parse(watched.expiresAt) - options.now.getTime()) / DAY_MS
    if (daysLeft <= (options.warnDays ?? 7) && !(await ports.state.read(`watch/expiring/${watched.certHash}`))) {
      await ports.state.write(`watch/expiring/${watched.certHash}`, { reportedAt: options.now.toISOString() })
      round.emit({ kind: 'expiring', certHash: watched.certHash, expiresAt: watched.expiresAt, daysLeft: Math.max(0, Math.round(daysLeft * 10) / 10) })
    }
  }
}

/** Revokes once (see revokeOnce) and reports it; a failure that may pass is an `error` event (the next round finishes it). */
async function revokeAndReport(round: Round, certHash: Hex, reason: string | undefined): Promise<void> {
  const { ports, options } = round
  let done: WatchAction | undefined
  try {
    done = await revokeOnce({ registry: ports.registry, state: ports.state, operator: ports.operator! }, certHash, reason, { retry: round.retry, now: options.now, afterStep: options.afterStep })
  } catch (error) {
    if (!(error instanceof BridgeError)) throw error
    round.emit({ kind: 'error', certHash, code: error.code, message: `cannot revoke yet (tried again next round): ${failureText(error)}` })
    return
  }
  if (!done) return // another watcher on the same state revoked it
  const watched = await ports.state.read<Watched>(certKey(certHash))
  if (watched) await ports.state.write(certKey(certHash), { ...watched, ended: 'revoked by watch' })
  round.emit({ kind: 'revoked', certHash, reason: done.reason, ...(done.txHash ? { txHash: done.txHash } : {}), ...(done.note ? { note: done.note } : {}) })
}

async function track(round: Round, watched: Watched): Promise<void> {
  await round.ports.state.write(certKey(watched.certHash), watched)
  round.emit({ kind: 'tracked', certHash: watched.certHash, agent: watched.agent })
}

/** A followed certificate of this watcher's operator (one recorded by an earlier version names none: its own). */
function mine(round: Round, watched: Watched): boolean {
  return watched.operator === undefined || watched.operator.toLowerCase() === round.me
}

/** Reads the certificate and its trail report from the store to learn which grants stand behind it. */
async function describe(round: Round, certHash: Hex, block: bigint | undefined): Promise<Watched | { warning: string }> {
  const { ports, retry } = round
  const record = await retry(`read certificate ${certHash}`, () => ports.registry.getCertificate(certHash))
  if (!record) return { warning: `no record for ${certHash}` }
  const doc = await retry(`read ${record.ipfsUri}`, () => readStored(ports.store, record.ipfsUri))
  if (typeof doc === 'string') return { warning: `certificate ${doc}; cannot follow its consent` }
  let cert
  try {
    cert = parseCertificate(doc)
  } catch (error) {
    return { warning: `the document at ${record.ipfsUri} is not a certificate (${errorMessage(error)}); cannot follow its consent` }
  }
  const reportUri = cert.attestations.find((a) => a.scope === TRAIL_SCOPE)?.report_hash
  const reportBytes = reportUri ? await retry(`read ${reportUri}`, () => readStored(ports.store, reportUri)) : 'the certificate has no trail attestation'
  if (typeof reportBytes === 'string') return { warning: `the trail report of ${certHash}: ${reportBytes}; cannot follow its consent` }
  let report: Partial<CertifiedTrailReport>
  try {
    report = parseJsonBytes(reportBytes, { file: reportUri!, what: 'the trail report' }).value as Partial<CertifiedTrailReport>
  } catch (error) {
    return { warning: `the trail report of ${certHash} is not JSON (${errorMessage(error)}); cannot follow its consent` }
  }
  if (!report.consent) return { warning: `the trail report of ${certHash} names no consent; cannot follow it` }
  return {
    certHash,
    agent: record.agent,
    operator: record.operator,
    ...(block !== undefined ? { block: block.toString() } : {}),
    expiresAt: cert.validity.expires_at,
    agentServiceKey: report.consent.agent_service_pub_key,
    grants: report.consent.grants,
  }
}

/** The stored bytes at a URI, re-hashed against it (the consent the watcher follows must be the one certified); a string says what is wrong. */
async function readStored(store: ContentStore, uri: string): Promise<Uint8Array | string> {
  let bytes
  try {
    bytes = await store.get(uri)
  } catch (error) {
    if (error instanceof BridgeError && error.code === 'URI_INVALID') return error.shortMessage // never readable: not worth a retry
    throw error
  }
  if (!bytes) return `${uri} is not in the store ${store.description}`
  return certificateUri(bytes) === uri ? bytes : `the bytes stored as ${uri} were altered (they hash to another CID)`
}

/** Why the consent behind a certificate ended (a grant revoked or expired, by a validly signed GAR answer), or undefined. */
async function consentEnded(round: Round, watched: Watched, now: Date): Promise<string | undefined> {
  for (const grant of watched.grants) {
    if (grant.expires_at !== null && Date.parse(grant.expires_at) <= now.getTime()) return `grant ${grant.hash} expired at ${grant.expires_at}`
  }
  const gar = round.ports.gar
  if (!gar) throw new BridgeError('GAR_MISSING', 'the watcher has an operator but no GAR source to check consent with', { kind: 'internal' })
  const agreements = await round.retry(`poll ${gar.description} for ${watched.certHash}`, () => gar.agreements(`0x${normalizeKey(watched.agentServiceKey)}`))
  for (const grant of watched.grants) {
    for (const agreement of agreements) {
      let verified
      try {
        verified = verifyGrant({ text: agreement.text, file: agreement.origin }, now)
      } catch {
        continue
      }
      const same = normalizeKey(verified.grant.user_pub_key) === normalizeKey(grant.user_pub_key) && verified.grant.created_at === grant.created_at && normalizeKey(verified.grant.agent_service_pub_key) === normalizeKey(watched.agentServiceKey)
      if (!same || !verified.signatureValid) continue
      if (verified.status === 'revoked') return `grant ${grant.hash} was revoked by the user (GAR agreement ${verified.hash})`
      if (verified.status === 'expired') return `grant ${grant.hash} expired (GAR agreement ${verified.hash})`
    }
  }
  return undefined
}
