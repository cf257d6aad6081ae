import protobuf from 'protobufjs'
import { BridgeError } from '../errors.ts'

/** One field as it sits on the wire: its tag, and where its whole encoding and its value start and end. */
export type WireField = {
  /** field number */
  no: number
  /** wire type (0 varint, 1 i64, 2 length-delimited, 5 i32) */
  wireType: number
  /** offset of the tag (relative to the scanned buffer) */
  start: number
  /** offset after the field's last byte */
  end: number
  /** for length-delimited fields: the value's bytes start here (after the length); otherwise = start of the value */
  valueStart: number
}

/** Where scanned bytes came from, for error messages: the file and the offset of the buffer's first byte in it. */
export type WireOrigin = { file?: string; base?: number; what?: string }

/**
 * Lists the top-level fields of one protobuf message with their byte spans, using protobufjs's Reader.
 * Truncated or garbage input is a BridgeError naming the byte offset (in the file) and what was being read.
 * @example scanFields(bytes, { file: 'cr.pb', what: 'ChallengeResponse' }) // [{ no: 1, wireType: 2, start: 0, end: 2564, valueStart: 3 }]
 */
export function scanFields(bytes: Uint8Array, origin: WireOrigin = {}): WireField[] {
  const reader = protobuf.Reader.create(bytes)
  const fields: WireField[] = []
  const base = origin.base ?? 0
  while (reader.pos < reader.len) {
    const start = reader.pos
    let tag: number
    try {
      tag = reader.uint32()
    } catch (cause) {
      throw wireError(`truncated field tag`, base + start, origin, cause)
    }
    const no = tag >>> 3
    const wireType = tag & 7
    if (no === 0) throw wireError(`invalid field number 0 (tag byte 0x${tag.toString(16)})`, base + start, origin)
    let valueStart = reader.pos
    try {
      if (wireType === 2) {
        const length = reader.uint32()
        valueStart = reader.pos
        if (valueStart + length > reader.len) {
          throw wireError(`field ${no} declares ${length} bytes but only ${reader.len - valueStart} remain (truncated)`, base + start, origin)
        }
        reader.pos = valueStart + length
      } else if (wireType === 0 || wireType === 1 || wireType === 5) {
        reader.skipType(wireType)
      } else {
        throw wireError(`field ${no} has unsupported wire type ${wireType} (garbage or not this message)`, base + start, origin)
      }
    } catch (cause) {
      if (cause instanceof BridgeError) throw cause
      throw wireError(`field ${no} (wire type ${wireType}) is truncated`, base + start, origin, cause)
    }
    fields.push({ no, wireType, start, end: reader.pos, valueStart })
  }
  return fields
}

/** The value bytes of a length-delimited field. */
export function fieldValue(bytes: Uint8Array, field: WireField): Uint8Array {
  return bytes.subarray(field.valueStart, field.end)
}

/**
 * The message's own bytes with some fields cut out, everything else exactly as received (order, unknown fields).
 * This is how signed bytes are formed: the encoding with the `signature` field cleared.
 * @example withoutFields(requestBytes, fields, [10]) // request bytes minus its signature
 */
export function withoutFields(bytes: Uint8Array, fields: WireField[], drop: number[]): Uint8Array {
  const kept = fields.filter((f) => !drop.includes(f.no))
  if (kept.length === fields.length) return bytes
  let size = 0
  for (const f of kept) size += f.end - f.start
  const out = new Uint8Array(size)
  let at = 0
  for (const f of kept) {
    out.set(bytes.subarray(f.start, f.end), at)
    at += f.end - f.start
  }
  return out
}

function wireError(message: string, offset: number, origin: WireOrigin, cause?: unknown): BridgeError {
  return new BridgeError('PROTOBUF_MALFORMED', origin.what ? `${origin.what}: ${message}` : message, {
    ...(origin.file !== undefined ? { file: origin.file } : {}),
    offset,
    ...(cause !== undefined ? { cause, details: (cause as Error).message } : {}),
  })
}
