import { z } from 'zod'

const Root = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected 0x + 32 bytes hex')
const PublicKeyHex = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, 'expected a 32-byte hex public key')

/** A batch anchored by one RFC 9162 Merkle root over its records' signed bytes, in the listed order. */
export const BatchSchema = z.object({
  type: z.literal('batch'),
  cluster: z.string().min(1),
  era: z.number().int().nonnegative(),
  root: Root,
  records: z.array(z.string().min(1)),
})
export type Batch = z.infer<typeof BatchSchema>

/** One validator's signed vote on (cluster, era, batch root, verdict). */
export const VoteSchema = z.object({
  validator: PublicKeyHex,
  verdict: z.enum(['PASS', 'FAIL']),
  algorithm: z.string(),
  signature: z.string(),
})
export type Vote = z.infer<typeof VoteSchema>

/** A validator attestation round (seed 000): the assigned set and their votes. */
export const RoundSchema = z.object({
  type: z.literal('attestation_round'),
  cluster: z.string().min(1),
  era: z.number().int().nonnegative(),
  batch_root: Root,
  assigned: z.array(PublicKeyHex).min(1),
  votes: z.array(VoteSchema),
})
export type Round = z.infer<typeof RoundSchema>

/** The outcome of a round (`evaluateRound`). */
export const RoundResultSchema = z.object({
  cluster: z.string(),
  era: z.number(),
  batch_root: z.string(),
  passed: z.boolean(),
  agreeing: z.number().int(),
  assigned: z.number().int(),
  threshold: z.number().int(),
  counted: z.array(z.string()),
  ignored: z.array(z.object({ validator: z.string(), reason: z.string() })),
})
export type RoundResult = z.infer<typeof RoundResultSchema>

/** Totals of one scope (`<vaultId> / <scopeId>` for SCP records, `ddc bucket <id>` for DDC records). */
export const ScopeTotalsSchema = z.object({
  records: z.number().int(),
  bytes: z.number().int(),
  ops: z.number().int(),
  cpu_ms: z.number().int(),
  gpu_units: z.number(),
})

/** The codes a trail finding can carry (docs/evidence-formats.md explains each). */
export const FindingCodeSchema = z.enum([
  'INVALID_SIGNATURE',
  'KEY_NOT_REGISTERED',
  'ROLE_KEY_MISMATCH',
  'NO_COVERING_GRANT',
  'GRANT_NOT_ACTIVE',
  'GRANT_AGENT_MISMATCH',
  'GRANT_SIGNATURE_INVALID',
  'DUPLICATE_RECORD',
  'BATCH_ROOT_MISMATCH',
  'BATCH_RECORD_MISSING',
  'ROUND_FAILED',
  'ROUND_WITHOUT_BATCH',
  'NOT_ATTESTED',
])
export type FindingCode = z.infer<typeof FindingCodeSchema>

/**
 * The trail report: JSON-serialisable, stable, documented in docs/evidence-formats.md. The bridge's certify step
 * stores it content-addressed and points an attestation's report_hash at it.
 */
export const TrailReportSchema = z.object({
  type: z.literal('ccp-bridge/trail-report/v1'),
  agent: z.string().nullable(),
  period: z.object({ from: z.string(), to: z.string() }).nullable(),
  audited: z.boolean(),
  keysChecked: z.boolean(),
  records: z.number().int(),
  signatures: z.number().int(),
  validSignatures: z.number().int(),
  valid: z.number().int(),
  invalid: z.array(z.object({ recordId: z.string(), file: z.string().optional(), reason: z.string() })),
  findings: z.array(z.object({ code: FindingCodeSchema, recordId: z.string().optional(), message: z.string() })),
  outOfScope: z.number().int(),
  excluded: z.number().int(),
  attested: z.number().int(),
  batches: z.array(z.object({ cluster: z.string(), era: z.number(), root: z.string(), records: z.number().int(), matches: z.boolean() })),
  rounds: z.array(z.object({ cluster: z.string(), era: z.number(), batch_root: z.string(), passed: z.boolean(), agreeing: z.number().int(), assigned: z.number().int(), threshold: z.number().int() })),
  totals: z.object({ byScope: z.record(z.string(), ScopeTotalsSchema) }),
  ok: z.boolean(),
})
export type TrailReport = z.infer<typeof TrailReportSchema>
