import { BridgeError } from '../../src/errors.ts'
import { openForReading } from './unreadable.ts'

/** One top-level protobuf field read from a file: its number, wire type, offsets in the file, and value bytes (LEN fields). */
export type StreamedField = { no: number; wireType: number; offset: number; valueOffset: number; value: Uint8Array }

const CHUNK = 1 << 20

/**
 * Streams the top-level fields of a protobuf file in 1 MiB reads, so a ChallengeResponse of any size is read in flat
 * memory, one `proofs` entry at a time. Truncation or garbage throws a BridgeError with the file and byte offset.
 * @example for await (const f of protobufFields('cr.pb')) if (f.no === 1) handle(f.value)
 */
export async function* protobufFields(file: string): AsyncGenerator<StreamedField> {
  const handle = await openForReading(file)
  try {
    const fileSize = (await handle.stat()).size
    let buf = new Uint8Array(0)
    let base = 0
    let pos = 0
    let eof = false
    /** Makes buf hold at least `need` bytes (or all that is left): the unread tail moves once into a buffer sized for
     * the whole need (never more than the file holds: a garbage length must not allocate), so a field of any size
     * costs one copy, not one per MiB read. */
    const fill = async (need: number) => {
      if (buf.length >= need || eof) return
      const tail = buf.length - pos
      base += pos
      need -= pos
      const next = new Uint8Array(Math.max(Math.min(need, fileSize - base), tail + CHUNK))
      next.set(buf.subarray(pos))
      pos = 0
      let filled = tail
      while (filled < need && !eof) {
        const { bytesRead } = await handle.read(next, filled, next.length - filled, null)
        if (bytesRead === 0) eof = true
        else filled += bytesRead
      }
      buf = next.subarray(0, filled)
    }
    for (;;) {
      await fill(pos + 20)
      if (pos >= buf.length) return
      const offset = base + pos // taken now: reading a long value below moves `base`
      const tag = readVarint(buf, pos)
      if (!tag) throw truncated(file, offset, 'field tag')
      pos = tag.next
      const no = Math.floor(tag.value / 8)
      const wireType = tag.value % 8
      if (no === 0) throw new BridgeError('PROTOBUF_MALFORMED', `invalid field number 0 (garbage, not protobuf)`, { file, offset })
      if (wireType === 2) {
        const length = readVarint(buf, pos)
        if (!length) throw truncated(file, offset, `field ${no} length`)
        pos = length.next
        await fill(pos + length.value)
        if (pos + length.value > buf.length) {
          throw new BridgeError('PROTOBUF_MALFORMED', `field ${no} declares ${length.value} bytes but the file ends after ${buf.length - pos} (truncated)`, { file, offset })
        }
        yield { no, wireType, offset, valueOffset: base + pos, value: buf.slice(pos, pos + length.value) }
        pos += length.value
      } else if (wireType === 0) {
        const v = readVarint(buf, pos)
        if (!v) throw truncated(file, offset, `field ${no} varint`)
        pos = v.next
        yield { no, wireType, offset, valueOffset: offset, value: new Uint8Array() }
      } else if (wireType === 1 || wireType === 5) {
        const size = wireType === 1 ? 8 : 4
        if (pos + size > buf.length) throw truncated(file, offset, `field ${no} fixed value`)
        pos += size
        yield { no, wireType, offset, valueOffset: offset, value: new Uint8Array() }
      } else {
        throw new BridgeError('PROTOBUF_MALFORMED', `field ${no} has unsupported wire type ${wireType} (garbage, not protobuf)`, { file, offset })
      }
    }
  } finally {
    await handle.close()
  }
}

function readVarint(buf: Uint8Array, pos: number): { value: number; next: number } | undefined {
  let value = 0
  let scale = 1
  for (let i = 0; i < 10; i++) {
    const b = buf[pos + i]
    if (b === undefined) return undefined
    value += (b & 0x7f) * scale
    scale *= 128
    if (b < 0x80) return { value, next: pos + i + 1 }
  }
  return undefined
}

function truncated(file: string, offset: number, what: string): BridgeError {
  return new BridgeError('PROTOBUF_MALFORMED', `truncated ${what}`, { file, offset })
}
