import { bytesToBase64Url, bytesToHex, utf8 } from '../crypto/bytes.ts'
import { blake2b256 } from '../crypto/hash.ts'
import { merkleRoot } from '../crypto/merkle.ts'
import type { Signer } from '../consent/build.ts'
import type { ScpEnvelope, ScpPayload, ScpRole } from '../schema/evidence-scp.ts'
import type { Batch } from '../schema/evidence-trail.ts'

/**
 * Builds and signs an SCP agent record envelope: the payload is serialised once and every role signs those bytes.
 * @example buildScpRecord(payload, { 'agent-derived-key': agent, orchestrator, 'agent-runtime': runtime })
 */
export function buildScpRecord(
  payload: ScpPayload,
  signers: Partial<Record<ScpRole, Signer & { algorithm?: 'ed25519' | 'sr25519' }>>,
): ScpEnvelope {
  const bytes = utf8.encode(JSON.stringify(payload))
  const signatures = Object.entries(signers).map(([role, signer]) => ({
    role,
    algorithm: signer!.algorithm ?? 'ed25519',
    signer: bytesToHex(signer!.publicKey),
    value: bytesToHex(signer!.sign(bytes)),
  }))
  return { payload: bytesToBase64Url(bytes), signatures }
}

/** The `blake2:<hex>` result hash of a result's bytes. @example resultHash(utf8.encode('answer')) */
export function resultHash(result: Uint8Array): string {
  return `blake2:${bytesToHex(blake2b256(result)).slice(2)}`
}

/**
 * Builds a batch: the RFC 9162 blake2b-256 root over the records' signed bytes in the given order
 * (SCP: the payload bytes; DDC: the ActivityRecord bytes as received).
 * @example buildBatch('dragon-1', 412, [{ recordId: 'dac-1', bytes: payloadBytes }])
 */
export function buildBatch(cluster: string, era: number, records: Array<{ recordId: string; bytes: Uint8Array }>): Batch {
  return { type: 'batch', cluster, era, root: bytesToHex(merkleRoot(records.map((r) => r.bytes))), records: records.map((r) => r.recordId) }
}
