import { z } from 'zod'
import { runCheck, verifySignature, type SignatureCheck } from './signature.ts'

/** The verdict on one record's signatures. Zod-described so workers and reports share one shape. */
export const RecordVerificationSchema = z.object({
  recordId: z.string(),
  file: z.string().optional(),
  signatures: z.number().int(),
  validSignatures: z.number().int(),
  valid: z.boolean(),
  reasons: z.array(z.string()),
})
export type RecordVerification = z.infer<typeof RecordVerificationSchema>

/**
 * Runs every signature check of one record; the record is valid only when all of them hold (and there is at least one).
 * @example verifyChecks('0x01', checks) // { recordId: '0x01', signatures: 16, validSignatures: 16, valid: true, reasons: [] }
 */
export function verifyChecks(recordId: string, checks: SignatureCheck[], file?: string, verify: typeof verifySignature = verifySignature, extraReasons: string[] = []): RecordVerification {
  const reasons = [...extraReasons]
  let validSignatures = 0
  for (const check of checks) {
    const result = runCheck(check, verify)
    if (result.valid) validSignatures++
    else if (result.reason) reasons.push(result.reason)
  }
  if (checks.length === 0) reasons.push('record carries no signature')
  return {
    recordId,
    ...(file !== undefined ? { file } : {}),
    signatures: checks.length,
    validSignatures,
    valid: reasons.length === 0,
    reasons,
  }
}
