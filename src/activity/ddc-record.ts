import { BridgeError } from '../errors.ts'
import { bytesToHex } from '../crypto/bytes.ts'
import { ddcTypes } from './ddc-schema.ts'
import { fieldValue, scanFields, withoutFields, type WireField } from './ddc-wire.ts'
import { signatureProblem, type SignatureCheck } from './signature.ts'

/** Field numbers of the signed DDC messages (spec/ddc-activity-wire.md). */
const RECORD = { id: 1, upstream: 2, downstream: 3, timestamp: 4, signature: 5, authToken: 6 } as const
const FULFILLMENT = { request: 1, ack: 2, response: 3 } as const
const REQUEST = { parentRequest: 1, requestType: 3, pieceCid: 6, signature: 10 } as const
const ACK = { signature: 4 } as const

const REQUEST_TYPES = ['PUT', 'GET', 'DELETE'] as const

/**
 * A decoded DDC ActivityRecord: its id, the exact bytes received (the Merkle leaf), what it did,
 * and every signature in it (record, request chains with their parents, acks) with the exact bytes each one signs.
 * The auth token is carried but not verified: the wire spec does not define what its signature covers.
 * @example const record = decodeActivityRecord(bytes, { file: 'a.pb' }); record.checks.length // 7
 */
export type DdcRecord = {
  kind: 'ddc'
  /** 0x-hex of the record id */
  recordId: string
  /** the ActivityRecord bytes exactly as received */
  bytes: Uint8Array
  file?: string
  /** offset of the record's first byte in the file */
  offset: number
  /** record time, ms since the epoch */
  timestampMs: bigint
  /** the node that signed the record (0x-hex public key), if present */
  node?: string
  bucketId: bigint
  requestType: string
  /** bytes stored or delivered according to the upstream acknowledgment */
  bytesTransferred: bigint
  checks: SignatureCheck[]
}

type Origin = { file?: string; base: number }

/**
 * Decodes one ActivityRecord (its bytes as received) and lists its signatures with their signed bytes.
 * Truncated or garbage bytes throw a BridgeError with the file and byte offset.
 * @example decodeActivityRecord(bytes, { file: 'record.pb', base: 0 })
 */
export function decodeActivityRecord(bytes: Uint8Array, origin: { file?: string; base?: number } = {}): DdcRecord {
  const o: Origin = { ...origin, base: origin.base ?? 0 }
  const fields = scanFields(bytes, { ...o, what: 'ActivityRecord' })
  const checks: SignatureCheck[] = []
  let decoded: any
  try {
    decoded = ddcTypes.ActivityRecord.decode(bytes)
  } catch (cause) {
    throw new BridgeError('PROTOBUF_MALFORMED', `ActivityRecord does not decode: ${(cause as Error).message}`, { ...fileOf(o), offset: o.base, cause })
  }
  const idField = fields.find((f) => f.no === RECORD.id && f.wireType === 2)
  const recordId = idField ? bytesToHex(fieldValue(bytes, idField)) : '0x'
  checks.push(signatureCheck('signature', bytes, fields, RECORD.signature, o, [RECORD.signature]))
  for (const f of fields) {
    if (f.wireType !== 2) continue
    if (f.no === RECORD.upstream) fulfillmentChecks('upstream', bytes, f, o, checks)
    else if (f.no === RECORD.downstream) fulfillmentChecks(`downstream[${countBefore(fields, f)}]`, bytes, f, o, checks)
  }
  const upstreamRequest = decoded.upstream?.request
  const sigSigner: Uint8Array | undefined = decoded.signature?.signer
  return {
    kind: 'ddc',
    recordId,
    bytes,
    ...fileOf(o),
    offset: o.base,
    timestampMs: uint64(decoded.timestamp),
    ...(sigSigner && sigSigner.length ? { node: bytesToHex(sigSigner) } : {}),
    bucketId: uint64(upstreamRequest?.bucketId),
    requestType: REQUEST_TYPES[upstreamRequest?.requestType ?? 0] ?? `UNKNOWN(${upstreamRequest?.requestType})`,
    bytesTransferred: uint64(decoded.upstream?.ack?.bytesStoredOrDelivered),
    checks,
  }
}

/** A protobufjs uint64 (a Long, or a number) as a bigint; absent = 0. */
function uint64(value: unknown): bigint {
  return value === undefined || value === null ? 0n : BigInt(String(value))
}

function fileOf(o: Origin): { file?: string } {
  return o.file !== undefined ? { file: o.file } : {}
}

function countBefore(fields: WireField[], field: WireField): number {
  return fields.filter((f) => f.no === field.no && f.start < field.start).length
}

function sub(bytes: Uint8Array, field: WireField, o: Origin): { bytes: Uint8Array; o: Origin } {
  return { bytes: fieldValue(bytes, field), o: { ...o, base: o.base + field.valueStart } }
}

function fulfillmentChecks(path: string, parent: Uint8Array, field: WireField, po: Origin, checks: SignatureCheck[]): void {
  const { bytes, o } = sub(parent, field, po)
  const fields = scanFields(bytes, { ...o, what: `ActivityFulfillment ${path}` })
  for (const f of fields) {
    if (f.wireType !== 2) continue
    if (f.no === FULFILLMENT.request) requestChecks(`${path}.request`, bytes, f, o, checks)
    else if (f.no === FULFILLMENT.ack) {
      const ack = sub(bytes, f, o)
      const ackFields = scanFields(ack.bytes, { ...ack.o, what: `ActivityAcknowledgment ${path}.ack` })
      checks.push(signatureCheck(`${path}.ack.signature`, ack.bytes, ackFields, ACK.signature, ack.o, [ACK.signature]))
    }
  }
}

function requestChecks(path: string, parent: Uint8Array, field: WireField, po: Origin, checks: SignatureCheck[]): void {
  const { bytes, o } = sub(parent, field, po)
  const fields = scanFields(bytes, { ...o, what: `ActivityRequest ${path}` })
  const check = signatureCheck(`${path}.signature`, bytes, fields, REQUEST.signature, o, [REQUEST.signature])
  // PUT rule: the client signs before the node knows the piece CID (requestType absent = PUT, the proto3 default).
  const typeField = fields.find((f) => f.no === REQUEST.requestType && f.wireType === 0)
  const isPut = !typeField || bytes[typeField.valueStart] === 0
  if (isPut && fields.some((f) => f.no === REQUEST.pieceCid)) {
    check.altMessage = withoutFields(bytes, fields, [REQUEST.signature, REQUEST.pieceCid])
  }
  checks.push(check)
  const parentField = fields.find((f) => f.no === REQUEST.parentRequest && f.wireType === 2)
  if (parentField) requestChecks(`${path}.parentRequest`, bytes, parentField, o, checks)
}

/** The check of one message's `signature` field: signed bytes = the message without the dropped fields. */
function signatureCheck(path: string, bytes: Uint8Array, fields: WireField[], signatureNo: number, o: Origin, drop: number[]): SignatureCheck {
  const message = withoutFields(bytes, fields, drop)
  const sigFields = fields.filter((f) => f.no === signatureNo)
  const sigField = sigFields[sigFields.length - 1]
  const empty = new Uint8Array()
  if (!sigField) return { path, algorithm: 'ed25519', signer: empty, value: empty, message, problem: 'signature missing' }
  if (sigField.wireType !== 2) return { path, algorithm: 'ed25519', signer: empty, value: empty, message, problem: `signature field has wire type ${sigField.wireType}, expected a message` }
  const s = sub(bytes, sigField, o)
  scanFields(s.bytes, { ...s.o, what: `Signature ${path}` })
  let sig: any
  try {
    sig = ddcTypes.Signature.decode(s.bytes)
  } catch (cause) {
    throw new BridgeError('PROTOBUF_MALFORMED', `Signature ${path} does not decode: ${(cause as Error).message}`, { ...fileOf(o), offset: s.o.base, cause })
  }
  const code = Number(sig.algorithm ?? 0)
  const algorithm = code === 0 ? 'ed25519' : code === 1 ? 'sr25519' : `enum ${code}`
  const signer: Uint8Array = sig.signer ?? empty
  const value: Uint8Array = sig.value ?? empty
  const problem = signatureProblem(algorithm, signer, value)
  return { path, algorithm, signer, value, message, ...(problem ? { problem: `${problem} (byte ${s.o.base})` } : {}) }
}
