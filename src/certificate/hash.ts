import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 as sha256Hasher } from 'multiformats/hashes/sha2'
import { canonicalJsonBytes } from '../crypto/canonical-json.ts'
import { keccak256, sha256 } from '../crypto/hash.ts'
import { BridgeError } from '../errors.ts'
import type { Certificate, CertificateBody, CertificateDraft } from '../schema/certificate.ts'

/**
 * The committed body of a certificate (DESIGN.md): everything except `validity.status` and each `attestations[i].signature`.
 * @example certificateBody(cert).validity // { issued_at, expires_at }
 */
export function certificateBody(cert: Certificate | CertificateDraft): CertificateBody {
  const { status: _status, ...validity } = cert.validity
  const attestations = cert.attestations.map(({ signature: _signature, ...rest }) => rest)
  return { ...cert, validity, attestations } as CertificateBody
}

/**
 * certHash = keccak256 of the RFC 8785 canonical JSON of the body; key order, whitespace, status and signatures do not change it.
 * @example certificateHash(cert) // '0x5c0e…'
 */
export function certificateHash(cert: Certificate | CertificateDraft): `0x${string}` {
  return keccak256(canonicalJsonBytes(certificateBody(cert)))
}

/**
 * CIDv1 (raw codec, sha2-256, base32 `bafk…`) of the exact stored bytes: the CID IPFS gives a small raw-leaf file.
 * @example certificateCid(utf8.encode('{}')) // 'bafkrei…'
 */
export function certificateCid(bytes: Uint8Array): string {
  return CID.createV1(raw.code, Digest.create(sha256Hasher.code, sha256(bytes))).toString()
}

/**
 * The certificate's URI: `ipfs://` + its CID.
 * @example certificateUri(bytes) // 'ipfs://bafkrei…'
 */
export function certificateUri(bytes: Uint8Array): string {
  return `ipfs://${certificateCid(bytes)}`
}

/**
 * Splits an `ipfs://<cid>` URI; anything else is an input error. `rawSha256` tells whether bytes can be re-hashed against it.
 * @example parseCertificateUri('ipfs://bafkrei…') // { cid: 'bafkrei…', rawSha256: true }
 */
export function parseCertificateUri(uri: string): { cid: string; rawSha256: boolean } {
  const match = /^ipfs:\/\/([^/?#]+)$/.exec(uri)
  if (!match) throw new BridgeError('URI_INVALID', `expected an ipfs://<CID> URI, got ${JSON.stringify(uri)}`)
  let cid: CID
  try {
    cid = CID.parse(match[1]!)
  } catch (cause) {
    throw new BridgeError('URI_INVALID', `not a valid CID in ${JSON.stringify(uri)}`, { cause, details: (cause as Error).message })
  }
  return { cid: cid.toString(), rawSha256: cid.version === 1 && cid.code === raw.code && cid.multihash.code === sha256Hasher.code }
}
