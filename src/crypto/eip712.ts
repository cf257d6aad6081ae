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
