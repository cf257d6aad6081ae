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
  return concat([Uint8Array.from([...varint(no * 8 + 2), ...varint(value.length)]), value])
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
