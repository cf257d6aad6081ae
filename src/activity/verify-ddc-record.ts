import type { DdcRecord } from './ddc-record.ts'
import { verifyChecks, type RecordVerification } from './record-verification.ts'
import { verifySignature } from './signature.ts'

/**
 * Verifies a DDC ActivityRecord: its own signature, the upstream request chain (parents included) and ack,
 * and every downstream request and ack, over the exact received bytes (PUT requests also with the piece CID cleared).
 * @example verifyDdcRecord(decodeActivityRecord(bytes)).valid // true
 */
export function verifyDdcRecord(record: DdcRecord, verify: typeof verifySignature = verifySignature): RecordVerification {
  return verifyChecks(record.recordId, record.checks, record.file, verify)
}
