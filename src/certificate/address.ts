import { checksumAddress } from '../crypto/eip55.ts'

/**
 * Why an EVM address text is not acceptable, or undefined when it is: 0x + 40 hex digits, not the zero address,
 * and when mixed-case, a correct EIP-55 checksum (all-lower and all-upper carry no checksum and are accepted).
 * @example addressProblem('0x530ecF8Afddb752748aCE1Ece90e34FD1ca7eE6C') // undefined
 */
export function addressProblem(text: unknown): string | undefined {
  if (typeof text !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(text)) return `expected 0x followed by 40 hex digits, got ${JSON.stringify(text)}`
  const body = text.slice(2)
  if (/^0+$/.test(body)) return 'the zero address is not an account'
  if (body === body.toLowerCase() || body === body.toUpperCase()) return undefined
  const checksummed = checksumAddress(text)
  return checksummed === text ? undefined : `EIP-55 checksum is wrong: expected ${checksummed}`
}

/**
 * True when `addressProblem` finds nothing.
 * @example isValidAddress('0x0000000000000000000000000000000000000000') // false
 */
export function isValidAddress(text: unknown): boolean {
  return addressProblem(text) === undefined
}
