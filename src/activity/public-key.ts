import { blake2b } from '@noble/hashes/blake2b'
import { base58btc } from 'multiformats/bases/base58'
import { BridgeError, type ErrorLocation } from '../errors.ts'
import { hexToBytes } from '../crypto/bytes.ts'

/** Cere's SS58 network prefix (the same as src/crypto/ss58.ts; repeated so this file does not load @polkadot/util-crypto). */
const CERE_SS58_PREFIX = 54
const SS58_CONTEXT = new TextEncoder().encode('SS58PRE')

/**
 * A 32-byte public key from hex (`0x…`, bare, or with an `ed25519:`/`sr25519:` prefix) or a Cere SS58 address
 * (prefix 54, checksum checked), without loading @polkadot/util-crypto: verification worker threads use it to stay small.
 * An address of another network is refused naming its prefix.
 * @example publicKeyFromTextLight('6S…', { path: '$.signatures[0].signer' }) // Uint8Array(32)
 */
export function publicKeyFromTextLight(text: string, where: ErrorLocation = {}): Uint8Array {
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
  const prefix = first < 64 ? first : ((first & 0b0011_1111) << 2) | ((raw[1] ?? 0) >> 6) | (((raw[1] ?? 0) & 0b0011_1111) << 8)
  if (raw.length !== prefixLength + 32 + 2) {
    throw new BridgeError('BAD_PUBLIC_KEY', `expected an SS58 address of a 32-byte account, got ${raw.length} bytes`, where)
  }
  const checksum = blake2b(new Uint8Array([...SS58_CONTEXT, ...raw.subarray(0, prefixLength + 32)]), { dkLen: 64 })
  if (checksum[0] !== raw[prefixLength + 32] || checksum[1] !== raw[prefixLength + 33]) {
    throw new BridgeError('BAD_PUBLIC_KEY', 'SS58 address checksum does not match (mistyped address?)', where)
  }
  if (prefix !== CERE_SS58_PREFIX) {
    throw new BridgeError('SS58_WRONG_NETWORK', `SS58 address of network prefix ${prefix}, expected Cere's prefix ${CERE_SS58_PREFIX}`, where)
  }
  return raw.slice(prefixLength, prefixLength + 32)
}
