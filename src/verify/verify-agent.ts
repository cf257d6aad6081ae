import { checksumAddress, ZERO_ADDRESS } from '../crypto/eip55.ts'
import { attestScopeHash, ccpDomain, ccpTypes, recoverTypedDataSigner } from '../crypto/eip712.ts'
import { certificateHash, certificateUri, parseCertificateUri } from '../certificate/hash.ts'
import { boundSpendingLimitContract, publishMessage, toPublishParams } from '../certificate/onchain.ts'
import { certificateStatus } from '../certificate/status.ts'
import { validateCertificate } from '../certificate/validate.ts'
import { errorMessage } from '../errors.ts'
import type { Address, ContentStore, Hex, Registry, RegistryRecord } from '../ports.ts'
import type { Certificate, CertificateStatus } from '../schema/certificate.ts'
import type { RiskPolicy } from '../schema/policy.ts'
import { concentration, type ConcentrationReport } from './concentration.ts'
import { applyPolicy } from './policy.ts'
import { decide, type Decision, type Reason } from './reasons.ts'

export type VerifyAgentResult = {
  agent: Address
  decision: Decision
  reasons: Reason[]
  certHash?: Hex
  uri?: string
  status?: CertificateStatus
  certificate?: Certificate
  record?: RegistryRecord
  concentration?: ConcentrationReport
}

/**
 * A counterparty's check of an agent (seed 004 stages 9–10): lookup on the registry → retrieve the document by its
 * URI → check the CID of the bytes → recompute certHash and compare with the chain → validate every rule → check the
 * operator, agent and auditor signatures → status → risk policy → concentration → accept | reject | conditional, with every reason.
 * @example const r = await verifyAgent({ agent, registry, store, policy: {}, now }); r.decision
 */
export async function verifyAgent(input: { agent: Address; registry: Registry; store: ContentStore; policy: RiskPolicy; now: Date }): Promise<VerifyAgentResult> {
  const agent = checksumAddress(input.agent)
  const reasons: Reason[] = []
  const done = (extra: Partial<VerifyAgentResult> = {}): VerifyAgentResult => ({ agent, decision: decide(reasons), reasons, ...extra })

  // lookup
  let certHash = await input.registry.getActiveCertificate(agent)
  if (!certHash) {
    const latest = await input.registry.latestCertificate(agent)
    if (!latest) {
      reasons.push({ stage: 'lookup', code: 'NO_CERTIFICATE', effect: 'reject', message: `the registry holds no certificate for ${agent}` })
      return done()
    }
    certHash = latest
  }
  const record = await input.registry.getCertificate(certHash)
  if (!record) {
    reasons.push({ stage: 'lookup', code: 'NO_CERTIFICATE', effect: 'reject', message: `the registry has no record for ${certHash}` })
    return done({ certHash })
  }
  if (record.status !== 'ACTIVE') {
    reasons.push({ stage: 'status', code: `CERTIFICATE_${record.status}`, effect: 'reject', message: `the agent's latest certificate ${certHash} is ${record.status} on the registry` })
  }

  // retrieve + integrity
  const uri = record.ipfsUri
  let bytes: Uint8Array | undefined
  try {
    parseCertificateUri(uri)
    bytes = await input.store.get(uri)
  } catch (error) {
    reasons.push({ stage: 'retrieve', code: 'RETRIEVE_FAILED', effect: 'could-not-check', message: `cannot retrieve ${uri}: ${errorMessage(error)}` })
    return done({ certHash, uri, record })
  }
  if (!bytes) {
    reasons.push({ stage: 'retrieve', code: 'DOCUMENT_NOT_FOUND', effect: 'could-not-check', message: `the store does not hold ${uri}` })
    return done({ certHash, uri, record })
  }
  const retrievedUri = certificateUri(bytes)
  if (retrievedUri !== uri) {
    reasons.push({ stage: 'integrity', code: 'CID_MISMATCH', effect: 'reject', message: `the retrieved bytes hash to ${retrievedUri}, not ${uri}: the stored document was altered` })
    return done({ certHash, uri, record })
  }
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (error) {
    reasons.push({ stage: 'integrity', code: 'DOCUMENT_NOT_JSON', effect: 'reject', message: `the document at ${uri} is not JSON: ${errorMessage(error)}` })
    return done({ certHash, uri, record })
  }

  // validate
  const validation = validateCertificate(value, { chainId: input.registry.chainId, now: input.now })
  for (const e of validation.errors) reasons.push({ stage: 'validate', code: e.code, effect: 'reject', message: `${e.path}: ${e.message}` })
  const certificate = validation.certificate
  if (!certificate) return done({ certHash, uri, record })
  const recomputed = certificateHash(certificate)
  if (recomputed !== certHash) {
    reasons.push({ stage: 'integrity', code: 'CERT_HASH_MISMATCH', effect: 'reject', message: `the document's certHash is ${recomputed}, the registry anchors ${certHash}` })
  }
  reasons.push(...anchorMismatches(certificate, record))

  // signatures
  reasons.push(...(await signatureReasons(certificate, certHash, record, input.registry)))

  // status
  const status = certificateStatus(certificate, input.now, { revoked: record.status === 'REVOKED', expired: record.status === 'EXPIRED', challenged: record.status === 'CHALLENGED' })
  if (status !== 'ACTIVE' && record.status === 'ACTIVE') reasons.push({ stage: 'status', code: `CERTIFICATE_${status}`, effect: 'reject', message: `the certificate is ${status} at ${input.now.toISOString()}` })

  // policy + concentration
  reasons.push(...applyPolicy(certificate, input.policy, input.now))
  const active = await input.registry.activeCertificates()
  const conc = concentration(record, active, input.policy)
  reasons.push(...conc.reasons)
  return done({ certHash, uri, record, certificate, status, concentration: conc.report })
}

/**
 * Every field of the on-chain record compared with the document. Some are covered by the signed `Publish` struct
 * (agent, operator, class, expiry, bound); the rest (issuedAt, reserveVault, spendingLimit, auditors) come from the
 * sending operator alone, so a record can disagree with the document it anchors and only this comparison sees it.
 */
function anchorMismatches(cert: Certificate, record: RegistryRecord): Reason[] {
  const out: Reason[] = []
  const mismatch = (field: string, doc: unknown, chain: unknown) =>
    out.push({ stage: 'integrity', code: 'ANCHOR_FIELD_MISMATCH', effect: 'reject', message: `${field}: the document says ${String(doc)}, the registry ${String(chain)}` })
  const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
  if (!sameAddress(cert.identity.agent_id, record.agent)) mismatch('agent', cert.identity.agent_id, record.agent)
  if (!sameAddress(cert.identity.operator_id, record.operator)) mismatch('operator', cert.identity.operator_id, record.operator)
  if (Date.parse(cert.validity.issued_at) !== record.issuedAt * 1000) mismatch('validity.issued_at', cert.validity.issued_at, iso(record.issuedAt))
  if (Date.parse(cert.validity.expires_at) !== record.expiresAt * 1000) mismatch('validity.expires_at', cert.validity.expires_at, iso(record.expiresAt))
  if (cert.derived_metrics.containment_bound !== record.containmentBound.toString()) mismatch('containment_bound', cert.derived_metrics.containment_bound, record.containmentBound)
  if (cert.derived_metrics.certificate_class !== record.certificateClass) mismatch('certificate_class', cert.derived_metrics.certificate_class, record.certificateClass)
  if (!sameAddress(cert.reserve.contract_address, record.reserveVault)) mismatch('reserve vault (reserve.contract_address)', cert.reserve.contract_address, record.reserveVault)
  const limit = boundSpendingLimitContract(cert)
  if (!sameAddress(limit?.text ?? ZERO_ADDRESS, record.spendingLimit)) {
    mismatch(`spending limit contract (${limit ? limit.path.slice(2) : 'no agent-independent SPENDING_LIMIT: zero address'})`, limit?.text ?? ZERO_ADDRESS, record.spendingLimit)
  }
  const auditors = cert.attestations.map((a) => a.auditor_id)
  if (auditors.length !== record.auditors.length || auditors.some((a, i) => !sameAddress(a, record.auditors[i]!))) {
    mismatch('auditors (attestations[].auditor_id, in order)', `[${auditors.join(', ')}]`, `[${record.auditors.join(', ')}]`)
  }
  return out
}

async function signatureReasons(cert: Certificate, certHash: Hex, record: RegistryRecord, registry: Registry): Promise<Reason[]> {
  const out: Reason[] = []
  const bad = (code: string, message: string) => out.push({ stage: 'signatures', code, effect: 'reject', message })
  const domain = ccpDomain(registry.chainId, registry.address)
  for (const [i, a] of cert.attestations.entries()) {
    const signer = recoverTypedDataSigner({ domain, types: ccpTypes, primaryType: 'Attest', message: { certHash, auditor: checksumAddress(a.auditor_id), scope: attestScopeHash(a.scope), stake: BigInt(a.stake_amount.split('.')[0]!) }, signature: a.signature as Hex })
    if (!signer || signer.toLowerCase() !== a.auditor_id.toLowerCase()) bad('AUDITOR_SIGNATURE_INVALID', `attestations[${i}] (${a.scope}): the EIP-712 Attest signature is not by ${a.auditor_id}`)
  }
  const signatures = await registry.publishSignatures(certHash)
  if (!signatures) {
    bad('PUBLISH_SIGNATURES_MISSING', `the publish transaction of ${certHash} was not found`)
    return out
  }
  let params
  try {
    params = toPublishParams(cert, { certHash, ipfsUri: record.ipfsUri })
  } catch (error) {
    bad('PUBLISH_PARAMS_INVALID', errorMessage(error))
    return out
  }
  // the struct names the operator the contract saw as msg.sender (record.operator); a record whose operator is not the
  // document's is already an ANCHOR_FIELD_MISMATCH, and the agent's co-signature below holds only for that operator
  const operator = recoverTypedDataSigner({ domain, types: ccpTypes, primaryType: 'Publish', message: publishMessage(params, record.operator, signatures.nonce), signature: signatures.operatorSig })
  if (!operator || operator.toLowerCase() !== cert.identity.operator_id.toLowerCase()) bad('OPERATOR_SIGNATURE_INVALID', `the operator's Publish signature is not by ${cert.identity.operator_id}`)
  const agent = recoverTypedDataSigner({ domain, types: ccpTypes, primaryType: 'Publish', message: publishMessage(params, record.operator, signatures.agentNonce), signature: signatures.agentSig })
  if (!agent || agent.toLowerCase() !== cert.identity.agent_id.toLowerCase()) bad('AGENT_SIGNATURE_INVALID', `the agent's Publish co-signature is not by ${cert.identity.agent_id}`)
  return out
}
