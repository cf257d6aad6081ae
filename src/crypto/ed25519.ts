import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto'

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

const KEY_CACHE_SIZE = 4096
const keyCache = new Map<string, KeyObject | null>()

/**
 * ed25519 verification over raw message bytes with Node's native implementation (no pre-hash).
 * Returns false, never throws, for a key or signature of the wrong length or a point off the curve. Public KeyObjects
 * are cached per thread (trails repeat the same few node and client keys; building one costs a third of a verification).
 * @example ed25519Verify(signature64, message, publicKey32) // true
 */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, 32).toString('latin1')
  let key = keyCache.get(id)
  if (key === undefined) {
    try {
      key = ed25519PublicKeyObject(publicKey)
    } catch {
      key = null
    }
    if (keyCache.size >= KEY_CACHE_SIZE) keyCache.clear()
    keyCache.set(id, key)
  }
  if (key === null) return false
  try {
    return nodeVerify(null, message, key, signature)
  } catch {
    return false
  }
}

/** A Node KeyObject for a raw 32-byte ed25519 public key (cache it when verifying many signatures by one key). */
export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
}

export type Ed25519Keypair = { publicKey: Uint8Array; sign(message: Uint8Array): Uint8Array }

/**
 * An ed25519 keypair from a 32-byte seed (deterministic: fixtures and the demo derive keys from fixed seeds).
 * @example const alice = ed25519FromSeed(seed); ed25519Verify(alice.sign(msg), msg, alice.publicKey)
 */
export function ed25519FromSeed(seed: Uint8Array): Ed25519Keypair {
  if (seed.length !== 32) throw new RangeError(`an ed25519 seed is 32 bytes, got ${seed.length}`)
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' })
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32))
  return { publicKey, sign: (message) => new Uint8Array(nodeSign(null, message, privateKey)) }
}
