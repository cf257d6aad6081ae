import { extname } from 'node:path'
import { BridgeError } from '../../src/errors.ts'
import { protobufKind } from '../../src/activity/ddc-challenge.ts'
import type { RawItem } from '../../src/activity/raw-item.ts'
import { LIMITS } from '../../src/limits.ts'
import { BatchSchema, RoundSchema, type Batch, type Round } from '../../src/schema/evidence-trail.ts'
import { jsonPath } from '../../src/schema/json-path.ts'
import { zodIssues } from '../../src/schema/zod-issues.ts'
import { parseJson } from '../../src/json/parse-json.ts'
import { readJsonFile } from '../cli/input.ts'
import { ProtobufFile } from './protobuf-stream.ts'
import { readLines } from './read-lines.ts'
import { openForReading } from './unreadable.ts'

/** One thing read from a trail file: a raw record item (decoded and verified later, maybe in a worker), a batch or a round. */
export type TrailInput = { kind: 'item'; item: RawItem } | { kind: 'batch'; batch: Batch } | { kind: 'round'; round: Round }

/** How a trail file is read: protobuf (`.pb`, `.bin`, or not JSON), JSON Lines (`.jsonl`, `.ndjson`, or sniffed), JSON. */
export type TrailFormat = 'protobuf' | 'json-lines' | 'json'

/**
 * A part of a trail file that is read and verified by itself (a queue batch); parts never split a record.
 * `whole`: the whole file (JSON, a bare ActivityRecord). `proofs`: the ChallengeResponse proofs whose fields lie in
 * [start, end). `leaves`: fields of one large proof's value in [start, end) (its leaves). `lines`: JSON Lines from byte
 * `start` (the first byte of line `line`) to `end`.
 */
export type TrailSlice =
  | { file: string; kind: 'whole' }
  | { file: string; kind: 'proofs'; start: number; end: number }
  | { file: string; kind: 'leaves'; start: number; end: number }
  | { file: string; kind: 'lines'; start: number; end: number; line: number }

/**
 * A proof larger than this is read as runs of its leaves of about this size (one item each), never whole: a node's
 * answer for a busy bucket is one message of millions of records, and a worker thread holds one item at a time.
 */
export const PROOF_PART_BYTES = 256 * 1024

/**
 * Streams the contents of one trail file: `.pb` (a ChallengeResponse, one proof at a time and a large proof in runs of
 * leaves, or a bare ActivityRecord), `.jsonl`/`.ndjson` (one item per line), or JSON (one item, an array of items, a
 * node's signed answer, or a bundle `{ records, batches, rounds }`). Items are SCP record envelopes, batches
 * (`type: "batch"`) or rounds (`type: "attestation_round"`). Malformed input throws a BridgeError naming the file and
 * line, path or byte offset.
 * @example for await (const input of readTrailFile('trail.jsonl')) …
 */
export async function* readTrailFile(file: string): AsyncGenerator<TrailInput> {
  const format = await trailFileFormat(file)
  if (format === 'protobuf') return yield* readProtobufFile(file)
  if (format === 'json-lines') return yield* readJsonLines(file)
  return yield* readJsonFile_(file)
}

/**
 * Streams one part of a trail file (see TrailSlice); the items, offsets and errors are those a whole-file read gives
 * for that part.
 * @example for await (const input of readTrailSlice({ file: 'cr.pb', kind: 'leaves', start: 8, end: 1048584 })) …
 */
export async function* readTrailSlice(slice: TrailSlice): AsyncGenerator<TrailInput> {
  if (slice.kind === 'whole') return yield* readTrailFile(slice.file)
  if (slice.kind === 'lines') return yield* readJsonLines(slice.file, slice)
  const pb = await ProtobufFile.open(slice.file)
  try {
    if (slice.kind === 'proofs') yield* proofItems(pb, slice.start, slice.end)
    else yield* leafRunItems(pb, slice.start, slice.end)
  } finally {
    await pb.close()
  }
}

/**
 * How `readTrailFile` reads a file: by its extension, else by its first bytes (not `{` or `[`: protobuf; a whole JSON
 * object on the first line and more after it: JSON Lines; else JSON).
 * @example await trailFileFormat('trail.jsonl') // 'json-lines'
 */
export async function trailFileFormat(file: string): Promise<TrailFormat> {
  const ext = extname(file).toLowerCase()
  if (ext === '.pb' || ext === '.bin') return 'protobuf'
  if (ext === '.jsonl' || ext === '.ndjson') return 'json-lines'
  if (ext === '.json') return 'json'
  const text = Buffer.from(await readHead(file, 1 << 16)).toString('utf8').trimStart()
  if (!text.startsWith('{') && !text.startsWith('[')) return 'protobuf'
  return looksLikeJsonLines(text) ? 'json-lines' : 'json'
}

/**
 * What a protobuf trail file holds, from the numbers of its first two top-level fields (their values are not read, so a
 * first proof of any size costs nothing here): a ChallengeResponse or a bare ActivityRecord. An empty file is INPUT_EMPTY.
 * @example await protobufFileKind(pb) // 'ChallengeResponse'
 */
export async function protobufFileKind(pb: ProtobufFile): Promise<'ChallengeResponse' | 'ActivityRecord'> {
  if (pb.size === 0) throw new BridgeError('INPUT_EMPTY', 'protobuf file is empty, expected a ChallengeResponse or an ActivityRecord', { file: pb.file })
  const first = await pb.header(0, pb.size)
  const numbers = [first.no]
  if (first.end < pb.size) numbers.push((await pb.header(first.end, pb.size)).no)
  return protobufKind(numbers)
}

async function readHead(file: string, size: number): Promise<Uint8Array> {
  const handle = await openForReading(file)
  try {
    const buffer = new Uint8Array(size)
    const { bytesRead } = await handle.read(buffer, 0, size, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

async function* readProtobufFile(file: string): AsyncGenerator<TrailInput> {
  const pb = await ProtobufFile.open(file)
  try {
    if ((await protobufFileKind(pb)) === 'ActivityRecord') {
      yield { kind: 'item', item: { kind: 'pb-record', file, base: 0, bytes: await pb.bytes(0, pb.size) } }
      return
    }
    yield* proofItems(pb, 0, pb.size)
  } finally {
    await pb.close()
  }
}

/** The ChallengeResponse proofs whose fields lie in [from, to): each proof one item, a large one in runs of leaves. */
async function* proofItems(pb: ProtobufFile, from: number, to: number): AsyncGenerator<TrailInput> {
  for (let at = from; at < to; ) {
    const field = await pb.header(at, pb.size)
    if (field.no !== 1 || field.wireType !== 2) {
      throw new BridgeError('PROTOBUF_MALFORMED', `ChallengeResponse: unexpected top-level field ${field.no} (wire type ${field.wireType}), expected proofs (field 1)`, { file: pb.file, offset: field.offset })
    }
    if (field.end - field.valueOffset <= PROOF_PART_BYTES) yield proofPart(pb.file, field.valueOffset, await pb.bytes(field.valueOffset, field.end))
    else yield* leafRunItems(pb, field.valueOffset, field.end)
    at = field.end
  }
}

/**
 * The fields of one proof's value in [from, to) (its leaves, and its other fields), as items of consecutive fields of
 * about PROOF_PART_BYTES each: every run is itself a valid Proof encoding, decoded as the whole proof would be.
 */
async function* leafRunItems(pb: ProtobufFile, from: number, to: number): AsyncGenerator<TrailInput> {
  let start = from
  for (let at = from; at < to; ) {
    const field = await pb.header(at, to, 'Proof', start)
    if (field.end - start > PROOF_PART_BYTES && at > start) {
      yield proofPart(pb.file, start, await pb.bytes(start, at))
      start = at
    }
    at = field.end
  }
  if (to > start) yield proofPart(pb.file, start, await pb.bytes(start, to))
}

function proofPart(file: string, base: number, bytes: Uint8Array): TrailInput {
  return { kind: 'item', item: { kind: 'pb-proof', file, base, bytes } }
}

async function* readJsonLines(file: string, range?: { start: number; end: number; line: number }): AsyncGenerator<TrailInput> {
  for await (const { text, line: n } of readLines(file, LIMITS.trailLine, range)) {
    const line = text.trim()
    if (line === '') continue
    const where = `line ${n}`
    if (line.includes('"type"')) {
      const value = parseJson(line, { file, line: n }) // strict: duplicate keys and lone surrogates refused
      const typed = typedItem(value, file, where)
      if (typed) {
        yield typed
        continue
      }
    }
    yield { kind: 'item', item: { kind: 'scp-json', file, where, text: line } }
  }
}

async function* readJsonFile_(file: string): AsyncGenerator<TrailInput> {
  const { value, text } = await readJsonFile(file, LIMITS.trailJson)
  if (isNodeAnswer(value)) {
    yield { kind: 'item', item: { kind: 'node-answer', file, text } }
    return
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield classify(value[i], file, [i])
    return
  }
  if (value && typeof value === 'object' && !('payload' in value) && !('type' in value) && ('records' in value || 'batches' in value || 'rounds' in value)) {
    const bundle = value as Record<string, unknown>
    for (const key of ['records', 'batches', 'rounds']) {
      const list = bundle[key]
      if (list === undefined) continue
      if (!Array.isArray(list)) throw new BridgeError('TRAIL_BUNDLE_INVALID', `expected an array`, { file, path: jsonPath([key]) })
      for (let i = 0; i < list.length; i++) yield classify(list[i], file, [key, i])
    }
    return
  }
  yield classify(value, file, [])
}

function classify(value: unknown, file: string, path: Array<string | number>): TrailInput {
  const where = jsonPath(path)
  const typed = typedItem(value, file, where)
  if (typed) return typed
  if (value && typeof value === 'object' && 'payload' in value && 'signatures' in value) {
    return { kind: 'item', item: { kind: 'scp-json', file, where, text: JSON.stringify(value) } }
  }
  throw new BridgeError('TRAIL_ITEM_UNKNOWN', 'not a trail item: expected an SCP record envelope {payload, signatures}, a batch (type "batch") or a round (type "attestation_round")', { file, path: where })
}

function typedItem(value: unknown, file: string, where: string): TrailInput | undefined {
  if (!value || typeof value !== 'object' || !('type' in value)) return undefined
  const type = (value as { type: unknown }).type
  const schema = type === 'batch' ? BatchSchema : type === 'attestation_round' ? RoundSchema : undefined
  if (!schema) throw new BridgeError('TRAIL_ITEM_UNKNOWN', `unknown item type ${JSON.stringify(type)} (expected "batch" or "attestation_round")`, { file, path: where.startsWith('$') ? `${where}.type` : `${where} $.type` })
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = zodIssues(parsed.error)[0]!
    throw new BridgeError('TRAIL_ITEM_INVALID', `${type}: ${issue.message}`, { file, path: where.startsWith('$') ? where + issue.path.slice(1) : `${where} ${issue.path}` })
  }
  return type === 'batch' ? { kind: 'batch', batch: parsed.data as Batch } : { kind: 'round', round: parsed.data as Round }
}

/** Another extension holding JSON Lines: the first line is a whole JSON object and more follows. */
function looksLikeJsonLines(head: string): boolean {
  const newline = head.indexOf('\n')
  if (newline < 0 || head.slice(newline).trim() === '') return false
  try {
    JSON.parse(head.slice(0, newline))
    return true
  } catch {
    return false
  }
}

function isNodeAnswer(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && 'payload' in value && 'signer' in value && typeof (value as { signature?: unknown }).signature === 'string'
}
