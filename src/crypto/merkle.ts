import { bytesEqual } from './bytes.ts'
import { blake2b256 } from './hash.ts'

/**
 * RFC 9162 (Certificate Transparency v2) Merkle trees with H = blake2b-256:
 * leaf = H(0x00 ‖ leaf bytes), node = H(0x01 ‖ left ‖ right), split at the largest power of two below n,
 * empty tree = H(""). Roots, inclusion proofs (RFC 9162 §2.1.3) and their verification.
 * @example merkleRoot([utf8.encode('a'), utf8.encode('b')])
 */
export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  const input = new Uint8Array(leaf.length + 1)
  input.set(leaf, 1)
  return blake2b256(input)
}

/** H(0x01 ‖ left ‖ right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(65)
  input[0] = 1
  input.set(left, 1)
  input.set(right, 33)
  return blake2b256(input)
}

/** The root over leaf bytes. @example merkleRoot([]) // blake2b256(empty) */
export function merkleRoot(leaves: Uint8Array[]): Uint8Array {
  return merkleRootFromLeafHashes(leaves.map(merkleLeafHash))
}

/** The root over already-hashed leaves (H(0x00 ‖ leaf) each), for streamed trails that keep only leaf hashes. */
export function merkleRootFromLeafHashes(hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return blake2b256(new Uint8Array())
  return subtreeRoot(hashes, 0, hashes.length)
}

function subtreeRoot(hashes: Uint8Array[], from: number, to: number): Uint8Array {
  const n = to - from
  if (n === 1) return hashes[from]!
  const k = splitPoint(n)
  return merkleNodeHash(subtreeRoot(hashes, from, from + k), subtreeRoot(hashes, from + k, to))
}

/** The largest power of two strictly less than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/**
 * The inclusion proof (audit path) of leaf `index`: sibling hashes from the leaf up to the root (RFC 9162 §2.1.3.1).
 * @example inclusionProof(leaves, 2) // [Uint8Array(32), …]
 */
export function inclusionProof(leaves: Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw new RangeError(`leaf index ${index} is outside a tree of ${leaves.length} leaves`)
  const hashes = leaves.map(merkleLeafHash)
  const path: Uint8Array[] = []
  let from = 0
  let to = hashes.length
  let m = index
  const stack: Uint8Array[] = []
  while (to - from > 1) {
    const k = splitPoint(to - from)
    if (m < k) {
      stack.push(subtreeRoot(hashes, from + k, to))
      to = from + k
    } else {
      stack.push(subtreeRoot(hashes, from, from + k))
      from = from + k
      m -= k
    }
  }
  for (let i = stack.length - 1; i >= 0; i--) path.push(stack[i]!)
  return path
}

/**
 * Checks an inclusion proof of `leaf` (its bytes) at `index` in a tree of `size` leaves against `root` (RFC 9162 §2.1.3.2).
 * @example verifyInclusion(leaf, 2, 5, proof, root) // true
 */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false
  let fn = index
  let sn = size - 1
  let r = merkleLeafHash(leaf)
  for (const p of proof) {
    if (sn === 0) return false
    if ((fn & 1) === 1 || fn === sn) {
      r = merkleNodeHash(p, r)
      if ((fn & 1) === 0) {
        while ((fn & 1) === 0 && fn !== 0) {
          fn >>>= 1
          sn >>>= 1
        }
      }
    } else {
      r = merkleNodeHash(r, p)
    }
    fn >>>= 1
    sn >>>= 1
  }
  return sn === 0 && bytesEqual(r, root)
}
