import { sr25519KeypairFromSeed, sr25519Sign, sr25519Verify as wasmVerify, waitReady } from '@polkadot/wasm-crypto'

let ready: Promise<boolean> | undefined

/**
 * Loads the schnorrkel WebAssembly (Substrate's sr25519). Call once before `sr25519Verify`.
 * @example await sr25519Ready(); sr25519Verify(sig, msg, pub)
 */
export function sr25519Ready(): Promise<boolean> {
  ready ??= waitReady()
  return ready
}

/**
 * sr25519 (Schnorrkel, Substrate signing context) over raw message bytes; false for malformed input.
 * @example await sr25519Ready(); sr25519Verify(signature64, message, publicKey32)
 */
export function sr25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  try {
    return wasmVerify(signature, message, publicKey)
  } catch {
    return false
  }
}

export type Sr25519Keypair = { publicKey: Uint8Array; sign(message: Uint8Array): Uint8Array }

/** An sr25519 keypair from a 32-byte seed; needs `await sr25519Ready()` first. */
export function sr25519FromSeed(seed: Uint8Array): Sr25519Keypair {
  const pair = sr25519KeypairFromSeed(seed)
  const secretKey = pair.slice(0, 64)
  const publicKey = pair.slice(64, 96)
  return { publicKey, sign: (message) => sr25519Sign(publicKey, secretKey, message) }
}
