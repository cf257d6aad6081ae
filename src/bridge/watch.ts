import { normalizeKey } from '../activity/keys.ts'
import { certificateUri } from '../certificate/hash.ts'
import { verifyGrant } from '../consent/verify-grant.ts'
import { BridgeError, errorMessage } from '../errors.ts'
import type { Address, ContentStore, GrantSource, Hex, Registry, StateStore, TypedDataSigner } from '../ports.ts'
import { TRAIL_SCOPE, type CertifiedTrailReport, type ConsentSummary } from './certify.ts'
import { parseCertificate } from './publish.ts'

/** A certificate the watcher follows: its consent, from the trail report its attestation points to. */
export type Watched = { certHash: Hex; agent: Address; expiresAt: string; agentServiceKey: string; grants: ConsentSummary['grants']; ended?: string }
/** A revocation the watcher decided: written `pending` before the transaction, `done` after (so a restart finishes it once). */
export type WatchAction = { certHash: Hex; reason: string; state: 'pending' | 'done'; txHash?: Hex; note?: string }
export type WatchEvent =
  | { kind: 'tracked'; certHash: Hex; agent: Address }
  | { kind: 'ended'; certHash: Hex; how: string }
  | { kind: 'revoked'; certHash: Hex; reason: string; txHash?: Hex; note?: string }
  | { kind: 'expiring'; certHash: Hex; expiresAt: string; daysLeft: number }
  | { kind: 'warning'; certHash?: Hex; message: string }

export type WatchPorts = { registry: Registry; gar: GrantSource; store: ContentStore; state: StateStore; operator: TypedDataSigner }

const CURSOR = 'watch/cursor'
/** certificates of this operator the watcher could not follow yet (their document or trail report was unreadable) */
const UNTRACKED = 'watch/untracked/'
const DAY_MS = 86_400_000

/**
 * One round of the watcher: reads registry events after the saved cursor (tracking this operator's certificates; one
 * whose document or trail report cannot be read yet is retried every round), then polls GAR for the grants behind each tracked certificate; a grant revoked or expired → the certificate is
 * revoked; a certificate within `warnDays` of expiry is reported once. Every decision is saved before it is acted on,
 * so a restart neither repeats nor misses an action.
 * @example const events = await watchOnce(ports, { now, warnDays: 7 })
 */
export async function watchOnce(ports: WatchPorts, options: { now: Date; warnDays?: number }): Promise<WatchEvent[]> {
  const out: WatchEvent[] = []
  const me = ports.operator.address.toLowerCase()

  // finish actions a previous run decided but may not have completed
  for (const key of await ports.state.keys('watch/action/')) {
    const action = await ports.state.read<WatchAction>(key)
    if (action?.state === 'pending') out.push(await performRevoke(ports, action))
  }

  const cursor = BigInt((await ports.state.read<{ block: string }>(CURSOR))?.block ?? '0')
  const { events, toBlock } = await ports.registry.events(cursor)
  for (const event of events) {
    const key = `watch/cert/${event.certHash}`
    if (event.kind === 'published' && event.operator?.toLowerCase() === me) {
      if (await ports.state.read(key)) continue
      const watched = await describe(ports, event.certHash)
      if ('warning' in watched) {
        // past the cursor from now on: remembered, and described again every round until it can be followed
        await ports.state.write(`${UNTRACKED}${event.certHash}`, { certHash: event.certHash, warning: watched.warning })
        out.push({ kind: 'warning', certHash: event.certHash, message: watched.warning })
      } else out.push(await track(ports, watched))
    } else if (event.kind === 'revoked' || event.kind === 'expired') {
      const watched = await ports.state.read<Watched>(key)
      if (watched && !watched.ended) {
        await ports.state.write(key, { ...watched, ended: event.kind })
        out.push({ kind: 'ended', certHash: event.certHash, how: event.kind })
      }
    }
  }
  await ports.state.write(CURSOR, { block: toBlock.toString() })

  for (const key of await ports.state.keys(UNTRACKED)) {
    const entry = await ports.state.read<{ certHash: Hex; tracked?: boolean }>(key)
    if (!entry || entry.tracked || (await ports.state.read(`watch/cert/${entry.certHash}`))) continue
    const watched = await describe(ports, entry.certHash)
    if ('warning' in watched) continue // reported when first seen
    out.push(await track(ports, watched))
    await ports.state.write(key, { certHash: entry.certHash, tracked: true })
  }

  for (const key of await ports.state.keys('watch/cert/')) {
    const watched = await ports.state.read<Watched>(key)
    if (!watched || watched.ended) continue
    if (await ports.state.read(`watch/action/${watched.certHash}`)) continue
    const ended = await consentEnded(ports, watched, options.now).catch((error) => {
      out.push({ kind: 'warning', certHash: watched.certHash, message: `cannot poll GAR: ${errorMessage(error)}` })
      return undefined
    })
    if (ended) {
      const action: WatchAction = { certHash: watched.certHash, reason: ended, state: 'pending' }
      await ports.state.write(`watch/action/${watched.certHash}`, action)
      out.push(await performRevoke(ports, action))
      continue
    }
    const daysLeft = (Date.parse(watched.expiresAt) - options.now.getTime()) / DAY_MS
    if (daysLeft <= (options.warnDays ?? 7) && !(await ports.state.read(`watch/expiring/${watched.certHash}`))) {
      await ports.state.write(`watch/expiring/${watched.certHash}`, { reportedAt: options.now.toISOString() })
      out.push({ kind: 'expiring', certHash: watched.certHash, expiresAt: watched.expiresAt, daysLeft: Math.max(0, Math.round(daysLeft * 10) / 10) })
    }
  }
  return out
}

async function track(ports: WatchPorts, watched: Watched): Promise<WatchEvent> {
  await ports.state.write(`watch/cert/${watched.certHash}`, watched)
  return { kind: 'tracked', certHash: watched.certHash, agent: watched.agent }
}

async function performRevoke(ports: WatchPorts, action: WatchAction): Promise<WatchEvent> {
  const record = await ports.registry.getCertificate(action.certHash)
  let done: WatchAction
  // the registry revokes an ACTIVE or a CHALLENGED certificate (a challenge can resolve back to ACTIVE)
  if (record && (record.status === 'ACTIVE' || record.status === 'CHALLENGED')) {
    const { txHash } = await ports.registry.revoke(action.certHash, ports.operator)
    done = { ...action, state: 'done', txHash }
  } else {
    done = { ...action, state: 'done', note: `already ${record?.status ?? 'unknown'} on the registry` }
  }
  await ports.state.write(`watch/action/${action.certHash}`, done)
  const watched = await ports.state.read<Watched>(`watch/cert/${action.certHash}`)
  if (watched) await ports.state.write(`watch/cert/${action.certHash}`, { ...watched, ended: 'revoked by watch' })
  return { kind: 'revoked', certHash: action.certHash, reason: action.reason, ...(done.txHash ? { txHash: done.txHash } : {}), ...(done.note ? { note: done.note } : {}) }
}

/** Reads the certificate and its trail report from the store to learn which grants stand behind it. */
async function describe(ports: WatchPorts, certHash: Hex): Promise<Watched | { warning: string }> {
  const record = await ports.registry.getCertificate(certHash)
  if (!record) return { warning: `no record for ${certHash}` }
  const doc = await readStored(ports.store, record.ipfsUri)
  if (typeof doc === 'string') return { warning: `certificate ${doc}; cannot follow its consent` }
  let cert
  try {
    cert = parseCertificate(doc)
  } catch (error) {
    return { warning: `the document at ${record.ipfsUri} is not a certificate (${errorMessage(error)}); cannot follow its consent` }
  }
  const reportUri = cert.attestations.find((a) => a.scope === TRAIL_SCOPE)?.report_hash
  const reportBytes = reportUri ? await readStored(ports.store, reportUri) : 'the certificate has no trail attestation'
  if (typeof reportBytes === 'string') return { warning: `the trail report of ${certHash}: ${reportBytes}; cannot follow its consent` }
  let report: Partial<CertifiedTrailReport>
  try {
    report = JSON.parse(new TextDecoder().decode(reportBytes)) as Partial<CertifiedTrailReport>
  } catch (error) {
    return { warning: `the trail report of ${certHash} is not JSON (${errorMessage(error)}); cannot follow its consent` }
  }
  if (!report.consent) return { warning: `the trail report of ${certHash} names no consent; cannot follow it` }
  return { certHash, agent: record.agent, expiresAt: cert.validity.expires_at, agentServiceKey: report.consent.agent_service_pub_key, grants: report.consent.grants }
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
async function consentEnded(ports: WatchPorts, watched: Watched, now: Date): Promise<string | undefined> {
  const agreements = await ports.gar.agreements(`0x${normalizeKey(watched.agentServiceKey)}`)
  for (const grant of watched.grants) {
    if (grant.expires_at !== null && Date.parse(grant.expires_at) <= now.getTime()) return `grant ${grant.hash} expired at ${grant.expires_at}`
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
