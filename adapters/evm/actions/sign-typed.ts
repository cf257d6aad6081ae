import type { Address, Hex, LocalAccount } from 'viem'
import { ccpDomain, ccpTypes, type AttestMessage, type PublishMessage } from '../../../src/crypto/eip712.ts'

/**
 * Signs the EIP-712 `Publish` struct (operator or agent) for one registry on one chain.
 * @example const operatorSig = await signPublish(operator, { chainId, registry, message })
 */
export function signPublish(signer: LocalAccount, target: { chainId: number; registry: Address; message: PublishMessage }): Promise<Hex> {
  return signer.signTypedData({ domain: ccpDomain(target.chainId, target.registry), types: ccpTypes, primaryType: 'Publish', message: target.message })
}

/**
 * Signs the EIP-712 `Attest` struct (an auditor's scoped attestation) for one registry on one chain.
 * @example const sig = await signAttestation(auditor, { chainId, registry, message: { certHash, auditor: auditor.address, scope, stake } })
 */
export function signAttestation(signer: LocalAccount, target: { chainId: number; registry: Address; message: AttestMessage }): Promise<Hex> {
  return signer.signTypedData({ domain: ccpDomain(target.chainId, target.registry), types: ccpTypes, primaryType: 'Attest', message: target.message })
}
