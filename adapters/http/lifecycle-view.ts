import { certificateStatus } from '../../src/certificate/status.ts'
import type { RegistryRecord } from '../../src/ports.ts'
import type { LifecycleView } from '../../src/bridge/lifecycle.ts'
import type { ChainLifecycle, LifecycleEntry } from '../../src/schema/api-certificate.ts'
import type { Certificate } from '../../src/schema/certificate.ts'
import type { CertificateView } from '../../src/schema/api-certificate.ts'
import type { BridgeEvent } from '../sql/events.ts'
import { isoTime } from './api-app.ts'

const DAY_MS = 86_400_000

/**
 * Where a certificate stands in its lifecycle (seed 004) at `now`: the status derived from the document (when it could
 * be read) and the registry, the expiry countdown, when renewal is due (`renewDays` before expiry), the successor a
 * renewal named, the history the watcher recorded, and what the contracts hold (reserve, stakes, fees, challenges).
 * @example lifecycleView({ record, document, history, now, renewDays: 7 }).renewalDue
 */
export function lifecycleView(input: {
  record: RegistryRecord
  document: Certificate | null
  history: BridgeEvent[]
  now: Date
  renewDays: number
  /** the contracts' view (certificateLifecycle), or why it could not be read */
  onChain: LifecycleView | { problem: string }
}): CertificateView['lifecycle'] {
  const { record, document, now } = input
  const issuedAt = document?.validity.issued_at ?? isoTime(new Date(record.issuedAt * 1000))
  const expiresAt = document?.validity.expires_at ?? isoTime(new Date(record.expiresAt * 1000))
  const onChain = { revoked: record.status === 'REVOKED', expired: record.status === 'EXPIRED', challenged: record.status === 'CHALLENGED' }
  const status = certificateStatus({ validity: { issued_at: issuedAt, expires_at: expiresAt } }, now, onChain)
  const expiry = Date.parse(expiresAt)
  const renewalDueAt = expiry - input.renewDays * DAY_MS
  const renewed = [...input.history].reverse().find((e) => typeof e.payload.successor === 'string')
  return {
    status,
    registryStatus: record.status,
    issuedAt,
    expiresAt,
    expiresInSeconds: Math.round((expiry - now.getTime()) / 1000),
    renewalDueAt: isoTime(new Date(renewalDueAt)),
    renewalDue: status === 'ACTIVE' && now.getTime() >= renewalDueAt,
    replacedBy: renewed ? String(renewed.payload.successor).toLowerCase() : null,
    history: input.history.map(historyEntry),
    onChain: 'problem' in input.onChain ? null : chainLifecycleJson(input.onChain),
    onChainProblem: 'problem' in input.onChain ? input.onChain.problem : null,
  }
}

/**
 * The contracts' view of a certificate (src/bridge/lifecycle.ts) as the API shows it: ISO times, decimal amounts.
 * @example chainLifecycleJson(await certificateLifecycle({ registry, certHash })).reserve.required
 */
export function chainLifecycleJson(view: LifecycleView): ChainLifecycle {
  const time = (seconds: number | null) => (seconds === null ? null : isoTime(new Date(seconds * 1000)))
  const l = view.lifecycle
  return {
    terminatedAt: time(l.terminatedAt),
    graceEndsAt: time(l.graceEndsAt),
    graceSeconds: view.grace,
    settled: l.settled,
    challengeOpen: l.challengeOpen,
    challengeUpheld: l.challengeUpheld,
    reserve: {
      token: view.reserve.token,
      symbol: view.reserve.symbol,
      decimals: view.reserve.decimals,
      deposited: view.reserve.deposited.toString(),
      backing: view.reserve.backing.toString(),
      required: view.reserve.required.toString(),
      exogenous: view.reserve.exogenous,
    },
    auditors: view.auditors.map((a) => ({ auditor: a.auditor, bonded: a.bonded, staked: a.staked.toString(), fee: a.fee ? { amount: a.fee.amount.toString(), token: a.fee.token, state: a.fee.state } : null })),
    challenges: view.challenges.map((c) => ({
      challengeId: c.challengeId.toString(),
      kind: c.kind,
      state: c.state,
      challenger: c.challenger,
      openedAt: time(c.openedAt)!,
      deadline: time(c.deadline)!,
      upholdVotes: c.upholdVotes,
      rejectVotes: c.rejectVotes,
    })),
  }
}

/**
 * One event of a certificate's history as the page and the API show it.
 * @example historyEntry(event) // { eventId: '7', status: 'REVOKED', summary: 'revoked (tx 0x64…)', … }
 */
export function historyEntry(event: BridgeEvent): LifecycleEntry {
  const p = event.payload
  const type = typeof p.type === 'string' ? p.type : typeof p.change === 'string' ? p.change : 'change'
  const parts = [type.replace(/-/g, ' ')]
  if (typeof p.successor === 'string') parts.push(`by ${p.successor}`)
  if (typeof p.upheld === 'boolean') parts.push(p.upheld ? '(upheld)' : '(dismissed)')
  if (typeof p.reason === 'string') parts.push(`: ${p.reason}`)
  if (typeof p.txHash === 'string') parts.push(`(tx ${p.txHash})`)
  return {
    eventId: event.id,
    at: event.createdAt.toISOString(),
    block: event.block === null ? null : event.block.toString(),
    status: typeof p.status === 'string' ? p.status : null,
    summary: parts.join(' ').replace(' :', ':'),
  }
}
