import { BridgeError } from '../../src/errors.ts'
import { ProtobufFile } from './protobuf-stream.ts'
import { PROOF_PART_BYTES, protobufFileKind, trailFileFormat, type TrailSlice } from './trail-files.ts'
import { openForReading, unreadableError } from './unreadable.ts'

/** A part of a trail to verify by itself, its size in bytes and an estimate of its records (for progress). */
export type PlannedSlice = { slice: TrailSlice; bytes: number; records: number }

const READ = 1 << 20
/** Proof.leaves */
const LEAVES = 4
const NEWLINE = 10

/** The size of the part that starts at a byte offset of the file (a number: the same for every part). */
export type PartSize = number | ((offset: number) => number)

/**
 * Cuts one trail file into parts of about `bytes` each that never split a record: a ChallengeResponse by runs of whole
 * proofs, and a proof larger than a part by runs of its leaves (ranges of leaf offsets); JSON Lines by runs of whole
 * lines; a JSON file or a bare ActivityRecord is one part. `bytes` may depend on where the part starts (smaller parts
 * towards the end of a trail keep every worker busy to the end). Only field headers and line ends are read. A
 * structural error (a truncated or garbage protobuf field) is thrown where a whole-file read would throw it, after the
 * parts before it.
 * @example for await (const part of planTrailSlices('cr.pb', { bytes: 1 << 20 })) enqueue(part.slice)
 */
export async function* planTrailSlices(file: string, options: { bytes: PartSize }): AsyncGenerator<PlannedSlice> {
  const size = options.bytes
  const target = typeof size === 'number' ? () => Math.max(1, size) : (offset: number) => Math.max(1, size(offset))
  const format = await trailFileFormat(file)
  if (format === 'json') return yield { slice: { file, kind: 'whole' }, bytes: 0, records: 0 }
  if (format === 'json-lines') return yield* planJsonLines(file, target)
  const pb = await ProtobufFile.open(file)
  try {
    if ((await protobufFileKind(pb)) === 'ActivityRecord') return yield { slice: { file, kind: 'whole' }, bytes: pb.size, records: 1 }
    yield* planProofs(pb, target)
  } finally {
    await pb.close()
  }
}

async function* planProofs(pb: ProtobufFile, target: (offset: number) => number): AsyncGenerator<PlannedSlice> {
  const file = pb.file
  let start = 0
  let records = 0
  const ready: PlannedSlice[] = []
  const isLarge = (valueOffset: number, end: number) => end - valueOffset > Math.max(target(start), PROOF_PART_BYTES)
  const notProof = (no: number, wireType: number, offset: number) =>
    new BridgeError('PROTOBUF_MALFORMED', `ChallengeResponse: unexpected top-level field ${no} (wire type ${wireType}), expected proofs (field 1)`, { file, offset })
  // a proof up to a batch: into the batch being planned
  const small = (valueOffset: number, end: number) => {
    records += pb.countFields(valueOffset, end, LEAVES)
    if (end - start >= target(start)) {
      ready.push({ slice: { file, kind: 'proofs', start, end }, bytes: end - start, records })
      start = end
      records = 0
    }
  }
  for (let at = 0; at < pb.size; ) {
    let large: { offset: number; valueOffset: number; end: number } | undefined
    at = await pb.walk(at, pb.size, pb.size, (no, offset, valueOffset, end) => {
      if (no !== 1) throw notProof(no, 2, offset)
      if (!isLarge(valueOffset, end)) return small(valueOffset, end)
      large = { offset, valueOffset, end }
      return false
    })
    yield* ready.splice(0)
    if (at >= pb.size) break
    if (!large) {
      // another wire type, the file's last bytes, or damage (header throws the error a whole-file read gives)
      const h = await pb.header(at, pb.size)
      if (h.no !== 1 || h.wireType !== 2) throw notProof(h.no, h.wireType, h.offset)
      if (!isLarge(h.valueOffset, h.end)) {
        small(h.valueOffset, h.end)
        yield* ready.splice(0)
        at = h.end
        continue
      }
      large = h
    }
    if (large.offset > start) yield { slice: { file, kind: 'proofs', start, end: large.offset }, bytes: large.offset - start, records }
    yield* planLeaves(pb, large.valueOffset, large.end, target)
    start = at = large.end
    records = 0
  }
  if (pb.size > start) yield { slice: { file, kind: 'proofs', start, end: pb.size }, bytes: pb.size - start, records }
}

/** Runs of the fields (leaves) of one large proof's value [from, to), cut between fields. */
async function* planLeaves(pb: ProtobufFile, from: number, to: number, target: (offset: number) => number): AsyncGenerator<PlannedSlice> {
  const file = pb.file
  let start = from
  let leaves = 0
  const ready: PlannedSlice[] = []
  const field = (no: number, offset: number, end: number) => {
    if (end - start > target(start) && offset > start) {
      ready.push({ slice: { file, kind: 'leaves', start, end: offset }, bytes: offset - start, records: leaves })
      start = offset
      leaves = 0
    }
    if (no === LEAVES) leaves++
  }
  for (let at = from; at < to; ) {
    at = await pb.walk(at, to, to, (no, offset, _valueOffset, end) => field(no, offset, end))
    yield* ready.splice(0)
    if (at >= to) break
    const h = await pb.header(at, to, 'Proof')
    field(h.no, h.offset, h.end)
    yield* ready.splice(0)
    at = h.end
  }
  yield { slice: { file, kind: 'leaves', start, end: to }, bytes: to - start, records: leaves }
}

async function* planJsonLines(file: string, target: (offset: number) => number): AsyncGenerator<PlannedSlice> {
  const handle = await openForReading(file)
  try {
    const chunk = Buffer.allocUnsafe(READ)
    let start = 0
    let line = 1
    let lines = 0
    let sliceLine = 1
    let position = 0
    let lastByte = NEWLINE
    for (;;) {
      let bytesRead: number
      try {
        ;({ bytesRead } = await handle.read(chunk, 0, READ, position))
      } catch (cause) {
        throw unreadableError(file, cause)
      }
      if (bytesRead === 0) break
      for (let i = chunk.indexOf(NEWLINE, 0); i >= 0 && i < bytesRead; i = chunk.indexOf(NEWLINE, i + 1)) {
        line++
        lines++
        const end = position + i + 1
        if (end - start >= target(start)) {
          yield { slice: { file, kind: 'lines', start, end, line: sliceLine }, bytes: end - start, records: lines }
          start = end
          sliceLine = line
          lines = 0
        }
      }
      lastByte = chunk[bytesRead - 1]!
      position += bytesRead
    }
    if (lastByte !== NEWLINE) lines++
    if (position > start || start === 0) yield { slice: { file, kind: 'lines', start, end: position, line: sliceLine }, bytes: position - start, records: lines }
  } finally {
    await handle.close().catch(() => undefined)
  }
}
