import { BridgeError } from '../errors.ts'
import { bytesEqual, bytesToHex, hexToBytes } from '../crypto/bytes.ts'
import { blake2b256 } from '../crypto/hash.ts'
import { publicKeyFromText, toCereAddress } from '../crypto/ss58.ts'
import { GrantPayloadSchema, GrantSignatureSchema, type GrantVerification } from '../schema/evidence-grant.ts'
import { zodIssues } from '../schema/zod-issues.ts'
import { signatureProblem, verifySignature } from '../activity/signature.ts'
import { signedGrantBytes, type GrantSource } from './grant-bytes.ts'
import { grantStatus } from './status.ts'

export type { GrantSource } from './grant-bytes.ts'

/**
 * The id of a grant: `0x` + hex blake2b-256 of the exact signed payload bytes.
 * @example grantHash(payloadBytes) // '0x5c1e…'
 */
export function grantHash(payloadBytes: Uint8Array): `0x${string}` {
  return bytesToHex(blake2b256(payloadBytes))
}

/**
 * Verifies a GAR grant: the signature over the exact payload bytes received, by the grant's own `user_pub_key`,
 * and its status at `now`. Unreadable input (not JSON, bad base64/hex, wrong SS58 network, schema) throws a
 * BridgeError naming the file and JSON path; a bad signature is `signatureValid: false` with reasons.
 * @example const v = verifyGrant({ text, file: 'grant.json' }, new Date()); v.signatureValid && v.status === 'active'
 */
export function verifyGrant(source: GrantSource, now: Date): GrantVerification {
  const where = source.file !== undefined ? { file: source.file } : {}
  const base = source.path ?? '$'
  const signed = signedGrantBytes(source)
  const payloadPath = signed.form === 'envelope' ? `${base}.payload(decoded)` : base
  const parsed = GrantPayloadSchema.safeParse(signed.payload)
  if (!parsed.success) {
    const issue = zodIssues(parsed.error)[0]!
    throw new BridgeError('GRANT_PAYLOAD_INVALID', `grant payload: ${issue.message}`, { ...where, path: payloadPath + issue.path.slice(1) })
  }
  const sig = GrantSignatureSchema.safeParse(signed.signature)
  if (!sig.success) {
    const issue = zodIssues(sig.error)[0]!
    throw new BridgeError('GRANT_SIGNATURE_INVALID', `grant signature: ${issue.message}`, { ...where, path: `${base}.signature${issue.path.slice(1)}` })
  }
  const grant = parsed.data
  const signature = sig.data
  const signer = publicKeyFromText(signature.signer, { ...where, path: `${base}.signature.signer` })
  const user = publicKeyFromText(grant.user_pub_key, { ...where, path: `${payloadPath}.user_pub_key` })
  publicKeyFromText(grant.agent_service_pub_key, { ...where, path: `${payloadPath}.agent_service_pub_key` })
  const value = hexToBytes(signature.value, { ...where, path: `${base}.signature.value` })
  const reasons: string[] = []
  const algorithm = signature.algorithm.toLowerCase()
  const problem = signatureProblem(algorithm, signer, value)
  if (problem) reasons.push(`signature: ${problem}`)
  if (!bytesEqual(signer, user)) reasons.push('signature.signer is not the grant\'s user_pub_key (only the user\'s wallet may sign a grant)')
  if (!problem && !verifySignature(algorithm, value, signed.payloadBytes, signer)) {
    reasons.push(`${algorithm} signature does not verify over the ${signed.form === 'envelope' ? 'base64url-decoded payload bytes' : 'grant text without its signature member'}`)
  }
  const signatureValid = reasons.length === 0
  const status = grantStatus(grant, now)
  if (status !== 'active') reasons.push(`grant is ${status} at ${now.toISOString()}`)
  return {
    form: signed.form,
    signatureValid,
    status,
    signer: bytesToHex(signer),
    signerAddress: toCereAddress(signer),
    scopes: grant.metadata.scopes.map((s) => s.context),
    grant,
    hash: grantHash(signed.payloadBytes),
    reasons,
  }
}
