import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { extname } from 'node:path'
import { BridgeError } from '../../src/errors.ts'
import { protobufKind } from '../../src/activity/ddc-challenge.ts'
import type { RawItem } from '../../src/activity/raw-item.ts'
import { BatchSchema, RoundSchema, type Batch, type Round } from '../../src/schema/evidence-trail.ts'
import { jsonPath } from '../../src/schema/json-path.ts'
import { zodIssues } from '../../src/schema/zod-issues.ts'
import { readInputBytes, readJsonFile } from '../cli/input.ts'
import { protobufFields, type StreamedField } from './protobuf-stream.ts'
import { openForReading, unreadableError } from './unreadable.ts'

/** One thing read from a trail file: a raw record item (decoded and verified later, maybe in a worker), a batch or a round. */
export type TrailInput = { kind: 'item'; item: RawItem } | { kind: 'batch'; batch: Batch } | { kind: 'round'; round: Round }

/**
 * Streams the contents of one trail file: `.pb` (a ChallengeResponse, one proof at a time, or a bare ActivityRecord),
 * `.jsonl`/`.ndjson` (one item per line), or JSON (one item, an array of items, a node's signed answer, or a bundle
 * `{ records, batches, rounds }`). Items are SCP record envelopes, batches (`type: "batch"`) or rounds
 * (`type: "attestation_round"`). Malformed input throws a BridgeError naming the file and line, path or byte offset.
 * @example for await (const input of readTrailFile('trail.jsonl')) …
 */
export async function* readTrailFile(file: string): AsyncGenerator<TrailInput> {
  const ext = extname(file).toLowerCase()
  if (ext === '.pb' || ext === '.bin') return yield* readProtobufFile(file)
  if (ext === '.jsonl' || ext === '.ndjson') return yield* readJsonLines(file)
  if (ext !== '.json') {
    const text = Buffer.from(await readHead(file, 1 << 16)).toString('utf8').trimStart()
    if (!text.startsWith('{') && !text.startsWith('[')) return yield* readProtobufFile(file)
    if (looksLikeJsonLines(text)) return yield* readJsonLines(file)
  }
  return yield* readJsonFile_(file)
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
  const held: StreamedField[] = []
  const fields = protobufFields(file)
  let kind: 'ChallengeResponse' | 'ActivityRecord' | undefined
  for await (const field of fields) {
    if (kind === undefined) {
      held.push(field)
      if (held.length < 2) continue
      kind = protobufKind(held.map((f) => f.no))
      if (kind === 'ActivityRecord') break
      for (const h of held) yield proofInput(file, h)
      continue
    }
    yield proofInput(file, field)
  }
  if (kind === undefined) {
    if (held.length === 0) throw new BridgeError('INPUT_EMPTY', 'protobuf file is empty, expected a ChallengeResponse or an ActivityRecord', { file })
    kind = 'ChallengeResponse'
    for (const h of held) yield proofInput(file, h)
  }
  if (kind === 'ActivityRecord') {
    const bytes = await readInputBytes(file)
    yield { kind: 'item', item: { kind: 'pb-record', file, base: 0, bytes } }
  }
}

function proofInput(file: string, field: StreamedField): TrailInput {
  if (field.no !== 1 || field.wireType !== 2) {
    throw new BridgeError('PROTOBUF_MALFORMED', `ChallengeResponse: unexpected top-level field ${field.no} (wire type ${field.wireType}), expected proofs (field 1)`, { file, offset: field.offset })
  }
  return { kind: 'item', item: { kind: 'pb-proof', file, base: field.valueOffset, bytes: field.value } }
}

async function* readJsonLines(file: string): AsyncGenerator<TrailInput> {
  const stream = createReadStream(file, { encoding: 'utf8' })
  const failed = new Promise<never>((_, reject) => stream.once('error', (cause) => reject(unreadableError(file, cause))))
  failed.catch(() => {})
  const lines = createInterface({ input: stream, crlfDelay: Infinity })
  let n = 0
  const iterator = lines[Symbol.asyncIterator]()
  for (;;) {
    const next = await Promise.race([iterator.next(), failed])
    if (next.done) break
    n++
    const line = next.value.trim()
    if (line === '') continue
    const where = `line ${n}`
    if (line.includes('"type"')) {
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch (cause) {
        throw new BridgeError('INPUT_NOT_JSON', `${where}: not valid JSON`, { file, details: (cause as Error).message, cause })
      }
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
  const { value, text } = await readJsonFile(file)
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
