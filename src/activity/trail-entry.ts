import { bytesToHex } from '../crypto/bytes.ts'
import { merkleLeafHash } from '../crypto/merkle.ts'
import type { DdcRecord } from './ddc-record.ts'
import { normalizeKey } from './keys.ts'
import type { NodeAnswer } from './node-answer.ts'
import { verifyChecks, type RecordVerification } from './record-verification.ts'
import { verifySignedRecord, type ScpRecord } from './scp-record.ts'
import { verifySignature } from './signature.ts'
import { verifyDdcRecord } from './verify-ddc-record.ts'

/**
 * What the trail audit keeps of one verified record: small and fixed-size, so a streamed trail of millions of records
 * stays in flat memory (the record bytes are dropped once hashed and verified, possibly in a worker thread).
 * @example const entry = trailEntry(parseScpRecord(envelope)); entry.verification.valid
 */
export type TrailEntry = {
  kind: 'scp' | 'ddc' | 'node-answer'
  recordId: string
  file?: string
  /** where the record is in its file: the byte offset of a DDC record */
  offset?: number
  /** where the record is in its file: the line or JSON path of an SCP record (`line 3`, `$.records[2]`) */
  where?: string
  /** RFC 9162 leaf hash of the record's signed bytes (SCP payload, DDC record bytes as received) */
  leafHash: Uint8Array
  /** record time in ms since the epoch, when the record has one */
  timeMs: number | null
  /** normalised agent key (SCP) */
  agent: string | null
  /** totals key: `<vaultId> / <scopeId>` (SCP) or `ddc bucket <id>` (DDC) */
  scope: string | null
  bytes: number
  cpuMs: number
  gpuUnits: number
  /** role → normalised signer key (SCP) */
  roleSigners: Record<string, string>
  verification: RecordVerification
}

/**
 * Verifies a decoded record and reduces it to its TrailEntry.
 * @example trailEntry(decodeActivityRecord(bytes)).verification.signatures // 5
 */
export function trailEntry(record: ScpRecord | DdcRecord | NodeAnswer, verify: typeof verifySignature = verifySignature): TrailEntry {
  const file = record.file !== undefined ? { file: record.file } : {}
  if (record.kind === 'scp') {
    const roleSigners: Record<string, string> = {}
    for (const c of record.checks) roleSigners[c.role] = normalizeKey(bytesToHex(c.signer))
    return {
      kind: 'scp',
      recordId: record.recordId,
      ...file,
      where: record.where,
      leafHash: merkleLeafHash(record.payloadBytes),
      timeMs: Date.parse(record.payload.timestamp),
      agent: normalizeKey(record.payload.agent),
      scope: record.payload.vault_scope,
      bytes: record.payload.bytes ?? 0,
      cpuMs: record.payload.compute.cpu_ms,
      gpuUnits: record.payload.compute.gpu_units,
      roleSigners,
      verification: verifySignedRecord(record, verify),
    }
  }
  if (record.kind === 'ddc') {
    return {
      kind: 'ddc',
      recordId: record.recordId,
      ...file,
      offset: record.offset,
      leafHash: merkleLeafHash(record.bytes),
      timeMs: Number(record.timestampMs),
      agent: null,
      scope: `ddc bucket ${record.bucketId}`,
      bytes: Number(record.bytesTransferred),
      cpuMs: 0,
      gpuUnits: 0,
      roleSigners: {},
      verification: verifyDdcRecord(record, verify),
    }
  }
  return {
    kind: 'node-answer',
    recordId: record.recordId,
    ...file,
    leafHash: merkleLeafHash(record.payloadBytes),
    timeMs: null,
    agent: null,
    scope: null,
    bytes: 0,
    cpuMs: 0,
    gpuUnits: 0,
    roleSigners: {},
    verification: verifyChecks(record.recordId, record.checks, record.file, verify),
  }
}
