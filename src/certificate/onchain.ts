import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 as sha256Hasher } from 'multiformats/hashes/sha2'
import { checksumAddress, ZERO_ADDRESS } from '../crypto/eip55.ts'
import { bytesToHex, hexToBytes } from '../crypto/bytes.ts'
import { BridgeError } from '../errors.ts'
import { keccak256 } from '../crypto/hash.ts'
import { attestScopeHash, type AttestMessage, type PublishMessage, type TermsMessage } from '../crypto/eip712.ts'
import type { Certificate } from '../schema/certificate.ts'
import { classToNumber } from './classes.ts'
import { containmentBound } from './derive.ts'

/** The registry's `AttestationParams`: scope is keccak256 of the scope name (see attestScopeHash). */
export type OnchainAttestation = { auditor: `0x${string}`; scope: `0x${string}`; stake: bigint }

/**
 * The registry's `PublishParams` (adapters/evm/contracts/ICCPRegistry.sol), field for field, without `agentSig`.
 * `uriDigest` is the sha2-256 digest inside the document's CID, from which the registry rebuilds `ipfs://…`.
 */
export type UnsignedPublishParams = {
  certHash: `0x${string}`
  agent: `0x${string}`
  certificateClass: number
  issuedAt: number
  expiresAt: number
  containmentBound: bigint
  reserveVault: `0x${string}`
  spendingLimit: `0x${string}`
  uriDigest: `0x${string}`
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
export function toPublishParams(certificate: Certificate, anchor: { certHash: `0x${string}`; ipfsUri: string | null }): UnsignedPublishParams {
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
    uriDigest: anchor.ipfsUri === null ? (`0x${'0'.repeat(64)}` as const) : uriDigest(anchor.ipfsUri),
    attestations: certificate.attestations.map((attestation, i) => ({
      auditor: address(attestation.auditor_id, `$.attestations[${i}].auditor_id`),
      scope: attestScopeHash(attestation.scope),
      stake: wholeAmount(attestation.stake_amount, `$.attestations[${i}].stake_amount`, (1n << 256n) - 1n),
    })),
  }
}

/**
 * The `Terms` of a certificate as the registry checks them: the params' fields and the operator that sends the publish
 * (the contract encodes `msg.sender`).
 * @example termsMessage(params, operator.address)
 */
export function termsMessage(params: UnsignedPublishParams, operator: `0x${string}`): TermsMessage {
  return {
    certHash: params.certHash,
    agent: params.agent,
    operator: checksumAddress(operator),
    certificateClass: params.certificateClass,
    expiresAt: params.expiresAt,
    containmentBound: params.containmentBound,
  }
}

/**
 * The EIP-712 `Publish` message the agent signs for these params and the operator that will send the publish.
 * @example publishMessage(params, operator.address)
 */
export function publishMessage(params: UnsignedPublishParams, operator: `0x${string}`): PublishMessage {
  return { terms: termsMessage(params, operator), uriDigest: params.uriDigest }
}

/**
 * The EIP-712 `Attest` message the auditor of `params.attestations[index]` signs.
 * @example attestMessage(params, operator.address, 0)
 */
export function attestMessage(params: Omit<UnsignedPublishParams, 'uriDigest'>, operator: `0x${string}`, index: number): AttestMessage {
  const attestation = params.attestations[index]
  if (!attestation) throw new BridgeError('ATTESTATION_MISSING', `the certificate has no attestation ${index}`, { path: `$.attestations[${index}]` })
  return { terms: termsMessage(params as UnsignedPublishParams, operator), auditor: attestation.auditor, scope: attestation.scope, stake: attestation.stake }
}

/**
 * The `Attest` message of attestation `index` of a certificate, sent by its own operator: what its auditor signs (the
 * document URI is not part of it, so it is computed before the document's bytes are final).
 * @example certificateAttestMessage(certificate, certificateHash(certificate), 0)
 */
export function certificateAttestMessage(certificate: Certificate, certHash: `0x${string}`, index: number): AttestMessage {
  const params = toPublishParams(certificate, { certHash, ipfsUri: null })
  return attestMessage(params, address(certificate.identity.operator_id, '$.identity.operator_id'), index)
}

/**
 * The key deposits made before anchoring are filed under (reserve, stake, accepted fee): keccak256(certHash), so a deposit
 * transaction does not reveal the certHash about to be published.
 * @example certKey('0x5c0e…') // keccak256 of the 32 bytes
 */
export function certKey(certHash: `0x${string}`): `0x${string}` {
  return keccak256(hexToBytes(certHash, {}, 32))
}

/**
 * The reserve a class requires for a containment bound, in the smallest unit of a token with `decimals`: bound × (1 for
 * C1, 3 for C2, 5 for C3) × 10^decimals (the registry's `requiredReserve`).
 * @example requiredReserve('C2', 5000n, 6) // 15000000000n
 */
export function requiredReserve(certificateClass: 'C1' | 'C2' | 'C3', containmentBound: bigint, decimals: number): bigint {
  const ratio = certificateClass === 'C1' ? 1n : certificateClass === 'C2' ? 3n : 5n
  return containmentBound * ratio * 10n ** BigInt(decimals)
}

/**
 * The sha2-256 digest inside an `ipfs://` CIDv1 (raw codec, sha2-256) URI: what the registry stores for the URI.
 * @example uriDigest('ipfs://bafkrei…') // '0x…' (32 bytes)
 */
export function uriDigest(uri: string): `0x${string}` {
  const match = /^ipfs:\/\/([^/?#]+)$/.exec(uri)
  let cid: CID | undefined
  try {
    cid = match ? CID.parse(match[1]!) : undefined
  } catch {
    cid = undefined
  }
  if (!cid || cid.version !== 1 || cid.code !== raw.code || cid.multihash.code !== sha256Hasher.code) {
    throw new BridgeError('URI_INVALID', `the registry stores ipfs://<CIDv1 raw sha2-256> URIs, got ${JSON.stringify(uri)}`)
  }
  return bytesToHex(cid.multihash.digest)
}

/**
 * The `ipfs://` URI of a stored document from its sha2-256 digest (what `getCertificate` rebuilds on chain).
 * @example uriFromDigest('0x…') // 'ipfs://bafkrei…'
 */
export function uriFromDigest(digest: `0x${string}`): string {
  const bytes = hexToBytes(digest)
  const multihash = new Uint8Array([0x12, 0x20, ...bytes])
  return `ipfs://${CID.decode(new Uint8Array([0x01, raw.code, ...multihash])).toString()}`
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

/**
 * A token amount in whole units as a decimal string, without trailing zeros.
 * @example formatUnits(15000500000n, 6) // '15000.5'
 */
export function formatUnits(amount: bigint, decimals: number): string {
  const negative = amount < 0n
  const digits = (negative ? -amount : amount).toString().padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const fraction = decimals === 0 ? '' : digits.slice(digits.length - decimals).replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`
}

/**
 * A decimal amount of whole units ("1500", "0.25") in the token's smallest unit, exactly; more decimals than the token
 * has, or anything but a plain non-negative decimal, is refused.
 * @example parseUnits('1500.5', 6, '--fee') // 1500500000n
 */
export function parseUnits(text: string, decimals: number, what: string): bigint {
  const match = /^(\d{1,60})(?:\.(\d{1,60}))?$/.exec(text)
  if (!match) throw new BridgeError('BAD_AMOUNT', `${what} expects a decimal amount such as 1500 or 0.25, got ${JSON.stringify(text)}`)
  const fraction = match[2] ?? ''
  if (fraction.replace(/0+$/, '').length > decimals) throw new BridgeError('BAD_AMOUNT', `${what}: ${text} has more than the token's ${decimals} decimals`)
  return BigInt(match[1]!) * 10n ** BigInt(decimals) + BigInt((fraction + '0'.repeat(decimals)).slice(0, decimals) || '0')
}
