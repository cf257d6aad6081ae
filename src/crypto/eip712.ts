import * as Secp256k1 from 'ox/Secp256k1'
import * as Signature from 'ox/Signature'
import * as TypedData from 'ox/TypedData'
import { keccak256 } from './hash.ts'

/**
 * The EIP-712 domain and types of the CCP registry (DESIGN.md: signatures bind chain and contract; nonces stop replay).
 * @example hashTypedData({ domain: ccpDomain(31337, registry), types: ccpTypes, primaryType: 'Publish', message })
 */
export const CCP_DOMAIN_NAME = 'CCPRegistry'
export const CCP_DOMAIN_VERSION = '0.2.0'

export function ccpDomain(chainId: number | bigint, verifyingContract: `0x${string}`) {
  return { name: CCP_DOMAIN_NAME, version: CCP_DOMAIN_VERSION, chainId: BigInt(chainId), verifyingContract } as const
}

export const ccpTypes = {
  Publish: [
    { name: 'certHash', type: 'bytes32' },
    { name: 'agent', type: 'address' },
    { name: 'operator', type: 'address' },
    { name: 'certificateClass', type: 'uint8' },
    { name: 'expiresAt', type: 'uint48' },
    { name: 'containmentBound', type: 'uint128' },
    { name: 'uriHash', type: 'bytes32' },
    { name: 'nonce', type: 'uint256' },
  ],
  Attest: [
    { name: 'certHash', type: 'bytes32' },
    { name: 'auditor', type: 'address' },
    { name: 'scope', type: 'bytes32' },
    { name: 'stake', type: 'uint256' },
  ],
} as const

/**
 * The `Publish` struct both the operator and the agent sign. `operator` is the account that sends `publish` (the
 * contract encodes `msg.sender`), so the agent's co-signature names who certifies it and works for no one else.
 */
export type PublishMessage = {
  certHash: `0x${string}`
  agent: `0x${string}`
  operator: `0x${string}`
  certificateClass: number
  expiresAt: number
  containmentBound: bigint
  uriHash: `0x${string}`
  nonce: bigint
}

export type AttestMessage = {
  certHash: `0x${string}`
  auditor: `0x${string}`
  scope: `0x${string}`
  stake: bigint
}

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
 * The `uriHash` field of `Publish`: keccak256 of the stored document URI's UTF-8 bytes.
 * @example publishUriHash('ipfs://bafkrei…')
 */
export function publishUriHash(uri: string): `0x${string}` {
  return keccak256(new TextEncoder().encode(uri))
}

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
