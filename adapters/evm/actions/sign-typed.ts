import type { Address, Hex } from 'viem'
import type { TypedDataSigner } from '../../../src/ports.ts'
import { ccpDomain, ccpTypes, type AttestMessage, type PublishMessage } from '../../../src/crypto/eip712.ts'

/**
 * Signs the EIP-712 `Publish` struct (operator or agent) for one registry on one chain (a viem LocalAccount is a signer).
 * @example const operatorSig = await signPublish(operator, { chainId, registry, message })
 */
export function signPublish(signer: TypedDataSigner, target: { chainId: number; registry: Address; message: PublishMessage }): Promise<Hex> {
  return signer.signTypedData({ domain: ccpDomain(target.chainId, target.registry), types: ccpTypes, primaryType: 'Publish', message: target.message })
}

/**
 * Signs the EIP-712 `Attest` struct (an auditor's scoped attestation) for one registry on one chain.
 * @example const sig = await signAttestation(auditor, { chainId, registry, message: { certHash, auditor: auditor.address, scope, stake } })
 */
export function signAttestation(signer: TypedDataSigner, target: { chainId: number; registry: Address; message: AttestMessage }): Promise<Hex> {
  return signer.signTypedData({ domain: ccpDomain(target.chainId, target.registry), types: ccpTypes, primaryType: 'Attest', message: target.message })
}
