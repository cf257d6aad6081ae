import { bytesToBase64Url, bytesToHex, utf8 } from '../crypto/bytes.ts'
import type { GrantEnvelope, GrantPayload } from '../schema/evidence-grant.ts'

/** Anything that signs raw bytes with a 32-byte public key (ed25519FromSeed, sr25519FromSeed). */
export type Signer = { publicKey: Uint8Array; sign(message: Uint8Array): Uint8Array }

/**
 * Builds and signs a GAR grant envelope: the payload is serialised once (JSON.stringify), signed as those exact
 * bytes by the user's wallet key, and carried base64url-encoded.
 * @example buildGrantEnvelope(payload, user) // { payload: 'eyJ…', signature: { algorithm: 'ed25519', signer: '0x…', value: '0x…' } }
 */
export function buildGrantEnvelope(payload: GrantPayload, user: Signer, algorithm: 'ed25519' | 'sr25519' = 'ed25519'): GrantEnvelope {
  const bytes = utf8.encode(JSON.stringify(payload))
  return {
    payload: bytesToBase64Url(bytes),
    signature: { algorithm, signer: bytesToHex(user.publicKey), value: bytesToHex(user.sign(bytes)) },
  }
}

/**
 * Builds the expanded form of seed 000 as text: the payload pretty-printed with 2 spaces and `"signature"` as the
 * last member; the signed bytes are exactly that text without the signature member (= JSON.stringify(payload, null, 2)).
 * @example const text = buildExpandedGrant(payload, user); verifyGrant({ text }, now).signatureValid // true
 */
export function buildExpandedGrant(payload: GrantPayload, user: Signer, algorithm: 'ed25519' | 'sr25519' = 'ed25519', signerText?: string): string {
  const signedText = JSON.stringify(payload, null, 2)
  const signature = { algorithm, signer: signerText ?? bytesToHex(user.publicKey), value: bytesToHex(user.sign(utf8.encode(signedText))) }
  return `${JSON.stringify({ ...payload, signature }, null, 2)}\n`
}
