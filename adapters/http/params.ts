import { z } from 'zod'
import { checksumAddress } from '../../src/crypto/eip55.ts'

/**
 * An EVM address in a path: 0x + 40 hex digits; a mixed-case one must pass its EIP-55 checksum (all lower or all upper
 * case carry none), as wallets and viem check it.
 * @example addressParam.parse('0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC')
 */
export const addressParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'expected an EVM address: 0x followed by 40 hex digits')
  .refine((text) => !/[a-f]/.test(text.slice(2)) || !/[A-F]/.test(text.slice(2)) || checksummed(text) === text, 'the mixed-case address fails its EIP-55 checksum')
  .meta({ example: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' })

const checksums = new Map<string, `0x${string}`>()

/**
 * The EIP-55 form of an address (0x + 40 hex digits), remembered for the 10 000 addresses asked most recently: a
 * counterparty asks about the same agents again and again, and the keccak behind each form is the warm path's largest cost.
 * @example checksummed('0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc') // '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
 */
export function checksummed(text: string): `0x${string}` {
  let form = checksums.get(text)
  if (form === undefined) {
    form = checksumAddress(text)
    if (checksums.size >= 10_000) checksums.delete(checksums.keys().next().value!)
    checksums.set(text, form)
  }
  return form
}

/** A certHash in a path: 0x + 64 hex digits (any case). */
export const certHashParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, 'expected a certHash: 0x followed by 64 hex digits')
  .meta({ example: '0x18f56fe44534919c77383a133d5a64b47dfa8ca9b0a9dc8854c31f202c6aea18' })

/** A page size in a query: 1 to 1000. */
export const limitParam = z.string().regex(/^([1-9]\d{0,2}|1000)$/, 'expected a whole number from 1 to 1000')
