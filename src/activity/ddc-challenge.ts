import { BridgeError } from '../errors.ts'
import { decodeActivityRecord, type DdcRecord } from './ddc-record.ts'
import { fieldValue, scanFields, type WireField } from './ddc-wire.ts'

const CHALLENGE = { proofs: 1 } as const
const PROOF = { leaves: 4 } as const
const LEAF = { record: 1, link: 2 } as const
const LEAF_RECORD = { record: 1 } as const

/** A decoded ChallengeResponse: every leaf record (with its signatures) and how many leaves were links. */
export type ChallengeResponse = { proofs: number; records: DdcRecord[]; links: number }

/**
 * Decodes a DDC `ChallengeResponse` (spec/ddc-activity-wire.md): proofs → leaves → signed ActivityRecords.
 * Every record keeps its exact received bytes; malformed bytes throw with the file and byte offset.
 * @example decodeChallengeResponse(bytes, { file: 'challenge_response.pb' }).records.length // 3
 */
export function decodeChallengeResponse(bytes: Uint8Array, origin: { file?: string } = {}): ChallengeResponse {
  const fields = scanFields(bytes, { ...origin, what: 'ChallengeResponse' })
  const out: ChallengeResponse = { proofs: 0, records: [], links: 0 }
  for (const f of fields) {
    if (f.no !== CHALLENGE.proofs) continue
    if (f.wireType !== 2) throw new BridgeError('PROTOBUF_MALFORMED', `ChallengeResponse.proofs must be a message, found wire type ${f.wireType}`, { ...origin, offset: f.start })
    out.proofs++
    const proof = decodeProof(fieldValue(bytes, f), { ...origin, base: f.valueStart })
    out.records.push(...proof.records)
    out.links += proof.links
  }
  return out
}

/**
 * Decodes one `Proof` message (a ChallengeResponse streams as a sequence of them): its leaf records and link count.
 * @example decodeProof(proofBytes, { file, base: 3 }).records
 */
export function decodeProof(bytes: Uint8Array, origin: { file?: string; base?: number } = {}): { records: DdcRecord[]; links: number } {
  const base = origin.base ?? 0
  const records: DdcRecord[] = []
  let links = 0
  for (const leaf of lengthDelimited(scanFields(bytes, { ...origin, what: 'Proof' }), PROOF.leaves, origin, 'Proof.leaves')) {
    const leafBytes = fieldValue(bytes, leaf)
    const leafBase = base + leaf.valueStart
    const leafFields = scanFields(leafBytes, { ...origin, base: leafBase, what: 'Leaf' })
    if (leafFields.some((f) => f.no === LEAF.link)) links++
    for (const lr of lengthDelimited(leafFields, LEAF.record, { ...origin, base: leafBase }, 'Leaf.record')) {
      const lrBytes = fieldValue(leafBytes, lr)
      const lrBase = leafBase + lr.valueStart
      const lrFields = scanFields(lrBytes, { ...origin, base: lrBase, what: 'LeafRecord' })
      for (const r of lengthDelimited(lrFields, LEAF_RECORD.record, { ...origin, base: lrBase }, 'LeafRecord.record')) {
        records.push(decodeActivityRecord(fieldValue(lrBytes, r), { ...origin, base: lrBase + r.valueStart }))
      }
    }
  }
  return { records, links }
}

function lengthDelimited(fields: WireField[], no: number, origin: { file?: string; base?: number }, what: string): WireField[] {
  const picked = fields.filter((f) => f.no === no)
  for (const f of picked) {
    if (f.wireType !== 2) throw new BridgeError('PROTOBUF_MALFORMED', `${what} must be a message, found wire type ${f.wireType}`, { ...(origin.file !== undefined ? { file: origin.file } : {}), offset: (origin.base ?? 0) + f.start })
  }
  return picked
}

/**
 * Tells a `ChallengeResponse` from a bare `ActivityRecord` by its top-level fields: a ChallengeResponse has only
 * field 1 (proofs); an ActivityRecord has field 1 (id) and its other fields (2–6).
 * @example protobufKind(bytes) // 'ChallengeResponse'
 */
export function protobufKind(topLevelFieldNumbers: number[]): 'ChallengeResponse' | 'ActivityRecord' {
  return topLevelFieldNumbers.some((no) => no !== 1) ? 'ActivityRecord' : 'ChallengeResponse'
}
