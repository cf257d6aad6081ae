import { checksumAddress, ZERO_ADDRESS } from '../crypto/eip55.ts'
import { ccpDomain, ccpTypes, recoverTypedDataSigner } from '../crypto/eip712.ts'
import { certificateHash, certificateUri, parseCertificateUri } from '../certificate/hash.ts'
import { attestMessage, boundSpendingLimitContract, formatUnits, publishMessage, requiredReserve, toPublishParams, type UnsignedPublishParams } from '../certificate/onchain.ts'
import { compareDecimal } from '../certificate/decimal.ts'
import { certificateStatus } from '../certificate/status.ts'
import { validateCertificate } from '../certificate/validate.ts'
import { errorMessage } from '../errors.ts'
import { parseJsonBytes } from '../json/parse-json.ts'
import type { Address, ContentStore, Hex, LifecycleState, Registry, RegistryRecord, ReserveState, TypedDataToCheck } from '../ports.ts'
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
  /** the operator's reserve for the certificate in the vault, and what its class requires (token's smallest unit) */
  reserve?: ReserveState & { required: bigint }
  /** each auditor's standing: registered (bonded), staked for this certificate, what the attestation claims */
  stakes?: Array<{ auditor: Address; bonded: boolean; staked: bigint; claimed: bigint }>
  lifecycle?: LifecycleState
  concentration?: ConcentrationReport
}

/**
 * A counterparty's check of an agent (seed 004 stages 9–10): lookup on the registry → retrieve the document by its
 * URI → check the CID of the bytes → recompute certHash and compare with the chain → validate every rule → check the
 * agent's and auditors' signatures (ERC-1271 contract wallets through the chain) → the reserve locked in the vault covers
 * the class ratio, in the certificate's denomination → every auditor is bonded and its stake is there → status → risk
 * policy → concentration → accept | reject | conditional, with every reason.
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
    value = parseJsonBytes(bytes, { file: uri, what: 'the stored document' }).value
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
  let params: UnsignedPublishParams | undefined
  try {
    params = toPublishParams(certificate, { certHash, ipfsUri: record.ipfsUri })
  } catch (error) {
    reasons.push({ stage: 'signatures', code: 'PUBLISH_PARAMS_INVALID', effect: 'reject', message: errorMessage(error) })
  }
  if (params) reasons.push(...(await signatureReasons(certificate, params, record, input.registry)))

  // the money behind it: reserve in the vault, auditors' bonds and stakes
  const lifecycle = await input.registry.lifecycle(certHash)
  const reserve = await reserveReasons(certificate, record, input.registry)
  reasons.push(...reserve.reasons)
  const stakes = params ? await stakeReasons(certificate, params, record, input.registry, lifecycle) : { reasons: [], stakes: [] }
  reasons.push(...stakes.reasons)

  // status
  const status = certificateStatus(certificate, input.now, { revoked: record.status === 'REVOKED', expired: record.status === 'EXPIRED', challenged: record.status === 'CHALLENGED' })
  if (status !== 'ACTIVE' && record.status === 'ACTIVE') reasons.push({ stage: 'status', code: `CERTIFICATE_${status}`, effect: 'reject', message: `the certificate is ${status} at ${input.now.toISOString()}` })

  // policy + concentration
  reasons.push(...applyPolicy(certificate, input.policy, input.now))
  const active = await input.registry.activeCertificates()
  const conc = concentration(record, active, input.policy)
  reasons.push(...conc.reasons)
  return done({ certHash, uri, record, certificate, status, concentration: conc.report, ...(reserve.reserve ? { reserve: reserve.reserve } : {}), stakes: stakes.stakes, ...(lifecycle ? { lifecycle } : {}) })
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

/**
 * The auditors' `Attest` signatures in the document and the agent's `Publish` co-signature of the anchoring transaction,
 * each over the document's terms (operator = the certificate's operator, the account that sent the publish). A signer
 * the signature does not recover to is asked on chain (ERC-1271: a contract wallet accepts its own signatures).
 */
async function signatureReasons(cert: Certificate, params: UnsignedPublishParams, record: RegistryRecord, registry: Registry): Promise<Reason[]> {
  const out: Reason[] = []
  const bad = (code: string, message: string) => out.push({ stage: 'signatures', code, effect: 'reject', message })
  const domain = ccpDomain(registry.chainId, registry.address)
  const operator = checksumAddress(cert.identity.operator_id)
  const signedBy = async (signer: Address, typed: TypedDataToCheck, signature: Hex): Promise<boolean> => {
    const recovered = recoverTypedDataSigner({ ...typed, signature })
    if (recovered?.toLowerCase() === signer.toLowerCase()) return true
    return registry.verifyTypedData(signer, typed, signature)
  }
  for (const [i, a] of cert.attestations.entries()) {
    const typed = { domain, types: ccpTypes, primaryType: 'Attest', message: attestMessage(params, operator, i) }
    if (!(await signedBy(checksumAddress(a.auditor_id), typed, a.signature as Hex))) {
      bad('AUDITOR_SIGNATURE_INVALID', `attestations[${i}] (${a.scope}): the EIP-712 Attest signature is not by ${a.auditor_id} for this certificate's agent, operator, class, expiry and bound`)
    }
  }
  if (checksumAddress(cert.identity.agent_id) === operator) return out // an agent that is its own operator signs with its transaction
  const signatures = await registry.publishSignatures(record.certHash)
  if (!signatures) {
    bad('PUBLISH_SIGNATURES_MISSING', `the publish transaction of ${record.certHash} was not found`)
    return out
  }
  if (signatures.agentSig === undefined) return out // sent through a contract wallet: the registry checked the co-signature
  const typed = { domain, types: ccpTypes, primaryType: 'Publish', message: publishMessage(params, record.operator) }
  if (!(await signedBy(checksumAddress(cert.identity.agent_id), typed, signatures.agentSig))) {
    bad('AGENT_SIGNATURE_INVALID', `the agent's Publish co-signature is not by ${cert.identity.agent_id}`)
  }
  return out
}

/**
 * The reserve: the vault holds, for this certificate and its operator, an exogenous token whose symbol is the
 * certificate's denomination, backing at least bound × class ratio and the amount the certificate declares.
 */
async function reserveReasons(cert: Certificate, record: RegistryRecord, registry: Registry): Promise<{ reasons: Reason[]; reserve?: ReserveState & { required: bigint } }> {
  const reasons: Reason[] = []
  const reject = (code: string, message: string) => reasons.push({ stage: 'reserve', code, effect: 'reject', message })
  const reserve = await registry.reserveOf(record.certHash, record.operator)
  if (reserve.token === null) {
    reject('RESERVE_NOT_FUNDED', `the vault ${record.reserveVault} holds no reserve of operator ${record.operator} for this certificate`)
    return { reasons }
  }
  const klass = cert.derived_metrics.certificate_class
  const required = requiredReserve(klass, record.containmentBound, reserve.decimals)
  const whole = (amount: bigint) => formatUnits(amount, reserve.decimals)
  if (!reserve.exogenous) reject('RESERVE_NOT_EXOGENOUS', `the reserve is in ${reserve.symbol ?? reserve.token}, which the deployment does not list as exogenous`)
  if (reserve.symbol !== cert.reserve.denomination) {
    reject('RESERVE_DENOMINATION_MISMATCH', `the reserve is in ${reserve.symbol ?? reserve.token}, the certificate declares ${cert.reserve.denomination}`)
  }
  if (reserve.backing < required) {
    reject('RESERVE_SHORTFALL', `the vault backs ${whole(reserve.backing)} ${reserve.symbol} of the ${whole(required)} a ${klass} with bound ${record.containmentBound} needs (${klass === 'C1' ? 1 : klass === 'C2' ? 3 : 5}×)`)
  } else if (compareDecimal(whole(reserve.backing), cert.reserve.amount) < 0) {
    reject('RESERVE_BELOW_DECLARED', `the vault backs ${whole(reserve.backing)} ${reserve.symbol}, the certificate declares a reserve of ${cert.reserve.amount}`)
  }
  return { reasons, reserve: { ...reserve, required } }
}

/** Every auditor is a registered (bonded) auditor, has at least the stake its attestation claims locked, and the claim meets the class minimum. */
async function stakeReasons(
  cert: Certificate,
  params: UnsignedPublishParams,
  record: RegistryRecord,
  registry: Registry,
  lifecycle: LifecycleState | undefined,
): Promise<{ reasons: Reason[]; stakes: Array<{ auditor: Address; bonded: boolean; staked: bigint; claimed: bigint }> }> {
  const reasons: Reason[] = []
  const reject = (code: string, message: string) => reasons.push({ stage: 'stakes', code, effect: 'reject', message })
  if (lifecycle?.challengeUpheld) reject('STAKES_SLASHED', `a challenge against ${record.certHash} was upheld: its auditors' stakes were slashed`)
  const minimum = params.attestations.length > 0 ? await registry.minStake(cert.derived_metrics.certificate_class) : 0n
  const stakes = []
  for (const [i, a] of params.attestations.entries()) {
    const { bonded, staked } = await registry.attestationOf(a.auditor, record.certHash)
    stakes.push({ auditor: a.auditor, bonded, staked, claimed: a.stake })
    if (!bonded) reject('AUDITOR_NOT_BONDED', `auditor ${a.auditor} is not a registered (bonded) auditor in the staking contract`)
    if (staked < a.stake) reject('STAKE_MISSING', `auditor ${a.auditor} has ${staked} staked for this certificate, its attestation claims ${a.stake}`)
    if (a.stake < minimum) reject('STAKE_BELOW_CLASS_MINIMUM', `attestations[${i}] claims a stake of ${a.stake}, a ${cert.derived_metrics.certificate_class} needs at least ${minimum}`)
  }
  return { reasons, stakes }
}
