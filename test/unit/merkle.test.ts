import { describe, expect, it } from 'vitest'
import { blake2b256 } from '../../src/crypto/hash.ts'
import { bytesToHex, utf8 } from '../../src/crypto/bytes.ts'
import { inclusionProof, merkleLeafHash, merkleNodeHash, merkleRoot, verifyInclusion } from '../../src/crypto/merkle.ts'

const leaves = (n: number) => Array.from({ length: n }, (_, i) => utf8.encode(`leaf ${i}`))
const H = blake2b256
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]))

describe('RFC 9162 Merkle tree over blake2b-256', () => {
  it('hashes the empty tree, one leaf and domain-separated nodes as the RFC defines', () => {
    expect(bytesToHex(merkleRoot([]))).toBe(bytesToHex(H(new Uint8Array())))
    const [a, b, c] = leaves(3) as [Uint8Array, Uint8Array, Uint8Array]
    expect(bytesToHex(merkleRoot([a]))).toBe(bytesToHex(H(cat(Uint8Array.of(0), a))))
    const ab = H(cat(Uint8Array.of(1), H(cat(Uint8Array.of(0), a)), H(cat(Uint8Array.of(0), b))))
    expect(bytesToHex(merkleRoot([a, b]))).toBe(bytesToHex(ab))
    // three leaves split at 2 (the largest power of two below 3): ((a b) c)
    expect(bytesToHex(merkleRoot([a, b, c]))).toBe(bytesToHex(merkleNodeHash(ab, merkleLeafHash(c))))
  })

  it('splits five leaves as ((0 1)(2 3)) 4', () => {
    const l = leaves(5).map(merkleLeafHash)
    const left = merkleNodeHash(merkleNodeHash(l[0]!, l[1]!), merkleNodeHash(l[2]!, l[3]!))
    expect(bytesToHex(merkleRoot(leaves(5)))).toBe(bytesToHex(merkleNodeHash(left, l[4]!)))
  })

  it('proves and verifies the inclusion of every leaf in trees of 1 to 17 leaves', () => {
    for (let n = 1; n <= 17; n++) {
      const ls = leaves(n)
      const root = merkleRoot(ls)
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(ls, i)
        expect(verifyInclusion(ls[i]!, i, n, proof, root)).toBe(true)
        expect(verifyInclusion(utf8.encode('other'), i, n, proof, root)).toBe(false)
        if (n > 1) expect(verifyInclusion(ls[i]!, (i + 1) % n, n, proof, root)).toBe(false)
      }
    }
  })

  it('refuses a proof with a tampered sibling, a wrong size or an index outside the tree', () => {
    const ls = leaves(6)
    const root = merkleRoot(ls)
    const proof = inclusionProof(ls, 3)
    const bad = proof.map((p, i) => (i === 1 ? Uint8Array.from(p, (b, j) => (j === 0 ? b ^ 1 : b)) : p))
    expect(verifyInclusion(ls[3]!, 3, 6, bad, root)).toBe(false)
    expect(verifyInclusion(ls[3]!, 3, 12, proof, root)).toBe(false)
    expect(verifyInclusion(ls[3]!, 3, 4, proof, root)).toBe(false)
    expect(verifyInclusion(ls[3]!, 6, 6, proof, root)).toBe(false)
    expect(() => inclusionProof(ls, 6)).toThrow(RangeError)
  })
})
