import { encodeAddress } from '@polkadot/util-crypto'
import { describe, expect, it } from 'vitest'
import { publicKeyFromText, toCereAddress } from '../../../src/crypto/ss58.ts'

const key = (seed: number) => new Uint8Array(32).map((_, j) => (seed * 31 + j * 7) & 255)

describe('SS58 (Cere prefix 54)', () => {
  it('encodes exactly as @polkadot/util-crypto does, and decodes back', () => {
    for (let seed = 0; seed < 20; seed++) {
      const address = toCereAddress(key(seed))
      expect(address).toBe(encodeAddress(key(seed), 54))
      expect(address.startsWith('6')).toBe(true)
      expect(publicKeyFromText(address)).toEqual(key(seed))
    }
  })

  it('takes hex with or without 0x and an ed25519:/sr25519: prefix', () => {
    const hex = Buffer.from(key(3)).toString('hex')
    expect(publicKeyFromText(hex)).toEqual(key(3))
    expect(publicKeyFromText(`0x${hex}`)).toEqual(key(3))
    expect(publicKeyFromText(`ed25519:${hex}`)).toEqual(key(3))
  })

  it('refuses another network, naming its prefix, and a broken checksum', () => {
    expect(() => publicKeyFromText(encodeAddress(key(1), 42), { file: 'g.json', path: '$.signer' })).toThrow(/g\.json at \$\.signer: SS58 address of network prefix 42, expected Cere's prefix 54/)
    const address = toCereAddress(key(2))
    const broken = address.slice(0, -1) + (address.endsWith('1') ? '2' : '1')
    expect(() => publicKeyFromText(broken)).toThrow(/checksum|32-byte/)
    expect(() => publicKeyFromText('not an address!')).toThrow(/expected a 32-byte hex public key or an SS58 address/)
  })
})
