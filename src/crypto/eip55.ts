import { keccak_256 } from '@noble/hashes/sha3'
import { BridgeError } from '../errors.ts'

/** The EVM zero address. */
export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000' as const

/**
 * The EIP-55 mixed-case checksum form of an EVM address (0x + 40 hex digits, any case). A thrown BridgeError names
 * what was wrong; the checksum of a mixed-case input is not checked here (see `addressProblem`).
 * @example checksumAddress('0x5fbdb2315678afecb367f032d93f642f64180aa3') // '0x5FbDB2315678afecb367f032d93F642f64180aa3'
 */
export function checksumAddress(text: string): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw new BridgeError('ADDRESS_INVALID', `expected 0x followed by 40 hex digits, got ${JSON.stringify(text.slice(0, 64))}`)
  const lower = text.slice(2).toLowerCase()
  const hash = keccak_256(new TextEncoder().encode(lower))
  let out = '0x'
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 0xf
    out += nibble >= 8 ? lower[i]!.toUpperCase() : lower[i]!
  }
  return out as `0x${string}`
}
