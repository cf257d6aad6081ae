import { checksumAddress } from '../crypto/eip55.ts'
import { ccpDomain, ccpTypes, recoverTypedDataSigner } from '../crypto/eip712.ts'
import { certificateHash } from '../certificate/hash.ts'
import { certificateAttestMessage, certKey, toPublishParams } from '../certificate/onchain.ts'
import { BridgeError } from '../errors.ts'
import type { BondState, Hex, LifecycleContracts, Registry, TypedDataSigner } from '../ports.ts'
import type { Certificate } from '../schema/certificate.ts'

export type AttestResult = {
  certificate: Certificate
  certHash: Hex
  /** the attestation of this auditor */
  index: number
  /** true when this call (re)made the signature; false when the document already carried a valid one */
  signed: boolean
  stake: { claimed: bigint; staked: bigint; stakedNow: bigint }
  bond: BondState
  /** the fee request accepted for this certificate, when one was given */
  accepted?: Hex
}

/**
 * Stage 5: the auditor signs its attestation of the certificate (EIP-712 `Attest` over the certificate's terms for this
 * registry), bonds what registration and the stake need, locks the stake its attestation claims, and, given a fee
 * request of the certificate's operator naming it, accepts the request for this certificate.
 * @example const { certificate } = await attest({ certificate, registry, auditor, requestId })
 */
export async function attest(input: { certificate: Certificate; registry: Registry & LifecycleContracts; auditor: TypedDataSigner; requestId?: Hex }): Promise<AttestResult> {
  const { registry, auditor } = input
  const certificate = structuredClone(input.certificate)
  const index = certificate.attestations.findIndex((a) => a.auditor_id.toLowerCase() === auditor.address.toLowerCase())
  if (index < 0) {
    throw new BridgeError('ATTESTATION_NOT_FOUND', `the certificate has no attestation by ${auditor.address}`, {
      kind: 'check',
      path: '$.attestations',
      details: `its auditors: ${certificate.attestations.map((a) => a.auditor_id).join(', ') || 'none'}`,
    })
  }
  const certHash = certificateHash(certificate)
  const claimed = toPublishParams(certificate, { certHash, ipfsUri: null }).attestations[index]!.stake
  const minimum = await registry.minStake(certificate.derived_metrics.certificate_class)
  if (claimed < minimum) {
    throw new BridgeError('STAKE_BELOW_CLASS_MINIMUM', `the attestation claims a stake of ${claimed}; this registry's minimum for ${certificate.derived_metrics.certificate_class} is ${minimum}`, {
      kind: 'check',
      path: `$.attestations[${index}].stake_amount`,
    })
  }
  const typed = { domain: ccpDomain(registry.chainId, registry.address), types: ccpTypes, primaryType: 'Attest', message: certificateAttestMessage(certificate, certHash, index) }
  const current = certificate.attestations[index]!.signature as Hex | undefined
  const valid = current !== undefined && /^0x[0-9a-fA-F]{128,130}$/.test(current) && recoverTypedDataSigner({ ...typed, signature: current })?.toLowerCase() === auditor.address.toLowerCase()
  if (!valid) certificate.attestations[index]!.signature = await auditor.signTypedData(typed)

  const { staked } = await registry.attestationOf(checksumAddress(auditor.address), certHash)
  let stakedNow = 0n
  if (staked < claimed) {
    stakedNow = claimed - staked
    await registry.stake(auditor, certHash, stakedNow)
  }
  const bond = await registry.bondOf(auditor.address)
  if (!bond.registered) {
    const { minBond } = await registry.deployment()
    throw new BridgeError('AUDITOR_NOT_BONDED', `${auditor.address} is not a registered auditor: its bond is ${bond.free + bond.locked}, registration needs ${minBond}`, { kind: 'check' })
  }
  let accepted: Hex | undefined
  if (input.requestId !== undefined) {
    const request = await registry.feeRequest(input.requestId)
    if (!request) throw new BridgeError('FEE_REQUEST_NOT_FOUND', `no audit request ${input.requestId} in the escrow`, { kind: 'check' })
    if (request.auditor.toLowerCase() !== auditor.address.toLowerCase()) {
      throw new BridgeError('FEE_REQUEST_OTHER_AUDITOR', `audit request ${input.requestId} names auditor ${request.auditor}`, { kind: 'check' })
    }
    if (request.operator.toLowerCase() !== certificate.identity.operator_id.toLowerCase()) {
      throw new BridgeError('FEE_REQUEST_OTHER_OPERATOR', `audit request ${input.requestId} is operator ${request.operator}'s, the certificate's operator is ${certificate.identity.operator_id}`, { kind: 'check' })
    }
    if (request.state === 'ACCEPTED' && request.certKey.toLowerCase() === certKey(certHash)) accepted = input.requestId
    else if (request.state !== 'OPEN') throw new BridgeError('FEE_REQUEST_NOT_OPEN', `audit request ${input.requestId} is ${request.state}`, { kind: 'check' })
    else {
      await registry.acceptAudit(auditor, input.requestId, certHash)
      accepted = input.requestId
    }
  }
  return { certificate, certHash, index, signed: !valid, stake: { claimed, staked: staked + stakedNow, stakedNow }, bond, ...(accepted ? { accepted } : {}) }
}
