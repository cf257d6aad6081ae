import { parseJson } from '../json/parse-json.ts'
import { decodeProof } from './ddc-challenge.ts'
import { decodeActivityRecord, type DdcRecord } from './ddc-record.ts'
import { parseNodeAnswer, type NodeAnswer } from './node-answer.ts'
import { parseScpRecord, type ScpRecord } from './scp-record.ts'

/**
 * One unit of trail input as read from a file, before decoding: the bytes of one ChallengeResponse proof, of a bare
 * ActivityRecord, the JSON text of one SCP record (a JSON Lines line or an array element), or a node's signed answer.
 * Plain data (transferable to a worker thread).
 * @example { kind: 'pb-proof', file: 'cr.pb', base: 3, bytes }
 */
export type RawItem =
  | { kind: 'pb-proof'; file: string; base: number; bytes: Uint8Array }
  | { kind: 'pb-record'; file: string; base: number; bytes: Uint8Array }
  | { kind: 'scp-json'; file: string; where: string; text: string }
  | { kind: 'node-answer'; file: string; text: string }

/**
 * Decodes one raw item into records (a proof may hold several). Malformed input throws a BridgeError naming the
 * file and the byte offset or item.
 * @example decodeRawItem({ kind: 'scp-json', file: 't.jsonl', where: 'line 1', text }) // [ScpRecord]
 */
export function decodeRawItem(item: RawItem): Array<ScpRecord | DdcRecord | NodeAnswer> {
  switch (item.kind) {
    case 'pb-proof':
      return decodeProof(item.bytes, { file: item.file, base: item.base }).records
    case 'pb-record':
      return [decodeActivityRecord(item.bytes, { file: item.file, base: item.base })]
    case 'node-answer':
      return [parseNodeAnswer(item.text, { file: item.file })]
    case 'scp-json': {
      // strict: a key twice or a lone surrogate is refused, naming the file, line and JSON path
      const value = parseJson(item.text, item.where.startsWith('line ') ? { file: item.file, line: Number(item.where.slice(5)) } : { file: item.file, path: item.where })
      return [parseScpRecord(value, { file: item.file, where: item.where })]
    }
  }
}
