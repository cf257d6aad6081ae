import { blake2b } from '@noble/hashes/blake2b'
import { base58btc } from 'multiformats/bases/base58'
import { BridgeError, type ErrorLocation } from '../errors.ts'
import { hexToBytes } from './bytes.ts'

/** Cere's SS58 network prefix (addresses start with "6"). */
export const CERE_SS58_PREFIX = 54

const SS58_CONTEXT = new TextEncoder().encode('SS58PRE')

/**
 * A 32-byte public key from hex (`0x…`, bare, or with an `ed25519:`/`sr25519:` prefix) or an SS58 address of the
 * Cere network (prefix 54, checksum checked). An address of another network is refused naming its prefix.
 * Light on purpose (no @polkadot/util-crypto), so verification worker threads stay small.
 * @example publicKeyFromText('6S…', { path: '$.signature.signer' }) // Uint8Array(32)
 */
export function publicKeyFromText(text: string, where: ErrorLocation = {}, prefix = CERE_SS58_PREFIX): Uint8Array {
  const body = text.replace(/^(ed25519|sr25519):/, '')
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(body)) return hexToBytes(body, where, 32)
  let raw: Uint8Array
  try {
    raw = base58btc.baseDecode(body)
  } catch (cause) {
    throw new BridgeError('BAD_PUBLIC_KEY', `expected a 32-byte hex public key or an SS58 address, got ${JSON.stringify(body.slice(0, 24))}`, { ...where, cause })
  }
  const first = raw[0] ?? 0
  const prefixLength = first < 64 ? 1 : 2
  const found = first < 64 ? first : ((first & 0b0011_1111) << 2) | ((raw[1] ?? 0) >> 6) | (((raw[1] ?? 0) & 0b0011_1111) << 8)
  if (raw.length !== prefixLength + 32 + 2) {
    throw new BridgeError('BAD_PUBLIC_KEY', `expected an SS58 address of a 32-byte account, got ${raw.length} bytes`, where)
  }
  const checksum = ss58Checksum(raw.subarray(0, prefixLength + 32))
  if (checksum[0] !== raw[prefixLength + 32] || checksum[1] !== raw[prefixLength + 33]) {
    throw new BridgeError('BAD_PUBLIC_KEY', 'SS58 address checksum does not match (mistyped address?)', where)
  }
  if (found !== prefix) {
    throw new BridgeError('SS58_WRONG_NETWORK', `SS58 address of network prefix ${found}, expected Cere's prefix ${prefix}`, where)
  }
  return raw.slice(prefixLength, prefixLength + 32)
}

/**
 * The Cere SS58 address of a 32-byte public key (one-byte prefix 54, 2-byte blake2b-512 checksum).
 * @example toCereAddress(publicKey) // '6…'
 */
export function toCereAddress(publicKey: Uint8Array): string {
  const body = new Uint8Array([CERE_SS58_PREFIX, ...publicKey])
  const checksum = ss58Checksum(body)
  return base58btc.baseEncode(new Uint8Array([...body, checksum[0]!, checksum[1]!]))
}

function ss58Checksum(body: Uint8Array): Uint8Array {
  return blake2b(new Uint8Array([...SS58_CONTEXT, ...body]), { dkLen: 64 })
}
