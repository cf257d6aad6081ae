import { z } from 'zod'

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte EVM address')
const decimal = z.string().regex(/^\d+$/, 'expected a whole number as a decimal string')
const share = z.number().gt(0, 'expected a share above 0').lte(1, 'expected a share of at most 1')

/**
 * A counterparty's risk policy for `verify-agent` (seed 004 stage "Evaluate" and "Concentration check").
 * Every field is optional: an empty policy accepts any valid, active certificate.
 * @example riskPolicySchema.parse({ min_class: 'C2', max_acceptable_loss: '100000', max_auditor_share: 0.5 })
 */
export const riskPolicySchema = z
  .object({
    /** the lowest acceptable certificate class */
    min_class: z.enum(['C1', 'C2', 'C3']).optional(),
    /** the containment bound must not exceed this (decimal string, the certificate's denomination) */
    max_acceptable_loss: decimal.optional(),
    /** constraint types that must be present and agent-independent */
    required_constraint_types: z
      .array(z.enum(['SPENDING_LIMIT', 'PERMISSION_BOUNDARY', 'EXECUTION_ENVIRONMENT', 'TIME_LOCK', 'MULTI_SIG', 'KILL_SWITCH', 'REVERSIBILITY_WINDOW']))
      .optional(),
    /** when set, every auditor must be in this list */
    allowed_auditors: z.array(address).optional(),
    /** no auditor may be in this list */
    denied_auditors: z.array(address).optional(),
    /** the reserve ratio must be at least this */
    min_reserve_ratio: z.number().nonnegative().optional(),
    /** the certificate must have been issued at most this many days ago */
    max_age_days: z.number().positive().optional(),
    /** concentration: the largest share of the registry's active certificates one auditor may attest (0–1] */
    max_auditor_share: share.optional(),
    /** concentration: the largest share of active certificates that may use the same spending-limit or reserve contract */
    max_contract_share: share.optional(),
    /** concentration is judged only when the registry holds at least this many active certificates (default 2) */
    concentration_min_certificates: z.number().int().min(1).optional(),
  })
  .strict()

export type RiskPolicy = z.infer<typeof riskPolicySchema>
