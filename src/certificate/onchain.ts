import { checksumAddress, ZERO_ADDRESS } from '../crypto/eip55.ts'
import { BridgeError } from '../errors.ts'
import { attestScopeHash, publishUriHash, type PublishMessage } from '../crypto/eip712.ts'
import type { Certificate } from '../schema/certificate.ts'
import { classToNumber } from './classes.ts'
import { containmentBound } from './derive.ts'

/** The registry's `AttestationParams`: scope is keccak256 of the scope name (see attestScopeHash). */
export type OnchainAttestation = { auditor: `0x${string}`; scope: `0x${string}`; stake: bigint }

/** The registry's `PublishParams` (adapters/evm/contracts/ICCPRegistry.sol), field for field, without `agentSig`. */
export type UnsignedPublishParams = {
  certHash: `0x${string}`
  agent: `0x${string}`
  certificateClass: number
  issuedAt: number
  expiresAt: number
  containmentBound: bigint
  reserveVault: `0x${string}`
  spendingLimit: `0x${string}`
  ipfsUri: string
  attestations: OnchainAttestation[]
}
/** `PublishParams` with the agent's co-signature. */
export type PublishParams = UnsignedPublishParams & { agentSig: `0x${string}` }

const UINT128_MAX = (1n << 128n) - 1n

/**
 * Maps a certificate, its certHash (from the core) and its stored document URI to the registry's PublishParams.
 * Pure. Amounts must be whole numbers: containment_bound in the certificate's denomination units, stake_amount in wei of the staking contract.
 * @example const params = toPublishParams(certificate, { certHash: certificateHash(certificate), ipfsUri: 'ipfs://bafkrei…' })
 */
export function toPublishParams(certificate: Certificate, anchor: { certHash: `0x${string}`; ipfsUri: string }): UnsignedPublishParams {
  const spendingLimit = tightestSpendingLimitContract(certificate)
  return {
    certHash: anchor.certHash,
    agent: address(certificate.identity.agent_id, '$.identity.agent_id'),
    certificateClass: classToNumber(certificate.derived_metrics.certificate_class),
    issuedAt: unixSeconds(certificate.validity.issued_at, '$.validity.issued_at'),
    expiresAt: unixSeconds(certificate.validity.expires_at, '$.validity.expires_at'),
    containmentBound: wholeAmount(certificate.derived_metrics.containment_bound, '$.derived_metrics.containment_bound', UINT128_MAX),
    reserveVault: address(certificate.reserve.contract_address, '$.reserve.contract_address'),
    spendingLimit,
    ipfsUri: anchor.ipfsUri,
    attestations: certificate.attestations.map((attestation, i) => ({
      auditor: address(attestation.auditor_id, `$.attestations[${i}].auditor_id`),
      scope: attestScopeHash(attestation.scope),
      stake: wholeAmount(attestation.stake_amount, `$.attestations[${i}].stake_amount`, (1n << 256n) - 1n),
    })),
  }
}

/**
 * The EIP-712 `Publish` message the operator and the agent sign for these params, the operator that will send the
 * publish (the contract encodes `msg.sender`) and a signer's nonce.
 * @example publishMessage(params, operator.address, await getNonce(client, registry, operator.address))
 */
export function publishMessage(params: UnsignedPublishParams, operator: `0x${string}`, nonce: bigint): PublishMessage {
  return {
    certHash: params.certHash,
    agent: params.agent,
    operator: checksumAddress(operator),
    certificateClass: params.certificateClass,
    expiresAt: params.expiresAt,
    containmentBound: params.containmentBound,
    uriHash: publishUriHash(params.ipfsUri),
    nonce,
  }
}

/**
 * Where the registry's `spendingLimit` comes from: the enforcing contract of the tightest agent-independent SPENDING_LIMIT
 * (the containment bound's) as written in the document, with its JSON path; `undefined` when there is none (zero address on chain).
 * @example boundSpendingLimitContract(cert) // { text: '0x530e…', path: '$.constraints[0].enforcement.contract_address' }
 */
export function boundSpendingLimitContract(certificate: Certificate): { text: string; path: string } | undefined {
  const index = containmentBound(certificate)?.index
  const text = index === undefined ? undefined : certificate.constraints[index]?.enforcement.contract_address
  return text === undefined ? undefined : { text, path: `$.constraints[${index}].enforcement.contract_address` }
}

/** The enforcing contract of the tightest agent-independent SPENDING_LIMIT (the containment bound's), or the zero address. */
function tightestSpendingLimitContract(certificate: Certificate): `0x${string}` {
  const contract = boundSpendingLimitContract(certificate)
  return contract === undefined ? ZERO_ADDRESS : address(contract.text, contract.path)
}

function address(text: string, path: string): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw new BridgeError('ONCHAIN_ADDRESS_INVALID', `expected an EVM address, got ${JSON.stringify(text)}`, { path })
  return checksumAddress(text)
}

function unixSeconds(iso: string, path: string): number {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new BridgeError('ONCHAIN_TIME_INVALID', `expected an ISO 8601 time, got ${JSON.stringify(iso)}`, { path })
  if (ms % 1000 !== 0) throw new BridgeError('ONCHAIN_TIME_INVALID', 'the registry stores whole seconds; this time has a fraction of a second', { path })
  return ms / 1000
}

function wholeAmount(text: string, path: string, max: bigint): bigint {
  const match = /^(\d+)(?:\.(0+))?$/.exec(text)
  if (!match?.[1]) throw new BridgeError('ONCHAIN_AMOUNT_NOT_WHOLE', `the registry stores whole units; ${JSON.stringify(text)} has a fraction`, { path })
  const value = BigInt(match[1])
  if (value > max) throw new BridgeError('ONCHAIN_AMOUNT_TOO_LARGE', `${text} does not fit the registry's field`, { path, details: `maximum ${max}` })
  return value
}
