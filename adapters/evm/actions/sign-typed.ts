import type { Address, Hex } from 'viem'
import type { TypedDataSigner } from '../../../src/ports.ts'
import { ccpDomain, ccpTypes, challengesDomain, verdictTypes, type AttestMessage, type PublishMessage, type VerdictMessage } from '../../../src/crypto/eip712.ts'

/**
 * Signs the EIP-712 `Publish` struct (the agent) for one registry on one chain (a viem LocalAccount is a signer).
 * @example const agentSig = await signPublish(agent, { chainId, registry, message: publishMessage(params, operator) })
 */
export function signPublish(signer: TypedDataSigner, target: { chainId: number; registry: Address; message: PublishMessage }): Promise<Hex> {
  return signer.signTypedData({ domain: ccpDomain(target.chainId, target.registry), types: ccpTypes, primaryType: 'Publish', message: target.message })
}

/**
 * Signs the EIP-712 `Attest` struct (an auditor's scoped attestation of a certificate's terms) for one registry.
 * @example const sig = await signAttestation(auditor, { chainId, registry, message: attestMessage(params, operator, 0) })
 */
export function signAttestation(signer: TypedDataSigner, target: { chainId: number; registry: Address; message: AttestMessage }): Promise<Hex> {
  return signer.signTypedData({ domain: ccpDomain(target.chainId, target.registry), types: ccpTypes, primaryType: 'Attest', message: target.message })
}

/**
 * Signs a verifier's EIP-712 `Verdict` on a challenge (CCPChallenges' domain).
 * @example const signature = await signVerdict(verifier, { chainId, challenges, message: { challengeId: 1n, certHash, upheld: true } })
 */
export function signVerdict(signer: TypedDataSigner, target: { chainId: number; challenges: Address; message: VerdictMessage }): Promise<Hex> {
  return signer.signTypedData({ domain: challengesDomain(target.chainId, target.challenges), types: verdictTypes, primaryType: 'Verdict', message: target.message })
}
