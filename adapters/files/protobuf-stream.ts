import type { FileHandle } from 'node:fs/promises'
import { BridgeError } from '../../src/errors.ts'
import { openForReading } from './unreadable.ts'

/** One top-level protobuf field read from a file: its number, wire type, offsets in the file, and value bytes (LEN fields). */
export type StreamedField = { no: number; wireType: number; offset: number; valueOffset: number; value: Uint8Array }

/** Where one field sits in a file: its tag's offset, its value's first byte and the offset after its last byte. */
export type FieldHeader = { no: number; wireType: number; offset: number; valueOffset: number; end: number }

const READ_AHEAD = 1 << 20

/**
 * A protobuf file read by absolute offsets through one sliding window (1 MiB reads): field headers are parsed without
 * reading the values they declare, so a message of any size is walked, or cut into parts, in flat memory. The window
 * keeps the bytes from a `keep` offset on, so a run of consecutive fields can be taken as one copy.
 * @example const pb = await ProtobufFile.open('cr.pb'); const h = await pb.header(0, pb.size); await pb.close()
 */
export class ProtobufFile {
  private buf = new Uint8Array(0)
  private base = 0

  private constructor(
    private readonly handle: FileHandle,
    /** the file's path, as errors name it */
    readonly file: string,
    /** the file's size in bytes */
    readonly size: number,
  ) {}

  /** Opens a file; an unreadable one is `unreadableError` naming it. */
  static async open(file: string): Promise<ProtobufFile> {
    const handle = await openForReading(file)
    try {
      return new ProtobufFile(handle, file, (await handle.stat()).size)
    } catch (cause) {
      await handle.close()
      throw cause
    }
  }

  async close(): Promise<void> {
    await this.handle.close()
  }

  /**
   * The header of the field whose tag is at `at`; the field must end by `limit`. `what` names the enclosing message
   * (errors then read as the message decoder words them: `Proof: field 4 declares … but only … remain`); without it the
   * field is at the file's top level (`the file ends after …`). The window keeps the bytes from `keep` on.
   */
  async header(at: number, limit: number, what?: string, keep = at): Promise<FieldHeader> {
    await this.window(at, Math.min(limit, at + 24), keep)
    const end = Math.min(limit, this.base + this.buf.length) - this.base
    const fail = (top: string, nested: string) => new BridgeError('PROTOBUF_MALFORMED', what ? `${what}: ${nested}` : top, { file: this.file, offset: at })
    const tag = readVarint(this.buf, at - this.base, end)
    if (!tag) throw fail('truncated field tag', 'truncated field tag')
    const no = Math.floor(tag.value / 8)
    const wireType = tag.value % 8
    if (no === 0) throw fail('invalid field number 0 (garbage, not protobuf)', `invalid field number 0 (tag byte 0x${tag.value.toString(16)})`)
    const after = this.base + tag.next
    if (wireType === 2) {
      const length = readVarint(this.buf, tag.next, end)
      if (!length) throw fail(`truncated field ${no} length`, `field ${no} (wire type 2) is truncated`)
      const valueOffset = this.base + length.next
      if (valueOffset + length.value > limit) {
        throw fail(`field ${no} declares ${length.value} bytes but the file ends after ${limit - valueOffset} (truncated)`, `field ${no} declares ${length.value} bytes but only ${limit - valueOffset} remain (truncated)`)
      }
      return { no, wireType, offset: at, valueOffset, end: valueOffset + length.value }
    }
    if (wireType === 0) {
      const value = readVarint(this.buf, tag.next, end)
      if (!value) throw fail(`truncated field ${no} varint`, `field ${no} (wire type 0) is truncated`)
      return { no, wireType, offset: at, valueOffset: after, end: this.base + value.next }
    }
    if (wireType === 1 || wireType === 5) {
      const size = wireType === 1 ? 8 : 4
      if (after + size > limit) throw fail(`truncated field ${no} fixed value`, `field ${no} (wire type ${wireType}) is truncated`)
      return { no, wireType, offset: at, valueOffset: after, end: after + size }
    }
    throw fail(`field ${no} has unsupported wire type ${wireType} (garbage, not protobuf)`, `field ${no} has unsupported wire type ${wireType} (garbage or not this message)`)
  }

  /**
   * Walks the length-delimited fields in [from, to), each ending by `limit`, without building an object per field
   * (planning a large file touches millions): `visit(no, offset, valueOffset, end)` for each, `false` stops the walk
   * at that field; a value of up to 1 MiB is in the window when it is visited (`countFields` can look into it).
   * Returns where it stopped: `to`, the field `visit` stopped at, or a field it leaves to `header` (another wire type,
   * the last bytes of the file, anything malformed: `header` reads it or throws its error).
   */
  async walk(from: number, to: number, limit: number, visit: (no: number, offset: number, valueOffset: number, end: number) => boolean | void): Promise<number> {
    let at = from
    let need = at + 24
    while (at < to) {
      await this.window(at, need, at)
      need = at + 24
      const buf = this.buf
      const held = this.base + buf.length
      if (at + 24 > held) return at
      // as many fields as the window holds whole headers (and, for values up to 1 MiB, whole values) of
      while (at < to && at + 24 <= held) {
        let i = at - this.base
        let tag = 0
        let scale = 1
        let b = 0x80
        for (let k = 0; k < 10 && b >= 0x80; k++) {
          b = buf[i++]!
          tag += (b & 0x7f) * scale
          scale *= 128
        }
        const no = Math.floor(tag / 8)
        if (b >= 0x80 || no === 0 || tag % 8 !== 2) return at
        let length = 0
        scale = 1
        b = 0x80
        for (let k = 0; k < 10 && b >= 0x80; k++) {
          b = buf[i++]!
          length += (b & 0x7f) * scale
          scale *= 128
        }
        const valueOffset = this.base + i
        const end = valueOffset + length
        if (b >= 0x80 || end > limit) return at
        if (end > held && end - at <= READ_AHEAD) {
          need = end // read this field's value whole into the window before visiting it
          break
        }
        if (visit(no, at, valueOffset, end) === false) return at
        at = end
      }
    }
    return at
  }

  /**
   * The number of fields numbered `no` in [from, to), a message's value already read (`bytes` or `walk` brought it
   * into the window): counted in place, stopping quietly at anything malformed (for estimates only).
   */
  countFields(from: number, to: number, no: number): number {
    if (from < this.base || to > this.base + this.buf.length) return 0
    const buf = this.buf
    let i = from - this.base
    const end = to - this.base
    let n = 0
    while (i < end) {
      let tag = 0
      let scale = 1
      let b = 0x80
      for (let k = 0; k < 10 && b >= 0x80 && i < end; k++) {
        b = buf[i++]!
        tag += (b & 0x7f) * scale
        scale *= 128
      }
      if (b >= 0x80) return n
      const wireType = tag % 8
      if (Math.floor(tag / 8) === no) n++
      if (wireType === 2) {
        let length = 0
        scale = 1
        b = 0x80
        for (let k = 0; k < 10 && b >= 0x80 && i < end; k++) {
          b = buf[i++]!
          length += (b & 0x7f) * scale
          scale *= 128
        }
        if (b >= 0x80) return n
        i += length
      } else if (wireType === 0) {
        while (i < end && buf[i++]! >= 0x80);
      } else if (wireType === 1) i += 8
      else if (wireType === 5) i += 4
      else return n
    }
    return n
  }

  /** A copy of the file's bytes from `from` to `to` (the window then keeps them). */
  async bytes(from: number, to: number): Promise<Uint8Array> {
    await this.window(from, to, from)
    return this.buf.slice(from - this.base, to - this.base)
  }

  /**
   * Makes the window hold [from, to) (as much of it as the file has): a new window starts at `keep` (≤ from), reuses
   * the bytes it shares with the old one and reads the rest, at least 1 MiB ahead (never past the end of the file, so a
   * garbage length cannot allocate).
   */
  private async window(from: number, to: number, keep: number): Promise<void> {
    to = Math.min(to, this.size)
    if (from >= this.base && to <= this.base + this.buf.length) return
    const start = Math.min(keep, from)
    const end = Math.min(this.size, Math.max(to, from + READ_AHEAD))
    const next = new Uint8Array(end - start)
    const sharedFrom = Math.max(start, this.base)
    const sharedTo = Math.min(end, this.base + this.buf.length)
    let filled = 0
    if (sharedFrom === start && sharedTo > sharedFrom) {
      next.set(this.buf.subarray(sharedFrom - this.base, sharedTo - this.base))
      filled = sharedTo - start
    }
    while (filled < next.length) {
      const { bytesRead } = await this.handle.read(next, filled, next.length - filled, start + filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    this.buf = next.subarray(0, filled)
    this.base = start
  }
}

/**
 * Streams the top-level fields of a protobuf file in 1 MiB reads, each with its value bytes (LEN fields).
 * Truncation or garbage throws a BridgeError with the file and byte offset.
 * @example for await (const f of protobufFields('cr.pb')) if (f.no === 1) handle(f.value)
 */
export async function* protobufFields(file: string): AsyncGenerator<StreamedField> {
  const pb = await ProtobufFile.open(file)
  try {
    for (let at = 0; at < pb.size; ) {
      const h = await pb.header(at, pb.size)
      yield { no: h.no, wireType: h.wireType, offset: h.offset, valueOffset: h.wireType === 2 ? h.valueOffset : h.offset, value: h.wireType === 2 ? await pb.bytes(h.valueOffset, h.end) : new Uint8Array() }
      at = h.end
    }
  } finally {
    await pb.close()
  }
}

/** A varint at `pos` that ends before `end`, or undefined when it does not (truncated, or longer than 10 bytes). */
function readVarint(buf: Uint8Array, pos: number, end: number): { value: number; next: number } | undefined {
  let value = 0
  let scale = 1
  for (let i = 0; i < 10 && pos + i < end; i++) {
    const b = buf[pos + i]!
    value += (b & 0x7f) * scale
    scale *= 128
    if (b < 0x80) return { value, next: pos + i + 1 }
  }
  return undefined
}
