import { checksumAddress } from '../crypto/eip55.ts'
import { canonicalJsonBytes } from '../crypto/canonical-json.ts'
import { sha256 } from '../crypto/hash.ts'
import { sr25519Ready } from '../crypto/sr25519.ts'
import { ccpDomain, ccpTypes } from '../crypto/eip712.ts'
import { certificateAttestMessage } from '../certificate/onchain.ts'
import { isIndependentAttestation, isStakedAttestation, reserveCovers, validityDurationMs, type ContainmentBound } from '../certificate/class-rules.ts'
import { containmentBound } from '../certificate/derive.ts'
import { CLASS_MIN_RESERVE_RATIO, CLASS_REQUIRES_ATTESTATION, CLASS_REQUIRES_COMPOSITION_ANALYSIS, COMPOSITION_SCOPES } from '../certificate/classes.ts'
import { normalizeKey } from '../activity/keys.ts'
import { verifyGrant } from '../consent/verify-grant.ts'
import { CLASS_MAX_VALIDITY_DAYS, CLASSES } from '../certificate/classes.ts'
import { deriveMetrics } from '../certificate/derive.ts'
import { certificateHash } from '../certificate/hash.ts'
import { validateCertificate } from '../certificate/validate.ts'
import { BridgeError } from '../errors.ts'
import type { Address, ContentStore, GrantInput, Hex, TypedDataSigner } from '../ports.ts'
import type { Certificate, CertificateDraft, Constraint } from '../schema/certificate.ts'
import type { ContainmentConfig } from '../schema/config.ts'
import type { GrantScopeContext, GrantVerification } from '../schema/evidence-grant.ts'
import type { KeysFile } from '../schema/evidence-scp.ts'
import type { Batch, Round, TrailReport } from '../schema/evidence-trail.ts'
import { auditTrail } from '../activity/trail-audit.ts'
import type { ScpRecord } from '../activity/scp-record.ts'
import type { DdcRecord } from '../activity/ddc-record.ts'
import type { NodeAnswer } from '../activity/node-answer.ts'

/** A decoded activity trail: records (SCP, DDC, node answers), batches and validator rounds. */
export type TrailInput = { records: Array<ScpRecord | DdcRecord | NodeAnswer>; batches: Batch[]; rounds: Round[] }

/** The consent behind a certificate, kept in the stored report so the watcher can follow it. */
export type ConsentSummary = {
  agent_service_pub_key: string
  grants: Array<{ hash: string; user_pub_key: string; created_at: string; expires_at: string | null; scopes: GrantScopeContext[] }>
}

/** The stored trail report: the evidence audit's report plus the consent it was checked against. */
export type CertifiedTrailReport = TrailReport & { consent: ConsentSummary }

/** Trail findings that mean a record falls outside the consent. */
const CONSENT_FINDINGS = new Set(['NO_COVERING_GRANT', 'GRANT_NOT_ACTIVE', 'GRANT_AGENT_MISMATCH', 'GRANT_SIGNATURE_INVALID'])

export const TRAIL_SCOPE = 'ACTIVITY_TRAIL_VERIFICATION'
const DAY_MS = 86_400_000

export type CertifyInput = {
  config: ContainmentConfig
  grants: GrantInput[]
  trail: TrailInput
  keys: KeysFile
  now: Date
  /** the registry the auditor's EIP-712 `Attest` binds to */
  registry: { chainId: number; address: Address }
  /** the AuditorStaking contract named in the attestation (default: the config's) */
  stakeContract?: Address
  /** the bridge's auditor key (signs ACTIVITY_TRAIL_VERIFICATION) */
  auditor: TypedDataSigner
  /** where the trail report is stored (its URI becomes the attestation's report_hash) */
  store: ContentStore
}

export type Refusal = { code: string; message: string }
export type CertifyResult =
  | { certified: true; certificate: Certificate; certHash: Hex; report: CertifiedTrailReport; reportUri: string; grantHashes: string[] }
  | { certified: false; refusals: Refusal[]; report?: CertifiedTrailReport }

/**
 * The certify use case: verifies the agent's GAR grants and activity trail, composes a CCP v0.2.0 certificate per
 * DESIGN.md's mapping (PERMISSION_BOUNDARY from the active grants, expiry capped by the earliest grant expiry and the
 * class maximum, derived metrics), stores the trail report and signs the bridge's ACTIVITY_TRAIL_VERIFICATION attestation.
 * Refuses, with every reason, when no grant is active, a record fails or lies outside the consent, or the class is unsupported.
 * @example const r = await certify({ config, grants, trail, keys, now, registry, auditor, store }); if (r.certified) r.certHash
 */
export async function certify(input: CertifyInput): Promise<CertifyResult> {
  await sr25519Ready() // grants, records and votes may be sr25519-signed
  const { config, now } = input
  const refusals: Refusal[] = []
  const agentKey = normalizeKey(config.agent_service_pub_key)

  const active: Array<{ hash: string; user: string; createdAt: string; expiresAt: string | null; scopes: GrantScopeContext[] }> = []
  const signedGrants: GrantVerification[] = []
  for (const grant of input.grants) {
    const verified = verifyGrant({ text: grant.text, file: grant.origin }, now)
    if (normalizeKey(verified.grant.agent_service_pub_key) !== agentKey) {
      refusals.push({ code: 'GRANT_OTHER_AGENT', message: `${grant.origin}: grant ${verified.hash} is for agent ${verified.grant.agent_service_pub_key}, not ${config.agent_service_pub_key}` })
      continue
    }
    if (!verified.signatureValid) {
      refusals.push({ code: 'GRANT_SIGNATURE_INVALID', message: `${grant.origin}: grant ${verified.hash}: ${verified.reasons.join('; ')}` })
      continue
    }
    signedGrants.push(verified)
    if (verified.status === 'active') {
      active.push({ hash: verified.hash, user: verified.grant.user_pub_key, createdAt: verified.grant.created_at, expiresAt: verified.grant.expires_at, scopes: verified.scopes })
    }
  }
  if (active.length === 0) refusals.push({ code: 'NO_ACTIVE_GRANT', message: `no active GAR grant for agent ${config.agent_service_pub_key} at ${now.toISOString()} (${input.grants.length} grant(s) read)` })

  const consent: ConsentSummary = {
    agent_service_pub_key: `ed25519:${agentKey}`,
    grants: active.map((g) => ({ hash: g.hash, user_pub_key: g.user, created_at: g.createdAt, expires_at: g.expiresAt, scopes: g.scopes })),
  }
  const audit = auditTrail({ ...input.trail, grants: signedGrants, keys: input.keys, agent: agentKey })
  const report: CertifiedTrailReport = { ...audit, consent }
  refusals.push(...trailRefusals(report))
  if (refusals.length > 0) return { certified: false, refusals, report }

  const wanted = config.certificate_class
  const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000)
  const classLimit = issuedAt.getTime() + Math.min(config.validity_days ?? Infinity, CLASS_MAX_VALIDITY_DAYS[wanted]) * DAY_MS
  const grantLimits = active.map((g) => (g.expiresAt === null ? Infinity : Math.floor(Date.parse(g.expiresAt) / 1000) * 1000))
  const expiresAt = new Date(Math.min(classLimit, ...grantLimits))

  const reportBytes = new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`)
  const { uri: reportUri } = await input.store.put(reportBytes)

  const stakeContract = input.stakeContract ?? config.attestation.stake_contract
  if (!stakeContract) throw new BridgeError('STAKE_CONTRACT_MISSING', 'the attestation needs the AuditorStaking contract: set attestation.stake_contract in the config or pass --staking')
  const permissionBoundary: Constraint = {
    type: 'PERMISSION_BOUNDARY',
    value: { scopes: uniqueScopes(active.flatMap((g) => g.scopes)), grant_hashes: active.map((g) => g.hash).sort() },
    enforcement: { mechanism: 'CONSENT_REGISTRY' },
    formally_verified: false,
    agent_independent: true,
  }
  const draft: CertificateDraft = {
    version: '0.2.0',
    certificate_id: config.certificate_id ?? uuidFrom({ agent: config.identity.agent_id, issued_at: issuedAt.toISOString(), report: reportUri }),
    identity: { ...config.identity, agent_id: checksumAddress(config.identity.agent_id), operator_id: checksumAddress(config.identity.operator_id) },
    validity: { issued_at: isoSeconds(issuedAt), expires_at: isoSeconds(expiresAt) },
    constraints: [...(config.constraints as Constraint[]), permissionBoundary],
    reserve: config.reserve,
    dependency_disclosure: config.dependency_disclosure,
    derived_metrics: { containment_bound: '0', containment_bound_denomination: config.reserve.denomination, agent_independent_layer_count: 0, agent_influenceable_layer_count: 0, certificate_class: wanted },
    attestations: [
      {
        auditor_id: checksumAddress(input.auditor.address),
        auditor_name: config.attestation.auditor_name,
        scope: TRAIL_SCOPE,
        report_hash: reportUri,
        stake_amount: config.attestation.stake_amount,
        stake_contract: checksumAddress(stakeContract),
      },
    ],
    operator_metadata: config.operator_metadata,
  }
  const derived = deriveMetrics(draft as Certificate)
  if (derived.containment_bound === null || derived.containment_bound_denomination === null) {
    return { certified: false, refusals: [{ code: 'NO_CONTAINMENT_BOUND', message: 'the config declares no agent-independent SPENDING_LIMIT, so there is no containment bound' }], report }
  }
  if (derived.certificate_class === 'NONE' || CLASSES.indexOf(derived.certificate_class) < CLASSES.indexOf(wanted)) {
    const supported = derived.certificate_class === 'NONE' ? 'no class' : `at most ${derived.certificate_class}`
    const causes = classShortfalls(draft as Certificate, wanted, containmentBound(draft as Certificate))
    return {
      certified: false,
      refusals: causes.length > 0 ? causes : [{ code: 'CLASS_NOT_SUPPORTED', message: `class ${wanted} is not supported by the rules: the evidence and config support ${supported}` }],
      report,
    }
  }
  draft.derived_metrics = { ...derived, containment_bound: derived.containment_bound, containment_bound_denomination: derived.containment_bound_denomination, certificate_class: wanted }
  const certHash = certificateHash(draft)
  const attestation = draft.attestations[0]!
  attestation.signature = await input.auditor.signTypedData({
    domain: ccpDomain(input.registry.chainId, input.registry.address),
    types: ccpTypes,
    primaryType: 'Attest',
    message: certificateAttestMessage(draft as Certificate, certHash, 0),
  })
  const validation = validateCertificate(draft, { chainId: config.identity.chain_id, now })
  if (!validation.valid) {
    return { certified: false, refusals: validation.errors.map((e) => ({ code: `RULE_${e.code}`, message: `${e.path}: ${e.message}` })), report }
  }
  return { certified: true, certificate: draft as Certificate, certHash, report, reportUri, grantHashes: active.map((g) => g.hash) }
}

/**
 * Why a class's rules do not hold for a draft, one refusal per broken rule, each naming its real cause (a zero stake is a
 * stake problem, not a class problem): validity, reserve ratio, a staked independent attestation, composition analysis.
 */
function classShortfalls(cert: Certificate, wanted: Certificate['derived_metrics']['certificate_class'], bound: ContainmentBound | undefined): Refusal[] {
  const out: Refusal[] = []
  const days = Math.round(validityDurationMs(cert) / DAY_MS)
  if (days > CLASS_MAX_VALIDITY_DAYS[wanted]) out.push({ code: 'VALIDITY_EXCEEDS_CLASS_MAX', message: `valid ${days} days, class ${wanted} allows at most ${CLASS_MAX_VALIDITY_DAYS[wanted]}` })
  if (!reserveCovers(cert, bound, CLASS_MIN_RESERVE_RATIO[wanted])) {
    out.push({ code: 'RESERVE_RATIO_BELOW_CLASS_MIN', message: `reserve ${cert.reserve.amount} ${cert.reserve.denomination} is ${cert.reserve.reserve_ratio}× the bound ${bound?.amount ?? '(none)'} ${bound?.denomination ?? ''}`.trimEnd() + `; class ${wanted} needs at least ${CLASS_MIN_RESERVE_RATIO[wanted]}×` })
  }
  const independent = cert.attestations.filter((a) => isIndependentAttestation(cert, a))
  for (const [i, a] of cert.attestations.entries()) {
    if (!isIndependentAttestation(cert, a)) out.push({ code: 'AUDITOR_NOT_INDEPENDENT', message: `attestations[${i}]: the auditor key ${a.auditor_id} is the operator's or the agent's; an auditor must be independent` })
  }
  if (CLASS_REQUIRES_ATTESTATION[wanted] && independent.length > 0 && !independent.some(isStakedAttestation)) {
    out.push({ code: 'ATTESTATION_NOT_STAKED', message: `the attestation's stake_amount is ${independent[0]!.stake_amount}: class ${wanted} needs a staked attestation (set attestation.stake_amount in the config to at least the deployment's minimum stake)` })
  }
  if (CLASS_REQUIRES_COMPOSITION_ANALYSIS[wanted] && !independent.some((a) => COMPOSITION_SCOPES.includes(a.scope))) {
    out.push({ code: 'COMPOSITION_ANALYSIS_REQUIRED', message: `class ${wanted} needs an attestation scoped ${COMPOSITION_SCOPES.join(' or ')}; the bridge attests ${TRAIL_SCOPE} only` })
  }
  return out
}

/** Every reason the trail does not support a certificate: failed records, records outside the consent, unattested batches. */
function trailRefusals(report: TrailReport): Refusal[] {
  const out: Refusal[] = []
  if (report.records === 0) out.push({ code: 'TRAIL_EMPTY', message: 'the trail holds no activity record of this agent' })
  for (const bad of report.invalid) out.push({ code: 'TRAIL_VERIFICATION_FAILED', message: `record ${bad.recordId}${bad.file ? ` (${bad.file})` : ''}: ${bad.reason}` })
  for (const finding of report.findings) {
    if (finding.code === 'INVALID_SIGNATURE' || finding.code === 'ROLE_KEY_MISMATCH' || finding.code === 'KEY_NOT_REGISTERED') continue // already in invalid
    out.push({ code: CONSENT_FINDINGS.has(finding.code) ? 'RECORD_OUTSIDE_CONSENT' : 'TRAIL_VERIFICATION_FAILED', message: `${finding.code}: ${finding.message}` })
  }
  if (report.records > 0 && report.batches.length === 0) out.push({ code: 'TRAIL_NOT_BATCHED', message: 'the trail has no batch: records must be batched under a Merkle root' })
  if (report.records > 0 && !report.rounds.some((r) => r.passed)) out.push({ code: 'TRAIL_NOT_ATTESTED', message: 'no validator round passed for the trail\'s batches' })
  return out
}

function uniqueScopes(scopes: GrantScopeContext[]): Array<{ vaultId: string; scopeId: string }> {
  const seen = new Map<string, { vaultId: string; scopeId: string }>()
  for (const scope of scopes) {
    if (!('vaultId' in scope)) continue
    const pair = { vaultId: String(scope.vaultId), scopeId: String(scope.scopeId) }
    seen.set(`${pair.vaultId}/${pair.scopeId}`, pair)
  }
  return [...seen.values()].sort((a, b) => (a.vaultId + a.scopeId).localeCompare(b.vaultId + b.scopeId))
}

/**
 * ISO 8601 without milliseconds, as certificates write times.
 * @example isoSeconds(new Date('2026-06-15T00:00:00.000Z')) // '2026-06-15T00:00:00Z'
 */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * A UUID v4-formatted id derived from the evidence (deterministic: the same evidence gives the same id).
 * @example uuidFrom({ agent: '0x3C44…', issued_at: '2026-06-15T00:00:00Z' }) // 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'
 */
export function uuidFrom(seed: unknown): string {
  const bytes = sha256(canonicalJsonBytes(seed)).slice(0, 16)
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = Buffer.from(bytes).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
