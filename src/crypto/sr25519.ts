import { BridgeError } from '../errors.ts'

type WasmCrypto = typeof import('@polkadot/wasm-crypto')

/** @polkadot/wasm-crypto once loaded: imported by `sr25519Ready` only, so importing the core never loads it. */
let wasm: WasmCrypto | undefined
let ready: Promise<boolean> | undefined

/**
 * Loads the schnorrkel WebAssembly (Substrate's sr25519). Call once before `sr25519Verify`.
 * @example await sr25519Ready(); sr25519Verify(sig, msg, pub)
 */
export function sr25519Ready(): Promise<boolean> {
  ready ??= import('@polkadot/wasm-crypto').then(async (module) => {
    const ok = await module.waitReady()
    wasm = module
    return ok
  })
  return ready
}

/**
 * sr25519 (Schnorrkel, Substrate signing context) over raw message bytes; false for malformed input. Before
 * `sr25519Ready()` has resolved it throws SR25519_NOT_READY rather than call a good signature bad.
 * @example await sr25519Ready(); sr25519Verify(signature64, message, publicKey32)
 */
export function sr25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  if (!wasm) throw new BridgeError('SR25519_NOT_READY', 'sr25519 verification needs `await sr25519Ready()` first', { kind: 'internal' })
  try {
    return wasm.sr25519Verify(signature, message, publicKey)
  } catch {
    return false
  }
}

export type Sr25519Keypair = { publicKey: Uint8Array; sign(message: Uint8Array): Uint8Array }

/** An sr25519 keypair from a 32-byte seed; needs `await sr25519Ready()` first. */
export function sr25519FromSeed(seed: Uint8Array): Sr25519Keypair {
  if (!wasm) throw new Error('sr25519FromSeed needs `await sr25519Ready()` first')
  const { sr25519KeypairFromSeed, sr25519Sign } = wasm
  const pair = sr25519KeypairFromSeed(seed)
  const secretKey = pair.slice(0, 64)
  const publicKey = pair.slice(64, 96)
  return { publicKey, sign: (message) => sr25519Sign(publicKey, secretKey, message) }
}
