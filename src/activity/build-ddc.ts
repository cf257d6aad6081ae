import type { Signer } from '../consent/build.ts'
import { ddcTypes } from './ddc-schema.ts'

/** A signer with its algorithm (DDC signatures carry the algorithm enum: ED_25519 = 0, SR_25519 = 1). */
export type DdcSigner = Signer & { algorithm?: 'ed25519' | 'sr25519' }

type Obj = Record<string, unknown>

function encode(type: keyof typeof ddcTypes, value: Obj): Uint8Array {
  const t = ddcTypes[type]
  return t.encode(t.fromObject(value)).finish()
}

function signed(type: 'ActivityRecord' | 'ActivityRequest' | 'ActivityAcknowledgment', value: Obj, signer: DdcSigner, message?: Uint8Array): Obj {
  const bytes = message ?? encode(type, value)
  return { ...value, signature: { algorithm: signer.algorithm === 'sr25519' ? 1 : 0, signer: signer.publicKey, value: signer.sign(bytes) } }
}

/**
 * Builds a signed DDC ActivityRecord with the project's schema (fixtures, tests, the benchmark): the client signs the
 * upstream request (a PUT before the piece CID is known, as the wire spec says), the node signs the ack, each
 * downstream request (parent = the upstream request) and the record.
 * @example const bytes = buildDdcRecord({ id, client, node, requestType: 'GET', bucketId: 1n, … })
 */
export function buildDdcRecord(input: {
  id: Uint8Array
  client: DdcSigner
  node: DdcSigner
  requestType: 'PUT' | 'GET' | 'DELETE'
  bucketId: bigint
  pieceCid: Uint8Array
  size: bigint
  timestampMs: bigint
  bytes: bigint
  requestId: string
  downstream?: number
}): Uint8Array {
  const ts = input.timestampMs.toString()
  const request: Obj = { requestId: input.requestId, requestType: input.requestType, bucketId: input.bucketId.toString(), size: input.size.toString(), timestamp: ts }
  const upstreamRequest =
    input.requestType === 'PUT'
      ? { ...signed('ActivityRequest', request, input.client), pieceCid: input.pieceCid }
      : signed('ActivityRequest', { ...request, pieceCid: input.pieceCid }, input.client)
  const ack = signed('ActivityAcknowledgment', { requestId: input.requestId, bytesStoredOrDelivered: input.bytes.toString(), timestamp: (input.timestampMs + 5n).toString() }, input.node)
  const downstream = Array.from({ length: input.downstream ?? 0 }, (_, i) => ({
    request: signed('ActivityRequest', { parentRequest: upstreamRequest, requestId: `${input.requestId}-d${i}`, requestType: input.requestType, contentType: 'SEGMENT', pieceCid: input.pieceCid, timestamp: ts }, input.node),
    response: { status: 'OK', peerID: input.node.publicKey },
  }))
  const record = { id: input.id, upstream: { request: upstreamRequest, ack }, downstream, timestamp: ts }
  return encode('ActivityRecord', signed('ActivityRecord', record, input.node))
}

/**
 * Wraps ActivityRecord bytes into a ChallengeResponse: one proof per group, each record a leaf (`LeafRecord`).
 * The record bytes are embedded exactly as given.
 * @example buildChallengeResponse([[recordA, recordB]])
 */
export function buildChallengeResponse(proofs: Uint8Array[][]): Uint8Array {
  const parts: Uint8Array[] = []
  for (const records of proofs) {
    const leaves = records.map((r) => lengthField(4, lengthField(1, lengthField(1, r))))
    parts.push(lengthField(1, concat([varintField(1, 1), ...leaves])))
  }
  return concat(parts)
}

/** One leaf of a proof: a record (its ActivityRecord bytes) or a link to a record held elsewhere. */
export type ProofLeaf = { record: Uint8Array } | { link: { nodeId: Uint8Array; bucketId: number; recordId: Uint8Array } }

/**
 * Builds one `Proof` message with every field of the wire spec: its Merkle tree node id, usage aggregate, path and
 * leaves (record leaves embed the ActivityRecord bytes exactly as given). Wrap proofs with `challengeResponseOf`.
 * @example challengeResponseOf([buildProof({ merkleTreeNodeId: 3, path: [hash], leaves: [{ record }] })])
 */
export function buildProof(proof: { merkleTreeNodeId?: number; usage?: { stored: number; delivered: number; puts: number; gets: number }; path?: Uint8Array[]; leaves: ProofLeaf[] }): Uint8Array {
  const parts: Uint8Array[] = []
  if (proof.merkleTreeNodeId !== undefined) parts.push(varintField(1, proof.merkleTreeNodeId))
  if (proof.usage) {
    const u = proof.usage
    parts.push(lengthField(2, concat([varintField(1, u.stored), varintField(2, u.delivered), varintField(3, u.puts), varintField(4, u.gets)])))
  }
  for (const p of proof.path ?? []) parts.push(lengthField(3, p))
  for (const leaf of proof.leaves) {
    if ('record' in leaf) parts.push(recordLeaf(leaf.record))
    else parts.push(lengthField(4, lengthField(2, lengthField(1, concat([lengthField(1, leaf.link.nodeId), varintField(2, leaf.link.bucketId), lengthField(3, leaf.link.recordId)])))))
  }
  return concat(parts)
}

/**
 * A ChallengeResponse of the given Proof messages (see `buildProof`).
 * @example challengeResponseOf([proofA, proofB])
 */
export function challengeResponseOf(proofs: Uint8Array[]): Uint8Array {
  return concat(proofs.map((p) => lengthField(1, p)))
}

/**
 * One `Proof.leaves` entry holding a record (Leaf.record → LeafRecord.record), the record bytes embedded as given:
 * what a proof's value is made of, leaf after leaf (a generator can stream them).
 * @example Buffer.concat(records.map(recordLeaf)) // a proof's leaves
 */
export function recordLeaf(record: Uint8Array): Uint8Array {
  return lengthField(4, lengthField(1, lengthField(1, record)))
}

/**
 * The tag and length of a length-delimited field `no` whose value is `length` bytes (the value follows it).
 * @example lengthPrefix(1, proofBytes) // a ChallengeResponse.proofs header
 */
export function lengthPrefix(no: number, length: number): Uint8Array {
  return Uint8Array.from([...varint(no * 8 + 2), ...varint(length)])
}

function varint(n: number): number[] {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

function varintField(no: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(no * 8), ...varint(value)])
}

function lengthField(no: number, value: Uint8Array): Uint8Array {
  return concat([lengthPrefix(no, value.length), value])
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
