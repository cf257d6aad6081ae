import { decodeAddress, encodeAddress } from '@polkadot/util-crypto'
import { base58btc } from 'multiformats/bases/base58'
import { BridgeError, type ErrorLocation } from '../errors.ts'
import { hexToBytes } from './bytes.ts'

/** Cere's SS58 network prefix (addresses start with "6"). */
export const CERE_SS58_PREFIX = 54

/**
 * A 32-byte public key from hex (`0x…` or bare) or an SS58 address of the Cere network (prefix 54).
 * An address of another network is refused with a message that names its prefix.
 * @example publicKeyFromText('6S…') // Uint8Array(32)
 */
export function publicKeyFromText(text: string, where: ErrorLocation = {}, prefix = CERE_SS58_PREFIX): Uint8Array {
  const body = text.replace(/^(ed25519|sr25519):/, '')
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(body)) return hexToBytes(body, where, 32)
  let decoded: Uint8Array
  try {
    decoded = decodeAddress(body, false, -1)
  } catch (cause) {
    throw new BridgeError('BAD_PUBLIC_KEY', `expected a 32-byte hex public key or an SS58 address, got ${JSON.stringify(body.slice(0, 24))}`, { ...where, cause })
  }
  const found = ss58Prefix(body)
  if (found !== prefix) {
    throw new BridgeError('SS58_WRONG_NETWORK', `SS58 address of network prefix ${found}, expected Cere's prefix ${prefix}`, where)
  }
  if (decoded.length !== 32) throw new BridgeError('BAD_PUBLIC_KEY', `expected a 32-byte account, got ${decoded.length} bytes`, where)
  return decoded
}

/** The Cere SS58 address of a 32-byte public key. @example toCereAddress(pub) // '6…' */
export function toCereAddress(publicKey: Uint8Array): string {
  return encodeAddress(publicKey, CERE_SS58_PREFIX)
}

/** The network prefix an SS58 address was encoded with. */
function ss58Prefix(address: string): number {
  const raw = base58btc.baseDecode(address)
  const first = raw[0] ?? 0
  if (first < 64) return first
  const second = raw[1] ?? 0
  return ((first & 0b0011_1111) << 2) | (second >> 6) | ((second & 0b0011_1111) << 8)
}
