import { blake2b } from '@noble/hashes/blake2b'
import { createHash } from 'node:crypto'
import { keccak_256 } from '@noble/hashes/sha3'

/**
 * The hash functions of the bridge: blake2b-256 (Cere, Merkle trees), keccak256 (certHash, EVM), sha-256 (CIDs).
 * @example bytesToHex(blake2b256(utf8.encode('abc')))
 */
export function blake2b256(data: Uint8Array): Uint8Array {
  return blake2b(data, { dkLen: 32 })
}

/** keccak256 as 0x-hex. @example keccak256(utf8.encode('')) // '0xc5d2…a470' */
export function keccak256(data: Uint8Array): `0x${string}` {
  return `0x${Buffer.from(keccak_256(data)).toString('hex')}`
}

/** sha2-256 digest bytes. */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest())
}
