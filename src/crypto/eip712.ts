import * as Secp256k1 from 'ox/Secp256k1'
import * as Signature from 'ox/Signature'
import * as TypedData from 'ox/TypedData'
import { keccak256 } from './hash.ts'

/**
 * The EIP-712 domain and types of the CCP registry (DESIGN.md: signatures bind chain and contract; certHash is anchored
 * once, so a signature is good for one publish and needs no nonce).
 * @example hashTypedData({ domain: ccpDomain(31337, registry), types: ccpTypes, primaryType: 'Publish', message })
 */
export const CCP_DOMAIN_NAME = 'CCPRegistry'
export const CCP_DOMAIN_VERSION = '0.2.0'
/** The challenge contract's EIP-712 domain name (verifiers sign `Verdict` in it). */
export const CHALLENGES_DOMAIN_NAME = 'CCPChallenges'

export function ccpDomain(chainId: number | bigint, verifyingContract: `0x${string}`) {
  return { name: CCP_DOMAIN_NAME, version: CCP_DOMAIN_VERSION, chainId: BigInt(chainId), verifyingContract } as const
}

/**
 * The challenge contract's domain: `{ name: "CCPChallenges", version: "0.2.0", chainId, verifyingContract }`.
 * @example challengesDomain(31337, challenges)
 */
export function challengesDomain(chainId: number | bigint, verifyingContract: `0x${string}`) {
  return { name: CHALLENGES_DOMAIN_NAME, version: CCP_DOMAIN_VERSION, chainId: BigInt(chainId), verifyingContract } as const
}

/**
 * `Terms` names a certificate as the chain can check it (certHash, agent, operator = the account that sends publish,
 * class, expiry, bound). The agent signs `Publish(Terms, uriDigest)`; each auditor signs `Attest(Terms, auditor, scope,
 * stake)`, so an attestation cannot be moved to another agent, operator, class, expiry or bound.
 */
export const ccpTypes = {
  Terms: [
    { name: 'certHash', type: 'bytes32' },
    { name: 'agent', type: 'address' },
    { name: 'operator', type: 'address' },
    { name: 'certificateClass', type: 'uint8' },
    { name: 'expiresAt', type: 'uint48' },
    { name: 'containmentBound', type: 'uint128' },
  ],
  Publish: [
    { name: 'terms', type: 'Terms' },
    { name: 'uriDigest', type: 'bytes32' },
  ],
  Attest: [
    { name: 'terms', type: 'Terms' },
    { name: 'auditor', type: 'address' },
    { name: 'scope', type: 'bytes32' },
    { name: 'stake', type: 'uint256' },
  ],
} as const

/** A verifier's verdict on a challenge (CCPChallenges' domain). */
export const verdictTypes = {
  Verdict: [
    { name: 'challengeId', type: 'uint256' },
    { name: 'certHash', type: 'bytes32' },
    { name: 'upheld', type: 'bool' },
  ],
} as const

/** The certificate terms every signature over a certificate names. */
export type TermsMessage = {
  certHash: `0x${string}`
  agent: `0x${string}`
  operator: `0x${string}`
  certificateClass: number
  expiresAt: number
  containmentBound: bigint
}

/** The `Publish` struct the agent signs: its terms (the operator is the account that sends publish) and the document digest. */
export type PublishMessage = { terms: TermsMessage; uriDigest: `0x${string}` }

/** The `Attest` struct an auditor signs. */
export type AttestMessage = { terms: TermsMessage; auditor: `0x${string}`; scope: `0x${string}`; stake: bigint }

/** The `Verdict` struct a verifier signs. */
export type VerdictMessage = { challengeId: bigint; certHash: `0x${string}`; upheld: boolean }

/**
 * An attestation scope as the registry sees it: keccak256 of the scope name's UTF-8 bytes.
 * @example attestScopeHash('COMPOSITION_ANALYSIS') // keccak256("COMPOSITION_ANALYSIS"), the registry's SCOPE_COMPOSITION_ANALYSIS
 */
export function attestScopeHash(scope: string): `0x${string}` {
  return keccak256(new TextEncoder().encode(scope))
}

/** The scopes that satisfy C3 on chain (seed 004), by name. */
export const C3_SCOPES = ['COMPOSITION_ANALYSIS', 'FULL_STACK_VERIFICATION'] as const

/**
 * The address that produced an EIP-712 signature over typed data (ECDSA recovery), or undefined when the signature is
 * malformed or recovers no key. Contract wallets (ERC-1271) sign differently: ask the chain for those.
 * @example recoverTypedDataSigner({ domain, types: ccpTypes, primaryType: 'Attest', message, signature })
 */
export function recoverTypedDataSigner(parameters: { domain: Record<string, unknown>; types: Record<string, unknown>; primaryType: string; message: Record<string, unknown>; signature: `0x${string}` }): `0x${string}` | undefined {
  try {
    const payload = TypedData.getSignPayload({ domain: parameters.domain, types: parameters.types, primaryType: parameters.primaryType, message: parameters.message } as never)
    return Secp256k1.recoverAddress({ payload, signature: Signature.fromHex(parameters.signature) })
  } catch {
    return undefined
  }
}
