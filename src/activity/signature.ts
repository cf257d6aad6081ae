import { ed25519Verify } from '../crypto/ed25519.ts'
import { sr25519Verify } from '../crypto/sr25519.ts'

/** The signature algorithms Cere uses. */
export type SignatureAlgorithm = 'ed25519' | 'sr25519'

/**
 * One signature to check: who signed which exact bytes. `altMessage` is a second accepted message
 * (the PUT piece-CID rule); `problem` marks a signature that is malformed before any crypto runs.
 * @example { path: 'signature', algorithm: 'ed25519', signer, value, message }
 */
export type SignatureCheck = {
  /** where the signature sits, e.g. `upstream.request.signature` or `signatures[1] (orchestrator)` */
  path: string
  algorithm: string
  signer: Uint8Array
  value: Uint8Array
  message: Uint8Array
  altMessage?: Uint8Array
  problem?: string
}

/**
 * Verifies one signature with the named algorithm over raw bytes (no pre-hash); false for anything malformed.
 * sr25519 needs `await sr25519Ready()` once before.
 * @example verifySignature('ed25519', sig, msg, pub) // true
 */
export function verifySignature(algorithm: string, signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (algorithm === 'ed25519') return ed25519Verify(signature, message, publicKey)
  if (algorithm === 'sr25519') return sr25519Verify(signature, message, publicKey)
  return false
}

/** Why a signature is malformed (wrong lengths, unknown algorithm), or undefined when it is well formed. */
export function signatureProblem(algorithm: string, signer: Uint8Array, value: Uint8Array): string | undefined {
  if (algorithm !== 'ed25519' && algorithm !== 'sr25519') return `unknown signature algorithm ${JSON.stringify(algorithm)} (expected ed25519 or sr25519)`
  if (signer.length !== 32) return `signer public key is ${signer.length} bytes, expected 32`
  if (value.length !== 64) return `signature is ${value.length} bytes, expected 64`
  return undefined
}

/**
 * Runs one check: a malformed signature fails with its problem; otherwise the message (then the alternative) is verified.
 * @example runCheck(check, verifySignature) // { valid: true }
 */
export function runCheck(check: SignatureCheck, verify: typeof verifySignature = verifySignature): { valid: boolean; reason?: string } {
  if (check.problem) return { valid: false, reason: `${check.path}: ${check.problem}` }
  if (verify(check.algorithm, check.value, check.message, check.signer)) return { valid: true }
  if (check.altMessage && verify(check.algorithm, check.value, check.altMessage, check.signer)) return { valid: true }
  return { valid: false, reason: `${check.path}: ${check.algorithm} signature does not verify` }
}
